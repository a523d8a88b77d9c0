//! The behaviour every translation memory store owes the pipeline (the
//! contract of `MemoryStore`), written once against the trait and run on
//! both stores: the SQLite file and a PostgreSQL database on the test
//! server (`pg.rs`). Swapping one store for the other must never change a
//! run's output, so the same assertions hold word for word.

use std::sync::Arc;

use depeche::tm::{
    self, EntryOrigin, Filter, Fuzzy, Location, Lookup, Match, MatchKind, MemoryStore, NewEntry,
};

/// Where a test's memory lives; `open` gives another handle on the same
/// memory, as a second process would have.
pub struct Place {
    location: Location,
    _dir: Option<tempfile::TempDir>,
}

impl Place {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let location = Location::File(dir.path().join("tm.sqlite"));
        Self { location, _dir: Some(dir) }
    }

    pub fn postgres(test: &str) -> Option<Self> {
        let url = crate::pg::fresh_url(test)?;
        Some(Self { location: Location::parse(&url).unwrap(), _dir: None })
    }

    pub async fn open(&self) -> Arc<dyn MemoryStore> {
        self.location.open().await.unwrap()
    }
}

fn mt(source: &str, target: &str, provider: &str) -> NewEntry {
    NewEntry::new(source, target, "fr-FR", "en-GB", EntryOrigin::Mt { provider: provider.into() })
}

fn human(source: &str, target: &str) -> NewEntry {
    NewEntry::new(source, target, "fr-FR", "en-GB", EntryOrigin::Human)
}

fn dated(e: NewEntry, at: &str) -> NewEntry {
    NewEntry { created: Some(at.into()), updated: Some(at.into()), ..e }
}

fn targets(answers: &[Vec<Match>]) -> Vec<Vec<&str>> {
    answers.iter().map(|a| a.iter().map(|m| m.entry.target.as_str()).collect()).collect()
}

/// The best target for `source` into en-GB, if any.
async fn best(store: &dyn MemoryStore, source: &str) -> Option<tm::Entry> {
    let answer = store.lookup(&[Lookup::exact(source, "fr-FR", "en-GB")]).await.unwrap();
    answer.into_iter().next().unwrap().into_iter().next().map(|m| m.entry)
}

async fn count(store: &dyn MemoryStore) -> u64 {
    store.stats().await.unwrap().iter().map(|r| r.entries).sum()
}

async fn lookups_match_the_normalised_source_and_the_locales(p: Place) {
    let store = p.open().await;
    store.store(&[mt("L’armée  a dit.", "The army said.", "deepl")]).await.unwrap();
    let hit = store
        .lookup(&[Lookup::exact("L'armée a dit.", "fr-fr", "en-GB")])
        .await
        .unwrap()
        .remove(0)
        .remove(0);
    assert_eq!(hit.kind, MatchKind::Exact);
    let e = hit.entry;
    assert_eq!((e.target.as_str(), e.source.as_str()), ("The army said.", "L'armée a dit."));
    assert_eq!(e.source_text, "L’armée  a dit.");
    assert_eq!(e.origin, EntryOrigin::Mt { provider: "deepl".into() });
    assert_eq!(e.created.len(), "2025-01-01T00:00:00Z".len());
    assert!(e.created.ends_with('Z') && e.created == e.updated, "{e:?}");
    let answers = store
        .lookup(&[
            Lookup::exact("L'armée a dit.", "fr-FR", "en-US"),
            Lookup::exact("L'armée a menti.", "fr-FR", "en-GB"),
            Lookup::exact("L'armée a dit.", "*all*", "en-GB"),
        ])
        .await
        .unwrap();
    assert_eq!(targets(&answers), vec![Vec::<&str>::new(); 3]);
}

async fn human_outranks_mt_and_is_never_overwritten(p: Place) {
    let store = p.open().await;
    store.store(&[human("Le ministre.", "The Minister.")]).await.unwrap();
    store.store(&[mt("Le ministre.", "The minister.", "deepl")]).await.unwrap();
    let hit = best(store.as_ref(), "Le ministre.").await.unwrap();
    assert_eq!((hit.target.as_str(), hit.origin), ("The Minister.", EntryOrigin::Human));
    // MT stored before the human entry loses as well.
    store.store(&[mt("Le budget.", "The budget MT.", "deepl")]).await.unwrap();
    store.store(&[human("Le budget.", "The budget.")]).await.unwrap();
    assert_eq!(best(store.as_ref(), "Le budget.").await.unwrap().target, "The budget.");
}

