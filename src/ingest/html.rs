//! Article pages: a news article saved as HTML, as the site served it.
//!
//! The bytes are decoded first (a byte-order mark, then the charset the
//! page declares, then the usual UTF-8 / Windows-1252 reading), so that the
//! parser never guesses. The article container is found the way browsers'
//! reader views find it (`dom_smoothie`, a readability.js port), and the
//! metadata comes from the page head: `og:title`, `article:published_time`,
//! JSON-LD `datePublished` / `author` / `publisher`, `og:site_name`, the
//! `lang` attribute, with `<time datetime>` as a fallback for the date.
//!
//! The container is then walked block by block, so each paragraph keeps its
//! role (`h2`–`h6` headings, `blockquote` quotes, `figcaption` captions) and
//! inline markup never splits or glues words: French no-break spaces written
//! as `<small class="fine">&nbsp;</small>` stay U+00A0 inside the paragraph.
//! What reader views keep but a translator does not want is dropped: the
//! boilerplate lines of [`crate::normalize::boilerplate`], "Lire aussi"
//! link blocks, paragraphs that are nothing but links, consent and
//! subscription prompts, and JSON state blobs.
//!
//! A page without an article (a home page, a section index: many short
//! link blocks, no prose) is refused rather than turned into a list of
//! headlines.

use std::path::Path;

use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability};

use super::{Draft, Error, ReadOptions};
use crate::model::{Article, Role};
use crate::normalize::{self, boilerplate, date, encoding};

/// Body text an article must have: a home page's reader view is a few
/// teaser sentences, an article's is several hundred characters.
const MIN_PROSE_CHARS: usize = 400;

/// An article has at least one paragraph this long; the teasers and
/// section blurbs of an index page are shorter.
const PROSE_PARAGRAPH_CHARS: usize = 150;

/// A paragraph whose text is at least this share of link text is a link,
/// not prose (teasers, "Lire aussi", tag lists).
const LINK_PARAGRAPH: f64 = 0.7;

