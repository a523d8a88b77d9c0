//! Placeholder protection for engines with no glossary support: each
//! matched term becomes an opaque ASCII token before translation and the
//! expected target (or, for do-not-translate terms, the source as written)
//! is put back afterwards. A token lost or duplicated fails the segment.

use crate::model::TermHit;

/// Token stem; plain ASCII letters survive rule-based and neural engines
/// best (brackets and underscores get marked or split).
const STEM: &str = "GLOSSTERM";

/// Replacements to put back after translation, in token order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Slots(Vec<String>);

/// Rewrites `item.text` with every hit that `keep` accepts (in order,
/// overlaps skipped, only on character boundaries) replaced by
/// `render(source as written, target)`, where the target is the source for
/// do-not-translate terms and the expected rendering otherwise. Text between
/// hits goes through `plain`. Returns the text and the number of hits
/// rendered. Shared by the markup-based providers (DeepL `<dnt>`, Azure
/// dynamic dictionary, Google `notranslate` spans).
pub(crate) fn splice_terms(
    item: &super::BatchItem<'_>,
    keep: impl Fn(&TermHit) -> bool,
    plain: impl Fn(&str) -> String,
    render: impl Fn(&str, &str) -> String,
) -> (String, usize) {
    let mut hits: Vec<&TermHit> =
        item.terms.iter().filter(|t| item.text.get(t.start..t.end).is_some() && keep(t)).collect();
    hits.sort_by_key(|t| t.start);
    let mut out = String::new();
    let mut pos = 0;
    let mut n = 0;
    for t in hits {
        if t.start < pos {
            continue;
        }
        let src = item.text.get(t.start..t.end).unwrap_or("");
        let target = if t.do_not_translate { src } else { t.expected.as_deref().unwrap_or(src) };
        out.push_str(&plain(item.text.get(pos..t.start).unwrap_or("")));
        out.push_str(&render(src, target));
        pos = t.end;
        n += 1;
    }
    out.push_str(&plain(item.text.get(pos..).unwrap_or("")));
    (out, n)
}

/// Replaces each protectable hit in `text` by a token. Hits that do not
/// fall on character boundaries of `text`, overlap or have nothing to put
/// back are left alone.
pub(crate) fn protect(text: &str, terms: &[TermHit]) -> (String, Slots) {
    let mut hits: Vec<&TermHit> = terms
        .iter()
        .filter(|t| t.do_not_translate || t.expected.is_some())
        .filter(|t| t.start < t.end && text.get(t.start..t.end).is_some())
        .collect();
    hits.sort_by_key(|t| t.start);
    let mut out = String::with_capacity(text.len());
    let mut slots = Vec::new();
    let mut pos = 0;
    for hit in hits {
        if hit.start < pos {
            continue;
        }
        let value = if hit.do_not_translate {
            text.get(hit.start..hit.end).unwrap_or(&hit.text).to_string()
        } else {
            hit.expected.clone().unwrap_or_default()
        };
        out.push_str(text.get(pos..hit.start).unwrap_or(""));
        slots.push(value);
        out.push_str(&format!("{STEM}{}", slots.len()));
        pos = hit.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    (out, Slots(slots))
}

/// Puts the replacements back; every token must appear exactly once and
/// no unknown token may appear.
pub(crate) fn restore(text: &str, slots: &Slots) -> Result<String, String> {
    let mut seen = vec![0usize; slots.0.len()];
    let mut out = String::with_capacity(text.len());
    let lower = text.to_ascii_lowercase();
    let stem = STEM.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(rel) = lower.get(pos..).and_then(|rest| rest.find(&stem)) {
        let at = pos + rel;
        let digits_start = at + stem.len();
        let digits: String = lower
            .get(digits_start..)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        out.push_str(text.get(pos..at).unwrap_or(""));
        let n: usize = digits.parse().map_err(|_| format!("malformed placeholder at byte {at}"))?;
        let value = n
            .checked_sub(1)
            .and_then(|i| slots.0.get(i).map(|v| (i, v)))
            .ok_or_else(|| format!("unknown placeholder {STEM}{n}"))?;
        if let Some(count) = seen.get_mut(value.0) {
            *count += 1;
        }
        out.push_str(value.1);
        pos = digits_start + digits.len();
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    if let Some(i) = seen.iter().position(|c| *c != 1) {
        let n = seen.get(i).copied().unwrap_or(0);
        return Err(format!("placeholder {STEM}{} came back {n} times", i + 1));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn hit(text: &str, src: &str, expected: Option<&str>, dnt: bool) -> TermHit {
        let start = text.find(src).unwrap();
        TermHit {
            entry: "e".into(),
            start,
            end: start + src.len(),
            text: src.into(),
            term: src.into(),
            expected: expected.map(Into::into),
            alternatives: vec![],
            forbidden: vec![],
            domain: "defence".into(),
            do_not_translate: dnt,
            no_article: false,
            plural: None,
        }
    }

    #[test]
    fn protects_and_restores_terms() {
        let src = "Le ministère des Armées cite Caliber.Az et l'OTAN.";
        let terms = [
            hit(src, "ministère des Armées", Some("Ministry of the Armed Forces"), false),
            hit(src, "Caliber.Az", None, true),
            hit(src, "OTAN", None, false),
        ];
        let (p, slots) = protect(src, &terms);
        assert_eq!(p, "Le GLOSSTERM1 cite GLOSSTERM2 et l'OTAN.");
        let back = restore("The Glossterm1 quotes GLOSSTERM2 and NATO.", &slots).unwrap();
        assert_eq!(back, "The Ministry of the Armed Forces quotes Caliber.Az and NATO.");
        assert!(
            restore("The GLOSSTERM1 quotes and NATO.", &slots).unwrap_err().contains("0 times")
        );
        assert!(
            restore("GLOSSTERM1 GLOSSTERM1 GLOSSTERM2", &slots).unwrap_err().contains("2 times")
        );
        assert!(restore("GLOSSTERM1 GLOSSTERM2 GLOSSTERM3", &slots).is_err());
        assert_eq!(protect("abc", &[]), ("abc".to_string(), Slots::default()));
    }
}
