//! A small element tree: what the readers of whole documents (NewsML,
//! NITF, XLIFF) walk. One news item or one article's XLIFF is small, and a
//! tree keeps their logic readable.

use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::{Error, Extra, XmlError, attribute_value, entity, no_extra};
use crate::lines::LineCounter;

/// How [`parse`] reads a document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Named entities accepted besides the predefined five.
    pub(crate) extra: Extra,
    /// Deeper nesting is refused: no format depeche reads comes near the
    /// default of 256, and readers walk the tree recursively.
    pub(crate) max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { extra: no_extra, max_depth: 256 }
    }
}

impl Options {
    /// Accepts the named entities of `extra` too.
    pub(crate) fn with_extra(mut self, extra: Extra) -> Self {
        self.extra = extra;
        self
    }
}

/// The namespace of an element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Namespace {
    /// No namespace: unprefixed, with no default namespace in scope.
    #[default]
    None,
    /// A namespace URI.
    Uri(Arc<str>),
    /// A prefix no `xmlns:` declares (hand-written files do this).
    Undeclared(String),
}

/// An element: its local name (no prefix), namespace, attributes under
/// their names as written (`xml:lang`, `okp:x`), children and line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    /// The local name.
    pub(crate) name: String,
    /// The element's namespace.
    pub(crate) ns: Namespace,
    /// Attributes, in document order, values normalised.
    pub(crate) attrs: Vec<(String, String)>,
    /// Child elements and text, in document order; adjacent text is merged.
    pub(crate) children: Vec<Node>,
    /// The 1-based line the start tag is on.
    pub(crate) line: usize,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// An element.
    Element(Element),
    /// Character data, entities resolved, line ends normalised.
    Text(String),
}

impl Element {
    /// An attribute's value by qualified name.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// A non-blank attribute value, trimmed.
    pub(crate) fn attr_value(&self, name: &str) -> Option<String> {
        self.attr(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// True when the element is in namespace `uri`.
    pub(crate) fn in_ns(&self, uri: &str) -> bool {
        matches!(&self.ns, Namespace::Uri(u) if &**u == uri)
    }

    /// The child elements.
    pub(crate) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The child elements named `name`.
    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements().filter(move |e| e.name == name)
    }

    /// The element at the end of a path of child names.
    pub(crate) fn at(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }

    /// Every descendant named `name`, in document order, not looking inside
    /// the ones found.
    pub(crate) fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.name == name {
                out.push(e);
            } else {
                e.descendants(name, out);
            }
        }
    }

    /// True when the element has child elements.
    pub(crate) fn has_element_children(&self) -> bool {
        self.elements().next().is_some()
    }

    pub(super) fn push_text(&mut self, text: &str) {
        if let Some(Node::Text(last)) = self.children.last_mut() {
            last.push_str(text);
        } else {
            self.children.push(Node::Text(text.to_owned()));
        }
    }
}

/// Parses a document into its root element, under the entity policy of
/// the module; a fault gives its line.
pub(crate) fn parse(text: &str, options: &Options) -> Result<Element, Error> {
    let mut lines = LineCounter::new(text);
    let mut reader = NsReader::from_str(text);
    let mut uris: Vec<Arc<str>> = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let syntax = |line: usize, e: quick_xml::Error| Error::Syntax { line, source: XmlError(e) };
    loop {
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace(&ns, &mut uris), event),
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(pos);
                return Err(syntax(lines.line(at), e));
            }
        };
        let (start, empty) = match event {
            Event::Start(el) => (el, false),
            Event::Empty(el) => (el, true),
            Event::End(_) => {
                if let Some(done) = stack.pop() {
                    attach(&mut stack, &mut root, done);
                }
                continue;
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(open) => open.push_text(&content),
                    None if content.trim().is_empty() => {}
                    None => {
                        // The line of the text itself, not of the blank before it.
                        let blank = content.len() - content.trim_start().len();
                        return Err(Error::TextOutsideRoot { line: lines.line(pos + blank) });
                    }
                }
                continue;
            }
            Event::CData(c) => {
                if let Some(open) = stack.last_mut() {
                    open.push_text(&c.xml10_content());
                }
                continue;
            }
            Event::GeneralRef(r) => {
                let line = lines.line(pos);
                let Some(replacement) = entity(&r, options.extra).map_err(|e| syntax(line, e.0))?
                else {
                    return Err(Error::UndefinedEntity { line, name: r.to_string() });
                };
                if let Some(open) = stack.last_mut() {
                    open.push_text(&replacement.to_string());
                }
                continue;
            }
            Event::Eof => break,
            // The DOCTYPE is skipped whole: its internal subset is never
            // expanded and what it names is never fetched (module docs).
            Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
        };
        let line = lines.line(pos);
        if stack.is_empty() && root.is_some() {
            return Err(Error::SecondRoot { line });
        }
        if stack.len() >= options.max_depth {
            return Err(Error::TooDeep { line, limit: options.max_depth });
        }
        let el = element(&start, ns, line, options.extra).map_err(|e| syntax(line, e))?;
        if empty {
            attach(&mut stack, &mut root, el);
        } else {
            stack.push(el);
        }
    }
    if let Some(open) = stack.pop() {
        return Err(Error::Unclosed { line: open.line, name: open.name });
    }
    root.ok_or(Error::NoRoot)
}

pub(super) fn attach(stack: &mut [Element], root: &mut Option<Element>, done: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(done)),
        None => *root = Some(done),
    }
}

/// The namespace of a resolved name; URIs are shared, since a document
/// uses few.
pub(super) fn namespace(ns: &ResolveResult<'_>, uris: &mut Vec<Arc<str>>) -> Namespace {
    match ns {
        ResolveResult::Unbound => Namespace::None,
        ResolveResult::Unknown(prefix) => Namespace::Undeclared(prefix.clone()),
        ResolveResult::Bound(uri) => {
            let uri: &str = uri.as_ref();
            if let Some(known) = uris.iter().find(|u| ***u == *uri) {
                return Namespace::Uri(Arc::clone(known));
            }
            let new: Arc<str> = Arc::from(uri);
            uris.push(Arc::clone(&new));
            Namespace::Uri(new)
        }
    }
}

pub(super) fn element(
    el: &BytesStart<'_>,
    ns: Namespace,
    line: usize,
    extra: Extra,
) -> Result<Element, quick_xml::Error> {
    let name = el.local_name().as_ref().to_owned();
    let mut attrs = Vec::new();
    for attr in el.attributes() {
        let attr = attr?;
        let key = attr.key.as_ref().to_owned();
        attrs.push((key, attribute_value(&attr, extra)?));
    }
    Ok(Element { name, ns, attrs, children: Vec::new(), line })
}