async fn mt_replaces_mt_from_the_same_provider(p: Place) {
    let store = p.open().await;
    assert_eq!(store.store(&[mt("Un.", "One.", "deepl")]).await.unwrap(), 1);
    assert_eq!(store.store(&[mt("Un.", "One.", "deepl")]).await.unwrap(), 0, "unchanged");
    assert_eq!(store.store(&[mt("Un.", "A.", "deepl")]).await.unwrap(), 1);
    assert_eq!(count(store.as_ref()).await, 1);
    assert_eq!(best(store.as_ref(), "Un.").await.unwrap().target, "A.");
    store.store(&[mt("Un.", "Single.", "google")]).await.unwrap();
    assert_eq!(count(store.as_ref()).await, 2);
}

async fn newest_wins_between_equals_and_older_imports_do_not_overwrite(p: Place) {
    let store = p.open().await;
    store.store(&[dated(mt("Deux.", "Two (g).", "google"), "2025-01-02T00:00:00Z")]).await.unwrap();
    store.store(&[dated(mt("Deux.", "Two (d).", "deepl"), "2025-01-01T00:00:00Z")]).await.unwrap();
    assert_eq!(best(store.as_ref(), "Deux.").await.unwrap().target, "Two (g).");
    let old = dated(mt("Deux.", "Old.", "google"), "2024-01-01T00:00:00Z");
    assert_eq!(store.store(&[old]).await.unwrap(), 0);
    let kept = best(store.as_ref(), "Deux.").await.unwrap();
    assert_eq!((kept.target.as_str(), kept.created.as_str()), ("Two (g).", "2025-01-02T00:00:00Z"));
}

async fn candidates_are_ranked_and_answers_come_in_order(p: Place) {
    let store = p.open().await;
    let at = |e: NewEntry, at: &str| NewEntry { updated: Some(at.into()), ..e };
    store
        .store(&[
            at(mt("Un.", "One (d).", "deepl"), "2025-01-02T00:00:00Z"),
            at(mt("Un.", "One (g).", "google"), "2025-01-01T00:00:00Z"),
            at(human("Un.", "One."), "2024-01-01T00:00:00Z"),
            human("Trois.", "Three."),
        ])
        .await
        .unwrap();
    let one = Lookup::exact("Un.", "fr-FR", "en-GB");
    let answers = store
        .lookup(&[
            Lookup::exact("Trois.", "fr-FR", "en-GB"),
            one.clone(),
            one.clone().with_limit(5),
            Lookup::exact("Deux.", "fr-FR", "en-GB"),
            Lookup::exact("Un.", "not a tag", "en-GB"),
            one,
        ])
        .await
        .unwrap();
    assert_eq!(
        targets(&answers),
        vec![
            vec!["Three."],
            vec!["One."],
            vec!["One.", "One (d).", "One (g)."],
            vec![],
            vec![],
            vec!["One."]
        ]
    );
    assert!(answers.iter().flatten().all(|m| m.kind == MatchKind::Exact));
    assert!(store.lookup(&[]).await.unwrap().is_empty());
}

async fn stats_count_per_pair_and_origin(p: Place) {
    let store = p.open().await;
    store
        .store(&[
            human("Un.", "One."),
            mt("Un.", "One.", "deepl"),
            mt("Deux.", "Two.", "deepl"),
            NewEntry::new("Un.", "Eins.", "fr-FR", "de-DE", EntryOrigin::Human),
        ])
        .await
        .unwrap();
    let rows: Vec<(String, String, String, u64)> = store
        .stats()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.source_lang, r.target_lang, r.origin.as_key(), r.entries))
        .collect();
    let row = |s: &str, t: &str, o: &str, n| (s.to_string(), t.to_string(), o.to_string(), n);
    assert_eq!(
        rows,
        vec![
            row("fr-FR", "de-DE", "human", 1),
            row("fr-FR", "en-GB", "human", 1),
            row("fr-FR", "en-GB", "mt:deepl", 2)
        ]
    );
}

