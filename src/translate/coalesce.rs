//! Requests shared by every article in flight.
//!
//! Each article hands its untranslated sentences to its lane's
//! [`Coalescer`]; sentences wait in one queue per language pair until a
//! request is full (the provider's documented texts and bytes) or a short
//! linger has passed, so a lone article is not held back. The article that
//! cuts a request sends it and hands every other article its answers.
//!
//! The same sentence met twice in a run (wire copy repeats across feeds) is
//! translated once: a second article asking while the first request is
//! queued or in flight waits for its answer, and one asking later takes it
//! from the run's answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;

use super::translator::{Lane, Outcome, send};
use super::{BatchItem, ProviderFailure, ProviderUsage};
use crate::model::TermHit;

/// Answers (and failures) kept for the rest of the run, at most; past it
/// half is forgotten, so memory stays bounded on endless runs.
const REMEMBERED: usize = 200_000;

/// What a sentence handed to [`Coalescer::translate`] received.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// Its translation.
    Target(String),
    /// The request carrying it failed.
    Failed(Option<ProviderFailure>),
}

/// One sentence to translate, owned, so it can wait in a queue shared by
/// articles.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub id: String,
    pub text: String,
    /// Glossary hits sent with it (terms up front), else empty.
    pub terms: Vec<TermHit>,
}

/// What makes two sentences the same request content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    source: String,
    target: String,
    text: String,
    /// Term spans sent with the text (empty when translated plainly).
    terms: Vec<(usize, usize, String)>,
}

/// Requests waiting to be filled, per language pair and terms mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct QueueKey {
    source: String,
    target: String,
}

#[derive(Debug)]
struct Queued {
    key: Arc<Key>,
    sentence: Sentence,
}

#[derive(Debug, Default)]
struct State {
    queues: HashMap<QueueKey, Vec<Queued>>,
    /// Sentences queued or in flight, with everyone waiting for them.
    waiting: HashMap<Arc<Key>, Vec<oneshot::Sender<Answer>>>,
    /// Answers given this run.
    answered: HashMap<Arc<Key>, String>,
    /// Sentences that failed this run, with the reason: asked again by
    /// another article, they fail the same way instead of being sent, and
    /// billed, a second time as new text (see `resend.rs`).
    failed: HashMap<Arc<Key>, Option<ProviderFailure>>,
    /// Sentences answered from `answered` or by joining a request already
    /// queued or in flight.
    reused: usize,
}

/// Fills requests across articles; one per lane.
#[derive(Debug, Default)]
pub(crate) struct Coalescer {
    state: Mutex<State>,
}

/// What [`Coalescer::translate`] gives one article.
#[derive(Debug, Default)]
pub(crate) struct Translated {
    /// One answer per sentence given, in order.
    pub answers: Vec<Answer>,
    /// Traffic of the requests this article sent (for every article in them).
    pub usage: ProviderUsage,
    /// Sentences answered without a request of their own.
    pub reused: usize,
}

impl Coalescer {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while the lock was held leaves plain data.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Translates `sentences` from `source` to `target` through `lane`,
    /// sharing requests with the other articles in flight.
    pub(crate) async fn translate(
        &self,
        lane: &Lane,
        source: &str,
        target: &str,
        sentences: Vec<Sentence>,
    ) -> Translated {
        let mut out = Translated::default();
        let qkey = QueueKey { source: source.to_string(), target: target.to_string() };
        let mut receivers = Vec::with_capacity(sentences.len());
        let mut full = Vec::new();
        {
            let mut st = self.lock();
            for s in sentences {
                let key = Arc::new(Key {
                    source: source.to_string(),
                    target: target.to_string(),
                    text: s.text.clone(),
                    terms: s
                        .terms
                        .iter()
                        .map(|t| (t.start, t.end, t.expected.clone().unwrap_or_default()))
                        .collect(),
                });
                if let Some(done) = st.answered.get(&key) {
                    let done = done.clone();
                    receivers.push(Pending::Ready(Answer::Target(done)));
                    out.reused += 1;
                    continue;
                }
                if let Some(reason) = st.failed.get(&key) {
                    receivers.push(Pending::Ready(Answer::Failed(reason.clone())));
                    continue;
                }
                let (tx, rx) = oneshot::channel();
                receivers.push(Pending::Waiting(rx));
                if let Some(w) = st.waiting.get_mut(&key) {
                    w.push(tx);
                    out.reused += 1;
                    continue;
                }
                st.waiting.insert(key.clone(), vec![tx]);
                st.queues.entry(qkey.clone()).or_default().push(Queued { key, sentence: s });
            }
            st.reused += out.reused;
            // Requests already full go now.
            let limits = lane.limits;
            if let Some(q) = st.queues.get_mut(&qkey) {
                while is_full(q, limits) {
                    full.push(cut(q, limits));
                }
            }
        }
        let mut requests: Vec<Vec<Queued>> = full;
        loop {
            if !requests.is_empty() {
                let sent = futures::future::join_all(
                    requests.drain(..).map(|r| self.send(lane, source, target, r)),
                )
                .await;
                for u in sent {
                    out.usage.add(&u);
                }
            }
            if receivers.iter().all(Pending::is_ready) {
                break;
            }
            // Wait for the answers, or for the linger to pass and send
            // what is queued (this article's sentences among it). While
            // the lane has no free slot a request would only wait for one,
            // so the queue keeps filling until a slot frees.
            let all_ready = futures::future::join_all(receivers.iter_mut().map(Pending::ready));
            tokio::select! {
                _ = all_ready => {}
                () = tokio::time::sleep(lane.linger) => {
                    if lane.limiter.has_room() {
                        let mut st = self.lock();
                        if let Some(q) = st.queues.get_mut(&qkey) {
                            while !q.is_empty() {
                                requests.push(cut(q, lane.limits));
                            }
                        }
                    }
                }
            }
        }
        out.answers = receivers.into_iter().map(Pending::into_answer).collect();
        out
    }

