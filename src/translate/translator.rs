//! The translator: a chain of providers, each behind its own limiter,
//! retry policy and circuit breaker, shared by every article in flight.

use std::sync::{Arc, OnceLock};

use futures::StreamExt;

use super::batch::{plan, sentence_case_if_shouting, validate};
use super::config::{Overrides, TranslateConfig};
use super::limiter::Limiter;
use super::retry::RetryPolicy;
use super::{
    Batch, BatchItem, Error, Limits, Provider, ProviderError, ProviderFailure, ProviderUsage,
};
use super::{TranslateStats, registry};
use crate::model::{Article, Origin, TermHit};

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
    /// Send glossary hits to providers (glossary, markup, placeholders).
    enforce_terms: bool,
}

/// One provider with its shared traffic controls.
#[derive(Debug)]
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
        Self { provider, endpoint, limits, limiter, retry, concurrency, circuit: OnceLock::new() }
    }

    fn open_circuit(&self, err: ProviderError) {
        let _ = self.circuit.set(ProviderFailure::new(err));
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
struct Outcome {
    targets: Vec<Option<String>>,
    usage: ProviderUsage,
    error: Option<ProviderFailure>,
}

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
        Ok(Translator { lanes, memory, enforce_terms: config.enforce_terms })
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
        Translator { lanes: vec![lane], memory: false, enforce_terms: cfg.enforce_terms }
    }

    /// True when no provider of the chain translates (`none`, `memory`).
    pub fn is_offline(&self) -> bool {
        !self.lanes.iter().any(|l| l.provider.produces_targets())
    }

    /// True when the chain starts with the translation memory.
    pub fn uses_memory(&self) -> bool {
        self.memory
    }

    /// The chain in one line: `deepl (https://api-free.deepl.com) -> apertium (...)`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.memory {
            parts.push("memory".to_string());
        }
        for l in &self.lanes {
            if l.endpoint.is_empty() {
                parts.push(l.provider.name().to_string());
            } else {
                parts.push(format!("{} ({})", l.provider.name(), l.endpoint));
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
    /// is disabled (bad key, exhausted quota), so the caller can stop
    /// early; the targets already set stay in `article`.
    pub async fn translate_article(
        &self,
        article: &mut Article,
        target_lang: &str,
    ) -> Result<TranslateStats, ProviderError> {
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
                let terms =
                    if self.enforce_terms && keeps_offsets { s.terms.clone() } else { Vec::new() };
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
            let items: Vec<BatchItem<'_>> = pending
                .iter()
                .map(|p| BatchItem { id: &p.id, text: &p.text, terms: &p.terms })
                .collect();
            let ranges = plan(&items, lane.limits);
            let batches = ranges.into_iter().filter_map(|r| items.get(r.clone()).map(|c| (r, c)));
            let source_lang = source_lang.as_str();
            let results: Vec<(std::ops::Range<usize>, Outcome)> = futures::stream::iter(batches)
                .map(|(r, chunk)| async move {
                    let out = send(lane, source_lang, target_lang, chunk).await;
                    (r, out)
                })
                .buffer_unordered(lane.concurrency.max(1))
                .collect()
                .await;
            let name = lane.provider.name();
            let mut done = vec![false; pending.len()];
            let usage = stats.per_provider.entry(name.to_string()).or_default();
            let mut errors = Vec::new();
            for (range, outcome) in results {
                usage.add(&outcome.usage);
                if let Some(e) = outcome.error {
                    errors.push(e);
                }
                for (i, target) in range.zip(outcome.targets) {
                    let (Some(target), Some(p)) = (target, pending.get(i)) else { continue };
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
            }
            for e in errors {
                last_error = Some(e.clone());
                push_error(&mut stats, e);
            }
            let mut flags = done.into_iter();
            pending.retain(|_| !flags.next().unwrap_or(false));
        }
        for u in stats.per_provider.values() {
            stats.requests += u.requests;
            stats.segments_sent += u.segments_sent;
            stats.chars_sent += u.chars_sent;
            stats.translated += u.translated;
            stats.retries += u.retries;
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
                return Err(ProviderError::CircuitOpen { provider: first, reason });
            }
        }
        Ok(stats)
    }
}

fn push_error(stats: &mut TranslateStats, e: ProviderFailure) {
    if !stats.errors.contains(&e) {
        stats.errors.push(e);
    }
}

/// Sends one planned batch through `lane`: waits for the limiter, retries
/// what may pass, splits what was too large or came back unusable, and
/// opens the circuit on errors that will not pass.
async fn send(lane: &Lane, source: &str, target: &str, items: &[BatchItem<'_>]) -> Outcome {
    let mut out = Outcome { targets: vec![None; items.len()], ..Outcome::default() };
    let provider = lane.provider.as_ref();
    let name = provider.name();
    let chars: usize = items.iter().map(|i| i.text.chars().count()).sum();
    let mut attempt = 0;
    let mut resent_unusable = false;
    loop {
        if let Some(reason) = lane.circuit.get() {
            out.error = Some(reason.clone());
            return out;
        }
        attempt += 1;
        let batch = Batch { source_lang: source, target_lang: target, items };
        let result = {
            let _slot = lane.limiter.acquire(chars).await;
            out.usage.requests += 1;
            out.usage.segments_sent += items.len();
            out.usage.chars_sent += chars;
            match provider.translate(&batch).await {
                Ok(t) => validate(name, items, &t).map(|()| t),
                Err(e) => Err(e),
            }
        };
        let err = match result {
            Ok(targets) => {
                out.targets = targets.into_iter().map(Some).collect();
                return out;
            }
            Err(e) => e,
        };
        if err.opens_circuit() {
            lane.open_circuit(err);
            out.error = lane.circuit.get().cloned();
            return out;
        }
        let splittable =
            matches!(err, ProviderError::TooLarge { .. } | ProviderError::BadResponse { .. });
        if splittable && items.len() > 1 {
            // Halving isolates the segment at fault in log2(n) requests and
            // keeps every other segment of the batch.
            let mid = items.len() / 2;
            let (a, b) = items.split_at(mid);
            let (ra, rb) = futures::join!(
                Box::pin(send(lane, source, target, a)),
                Box::pin(send(lane, source, target, b))
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
            continue;
        }
        match lane.retry.delay(attempt, &err) {
            Some(wait) => {
                out.usage.retries += 1;
                tracing::debug!(provider = name, attempt, ?wait, "retrying: {err}");
                tokio::time::sleep(wait).await;
            }
            None => {
                let ids: Vec<&str> = items.iter().map(|i| i.id).collect();
                out.error = Some(ProviderFailure::new(err).with_segments(ids));
                return out;
            }
        }
    }
}
