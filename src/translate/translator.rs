//! The translator: a chain of providers, each behind its own limiter,
//! retry policy and circuit breaker, shared by every article in flight.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::Notify;

use super::batch::{OUT_OF_ORDER, aligned, plan, sentence_case_if_shouting, validate};
use super::coalesce::{Answer, Coalescer, Sentence, Translated};
use super::config::TermsMode;
use super::config::{Overrides, TranslateConfig};
use super::limiter::{Limiter, Verdict};
use super::repair::{self, TermStats};
use super::resend::Allowance;
use super::retry::RetryPolicy;
use super::{
    Batch, BatchItem, Error, Limits, Provider, ProviderError, ProviderFailure, ProviderUsage,
};
use super::{TermSupport, TranslateStats, registry};
use crate::model::{Article, Origin, Segment, TermHit};
use crate::qa;

/// Translates articles through the configured provider or chain.
///
/// Build it once per run and share it (`Arc<Translator>`): the concurrency
/// limits, rate limiters and circuit breakers it holds are per provider,
/// for all articles together.
#[derive(Debug)]
pub struct Translator {
    lanes: Vec<Lane>,
    /// `memory` appears in the chain: the pipeline fills targets from the
    /// translation memory before calling [`Translator::translate_article`].
    memory: bool,
    /// How glossary hits act on translations.
    terms: TermsMode,
    /// Each provider's rendering of a French term translated alone, per
    /// target locale: `(provider, target, term) -> rendering`, for repairs.
    renderings: Mutex<HashMap<(&'static str, String, String), String>>,
}

/// One provider with its shared traffic controls.
pub(crate) struct Lane {
    pub(crate) provider: Arc<dyn Provider>,
    pub(crate) endpoint: String,
    pub(crate) limits: Limits,
    pub(crate) limiter: Limiter,
    pub(crate) retry: RetryPolicy,
    pub(crate) concurrency: usize,
    /// Set once, by the first error that makes the provider useless for
    /// the rest of the run.
    circuit: OnceLock<ProviderFailure>,
    /// Requests in a row that timed out or could not connect.
    unreachable: AtomicUsize,
    /// Woken when the circuit opens because the endpoint is dead.
    dead: Notify,
    /// Set once an answer came back out of order: from then on the lane
    /// sends one text per request, which cannot be misplaced.
    one_by_one: AtomicBool,
    /// How long a queued sentence waits for others to share its request.
    pub(crate) linger: Duration,
    /// Requests shared by every article in flight.
    coalescer: Coalescer,
    /// What may be sent again this run (retries, splits, resends).
    pub(crate) resend: Allowance,
}

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The endpoint, and the provider's own copy of it, may carry
        // credentials (`https://user:pass@host`), and a panic or a log line
        // prints what Debug gives. See: #15
        let provider = crate::redact::redact(&format!("{:?}", self.provider));
        f.debug_struct("Lane")
            .field("provider", &format_args!("{provider}"))
            .field("endpoint", &crate::redact::redact(&self.endpoint))
            .field("limits", &self.limits)
            .field("limiter", &self.limiter)
            .field("retry", &self.retry)
            .field("concurrency", &self.concurrency)
            .field("circuit", &self.circuit)
            .field("linger", &self.linger)
            .finish_non_exhaustive()
    }
}

impl Lane {
    pub(crate) fn new(
        provider: Arc<dyn Provider>,
        endpoint: String,
        limits: Limits,
        limiter: Limiter,
        retry: RetryPolicy,
        concurrency: usize,
    ) -> Self {
        Self {
            provider,
            endpoint,
            limits,
            limiter,
            retry,
            concurrency,
            circuit: OnceLock::new(),
            unreachable: AtomicUsize::new(0),
            dead: Notify::new(),
            one_by_one: AtomicBool::new(false),
            linger: DEFAULT_LINGER,
            coalescer: Coalescer::default(),
            resend: Allowance::default(),
        }
    }

    /// The same lane with another linger.
    pub(crate) fn with_linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    /// Counts `err` if it says the server could not be reached or did not
    /// answer, and opens the circuit at [`UNREACHABLE_IN_A_ROW`]; true when
    /// the circuit is open.
    fn note_unreachable(&self, err: &ProviderError) -> bool {
        let Some(what) = err.unreachable() else { return false };
        let failures = self.unreachable.fetch_add(1, Ordering::Relaxed) + 1;
        if failures >= UNREACHABLE_IN_A_ROW {
            let provider = self.provider.name();
            self.open_circuit(ProviderError::Unreachable { provider, failures, what });
        }
        self.circuit.get().is_some()
    }

