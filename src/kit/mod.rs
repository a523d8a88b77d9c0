//! Translation kits: depeche's XLIFF out to a translator's CAT tool, and the
//! translator's work back in.
//!
//! Input: XLIFF files as `depeche translate` wrote them (1.2 or 2.x, with
//! or without machine translation), the human translations the memory
//! holds for their sentences, and the glossary. Output: a folder a
//! translator opens as it is ([`write()`]):
//!
//! - [`KitFormat::Omegat`]: an OmegaT project (`omegat.project`,
//!   `source/`, `tm/`, `tm/auto/`, `glossary/`, `README.txt`) that OmegaT
//!   3.6 and later translate correctly; see [`omegat`].
//! - [`KitFormat::Xliff`]: a tool-neutral kit for Trados, memoQ and Phrase:
//!   XLIFF 1.2 with `<alt-trans>` candidates, a TMX and a TBX; see [`plain`].
//!
//! Both hold `depeche-kit.json`, the manifest [`read_back`] needs to take
//! the kit back: which file holds which sentences, and which machine
//! translation and memory match the kit offered for each, so that a merge
//! never mistakes machine translation for a translator's work.
//!
//! Guarantees: a kit holds only the memory's human translations of its own
//! sentences, never the whole memory nor a machine translation in a place
//! a CAT tool inserts from; file names come from the input file names,
//! checked by [`output::safe_path`]; a folder
//! that already holds a translator's work is never overwritten.

pub mod omegat;
pub mod plain;
mod tmx;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::glossary::Glossary;
use crate::merge::Confirmation;
use crate::output;
use crate::xliff::{self, Document, Note};

/// The manifest file at the root of every kit.
pub const MANIFEST: &str = "depeche-kit.json";

/// The manifest's format version.
const MANIFEST_VERSION: u32 = 1;

/// Why a kit could not be made or read back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input could not be read as XLIFF.
    #[error(transparent)]
    Read(#[from] xliff::Error),
    /// An input holds no sentence.
    #[error("{}: the XLIFF file holds no translatable unit; nothing to put in a kit", path.display())]
    Empty {
        /// The input.
        path: PathBuf,
    },
    /// An input has no target language.
    #[error("{}: the file has no target language (translate it with depeche translate --to LOCALE first)", path.display())]
    NoTargetLanguage {
        /// The input.
        path: PathBuf,
    },
    /// The inputs are for different language pairs.
    #[error(
        "{}: {found} differs from {expected} of the other files; make one kit per target language",
        path.display()
    )]
    MixedLanguages {
        /// The input.
        path: PathBuf,
        /// Its language pair.
        found: String,
        /// The pair of the first input.
        expected: String,
    },
    /// Two inputs share a file name.
    #[error("{}: a kit file of the same name comes from {}; rename one of them", path.display(), other.display())]
    SameName {
        /// The input.
        path: PathBuf,
        /// The input that already took the name.
        other: PathBuf,
    },
    /// The kit folder holds something depeche would overwrite.
    #[error("{}: {reason}; choose another --out folder", path.display())]
    Occupied {
        /// The kit folder.
        path: PathBuf,
        /// What is there.
        reason: String,
    },
    /// A kit file could not be written.
    #[error(transparent)]
    Write(#[from] output::Error),
    /// A folder could not be made or read.
    #[error("{}: {what}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The folder is not a kit, or its manifest is damaged.
    #[error("{}: {reason}", path.display())]
    NotAKit {
        /// The manifest or folder.
        path: PathBuf,
        /// What is wrong, and what to do.
        reason: String,
    },
    /// OmegaT's `project_save.tmx` could not be read.
    #[error("{}: cannot read OmegaT's project memory ({reason}); open the project in OmegaT and save it again", path.display())]
    ProjectSave {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// The kind of kit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KitFormat {
    /// A ready OmegaT project.
    #[default]
    Omegat,
    /// XLIFF 1.2 with `<alt-trans>`, TMX and TBX, for any CAT tool.
    Xliff,
}

impl std::str::FromStr for KitFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "omegat" => Ok(KitFormat::Omegat),
            "xliff" | "xlf" => Ok(KitFormat::Xliff),
            other => Err(format!("unknown kit format {other:?} (use omegat or xliff)")),
        }
    }
}

