//! The OmegaT kit: a ready project, and the translator's work read back.
//!
//! What OmegaT 3.6 (Debian 12's package) does, measured with
//! `--mode=console-translate`, decides the shape:
//!
//! - its XLIFF filter translates what is in `<target>` and finds no
//!   segment in a unit without one, so `source/` files carry the French
//!   source in `<target state="needs-translation">`; ids, groups and notes
//!   stay, and come back unchanged in `target/`;
//! - it never updates `state`, so read-back decides by text: see
//!   `read_back` and the README;
//! - exact matches in `tm/auto/` are inserted, those in `tm/` only shown:
//!   the memory's human translations go to `tm/auto/`, machine translation
//!   to `tm/mt-PROVIDER.tmx`, where it is a match the translator may take
//!   but is never inserted for them;
//! - glossaries are read whole, every language of a TBX shown and forbidden
//!   terms offered as ordinary ones: the kit ships OmegaT's own
//!   tab-separated format for the one target locale
//!   ([`ExportFormat::Tsv`]),
//!   as `.utf8` so that OmegaT reads it as UTF-8 on any system.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{
    Decision, Error, Fill, KitFile, Manifest, Returned, decide, put, settle, tmx, write_xliff,
};
use crate::glossary::Glossary;
use crate::glossary::export::{self, ExportFormat};
use crate::output;
use crate::xliff;

/// OmegaT's project memory, relative to the kit.
pub const PROJECT_SAVE: &str = "omegat/project_save.tmx";

/// Writes the OmegaT project of `manifest` into `dir`.
pub(super) fn write(
    dir: &Path,
    manifest: &Manifest,
    glossary: &Glossary,
) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for sub in ["source", "target", "tm/auto", "glossary", "omegat", "dictionary"] {
        output::subfolder(dir, Path::new(sub))?;
    }
    put(dir, "omegat.project", project(manifest).as_bytes(), &mut written)?;
    for file in &manifest.files {
        let xml = write_xliff(file, manifest, Fill::Source);
        put(dir, &format!("source/{}", file.name), xml.as_bytes(), &mut written)?;
    }
    let (src, tgt) = (&manifest.source_lang, &manifest.target_lang);
    let all = || manifest.files.iter().flat_map(|f| &f.sentences);
    let human: Vec<(&str, &str)> =
        all().filter_map(|s| Some((s.source.as_str(), s.human.as_deref()?))).collect();
    if !human.is_empty() {
        let tmx = tmx::render(&human, src, tgt, "human");
        put(dir, "tm/auto/depeche-memory.tmx", tmx.as_bytes(), &mut written)?;
    }
    // Near matches sit in tm/: OmegaT shows them with their similarity and
    // never inserts them.
    if !manifest.near.is_empty() {
        let near: Vec<(&str, &str)> =
            manifest.near.iter().map(|n| (n.source.as_str(), n.target.as_str())).collect();
        let tmx = tmx::render(&near, src, tgt, "human");
        put(dir, "tm/depeche-near.tmx", tmx.as_bytes(), &mut written)?;
    }
    let mut mt: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for s in all() {
        if let Some(t) = &s.mt {
            let provider = crate::xliff::nmtoken(s.provider.as_deref().unwrap_or("machine"));
            mt.entry(provider).or_default().push((&s.source, t));
        }
    }
    for (provider, pairs) in &mt {
        let tmx = tmx::render(pairs, src, tgt, &format!("mt:{provider}"));
        put(dir, &format!("tm/mt-{provider}.tmx"), tmx.as_bytes(), &mut written)?;
    }
    let terms = export::export(glossary, tgt, ExportFormat::Tsv);
    if !terms.is_empty() {
        let name = format!("glossary/depeche-{}.utf8", crate::xliff::nmtoken(tgt));
        put(dir, &name, terms.as_bytes(), &mut written)?;
    }
    put(dir, "README.txt", readme(manifest, !mt.is_empty()).as_bytes(), &mut written)?;
    Ok(written)
}