    fn open_circuit(&self, err: ProviderError) {
        let dead = matches!(err, ProviderError::Unreachable { .. });
        let _ = self.circuit.set(ProviderFailure::new(err));
        if dead {
            self.dead.notify_waiters();
        }
    }
}

/// A segment waiting for a target.
struct Pending {
    para: usize,
    seg: usize,
    id: String,
    text: String,
    terms: Vec<TermHit>,
}

/// What one batch produced.
#[derive(Default)]
pub(crate) struct Outcome {
    pub(crate) targets: Vec<Option<String>>,
    pub(crate) usage: ProviderUsage,
    pub(crate) error: Option<ProviderFailure>,
}

/// How long a sentence waits for sentences of other articles to share its
/// request, by default: far below any provider's latency, long enough for
/// the articles in flight to meet.
pub(crate) const DEFAULT_LINGER: Duration = Duration::from_millis(10);

impl Translator {
    /// Builds the translator described by `config`, with the command-line
    /// `overrides` applied; keys come from the environment.
    pub fn new(config: &TranslateConfig, overrides: &Overrides) -> Result<Translator, Error> {
        Self::with_env(config, overrides, &|name| std::env::var(name).ok())
    }

    /// As [`Translator::new`], reading variables through `env` instead of
    /// the process environment (tests, embedding).
    pub fn with_env(
        config: &TranslateConfig,
        overrides: &Overrides,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Translator, Error> {
        let names = registry::chain(config, overrides)?;
        let memory = names.iter().any(|n| n == "memory");
        let mut lanes = Vec::new();
        for (i, name) in names.iter().enumerate() {
            // The endpoint override applies to the provider picked on the
            // command line, or to the first network provider of the chain.
            let endpoint = if i == names.iter().position(|n| registry::is_network(n)).unwrap_or(0) {
                overrides.endpoint.as_deref()
            } else {
                None
            };
            if let Some(lane) = registry::lane(config, name, endpoint, env)? {
                lanes.push(lane);
            }
        }
        Ok(Translator { lanes, memory, terms: config.terms, renderings: Mutex::default() })
    }

    /// A translator with one provider and default traffic controls, for
    /// callers that bring their own [`Provider`].
    pub fn from_provider(provider: Arc<dyn Provider>) -> Translator {
        let cfg = TranslateConfig::default();
        let limits = provider.limits();
        let lane = Lane::new(
            provider,
            String::new(),
            limits,
            Limiter::new(cfg.concurrency, None, None),
            registry::retry_policy(&cfg),
            cfg.concurrency,
        );
        Translator {
            lanes: vec![lane],
            memory: false,
            terms: cfg.terms,
            renderings: Mutex::default(),
        }
    }

    /// Keeps every lane's rate limits, and its `Retry-After` pauses, on
    /// `coordinator`, shared with every worker of the batch (see
    /// [`crate::coordination`]). A lane is named by its provider and
    /// endpoint, so workers configured alike share it.
    pub fn share_traffic(&mut self, coordinator: &Arc<dyn crate::coordination::Coordinator>) {
        for lane in &mut self.lanes {
            // Stored in the shared database: never with the URL's password.
            let endpoint = crate::redact::redact(&lane.endpoint);
            let name = format!("{}@{endpoint}", lane.provider.name());
            lane.limiter.share(Arc::clone(coordinator), name);
        }
    }

    /// The same translator with another terminology mode.
    pub fn with_terms(mut self, terms: TermsMode) -> Translator {
        self.terms = terms;
        self
    }

    /// How glossary hits act on translations.
    pub fn terms(&self) -> TermsMode {
        self.terms
    }

    /// True when no provider of the chain translates (`none`, `memory`).
    pub fn is_offline(&self) -> bool {
        !self.lanes.iter().any(|l| l.provider.produces_targets())
    }

    /// True when the chain starts with the translation memory.
    pub fn uses_memory(&self) -> bool {
        self.memory
    }

    /// The chain in one line: `deepl (https://api-free.deepl.com) -> apertium (...)`,
    /// with any password or key in an endpoint removed ([`crate::redact`]):
    /// the line goes into summaries, reports and XLIFF notes.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.memory {
            parts.push("memory".to_string());
        }
        for l in &self.lanes {
            if l.endpoint.is_empty() {
                parts.push(l.provider.name().to_string());
            } else {
                let endpoint = crate::redact::redact(&l.endpoint);
                parts.push(format!("{} ({endpoint})", l.provider.name()));
            }
        }
        if parts.is_empty() { "none".to_string() } else { parts.join(" -> ") }
    }

    /// One cheap call per network provider: its name and what it answered.
    pub async fn check(&self) -> Vec<(String, Result<String, ProviderError>)> {
        let mut out = Vec::new();
        for l in self.lanes.iter().filter(|l| l.provider.produces_targets()) {
            out.push((l.provider.name().to_string(), l.provider.check().await));
        }
        out
    }

    /// Gives each provider with a native glossary (DeepL) the termbase
    /// entries for this language pair, created once and found again by
    /// content hash; returns what each provider answered.
    pub async fn prepare_glossary(
        &self,
        entries: &[(String, String)],
        source_lang: &str,
        target_lang: &str,
    ) -> Vec<(String, Result<Option<String>, ProviderError>)> {
        let mut out = Vec::new();
        for l in
            self.lanes.iter().filter(|l| l.provider.terminology() == super::TermSupport::Native)
        {
            let r = l.provider.prepare_glossary(entries, source_lang, target_lang).await;
            // The same server: a glossary call that timed out counts
            // towards finding a dead endpoint early.
            if let Err(e) = &r {
                l.note_unreachable(e);
            }
            out.push((l.provider.name().to_string(), r));
        }
        out
    }

    /// Translates every segment of `article` that has no target yet into
    /// `target_lang`, walking the chain for segments a provider cannot
    /// serve. Targets produced are marked `Origin::Mt`; segments nobody
    /// could translate keep no target and are counted in
    /// [`TranslateStats::failed`], with the reasons in `errors`.
    ///
    /// Fails only when segments are left and every provider of the chain
    /// is disabled (bad key, exhausted quota, a dead endpoint), so the
    /// caller can stop early; the targets already set stay in `article`,
    /// and the error keeps the traffic the article caused.
    pub async fn translate_article(
        &self,
        article: &mut Article,
        target_lang: &str,
    ) -> Result<TranslateStats, Box<Stopped>> {
        let mut stats = TranslateStats::default();
        let mut pending = Vec::new();
        for (pi, p) in article.paragraphs.iter().enumerate() {
            for (si, s) in p.segments.iter().enumerate() {
                if s.target.is_some() {
                    stats.skipped += 1;
                    continue;
                }
                if s.source.trim().is_empty() {
                    continue;
                }
                let sent = sentence_case_if_shouting(&s.source);
                // Term offsets hold only if case folding kept the byte length.
                let keeps_offsets = sent.len() == s.source.len();
                let terms = if self.terms != TermsMode::Off && keeps_offsets {
                    s.terms.clone()
                } else {
                    Vec::new()
                };
                pending.push(Pending {
                    para: pi,
                    seg: si,
                    id: s.id.clone(),
                    text: sent.into_owned(),
                    terms,
                });
            }
        }
        let source_lang = article.lang.clone();
        let mut last_error = None;
        for lane in self.lanes.iter().filter(|l| l.provider.produces_targets()) {
            if pending.is_empty() {
                break;
            }
            if let Some(reason) = lane.circuit.get() {
                push_error(&mut stats, reason.clone());
                continue;
            }
            // Repair translates plainly first, except through a native
            // glossary, which costs nothing extra and is verified the same way.
            let up_front = match self.terms {
                TermsMode::Force => true,
                TermsMode::Off => false,
                TermsMode::Repair => lane.provider.terminology() == TermSupport::Native,
            };
            let sentences: Vec<Sentence> = pending
                .iter()
                .map(|p| Sentence {
                    id: p.id.clone(),
                    text: p.text.clone(),
                    terms: if up_front { p.terms.clone() } else { Vec::new() },
                })
                .collect();
            let Translated { answers, usage: traffic, reused } =
                lane.coalescer.translate(lane, &source_lang, target_lang, sentences).await;
            let source_lang = source_lang.as_str();
            let name = lane.provider.name();
            let mut done = vec![false; pending.len()];
            let usage = stats.per_provider.entry(name.to_string()).or_default();
            usage.add(&traffic);
            stats.reused += reused;
            let mut errors: Vec<ProviderFailure> = Vec::new();
            for (i, answer) in answers.into_iter().enumerate() {
                let target = match answer {
                    Answer::Target(t) => t,
                    Answer::Failed(e) => {
                        if let Some(e) = e
                            && !errors.contains(&e)
                        {
                            errors.push(e);
                        }
                        continue;
                    }
                };
                let Some(p) = pending.get(i) else { continue };
                if let Some(seg) =
                    article.paragraphs.get_mut(p.para).and_then(|x| x.segments.get_mut(p.seg))
                {
                    seg.target = Some(target);
                    seg.origin = Origin::Mt { provider: name.to_string() };
                    usage.translated += 1;
                    if let Some(d) = done.get_mut(i) {
                        *d = true;
                    }
                }
            }
            for e in errors {
                last_error = Some(e.clone());
                push_error(&mut stats, e);
            }
            if self.terms == TermsMode::Repair {
                let fresh: Vec<&Pending> = pending
                    .iter()
                    .zip(&done)
                    .filter(|(p, d)| **d && !p.terms.is_empty())
                    .map(|(p, _)| p)
                    .collect();
                let figures = self.repair(lane, article, &fresh, source_lang, target_lang).await;
                if let Some(u) = stats.per_provider.get_mut(name) {
                    u.requests += figures.requests;
                    u.failed_requests += figures.failed_requests;
                    u.chars_sent += figures.chars;
                    u.retries += figures.retries;
                    u.rate_limited += figures.rate_limited;
                }
                stats.terms.add(&figures);
            }
            let mut flags = done.into_iter();
            pending.retain(|_| !flags.next().unwrap_or(false));
        }
        for u in stats.per_provider.values() {
            stats.requests += u.requests;
            stats.failed_requests += u.failed_requests;
            stats.segments_sent += u.segments_sent;
            stats.chars_sent += u.chars_sent;
            stats.translated += u.translated;
            stats.retries += u.retries;
            stats.rate_limited += u.rate_limited;
        }
        let network: Vec<&Lane> =
            self.lanes.iter().filter(|l| l.provider.produces_targets()).collect();
        // Offline chains (`none`, `memory` alone) leave targets for a human
        // on purpose: that is not a failure.
        stats.failed = if network.is_empty() { 0 } else { pending.len() };
        if !pending.is_empty()
            && !network.is_empty()
            && network.iter().all(|l| l.circuit.get().is_some())
            && stats.translated == 0
        {
            let first = network.first().map(|l| l.provider.name()).unwrap_or("none");
            // Every lane's circuit is open, so the first one has a reason.
            let reason =
                last_error.or_else(|| network.first().and_then(|l| l.circuit.get().cloned()));
            if let Some(reason) = reason {
                let error = ProviderError::CircuitOpen { provider: first, reason };
                return Err(Box::new(Stopped { error, stats }));
            }
        }
        Ok(stats)
    }
}

