//! Helpers shared by the benchmarks: a corpus built from the fixture
//! articles, and the peak memory of the running process.

use std::path::Path;

/// The bytes of every article under `dir` (as `depeche translate` finds them).
#[allow(dead_code, reason = "not every benchmark builds a corpus")]
pub(crate) fn read_fixtures(dir: &Path) -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    for path in depeche::ingest::discover(&[dir.to_path_buf()])? {
        out.push(std::fs::read(path)?);
    }
    if out.is_empty() {
        return Err("no fixture articles".into());
    }
    Ok(out)
}

/// Writes `size` articles into `dir`, each a fixture plus one unique
/// paragraph in its middle (so ids, hashes and files all differ). Returns
/// the total bytes written.
#[allow(dead_code, reason = "not every benchmark builds a corpus")]
#[allow(clippy::disallowed_methods, reason = "benchmark input, not product output")]
pub(crate) fn build_corpus(sources: &[Vec<u8>], size: usize, dir: &Path) -> std::io::Result<usize> {
    let mut total = 0;
    for (i, source) in sources.iter().cycle().take(size).enumerate() {
        let source = String::from_utf8_lossy(source).into_owned();
        let mut blocks: Vec<&str> = source.split("\n\n").collect();
        let extra = format!("Mise à jour n° {i} : la dépêche a été complétée à 16 h 05.");
        let at = (blocks.len() / 2).max(1).min(blocks.len());
        blocks.insert(at, &extra);
        let text = blocks.join("\n\n");
        total += text.len();
        std::fs::write(dir.join(format!("article-{i:05}.txt")), text)?;
    }
    Ok(total)
}

/// Peak resident set size of this process, in KiB (Linux `VmHWM`).
pub(crate) fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}
