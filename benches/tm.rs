//! Translation memory speed: inserts, exact-match and fuzzy lookups.
//!
//! Builds a memory of 100,000 generated French news sentences, then, in a
//! fresh child process (a new connection with an empty SQLite page cache;
//! the OS file cache cannot be dropped without root), times lookups of
//! every sentence one by one, again warm, then in batches of 50 (an
//! article's sentences) and 1,000, from several threads at once, and
//! lookups that miss; then the same batches through the async
//! `MemoryStore` trait, one at a time and with 16 articles in flight, as
//! the pipeline makes them.
//!
//! With `fuzzy`, the memory holds news sentences instead (those of the WMT
//! fixtures, each also stored in variants with one to three words
//! replaced), and the child times fuzzy lookups through the trait: the
//! first one (which builds the index), then sentences of the memory with
//! one and with two more words replaced, one at a time and in batches of
//! 50. The templated sentences of the exact-match runs are a worst case
//! for fuzzy matching (each shares its template with about 50 others and
//! most of its words with thousands), which no newsroom's memory is.
//!
//! Run: `cargo bench --bench tm` (add a size as argument to change it, and
//! `fuzzy` to time only the fuzzy lookups: `cargo bench --bench tm --
//! 100000 fuzzy`; `fuzzy-templates` times them on the templated sentences).

// A benchmark writes its own input files directly.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::time::Instant;

