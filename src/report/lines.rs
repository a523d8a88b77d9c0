//! Where a sentence starts in its source file, for annotations that point
//! at a line (`::error file=...,line=...::`, JUnit, the JSON report).
//!
//! The pipeline keeps no positions: a sentence is found again in the file by
//! its first words, with runs of spaces, line breaks and no-break spaces
//! read as one space and `’` as `'`, so hard-wrapped text and French
//! typography still match. What cannot be found (escaped feed text, a URL,
//! an unreadable file) is line 1.

use std::path::Path;

/// Source files larger than this are not searched (line 1).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// A source file's text, normalised for searching, with its line starts.
#[derive(Debug, Default)]
pub(crate) struct SourceLines {
    /// The normalised text.
    text: String,
    /// Byte offset in `text` where each line after the first starts.
    starts: Vec<usize>,
}

impl SourceLines {
    /// Reads `path`; an unreadable or oversized file gives an empty text.
    pub(crate) fn read(path: &Path) -> Self {
        let small = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= MAX_BYTES);
        let Some(bytes) = small.then(|| std::fs::read(path).ok()).flatten() else {
            return Self::default();
        };
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            // Legacy files: the readers accept Windows-1252 too.
            Err(e) => encoding_rs::WINDOWS_1252.decode(e.as_bytes()).0.into_owned(),
        };
        Self::new(&text)
    }

    /// Normalises `raw`.
    pub(crate) fn new(raw: &str) -> Self {
        let mut text = String::with_capacity(raw.len());
        let mut starts = Vec::new();
        let mut space = false;
        for ch in raw.chars() {
            if ch == '\n' {
                // The next line's first character follows the one space
                // this break becomes (none at the very start).
                starts.push(text.len() + usize::from(!text.is_empty()));
            }
            if ch.is_whitespace() {
                space = true;
                continue;
            }
            if space && !text.is_empty() {
                text.push(' ');
            }
            space = false;
            text.push(if ch == '’' { '\'' } else { ch });
        }
        Self { text, starts }
    }

    /// The 1-based line where `sentence` starts, or 1 when it is not found.
    pub(crate) fn line_of(&self, sentence: &str) -> usize {
        let needle = Self::new(sentence).text;
        let words: Vec<&str> = needle.split(' ').collect();
        let candidates = [
            needle.chars().take(60).collect::<String>(),
            words.iter().take(5).copied().collect::<Vec<_>>().join(" "),
        ];
        for candidate in candidates.iter().filter(|c| c.chars().count() >= 8) {
            if let Some(at) = self.text.find(candidate.as_str()) {
                return self.starts.partition_point(|&s| s <= at) + 1;
            }
        }
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_are_found_across_wrapped_lines_and_typography() {
        let file = SourceLines::new(
            "Titre\n\nL’ambassade a  souligné\nla coopération.\u{a0}Ensuite, le ministre\n  a parlé.\n",
        );
        assert_eq!(file.line_of("L'ambassade a souligné la coopération."), 3);
        assert_eq!(file.line_of("Ensuite, le ministre a parlé."), 4);
        assert_eq!(file.line_of("Titre"), 1, "too short to search: line 1");
        assert_eq!(file.line_of("Une phrase absente du fichier."), 1);
        assert_eq!(SourceLines::default().line_of("Quoi que ce soit ici."), 1);
    }
}
