//! `--shard K/N`: N runs on the same inputs split the batch by article id,
//! whatever the order the files come in. See: #14

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{depeche, fixture, xliff_files};

fn names(dir: &Path) -> BTreeSet<String> {
    xliff_files(dir).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
}

fn run(out: &Path, shard: Option<&str>, inputs: &[&Path]) -> String {
    let mut cmd = depeche();
    cmd.args(["translate", "--no-progress", "--provider", "none", "--no-memory", "--out"]).arg(out);
    if let Some(shard) = shard {
        cmd.args(["--shard", shard]);
    }
    let out = cmd.args(inputs).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn shards_cover_the_batch_once_whatever_the_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let articles = fixture("articles");
    let whole = dir.path().join("whole");
    run(&whole, None, &[&articles]);
    let all = names(&whole);
    assert!(all.len() >= 7, "{all:?}");

    let mut seen = BTreeSet::new();
    let mut files: Vec<_> =
        std::fs::read_dir(&articles).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for k in 1..=3 {
        // Each shard is given the files in another order.
        files.rotate_left(1);
        let inputs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
        let out = dir.path().join(format!("shard{k}"));
        let summary = run(&out, Some(&format!("{k}/3")), &inputs);
        let mine = names(&out);
        let written: usize = summary
            .lines()
            .find_map(|l| l.strip_prefix("articles   "))
            .and_then(|l| l.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(written, mine.len(), "{summary}");
        assert!(
            summary
                .contains(&format!("shard      {k}/3: {} articles left", all.len() - mine.len())),
            "{summary}"
        );
        assert!(seen.is_disjoint(&mine), "shard {k} repeats {:?}", seen.intersection(&mine));
        seen.extend(mine);
    }
    assert_eq!(seen, all);
}

#[test]
fn a_bad_shard_is_refused() {
    depeche()
        .args(["translate", "--provider", "none", "--shard", "5/4"])
        .arg(fixture("articles"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected K/N with 1 <= K <= N"));
}