/// An article the chain gave up on: every provider is disabled.
#[derive(Debug)]
pub struct Stopped {
    /// Why: the circuit of the first provider, with what to do.
    pub error: ProviderError,
    /// What the article cost before the chain stopped: requests that
    /// failed still count as requests, so a run against a dead endpoint
    /// reports them. See: #13
    pub stats: TranslateStats,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Stopped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

/// A sentence whose plain translation breaks glossary terms.
struct Broken<'a> {
    pending: &'a Pending,
    plain: String,
    hits: Vec<&'a TermHit>,
}

impl Translator {
    /// Verifies the terms of the segments `lane` has just translated and
    /// repairs the sentences that break one: substitution of the engine's
    /// own rendering first, then (providers without a native glossary) one
    /// re-send with the broken terms protected. A candidate is kept only if
    /// it keeps every term and the damage checks find no more on it than on
    /// the plain translation; otherwise the plain translation stays, and QA
    /// flags it.
    async fn repair(
        &self,
        lane: &Lane,
        article: &mut Article,
        fresh: &[&Pending],
        source: &str,
        target: &str,
    ) -> TermStats {
        let mut figures = TermStats::default();
        let mut broken: Vec<Broken<'_>> = Vec::new();
        for p in fresh {
            let Some(plain) = segment(article, p).and_then(|s| s.target.clone()) else { continue };
            let hits = qa::terms::broken(&p.terms, &plain);
            if hits.is_empty() {
                figures.plain += 1;
            } else {
                broken.push(Broken { pending: p, plain, hits });
            }
        }
        if broken.is_empty() {
            return figures;
        }
        self.fetch_renderings(lane, &broken, source, target, &mut figures).await;
        let renderings = self.renderings.lock().map(|m| m.clone()).unwrap_or_default();
        let lookup = |text: &str| {
            renderings.get(&(lane.provider.name(), target.to_string(), text.to_string())).cloned()
        };
        let engine = |hit: &TermHit| lookup(&hit.text);
        // What goes in for a hit: its inflected rendering, after the
        // engine's rendering of any words inserted in it (`ministre syrien
        // des Affaires étrangères` → `Syrian Foreign Minister`).
        let value_for = |hit: &TermHit| -> Option<String> {
            let value = repair::rendering(hit, target)?;
            match repair::inserted_words(hit) {
                Some(words) => {
                    let words = lookup(&words)?;
                    Some(format!("{} {value}", words.trim().trim_end_matches('.')))
                }
                None => Some(value),
            }
        };
        // Substitution, hit by hit; what it cannot place waits for a re-send.
        let mut substituted: Vec<(String, Vec<&TermHit>)> = Vec::new();
        for b in &broken {
            let mut text = b.plain.clone();
            let mut left = Vec::new();
            for &hit in &b.hits {
                let placed = value_for(hit).and_then(|value| {
                    let from_engine = engine(hit)
                        .and_then(|e| repair::substitute(&text, &e, &value, hit.no_article));
                    from_engine.or_else(|| {
                        hit.forbidden
                            .iter()
                            .find_map(|f| repair::substitute(&text, f, &value, hit.no_article))
                    })
                });
                match placed {
                    Some(t) => text = t,
                    None => left.push(hit),
                }
            }
            substituted.push((text, left));
        }
        let resent = self.resend(lane, &broken, &substituted, source, target, &mut figures).await;
        let checks = qa::damage_checks();
        for ((b, (text, left)), again) in broken.iter().zip(&substituted).zip(resent) {
            let mut candidates: Vec<String> = Vec::new();
            if left.is_empty() {
                candidates.push(text.clone());
            } else if let Some(again) = again {
                // The re-sent sentence with the substitutions applied too, so
                // that it differs from `text` only where the protected term is.
                let mut aligned = again.clone();
                for &hit in &b.hits {
                    if left.iter().any(|l| std::ptr::eq(*l, hit)) {
                        continue;
                    }
                    let fixed = engine(hit).zip(value_for(hit)).and_then(|(e, value)| {
                        repair::substitute(&aligned, &e, &value, hit.no_article)
                    });
                    if let Some(t) = fixed {
                        aligned = t;
                    }
                }
                let anchored = match left.as_slice() {
                    [hit] => value_for(hit)
                        .and_then(|value| repair::anchor(text, &aligned, &value, hit.no_article)),
                    _ => None,
                };
                candidates.extend(anchored);
                candidates.push(aligned);
            }
            let damage = |t: &str| damage(&checks, b.pending, t, target);
            let before = damage(&b.plain);
            let chosen = candidates.into_iter().find(|c| {
                let still = qa::terms::broken(&b.pending.terms, c);
                let harm = damage(c);
                tracing::debug!(
                    segment = b.pending.id.as_str(),
                    candidate = c.as_str(),
                    broken = still.len(),
                    damage = harm,
                    plain_damage = before,
                    "terminology repair candidate"
                );
                still.is_empty() && harm <= before
            });
            match chosen {
                Some(c) => {
                    if let Some(seg) = segment_mut(article, b.pending) {
                        seg.target = Some(c);
                    }
                    figures.repaired += 1;
                }
                None => figures.flagged += 1,
            }
        }
        figures
    }

