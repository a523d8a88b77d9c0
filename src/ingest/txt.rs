//! Scraped plain-text articles.

use std::path::Path;

use super::Error;
use crate::model::{Article, Paragraph, Role};

/// Reads one scraped text article.
pub(crate) fn read(path: &Path, bytes: &[u8]) -> Result<Article, Error> {
    let text = String::from_utf8_lossy(bytes);
    let paragraphs: Vec<Paragraph> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
        .map(|(i, p)| Paragraph::new(format!("p{}", i + 1), Role::Body, p))
        .collect();
    if paragraphs.is_empty() {
        return Err(Error::Empty { path: path.into(), reason: "no article text".into() });
    }
    let id = crate::model::article_id(None, None, &text);
    Ok(Article {
        id,
        origin: path.display().to_string(),
        lang: "fr-FR".into(),
        paragraphs,
        ..Article::default()
    })
}