use depeche::tm::{EntryOrigin, Fuzzy, Lookup, MatchKind, Memory, MemoryStore, NewEntry};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("child") {
        let path = args.get(1).ok_or("child needs a memory path")?;
        let n = args.get(2).and_then(|n| n.parse().ok()).ok_or("child needs a size")?;
        let mode = args.get(3).map(String::as_str);
        if let Some(mode @ ("fuzzy" | "fuzzy-templates")) = mode {
            let sentences = if mode == "fuzzy" { news_sentences(n)? } else { sentences(n) };
            let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
            return fuzzy_lookups(Path::new(path), &refs);
        }
        return child(Path::new(path), n);
    }
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let only = if args.iter().any(|a| a == "fuzzy") {
        "fuzzy"
    } else if args.iter().any(|a| a == "fuzzy-templates") {
        "fuzzy-templates"
    } else {
        "all"
    };
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("tm.sqlite");
    let sentences = if only == "fuzzy" { news_sentences(n)? } else { sentences(n) };
    let bytes: usize = sentences.iter().map(String::len).sum();
    println!(
        "translation memory, {n} French sentences ({:.1} MB of source text)",
        bytes as f64 / 1e6
    );

    let memory = Memory::open(&path)?;
    let entries: Vec<NewEntry> = sentences
        .iter()
        .map(|s| NewEntry {
            glossary_version: Some("bench".into()),
            ..NewEntry::new(
                s,
                target(s),
                "fr-FR",
                "en-GB",
                EntryOrigin::Mt { provider: "deepl".into() },
            )
        })
        .collect();
    let started = Instant::now();
    let stored = memory.store(&entries)?;
    let secs = started.elapsed().as_secs_f64();
    report("insert, one transaction", stored, secs);
    let more: Vec<NewEntry> = entries
        .iter()
        .take(10_000)
        .map(|e| NewEntry { target: format!("{} (rev.)", e.target), ..e.clone() })
        .collect();
    let started = Instant::now();
    let mut changed = 0;
    for chunk in more.chunks(50) {
        changed += memory.store(chunk)?;
    }
    report("upsert, 50 per transaction", changed, started.elapsed().as_secs_f64());
    drop(memory);
    let size = std::fs::metadata(&path)?.len();
    println!("{:<34} {:>10.1} MB", "file size", size as f64 / 1e6);

    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("child")
        .arg(&path)
        .arg(n.to_string())
        .arg(only)
        .output()?;
    if !out.status.success() {
        return Err(format!("child failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    print!("{}", String::from_utf8_lossy(&out.stdout));
    Ok(())
}

/// Lookups in a fresh process.
fn child(path: &Path, n: usize) -> Res<()> {
    let sentences = sentences(n);
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();

    let started = Instant::now();
    let memory = Memory::open(path)?;
    let open = started.elapsed().as_secs_f64();
    println!("{:<34} {:>10.2} ms", "open (fresh process)", open * 1e3);

    let started = Instant::now();
    let first = memory.lookup(refs.first().ok_or("no sentences")?, "fr-FR", "en-GB")?;
    println!("{:<34} {:>10.2} ms", "first lookup, cold", started.elapsed().as_secs_f64() * 1e3);
    if first.is_none() {
        return Err("first sentence not found".into());
    }

    for pass in ["single lookups, cold", "single lookups, warm"] {
        let started = Instant::now();
        let mut hits = 0;
        for s in &refs {
            hits += usize::from(memory.lookup(s, "fr-FR", "en-GB")?.is_some());
        }
        check(hits, n)?;
        report(pass, n, started.elapsed().as_secs_f64());
    }
    for size in [50, 1000] {
        let started = Instant::now();
        let mut hits = 0;
        for chunk in refs.chunks(size) {
            hits += memory.lookup_many(chunk, "fr-FR", "en-GB")?.iter().flatten().count();
        }
        check(hits, n)?;
        report(
            &format!("batch lookups ({size} per call), warm"),
            n,
            started.elapsed().as_secs_f64(),
        );
    }
    // Articles in flight look up at once: the same batches of 50 from
    // several threads sharing one handle.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let started = Instant::now();
    let hits = std::thread::scope(|s| -> Res<usize> {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let memory = &memory;
                let refs = &refs;
                s.spawn(move || -> Result<usize, String> {
                    let mut hits = 0;
                    for chunk in refs.chunks(50).skip(t).step_by(threads) {
                        let found = memory
                            .lookup_many(chunk, "fr-FR", "en-GB")
                            .map_err(|e| e.to_string())?;
                        hits += found.iter().flatten().count();
                    }
                    Ok(hits)
                })
            })
            .collect();
        let mut hits = 0;
        for w in workers {
            hits += w.join().map_err(|_| "lookup thread panicked")??;
        }
        Ok(hits)
    })?;
    check(hits, n)?;
    report(&format!("batch lookups (50), {threads} threads"), n, started.elapsed().as_secs_f64());
    let misses: Vec<String> = refs.iter().map(|s| format!("{s} (inédit)")).collect();
    let misses: Vec<&str> = misses.iter().map(String::as_str).collect();
    let started = Instant::now();
    let mut hits = 0;
    for chunk in misses.chunks(50) {
        hits += memory.lookup_many(chunk, "fr-FR", "en-GB")?.iter().flatten().count();
    }
    check(hits, 0)?;
    report("batch misses (50 per call)", n, started.elapsed().as_secs_f64());
    through_the_trait(memory, &refs)
}

