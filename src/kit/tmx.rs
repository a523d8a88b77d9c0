//! The small TMX a kit needs: writing sentence pairs exactly as written
//! (a CAT tool matches a TMX on the text itself, so nothing is normalised),
//! and reading OmegaT's `project_save.tmx` back.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use super::Error;
use crate::xml::{self, Element, Node, escape_attr, escape_text};

/// A TMX 1.4 document of `pairs` (source, target), with `origin` as each
/// unit's `x-origin` property (`human`, `mt:apertium`).
pub(super) fn render(pairs: &[(&str, &str)], src: &str, tgt: &str, origin: &str) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n");
    let _ = writeln!(
        out,
        "  <header creationtool=\"depeche\" creationtoolversion=\"{}\" segtype=\"sentence\" \
         o-tmf=\"depeche\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\"/>",
        env!("CARGO_PKG_VERSION"),
        escape_attr(src)
    );
    out.push_str("  <body>\n");
    let mut seen: Vec<&str> = Vec::new();
    for (s, t) in pairs {
        if seen.contains(s) {
            continue;
        }
        seen.push(s);
        let _ = write!(
            out,
            "    <tu>\n      <prop type=\"x-origin\">{}</prop>\n      \
             <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>\n      \
             <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>\n    </tu>\n",
            escape_text(origin),
            escape_attr(src),
            escape_text(&xml::xml_chars(s)),
            escape_attr(tgt),
            escape_text(&xml::xml_chars(t)),
        );
    }
    out.push_str("  </body>\n</tmx>\n");
    out
}

/// The translations OmegaT saved: source text → target text, from a
/// `project_save.tmx` whose source language is `src` (OmegaT writes
/// `FR-FR` or `fr-FR`, in `lang` or `xml:lang`). Default translations are
/// kept; an alternative translation for `file` (OmegaT's `file` property)
/// wins over the default for that file.
pub(super) fn read_saved(
    path: &Path,
    src: &str,
    file: Option<&str>,
) -> Result<HashMap<String, String>, Error> {
    let fail = |reason: String| Error::ProjectSave { path: path.into(), reason };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let text = xml::decode(&bytes, encoding_rs::UTF_8).map_err(|e| fail(e.to_string()))?.text;
    let root = xml::parse(&text, &xml::Options::default()).map_err(|e| fail(e.to_string()))?;
    if root.name != "tmx" {
        return Err(fail(format!("root element is <{}>, not <tmx>", root.name)));
    }
    let src_lang = src.split('-').next().unwrap_or(src).to_ascii_lowercase();
    let mut tus = Vec::new();
    root.descendants("tu", &mut tus);
    let mut defaults = HashMap::new();
    let mut alternatives = HashMap::new();
    for tu in tus {
        let mut source = None;
        let mut target = None;
        for tuv in tu.children_named("tuv") {
            let lang = tuv.attr("xml:lang").or_else(|| tuv.attr("lang")).unwrap_or_default();
            let base = lang.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
            let seg = tuv.child("seg").map(text_of);
            if base == src_lang {
                source = seg;
            } else if target.is_none() {
                target = seg;
            }
        }
        let (Some(source), Some(target)) = (source, target) else { continue };
        let prop_file =
            tu.children_named("prop").find(|p| p.attr("type") == Some("file")).map(text_of);
        match prop_file {
            None => {
                defaults.insert(source, target);
            }
            Some(f)
                if file.is_some_and(|want| {
                    f.trim() == want || f.trim().ends_with(&format!("/{want}"))
                }) =>
            {
                alternatives.insert(source, target);
            }
            Some(_) => {}
        }
    }
    defaults.extend(alternatives);
    Ok(defaults)
}

/// The text of an element, inline codes flattened to their content.
fn text_of(el: &Element) -> String {
    let mut out = String::new();
    for node in &el.children {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => out.push_str(&text_of(e)),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
mod tests {
    use super::*;

    #[test]
    fn written_pairs_read_back_as_omegat_would_save_them() {
        let tmx = render(&[("L’OTAN a dit « oui ».", "NATO said yes.")], "fr-FR", "en-GB", "human");
        assert!(tmx.contains("<seg>L’OTAN a dit « oui ».</seg>"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("project_save.tmx");
        let omegat = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE tmx SYSTEM \"tmx11.dtd\">\n\
            <tmx version=\"1.1\"><header srclang=\"FR-FR\"/><body>\n\
            <tu><tuv lang=\"FR-FR\"><seg>Un.</seg></tuv><tuv lang=\"EN-GB\"><seg>One.</seg></tuv></tu>\n\
            <tu><prop type=\"file\">a.xlf</prop><tuv lang=\"FR-FR\"><seg>Un.</seg></tuv><tuv lang=\"EN-GB\"><seg>Uno.</seg></tuv></tu>\n\
            </body></tmx>";
        std::fs::write(&path, omegat).unwrap();
        let saved = read_saved(&path, "fr-FR", Some("b.xlf")).unwrap();
        assert_eq!(saved.get("Un.").map(String::as_str), Some("One."));
        let saved = read_saved(&path, "fr-FR", Some("a.xlf")).unwrap();
        assert_eq!(saved.get("Un.").map(String::as_str), Some("Uno."));
        std::fs::write(&path, "<tmx").unwrap();
        assert!(matches!(read_saved(&path, "fr-FR", None), Err(Error::ProjectSave { .. })));
    }
}