/// One sentence of a kit: what the translator translates, with what the
/// kit offers beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Sentence {
    /// Its id in the input (`p2.s1`), kept in the kit files.
    pub id: String,
    /// The paragraph (group) it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The paragraph's role (`x-title`, `x-paragraph`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The French sentence, exactly as written.
    pub source: String,
    /// The machine translation the input held (offered as a match, never
    /// inserted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mt: Option<String>,
    /// The provider of that machine translation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// A human translation: a confirmed target of the input, or the
    /// memory's human entry for the sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human: Option<String>,
    /// The unit's notes (glossary, QA), for the kit files only.
    #[serde(skip)]
    pub notes: Vec<Note>,
}

/// One file of a kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KitFile {
    /// The XLIFF file it was made from.
    pub input: PathBuf,
    /// Its file name in the kit (`source/NAME` in an OmegaT kit).
    pub name: String,
    /// `original` of the input's `<file>`.
    pub original: String,
    /// The header notes of the input (`id: …`, `published: …`), as
    /// `from`, text.
    pub header: Vec<(Option<String>, String)>,
    /// The sentences, in order.
    pub sentences: Vec<Sentence>,
}

/// What a kit holds and where it came from: `depeche-kit.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Manifest {
    /// Manifest version.
    pub version: u32,
    /// The kind of kit.
    pub format: KitFormat,
    /// Source locale (`fr-FR`).
    pub source_lang: String,
    /// Target locale (`en-GB`).
    pub target_lang: String,
    /// The files.
    pub files: Vec<KitFile>,
    /// The memory's human translations of sentences close to the kit's
    /// (fuzzy matches): offered to the translator, never inserted.
    #[serde(default)]
    pub near: Vec<NearMatch>,
}

/// A human translation of a stored sentence close to one of the kit's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NearMatch {
    /// The stored sentence, as written.
    pub source: String,
    /// Its human translation.
    pub target: String,
    /// Similarity to the kit's sentence, in percent.
    pub quality: u8,
}

