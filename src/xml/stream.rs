//! Pieces for the readers that go through a file item by item (feeds,
//! NewsML, JSON Lines) without holding it whole: line numbers for input
//! that is never in memory at once, and text decoding as the bytes come.
//!
//! Both are [`BufRead`] adapters, so quick-xml's buffered reader (or a
//! line reader) sits on top of them and memory stays at a buffer's worth
//! plus the item being read, whatever the size of the file. See: #15

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;
use std::sync::Arc;

use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use quick_xml::events::Event;
use quick_xml::reader::NsReader;

use super::tree::{self, Element, Options};
use super::{Error, XmlError, entity};

/// A reader that remembers where the lines of what it has handed over
/// start, so that a parser's byte offsets can be turned into lines.
///
/// Only the line ends past the last offset asked are kept: callers ask as
/// they go (once per event), so what is kept is about one event's worth.
#[derive(Debug)]
pub(crate) struct Lines<R> {
    inner: R,
    /// Bytes handed over (consumed) so far.
    consumed: u64,
    /// Offsets of the line ends consumed and not yet passed by [`Lines::line`].
    ends: VecDeque<u64>,
    /// Line ends already passed.
    passed: usize,
}

impl<R: BufRead> Lines<R> {
    /// Counts the lines of `inner`.
    pub(crate) fn new(inner: R) -> Self {
        Self { inner, consumed: 0, ends: VecDeque::new(), passed: 0 }
    }

