//! Batching and checking: an article's segments cut into provider-sized
//! requests, and each answer checked before it is trusted.

use std::collections::BTreeMap;

use super::{BatchItem, Limits, ProviderError};

/// What translating one article cost and produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranslateStats {
    /// Requests sent, over all providers, answered or not.
    pub requests: usize,
    /// Requests that got no translations back: refused (an error status),
    /// unanswered (no connection, a timeout) or answered with an error.
    pub failed_requests: usize,
    /// Segments the providers accepted, over all providers: those of
    /// requests answered with translations (a resent segment counts again).
    pub segments_sent: usize,
    /// Characters of source text the providers accepted, over all providers:
    /// those of requests answered with translations, which is what they
    /// bill. A request refused or never answered adds nothing, so a run
    /// against an endpoint that is down reports 0. See: #12
    pub chars_sent: usize,
    /// Segments that received a machine translation.
    pub translated: usize,
    /// Segments no provider could translate; their target stays empty.
    pub failed: usize,
    /// Segments skipped because they already had a target (translation memory).
    pub skipped: usize,
    /// Segments given the translation of the same sentence met elsewhere in
    /// the run (repeated wire copy), without a request of their own.
    pub reused: usize,
    /// Requests repeated after a retryable error or an unusable answer.
    pub retries: usize,
    /// Answers that said "too many requests" (each waited out and retried).
    pub rate_limited: usize,
    /// The same figures per provider.
    pub per_provider: BTreeMap<String, ProviderUsage>,
    /// What went wrong, once per distinct error.
    pub errors: Vec<super::ProviderFailure>,
    /// What the terminology repair did (`terms = "repair"`).
    pub terms: super::TermStats,
}

impl TranslateStats {
    /// Adds `other` to these figures (for run totals).
    pub fn add(&mut self, other: &TranslateStats) {
        self.requests += other.requests;
        self.failed_requests += other.failed_requests;
        self.segments_sent += other.segments_sent;
        self.chars_sent += other.chars_sent;
        self.translated += other.translated;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.reused += other.reused;
        self.retries += other.retries;
        self.rate_limited += other.rate_limited;
        self.terms.add(&other.terms);
        for (name, u) in &other.per_provider {
            self.per_provider.entry(name.clone()).or_default().add(u);
        }
        for e in &other.errors {
            if !self.errors.contains(e) {
                self.errors.push(e.clone());
            }
        }
    }
}

/// Traffic to one provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProviderUsage {
    /// Requests sent, answered or not.
    pub requests: usize,
    /// Requests that got no translations back.
    pub failed_requests: usize,
    /// Segments of the requests answered with translations.
    pub segments_sent: usize,
    /// Characters of the requests answered with translations (what most
    /// providers bill).
    pub chars_sent: usize,
    /// Segments this provider translated.
    pub translated: usize,
    /// Requests repeated.
    pub retries: usize,
    /// Answers that said "too many requests".
    pub rate_limited: usize,
}

impl ProviderUsage {
    /// Adds `other` to these figures.
    pub fn add(&mut self, other: &ProviderUsage) {
        self.requests += other.requests;
        self.failed_requests += other.failed_requests;
        self.segments_sent += other.segments_sent;
        self.chars_sent += other.chars_sent;
        self.translated += other.translated;
        self.retries += other.retries;
        self.rate_limited += other.rate_limited;
    }
}