impl Manifest {
    /// Reads the XLIFF files at `inputs` into a manifest (no memory matches
    /// yet: see [`Manifest::add_memory`]).
    pub fn from_inputs(inputs: &[PathBuf], format: KitFormat) -> Result<Self, Error> {
        let mut files: Vec<KitFile> = Vec::new();
        let mut pair: Option<(String, String)> = None;
        let mut names: HashMap<String, PathBuf> = HashMap::new();
        for path in inputs {
            let doc = xliff::read_file(path)?;
            for (i, file) in doc.files.iter().enumerate() {
                let tgt = file
                    .target_lang
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| Error::NoTargetLanguage { path: path.clone() })?;
                let this = (file.source_lang.clone(), tgt);
                match &pair {
                    None => pair = Some(this.clone()),
                    Some(p)
                        if !p.0.eq_ignore_ascii_case(&this.0)
                            || !p.1.eq_ignore_ascii_case(&this.1) =>
                    {
                        return Err(Error::MixedLanguages {
                            path: path.clone(),
                            found: format!("{} → {}", this.0, this.1),
                            expected: format!("{} → {}", p.0, p.1),
                        });
                    }
                    Some(_) => {}
                }
                let sentences = sentences(file);
                if sentences.is_empty() {
                    continue;
                }
                let name = kit_name(path, i, doc.files.len());
                output::safe_path(Path::new("."), &name)?;
                if let Some(other) = names.insert(name.to_ascii_lowercase(), path.clone()) {
                    return Err(Error::SameName { path: path.clone(), other });
                }
                files.push(KitFile {
                    input: path.clone(),
                    name,
                    original: file.original.clone(),
                    header: file.notes.iter().map(|n| (n.from.clone(), n.text.clone())).collect(),
                    sentences,
                });
            }
            if !files.iter().any(|f| &f.input == path) {
                return Err(Error::Empty { path: path.clone() });
            }
        }
        let (source_lang, target_lang) = pair.unwrap_or_default();
        Ok(Self {
            version: MANIFEST_VERSION,
            format,
            source_lang,
            target_lang,
            files,
            near: Vec::new(),
        })
    }

    /// Every sentence still without a human translation: the ones to look
    /// up in the memory.
    pub fn open_sentences(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.files.iter().flat_map(|f| &f.sentences) {
            if s.human.is_none() && !out.contains(&s.source.as_str()) {
                out.push(&s.source);
            }
        }
        out
    }

    /// Records the memory's human translations (source → target) of the
    /// kit's sentences; returns how many sentences got one.
    pub fn add_memory(&mut self, found: &HashMap<String, String>) -> usize {
        let mut n = 0;
        for s in self.files.iter_mut().flat_map(|f| &mut f.sentences) {
            if s.human.is_none()
                && let Some(t) = found.get(&s.source)
            {
                s.human = Some(t.clone());
                n += 1;
            }
        }
        n
    }

    /// Sentences in the kit.
    pub fn sentence_count(&self) -> usize {
        self.files.iter().map(|f| f.sentences.len()).sum()
    }

    /// Sentences with a human translation.
    pub fn human_count(&self) -> usize {
        self.files.iter().flat_map(|f| &f.sentences).filter(|s| s.human.is_some()).count()
    }

    /// Sentences with a machine translation.
    pub fn mt_count(&self) -> usize {
        self.files.iter().flat_map(|f| &f.sentences).filter(|s| s.mt.is_some()).count()
    }

    fn to_json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }

    /// Reads the manifest of the kit at `dir`.
    pub fn read(dir: &Path) -> Result<Self, Error> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::NotAKit {
            path: dir.to_path_buf(),
            reason: format!("no readable {MANIFEST} ({e}); give a folder made by depeche kit"),
        })?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| Error::NotAKit {
            path: path.clone(),
            reason: format!("damaged kit manifest ({e}); make the kit again with depeche kit"),
        })?;
        if manifest.version > MANIFEST_VERSION {
            return Err(Error::NotAKit {
                path,
                reason: format!(
                    "kit manifest version {} is newer than this depeche reads; upgrade depeche",
                    manifest.version
                ),
            });
        }
        Ok(manifest)
    }
}