/// `omegat.project`: default folders, the locales, one segment per
/// sentence (depeche already split them; OmegaT's own rules would split
/// some again and break the ids' one-to-one mapping).
fn project(manifest: &Manifest) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <source_dir_excludes>
            <mask>**/.svn/**</mask>
            <mask>**/.git/**</mask>
        </source_dir_excludes>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>{}</source_lang>
        <target_lang>{}</target_lang>
        <source_tok>{}</source_tok>
        <target_tok>{}</target_tok>
        <sentence_seg>false</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"#,
        crate::xml::escape_text(&manifest.source_lang),
        crate::xml::escape_text(&manifest.target_lang),
        tokenizer(&manifest.source_lang),
        tokenizer(&manifest.target_lang),
    )
}

/// OmegaT's tokenizer class for a language (used for matches and the
/// glossary); OmegaT's default one for languages without their own.
fn tokenizer(locale: &str) -> &'static str {
    let lang = locale.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    match lang.as_str() {
        "fr" => "org.omegat.tokenizer.LuceneFrenchTokenizer",
        "en" => "org.omegat.tokenizer.LuceneEnglishTokenizer",
        "de" => "org.omegat.tokenizer.LuceneGermanTokenizer",
        "es" => "org.omegat.tokenizer.LuceneSpanishTokenizer",
        "it" => "org.omegat.tokenizer.LuceneItalianTokenizer",
        "pt" => "org.omegat.tokenizer.LucenePortugueseTokenizer",
        "nl" => "org.omegat.tokenizer.LuceneDutchTokenizer",
        "ru" => "org.omegat.tokenizer.LuceneRussianTokenizer",
        "ar" => "org.omegat.tokenizer.LuceneArabicTokenizer",
        _ => "org.omegat.tokenizer.DefaultTokenizer",
    }
}

/// The kit's README: what the translator does, step by step.
fn readme(manifest: &Manifest, has_mt: bool) -> String {
    let mut text = format!(
        "depeche translation kit for OmegaT: {} → {}\n\
         =====================================\n\n\
         {} file(s), {} sentence(s); {} already translated by a human in the memory.\n\n\
         1. In OmegaT (3.6 or later): Project > Open, and choose this folder.\n\
         \x20  Each segment shows the French sentence. The memory's human\n\
         \x20  translations (tm/auto/) are inserted for you; check them.\n\
         2. Translate each segment. The Fuzzy Matches pane shows earlier\n\
         \x20  translations",
        manifest.source_lang,
        manifest.target_lang,
        manifest.files.len(),
        manifest.sentence_count(),
        manifest.human_count(),
    );
    if has_mt {
        text.push_str(
            " and the machine translation (tm/mt-*.tmx). Machine\n\
             \x20  translation is never inserted for you; a segment you leave as the\n\
             \x20  machine translation is not stored as your work",
        );
    }
    text.push_str(
        ".\n\
         3. The Glossary pane shows the house terms for this locale\n\
         \x20  (glossary/depeche-*.utf8); the comment says which renderings\n\
         \x20  the house style rejects (\"not: ...\"). Do not use those.\n\
         4. Project > Save, then Project > Create Translated Documents.\n\
         5. Send the whole folder back (zip it): omegat/project_save.tmx holds\n\
         \x20  your confirmed translations, target/ the translated files.\n\n\
         Keep the segment ids and notes as they are; do not rename the files.\n\
         The editor runs `depeche merge THIS_FOLDER`, which rebuilds the articles\n\
         and teaches the memory your translations.\n",
    );
    text
}

/// Reads the OmegaT kit at `dir` back, file by file.
///
/// The rule (OmegaT 3.6 never updates `state`, so it goes by text):
///
/// 1. the translation of a sentence is OmegaT's `project_save.tmx` entry
///    for its French source, else the `<target>` of `target/NAME` (the file
///    OmegaT creates with Project > Create Translated Documents);
/// 2. it is skipped when it is empty, when it is still the French source
///    (what OmegaT writes for an untranslated segment; an identical
///    translation counts only when OmegaT saved it in `project_save.tmx`),
///    or when it is the machine translation the kit offered, unchanged;
/// 3. anything else is the translator's work (or the memory's own human
///    translation, which the kit inserted from `tm/auto/`) and is taken.
pub(super) fn read_back(dir: &Path, manifest: &Manifest) -> Result<Vec<Returned>, Error> {
    let save_path = dir.join(PROJECT_SAVE);
    let mut out = Vec::new();
    for file in &manifest.files {
        let saved = if save_path.is_file() {
            tmx::read_saved(&save_path, &manifest.source_lang, Some(&file.name))?
        } else {
            HashMap::new()
        };
        let target = dir.join("target").join(&file.name);
        let source = dir.join("source").join(&file.name);
        let (path, from_target) = if target.is_file() {
            (target, true)
        } else if source.is_file() {
            (source, false)
        } else {
            return Err(Error::NotAKit {
                path: dir.to_path_buf(),
                reason: format!(
                    "neither target/{0} nor source/{0} is there; return the whole kit folder",
                    file.name
                ),
            });
        };
        let mut doc = xliff::read_file(&path)?;
        let decisions = settle_file(&mut doc, file, &saved, from_target);
        out.push(Returned { path, doc, decisions });
    }
    Ok(out)
}

/// Applies the rule of [`read_back`] to every unit of `doc`.
fn settle_file(
    doc: &mut xliff::Document,
    file: &KitFile,
    saved: &HashMap<String, String>,
    from_target: bool,
) -> Vec<Decision> {
    let by_id: HashMap<&str, &super::Sentence> =
        file.sentences.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut decisions = Vec::new();
    for unit in doc.files.iter_mut().flat_map(|f| &mut f.units) {
        let sentence = by_id.get(unit.id.as_str()).copied();
        let source = sentence.map_or(unit.source.as_str(), |s| s.source.as_str()).to_string();
        let in_save = saved.get(&source).or_else(|| {
            let key = crate::tm::normalize(&source);
            saved.iter().find(|(k, _)| crate::tm::normalize(k) == key).map(|(_, v)| v)
        });
        let (text, reason) = match in_save {
            Some(t) => (Some(t.clone()), decide(sentence, Some(t), true)),
            None => {
                let t = if from_target { unit.target.clone() } else { None };
                let r = decide(sentence, t.as_deref(), false);
                (t, r)
            }
        };
        settle(unit, text, reason);
        decisions.push(Decision { id: unit.id.clone(), reason });
    }
    decisions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizers_follow_the_language() {
        assert_eq!(tokenizer("en-GB"), "org.omegat.tokenizer.LuceneEnglishTokenizer");
        assert_eq!(tokenizer("fr-FR"), "org.omegat.tokenizer.LuceneFrenchTokenizer");
        assert_eq!(tokenizer("sw"), "org.omegat.tokenizer.DefaultTokenizer");
    }
}
