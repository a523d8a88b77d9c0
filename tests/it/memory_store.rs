//! A translation memory other than SQLite, written here against the public
//! `MemoryStore` trait alone, serves and records through the unchanged
//! pipeline.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use depeche::job::{self, GlossarySettings, MemorySettings, TranslateSettings};
use depeche::pipeline::{NoObserver, Summary};
use depeche::tm::{self, Entry, EntryOrigin, Lookup, Match, MemoryStore, NewEntry};
use depeche::translate::{Overrides, TermsMode, TranslateConfig};
use wiremock::MockServer;

use crate::support::{fixture, root, validate_xliff, xliff_files};

/// Exact matches in a map, human first; enough for a test, and all a
/// second store has to provide.
#[derive(Debug, Default)]
struct TinyStore {
    /// (source locale, target locale, normalised source) -> entries.
    entries: Mutex<HashMap<(String, String, String), Vec<Entry>>>,
    lookups: AtomicUsize,
    lookup_calls: AtomicUsize,
}

#[async_trait]
impl MemoryStore for TinyStore {
    async fn lookup(&self, lookups: &[Lookup]) -> Result<Vec<Vec<Match>>, tm::Error> {
        self.lookup_calls.fetch_add(1, Ordering::Relaxed);
        self.lookups.fetch_add(lookups.len(), Ordering::Relaxed);
        let entries = self.entries.lock().unwrap();
        Ok(lookups
            .iter()
            .map(|l| {
                let key = (l.src.clone(), l.tgt.clone(), l.source_key.clone());
                let mut found = entries.get(&key).cloned().unwrap_or_default();
                found.sort_by_key(|e| e.origin != EntryOrigin::Human);
                found.into_iter().take(l.limit).map(Match::exact).collect()
            })
            .collect())
    }

    async fn store(&self, new: &[NewEntry]) -> Result<usize, tm::Error> {
        let mut entries = self.entries.lock().unwrap();
        let mut changed = 0;
        for e in new {
            let lang = |tag: &str| {
                tm::canonical_lang(tag).ok_or_else(|| tm::Error::BadLanguage { tag: tag.into() })
            };
            let key = (lang(&e.source_lang)?, lang(&e.target_lang)?, tm::normalize(&e.source));
            let slot = entries.entry(key.clone()).or_default();
            slot.retain(|old| old.origin != e.origin);
            slot.push(Entry {
                source: key.2,
                source_text: e.source.clone(),
                target: e.target.clone(),
                source_lang: key.0,
                target_lang: key.1,
                origin: e.origin.clone(),
                glossary_version: e.glossary_version.clone(),
                created: "2025-01-01T00:00:00Z".into(),
                updated: "2025-01-01T00:00:00Z".into(),
            });
            changed += 1;
        }
        Ok(changed)
    }
}

impl TinyStore {
    fn len(&self) -> usize {
        self.entries.lock().unwrap().values().map(Vec::len).sum()
    }

    fn best(&self, source: &str) -> Option<Entry> {
        let key = ("fr-FR".to_string(), "en-GB".to_string(), tm::normalize(source));
        let entries = self.entries.lock().unwrap();
        let mut found = entries.get(&key).cloned().unwrap_or_default();
        found.sort_by_key(|e| e.origin != EntryOrigin::Human);
        found.into_iter().next()
    }
}

const ARTICLE: &str = "articles/brief-me-2021-09-25-rappel-ambassadeur.txt";

/// One article to en-GB through `server`, with `store` as the memory.
async fn translate(server: &MockServer, store: Arc<TinyStore>, out: &Path) -> Summary {
    let overrides =
        Overrides { provider: Some("libretranslate".into()), endpoint: Some(server.uri()) };
    let settings = TranslateSettings::new([fixture(ARTICLE)])
        .with_out_dir(out)
        .with_overrides(overrides)
        .with_translate(TranslateConfig { terms: TermsMode::Force, ..TranslateConfig::default() })
        .with_glossary(GlossarySettings::paths([root().join("glossaries")]))
        .with_memory(MemorySettings::Open(store));
    job::translate(settings, &mut NoObserver).await.unwrap().run
}

async fn segments_sent(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            v["q"].as_array().map_or(0, Vec::len)
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_store_records_then_serves_through_the_pipeline() {
    let server = crate::support::echo_libretranslate(Duration::ZERO).await;
    let store = Arc::new(TinyStore::default());
    let work = tempfile::tempdir().unwrap();

    // First run: nothing in the memory, everything sent and then recorded.
    let first = translate(&server, Arc::clone(&store), &work.path().join("one")).await;
    assert_eq!((first.articles_ok, first.failed), (1, 0), "{:?}", first.failures);
    assert_eq!(first.memory_hits, 0);
    let segments = first.segments;
    assert!(segments > 5, "{segments}");
    assert_eq!(segments_sent(&server).await, segments);
    assert_eq!(store.len(), segments, "every translation recorded");
    assert_eq!(store.lookups.load(Ordering::Relaxed), segments);
    assert_eq!(store.lookup_calls.load(Ordering::Relaxed), 1, "one batch per article");
    let some = store.entries.lock().unwrap().values().flatten().next().cloned().unwrap();
    assert_eq!(some.origin, EntryOrigin::Mt { provider: "libretranslate".into() });
    assert!(some.glossary_version.as_deref().is_some_and(|v| !v.is_empty()));
    assert!(some.target.starts_with("EN "), "{}", some.target);

    // A reviewer's translation of one sentence outranks the MT.
    let reviewed = some.source.clone();
    store
        .store(&[NewEntry::new(&reviewed, "Reviewed.", "fr-FR", "en-GB", EntryOrigin::Human)])
        .await
        .unwrap();
    assert_eq!(store.best(&reviewed).unwrap().target, "Reviewed.");

    // Second run: every segment served by the store, nothing sent.
    let out = work.path().join("two");
    let second = translate(&server, Arc::clone(&store), &out).await;
    assert_eq!((second.articles_ok, second.failed), (1, 0), "{:?}", second.failures);
    assert_eq!(second.memory_hits, segments);
    assert_eq!(segments_sent(&server).await, segments, "no new request");
    let files = xliff_files(&out);
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    validate_xliff(&refs);
    let xliff = std::fs::read_to_string(files.first().unwrap()).unwrap();
    assert!(xliff.contains("Reviewed."), "the human entry is served");
}