/// The sentences of one `<file>`: 2.x segments and 1.2 `<seg-source>`
/// marks each become one, with their targets sorted into machine and human
/// translations by the merge rule ([`Confirmation::of`]).
fn sentences(file: &xliff::File) -> Vec<Sentence> {
    let mut out = Vec::new();
    // The provider: the 1.2 phase's tool, or the `mt-NAME` of a 1.2 phase
    // name or a 2.x subState (`depeche:mt-deepl`).
    let provider = |unit: &xliff::Unit, sub_state: Option<&str>| -> Option<String> {
        let mt_name =
            |v: &str| v.rsplit(':').next().and_then(|v| v.strip_prefix("mt-")).map(str::to_string);
        if let Some(phase) = unit.phase.as_deref() {
            let declared =
                file.phases.iter().find(|p| p.name == phase).and_then(|p| p.tool_id.clone());
            return declared.or_else(|| mt_name(phase));
        }
        sub_state.and_then(mt_name)
    };
    for unit in &file.units {
        let two = unit.segments.iter().any(|s| s.state.is_some());
        let marks = unit.segments.len() > 1;
        let mut push = |id: String,
                        group: Option<String>,
                        source: &str,
                        target: Option<&str>,
                        sub_state: Option<&str>,
                        c: Confirmation| {
            if source.trim().is_empty() {
                return;
            }
            let target = target.filter(|t| !t.trim().is_empty() && t.trim() != source.trim());
            let (mt, human) = match (target, c) {
                (Some(t), Confirmation::Confirmed) => (None, Some(t.to_string())),
                (Some(t), _) => (Some(t.to_string()), None),
                (None, _) => (None, None),
            };
            let notes = notes_of(unit, &id);
            out.push(Sentence {
                id,
                group,
                kind: unit.kind.clone(),
                source: source.to_string(),
                provider: mt.as_ref().and_then(|_| provider(unit, sub_state)),
                mt,
                human,
                notes,
            });
        };
        if two || marks {
            for (i, s) in unit.segments.iter().enumerate() {
                let id =
                    if s.id.is_empty() { format!("{}-{}", unit.id, i + 1) } else { s.id.clone() };
                // A 1.2 mark id is only unique within its unit.
                let id = if two { id } else { format!("{}-{}", unit.id, id) };
                let c = if two {
                    Confirmation::of(
                        s.target.as_deref(),
                        s.state.as_deref(),
                        s.sub_state.as_deref(),
                        false,
                    )
                } else {
                    Confirmation::of(
                        unit.target.as_deref(),
                        unit.state.as_deref(),
                        unit.state_qualifier.as_deref(),
                        unit.approved,
                    )
                };
                let group = if two {
                    Some(unit.id.clone())
                } else {
                    unit.group.clone().or(Some(unit.id.clone()))
                };
                let sub_state = if two { s.sub_state.as_deref() } else { None };
                push(id, group, &s.source, s.target.as_deref(), sub_state, c);
            }
        } else {
            let c = Confirmation::of(
                unit.target.as_deref(),
                unit.state.as_deref(),
                unit.state_qualifier.as_deref(),
                unit.approved,
            );
            let (id, group) = (unit.id.clone(), unit.group.clone());
            push(id, group, &unit.source, unit.target.as_deref(), None, c);
        }
    }
    out
}

/// The notes of `unit` that concern sentence `id`: in a 2.x unit (a
/// paragraph) depeche writes each sentence's notes as `p2.s1: …`, so a note
/// naming another segment of the unit is left to that one.
fn notes_of(unit: &xliff::Unit, id: &str) -> Vec<Note> {
    let others: Vec<&str> =
        unit.segments.iter().map(|s| s.id.as_str()).filter(|s| !s.is_empty() && *s != id).collect();
    unit.notes
        .iter()
        .filter(|n| {
            let named = n.text.split_once(": ").map(|(head, _)| head);
            !named.is_some_and(|h| others.contains(&h))
        })
        .cloned()
        .collect()
}

/// The kit file name of `<file>` number `index` of `path`: the input's
/// name, made safe, with `.xlf`.
fn kit_name(path: &Path, index: usize, files: usize) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.strip_suffix(".xlf").or_else(|| name.strip_suffix(".xliff")).unwrap_or(&name);
    let mut safe: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' })
        .collect();
    safe = safe.trim_start_matches(['.', '-']).to_string();
    if safe.is_empty() {
        safe = "article".into();
    }
    if files > 1 {
        safe = format!("{safe}-{}", index + 1);
    }
    format!("{safe}.xlf")
}

/// What [`write()`] made.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Written {
    /// Files written, relative to the kit folder.
    pub files: Vec<PathBuf>,
}

/// Writes the kit for `manifest` into `dir`, with `glossary` for the
/// manifest's target locale.
pub fn write(dir: &Path, manifest: &Manifest, glossary: &Glossary) -> Result<Written, Error> {
    check_free(dir)?;
    let files = match manifest.format {
        KitFormat::Omegat => omegat::write(dir, manifest, glossary)?,
        KitFormat::Xliff => plain::write(dir, manifest, glossary)?,
    };
    let mut written = files;
    put(dir, MANIFEST, manifest.to_json().as_bytes(), &mut written)?;
    output::sync_dir(dir)?;
    Ok(Written { files: written })
}

