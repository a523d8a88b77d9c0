//! The kit job: translated XLIFF in, a translation kit out, with the
//! memory's human translations of the kit's sentences and the glossary
//! for its target locale.

use std::collections::HashMap;
use std::path::PathBuf;

use super::{Error, GlossarySettings, MemorySettings};
use crate::kit::{self, KitFormat, Manifest, NearMatch};
use crate::tm::{EntryOrigin, Fuzzy, Lookup, MatchKind};

/// What `depeche kit` does, as data.
#[derive(Debug, Clone)]
pub struct KitSettings {
    inputs: Vec<PathBuf>,
    out_dir: PathBuf,
    format: KitFormat,
    glossary: GlossarySettings,
    memory: MemorySettings,
    fuzzy: Fuzzy,
}

impl KitSettings {
    /// A kit of the XLIFF files under `inputs` (files, or folders searched
    /// for `.xlf` and `.xliff`) in `out_dir`: OmegaT, the default glossary,
    /// no memory.
    pub fn new(
        inputs: impl IntoIterator<Item = impl Into<PathBuf>>,
        out_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            inputs: inputs.into_iter().map(Into::into).collect(),
            out_dir: out_dir.into(),
            format: KitFormat::default(),
            glossary: GlossarySettings::default(),
            memory: MemorySettings::Off,
            fuzzy: Fuzzy::default(),
        }
    }

    /// How close a stored sentence must be to be offered as a near match
    /// (`[memory] fuzzy_threshold`, `fuzzy_max_matches`).
    pub fn with_fuzzy(mut self, fuzzy: Fuzzy) -> Self {
        self.fuzzy = fuzzy;
        self
    }

    /// OmegaT or plain XLIFF.
    pub fn with_format(mut self, format: KitFormat) -> Self {
        self.format = format;
        self
    }

    /// The termbases exported into the kit.
    pub fn with_glossary(mut self, glossary: GlossarySettings) -> Self {
        self.glossary = glossary;
        self
    }

    /// The memory whose human translations of the kit's sentences go into
    /// the kit; a memory file that does not exist yet is not created.
    pub fn with_memory(mut self, memory: MemorySettings) -> Self {
        self.memory = memory;
        self
    }
}

/// What a kit job made.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct KitSummary {
    /// The kit folder.
    pub dir: PathBuf,
    /// What the kit holds.
    pub manifest: Manifest,
    /// Files written, relative to the kit folder.
    pub written: Vec<PathBuf>,
    /// Sentences the memory gave a human translation for.
    pub from_memory: usize,
    /// Glossary concepts exported for the target locale.
    pub terms: usize,
}

/// Makes a translation kit.
pub async fn kit(settings: KitSettings) -> Result<KitSummary, Error> {
    let inputs = super::merge::discover(&settings.inputs)?;
    let mut manifest = Manifest::from_inputs(&inputs, settings.format).map_err(Error::Kit)?;
    let glossary = settings.glossary.load()?;
    // A kit only reads the memory: a file that does not exist yet is not
    // created for it.
    let memory =
        if settings.memory.is_missing_file() { None } else { settings.memory.open(true).await? };
    let mut from_memory = 0;
    if let Some(memory) = memory {
        let open = manifest.open_sentences();
        let lookups: Vec<Lookup> = open
            .iter()
            .map(|s| {
                Lookup::exact(*s, &manifest.source_lang, &manifest.target_lang)
                    .with_fuzzy(settings.fuzzy)
                    .with_limit(settings.fuzzy.max_matches().max(1))
            })
            .collect();
        let answers = memory.lookup(&lookups).await.map_err(|source| Error::Memory {
            path: settings.memory.path().unwrap_or_default(),
            source,
        })?;
        // Only human entries: machine output never goes where a CAT tool
        // inserts from. Exact ones fill the kit; near ones are offered.
        let mut found: HashMap<String, String> = HashMap::new();
        let mut near: Vec<NearMatch> = Vec::new();
        for (s, matches) in open.iter().zip(answers) {
            for m in matches.into_iter().filter(|m| m.entry.origin == EntryOrigin::Human) {
                match m.kind {
                    MatchKind::Exact => {
                        found.entry((*s).to_string()).or_insert(m.entry.target);
                    }
                    MatchKind::Fuzzy { quality } => {
                        let source = if m.entry.source_text.is_empty() {
                            m.entry.source
                        } else {
                            m.entry.source_text
                        };
                        if !near.iter().any(|n| n.source == source) {
                            near.push(NearMatch { source, target: m.entry.target, quality });
                        }
                    }
                }
            }
        }
        manifest.near = near;
        from_memory = manifest.add_memory(&found);
    }
    let terms = crate::glossary::export::rows(&glossary, &manifest.target_lang).len();
    let written = kit::write(&settings.out_dir, &manifest, &glossary).map_err(Error::Kit)?;
    Ok(KitSummary { dir: settings.out_dir, manifest, written: written.files, from_memory, terms })
}
