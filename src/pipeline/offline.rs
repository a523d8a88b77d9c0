//! The pipeline of a run that fills no target (the `none` provider and no
//! memory): nothing waits for the network, so the work is all CPU and
//! disk, and it runs on one thread per core with no hand-off per article.
//!
//! ```text
//! worker (one per core), in turn:
//!   a read article's terms → checks → XLIFF → file        (a job, if one waits)
//!   or the next file: read → normalise → segment          (items claimed in file order)
//! ```
//!
//! Files are read by whichever worker is free, several at once, but their
//! articles are claimed in the order of the files and, within a file, of
//! its items: the same article under two names goes out under the first,
//! as in [`super::run`]. A claimed article becomes one job per target, and
//! any worker takes it, so the items of one large feed spread over every
//! core. A worker reading a file ahead of the claims, or faster than jobs
//! are done, does jobs from inside its read until it is let on: a bounded
//! number of articles wait at any time, whatever the batch or a feed
//! holds. Outcomes go to the run's own thread, which reports them.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use super::{
    Error, Event, ITEMS_AHEAD, Observer, Outcome, Pipeline, Prepared, Summary, failed, failure,
    file_failure, read_prepared, translate_offline,
};
use crate::model::Article;

/// Runs the offline pipeline over `files`, reporting to `observer`: see
/// the module documentation.
pub(super) async fn run(
    files: Vec<PathBuf>,
    pipeline: Arc<Pipeline>,
    observer: &mut dyn Observer,
) -> Summary {
    let started = Instant::now();
    let total = files.len();
    let first_target = pipeline.targets.first().map(|t| t.locale.clone());
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let workers = cores.min(pipeline.max_articles_in_flight.max(1));
    let (tx, mut rx) = tokio::sync::mpsc::channel(pipeline.max_articles_in_flight.max(1));
    let shared = Arc::new(Shared {
        files,
        pipeline: Arc::clone(&pipeline),
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
        workers,
    });
    let mut handles = Vec::with_capacity(workers);
    for i in 0..workers {
        let (shared, events) = (Arc::clone(&shared), tx.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("depeche-offline-{i}"))
            .spawn(move || shared.work(&events));
        match spawned {
            Ok(handle) => handles.push(handle),
            // Fewer threads than asked for still finish the run.
            Err(_) => break,
        }
    }
    // No thread to spare: the run goes on the blocking pool.
    let fallback = handles.is_empty().then(|| {
        let shared = Arc::clone(&shared);
        let events = tx.clone();
        tokio::task::spawn_blocking(move || shared.work(&events))
    });
    // The events end when the last worker drops its sender.
    drop(tx);
    let mut summary = Summary::default();
    while let Some(event) = rx.recv().await {
        super::record(event, observer, &mut summary, first_target.as_ref());
    }
    for handle in handles {
        // Every worker has returned: its sender is gone.
        let _ = handle.join();
    }
    if let Some(fallback) = fallback {
        let _ = fallback.await;
    }
    let started_files = shared.lock().started;
    super::finish(summary, &pipeline, started, total, started_files)
}

/// What the workers share.
struct Shared {
    files: Vec<PathBuf>,
    pipeline: Arc<Pipeline>,
    state: Mutex<State>,
    /// Signalled whenever a job, a claim or the end comes.
    changed: Condvar,
    workers: usize,
}

/// Where a worker sends what the run reports.
type Events = tokio::sync::mpsc::Sender<Event>;

#[derive(Default)]
struct State {
    /// The next file to read.
    next_file: usize,
    /// Files started (the rest were not, after an interruption).
    started: usize,
    /// The first file whose items are not all claimed yet.
    claim_file: usize,
    /// Items read from files at or after `claim_file`, waiting for their
    /// turn, per file.
    waiting: BTreeMap<usize, Slot>,
    /// Claimed articles, one job per target, for any worker.
    jobs: VecDeque<(Box<Article>, usize)>,
    /// The first name each article id was read under.
    seen: HashMap<String, String>,
}

/// The items of one file read but not claimed yet.
#[derive(Default)]
struct Slot {
    items: VecDeque<Prepared>,
    /// The file is read to its end.
    complete: bool,
}

/// What a worker does next.
enum Next {
    Job(Box<Article>, usize),
    Read(usize),
    Wait,
    Stop,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while the lock was held leaves plain data.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many files may be read ahead of the claims: enough for every
    /// worker to read one while the first file is still being claimed.
    fn files_ahead(&self) -> usize {
        self.workers + 1
    }

    /// Most jobs waiting before a reader helps with them.
    fn jobs_ahead(&self) -> usize {
        2 * self.workers
    }