/// Refuses a folder that holds anything but an earlier, untouched kit.
fn check_free(dir: &Path) -> Result<(), Error> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Occupied { path: dir.into(), reason: "it is a file".into() });
    }
    let empty = std::fs::read_dir(dir)
        .map_err(|source| Error::Io {
            path: dir.into(),
            what: "cannot list the kit folder",
            source,
        })?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    if !dir.join(MANIFEST).exists() {
        return Err(Error::Occupied {
            path: dir.into(),
            reason: "the folder is not empty and is not a depeche kit".into(),
        });
    }
    let work = dir.join("omegat").join("project_save.tmx");
    let target_files = std::fs::read_dir(dir.join("target")).is_ok_and(|mut d| d.next().is_some());
    if work.exists() || target_files {
        return Err(Error::Occupied {
            path: dir.into(),
            reason: "the kit holds a translator's work (omegat/project_save.tmx or target/); \
                     merge it with depeche merge first"
                .into(),
        });
    }
    Ok(())
}

/// Writes `bytes` to `dir/rel` atomically and records `rel`.
fn put(dir: &Path, rel: &str, bytes: &[u8], written: &mut Vec<PathBuf>) -> Result<(), Error> {
    let path = dir.join(rel);
    // The kit's own folders are made without following a link planted in
    // an earlier kit. See: #15
    if let Some(sub) = Path::new(rel).parent() {
        output::subfolder(dir, sub)?;
    }
    output::write_atomic(&path, bytes)?;
    written.push(PathBuf::from(rel));
    Ok(())
}

/// How [`write_xliff`] fills each target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fill {
    /// The French source, state `needs-translation`: OmegaT 3.6's XLIFF
    /// filter translates what is in `<target>`, and finds no segment in a
    /// unit without one.
    Source,
    /// The human translation where there is one (`translated`,
    /// `exact-match`), else no target; machine translation and memory
    /// matches as `<alt-trans>`.
    Candidates,
}

