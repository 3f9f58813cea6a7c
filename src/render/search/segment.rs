//! Text to words by Unicode's word boundaries (UAX #29), as the segmenter finds them, but
//! with the short words of ASCII letters and digits that make up most of a Latin-script
//! text found sixteen bytes at a time ([`ascii`]): the first step of [`super::words`].

use unicode_segmentation::UnicodeSegmentation;

use super::ascii;

/// A word as [`for_each_word`] finds it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Word<'a> {
    pub(super) text: &'a str,
    /// For a word of at most fifteen ASCII letters and digits: sixteen bytes of the text
    /// from the word's first (see [`ascii::window`]).
    pub(super) plain: Option<u128>,
}

/// Calls `each` with the words of `text` by Unicode's word boundaries (UAX #29), as
/// `unicode_words` finds them, until it returns false; only faster on the plain ASCII words
/// that make up most of a Latin-script text.
///
/// Whitespace always separates words, and ASCII punctuation at either end of a run of
/// non-space characters always ends a word there (it joins only between letters or digits,
/// `_` aside), so a run of ASCII letters and digits is one word as it stands. Every other
/// run goes through the segmenter, which is about five times slower per byte.
pub(super) fn for_each_word<'a>(text: &'a str, mut each: impl FnMut(Word<'a>) -> bool) {
    let edge = |b: &u8| b.is_ascii_punctuation() && *b != b'_';
    // Split at ASCII whitespace; a run holding any other space (no-break, ideographic) is
    // not plain ASCII and goes to the segmenter, which splits it there. ASCII bytes never
    // fall inside a character, so every cut below is at a boundary.
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii_whitespace() {
            at += 1;
            continue;
        }
        // Most runs are a short word of letters and digits only, found sixteen bytes at
        // a time.
        let start = at;
        let window = ascii::window(bytes, start);
        at += ascii::alphanumeric_run(window);
        if at - start == 16 {
            at += bytes[at..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(bytes.len() - at);
        }
        if at > start && bytes.get(at).is_none_or(u8::is_ascii_whitespace) {
            let word = Word {
                text: &text[start..at],
                plain: (at - start <= 15).then_some(window),
            };
            if !each(word) {
                return;
            }
            continue;
        }
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let run = &bytes[start..at];
        let first = run.iter().position(|b| !edge(b)).unwrap_or(run.len());
        let last = run.iter().rposition(|b| !edge(b)).map_or(first, |i| i + 1);
        let (first, last) = (start + first, start + last);
        if first == last {
            continue;
        }
        let word = &text[first..last];
        if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
            let plain = (word.len() <= 15).then(|| ascii::window(bytes, first));
            if !each(Word { text: word, plain }) {
                return;
            }
        } else {
            for text in word.unicode_words() {
                if !each(Word { text, plain: None }) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_as_the_unicode_segmenter_finds_them() {
        let texts = [
            "Direct flights, the \"SCO\" (2025) and Pakistan's IT sector: site.title 3.5 _x_ a-b",
            "  Tabs\tand\nnew lines;; end. ",
            "روسی سفیر (SCO) نے کہا: ”ملاقات“ ۔ 2025ء",
            "Посол «России» — 15 января; т.е. всё.",
            "e\u{301}te\u{301} café naïve ﬁle 1,000 don't",
            "no\u{a0}break\u{3000}ideographic\u{2028}line 15\u{202f}г. ΟΔΟΣ",
        ];
        for text in texts {
            let mut fast = Vec::new();
            for_each_word(text, |w| {
                fast.push(w.text);
                true
            });
            let slow: Vec<&str> = text.unicode_words().collect();
            assert_eq!(fast, slow, "{text}");
        }
    }
}