    /// A worker's loop: jobs first, then the next file, until both run out.
    fn work(&self, events: &Events) {
        let mut state = self.lock();
        loop {
            match self.next(&mut state) {
                Next::Job(article, target) => {
                    drop(state);
                    self.job(*article, target, events);
                    state = self.lock();
                }
                Next::Read(file) => {
                    drop(state);
                    self.read(file, events);
                    state = self.lock();
                }
                Next::Wait => {
                    state =
                        self.changed.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                Next::Stop => break,
            }
        }
        drop(state);
        self.changed.notify_all();
    }

    fn next(&self, state: &mut State) -> Next {
        if let Some((article, target)) = state.jobs.pop_front() {
            return Next::Job(article, target);
        }
        let cancelled = self.pipeline.cancel.load(Ordering::Relaxed);
        let more_files = state.next_file < self.files.len() && !cancelled;
        if more_files && state.next_file - state.claim_file < self.files_ahead() {
            let file = state.next_file;
            state.next_file += 1;
            state.started += 1;
            state.waiting.insert(file, Slot::default());
            return Next::Read(file);
        }
        if !more_files && state.waiting.is_empty() {
            return Next::Stop;
        }
        Next::Wait
    }

    /// Reads file `file`, handing each item over for its claim; helps with
    /// jobs while it is ahead of the claims or of the workers.
    fn read(&self, file: usize, events: &Events) {
        // The file's slot is closed whatever happens, so the claims go on.
        let last = self.files.get(file).and_then(|path| {
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.read_items(file, path, events)
            }));
            match read {
                Ok(read) => file_failure(path, &self.pipeline, read),
                Err(panic) => {
                    let error = Error::Panicked(panic_text(&*panic));
                    Some(Prepared::Failed(failure(path.display().to_string(), None, error)))
                }
            }
        });
        let mut state = self.lock();
        if let Some(slot) = state.waiting.get_mut(&file) {
            slot.items.extend(last);
            slot.complete = true;
        }
        drop(self.claim(state, events));
    }

    fn read_items(
        &self,
        file: usize,
        path: &std::path::Path,
        events: &Events,
    ) -> Result<(), crate::ingest::Error> {
        read_prepared(path, &self.pipeline, &mut |prepared| {
            let mut state = self.lock();
            if let Some(slot) = state.waiting.get_mut(&file) {
                slot.items.push_back(prepared);
            }
            state = self.claim(state, events);
            loop {
                let ahead = state.waiting.get(&file).map_or(0, |s| s.items.len()) > ITEMS_AHEAD
                    || state.jobs.len() > self.jobs_ahead();
                if !ahead {
                    break;
                }
                match state.jobs.pop_front() {
                    Some((article, target)) => {
                        drop(state);
                        self.job(*article, target, events);
                        state = self.lock();
                    }
                    None => {
                        state = self
                            .changed
                            .wait(state)
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                }
            }
            std::ops::ControlFlow::Continue(())
        })
    }

    /// Claims, in file order, every item whose turn has come: a new
    /// article becomes jobs, a repeated one a duplicate, anything else its
    /// event. Events are sent once the lock is given back.
    fn claim<'a>(
        &'a self,
        mut state: MutexGuard<'a, State>,
        events: &Events,
    ) -> MutexGuard<'a, State> {
        let targets = self.pipeline.targets.len();
        let mut out = Vec::new();
        let mut claimed = false;
        loop {
            let file = state.claim_file;
            let Some(slot) = state.waiting.get_mut(&file) else { break };
            let items: Vec<Prepared> = slot.items.drain(..).collect();
            let complete = slot.complete;
            for prepared in items {
                claimed = true;
                match prepared {
                    Prepared::Article(article, found) => {
                        match state.seen.entry(article.id.clone()) {
                            std::collections::hash_map::Entry::Occupied(first) => {
                                out.push(Event::Outcome(Outcome::Duplicate {
                                    id: article.id.clone(),
                                    origin: article.origin.clone(),
                                    first: first.get().clone(),
                                }));
                            }
                            std::collections::hash_map::Entry::Vacant(slot) => {
                                slot.insert(article.origin.clone());
                                out.push(Event::Found(found));
                                if targets > 0 {
                                    for i in 1..targets {
                                        state.jobs.push_back((article.clone(), i));
                                    }
                                    state.jobs.push_back((article, 0));
                                }
                            }
                        }
                    }
                    Prepared::OtherShard => out.push(Event::OtherShards(1)),
                    Prepared::Failed(failure) => out.push(Event::Outcome(Outcome::Failed(failure))),
                }
            }
            if !complete {
                break;
            }
            state.waiting.remove(&file);
            state.claim_file += 1;
            claimed = true;
        }
        if claimed {
            self.changed.notify_all();
        }
        if out.is_empty() {
            return state;
        }
        drop(state);
        for event in out {
            // The run's thread stops listening only when it is gone.
            let _ = events.blocking_send(event);
        }
        self.lock()
    }

    /// Terms, checks and the XLIFF file of one article for one target; a
    /// panic (a bug) becomes the article's failure, and the run goes on.
    fn job(&self, article: Article, target: usize, events: &Events) {
        let pipeline = &*self.pipeline;
        let origin = article.origin.clone();
        let locale = pipeline.targets.get(target).map(|t| t.locale.clone());
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline.targets.get(target).map(|t| translate_offline(article, t, pipeline))
        }));
        let event = match outcome {
            Ok(Some(outcome)) => Event::Outcome(outcome),
            Ok(None) => return,
            Err(panic) => Event::Outcome(failed(
                origin,
                locale.as_ref(),
                Error::Panicked(panic_text(&*panic)),
            )),
        };
        let _ = events.blocking_send(event);
    }
}

/// The message of a panic, if it has one.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