async fn bad_tags_are_refused_and_empty_entries_skipped(p: Place) {
    let store = p.open().await;
    let err = store
        .store(&[human("Un.", "One."), NewEntry::new("a", "b", "fr FR", "en", EntryOrigin::Human)])
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "\"fr FR\" is not a language tag (expected one like fr-FR)");
    assert_eq!(count(store.as_ref()).await, 0, "all or nothing");
    let stored = store
        .store(&[human(" \u{a0} ", "Nothing."), human("Vide.", "  "), human("Oui.", "Yes.")])
        .await
        .unwrap();
    assert_eq!(stored, 1);
    assert_eq!(count(store.as_ref()).await, 1);
}

async fn the_written_source_is_kept_and_follows_updates(p: Place) {
    let store = p.open().await;
    store.store(&[mt("L’armée\u{202f}: oui.", "Army: yes.", "deepl")]).await.unwrap();
    let all = store.entries(&Filter::default()).await.unwrap();
    assert_eq!(all[0].source, "L'armée : oui.");
    assert_eq!(all[0].source_text, "L’armée\u{202f}: oui.");
    store.store(&[mt("L'armée : oui.", "The army: yes.", "deepl")]).await.unwrap();
    let all = store.entries(&Filter::default()).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].source_text, "L'armée : oui.", "the text of the latest translation");
}

async fn listings_filter_sort_and_page(p: Place) {
    let store = p.open().await;
    store
        .store(&[
            mt("Zèbre.", "Zebra.", "deepl"),
            human("Zèbre.", "Zebra!"),
            mt("Abc.", "Abc.", "deepl"),
            mt("Étoile.", "Star.", "deepl"),
            mt("abc.", "abc.", "deepl"),
            NewEntry::new("Un.", "Eins.", "fr-FR", "de-DE", EntryOrigin::Human),
        ])
        .await
        .unwrap();
    let all = store.entries(&Filter::default()).await.unwrap();
    let order: Vec<(&str, &str, String)> = all
        .iter()
        .map(|e| (e.target_lang.as_str(), e.source.as_str(), e.origin.as_key()))
        .collect();
    // Locales, then source by code point, then human first.
    assert_eq!(
        order,
        vec![
            ("de-DE", "Un.", "human".to_string()),
            ("en-GB", "Abc.", "mt:deepl".to_string()),
            ("en-GB", "Zèbre.", "human".to_string()),
            ("en-GB", "Zèbre.", "mt:deepl".to_string()),
            ("en-GB", "abc.", "mt:deepl".to_string()),
            ("en-GB", "Étoile.", "mt:deepl".to_string()),
        ]
    );
    let only = Filter { target_lang: Some("en-gb".into()), human_only: true, ..Filter::default() };
    let humans = store.entries(&only).await.unwrap();
    assert_eq!(humans.len(), 1);
    assert_eq!(humans[0].target, "Zebra!");
    // Pages of two cover every entry once.
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.scan(after, 2).await.unwrap();
        let Some((last, _)) = page.last() else { break };
        assert!(page.len() <= 2 && *last > after);
        after = *last;
        seen.extend(page.into_iter().map(|(_, e)| (e.source, e.origin)));
    }
    assert_eq!(seen.len(), 6);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6);
}

async fn long_sentences_are_stored_and_found(p: Place) {
    let store = p.open().await;
    // Longer than a PostgreSQL B-tree entry may be (about 2.7 kB).
    let long = "Le ministre a répété que la coopération continuerait. ".repeat(120);
    let nearly = long.replacen("répété", "redit", 1);
    store.store(&[human(&long, "Long.")]).await.unwrap();
    assert_eq!(best(store.as_ref(), &long).await.unwrap().target, "Long.");
    let fuzzy = Lookup::exact(nearly, "fr-FR", "en-GB").with_fuzzy(Fuzzy::default());
    let answer = store.lookup(&[fuzzy]).await.unwrap();
    assert_eq!(targets(&answer), vec![vec!["Long."]]);
    assert_eq!(answer[0][0].kind, MatchKind::Fuzzy { quality: 99 });
}

fn fuzzy_lookup(text: &str, fuzzy: Fuzzy) -> Lookup {
    Lookup::exact(text, "fr-FR", "en-GB").with_fuzzy(fuzzy)
}

