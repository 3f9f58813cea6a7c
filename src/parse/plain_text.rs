//! A body's plain text, gathered from its Markdown's text events with its whitespace
//! collapsed and its words counted on the way in: the search index reads it as it is
//! (terms, and the text a result's snippet is cut from), and reading time is its word
//! count. One pass over the bytes instead of a copy and then a pass for each.

/// Text with every run of whitespace (Unicode's, as `char::is_whitespace` has it) made
/// one space, none at either end, and its words (runs of anything else) counted.
#[derive(Debug, Default)]
pub(crate) struct PlainText {
    text: String,
    words: usize,
    /// Whitespace was seen since the last word: a space is owed before the next one.
    space: bool,
}

impl PlainText {
    /// Adds `piece`, which may start or end inside a word: `"pak"` then `"istan"` is one.
    pub(crate) fn push(&mut self, piece: &str) {
        let bytes = piece.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let (ws, len) = whitespace_at(piece, at);
            if ws {
                self.space = true;
                at += len;
                continue;
            }
            // The run of non-space characters from `at`.
            let start = at;
            while at < bytes.len() {
                let (ws, len) = whitespace_at(piece, at);
                if ws {
                    break;
                }
                at += len;
            }
            if self.space || self.text.is_empty() {
                if !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.words += 1;
            }
            self.space = false;
            self.text.push_str(&piece[start..at]);
        }
    }

    /// Ends the current word, if any (a paragraph or a line ended).
    pub(crate) fn space(&mut self) {
        self.space = true;
    }

    /// How many bytes of text there are so far.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn words(&self) -> usize {
        self.words
    }

    pub(crate) fn into_string(self) -> String {
        self.text
    }
}

/// `text` with its whitespace collapsed, as [`PlainText`] makes it.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    let mut plain = PlainText::default();
    plain.push(text);
    plain.into_string()
}

/// Whether the character at byte `at` of `text` is whitespace, and its length in bytes.
fn whitespace_at(text: &str, at: usize) -> (bool, usize) {
    let b = text.as_bytes()[at];
    if b.is_ascii() {
        // `char::is_whitespace` on ASCII: also the vertical tab, which `u8`'s leaves out.
        return (
            matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r'),
            1,
        );
    }
    // `at` is a character boundary: it starts the text or follows a whole character.
    let c = text[at..].chars().next().map_or(' ', |c| c);
    (c.is_whitespace(), c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_whitespace_become_one_space_and_words_are_counted() {
        let mut plain = PlainText::default();
        for piece in ["  Pak", "istan\u{a0}and\t", "", "\u{3000}Russia,\x0B 2025 "] {
            plain.push(piece);
        }
        plain.space();
        plain.push("Урду ");
        assert_eq!(plain.as_str(), "Pakistan and Russia, 2025 Урду");
        assert_eq!(plain.words(), 5);
        assert_eq!(plain.len(), plain.as_str().len());
    }

    #[test]
    fn it_agrees_with_the_standard_library() {
        let texts = [
            "",
            "   ",
            "one",
            " a\u{2028}b\u{85}c\u{202f}d \r\n e\u{200b}f ",
            "ملاقات   ۔ SCO\u{a0}\u{a0}x",
        ];
        for text in texts {
            let words: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(collapse_whitespace(text), words.join(" "), "{text:?}");
            let mut plain = PlainText::default();
            plain.push(text);
            assert_eq!(plain.words(), words.len(), "{text:?}");
        }
    }
}