/// Splits `items` into runs that respect `limits`; a single item larger
/// than the byte limit still travels alone.
pub fn plan(items: &[BatchItem<'_>], limits: Limits) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, item) in items.iter().enumerate() {
        let len = item.text.len();
        let full =
            i > start && (i - start >= limits.max_segments || bytes + len > limits.max_bytes);
        if full {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += len;
    }
    if start < items.len() {
        out.push(start..items.len());
    }
    out
}

/// Text written in capitals (a shouted headline) in sentence case, which
/// engines translate far better; anything else unchanged. The source
/// segment itself stays as written.
pub fn sentence_case_if_shouting(text: &str) -> std::borrow::Cow<'_, str> {
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .collect::<Vec<_>>();
    let shouting = words.len() >= 2
        && text.chars().any(char::is_uppercase)
        && !text.chars().any(char::is_lowercase);
    if !shouting {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut first = true;
    for c in text.chars() {
        if c.is_alphabetic() && first {
            out.push(c);
            first = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Checks an answer against what was sent: one translation per segment,
/// none empty for a non-empty source, inline tags back exactly once.
pub(crate) fn validate(
    provider: &'static str,
    items: &[BatchItem<'_>],
    out: &[String],
) -> Result<(), ProviderError> {
    if out.len() != items.len() {
        return Err(ProviderError::BadResponse {
            provider,
            detail: format!("{} translations for {} segments", out.len(), items.len()),
        });
    }
    for (item, target) in items.iter().zip(out) {
        if !item.text.trim().is_empty() && target.trim().is_empty() {
            return Err(ProviderError::BadResponse {
                provider,
                detail: format!("empty translation for segment {}", item.id),
            });
        }
        if tags(item.text) != tags(target) {
            return Err(ProviderError::BadResponse {
                provider,
                detail: format!("inline tags of segment {} did not come back intact", item.id),
            });
        }
    }
    Ok(())
}

/// Checks that an answer given by position (output `i` for input `i`, as
/// DeepL, Google and Azure answer) belongs to its inputs: a server that
/// returned the translations reordered or shifted by one gives a request
/// whose answers fit their neighbours' sources better than their own.
///
/// Each pair is scored on what translation keeps: the numbers written in
/// digits and the length (against the request's own length ratio); the
/// answer is refused when the same answers read shifted by one either way,
/// or reversed, score clearly better than in order. Requests whose
/// sentences look alike carry no signal and pass.
pub(crate) fn aligned(
    provider: &'static str,
    items: &[BatchItem<'_>],
    out: &[String],
) -> Result<(), ProviderError> {
    let n = items.len().min(out.len());
    if n < 2 {
        return Ok(());
    }
    let src: Vec<Signature> = items.iter().map(|i| Signature::of(i.text)).collect();
    let tgt: Vec<Signature> = out.iter().map(|t| Signature::of(t)).collect();
    let mut ratios: Vec<f64> = src.iter().zip(&tgt).map(|(s, t)| t.log_len - s.log_len).collect();
    ratios.sort_by(f64::total_cmp);
    let m = ratios.get(ratios.len() / 2).copied().unwrap_or(0.0);
    let mean = |pairs: &mut dyn Iterator<Item = (usize, usize)>| {
        let (mut sum, mut k) = (0.0, 0usize);
        for (i, j) in pairs {
            if let (Some(s), Some(t)) = (src.get(i), tgt.get(j)) {
                sum += s.score(t, m);
                k += 1;
            }
        }
        if k == 0 { f64::NEG_INFINITY } else { sum / k as f64 }
    };
    let in_order = mean(&mut (0..n).map(|i| (i, i)));
    let alternatives = [
        ("shifted by one", mean(&mut (0..n - 1).map(|i| (i, i + 1)))),
        ("shifted by one", mean(&mut (1..n).map(|i| (i, i - 1)))),
        ("reversed", mean(&mut (0..n).map(|i| (i, n - 1 - i)))),
    ];
    // Averages over few pairs are noisy: the margin shrinks with the size.
    let margin = (MISALIGNED_MARGIN / (n as f64).sqrt()).max(0.3);
    for (how, score) in alternatives {
        if score > in_order + margin {
            return Err(ProviderError::BadResponse {
                provider,
                detail: format!(
                    "the {n} translations fit their sources better {how} than in order \
                     ({score:.2} against {in_order:.2}){OUT_OF_ORDER}"
                ),
            });
        }
    }
    Ok(())
}

/// How an answer refused by [`aligned`] ends its detail.
pub(crate) const OUT_OF_ORDER: &str = ": the answer is out of order";

/// How much better, per pair, another order must fit before an answer of
/// one pair is refused; divided by the square root of the pairs (never
/// below 0.3). Measured on the WMT documents' human references and the
/// fixtures' Apertium translations cut into requests of 2 to 50 sentences
/// (1,441 requests): no answer in order came within the margin; reversed
/// answers were caught in 31% of two-sentence requests, 89% at ten and
/// 98% at fifty (see the tests).
const MISALIGNED_MARGIN: f64 = 1.5;

/// What a sentence keeps through translation.
struct Signature {
    /// Runs of digits, sorted.
    numbers: Vec<String>,
    /// Natural log of the length in characters, smoothed for short texts.
    log_len: f64,
}

impl Signature {
    fn of(text: &str) -> Signature {
        let mut numbers = Vec::new();
        let mut cur = String::new();
        let mut chars = 0usize;
        for c in text.chars() {
            chars += 1;
            if c.is_ascii_digit() {
                cur.push(c);
            } else if !cur.is_empty() {
                numbers.push(std::mem::take(&mut cur));
            }
        }
        if !cur.is_empty() {
            numbers.push(cur);
        }
        numbers.sort_unstable();
        Signature { numbers, log_len: ((chars + 20) as f64).ln() }
    }

    /// How well `t` fits as the translation of `self`, given the request's
    /// usual log length ratio `m`: higher is better.
    fn score(&self, t: &Signature, m: f64) -> f64 {
        let length = -(t.log_len - self.log_len - m).abs() * 2.0;
        let numbers = if self.numbers.is_empty() && t.numbers.is_empty() {
            0.0
        } else {
            let mut common = 0usize;
            let (mut a, mut b) = (self.numbers.iter().peekable(), t.numbers.iter().peekable());
            while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
                match x.cmp(y) {
                    std::cmp::Ordering::Equal => {
                        common += 1;
                        a.next();
                        b.next();
                    }
                    std::cmp::Ordering::Less => {
                        a.next();
                    }
                    std::cmp::Ordering::Greater => {
                        b.next();
                    }
                }
            }
            let all = self.numbers.len() + t.numbers.len() - common;
            // 1 when the numbers agree, -1 when none is shared.
            2.0 * common as f64 / all.max(1) as f64 - 1.0
        };
        length + numbers * 1.5
    }
}

/// The inline tags of `text` (`<` then a letter or `/`, up to `>`), sorted.
fn tags(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(a) = rest.find('<') {
        let after = rest.get(a..).unwrap_or("");
        let opens_tag = after.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match after.find('>') {
            Some(b) if opens_tag && !after.get(1..b).unwrap_or("<").contains('<') => {
                out.push(after.get(..=b).unwrap_or(""));
                rest = after.get(b + 1..).unwrap_or("");
            }
            _ => rest = after.get(1..).unwrap_or(""),
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(texts: &[&'static str]) -> Vec<BatchItem<'static>> {
        texts.iter().map(|t| BatchItem { id: "x", text: t, terms: &[], previous: None }).collect()
    }

    #[test]
    fn plan_respects_count_and_bytes() {
        let it = items(&["aaaa", "bbbb", "cccc", "dddddddddddd", "e"]);
        let p = plan(&it, Limits { max_segments: 2, max_bytes: 10 });
        assert_eq!(p, vec![0..2, 2..3, 3..4, 4..5]);
        let p = plan(&it, Limits { max_segments: 50, max_bytes: 1000 });
        assert_eq!(p, vec![0..5]);
        assert!(plan(&[], Limits { max_segments: 1, max_bytes: 1 }).is_empty());
    }

    #[test]
    fn shouting_headlines_go_to_sentence_case() {
        assert_eq!(
            sentence_case_if_shouting("L’AZERBAÏDJAN ET LE ROYAUME-UNI SIGNENT UN PLAN"),
            "L’azerbaïdjan et le royaume-uni signent un plan"
        );
        assert_eq!(sentence_case_if_shouting("L'OTAN se réunit."), "L'OTAN se réunit.");
        assert_eq!(sentence_case_if_shouting("OTAN"), "OTAN");
        assert_eq!(sentence_case_if_shouting("2026-2027"), "2026-2027");
    }

    #[test]
    fn validation_catches_count_empty_and_tags() {
        let it = items(&["Le <x id=\"1\"/> plan.", "Bonjour."]);
        let ok = vec!["The <x id=\"1\"/> plan.".to_string(), "Hello.".to_string()];
        assert!(validate("t", &it, &ok).is_ok());
        let short = vec!["The plan.".to_string()];
        assert!(
            validate("t", &it, &short).unwrap_err().to_string().contains("1 translations for 2")
        );
        let empty = vec!["The <x id=\"1\"/> plan.".to_string(), " ".to_string()];
        assert!(validate("t", &it, &empty).unwrap_err().to_string().contains("empty"));
        let lost = vec!["The plan.".to_string(), "Hello.".to_string()];
        assert!(validate("t", &it, &lost).unwrap_err().to_string().contains("tags"));
        assert!(validate("t", &items(&["a < b et c > d"]), &["a < b and c > d".into()]).is_ok());
    }

    /// The WMT documents' French sentences with their human English
    /// references, per document.
    fn wmt_documents() -> Vec<Vec<(String, String)>> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wmt");
        let segs = |path: &std::path::Path| -> Vec<Vec<String>> {
            let text = std::fs::read_to_string(path).unwrap();
            let mut docs: Vec<Vec<String>> = Vec::new();
            for line in text.lines() {
                if line.starts_with("<doc ") {
                    docs.push(Vec::new());
                } else if let Some(seg) = line.strip_prefix("<seg")
                    && let Some((_, rest)) = seg.split_once('>')
                    && let Some(text) = rest.strip_suffix("</seg>")
                    && let Some(d) = docs.last_mut()
                {
                    d.push(text.replace("&amp;", "&").replace("&quot;", "\""));
                }
            }
            docs
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let src = entry.unwrap().path();
            let name = src.file_name().unwrap().to_string_lossy().to_string();
            let Some(stem) = name.strip_suffix("-src.fr.sgm") else { continue };
            let refs = segs(&dir.join(format!("{stem}-ref.en.sgm")));
            for (s, r) in segs(&src).into_iter().zip(refs) {
                if s.len() == r.len() {
                    out.push(s.into_iter().zip(r).collect());
                }
            }
        }
        out
    }

    #[test]
    fn answers_in_order_pass_and_reordered_answers_are_caught() {
        let docs = wmt_documents();
        assert!(docs.len() >= 30, "{} documents", docs.len());
        for size in [2usize, 3, 5, 10, 20, 50] {
            let (mut requests, mut reversed, mut shifted) = (0, 0, 0);
            for doc in &docs {
                for chunk in doc.chunks(size).filter(|c| c.len() >= 2) {
                    let it: Vec<BatchItem<'_>> = chunk
                        .iter()
                        .map(|(s, _)| BatchItem { id: "x", text: s, terms: &[], previous: None })
                        .collect();
                    let answer: Vec<String> = chunk.iter().map(|(_, r)| r.clone()).collect();
                    requests += 1;
                    assert!(aligned("t", &it, &answer).is_ok(), "in order refused: {chunk:?}");
                    let mut rev = answer.clone();
                    rev.reverse();
                    if aligned("t", &it, &rev).is_err() {
                        reversed += 1;
                    }
                    let mut rot = answer.clone();
                    rot.rotate_left(1);
                    if aligned("t", &it, &rot).is_err() {
                        shifted += 1;
                    }
                }
            }
            let caught = |k: usize| k as f64 / requests as f64;
            // Two or three sentences carry little signal; from ten on
            // nearly every reordering is caught.
            let floor = match size {
                2 | 3 => 0.2,
                5 => 0.6,
                _ => 0.85,
            };
            assert!(
                caught(reversed) >= floor,
                "size {size}: {reversed}/{requests} reversed caught"
            );
            assert!(caught(shifted) >= floor, "size {size}: {shifted}/{requests} shifted caught");
        }
    }

    #[test]
    fn misaligned_answers_name_the_fault() {
        let it = items(&[
            "Le plan couvre 2026-2027.",
            "Bonjour à tous les participants de la réunion de Bakou.",
        ]);
        let ok = vec![
            "The plan covers 2026-2027.".to_string(),
            "Hello to all the participants of the Baku meeting.".to_string(),
        ];
        assert!(aligned("t", &it, &ok).is_ok());
        let swapped: Vec<String> = ok.iter().rev().cloned().collect();
        let e = aligned("t", &it, &swapped).unwrap_err().to_string();
        assert!(e.contains("out of order"), "{e}");
    }
}
