//! Text to search terms, exactly as the search page's script turns a query into terms
//! (`themes/briefing/static/search.js`, `terms()`): the two must agree byte for byte, or a
//! word in the index is never found.
//!
//! 1. Runs of characters of scripts written without spaces between words (Han, kana, Thai,
//!    Lao, Khmer, Myanmar) become overlapping pairs of characters ("bigrams"): no word
//!    list is needed, and the browser's dictionary-based segmenter and this one cannot
//!    disagree about where such words end. A run of one character is a term of its own.
//! 2. The rest is split into words by Unicode's word boundaries (UAX #29; the browser uses
//!    `Intl.Segmenter`, which follows the same rules for these scripts).
//! 3. Each word is folded: canonical decomposition (NFD), accents dropped after Latin
//!    letters (Russian й and ё keep theirs), Arabic-script vowel marks and tatweel
//!    dropped, lower case, and a few letters mapped to what readers type (ß → ss; the
//!    Urdu forms of letters an Arabic keyboard types).
//! 4. A folded word of one character, or on the language's stop list, is no term; a long
//!    one is cut to [`MAX_TERM_CHARS`] characters, which a query's word is cut to as well.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Terms are at most this many characters: a 10,000-letter "word" (a pasted hash, a
/// script without spaces the segmenter does not split) stays a short term, and a query
/// for its beginning still finds it.
pub const MAX_TERM_CHARS: usize = 32;

/// English words too common to tell pages apart: not indexed, and skipped in queries (a
/// quoted phrase still checks them in the page's text).
const ENGLISH_STOP: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "has", "have", "in",
    "into", "is", "its", "not", "of", "on", "or", "that", "the", "their", "they", "this", "to",
    "was", "were", "which", "will", "with", "would",
];

/// The stop list of a language (a language subtag such as `en`): English only for now.
pub fn stop_words(language: &str) -> &'static [&'static str] {
    if language == "en" { ENGLISH_STOP } else { &[] }
}

/// Characters of the scripts written without spaces between words. The script keeps the
/// same table (`NO_SPACE`); both list code point ranges rather than Unicode script names,
/// so that the two cannot disagree on a character.
fn no_space(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' | '\u{19E0}'..='\u{19FF}' // Khmer
        | '\u{2E80}'..='\u{2FDF}' // CJK radicals
        | '\u{3005}'..='\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303B}'
        | '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' // kana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' // Han
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
        | '\u{20000}'..='\u{2FA1F}' // Han, supplementary
    )
}

/// Calls `each` with every term of `text` (written in `language`), in order; `each`
/// returns false to stop. `buffer` is scratch space, kept by the caller across calls.
pub fn for_each_term(
    text: &str,
    stop: &[&str],
    buffer: &mut String,
    mut each: impl FnMut(&str) -> bool,
) {
    if text.is_ascii() {
        for_each_word(text, |word| word_term(word, stop, buffer, &mut each));
        return;
    }
    // Runs of characters of scripts without spaces, and the text between them.
    let mut rest = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !no_space(c) {
            continue;
        }
        let mut end = at + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if !no_space(c) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let mut go = true;
        for_each_word(&text[rest..at], |word| {
            go = word_term(word, stop, buffer, &mut each);
            go
        });
        if !go || !bigrams(&text[at..end], buffer, &mut each) {
            return;
        }
        rest = end;
    }
    for_each_word(&text[rest..], |word| {
        word_term(word, stop, buffer, &mut each)
    });
}

/// The term of one word, if it makes one; false when `each` says stop.
fn word_term(
    word: &str,
    stop: &[&str],
    buffer: &mut String,
    each: &mut impl FnMut(&str) -> bool,
) -> bool {
    fold(word, buffer);
    let mut chars = buffer.char_indices();
    if chars.nth(1).is_none() {
        return true;
    }
    if let Some((cut, _)) = buffer.char_indices().nth(MAX_TERM_CHARS) {
        buffer.truncate(cut);
    }
    if stop.contains(&buffer.as_str()) {
        return true;
    }
    each(buffer)
}

/// The overlapping pairs of characters of a run of a script without spaces, folded.
fn bigrams(run: &str, buffer: &mut String, each: &mut impl FnMut(&str) -> bool) -> bool {
    let mut folded = String::new();
    fold(run, &mut folded);
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    if chars.len() == 1 {
        return each(&folded);
    }
    for pair in chars.windows(2) {
        let end = pair[1].0 + pair[1].1.len_utf8();
        buffer.clear();
        buffer.push_str(&folded[pair[0].0..end]);
        if !each(buffer) {
            return false;
        }
    }
    true
}

