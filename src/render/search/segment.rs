//! Text to words by Unicode's word boundaries (UAX #29), as the segmenter finds them, but
//! with the short words of ASCII letters and digits that make up most of a Latin-script
//! text found from masks of sixty-four bytes at a time: the first step of
//! [`super::words`].

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
///
/// The text is read [`BLOCK`] bytes at a time: which bytes are spaces and which letters or
/// digits, as two bit masks, and every run that ends inside the block is found from them.
/// No run waits for the one before it to be measured, which a byte-by-byte walk made a
/// chain through the whole text.
pub(super) fn for_each_word<'a>(text: &'a str, mut each: impl FnMut(Word<'a>) -> bool) {
    let bytes = text.as_bytes();
    // Each block starts at the text's start or just after a space: a run starts at its
    // first byte unless that is a space.
    let mut at = 0;
    while let Some(block) = bytes.get(at..at + BLOCK) {
        let (space, plain) = classify(block.try_into().expect("a block's bytes"));
        if space == 0 {
            // One run fills the block: measured byte by byte.
            match run_at(text, at, &mut each) {
                Some(end) => at = end,
                None => return,
            }
            continue;
        }
        // Runs that start before the block's last space end at a space inside it.
        let last = 63 - space.leading_zeros();
        let mut starts = !space & (space << 1 | 1) & ((1u64 << last) - 1);
        while starts != 0 {
            let first = starts.trailing_zeros();
            starts &= starts - 1;
            let end = first + (space >> first).trailing_zeros();
            let run = ((1u64 << end) - 1) & !((1u64 << first) - 1);
            let (first, end) = (at + first as usize, at + end as usize);
            let go = if plain & run == run {
                let plain = (end - first <= 15).then(|| ascii::window(bytes, first));
                each(Word {
                    text: &text[first..end],
                    plain,
                })
            } else {
                mixed_run(text, first, end, &mut each)
            };
            if !go {
                return;
            }
        }
        at += last as usize + 1;
    }
    while at < bytes.len() {
        match run_at(text, at, &mut each) {
            Some(end) => at = end,
            None => return,
        }
    }
}

/// Bytes read at once by [`for_each_word`]: one bit of a `u64` each.
const BLOCK: usize = 64;

/// Which bytes of `block` are ASCII whitespace, and which ASCII letters or digits: bit
/// `i` of each mask for byte `i`.
#[inline]
fn classify(block: &[u8; BLOCK]) -> (u64, u64) {
    let (mut space, mut plain) = (0u64, 0u64);
    for (i, sixteen) in block.chunks_exact(16).enumerate() {
        let sixteen = sixteen.try_into().expect("sixteen bytes");
        #[cfg(target_arch = "x86_64")]
        // SAFETY: SSE2 is part of x86-64 itself: every processor this code runs on has it.
        let (s, p) = unsafe { classify16(sixteen) };
        #[cfg(not(target_arch = "x86_64"))]
        let (s, p) = classify16(sixteen);
        space |= u64::from(s) << (16 * i);
        plain |= u64::from(p) << (16 * i);
    }
    (space, plain)
}

/// [`classify`] of sixteen bytes, with the processor's sixteen-byte comparisons (SSE2,
/// which every x86-64 processor has).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn classify16(bytes: &[u8; 16]) -> (u16, u16) {
    use std::arch::x86_64::*;
    let half = |at: usize| i64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    let x = _mm_set_epi64x(half(8), half(0));
    let splat = |b: u8| _mm_set1_epi8(b as i8);
    // Signed comparisons: bytes of 0x80 and up (parts of longer characters) are negative,
    // below every range asked about.
    let within = |x: __m128i, low: u8, high: u8| {
        _mm_and_si128(
            _mm_cmpgt_epi8(x, splat(low - 1)),
            _mm_cmplt_epi8(x, splat(high + 1)),
        )
    };
    let space = _mm_or_si128(_mm_cmpeq_epi8(x, splat(b' ')), within(x, b'\t', b'\r'));
    // `| 0x20` makes capitals small letters (and moves no other byte into a..=z); the
    // vertical tab, inside `\t..=\r`, is no ASCII whitespace by `u8::is_ascii_whitespace`.
    let space = _mm_andnot_si128(_mm_cmpeq_epi8(x, splat(0x0B)), space);
    let letter = within(_mm_or_si128(x, splat(0x20)), b'a', b'z');
    let plain = _mm_or_si128(letter, within(x, b'0', b'9'));
    (
        _mm_movemask_epi8(space) as u16,
        _mm_movemask_epi8(plain) as u16,
    )
}

