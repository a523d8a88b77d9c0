//! Byte offsets to 1-based line numbers, for error messages that name the
//! line (`glossaries/defence.tbx:41: ...`).

/// The 1-based line of byte `offset` in `bytes` (offsets past the end count
/// as the last line).
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    let upto = bytes.get(..offset).unwrap_or(bytes);
    upto.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Line numbers for a stream of offsets that mostly grow, as a parser
/// reports them: each call only counts the bytes since the previous one.
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
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let between = self.text.get(self.pos..offset).unwrap_or_default();
        self.line += between.iter().filter(|&&b| b == b'\n').count();
        self.pos = offset;
        self.line
    }
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
}
