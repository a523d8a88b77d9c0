//! Consistency checks over a loaded glossary (`depeche glossary check`).

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use super::{Entry, Status, fold};
use crate::model::Severity;

/// A finding about the glossary itself.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// File of the concept.
    pub path: PathBuf,
    /// Line of the concept or term.
    pub line: usize,
    /// Error (a conflict, a missing target) or warning (a duplicate).
    pub severity: Severity,
    /// Concept id.
    pub entry: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}: {sev}: {}", self.path.display(), self.line, self.message)
    }
}

fn problem(e: &Entry, line: usize, severity: Severity, message: String) -> Problem {
    Problem { path: e.path.clone(), line, severity, entry: e.id.clone(), message }
}

/// One spelling per locale (`en_gb`, `EN-GB` → `en-GB`), so entries written
/// by hand compare as the runs see them.
fn locale_key(l: &str) -> String {
    crate::Locale::parse(l)
        .map_or_else(|_| l.to_ascii_lowercase().replace('_', "-"), |l| l.to_string())
}

/// Preferred target per locale (first one when there are several).
fn preferred(e: &Entry) -> HashMap<String, &str> {
    let mut out = HashMap::new();
    for t in e.targets.iter().filter(|t| t.status == Status::Preferred) {
        out.entry(locale_key(&t.locale)).or_insert(t.term.as_str());
    }
    out
}

fn has_context(e: &Entry) -> bool {
    e.ambiguous || !e.requires.is_empty() || !e.excludes.is_empty()
}

pub(super) fn check(entries: &[Entry]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut ids: HashMap<&str, &Entry> = HashMap::new();
    let mut by_source: HashMap<(Vec<String>, String), Vec<usize>> = HashMap::new();
    for (n, e) in entries.iter().enumerate() {
        if let Some(first) = ids.insert(e.id.as_str(), e) {
            out.push(problem(
                e,
                e.line,
                Severity::Error,
                format!(
                    "duplicate concept id {} (also at {}:{}; rename one)",
                    e.id,
                    first.path.display(),
                    first.line
                ),
            ));
        }
        let accepted = e.targets.iter().any(|t| t.status != Status::Forbidden);
        if !accepted && !e.do_not_translate {
            out.push(problem(
                e,
                e.line,
                Severity::Error,
                format!(
                    "missing target: concept {} ({}) has no target term (add one, or mark it do-not-translate)",
                    e.id,
                    e.term()
                ),
            ));
        } else if accepted
            && !e.do_not_translate
            && !e.targets.iter().any(|t| locale_key(&t.locale).starts_with("en"))
        {
            out.push(problem(
                e,
                e.line,
                Severity::Warning,
                format!("concept {} ({}) has no English target", e.id, e.term()),
            ));
        }
        if e.ambiguous && e.requires.is_empty() {
            out.push(problem(
                e,
                e.line,
                Severity::Warning,
                format!(
                    "concept {} ({}) is ambiguous with no context words, so it is never tagged",
                    e.id,
                    e.term()
                ),
            ));
        }
        let mut seen: HashMap<String, &str> = HashMap::new();
        for t in e.targets.iter().filter(|t| t.status == Status::Preferred) {
            let l = locale_key(&t.locale);
            if let Some(other) = seen.insert(l.clone(), &t.term) {
                if other != t.term {
                    out.push(problem(
                        e,
                        t.line,
                        Severity::Error,
                        format!(
                            "conflict: concept {} ({}) has two preferred {} terms, {other:?} and {:?} (mark one admitted)",
                            e.id,
                            e.term(),
                            t.locale,
                            t.term
                        ),
                    ));
                } else {
                    out.push(problem(
                        e,
                        t.line,
                        Severity::Warning,
                        format!(
                            "duplicate: {:?} listed twice for {} in {}",
                            t.term, t.locale, e.id
                        ),
                    ));
                }
            }
        }
        for f in e.targets.iter().filter(|t| t.status == Status::Forbidden) {
            let clash = e.targets.iter().any(|t| {
                t.status != Status::Forbidden
                    && locale_key(&t.locale) == locale_key(&f.locale)
                    && fold::fold(&t.term) == fold::fold(&f.term)
            });
            if clash {
                out.push(problem(
                    e,
                    f.line,
                    Severity::Error,
                    format!(
                        "conflict: {:?} is both accepted and forbidden for {} in {}",
                        f.term, f.locale, e.id
                    ),
                ));
            }
        }
        for s in &e.sources {
            let key = (fold::keys(s), e.domain.to_ascii_lowercase());
            let list = by_source.entry(key).or_default();
            if !list.contains(&n) {
                list.push(n);
            }
        }
    }
    let mut groups: Vec<&Vec<usize>> = by_source.values().filter(|v| v.len() > 1).collect();
    groups.sort();
    for group in groups {
        for (k, &b) in group.iter().enumerate().skip(1) {
            let (Some(later), Some(earlier)) = (
                entries.get(b),
                group.get(..k).and_then(|g| g.iter().find_map(|&a| entries.get(a))),
            ) else {
                continue;
            };
            // A newsroom concept overriding a shipped one is reported below.
            if has_context(later) || has_context(earlier) || later.house != earlier.house {
                continue;
            }
            let (pa, pb) = (preferred(earlier), preferred(later));
            let mut diffs: Vec<String> = pb
                .iter()
                .filter_map(|(l, t)| {
                    pa.get(l)
                        .filter(|o| fold::fold(o) != fold::fold(t))
                        .map(|o| format!("{o:?} vs {t:?} for {l}"))
                })
                .collect();
            diffs.sort();
            let at = format!("{}:{}", earlier.path.display(), earlier.line);
            if diffs.is_empty() {
                out.push(problem(
                    later,
                    later.line,
                    Severity::Warning,
                    format!(
                        "duplicate: {} ({}) repeats {} at {at} (merge them)",
                        later.id,
                        later.term(),
                        earlier.id
                    ),
                ));
            } else {
                out.push(problem(
                    later,
                    later.line,
                    Severity::Error,
                    format!(
                        "conflict: {} ({}) and {} at {at} give different targets in {}: {} (merge them or add a context rule)",
                        later.id,
                        later.term(),
                        earlier.id,
                        later.domain,
                        diffs.join(", ")
                    ),
                ));
            }
        }
    }
    out.extend(overrides(entries));
    out.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out
}