/// Fuzzy lookups through the trait, on a fresh handle (so the first one
/// builds the index), with the default settings (75 %, 3 candidates).
fn fuzzy_lookups(path: &Path, refs: &[&str]) -> Res<()> {
    let store: std::sync::Arc<dyn MemoryStore> = std::sync::Arc::new(Memory::open(path)?);
    let fuzzy = Fuzzy::default();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let lookup = |s: String| Lookup::exact(s, "fr-FR", "en-GB").with_fuzzy(fuzzy);
    let words = vocabulary(refs);
    runtime.block_on(async {
        let started = Instant::now();
        let first =
            store.lookup(&[lookup(changed(refs.first().ok_or("empty")?, &words, 1, 7))]).await?;
        println!(
            "{:<34} {:>10.0} ms",
            "first fuzzy lookup (builds index)",
            started.elapsed().as_secs_f64() * 1e3
        );
        check(first.iter().filter(|a| is_fuzzy(a)).count(), 1)?;
        let count = refs.len().min(5_000);
        for edits in [1, 2] {
            let lookups: Vec<Lookup> = refs
                .iter()
                .step_by(refs.len() / count)
                .take(count)
                .enumerate()
                .map(|(i, s)| lookup(changed(s, &words, edits, i as u64 + 11)))
                .collect();
            let what = format!("fuzzy, {edits} word(s) changed");
            let started = Instant::now();
            let mut found = 0;
            for one in &lookups {
                let answer = store.lookup(std::slice::from_ref(one)).await?;
                found += answer.iter().filter(|a| is_fuzzy(a)).count();
            }
            let secs = started.elapsed().as_secs_f64();
            report(&format!("{what}, one at a time"), lookups.len(), secs);
            let started = Instant::now();
            let mut offered = 0;
            for chunk in lookups.chunks(50) {
                let answers = store.lookup(chunk).await?;
                offered += answers.iter().map(Vec::len).sum::<usize>();
            }
            let secs = started.elapsed().as_secs_f64();
            report(&format!("{what}, batches of 50"), lookups.len(), secs);
            println!(
                "{:<34} {:>10.1} % found, {:.2} candidates per lookup",
                "  ",
                100.0 * found as f64 / lookups.len() as f64,
                offered as f64 / lookups.len() as f64
            );
        }
        Res::Ok(())
    })
}

fn is_fuzzy(answer: &[depeche::tm::Match]) -> bool {
    answer.first().is_some_and(|m| matches!(m.kind, MatchKind::Fuzzy { .. }))
}

/// Every distinct word of `sentences`, sorted: replacements drawn from the
/// same news vocabulary.
fn vocabulary(sentences: &[&str]) -> Vec<String> {
    let mut words: Vec<String> =
        sentences.iter().flat_map(|s| s.split_whitespace()).map(str::to_owned).collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// `sentence` with `edits` of its words replaced by others from `words`,
/// chosen by `seed`.
fn changed(sentence: &str, words: &[String], edits: usize, seed: u64) -> String {
    let mut next = rng(seed);
    let mut out: Vec<&str> = sentence.split_whitespace().collect();
    for _ in 0..edits {
        let at = next(out.len().max(1));
        let word = words.get(next(words.len().max(1))).map_or("nouveau", String::as_str);
        if let Some(w) = out.get_mut(at) {
            *w = word;
        }
    }
    out.join(" ")
}

/// A small deterministic generator of indices below `m`.
fn rng(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
    move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % m.max(1) as u64).unwrap_or(0)
    }
}

/// `n` distinct news sentences: the French sentences of the WMT fixtures
/// (`fixtures/wmt`, 1,045 real defence and diplomacy news sentences), each
/// repeated with one to three words replaced by words of the same texts,
/// as a newsroom's memory holds updated versions of its stock sentences.
fn news_sentences(n: usize) -> Res<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wmt");
    let mut base = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    files.sort_by_key(std::fs::DirEntry::path);
    for file in files {
        let text = std::fs::read_to_string(file.path())?;
        for part in text.split("<seg").skip(1) {
            let seg = part.split_once('>').map_or("", |(_, rest)| rest);
            let seg = seg.split("</seg>").next().unwrap_or_default().trim();
            if seg.split_whitespace().count() >= 4 {
                base.push(seg.to_owned());
            }
        }
    }
    let refs: Vec<&str> = base.iter().map(String::as_str).collect();
    let words = vocabulary(&refs);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    let mut i = 0u64;
    while out.len() < n && !base.is_empty() {
        let s = refs.get(i as usize % refs.len()).copied().unwrap_or_default();
        let edits = if i < refs.len() as u64 { 0 } else { 1 + (i as usize % 3) };
        let sentence = changed(s, &words, edits, i);
        if seen.insert(sentence.clone()) {
            out.push(sentence);
        }
        i += 1;
    }
    Ok(out)
}