    /// Sends one request and hands each sentence's answer to everyone
    /// waiting for it; returns its traffic.
    async fn send(
        &self,
        lane: &Lane,
        source: &str,
        target: &str,
        request: Vec<Queued>,
    ) -> ProviderUsage {
        let mut guard = Unanswered { coalescer: self, keys: Vec::new() };
        guard.keys = request.iter().map(|q| q.key.clone()).collect();
        let ids = batch_ids(&request);
        let items: Vec<BatchItem<'_>> = request
            .iter()
            .zip(&ids)
            .map(|(q, id)| BatchItem {
                id: id.as_str(),
                text: &q.sentence.text,
                terms: &q.sentence.terms,
                previous: None,
            })
            .collect();
        let Outcome { targets, usage, error } = send(lane, source, target, &items).await;
        let mut st = self.lock();
        for (q, t) in request.iter().zip(targets) {
            let answer = match t {
                Some(t) => {
                    if st.answered.len() >= REMEMBERED {
                        forget_half(&mut st.answered);
                    }
                    st.answered.insert(q.key.clone(), t.clone());
                    Answer::Target(t)
                }
                None => {
                    if st.failed.len() >= REMEMBERED {
                        forget_half(&mut st.failed);
                    }
                    st.failed.insert(q.key.clone(), error.clone());
                    Answer::Failed(error.clone())
                }
            };
            for tx in st.waiting.remove(&q.key).unwrap_or_default() {
                let _ = tx.send(answer.clone());
            }
        }
        guard.keys.clear();
        usage
    }
}

/// Releases the waiters of a request whose sender stopped before it had
/// answers (a cancelled run): they see a closed channel instead of waiting
/// for ever.
struct Unanswered<'a> {
    coalescer: &'a Coalescer,
    keys: Vec<Arc<Key>>,
}

impl Drop for Unanswered<'_> {
    fn drop(&mut self) {
        if self.keys.is_empty() {
            return;
        }
        let mut st = self.coalescer.lock();
        for k in &self.keys {
            st.waiting.remove(k);
        }
    }
}

/// One sentence's answer, known or awaited.
enum Pending {
    Ready(Answer),
    Waiting(oneshot::Receiver<Answer>),
}

impl Pending {
    fn is_ready(&self) -> bool {
        matches!(self, Pending::Ready(_))
    }

    /// Waits for the answer and keeps it.
    async fn ready(&mut self) {
        if let Pending::Waiting(rx) = self {
            let answer = rx.await.unwrap_or(Answer::Failed(None));
            *self = Pending::Ready(answer);
        }
    }

    fn into_answer(self) -> Answer {
        match self {
            Pending::Ready(a) => a,
            Pending::Waiting(_) => Answer::Failed(None),
        }
    }
}

fn bytes(q: &[Queued]) -> usize {
    q.iter().map(|s| s.sentence.text.len()).sum()
}

/// True when the queue holds at least one request's worth.
fn is_full(q: &[Queued], limits: super::Limits) -> bool {
    !q.is_empty() && (q.len() >= limits.max_segments || bytes(q) >= limits.max_bytes)
}

/// Takes the first request's worth from the front of the queue (at least
/// one sentence, however long).
fn cut(q: &mut Vec<Queued>, limits: super::Limits) -> Vec<Queued> {
    let mut n = 0;
    let mut size = 0;
    for s in q.iter() {
        let len = s.sentence.text.len();
        if n > 0 && (n >= limits.max_segments || size + len > limits.max_bytes) {
            break;
        }
        n += 1;
        size += len;
    }
    q.drain(..n).collect()
}

/// Segment ids unique within the request: an id already used by another
/// article's sentence gets a `~n` suffix.
fn batch_ids(request: &[Queued]) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    request
        .iter()
        .map(|q| {
            let n = seen.entry(q.sentence.id.as_str()).or_insert(0);
            *n += 1;
            if *n == 1 { q.sentence.id.clone() } else { format!("{}~{}", q.sentence.id, *n - 1) }
        })
        .collect()
}

fn forget_half<V>(answered: &mut HashMap<Arc<Key>, V>) {
    let mut n = 0;
    answered.retain(|_, _| {
        n += 1;
        n % 2 == 0
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(id: &str, text: &str) -> Queued {
        let sentence = Sentence { id: id.into(), text: text.into(), terms: Vec::new() };
        let key = Arc::new(Key {
            source: "fr".into(),
            target: "en".into(),
            text: text.into(),
            terms: Vec::new(),
        });
        Queued { key, sentence }
    }

    #[test]
    fn requests_are_cut_at_the_documented_limits() {
        let limits = super::super::Limits { max_segments: 2, max_bytes: 10 };
        let mut q: Vec<Queued> = ["aaaa", "bbbb", "cccc", "dddddddddddd", "e"]
            .iter()
            .enumerate()
            .map(|(i, t)| queued(&i.to_string(), t))
            .collect();
        assert!(is_full(&q, limits));
        let sizes: Vec<usize> =
            std::iter::from_fn(|| (!q.is_empty()).then(|| cut(&mut q, limits).len())).collect();
        assert_eq!(sizes, vec![2, 1, 1, 1]);
    }

    #[test]
    fn ids_stay_unique_within_a_request() {
        let r = vec![
            queued("p1.s1", "a"),
            queued("p1.s1", "b"),
            queued("p1.s2", "c"),
            queued("p1.s1", "d"),
        ];
        assert_eq!(batch_ids(&r), vec!["p1.s1", "p1.s1~1", "p1.s2", "p1.s1~2"]);
    }
}