    /// The 1-based line of byte `offset` (of what has been consumed).
    /// Offsets asked must not go back before an earlier one by more than
    /// the current event: a parser's do not.
    pub(crate) fn line(&mut self, offset: u64) -> usize {
        while self.ends.front().is_some_and(|&end| end < offset) {
            self.ends.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The bytes are still in the inner buffer: asking for it again
        // does no I/O.
        if let Ok(buf) = self.inner.fill_buf() {
            let taken = buf.get(..amt).unwrap_or(buf);
            let base = self.consumed;
            self.ends.extend(
                taken
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| base + i as u64),
            );
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// The encoding a document's first bytes name for a reader that streams:
/// a byte-order mark (and its length), the byte pattern of a UTF-16
/// `<?xml`, else the declaration's label; UTF-8 when nothing is said.
/// `Err(label)` for a declared label `encoding_rs` does not know.
pub(crate) fn stream_encoding(head: &[u8]) -> Result<(&'static Encoding, usize), String> {
    if let Some((encoding, len)) = super::bom(head) {
        return Ok((encoding, len));
    }
    if head.starts_with(b"<\0?\0") {
        return Ok((UTF_16LE, 0));
    }
    if head.starts_with(b"\0<\0?") {
        return Ok((UTF_16BE, 0));
    }
    match super::encoding::label(head) {
        None => Ok((UTF_8, 0)),
        Some(label) => match Encoding::for_label(label.as_bytes()) {
            // UTF-16 declared in ASCII bytes is a lie (as when read whole).
            Some(e) if e == UTF_16LE || e == UTF_16BE => Ok((UTF_8, 0)),
            Some(e) => Ok((e, 0)),
            None => Err(label),
        },
    }
}

/// Bytes in one encoding read as UTF-8, a buffer at a time.
///
/// Bytes the encoding leaves undefined are an error naming the offset of
/// the first, or with `lossy` are replaced by U+FFFD.
pub(crate) struct Decoding<R> {
    inner: R,
    decoder: Decoder,
    name: &'static str,
    lossy: bool,
    out: Vec<u8>,
    pos: usize,
    /// Input bytes decoded so far, for the offset of a bad byte.
    read: u64,
    done: bool,
}

/// Size of the decoded buffer.
const DECODED: usize = 64 * 1024;

impl<R: BufRead> Decoding<R> {
    /// Decodes `inner` (the byte-order mark, if any, already skipped).
    pub(crate) fn new(inner: R, encoding: &'static Encoding, lossy: bool) -> Self {
        Self {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            name: encoding.name(),
            lossy,
            out: Vec::with_capacity(DECODED),
            pos: 0,
            read: 0,
            done: false,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        self.out.resize(DECODED, 0);
        let mut written = 0;
        while written == 0 && !self.done {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let space = self.out.get_mut(written..).unwrap_or_default();
            let (read, wrote) = if self.lossy {
                let (result, read, wrote, _) = self.decoder.decode_to_utf8(input, space, last);
                if last && result == CoderResult::InputEmpty {
                    self.done = true;
                }
                (read, wrote)
            } else {
                let (result, read, wrote) =
                    self.decoder.decode_to_utf8_without_replacement(input, space, last);
                match result {
                    DecoderResult::Malformed(bad, after) => {
                        let at = (self.read + read as u64)
                            .saturating_sub(u64::from(bad) + u64::from(after));
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "byte offset {at} is not valid {}; re-save the file as UTF-8",
                                self.name
                            ),
                        ));
                    }
                    DecoderResult::InputEmpty if last => self.done = true,
                    DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
                }
                (read, wrote)
            };
            self.inner.consume(read);
            self.read += read as u64;
            written += wrote;
        }
        self.out.truncate(written);
        Ok(())
    }
}

impl<R: BufRead> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

impl<R: BufRead> BufRead for Decoding<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.out.len() && !self.done {
            self.refill()?;
        }
        Ok(self.out.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

/// What [`parse_split`] hands over for an element that `split` selects.
#[derive(Debug)]
pub(crate) enum Part {
    /// The element, whole.
    Element(Element),
    /// The element passed the size limit: its content was not kept.
    TooLarge {
        /// The line its start tag is on.
        line: usize,
        /// Its size in bytes.
        size: u64,
    },
}

/// Decides whether an element is handed over on its own: given the open
/// elements (the root first) and the new element.
pub(crate) type Split<'a> = &'a dyn Fn(&[Element], &Element) -> bool;

/// What [`parse_split`] hands each selected element to, with the root as
/// read so far (without the elements handed over; an empty element when
/// the root itself is selected).
pub(crate) type OnPart<'a> = &'a mut dyn FnMut(&Element, Part) -> ControlFlow<()>;

/// Parses a document as it is read, under the policy of [`super::parse`],
/// but each element that `split` selects is handed to `each` when it
/// closes instead of being kept in the tree: memory holds one such element
/// at a time, so a wire of any number of items stays flat. An element
/// larger than `limit` bytes keeps nothing of its content and is handed
/// over as [`Part::TooLarge`]. Returns the root without the elements
/// handed over. See: #15
pub(crate) fn parse_split<R: BufRead>(
    input: R,
    options: &Options,
    limit: u64,
    split: Split<'_>,
    each: OnPart<'_>,
) -> Result<Element, Error> {
    let mut reader = NsReader::from_reader(Lines::new(input));
    let mut uris: Vec<Arc<str>> = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut buf = Vec::new();
    // The selected element being read: its place on the stack, start and
    // line, and once it is too large, its open descendants not kept.
    let mut part: Option<(usize, u64, usize)> = None;
    let mut over: Option<usize> = None;
    let syntax = |line: usize, e: quick_xml::Error| Error::Syntax { line, source: XmlError(e) };
    loop {
        let pos = reader.buffer_position();
        let line = reader.get_mut().line(pos);
        if let Some((at, start, _)) = part
            && over.is_none()
            && pos.saturating_sub(start) > limit
        {
            // Keep the element itself (its name and line), none of its content.
            let skipped = stack.len().saturating_sub(at + 1);
            stack.truncate(at + 1);
            if let Some(el) = stack.get_mut(at) {
                el.children = Vec::new();
            }
            over = Some(skipped);
        }
        buf.clear();
        let (ns, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok((ns, event)) => (tree::namespace(&ns, &mut uris), event),
            Err(e) => {
                let at = reader.error_position();
                return Err(syntax(reader.get_mut().line(at).max(line), e));
            }
        };
        let (start, empty) = match event {
            Event::Start(el) => (el, false),
            Event::Empty(el) => (el, true),
            Event::End(_) => {
                if let Some(skipped) = over.as_mut()
                    && *skipped > 0
                {
                    *skipped -= 1;
                    continue;
                }
                let Some(done) = stack.pop() else { continue };
                match part {
                    Some((at, start, line)) if at == stack.len() => {
                        let handed = match over.take() {
                            Some(_) => Part::TooLarge {
                                line,
                                size: reader.buffer_position().saturating_sub(start),
                            },
                            None => Part::Element(done),
                        };
                        part = None;
                        let shell = Element::default();
                        if each(stack.first().unwrap_or(&shell), handed).is_break() {
                            return Ok(stack.into_iter().next().unwrap_or(shell));
                        }
                    }
                    _ => tree::attach(&mut stack, &mut root, done),
                }
                continue;
            }
            Event::Eof => break,
            _ if over.is_some() => continue,
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(open) => open.push_text(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(Error::TextOutsideRoot { line }),
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
                let Some(replacement) = entity(&r, options.extra).map_err(|e| syntax(line, e.0))?
                else {
                    return Err(Error::UndefinedEntity { line, name: r.to_string() });
                };
                if let Some(open) = stack.last_mut() {
                    open.push_text(&replacement.to_string());
                }
                continue;
            }
            Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
        };
        if stack.is_empty() && root.is_some() {
            return Err(Error::SecondRoot { line });
        }
        if stack.len() + over.unwrap_or(0) >= options.max_depth {
            return Err(Error::TooDeep { line, limit: options.max_depth });
        }
        if let Some(skipped) = over.as_mut() {
            *skipped += usize::from(!empty);
            continue;
        }
        let el = tree::element(&start, ns, line, options.extra).map_err(|e| syntax(line, e))?;
        if part.is_none() && split(&stack, &el) {
            if empty {
                let shell = Element::default();
                if each(stack.first().unwrap_or(&shell), Part::Element(el)).is_break() {
                    return Ok(stack.into_iter().next().unwrap_or(shell));
                }
                continue;
            }
            part = Some((stack.len(), pos, line));
        }
        if empty {
            tree::attach(&mut stack, &mut root, el);
        } else {
            stack.push(el);
        }
    }
    if let Some(open) = stack.pop() {
        return Err(Error::Unclosed { line: open.line, name: open.name });
    }
    Ok(root.unwrap_or_default())
}

/// `Read::read` for a reader whose real work is its `BufRead` side.
fn read_buffered(from: &mut impl BufRead, out: &mut [u8]) -> io::Result<usize> {
    let n = {
        let buf = from.fill_buf()?;
        let n = buf.len().min(out.len());
        if let (Some(to), Some(from)) = (out.get_mut(..n), buf.get(..n)) {
            to.copy_from_slice(from);
        }
        n
    };
    from.consume(n);
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_what_is_consumed() {
        let mut lines = Lines::new(&b"a\nbb\n\nccc"[..]);
        let mut all = Vec::new();
        lines.read_to_end(&mut all).unwrap();
        assert_eq!(lines.line(0), 1);
        assert_eq!(lines.line(2), 2);
        assert_eq!(lines.line(6), 4);
    }

    #[test]
    fn latin1_and_utf16_come_out_as_utf8() {
        let mut text = String::new();
        let latin = &b"caf\xe9 cr\xe8me"[..];
        Decoding::new(latin, encoding_rs::WINDOWS_1252, false).read_to_string(&mut text).unwrap();
        assert_eq!(text, "café crème");
        let utf16: Vec<u8> = "élan".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut text = String::new();
        Decoding::new(&utf16[..], UTF_16LE, false).read_to_string(&mut text).unwrap();
        assert_eq!(text, "élan");
    }

    #[test]
    fn bad_bytes_name_their_offset_or_are_replaced() {
        let bad = &b"ok \xff there"[..];
        let mut text = String::new();
        let err = Decoding::new(bad, UTF_8, false).read_to_string(&mut text).unwrap_err();
        assert!(err.to_string().contains("byte offset 3 is not valid UTF-8"), "{err}");
        let mut text = String::new();
        Decoding::new(bad, UTF_8, true).read_to_string(&mut text).unwrap();
        assert_eq!(text, "ok \u{fffd} there");
    }

    #[test]
    fn the_encoding_comes_from_the_head() {
        assert_eq!(stream_encoding(b"\xef\xbb\xbf<rss>").unwrap(), (UTF_8, 3));
        let latin = b"<?xml version='1.0' encoding='ISO-8859-15'?><rss>";
        assert_eq!(stream_encoding(latin).unwrap().0.name(), "ISO-8859-15");
        assert_eq!(stream_encoding(b"<rss>").unwrap(), (UTF_8, 0));
        assert!(stream_encoding(b"<?xml version='1.0' encoding='klingon'?>").is_err());
    }
}