/// Reads one article page.
pub(crate) fn read(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<Article, Error> {
    let (text, encoding) = decode(path, bytes, options)?;
    if text.trim().is_empty() {
        return Err(Error::Empty { path: path.into() });
    }
    if let Some(line) = nested_over(&text, MAX_HTML_DEPTH) {
        return Err(Error::Malformed {
            path: path.into(),
            line,
            reason: format!(
                "elements nested over {MAX_HTML_DEPTH} deep, more than any browser shows; \
                 the page is damaged or hostile, save it again from the site"
            ),
        });
    }
    let not_an_article = |detail: &str| Error::Unsupported {
        path: path.into(),
        reason: format!(
            "no article body found; this looks like a home or index page ({detail}); \
             save the article page itself"
        ),
    };

    let mut readability = Readability::new(text.as_str(), None, Some(Config::default()))
        .map_err(|e| not_an_article(&e.to_string()))?;
    let page_time = first_time_datetime(&readability.doc);
    let page_lang = readability.doc.select("html").attr("lang").map(|l| l.to_string());
    let extracted = readability.parse().map_err(|e| not_an_article(&e.to_string()))?;

    let content = Document::fragment(extracted.content.to_string());
    let mut walker = Walker::default();
    for node in content.root().children() {
        walker.walk(&node, Role::Body);
    }
    walker.flush();

    let title = clean_title(&extracted.title, extracted.site_name.as_deref());
    let (paragraphs, removed) = keep_article_text(walker.blocks, title.as_deref());
    if let Some(detail) = looks_like_index(&paragraphs) {
        return Err(not_an_article(&format!(
            "{detail}, after dropping {removed} link or boilerplate block(s)"
        )));
    }
    let (paragraphs, body_byline) = take_byline_line(paragraphs);

    let mut draft = Draft {
        origin: path.display().to_string(),
        lang: extracted.lang.or(page_lang).map(|l| crate::locale::source_tag(&l)),
        title,
        published: None,
        byline: extracted.byline.or_else(|| body_byline.as_ref().map(|(name, _)| name.clone())),
        publisher: extracted.site_name,
        paragraphs,
        ..Draft::default()
    };
    let line_date = body_byline.and_then(|(_, date)| date);
    let published = extracted.published_time.or(page_time).or(line_date);
    if let Some(raw) = published.as_deref() {
        match published_date(raw, options) {
            Some((value, local_time)) => {
                draft.published = Some(value);
                if let Some(time) = local_time {
                    draft.meta.insert("published_local_time".into(), time);
                }
            }
            None => {
                draft.meta.insert("published_raw".into(), raw.to_owned());
            }
        }
    }
    draft.meta.insert("format".into(), "html".into());
    draft.meta.insert("encoding".into(), encoding);
    if removed > 0 {
        draft.meta.insert("boilerplate_blocks".into(), removed.to_string());
    }
    if let Some(url) = extracted.url {
        draft.meta.insert("url".into(), url);
    }
    draft.finish(path)
}

/// Decodes the page: a byte-order mark wins, then a declared charset other
/// than UTF-8 or Latin-1, then [`encoding::decode`] (which also catches
/// pages that declare Latin-1 but are really UTF-8, and the reverse).
fn decode(path: &Path, bytes: &[u8], options: &ReadOptions) -> Result<(String, String), Error> {
    if crate::xml::bom(bytes).is_none()
        && let Some(declared) = declared_charset(bytes)
        && declared != encoding_rs::UTF_8
        && declared != encoding_rs::WINDOWS_1252
    {
        let (text, had_errors) = declared.decode_without_bom_handling(bytes);
        if !had_errors || options.lossy {
            return Ok((text.into_owned(), declared.name().to_ascii_lowercase()));
        }
    }
    let decoded = encoding::decode(bytes, options.lossy).map_err(|e| match e {
        encoding::DecodeError::Binary(reason) => Error::NotText { path: path.into(), reason },
        encoding::DecodeError::Invalid { offset, byte, line } => {
            Error::InvalidBytes { path: path.into(), line, offset, byte }
        }
    })?;
    Ok((decoded.text, decoded.encoding.to_owned()))
}

/// The charset of `<meta charset>` or `<meta http-equiv … content="…;
/// charset=…">` in the first few KB, as the HTML standard's prescan reads it.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")?;
    let rest = head.get(at + "charset=".len()..)?;
    let label: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// The first `<time datetime="…">` of the page.
fn first_time_datetime(doc: &Document) -> Option<String> {
    let value = doc.select("time[datetime]").attr("datetime")?;
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The headline without a trailing site name (`… - Le Monde.fr`).
fn clean_title(title: &str, site: Option<&str>) -> Option<String> {
    let title = normalize::text(title);
    let mut out = title.as_str();
    if let Some(site) = site.map(normalize::fold_for_matching).filter(|s| !s.is_empty()) {
        for sep in [" - ", " | ", " – ", " — ", " : "] {
            if let Some((head, tail)) = out.rsplit_once(sep)
                && normalize::fold_for_matching(tail) == site
                && !head.trim().is_empty()
            {
                out = head.trim_end();
            }
        }
    }
    (!out.is_empty()).then(|| out.to_owned())
}

/// The publication date as RFC 3339 (kept as given when it already is one,
/// or an ISO date), or read as a French date line; with the local time
/// when the page gives a time but no offset.
fn published_date(raw: &str, options: &ReadOptions) -> Option<(String, Option<String>)> {
    let raw = raw.trim();
    if is_rfc3339(raw) || is_iso_date(raw) {
        return Some((raw.to_owned(), None));
    }
    let parsed = date::parse(raw)?;
    let local = if parsed.offset.is_none() && options.utc_offset_minutes.is_none() {
        parsed.local_time()
    } else {
        None
    };
    Some((parsed.rfc3339(options.utc_offset_minutes), local))
}

/// `2025-10-31`.
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

/// `2025-10-31T15:57:00+01:00`, `2025-10-31T14:57:00.123Z`.
fn is_rfc3339(s: &str) -> bool {
    let Some((day, time)) = s.split_once(['T', 't']) else { return false };
    if !is_iso_date(day) {
        return false;
    }
    let b = time.as_bytes();
    let hms = b.len() >= 8
        && b.iter()
            .take(8)
            .enumerate()
            .all(|(i, c)| if i == 2 || i == 5 { *c == b':' } else { c.is_ascii_digit() });
    let zone = time.ends_with(['Z', 'z'])
        || time.rsplit_once(['+', '-']).is_some_and(|(_, off)| {
            let o = off.as_bytes();
            o.len() == 5
                && o.get(2) == Some(&b':')
                && off.chars().filter(char::is_ascii_digit).count() == 4
        });
    hms && zone
}

/// One block of the article container, as found.
#[derive(Debug)]
struct Block {
    role: Role,
    text: String,
    /// Characters of `text` (not counting spaces) inside links.
    link_chars: usize,
}

impl Default for Block {
    fn default() -> Self {
        Self { role: Role::Body, text: String::new(), link_chars: 0 }
    }
}

impl Block {
    fn link_share(&self) -> f64 {
        let total = self.text.chars().filter(|c| !c.is_whitespace()).count();
        if total == 0 {
            return 0.0;
        }
        #[expect(clippy::cast_precision_loss, reason = "a ratio of paragraph lengths")]
        let share = self.link_chars as f64 / total as f64;
        share
    }
}

/// Walks the container, one [`Block`] per paragraph-level element.
#[derive(Debug, Default)]
struct Walker {
    blocks: Vec<Block>,
    current: Block,
    links: usize,
}

impl Walker {
    fn walk(&mut self, node: &NodeRef<'_>, role: Role) {
        if node.is_text() {
            let text = node.text();
            if self.current.text.trim().is_empty() {
                self.current.role = role;
            }
            if self.links > 0 {
                self.current.link_chars += text.chars().filter(|c| !c.is_whitespace()).count();
            }
            self.current.text.push_str(&text);
            return;
        }
        if !node.is_element() {
            return;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        match name.as_str() {
            "script" | "style" | "noscript" | "template" | "nav" | "aside" | "button" | "form"
            | "input" | "select" | "textarea" | "svg" | "iframe" | "object" | "video" | "audio"
            | "canvas" | "footer" => {}
            "br" => self.current.text.push('\n'),
            "a" => {
                self.links += 1;
                self.children(node, role);
                self.links = self.links.saturating_sub(1);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.block(node, Role::Heading),
            "blockquote" => self.block(node, Role::Quote),
            "figcaption" => self.block(node, Role::Caption),
            "p" | "li" | "dd" | "dt" | "pre" | "td" | "th" | "div" | "section" | "article"
            | "header" | "main" | "ul" | "ol" | "dl" | "figure" | "table" | "tbody" | "thead"
            | "tr" | "hr" => self.block(node, role),
            _ => self.children(node, role),
        }
    }

    fn children(&mut self, node: &NodeRef<'_>, role: Role) {
        for child in node.children() {
            self.walk(&child, role);
        }
    }

    /// A block element ends the paragraph before it and starts its own;
    /// inside a quote or caption, paragraphs keep that role.
    fn block(&mut self, node: &NodeRef<'_>, role: Role) {
        self.flush();
        self.children(node, role);
        self.flush();
    }

    fn flush(&mut self) {
        let block = std::mem::take(&mut self.current);
        if !block.text.trim().is_empty() {
            self.blocks.push(block);
        }
    }
}

/// The article paragraphs among the blocks, and how many blocks were
/// dropped as links or boilerplate.
fn keep_article_text(blocks: Vec<Block>, title: Option<&str>) -> (Vec<(Role, String)>, usize) {
    let title_key = title.map(normalize::fold_for_matching);
    let mut kept = Vec::with_capacity(blocks.len());
    let mut removed = 0;
    // After a "Lire aussi" heading, the link list under it goes too.
    let mut in_related = false;
    for block in blocks {
        let text = normalize::text(&block.text);
        if text.is_empty() {
            continue;
        }
        let key = normalize::fold_for_matching(&text);
        let link_heavy = block.link_share() >= LINK_PARAGRAPH;
        if in_related && link_heavy {
            removed += 1;
            continue;
        }
        in_related = false;
        let drop = match boilerplate::matches(&text) {
            Some((_, boilerplate::Scope::Rest)) => {
                in_related = true;
                true
            }
            Some((_, boilerplate::Scope::Line)) => true,
            None => {
                link_heavy
                    || is_related_link(&key, &block)
                    || is_prompt(&key)
                    || is_json(&text)
                    || (block.role == Role::Heading && title_key.as_deref() == Some(key.as_str()))
            }
        };
        if drop {
            removed += 1;
        } else {
            kept.push((block.role, text));
        }
    }
    (kept, removed)
}

/// Why the paragraphs look like an index page rather than an article, if
/// they do.
fn looks_like_index(paragraphs: &[(Role, String)]) -> Option<String> {
    let prose: Vec<usize> = paragraphs
        .iter()
        .filter(|(role, _)| matches!(role, Role::Body | Role::Quote))
        .map(|(_, text)| text.chars().count())
        .collect();
    let total: usize = prose.iter().sum();
    let longest = prose.iter().copied().max().unwrap_or(0);
    if longest < PROSE_PARAGRAPH_CHARS {
        Some(format!(
            "{} text paragraph(s), none over {PROSE_PARAGRAPH_CHARS} characters",
            prose.len()
        ))
    } else if total < MIN_PROSE_CHARS {
        Some(format!("only {total} characters of text"))
    } else {
        None
    }
}

/// Takes out a byline line a blog template prints in the body (`par
/// Didier Roy, 21 juin 2018`): the name, and the date when there is one.
#[expect(clippy::type_complexity, reason = "a private helper's pair of results")]
fn take_byline_line(
    paragraphs: Vec<(Role, String)>,
) -> (Vec<(Role, String)>, Option<(String, Option<String>)>) {
    let mut found = None;
    let mut kept = Vec::with_capacity(paragraphs.len());
    for (role, text) in paragraphs {
        if found.is_none()
            && role == Role::Body
            && let Some(line) = byline_line(&text)
        {
            found = Some(line);
            continue;
        }
        kept.push((role, text));
    }
    (kept, found)
}

/// `par Didier Roy, 21 juin 2018` → (`Didier Roy`, `21 juin 2018`).
fn byline_line(text: &str) -> Option<(String, Option<String>)> {
    if text.chars().count() > 100 {
        return None;
    }
    let rest = text.strip_prefix("par ").or_else(|| text.strip_prefix("Par "))?;
    if !rest.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let (name, date) = match rest.rsplit_once(", ") {
        Some((name, tail)) if date::parse(tail).is_some() => (name, Some(tail.to_owned())),
        _ => (rest, None),
    };
    let words = name.split_whitespace().count();
    let sentence = name.ends_with(['.', '!', '?', ':', ';']);
    (words <= 8 && !sentence).then(|| (name.trim().to_owned(), date))
}

/// "Lire aussi : …", "LIRE AUSSI - …", "À lire : …": a pointer to another
/// article, whatever its link share.
fn is_related_link(key: &str, block: &Block) -> bool {
    const STARTS: &[&str] = &[
        "lire aussi",
        "à lire aussi",
        "a lire aussi",
        "à lire",
        "voir aussi",
        "lire notre",
        "revivez",
    ];
    STARTS.iter().any(|s| key.starts_with(s)) && (block.link_chars > 0 || key.chars().count() < 200)
}

/// Consent, subscription and account prompts that reader views keep.
fn is_prompt(key: &str) -> bool {
    const PROMPTS: &[&str] = &[
        "cookies",
        "consentement",
        "nos partenaires",
        "vos données personnelles",
        "cet article est réservé aux abonnés",
        "réservé aux abonnés",
        "il vous reste",
        "offre spéciale",
        "newsletter",
        "recevez chaque",
    ];
    key.chars().count() < 400 && PROMPTS.iter().any(|p| key.contains(p))
}

/// A serialised state object a script left in the page.
fn is_json(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with('{') || t.starts_with('[')) && t.contains("\":")
}

/// Deeper element nesting than this is refused before the page is parsed.
/// Browsers cap the tree at the same depth (Chromium's HTML parser stops
/// nesting at 512); real article pages stay under 100. Past it, the parser
/// slows quadratically (every tag searches the stack of open elements) and
/// the readability pass, which recurses, overflows its thread's stack.
pub(crate) const MAX_HTML_DEPTH: usize = 512;

/// Elements that never hold others, or that the parser closes by itself when
/// the next one opens (`<p>`, `<li>`, `<a>`…): they add no nesting.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
    "tbody", "tfoot", "rt", "rp", "colgroup", "caption", "html", "head", "body", "a", "button",
];

/// Elements whose content is raw text, never tags.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed"];

/// The 1-based line of the first tag nested over `limit` deep, by a count
/// of open and end tags that reads the text once, without building a tree.
/// It errs on the side of counting: stray end tags are forgiven, unclosed
/// elements count as open, as the parser nests them.
pub(crate) fn nested_over(html: &str, limit: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(offset) = bytes.get(at..).and_then(|b| b.iter().position(|&c| c == b'<')) {
        at += offset;
        let rest = bytes.get(at..).unwrap_or_default();
        let skip_to = |end: &[u8]| {
            rest.windows(end.len())
                .position(|w| w == end)
                .map_or(bytes.len(), |i| at + i + end.len())
        };
        if rest.starts_with(b"<!--") {
            at = skip_to(b"-->");
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            at = skip_to(b">");
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = if closing { 2 } else { 1 };
        let name: Vec<u8> = rest
            .get(name_start..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_'))
            .map(u8::to_ascii_lowercase)
            .collect();
        if name.is_empty() || !name.first().is_some_and(u8::is_ascii_alphabetic) {
            at += 1;
            continue;
        }
        let name = std::str::from_utf8(&name).unwrap_or_default();
        let end = tag_end(rest).map_or(bytes.len(), |i| at + i + 1);
        let self_closing = bytes.get(..end).is_some_and(|b| b.ends_with(b"/>"));
        at = end;
        if FLAT.contains(&name) || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW_TEXT.contains(&name) {
            let close = format!("</{name}");
            let tail = bytes.get(at..).unwrap_or_default();
            at = tail
                .windows(close.len())
                .position(|w| w.eq_ignore_ascii_case(close.as_bytes()))
                .map_or(bytes.len(), |i| at + i);
            continue;
        }
        depth += 1;
        if depth > limit {
            return Some(crate::lines::line_of(bytes, at));
        }
    }
    None
}

/// The offset of the `>` that ends the tag `rest` starts with, past quoted
/// attribute values.
fn tag_end(rest: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &c) in rest.iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
             <title>Un titre - Le Journal</title>\
             <meta property=\"og:site_name\" content=\"Le Journal\">\
             <meta property=\"article:published_time\" content=\"2025-10-31T15:57:00+01:00\">\
             </head><body><nav><a href=\"/\">Accueil</a> <a href=\"/monde\">Monde</a></nav>\
             <article><h1>Un titre</h1>{body}</article></body></html>"
        )
    }

    const PROSE: &str = "Les ministres de la Défense ont signé vendredi un accord de coopération \
        qui prévoit des exercices communs, un partage du renseignement et la formation \
        d’officiers dans les écoles militaires des deux pays pendant les cinq prochaines années.";

    fn read_str(html: &str) -> Result<Article, Error> {
        read(Path::new("a.html"), html.as_bytes(), &ReadOptions::default())
    }

    // See: #15
    #[test]
    fn nesting_is_counted_as_the_parser_nests() {
        let divs = |n: usize| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(nested_over(&divs(512), 512), None);
        assert_eq!(nested_over(&format!("\n{}", divs(513)), 512), Some(2));
        // Elements the parser closes by itself, void ones, self-closed ones,
        // comments and script text add nothing.
        let flat = format!(
            "<ul>{}</ul>{}{}<!-- {} --><script>{}</script><svg>{}</svg>",
            "<li>a".repeat(2_000),
            "<p>b".repeat(2_000),
            "<br><img src=\"a>b\">".repeat(2_000),
            "<div>".repeat(2_000),
            "<div>".repeat(2_000),
            "<path/>".repeat(2_000),
        );
        assert_eq!(nested_over(&flat, 512), None);
        // Unclosed elements stay open, as in the tree.
        assert!(nested_over(&"<span>".repeat(600), 512).is_some());
    }

    #[test]
    fn roles_metadata_and_title_suffix() {
        let body = format!(
            "<p>{PROSE}</p><h2>Un partenariat renforcé</h2><p>{PROSE}</p>\
             <blockquote><p>Nous signons aujourd’hui.</p></blockquote>\
             <figure><img src=\"x.jpg\"><figcaption>Les ministres à Paris.</figcaption></figure>\
             <p>{PROSE}</p>"
        );
        let a = read_str(&page(&body)).unwrap();
        assert_eq!(a.title.as_deref(), Some("Un titre"));
        assert_eq!(a.publisher.as_deref(), Some("Le Journal"));
        assert_eq!(a.published.as_deref(), Some("2025-10-31T15:57:00+01:00"));
        assert_eq!(a.lang, "fr-FR");
        assert_eq!(a.meta.get("format").map(String::as_str), Some("html"));
        assert_eq!(a.meta.get("encoding").map(String::as_str), Some("utf-8"));
        let roles: Vec<Role> = a.paragraphs.iter().map(|p| p.role).collect();
        assert_eq!(
            roles,
            [
                Role::Title,
                Role::Body,
                Role::Heading,
                Role::Body,
                Role::Quote,
                Role::Caption,
                Role::Body
            ]
        );
    }

    #[test]
    fn inline_markup_keeps_words_and_no_break_spaces() {
        let body = format!(
            "<p>{PROSE}</p><p>Il a dit<small class=\"fine\">&nbsp;</small>: «<small class=\"fine\">&nbsp;</small>oui<small class=\"fine\">&nbsp;</small>» à <em>Paris</em>, puis <strong>est</strong>parti.</p><p>{PROSE}</p>"
        );
        let a = read_str(&page(&body)).unwrap();
        let p = a.paragraphs.iter().find(|p| p.text.starts_with("Il a dit")).unwrap();
        assert_eq!(p.text, "Il a dit\u{a0}: «\u{a0}oui\u{a0}» à Paris, puis estparti.");
    }

    #[test]
    fn related_links_prompts_and_json_are_dropped() {
        let body = format!(
            "<p>{PROSE}</p><p>Lire aussi : <a href=\"/x\">Un autre article sur le sujet</a></p>\
             <p><a href=\"/y\">Tout sur la guerre en Ukraine</a></p>\
             <p>Partager sur Facebook</p><p>{{\"props\":{{\"page\":1}}}}</p>\
             <p>Cet article est réservé aux abonnés. Il vous reste 80% à découvrir.</p>\
             <p>{PROSE}</p>"
        );
        let a = read_str(&page(&body)).unwrap();
        let texts: Vec<&str> = a.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Un titre", PROSE, PROSE]);
    }

    #[test]
    fn a_page_of_links_is_refused() {
        let teasers: String = (0..40)
            .map(|i| {
                format!(
                    "<li><a href=\"/a{i}\">Titre d’un article numéro {i} sur l’actualité</a></li>"
                )
            })
            .collect();
        let html = page(&format!("<ul>{teasers}</ul>"));
        let err = read_str(&html).unwrap_err();
        assert!(err.to_string().contains("no article body found"), "{err}");
    }

    #[test]
    fn declared_latin9_is_honoured() {
        let html = page(&format!("<p>{PROSE} Coût : 5 €.</p><p>{PROSE}</p>"))
            .replace("charset=\"utf-8\"", "charset=\"iso-8859-15\"");
        let (bytes, _, _) = encoding_rs::ISO_8859_15.encode(&html);
        let a = read(Path::new("a.html"), &bytes, &ReadOptions::default()).unwrap();
        assert_eq!(a.meta.get("encoding").map(String::as_str), Some("iso-8859-15"));
        assert!(a.paragraphs.iter().any(|p| p.text.ends_with("Coût : 5 €.")));
    }

    #[test]
    fn dates() {
        let o = ReadOptions::default();
        assert_eq!(
            published_date("2025-10-31T15:57:00+01:00", &o).unwrap().0,
            "2025-10-31T15:57:00+01:00"
        );
        assert_eq!(published_date("2025-10-31T14:57:00Z", &o).unwrap().0, "2025-10-31T14:57:00Z");
        assert_eq!(published_date("2025-10-31", &o).unwrap().0, "2025-10-31");
        assert_eq!(
            published_date("31 octobre 2025 à 15h57", &o).unwrap(),
            ("2025-10-31".into(), Some("15:57".into()))
        );
        assert_eq!(published_date("hier", &o), None);
        assert!(!is_rfc3339("2025-10-31T15:57:00"));
    }

    #[test]
    fn byline_lines() {
        assert_eq!(
            byline_line("par Didier Roy, 21 juin 2018"),
            Some(("Didier Roy".into(), Some("21 juin 2018".into())))
        );
        assert_eq!(byline_line("Par Jean Dupont"), Some(("Jean Dupont".into(), None)));
        assert_eq!(byline_line("par ailleurs, il a signé."), None);
        assert_eq!(byline_line("Par le passé, des experts ont déclaré qu’il le ferait."), None);
    }

    #[test]
    fn title_suffix() {
        assert_eq!(
            clean_title("Un titre - Le Monde.fr", Some("Le Monde.fr")).as_deref(),
            Some("Un titre")
        );
        assert_eq!(
            clean_title("Un titre - Autre", Some("Le Monde.fr")).as_deref(),
            Some("Un titre - Autre")
        );
        assert_eq!(clean_title("  ", None), None);
    }
}
