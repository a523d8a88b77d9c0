//! The tool-neutral kit, for Trados, memoQ, Phrase and any tool that reads
//! XLIFF 1.2, TMX and TBX.
//!
//! - `NAME.xlf`: XLIFF 1.2, one `<trans-unit>` per sentence with the
//!   input's ids, groups and notes. A sentence the memory holds a human
//!   translation of has it as target (`state="translated"`,
//!   `state-qualifier="exact-match"`); the others have no target. Machine
//!   translation and memory matches travel as `<alt-trans>` candidates,
//!   which tools show as proposals and never insert as the translation.
//! - `memory.tmx`: the memory's human translations of the kit's sentences.
//! - `glossary-LOCALE.tbx`: TBX-Basic with French and the target locale
//!   only, forbidden renderings `deprecatedTerm-admn-sts`.
//!
//! These tools update states, so read-back trusts them ([`Confirmation::of`](crate::merge::Confirmation::of)),
//! and a target that is the machine translation offered, unchanged, is
//! still never taken as human work.

use std::path::{Path, PathBuf};

use super::{Decision, Error, Fill, Manifest, Reason, Returned, put, settle, tmx, write_xliff};
use crate::glossary::Glossary;
use crate::glossary::export::{self, ExportFormat};
use crate::merge::Confirmation;
use crate::xliff;

/// Writes the plain kit of `manifest` into `dir`.
pub(super) fn write(
    dir: &Path,
    manifest: &Manifest,
    glossary: &Glossary,
) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for file in &manifest.files {
        let xml = write_xliff(file, manifest, Fill::Candidates);
        put(dir, &file.name, xml.as_bytes(), &mut written)?;
    }
    // The memory's human translations of the kit's sentences, then of
    // sentences close to them (the CAT tool scores those itself).
    let human: Vec<(&str, &str)> = manifest
        .files
        .iter()
        .flat_map(|f| &f.sentences)
        .filter_map(|s| Some((s.source.as_str(), s.human.as_deref()?)))
        .chain(manifest.near.iter().map(|n| (n.source.as_str(), n.target.as_str())))
        .collect();
    let tmx = tmx::render(&human, &manifest.source_lang, &manifest.target_lang, "human");
    put(dir, "memory.tmx", tmx.as_bytes(), &mut written)?;
    let tgt = &manifest.target_lang;
    let tbx = export::export(glossary, tgt, ExportFormat::Tbx);
    put(
        dir,
        &format!("glossary-{}.tbx", crate::xliff::nmtoken(tgt)),
        tbx.as_bytes(),
        &mut written,
    )?;
    put(dir, "README.txt", readme(manifest).as_bytes(), &mut written)?;
    Ok(written)
}

fn readme(manifest: &Manifest) -> String {
    format!(
        "depeche translation kit (XLIFF 1.2, TMX, TBX): {} → {}\n\
         =====================================\n\n\
         {} file(s), {} sentence(s); {} already translated by a human in the memory.\n\n\
         1. Create a project in your CAT tool (Trados Studio, memoQ, Phrase...)\n\
         \x20  for {} → {} and add the .xlf files.\n\
         2. Add memory.tmx as a translation memory and glossary-*.tbx as a\n\
         \x20  termbase. Terms marked deprecated are renderings the house style\n\
         \x20  rejects.\n\
         3. Machine translation is attached to each segment as a proposal\n\
         \x20  (<alt-trans>); it is never the translation until you confirm it.\n\
         4. Translate, confirm each segment (status translated, approved or\n\
         \x20  signed off), and export the .xlf files back into this folder\n\
         \x20  under the same names.\n\
         5. Send the folder back. The editor runs `depeche merge THIS_FOLDER`.\n",
        manifest.source_lang,
        manifest.target_lang,
        manifest.files.len(),
        manifest.sentence_count(),
        manifest.human_count(),
        manifest.source_lang,
        manifest.target_lang,
    )
}

/// Reads the returned `.xlf` files back: a target counts when the file
/// marks it confirmed and it is not the machine translation offered.
pub(super) fn read_back(dir: &Path, manifest: &Manifest) -> Result<Vec<Returned>, Error> {
    let mut out = Vec::new();
    for file in &manifest.files {
        let path = dir.join(&file.name);
        let mut doc = xliff::read_file(&path)?;
        let mut decisions = Vec::new();
        for unit in doc.files.iter_mut().flat_map(|f| &mut f.units) {
            let sentence = file.sentences.iter().find(|s| s.id == unit.id);
            let c = Confirmation::of(
                unit.target.as_deref(),
                unit.state.as_deref(),
                unit.state_qualifier.as_deref(),
                unit.approved,
            );
            let target = unit.target.clone();
            let offered_mt = |t: &str| {
                sentence.and_then(|s| s.mt.as_deref()).is_some_and(|mt| super::same(mt, t))
            };
            let reason = match (c, target.as_deref()) {
                (Confirmation::Untranslated, _) | (_, None) => Reason::Untranslated,
                (_, Some(t)) if offered_mt(t) => Reason::SameAsMt,
                (Confirmation::Confirmed, Some(t))
                    if sentence
                        .and_then(|s| s.human.as_deref())
                        .is_some_and(|h| super::same(h, t)) =>
                {
                    Reason::MemoryMatch
                }
                (Confirmation::Confirmed, _) => Reason::ConfirmedState,
                (Confirmation::Unreviewed, _) => Reason::Unconfirmed,
            };
            settle(unit, target, reason);
            decisions.push(Decision { id: unit.id.clone(), reason });
        }
        out.push(Returned { path, doc, decisions });
    }
    Ok(out)
}