/// An XLIFF 1.2 document of one kit file: the input's ids, groups,
/// paragraph roles, header and unit notes.
fn write_xliff(file: &KitFile, manifest: &Manifest, fill: Fill) -> String {
    use crate::xml::{escape_attr as a, escape_text as t, xml_chars};
    use std::fmt::Write as _;
    let x = |s: &str| t(&xml_chars(s)).into_owned();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n",
    );
    let original = if file.original.is_empty() { file.name.as_str() } else { &file.original };
    let _ = writeln!(
        out,
        "  <file original=\"{}\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\">",
        a(original),
        a(&manifest.source_lang),
        a(&manifest.target_lang)
    );
    out.push_str("    <header>\n");
    for (from, text) in &file.header {
        match from {
            Some(f) => {
                let _ = writeln!(out, "      <note from=\"{}\">{}</note>", a(f), x(text));
            }
            None => {
                let _ = writeln!(out, "      <note>{}</note>", x(text));
            }
        }
    }
    out.push_str("    </header>\n    <body>\n");
    let mut open: Option<&str> = None;
    // A group id that is also a sentence id would make two elements share
    // an id; such a sentence is written outside any group.
    let ids: Vec<&str> = file.sentences.iter().map(|s| s.id.as_str()).collect();
    for s in &file.sentences {
        let group = s.group.as_deref().filter(|g| !ids.contains(g));
        if open.is_some() && open != group {
            out.push_str("      </group>\n");
            open = None;
        }
        if open.is_none()
            && let Some(g) = group
        {
            let restype = s.kind.as_deref().map(|k| {
                let v = k.rsplit(':').next().unwrap_or(k);
                if v.starts_with("x-") { v.to_string() } else { format!("x-{v}") }
            });
            match restype {
                Some(r) => {
                    let _ = writeln!(out, "      <group id=\"{}\" restype=\"{}\">", a(g), a(&r));
                }
                None => {
                    let _ = writeln!(out, "      <group id=\"{}\">", a(g));
                }
            }
            open = Some(g);
        }
        let pad = if open.is_some() { "        " } else { "      " };
        let space =
            if crate::xliff::needs_preserve(&s.source) { " xml:space=\"preserve\"" } else { "" };
        let _ = writeln!(out, "{pad}<trans-unit id=\"{}\"{space}>", a(&s.id));
        let _ = writeln!(out, "{pad}  <source>{}</source>", x(&s.source));
        match (fill, &s.human) {
            (Fill::Source, _) => {
                let _ = writeln!(
                    out,
                    "{pad}  <target state=\"needs-translation\">{}</target>",
                    x(&s.source)
                );
            }
            (Fill::Candidates, Some(h)) => {
                let _ = writeln!(
                    out,
                    "{pad}  <target state=\"translated\" state-qualifier=\"exact-match\">{}</target>",
                    x(h)
                );
            }
            (Fill::Candidates, None) => {}
        }
        for n in &s.notes {
            let mut attrs = String::new();
            if let Some(f) = &n.from {
                let _ = write!(attrs, " from=\"{}\"", a(f));
            }
            if let Some(an) =
                n.annotates.as_deref().filter(|v| matches!(*v, "source" | "target" | "general"))
            {
                let _ = write!(attrs, " annotates=\"{an}\"");
            }
            if let Some(p) = n.priority.filter(|p| (1..=10).contains(p)) {
                let _ = write!(attrs, " priority=\"{p}\"");
            }
            let _ = writeln!(out, "{pad}  <note{attrs}>{}</note>", x(&n.text));
        }
        if fill == Fill::Candidates {
            if let Some(h) = &s.human {
                let _ = writeln!(
                    out,
                    "{pad}  <alt-trans match-quality=\"100\" origin=\"depeche-memory\">\n{pad}    <source>{}</source>\n{pad}    <target>{}</target>\n{pad}  </alt-trans>",
                    x(&s.source),
                    x(h)
                );
            }
            if let Some(mt) = &s.mt {
                let origin = s.provider.as_deref().unwrap_or("machine-translation");
                let _ = writeln!(
                    out,
                    "{pad}  <alt-trans origin=\"{}\" alttranstype=\"proposal\">\n{pad}    <source>{}</source>\n{pad}    <target state-qualifier=\"mt-suggestion\">{}</target>\n{pad}  </alt-trans>",
                    a(&crate::xliff::nmtoken(origin)),
                    x(&s.source),
                    x(mt)
                );
            }
        }
        let _ = writeln!(out, "{pad}</trans-unit>");
    }
    if open.is_some() {
        out.push_str("      </group>\n");
    }
    out.push_str("    </body>\n  </file>\n</xliff>\n");
    out
}

/// Why a returned sentence was taken into the memory or left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Reason {
    /// Taken: OmegaT's `project_save.tmx` holds the translator's
    /// translation of the sentence.
    ProjectSave,
    /// Taken: the returned file holds a target that differs from the
    /// source and from the machine translation the kit offered.
    Edited,
    /// Taken: the target is the memory's own human translation, which the
    /// kit offered for insertion (`tm/auto/`).
    MemoryMatch,
    /// Taken: the returned XLIFF marks the target as confirmed (state
    /// `translated`, `final`, `signed-off` or `approved="yes"`).
    ConfirmedState,
    /// Skipped: the target is the machine translation the kit offered,
    /// unchanged; machine output is never stored as human work.
    SameAsMt,
    /// Skipped: no target, or still the French source OmegaT pre-fills.
    Untranslated,
    /// Skipped: the returned XLIFF does not mark the target as confirmed.
    Unconfirmed,
}