    /// Asks `lane` for its rendering of every broken French term not yet
    /// known, translated alone, in one planned series of requests.
    async fn fetch_renderings(
        &self,
        lane: &Lane,
        broken: &[Broken<'_>],
        source: &str,
        target: &str,
        figures: &mut TermStats,
    ) {
        let name = lane.provider.name();
        let mut wanted: Vec<String> = Vec::new();
        if let Ok(known) = self.renderings.lock() {
            let texts = broken
                .iter()
                .flat_map(|b| &b.hits)
                .flat_map(|h| std::iter::once(h.text.clone()).chain(repair::inserted_words(h)));
            for text in texts {
                let key = (name, target.to_string(), text.clone());
                if !known.contains_key(&key) && !wanted.contains(&text) {
                    wanted.push(text);
                }
            }
        }
        if wanted.is_empty() {
            return;
        }
        let ids: Vec<String> = (0..wanted.len()).map(|i| format!("term{i}")).collect();
        let items: Vec<BatchItem<'_>> = wanted
            .iter()
            .zip(&ids)
            .map(|(t, id)| BatchItem { id, text: t, terms: &[], previous: None })
            .collect();
        let mut got: Vec<(String, String)> = Vec::new();
        for r in plan(&items, lane.limits) {
            let Some(chunk) = items.get(r.clone()) else { continue };
            let out = send(lane, source, target, chunk).await;
            figures.requests += out.usage.requests;
            figures.failed_requests += out.usage.failed_requests;
            figures.chars += out.usage.chars_sent;
            figures.retries += out.usage.retries;
            figures.rate_limited += out.usage.rate_limited;
            for (w, t) in wanted.get(r).unwrap_or(&[]).iter().zip(out.targets) {
                if let Some(t) = t {
                    got.push((w.clone(), t));
                }
            }
        }
        if let Ok(mut known) = self.renderings.lock() {
            for (w, t) in got {
                known.insert((name, target.to_string(), w), t);
            }
        }
    }

    /// Re-sends, once, each sentence that substitution could not fully
    /// repair, with its remaining broken terms protected by the provider's
    /// own means (placeholders, markup, a prompt naming them) and put back
    /// inflected. Providers with a native glossary already used it: nothing
    /// is re-sent to them.
    async fn resend(
        &self,
        lane: &Lane,
        broken: &[Broken<'_>],
        substituted: &[(String, Vec<&TermHit>)],
        source: &str,
        target: &str,
        figures: &mut TermStats,
    ) -> Vec<Option<String>> {
        let mut out = vec![None; broken.len()];
        if lane.provider.terminology() == TermSupport::Native {
            return out;
        }
        // The protected hits carry their inflected rendering as the target.
        let mut which = Vec::new();
        let mut protected: Vec<Vec<TermHit>> = Vec::new();
        for (i, (b, (_, left))) in broken.iter().zip(substituted).enumerate() {
            let hits: Vec<TermHit> = left
                .iter()
                .filter(|h| !repair::has_insertion(h))
                .filter_map(|h| {
                    let value = repair::rendering(h, target)?;
                    let mut h = (*h).clone();
                    if !h.do_not_translate {
                        h.expected = Some(value);
                    }
                    Some(h)
                })
                .collect();
            if !left.is_empty() && hits.len() == left.len() {
                which.push((i, b.pending));
                protected.push(hits);
            }
        }
        let items: Vec<BatchItem<'_>> = which
            .iter()
            .zip(&protected)
            .map(|((i, p), hits)| BatchItem {
                id: &p.id,
                text: &p.text,
                terms: hits,
                previous: broken.get(*i).map(|b| b.plain.as_str()),
            })
            .collect();
        for r in plan(&items, lane.limits) {
            let Some(chunk) = items.get(r.clone()) else { continue };
            let sent = send(lane, source, target, chunk).await;
            figures.requests += sent.usage.requests;
            figures.failed_requests += sent.usage.failed_requests;
            figures.chars += sent.usage.chars_sent;
            figures.retries += sent.usage.retries;
            figures.rate_limited += sent.usage.rate_limited;
            for (j, t) in r.zip(sent.targets) {
                let (Some((i, _)), Some(t)) = (which.get(j), t) else { continue };
                if let Some(slot) = out.get_mut(*i) {
                    *slot = Some(shape_protected(&t, protected.get(j).map_or(&[], Vec::as_slice)));
                }
            }
        }
        out
    }
}

/// Puts each protected term of a re-sent sentence in shape as
/// substitution does: no "the" before a name used without one, `a`/`an`
/// agreeing, adjectives the engine left after it moved before it.
fn shape_protected(text: &str, protected: &[TermHit]) -> String {
    let mut out = text.to_string();
    for hit in protected {
        let Some(value) = hit.expected.as_deref() else { continue };
        if let Some(range) = repair::find_words(&out, value) {
            out = repair::put(&out, range, value, hit.no_article);
        }
    }
    out
}

/// Damage findings on `target` as the translation of `p`.
fn damage(checks: &[Box<dyn qa::Check>], p: &Pending, target: &str, lang: &str) -> usize {
    let mut seg = Segment::new(p.id.clone(), p.text.clone());
    seg.target = Some(target.to_string());
    seg.terms = p.terms.clone();
    checks.iter().map(|c| c.check(&seg, lang).len()).sum()
}

fn segment<'a>(article: &'a Article, p: &Pending) -> Option<&'a Segment> {
    article.paragraphs.get(p.para).and_then(|x| x.segments.get(p.seg))
}

