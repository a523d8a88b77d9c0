//! Byte offsets to 1-based line numbers, for error messages that name the
//! line (`glossaries/defence.tbx:41: ...`).
//!
//! A whole-file scan per question ([`line_of`]) is right for one error; a
//! reader that names the line of every element uses a [`LineCounter`]
//! (offsets that grow) or a [`LineIndex`] (offsets in any order), so that
//! the work stays linear in the file size. See: #15

/// The 1-based line of byte `offset` in `bytes` (offsets past the end count
/// as the last line).
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    let upto = bytes.get(..offset).unwrap_or(bytes);
    upto.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Line numbers for a stream of offsets that mostly grow, as a parser
/// reports them: each call only counts the bytes between the previous
/// offset and this one (backwards too), so a pass over a file costs one
/// scan of it whatever the number of calls.
#[derive(Debug)]
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    /// A counter over `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self { text: text.as_bytes(), pos: 0, line: 1 }
    }

    /// The 1-based line of byte `offset`.
    pub(crate) fn line(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset >= self.pos {
            let between = self.text.get(self.pos..offset).unwrap_or_default();
            self.line += newlines(between);
        } else {
            let between = self.text.get(offset..self.pos).unwrap_or_default();
            self.line -= newlines(between);
        }
        self.pos = offset;
        self.line
    }
}

/// The start of every line of a text, built in one pass: each question is
/// then a binary search, whatever order the offsets come in.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    /// Byte offset just past each `\n`, in order.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// The index of `text`.
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let starts =
            bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1).collect();
        Self { starts, len: bytes.len() }
    }

    /// The 1-based line of byte `offset` (offsets past the end count as the
    /// last line), as [`line_of`] gives it.
    pub(crate) fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        // Lines that start at or before `offset`, after the first.
        self.starts.partition_point(|&start| start <= offset) + 1
    }
}

fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one_and_counters_agree() {
        let text = "a\nbb\n\nccc";
        assert_eq!(line_of(text.as_bytes(), 0), 1);
        assert_eq!(line_of(text.as_bytes(), 2), 2);
        assert_eq!(line_of(text.as_bytes(), 6), 4);
        assert_eq!(line_of(text.as_bytes(), 99), 4);
        let mut counter = LineCounter::new(text);
        for offset in [0, 2, 5, 6, 3, 99] {
            assert_eq!(counter.line(offset), line_of(text.as_bytes(), offset), "{offset}");
        }
    }

    // See: #15
    #[test]
    fn line_index_agrees_with_a_scan_at_every_offset() {
        for text in
            ["", "\n", "a", "a\n", "\n\n\n", "a\nbb\n\nccc", "é\r\nà\n\u{2028}x\n", "x\n\ny"]
        {
            let index = LineIndex::new(text);
            let mut counter = LineCounter::new(text);
            // Forwards, backwards and past the end, as a reader may ask.
            let forwards = 0..=text.len() + 2;
            let backwards = (0..=text.len() + 2).rev();
            for offset in forwards.chain(backwards) {
                let expected = line_of(text.as_bytes(), offset);
                assert_eq!(index.line(offset), expected, "{text:?} at {offset}");
                assert_eq!(counter.line(offset), expected, "{text:?} at {offset}");
            }
        }
    }

    // See: #15
    #[test]
    fn line_index_holds_one_entry_per_line_end() {
        let text = "un\ndeux\ntrois\n".repeat(1000);
        let index = LineIndex::new(&text);
        assert_eq!(index.starts.len(), 3000);
        assert_eq!(index.line(text.len()), 3001);
        assert_eq!(index.line(text.len() / 2), 1501);
    }
}