impl Reason {
    /// True when the sentence is taken as human work.
    pub fn taken(self) -> bool {
        matches!(
            self,
            Reason::ProjectSave | Reason::Edited | Reason::MemoryMatch | Reason::ConfirmedState
        )
    }

    /// What the reason means, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::ProjectSave => "confirmed in OmegaT (project_save.tmx)",
            Reason::Edited => "translated in the returned file",
            Reason::MemoryMatch => "the memory's human translation",
            Reason::ConfirmedState => "marked translated or approved",
            Reason::SameAsMt => "same as the machine translation offered",
            Reason::Untranslated => "not translated",
            Reason::Unconfirmed => "not confirmed in the returned file",
        }
    }
}

/// One sentence of a returned file and what merge made of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Decision {
    /// The sentence id.
    pub id: String,
    /// Why it was taken or skipped.
    pub reason: Reason,
}

/// One returned kit file, ready for [`merge::merge_document`](crate::merge::merge_document).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Returned {
    /// The file the translator's work came from (OmegaT's `target/NAME`,
    /// or the kit's XLIFF).
    pub path: PathBuf,
    /// The document, with each target's state set by the kit rule, so the
    /// merge's own rule stores exactly the sentences taken.
    pub doc: Document,
    /// What was taken and skipped, sentence by sentence.
    pub decisions: Vec<Decision>,
}

/// True when `dir` is a kit folder (it holds [`MANIFEST`]).
pub fn is_kit(dir: &Path) -> bool {
    dir.is_dir() && dir.join(MANIFEST).is_file()
}

/// Reads back the kit at `dir` as the translator returned it.
pub fn read_back(dir: &Path) -> Result<Vec<Returned>, Error> {
    let manifest = Manifest::read(dir)?;
    match manifest.format {
        KitFormat::Omegat => omegat::read_back(dir, &manifest),
        KitFormat::Xliff => plain::read_back(dir, &manifest),
    }
}

/// Equal for the purpose of the merge rule: the same text once whitespace
/// and apostrophes are normalised as the memory matches them.
fn same(a: &str, b: &str) -> bool {
    crate::tm::normalize(a) == crate::tm::normalize(b)
}

/// Sets `unit`'s target and state so that [`Confirmation::of`] gives what
/// `reason` says.
fn settle(unit: &mut xliff::Unit, target: Option<String>, reason: Reason) {
    unit.approved = false;
    unit.segments.clear();
    match reason {
        r if r.taken() => {
            unit.target = target;
            unit.state = Some("translated".into());
            unit.state_qualifier = None;
        }
        Reason::Untranslated => {
            unit.target = None;
            unit.state = Some("needs-translation".into());
            unit.state_qualifier = None;
        }
        _ => {
            unit.target = target;
            unit.state = Some("needs-review-translation".into());
            unit.state_qualifier = Some("leveraged-mt".into());
        }
    }
}