/// Where a newsroom concept shares a French term with a shipped one, in
/// any domain: the newsroom concept wins (#10), which the desk should know.
fn overrides(entries: &[Entry]) -> Vec<Problem> {
    let mut shipped: HashMap<Vec<String>, Vec<&Entry>> = HashMap::new();
    for e in entries.iter().filter(|e| !e.house) {
        for s in &e.sources {
            let list = shipped.entry(fold::keys(s)).or_default();
            if !list.iter().any(|x| x.id == e.id) {
                list.push(e);
            }
        }
    }
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| e.house) {
        for s in &e.sources {
            for other in shipped.get(&fold::keys(s)).into_iter().flatten() {
                out.push(problem(
                    e,
                    e.line,
                    Severity::Warning,
                    format!(
                        "override: {} ({s}) takes precedence over {} ({}) at {}:{}",
                        e.id,
                        other.id,
                        other.term(),
                        other.path.display(),
                        other.line
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn load(csv: &str) -> Vec<Entry> {
        let mut out = Vec::new();
        crate::glossary::csv::parse(Path::new("g.csv"), csv, b',', &mut out).unwrap();
        out
    }

    #[test]
    fn conflicts_duplicates_and_missing_targets() {
        let entries = load(
            "source,target,locale,domain,note,id\n\
             ministère de la Défense,Ministry of Defence,en-GB,defence,,a\n\
             ministères de la défense,Defence Ministry,en-GB,defence,,b\n\
             OTAN,NATO,en,defence,,\n\
             otan,NATO,en,defence,,\n\
             cybersécurité,,,defence,,e\n",
        );
        // "OTAN" and "otan" fold alike, so those rows make one concept.
        assert_eq!(entries.len(), 4);
        let problems = check(&entries);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|p| p.starts_with(
                "g.csv:3: error: conflict: b (ministères de la défense) and a at g.csv:2"
            )),
            "{text:#?}"
        );
        assert!(
            text.iter().any(|p| p.starts_with("g.csv:5: warning: duplicate: \"NATO\"")),
            "{text:#?}"
        );
        assert!(text.iter().any(|p| p.starts_with("g.csv:6: error: missing target")), "{text:#?}");
        assert_eq!(problems.iter().filter(|p| p.severity == Severity::Error).count(), 2);
    }

    // See: #10
    #[test]
    fn newsroom_overrides_are_reported_not_conflicts() {
        let mut entries = load("source,target,locale,domain\nfrappe,strike,en,defence\n");
        let mut house = Vec::new();
        crate::glossary::csv::parse(
            Path::new("newsroom.csv"),
            "source,target,locale,domain\nfrappes,hit,en,defence\n",
            b',',
            &mut house,
        )
        .unwrap();
        house.iter_mut().for_each(|e| e.house = true);
        entries.extend(house);
        let text: Vec<String> = check(&entries).iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "newsroom.csv:2: warning: override: newsroom-2 (frappes) takes precedence over g-2 (frappe) at g.csv:2"
            ]
        );
    }
}