/// Writes `word` folded into `out` (see the module doc), as the script's `fold` does.
pub fn fold(word: &str, out: &mut String) {
    out.clear();
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    // Accents go only after a Latin letter (U+0000–U+024F), and all of a run of them.
    let mut after_latin = false;
    let mut kept = String::with_capacity(word.len());
    for c in word.nfd() {
        if ('\u{300}'..='\u{36F}').contains(&c) {
            if !after_latin {
                kept.push(c);
            }
            continue;
        }
        after_latin = c <= '\u{24F}';
        if !arabic_mark(c) {
            kept.push(c);
        }
    }
    for c in kept.to_lowercase().chars() {
        match c {
            'ı' => out.push('i'),
            'ł' => out.push('l'),
            'ø' => out.push('o'),
            'đ' => out.push('d'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            '\u{064A}' | '\u{0649}' => out.push('\u{06CC}'),
            '\u{0643}' => out.push('\u{06A9}'),
            '\u{0647}' => out.push('\u{06C1}'),
            c => out.push(c),
        }
    }
}

/// Arabic-script vowel marks and tatweel: Urdu is mostly written without them.
fn arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// Calls `each` with the words of `text` by Unicode's word boundaries (UAX #29), as
/// `unicode_words` finds them, until it returns false; only faster on the plain ASCII words
/// that make up most of a Latin-script text.
///
/// Whitespace always separates words, and ASCII punctuation at either end of a run of
/// non-space characters always ends a word there (it joins only between letters or digits,
/// `_` aside), so a run of ASCII letters and digits is one word as it stands. Every other
/// run goes through the segmenter, which is about five times slower per byte.
pub fn for_each_word<'a>(text: &'a str, mut each: impl FnMut(&'a str) -> bool) {
    let edge = |b: &u8| b.is_ascii_punctuation() && *b != b'_';
    // Split at ASCII whitespace, byte by byte; a run holding any other space (no-break,
    // ideographic) is not plain ASCII and goes to the segmenter, which splits it there.
    for run in text.split_ascii_whitespace() {
        let bytes = run.as_bytes();
        let start = bytes.iter().position(|b| !edge(b)).unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|b| !edge(b))
            .map_or(start, |i| i + 1);
        // ASCII bytes never fall inside a character, so these are character boundaries.
        let trimmed = &run[start..end];
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
            if !each(trimmed) {
                return;
            }
        } else {
            for word in trimmed.unicode_words() {
                if !each(word) {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, language: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut buffer = String::new();
        for_each_term(text, stop_words(language), &mut buffer, |t| {
            out.push(t.to_string());
            true
        });
        out
    }

    #[test]
    fn english_words_are_lower_case_without_stop_words() {
        assert_eq!(
            terms("The IT sector of Pakistan, and the SCO (2025).", "en"),
            ["it", "sector", "pakistan", "sco", "2025"]
        );
        // "and" is a word like any other in a Russian text quoting English.
        assert_eq!(
            terms("the trade and flights", "ru"),
            ["the", "trade", "and", "flights"]
        );
    }

    #[test]
    fn accents_go_from_latin_letters_only() {
        assert_eq!(
            terms("Café Señor ÉTÉ naïve Straße", "en"),
            ["cafe", "senor", "ete", "naive", "strasse"]
        );
        // й keeps its breve, decomposed as the browser's NFD leaves it.
        assert_eq!(terms("Йошкар-Ола", "ru"), ["и\u{306}ошкар", "ола"]);
    }

    #[test]
    fn urdu_loses_vowel_marks_and_takes_urdu_letter_forms() {
        // Zabar on the first letter; Arabic yeh and kaf typed for Urdu ones.
        assert_eq!(terms("مَلاقات", "ur"), ["ملاقات"]);
        assert_eq!(
            terms("كيا", "ur"),
            [format!("{}{}ا", '\u{06A9}', '\u{06CC}')]
        );
    }

    #[test]
    fn scripts_without_spaces_become_pairs_of_characters() {
        assert_eq!(terms("中华人民", "zh"), ["中华", "华人", "人民"]);
        assert_eq!(terms("東京 と SCO", "ja"), ["東京", "と", "sco"]);
        assert_eq!(terms("ภาษาไทย", "th"), ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]);
    }

    #[test]
    fn long_words_are_cut_and_single_letters_dropped() {
        let long = "a".repeat(10_000);
        assert_eq!(
            terms(&format!("x {long} y"), "en"),
            ["a".repeat(MAX_TERM_CHARS)]
        );
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
            let mut fast = Vec::new();
            for_each_word(text, |w| {
                fast.push(w);
                true
            });
            let slow: Vec<&str> = text.unicode_words().collect();
            assert_eq!(fast, slow, "{text}");
        }
    }
}