async fn fuzzy_candidates_come_when_nothing_matches_exactly(p: Place) {
    let store = p.open().await;
    store
        .store(&[
            mt(
                "Le ministre des Armées a annoncé jeudi une hausse du budget.",
                "MT jeudi.",
                "deepl",
            ),
            human("Le ministre des Armées a annoncé mardi une baisse du budget.", "Human mardi."),
            mt(
                "Le ministre des Armées a annoncé mardi une baisse du budget.",
                "MT mardi.",
                "deepl",
            ),
            mt("Tout autre chose.", "Something else.", "deepl"),
        ])
        .await
        .unwrap();
    let fuzzy = Fuzzy::default();
    let q = "Le ministre des Armées a annoncé lundi une hausse du budget.";
    let answers = store
        .lookup(&[
            fuzzy_lookup(q, fuzzy),
            fuzzy_lookup("Tout autre chose.", fuzzy),
            Lookup::exact(q, "fr-FR", "en-GB"),
        ])
        .await
        .unwrap();
    let kinds: Vec<Vec<(&str, MatchKind)>> = answers
        .iter()
        .map(|a| a.iter().map(|m| (m.entry.target.as_str(), m.kind)).collect())
        .collect();
    assert_eq!(
        kinds,
        vec![
            vec![
                ("MT jeudi.", MatchKind::Fuzzy { quality: 91 }),
                // One entry per stored sentence: the human one.
                ("Human mardi.", MatchKind::Fuzzy { quality: 83 }),
            ],
            vec![("Something else.", MatchKind::Exact)],
            vec![],
        ]
    );
    let strict = store.lookup(&[fuzzy_lookup(q, Fuzzy::new(0.9, 3).unwrap())]).await.unwrap();
    assert_eq!(targets(&strict), vec![vec!["MT jeudi."]]);
    let one = store.lookup(&[fuzzy_lookup(q, Fuzzy::new(0.75, 1).unwrap())]).await.unwrap();
    assert_eq!(targets(&one), vec![vec!["MT jeudi."]]);
    let off = store.lookup(&[fuzzy_lookup(q, Fuzzy::off())]).await.unwrap();
    assert_eq!(targets(&off), vec![Vec::<&str>::new()]);
    let german = Lookup::exact(q, "fr-FR", "de-DE").with_fuzzy(fuzzy);
    assert_eq!(targets(&store.lookup(&[german]).await.unwrap()), vec![Vec::<&str>::new()]);
}

async fn fuzzy_lookups_see_entries_stored_later_by_any_handle(p: Place) {
    let store = p.open().await;
    let q = "La porte-parole du gouvernement a démenti lundi la rumeur.";
    let lookup = fuzzy_lookup(q, Fuzzy::default());
    assert!(store.lookup(std::slice::from_ref(&lookup)).await.unwrap()[0].is_empty());
    store
        .store(&[human("La porte-parole du gouvernement a démenti mardi la rumeur.", "Tue.")])
        .await
        .unwrap();
    let other = p.open().await;
    other
        .store(&[human("La porte-parole du gouvernement a confirmé lundi la rumeur.", "Conf.")])
        .await
        .unwrap();
    let found = store.lookup(&[lookup]).await.unwrap();
    let mut got = targets(&found).remove(0);
    got.sort_unstable();
    assert_eq!(got, vec!["Conf.", "Tue."]);
}

async fn two_handles_write_and_read_at_once(p: Place) {
    let (a, b) = (p.open().await, p.open().await);
    let work = |who: &'static str, handle: Arc<dyn MemoryStore>| async move {
        for i in 0..40 {
            // Both write a shared sentence too, in opposite orders.
            let shared = format!("Commun {}.", if who == "a" { i } else { 39 - i });
            let mine = mt(&format!("{who} {i}."), &format!("{who} {i} en."), "deepl");
            handle.store(&[mine, mt(&shared, "Shared.", who)]).await.unwrap();
            assert!(best(handle.as_ref(), &format!("{who} {i}.")).await.is_some());
        }
    };
    let (ra, rb) = tokio::join!(tokio::spawn(work("a", a.clone())), tokio::spawn(work("b", b)));
    ra.unwrap();
    rb.unwrap();
    assert_eq!(count(a.as_ref()).await, 160);
}