fn segment_mut<'a>(article: &'a mut Article, p: &Pending) -> Option<&'a mut Segment> {
    article.paragraphs.get_mut(p.para).and_then(|x| x.segments.get_mut(p.seg))
}

fn push_error(stats: &mut TranslateStats, e: ProviderFailure) {
    if !stats.errors.contains(&e) {
        stats.errors.push(e);
    }
}

/// Characters of text in `items`.
fn chars_of(items: &[BatchItem<'_>]) -> usize {
    items.iter().map(|i| i.text.chars().count()).sum()
}

/// How a request is paid for (see [`super::resend`]).
#[derive(Debug, Clone, Copy)]
enum Due {
    /// Already counted as texts sent for the first time.
    Paid,
    /// Texts sent again, from the run's allowance: a request, and their
    /// characters when `billed` (an answer for them was accepted before).
    Again { billed: bool },
    /// Half of a batch refused as too large: counted in the allowance but
    /// never refused, as rate limits are. Such a refusal bills nothing, and
    /// halving finds the size the server takes in log2(n) steps.
    Smaller,
}

/// Sends each of `items` in a request of its own, a few at a time, each
/// paid as `due` says.
async fn one_by_one(
    lane: &Lane,
    source: &str,
    target: &str,
    items: &[BatchItem<'_>],
    due: &[(Due, Option<&str>)],
) -> Outcome {
    // The futures are made before the stream, so no closure over borrowed
    // items is held across an await (the step stays a `Send` task).
    let requests: Vec<_> = items
        .chunks(1)
        .zip(due)
        .map(|(one, (due, reason))| Box::pin(attempt(lane, source, target, one, *due, *reason)))
        .collect();
    let each: Vec<Outcome> =
        futures::stream::iter(requests).buffered(lane.concurrency.max(1)).collect().await;
    let mut out = Outcome::default();
    for o in each {
        out.targets.extend(o.targets);
        out.usage.add(&o.usage);
        if out.error.is_none() {
            out.error = o.error;
        }
    }
    out
}

/// Requests in a row that timed out or could not connect before a lane's
/// circuit opens: enough that one lost connection does not stop a run, few
/// enough that, at the default concurrency, a dead endpoint is found within
/// one read timeout (issue #13).
const UNREACHABLE_IN_A_ROW: usize = 3;

/// Sends one planned batch through `lane`: waits for the limiter, retries
/// what may pass, splits what was too large or came back unusable, and
/// opens the circuit on errors that will not pass.
///
/// Rate limiting is waited out, not counted as a failure: the lane pauses
/// for the provider's Retry-After (or the backoff), and the request goes
/// again for as long as `give_up_after` allows. Other retryable errors
/// get `max_attempts` in all. Everything sent again, but for rate limits,
/// is paid from the lane's allowance ([`super::resend`]); what it cannot
/// pay for fails with [`ProviderError::NotResent`].
pub(crate) async fn send(
    lane: &Lane,
    source: &str,
    target: &str,
    items: &[BatchItem<'_>],
) -> Outcome {
    lane.resend.first(chars_of(items));
    if items.len() > 1 && lane.one_by_one.load(Ordering::Relaxed) {
        // This provider answered out of order before: one text per
        // request while the allowance pays for the requests past the
        // first; otherwise the batch goes whole, and its order is checked.
        if lane.resend.take(items.len() - 1, 0) {
            let due = vec![(Due::Paid, None); items.len()];
            return one_by_one(lane, source, target, items, &due).await;
        }
    }
    attempt(lane, source, target, items, Due::Paid, None).await
}

/// [`send`] for a request paid as `due`; `reason` says why it goes again.
async fn attempt(
    lane: &Lane,
    source: &str,
    target: &str,
    items: &[BatchItem<'_>],
    due: Due,
    reason: Option<&str>,
) -> Outcome {
    let mut out = Outcome { targets: vec![None; items.len()], ..Outcome::default() };
    let provider = lane.provider.as_ref();
    let name = provider.name();
    let chars = chars_of(items);
    let mut failures = 0;
    let mut refusals = 0;
    let mut resent_unusable = false;
    // An answer for these texts was accepted, so sending them again bills
    // them again.
    let mut billed = matches!(due, Due::Again { billed: true });
    // What the next request costs the allowance, and why it goes.
    let mut pay: Option<(bool, String)> = match due {
        Due::Paid => None,
        Due::Smaller => {
            lane.resend.charge(1);
            None
        }
        Due::Again { billed } => Some((billed, reason.unwrap_or("failed").to_string())),
    };
    loop {
        if let Some(reason) = lane.circuit.get() {
            out.error = Some(reason.clone());
            return out;
        }
        if let Some((billed, reason)) = pay.take()
            && !lane.resend.take(1, if billed { chars } else { 0 })
        {
            let ids: Vec<&str> = items.iter().map(|i| i.id).collect();
            let err = ProviderError::NotResent { provider: name, reason };
            out.error = Some(ProviderFailure::new(err).with_segments(ids));
            return out;
        }
        let batch = Batch { source_lang: source, target_lang: target, items };
        let permit = lane.limiter.acquire(chars).await;
        // Registered before the check, so an opening in between is seen.
        let dead = lane.dead.notified();
        // The circuit may have opened while this request waited for a slot.
        if let Some(reason) = lane.circuit.get() {
            out.error = Some(reason.clone());
            return out;
        }
        out.usage.requests += 1;
        let started = permit.started;
        let answered = tokio::select! {
            answer = provider.translate(&batch) => answer,
            // A request to an endpoint found dead stops waiting at once
            // instead of running into its own read timeout.
            () = dead => {
                out.usage.failed_requests += 1;
                out.error = lane.circuit.get().cloned();
                return out;
            }
        };
        let result = match answered {
            Ok(t) => {
                lane.unreachable.store(0, Ordering::Relaxed);
                lane.limiter.succeeded(started);
                // Counted once the provider accepted the text (what it bills).
                out.usage.segments_sent += items.len();
                out.usage.chars_sent += chars;
                billed = true;
                let checked = match validate(name, items, &t) {
                    Ok(()) if !provider.answers_by_id() => aligned(name, items, &t),
                    other => other,
                };
                checked.map(|()| t)
            }
            Err(e) => {
                out.usage.failed_requests += 1;
                if matches!(e, ProviderError::BadResponse { .. }) {
                    // An answer that came with success but could not be read
                    // (cut short, not the JSON asked for) was billed all the
                    // same, and a resend bills it again.
                    billed = true;
                }
                Err(e)
            }
        };
        drop(permit);
        let err = match result {
            Ok(targets) => {
                out.targets = targets.into_iter().map(Some).collect();
                return out;
            }
            Err(e) => e,
        };
        if !matches!(err, ProviderError::Transport { .. }) {
            // Any answer, even an error, proves the server is there.
            lane.unreachable.store(0, Ordering::Relaxed);
        }
        if err.opens_circuit() {
            lane.open_circuit(err);
            out.error = lane.circuit.get().cloned();
            return out;
        }
        if matches!(err, ProviderError::RateLimited { .. }) {
            refusals += 1;
            let pause = lane.retry.pause(refusals, &err);
            match lane.limiter.overloaded(started, pause, lane.retry.give_up_after) {
                Verdict::Retry(wait) => {
                    out.usage.retries += 1;
                    out.usage.rate_limited += 1;
                    lane.resend.charge(1);
                    let window = lane.limiter.window();
                    tracing::debug!(provider = name, refusals, window, ?wait, "lane paused: {err}");
                    // Every worker sharing the key waits too.
                    lane.limiter.pause(wait).await;
                    continue;
                }
                Verdict::GiveUp(waited) => {
                    lane.open_circuit(ProviderError::GaveUp { provider: name, waited });
                    out.error = lane.circuit.get().cloned();
                    return out;
                }
            }
        }
        if let ProviderError::Server { status, retry_after, .. } = &err
            && (matches!(status, 503 | 529) || retry_after.is_some())
        {
            lane.limiter.strained(started, *retry_after);
        }
        if lane.note_unreachable(&err) {
            out.error = lane.circuit.get().cloned();
            return out;
        }
        // What the provider did, without its name: the reason a resend
        // refused by the allowance gives.
        let what = err.to_string();
        let what = what.strip_prefix(name).map_or(what.as_str(), str::trim_start).to_string();
        if let ProviderError::BadResponse { detail, .. } = &err
            && detail.ends_with(OUT_OF_ORDER)
            && !lane.one_by_one.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                provider = name,
                "{err}; this provider's answers are no longer trusted in order: one text per request from now on"
            );
        }
        if lane.one_by_one.load(Ordering::Relaxed) && items.len() > 1 {
            let due = vec![(Due::Again { billed }, Some(what.as_str())); items.len()];
            let mut rest = one_by_one(lane, source, target, items, &due).await;
            rest.usage.add(&out.usage);
            rest.usage.retries += 1;
            return rest;
        }
        let splittable =
            matches!(err, ProviderError::TooLarge { .. } | ProviderError::BadResponse { .. });
        if splittable && items.len() > 1 {
            // Halving isolates the segment at fault in log2(n) requests and
            // keeps every other segment of the batch, as far as the
            // allowance pays for the halves.
            let mid = items.len() / 2;
            let (a, b) = items.split_at(mid);
            let due = match err {
                ProviderError::TooLarge { .. } if !billed => Due::Smaller,
                _ => Due::Again { billed },
            };
            let (ra, rb) = futures::join!(
                Box::pin(attempt(lane, source, target, a, due, Some(&what))),
                Box::pin(attempt(lane, source, target, b, due, Some(&what)))
            );
            out.targets = ra.targets.into_iter().chain(rb.targets).collect();
            out.usage.add(&ra.usage);
            out.usage.add(&rb.usage);
            out.usage.retries += 1;
            out.error = ra.error.or(rb.error);
            return out;
        }
        if matches!(err, ProviderError::BadResponse { .. }) && !resent_unusable {
            resent_unusable = true;
            out.usage.retries += 1;
            pay = Some((billed, what));
            continue;
        }
        failures += 1;
        match lane.retry.delay(failures, &err) {
            Some(wait) => {
                out.usage.retries += 1;
                tracing::debug!(provider = name, attempt = failures, ?wait, "retrying: {err}");
                if err.retry_after().is_some() {
                    // The provider asked every client of the key to wait.
                    lane.limiter.pause(wait).await;
                }
                tokio::time::sleep(wait).await;
                pay = Some((billed, what));
            }
            None => {
                let ids: Vec<&str> = items.iter().map(|i| i.id).collect();
                out.error = Some(ProviderFailure::new(err).with_segments(ids));
                return out;
            }
        }
    }
}