/// The decision for one sentence whose returned target is `target`
/// (`saved` when it comes from OmegaT's project memory).
fn decide(sentence: Option<&Sentence>, target: Option<&str>, saved: bool) -> Reason {
    let Some(t) = target.filter(|t| !t.trim().is_empty()) else {
        return Reason::Untranslated;
    };
    let Some(s) = sentence else {
        return if saved { Reason::ProjectSave } else { Reason::Unconfirmed };
    };
    if s.mt.as_deref().is_some_and(|mt| same(mt, t)) {
        return Reason::SameAsMt;
    }
    if s.human.as_deref().is_some_and(|h| same(h, t)) {
        return Reason::MemoryMatch;
    }
    if saved {
        return Reason::ProjectSave;
    }
    if same(&s.source, t) { Reason::Untranslated } else { Reason::Edited }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(mt: Option<&str>, human: Option<&str>) -> Sentence {
        Sentence {
            id: "p1.s1".into(),
            group: None,
            kind: None,
            source: "Le ministre l’a dit.".into(),
            mt: mt.map(Into::into),
            provider: None,
            human: human.map(Into::into),
            notes: vec![],
        }
    }

    #[test]
    fn the_rule_never_takes_mt_or_the_prefilled_source() {
        let s = sentence(Some("The minister said it."), Some("The minister said so."));
        assert_eq!(decide(Some(&s), None, false), Reason::Untranslated);
        assert_eq!(decide(Some(&s), Some("Le ministre l'a  dit."), false), Reason::Untranslated);
        assert_eq!(decide(Some(&s), Some("The minister said it."), false), Reason::SameAsMt);
        assert_eq!(decide(Some(&s), Some("The minister said it."), true), Reason::SameAsMt);
        assert_eq!(decide(Some(&s), Some("The minister said so."), false), Reason::MemoryMatch);
        assert_eq!(decide(Some(&s), Some("The Minister said it."), false), Reason::Edited);
        assert_eq!(decide(Some(&s), Some("The Minister said it."), true), Reason::ProjectSave);
        // A translation identical to the source counts only when OmegaT saved it.
        assert_eq!(decide(Some(&s), Some("Le ministre l’a dit."), true), Reason::ProjectSave);
        assert!(!Reason::SameAsMt.taken() && Reason::Edited.taken());
    }

    #[test]
    fn kit_names_are_safe() {
        assert_eq!(kit_name(Path::new("a/b c.en-GB.xlf"), 0, 1), "b-c.en-GB.xlf");
        assert_eq!(kit_name(Path::new("../.x.xliff"), 1, 2), "x-2.xlf");
    }

    const XLF21: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="fr-FR" trgLang="en-GB">
<file id="f1" original="a.txt"><notes><note category="depeche">id: a-1</note></notes>
<unit id="p1" type="depeche:paragraph">
<notes><note category="glossary" appliesTo="source">p1.s1: OTAN → NATO</note><note category="glossary" appliesTo="source">p1.s2: Paris → Paris</note></notes>
<segment id="p1.s1" state="translated" subState="depeche:mt-deepl"><source>L’OTAN parle.</source><target>NATO talks.</target></segment>
<ignorable><source> </source></ignorable>
<segment id="p1.s2" state="reviewed" subState="depeche:tm"><source>Paris répond.</source><target>Paris answers.</target></segment>
</unit></file></xliff>"#;

    #[test]
    #[allow(clippy::disallowed_methods, reason = "tests write their own input files")]
    fn a_2x_paragraph_becomes_one_sentence_per_segment_with_its_own_notes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.en-GB.xlf");
        std::fs::write(&path, XLF21).unwrap();
        let m = Manifest::from_inputs(&[path], KitFormat::Omegat).unwrap();
        let s = &m.files[0].sentences;
        assert_eq!((m.source_lang.as_str(), m.target_lang.as_str()), ("fr-FR", "en-GB"));
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].id.as_str(), s[0].group.as_deref()), ("p1.s1", Some("p1")));
        assert_eq!(s[0].mt.as_deref(), Some("NATO talks."));
        assert_eq!(s[0].provider.as_deref(), Some("deepl"));
        assert_eq!(s[1].human.as_deref(), Some("Paris answers."));
        assert_eq!(s[0].notes.len(), 1);
        assert!(s[1].notes[0].text.starts_with("p1.s2:"));
        let xml = write_xliff(&m.files[0], &m, Fill::Source);
        assert!(xml.contains("<group id=\"p1\" restype=\"x-paragraph\">"), "{xml}");
        assert!(xml.contains("<target state=\"needs-translation\">L’OTAN parle.</target>"));
        assert!(!xml.contains("NATO talks."), "machine translation in an OmegaT source file");
        let plain = write_xliff(&m.files[0], &m, Fill::Candidates);
        assert!(plain.contains(
            "<target state=\"translated\" state-qualifier=\"exact-match\">Paris answers.</target>"
        ));
        assert!(plain.contains("<target state-qualifier=\"mt-suggestion\">NATO talks.</target>"));
    }
}