async fn repeats_in_one_batch_are_stored_in_order(p: Place) {
    let store = p.open().await;
    let stored = store
        .store(&[
            mt("Un.", "One.", "deepl"),
            mt("Deux.", "Two.", "deepl"),
            mt("Un.", "Uno.", "deepl"),
        ])
        .await
        .unwrap();
    assert_eq!(stored, 3, "inserted, inserted, then changed");
    assert_eq!(best(store.as_ref(), "Un.").await.unwrap().target, "Uno.");
}

/// Entries stored under bare languages (a CAT tool's `fr` → `en`) answer
/// regional lookups, after the entries of the exact pair. See: #15
async fn bare_language_entries_serve_regional_lookups_after_exact_ones(p: Place) {
    let store = p.open().await;
    let bare = |source: &str, target: &str, src: &str, tgt: &str| {
        NewEntry::new(source, target, src, tgt, EntryOrigin::Human)
    };
    store
        .store(&[
            bare("Oui.", "Yes.", "fr", "en"),
            bare("Non.", "No.", "fr", "en"),
            bare("Non.", "No (UK).", "fr", "en-GB"),
            bare("Peut-être.", "Maybe.", "fr-FR", "en"),
            bare("Jamais.", "Nie.", "fr", "de"),
        ])
        .await
        .unwrap();
    store.store(&[mt("Oui.", "Yes (MT).", "deepl")]).await.unwrap();
    let ask = |s: &str, src: &str, tgt: &str| Lookup::exact(s, src, tgt).with_limit(5);
    let answers = store
        .lookup(&[
            ask("Oui.", "fr-FR", "en-GB"),
            ask("Oui.", "fr-FR", "en-US"),
            ask("Non.", "fr-FR", "en-GB"),
            ask("Non.", "fr-CA", "en-US"),
            ask("Peut-être.", "fr-FR", "en-GB"),
            ask("Peut-être.", "fr-BE", "en-GB"),
            ask("Jamais.", "fr-FR", "en-GB"),
            ask("Oui.", "fr-FR", "es-ES"),
        ])
        .await
        .unwrap();
    assert_eq!(
        targets(&answers),
        vec![
            vec!["Yes (MT).", "Yes."],
            vec!["Yes."],
            vec!["No (UK).", "No."],
            vec!["No."],
            vec!["Maybe."],
            vec![],
            vec![],
            vec![],
        ]
    );
    assert!(answers.iter().flatten().all(|m| m.kind == MatchKind::Exact));
}

/// Characters XML 1.0 forbids are dropped on the way in, by both stores
/// alike (PostgreSQL's text cannot even hold NUL). See: #15
async fn characters_xml_forbids_are_dropped_on_store(p: Place) {
    let store = p.open().await;
    let dirty = NewEntry {
        glossary_version: Some("g\u{1}1".into()),
        ..human("Un\u{0} deux\u{FFFE}.", "One\u{0} two\u{FFFF}\u{1B}.")
    };
    assert_eq!(store.store(&[dirty]).await.unwrap(), 1);
    let e = best(store.as_ref(), "Un deux.").await.unwrap();
    assert_eq!((e.source_text.as_str(), e.target.as_str()), ("Un deux.", "One two."));
    assert_eq!(e.glossary_version.as_deref(), Some("g1"));
    let all = store.entries(&Filter::default()).await.unwrap();
    assert_eq!(all.len(), 1);
}

/// Each behaviour as a test on each store.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Place::sqlite()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(place) = super::Place::postgres(stringify!($name)) else { return };
                    super::$name(place).await;
                }
            )*
        }
    };
}

on_both_stores!(
    lookups_match_the_normalised_source_and_the_locales,
    human_outranks_mt_and_is_never_overwritten,
    mt_replaces_mt_from_the_same_provider,
    newest_wins_between_equals_and_older_imports_do_not_overwrite,
    candidates_are_ranked_and_answers_come_in_order,
    stats_count_per_pair_and_origin,
    bad_tags_are_refused_and_empty_entries_skipped,
    the_written_source_is_kept_and_follows_updates,
    listings_filter_sort_and_page,
    long_sentences_are_stored_and_found,
    fuzzy_candidates_come_when_nothing_matches_exactly,
    fuzzy_lookups_see_entries_stored_later_by_any_handle,
    two_handles_write_and_read_at_once,
    repeats_in_one_batch_are_stored_in_order,
    bare_language_entries_serve_regional_lookups_after_exact_ones,
    characters_xml_forbids_are_dropped_on_store,
);
