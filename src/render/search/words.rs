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

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use super::ascii;
use super::segment::for_each_word;

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
    stop: &StopWords,
    buffer: &mut String,
    mut each: impl FnMut(Term) -> bool,
) {
    let mut lower = String::with_capacity(MAX_TERM_CHARS);
    let mut words = |text: &str, buffer: &mut String, each: &mut dyn FnMut(Term) -> bool| {
        let mut go = true;
        for_each_word(text, |word| {
            go = match word.plain {
                Some(window) => plain_term(word.text.len(), window, stop, &mut *each),
                None if word.text.is_ascii() => ascii_term(word.text, stop, &mut lower, &mut *each),
                None => word_term(word.text, stop, buffer, &mut *each),
            };
            go
        });
        go
    };
    // Runs of characters of scripts without spaces, and the text between them. Those
    // scripts lie above U+0800, so only characters that start with a three- or four-byte
    // lead (0xE0 and up) are looked at.
    let bytes = text.as_bytes();
    let (mut rest, mut at) = (0, 0);
    while let Some(found) = ascii::first_long_lead(&bytes[at..]) {
        let start = at + found;
        // A lead byte starts a character, so `start` is a boundary.
        let run: usize = text[start..]
            .chars()
            .take_while(|&c| no_space(c))
            .map(char::len_utf8)
            .sum();
        if run == 0 {
            // Not such a script: step over the character (three or four bytes).
            at = start + text[start..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let end = start + run;
        if !words(&text[rest..start], buffer, &mut each)
            || !bigrams(&text[start..end], buffer, &mut each)
        {
            return;
        }
        (rest, at) = (end, end);
    }
    words(&text[rest..], buffer, &mut each);
}

/// The term of a word of ASCII characters, if it makes one; false when `each` says stop.
/// Folding such a word is making it lower case, and its length in bytes is its length in
/// characters, so the term is made with no look at its characters but that.
fn ascii_term(
    word: &str,
    stop: &StopWords,
    lower: &mut String,
    each: &mut dyn FnMut(Term) -> bool,
) -> bool {
    if word.len() < 2 {
        return true;
    }
    // Any byte offset of an ASCII word is a character boundary.
    let cut = &word[..word.len().min(MAX_TERM_CHARS)];
    // The number of the term in lower case: ten million words of a large site are
    // looked up in the stop list and the vocabulary by it.
    let lowered = cut.bytes().map(|b| b.to_ascii_lowercase());
    let term = match pack(lowered) {
        Some(key) => Term::Short(key),
        None if cut.bytes().any(|b| b.is_ascii_uppercase()) => {
            lower.clear();
            lower.push_str(cut);
            lower.make_ascii_lowercase();
            Term::Long(lower)
        }
        None => Term::Long(cut),
    };
    stop.has(term) || each(term)
}

/// The term of a word of `len` (at most fifteen) ASCII letters and digits whose bytes
/// are the first of `window`: most words of a Latin-script text, made lower case and
/// packed without a look at each byte; false when `each` says stop.
#[inline]
fn plain_term(
    len: usize,
    window: u128,
    stop: &StopWords,
    each: &mut dyn FnMut(Term) -> bool,
) -> bool {
    if len < 2 {
        return true;
    }
    let (lower, _) = ascii::lower_case(ascii::first_bytes(window, len));
    let term = Term::Short(lower | (len as u128) << 120);
    stop.has(term) || each(term)
}

/// The term of one word, if it makes one; false when `each` says stop.
fn word_term(
    word: &str,
    stop: &StopWords,
    buffer: &mut String,
    each: &mut dyn FnMut(Term) -> bool,
) -> bool {
    fold(word, buffer);
    let mut chars = buffer.char_indices();
    if chars.nth(1).is_none() {
        return true;
    }
    if let Some((cut, _)) = buffer.char_indices().nth(MAX_TERM_CHARS) {
        buffer.truncate(cut);
    }
    let term = Term::new(buffer);
    stop.has(term) || each(term)
}

/// A stop list made quick to ask: its words of up to fifteen bytes (all of English's) as
/// numbers, each alone in its slot of a small table, so that asking about a word is one
/// multiplication, one read and one comparison, whatever its length. Made for the few
/// dozen words of a language's list: the table grows with the square of a long one.
#[derive(Debug, Clone, Default)]
pub struct StopWords<'a> {
    /// By slot ([`slot`]): the packed word there, or 0 (which no word packs
    /// to: its length is in the top byte). Empty for an empty list.
    table: Box<[u128]>,
    /// The multiplier that puts no two words in one slot.
    multiplier: u64,
    /// How far a product is shifted to give a slot: 64 less the table's size in bits.
    shift: u32,
    long: Vec<&'a str>,
}

impl<'a> StopWords<'a> {
    pub fn new(words: &[&'a str]) -> StopWords<'a> {
        let short: Vec<u128> = words.iter().filter_map(|w| packed(w)).collect();
        let mut stop = StopWords {
            long: words
                .iter()
                .copied()
                .filter(|w| packed(w).is_none())
                .collect(),
            ..StopWords::default()
        };
        if short.is_empty() {
            return stop;
        }
        // Eight slots a word, and multipliers tried until no two words meet: a handful
        // of tries at that size; a larger table if a thousand do not do.
        let mut bits = (short.len() * 8).next_power_of_two().trailing_zeros();
        loop {
            for attempt in 0..1000u64 {
                let multiplier = 0x9E37_79B9_7F4A_7C15_u64.wrapping_add(attempt * 2);
                let shift = 64 - bits;
                let mut table = vec![0u128; 1 << bits];
                let placed = short.iter().all(|&key| {
                    let at = slot(key, multiplier, shift);
                    let free = table[at] == 0 || table[at] == key;
                    table[at] = key;
                    free
                });
                if placed {
                    stop.table = table.into_boxed_slice();
                    (stop.multiplier, stop.shift) = (multiplier, shift);
                    return stop;
                }
            }
            bits += 1;
        }
    }

    /// Whether `term` is on the list.
    #[inline]
    pub fn has(&self, term: Term) -> bool {
        match term {
            Term::Short(key) => {
                !self.table.is_empty() && self.table[slot(key, self.multiplier, self.shift)] == key
            }
            Term::Long(text) => self.long.contains(&text),
        }
    }
}

/// The slot of the packed word `key` in a table of `1 << (64 - shift)` slots.
#[inline]
fn slot(key: u128, multiplier: u64, shift: u32) -> usize {
    ((key as u64 ^ (key >> 64) as u64).wrapping_mul(multiplier) >> shift) as usize
}

/// A term as analysis gives it: a term of up to fifteen bytes (most of them) as the
/// number it packs to ([`packed`]), worked out once for the stop list and the vocabulary
/// both, and written out only when the vocabulary first meets it; a longer one as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term<'t> {
    Short(u128),
    Long(&'t str),
}

impl<'t> Term<'t> {
    pub fn new(text: &'t str) -> Term<'t> {
        packed(text).map_or(Term::Long(text), Term::Short)
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        match self {
            Term::Short(key) => (key >> 120) as usize,
            Term::Long(text) => text.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its text.
    pub fn text(&self) -> Cow<'t, str> {
        match *self {
            Term::Short(key) => {
                let bytes = key.to_le_bytes();
                // A key is the bytes of a `&str` ([`packed`]) or ASCII letters and digits
                // made lower case ([`plain_term`]): UTF-8 either way.
                let text = std::str::from_utf8(&bytes[..self.len()]).expect("a term's bytes");
                Cow::Owned(text.to_string())
            }
            Term::Long(text) => Cow::Borrowed(text),
        }
    }
}

/// A word of up to fifteen bytes as one number (its bytes, then its length in the top
/// byte): most words are that short, and numbers are hashed and compared in place.
#[inline]
pub(super) fn packed(word: &str) -> Option<u128> {
    pack(word.bytes())
}

/// [`packed`] of the bytes `bytes` gives (a word's, or its bytes lower-cased on the way).
#[inline]
fn pack(bytes: impl ExactSizeIterator<Item = u8> + DoubleEndedIterator) -> Option<u128> {
    let len = bytes.len();
    if len > 15 {
        return None;
    }
    // Shifted in one by one, in registers: bytes copied into an array and read back as
    // one number stall the processor (the read cannot be served from the small writes).
    let key = bytes.rev().fold(0u128, |key, b| key << 8 | u128::from(b));
    Some(key | (len as u128) << 120)
}

/// The overlapping pairs of characters of a run of a script without spaces, folded.
fn bigrams(run: &str, buffer: &mut String, each: &mut dyn FnMut(Term) -> bool) -> bool {
    let mut folded = String::new();
    fold(run, &mut folded);
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    if chars.len() == 1 {
        return each(Term::new(&folded));
    }
    for pair in chars.windows(2) {
        let end = pair[1].0 + pair[1].1.len_utf8();
        buffer.clear();
        buffer.push_str(&folded[pair[0].0..end]);
        if !each(Term::new(buffer)) {
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

#[cfg(test)]
mod tests {
    use unicode_segmentation::UnicodeSegmentation;

    use super::*;

    fn terms(text: &str, language: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut buffer = String::new();
        for_each_term(
            text,
            &StopWords::new(stop_words(language)),
            &mut buffer,
            |t| {
                out.push(t.text().into_owned());
                true
            },
        );
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
    fn a_stop_list_holds_its_words_and_no_others() {
        let words = |list: &[&str]| -> Vec<String> {
            let stop = StopWords::new(list);
            // Near misses: each word a letter longer, shorter, or changed ("has" to "as",
            // itself on the English list, aside).
            let near = list
                .iter()
                .flat_map(|w| [format!("{w}s"), w[1..].to_string(), format!("x{}", &w[1..])])
                .filter(|w| !list.contains(&w.as_str()));
            let asked = list.iter().map(|w| w.to_string()).chain(near);
            asked.filter(|w| stop.has(Term::new(w))).collect()
        };
        let english = stop_words("en");
        let found = words(english);
        assert_eq!(
            found, english,
            "every English stop word, and nothing near one"
        );
        // Lists of every size up to a hundred words, some longer than fifteen bytes.
        let many: Vec<String> = (0..100)
            .map(|i| {
                format!(
                    "w{i}{}",
                    if i % 7 == 0 {
                        "-long-enough-not-to-pack"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        for n in 0..many.len() {
            let list: Vec<&str> = many[..n].iter().map(String::as_str).collect();
            assert_eq!(words(&list), list, "{n} words");
        }
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

    /// A term's text, and the number it is known by if it is short.
    fn owned(t: Term) -> (String, Option<u128>) {
        let key = match t {
            Term::Short(key) => Some(key),
            Term::Long(_) => None,
        };
        (t.text().into_owned(), key)
    }

    #[test]
    fn ascii_words_give_the_terms_folding_gives() {
        let long = "X".repeat(40);
        let text =
            format!("The SCO's 2025 summit: U.S. a-b don't 3.5 _x_ A {long} flights, AND Trade.");
        let stop = &StopWords::new(stop_words("en"));
        let (mut fast, mut general) = (Vec::new(), Vec::new());
        let (mut lower, mut buffer) = (String::new(), String::new());
        for_each_word(&text, |word| {
            let mut push = |t: Term| {
                fast.push(owned(t));
                true
            };
            match word.plain {
                Some(window) => plain_term(word.text.len(), window, stop, &mut push),
                None => ascii_term(word.text, stop, &mut lower, &mut push),
            };
            word_term(word.text, stop, &mut buffer, &mut |t| {
                general.push(owned(t));
                true
            })
        });
        // The same terms, each with the number its text packs to.
        assert_eq!(fast, general);
        assert!(fast.iter().all(|(text, key)| *key == packed(text)));
        let fast: Vec<String> = fast.into_iter().map(|(text, _)| text).collect();
        assert!(fast.contains(&"x".repeat(MAX_TERM_CHARS)), "{fast:?}");
        // In a text that is not all ASCII, the ASCII words are terms just the same.
        assert_eq!(
            terms("Pakistan’s SCO “summit” 中华 Karachi", "en"),
            ["pakistan’s", "sco", "summit", "中华", "karachi"]
        );
    }

    #[test]
    fn random_texts_split_and_fold_as_the_general_path_does() {
        // Pieces that meet at every offset of the sixteen-byte reads: letters, digits,
        // capitals, punctuation, spaces, and characters of two, three and four bytes (scripts
        // without spaces, made pairs of characters, aside).
        let pieces = [
            "a",
            "Z",
            "7",
            "SCO",
            "gwadar",
            "Pakistan",
            "0123456789abcdefXYZ",
            " ",
            "  ",
            "\t",
            "\n",
            ",",
            ".",
            "'",
            "-",
            "_",
            "(",
            "\u{a0}",
            "é",
            "ملاقات",
            "—",
            "😀",
        ];
        let stop = &StopWords::new(stop_words("en"));
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(super::super::next_random(&mut state) % 24) {
                let r = super::super::next_random(&mut state);
                text.push_str(pieces[(r % pieces.len() as u64) as usize]);
            }
            let (mut fast, mut terms, mut general_terms) = (Vec::new(), Vec::new(), Vec::new());
            for_each_word(&text, |w| {
                fast.push(w.text);
                true
            });
            let general: Vec<&str> = text.unicode_words().collect();
            assert_eq!(fast, general, "{text:?}");
            let mut buffer = String::new();
            for_each_term(&text, stop, &mut buffer, |t| {
                terms.push(owned(t));
                true
            });
            for word in general {
                word_term(word, stop, &mut buffer, &mut |t| {
                    general_terms.push(owned(t));
                    true
                });
            }
            assert_eq!(terms, general_terms, "{text:?}");
        }
    }
}