/// Lookups as the pipeline makes them: batches through `dyn MemoryStore`,
/// answered on tokio's blocking pool.
fn through_the_trait(memory: Memory, refs: &[&str]) -> Res<()> {
    let n = refs.len();
    let lookups: Vec<Lookup> = refs.iter().map(|s| Lookup::exact(*s, "fr-FR", "en-GB")).collect();
    let store: std::sync::Arc<dyn MemoryStore> = std::sync::Arc::new(memory);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        for size in [50, 1000] {
            let started = Instant::now();
            let mut hits = 0;
            for chunk in lookups.chunks(size) {
                hits += store.lookup(chunk).await?.iter().filter(|a| !a.is_empty()).count();
            }
            check(hits, n)?;
            report(
                &format!("trait batches ({size}), one at a time"),
                n,
                started.elapsed().as_secs_f64(),
            );
        }
        let in_flight = 16;
        let started = Instant::now();
        let tasks: Vec<_> = (0..in_flight)
            .map(|t| {
                let store = std::sync::Arc::clone(&store);
                let mine: Vec<Vec<Lookup>> =
                    lookups.chunks(50).skip(t).step_by(in_flight).map(<[Lookup]>::to_vec).collect();
                tokio::spawn(async move {
                    let mut hits = 0;
                    for chunk in &mine {
                        hits += store.lookup(chunk).await?.iter().filter(|a| !a.is_empty()).count();
                    }
                    Ok::<_, depeche::tm::Error>(hits)
                })
            })
            .collect();
        let mut hits = 0;
        for task in tasks {
            hits += task.await??;
        }
        check(hits, n)?;
        report(
            &format!("trait batches (50), {in_flight} in flight"),
            n,
            started.elapsed().as_secs_f64(),
        );
        Res::Ok(())
    })
}

fn check(hits: usize, expected: usize) -> Res<()> {
    if hits == expected { Ok(()) } else { Err(format!("{hits} hits, expected {expected}").into()) }
}

fn report(what: &str, n: usize, secs: f64) {
    println!("{what:<34} {:>10.0} /s   ({n} in {:.3} s)", n as f64 / secs, secs);
}

/// `n` distinct French-like news sentences, the same on every call.
fn sentences(n: usize) -> Vec<String> {
    const SUBJECTS: &[&str] = &[
        "Le ministre des Armées",
        "L’ambassadeur d’Azerbaïdjan",
        "La porte-parole du gouvernement",
        "Le chef d’état-major",
        "La Commission européenne",
        "Le président du Sénat",
        "Les députés de l’opposition",
        "Le préfet de police",
    ];
    const VERBS: &[&str] =
        &["a annoncé", "a démenti", "a confirmé", "a précisé", "a rappelé", "a dénoncé", "a salué"];
    const OBJECTS: &[&str] = &[
        "une hausse du budget de la défense",
        "la signature d’un accord de coopération",
        "l’ouverture d’une enquête",
        "le report du sommet",
        "un plan de soutien aux agriculteurs",
        "la fermeture de la frontière",
        "des sanctions contre trois entreprises",
    ];
    const WHEN: &[&str] = &["jeudi", "lundi soir", "mardi matin", "dans la nuit", "ce week-end"];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % m as u64).unwrap_or(0)
    };
    (0..n)
        .map(|i| {
            format!(
                "{} {} {} {}, pour un montant de {} millions d’euros (dépêche n° {i}).",
                pick(SUBJECTS, next(SUBJECTS.len())),
                pick(VERBS, next(VERBS.len())),
                pick(WHEN, next(WHEN.len())),
                pick(OBJECTS, next(OBJECTS.len())),
                next(900) + 10,
            )
        })
        .collect()
}

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list.get(i).copied().unwrap_or_default()
}

fn target(source: &str) -> String {
    format!("EN: {source}")
}