/// [`classify`] of sixteen bytes, a byte at a time.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn classify16(bytes: &[u8; 16]) -> (u16, u16) {
    let (mut space, mut plain) = (0u16, 0u16);
    for (i, &b) in bytes.iter().enumerate() {
        space |= u16::from(b.is_ascii_whitespace()) << i;
        plain |= u16::from(b.is_ascii_alphanumeric()) << i;
    }
    (space, plain)
}

/// Calls `each` with the words of the run of non-space bytes that starts at or after
/// `at` (past any whitespace); gives where it ends, or `None` when `each` says stop.
fn run_at<'a>(
    text: &'a str,
    mut at: usize,
    each: &mut impl FnMut(Word<'a>) -> bool,
) -> Option<usize> {
    let bytes = text.as_bytes();
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    if at == bytes.len() {
        return Some(at);
    }
    // Most runs are a short word of letters and digits only, found sixteen bytes at a
    // time.
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
        return each(word).then_some(at);
    }
    while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    mixed_run(text, start, at, each).then_some(at)
}

/// Calls `each` with the words of the run of non-space bytes `start..end` that holds
/// something other than ASCII letters and digits; false when `each` says stop. ASCII
/// whitespace never falls inside a character, so `start` and `end` are boundaries.
fn mixed_run<'a>(
    text: &'a str,
    start: usize,
    end: usize,
    each: &mut impl FnMut(Word<'a>) -> bool,
) -> bool {
    let edge = |b: &u8| b.is_ascii_punctuation() && *b != b'_';
    let run = &text.as_bytes()[start..end];
    let first = run.iter().position(|b| !edge(b)).unwrap_or(run.len());
    let last = run.iter().rposition(|b| !edge(b)).map_or(first, |i| i + 1);
    let (first, last) = (start + first, start + last);
    if first == last {
        return true;
    }
    let word = &text[first..last];
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        let plain = (word.len() <= 15).then(|| ascii::window(text.as_bytes(), first));
        return each(Word { text: word, plain });
    }
    word.unicode_words()
        .all(|text| each(Word { text, plain: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `for_each_word` finds the words of `text` the Unicode segmenter finds,
    /// each plain word's bytes its own.
    fn assert_words_as_the_segmenter(text: &str) {
        let mut fast = Vec::new();
        for_each_word(text, |w| {
            if let Some(window) = w.plain {
                assert!(w.text.len() <= 15, "{:?}", w.text);
                assert_eq!(
                    ascii::first_bytes(window, w.text.len()),
                    ascii::first_bytes(ascii::window(w.text.as_bytes(), 0), w.text.len())
                );
            }
            fast.push(w.text);
            true
        });
        let slow: Vec<&str> = text.unicode_words().collect();
        assert_eq!(fast, slow, "{text:?}");
    }

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
            assert_words_as_the_segmenter(text);
        }
    }

    #[test]
    fn words_across_blocks_are_found_whole() {
        // Runs that start, end and cross at every offset of the blocks, runs longer than a
        // block, and blocks without a space.
        let pieces = [
            " ",
            "\n",
            "\u{b}",
            "\t",
            "a",
            "Gwadar",
            "SCO,",
            "(2025)",
            "don't",
            "é",
            "ملاقات",
            "中华",
            "\u{a0}",
            "0123456789abcdefXYZ",
            "_",
            "-",
            ".",
        ];
        let long = [
            "x".repeat(63),
            "y".repeat(64),
            "z".repeat(130),
            "w".repeat(62) + ".",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(super::super::next_random(&mut state) % 90) {
                let r = super::super::next_random(&mut state);
                match r % 20 {
                    0 => text.push_str(&long[(r >> 8) as usize % long.len()]),
                    n => text.push_str(pieces[(n as usize + (r >> 8) as usize) % pieces.len()]),
                }
            }
            assert_words_as_the_segmenter(&text);
        }
    }

    #[test]
    fn a_word_stops_the_walk_when_told() {
        let text = "one two three ".repeat(20);
        let mut seen = 0;
        for_each_word(&text, |_| {
            seen += 1;
            seen < 30
        });
        assert_eq!(seen, 30);
    }
}
