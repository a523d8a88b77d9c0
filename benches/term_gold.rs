//! The shipped termbases against the term-occurrence gold of the WMT
//! defence documents: recall and precision per half (dev, held-out test)
//! and recall per category.
//!
//! `cargo bench --bench term_gold`; set `TERM_GOLD_LIST=dev` to also list
//! the dev half's misses and false hits (never tune on the test half's,
//! fixtures/term-gold/GUIDE.md).

// A benchmark binary: a missing fixture should stop it loudly.
#![allow(clippy::indexing_slicing)]

#[path = "../tests/it/term_gold.rs"]
#[allow(dead_code, reason = "the module's tests only run in the test binary")]
mod term_gold;

fn main() {
    let glossary = term_gold::shipped();
    let scores = term_gold::evaluate(&glossary);
    println!("{} concepts", glossary.len());
    print!("{}", term_gold::summary(&scores));
    println!("\n| category | dev | test |\n|---|---:|---:|");
    let (dev, test) = (&scores[0].1, &scores[1].1);
    let cats: std::collections::BTreeSet<&String> =
        dev.by_category.keys().chain(test.by_category.keys()).collect();
    let cell = |s: &term_gold::Score, c: &String| {
        let (f, g) = s.by_category.get(c).copied().unwrap_or_default();
        format!("{f}/{g}")
    };
    for c in cats {
        println!("| {c} | {} | {} |", cell(dev, c), cell(test, c));
    }
    // The optional politics termbase loaded too: its hits are right terms
    // of domestic politics, outside the gold's scope (GUIDE.md), so they
    // count as false hits here.
    let optional = term_gold::root().join("glossaries/optional");
    if optional.is_dir() {
        let roots = [term_gold::root().join("glossaries"), optional];
        let paths: Vec<&std::path::Path> = roots.iter().map(|p| p.as_path()).collect();
        if let Ok(all) = depeche::glossary::Glossary::load(&paths) {
            println!(
                "
with glossaries/optional ({} concepts):",
                all.len()
            );
            print!("{}", term_gold::summary(&term_gold::evaluate(&all)));
        }
    }
    if std::env::var("TERM_GOLD_LIST").as_deref() == Ok("dev") {
        println!("\ndev misses:");
        for m in &dev.misses {
            println!("  {} {}\t{}\t{}", m.docid, m.seg, m.french, m.category);
        }
        println!("\ndev false hits:");
        for h in &dev.false_hits {
            println!("  {} {}\t{}\t{}", h.docid, h.seg, h.text, h.entry);
        }
    }
}
