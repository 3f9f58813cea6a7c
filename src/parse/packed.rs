//! Text kept compressed. Every page's HTML and plain text stay in memory from parse until
//! the page is written (and `serve` keeps them for as long as it runs); LZ4 holds them in
//! about half their size (2.1× on the benchmark's 1,000-word articles, 1.4× on the
//! briefing's short pages) and gives them back at gigabytes a second, so a page being
//! rendered pays microseconds and the site's bodies grow a build's memory by half as much.
//!
//! A page's plain text (which only the search index reads) is packed against the page's
//! own HTML ([`PackedText`]), which holds nearly every word of it: a fifth of its size
//! packed alone, and packed in less time, since most of it is found in the HTML.

use std::fmt;
use std::sync::Mutex;

/// A string, compressed: its length in 4 bytes (little-endian), then an LZ4 block. The
/// empty string is no bytes at all.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed(Box<[u8]>);

impl Packed {
    pub fn new(text: &str) -> Packed {
        if text.is_empty() {
            return Packed::default();
        }
        assert!(
            u32::try_from(text.len()).is_ok(),
            "a page's text is under 4 GiB"
        );
        // The layout above is the one `compress_prepend_size` writes, and it writes with
        // the crate's unchecked encoder (`compress_into` checks each write): 9 % less time
        // compressing the 10,000-article benchmark site.
        Packed(lz4_flex::block::compress_prepend_size(text.as_bytes()).into_boxed_slice())
    }

    /// The text.
    pub fn unpack(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        // These bytes were made by `Packed::new` from a `&str` and never changed: they
        // decompress to the UTF-8 they were made from.
        let bytes =
            lz4_flex::block::decompress_size_prepended(&self.0).expect("a block Packed::new made");
        String::from_utf8(bytes).expect("packed from a &str")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many bytes it takes packed.
    pub fn packed_len(&self) -> usize {
        self.0.len()
    }
}

/// A [`Packed`] text that can be let go of through a shared reference. A build to disk
/// renders every page from one `&Site` on many threads; it frees each article's HTML as
/// soon as the last page showing it is written (`render::release`), rather than holding
/// every body of the site until the end.
pub struct Releasable(Mutex<Option<Packed>>);

impl Releasable {
    pub fn new(text: &str) -> Releasable {
        Releasable(Mutex::new(Some(Packed::new(text))))
    }

    /// The text.
    ///
    /// # Panics
    ///
    /// If it was released: every job that shows a page's HTML says so in its reads (which
    /// `serve` relies on to know what an edit changes), and a build releases an article's
    /// HTML only once each of those jobs is done, so no job can find it gone.
    pub fn unpack(&self) -> String {
        self.lock()
            .as_ref()
            .expect("a page's HTML is released only after every job showing it is done")
            .unpack()
    }

    /// The plain text `text` that was packed against this HTML.
    ///
    /// # Panics
    ///
    /// If the HTML was released while `text` still had to be read: a build counts the
    /// search index among the readers of every page it indexes ([`Releasable::unpack`]).
    pub fn unpack_text(&self, text: &PackedText) -> String {
        if text.is_empty() {
            return String::new();
        }
        text.unpack(&self.unpack())
    }

    /// Frees the text; reading it afterwards panics.
    pub fn release(&self) {
        self.lock().take();
    }

    /// How many bytes it takes packed (none once released).
    pub fn packed_len(&self) -> usize {
        self.lock().as_ref().map_or(0, Packed::packed_len)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Packed>> {
        // The guarded value is replaced whole or not at all: a panic elsewhere while it
        // was locked cannot have left it half-changed.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A page's plain text, compressed with its HTML as the dictionary: its length in 4 bytes
/// (little-endian), then an LZ4 block whose matches may point into the HTML. Read back only
/// with the same HTML ([`Releasable::unpack_text`]). The empty text is no bytes at all.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PackedText(Box<[u8]>);

impl PackedText {
    /// `text` packed against `html`. LZ4 looks back 64 KiB at most: a longer page's text
    /// finds only the end of its HTML, and is packed less well, not wrongly.
    pub fn new(text: &str, html: &str) -> PackedText {
        if text.is_empty() {
            return PackedText::default();
        }
        assert!(
            u32::try_from(text.len()).is_ok(),
            "a page's text is under 4 GiB"
        );
        let block =
            lz4_flex::block::compress_prepend_size_with_dict(text.as_bytes(), html.as_bytes());
        PackedText(block.into_boxed_slice())
    }

    /// The text, given the HTML it was packed against.
    fn unpack(&self, html: &str) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        // These bytes were made by `PackedText::new` from a `&str` against `html`, which
        // [`Releasable::unpack_text`] gives back as it was.
        let bytes = lz4_flex::block::decompress_size_prepended_with_dict(&self.0, html.as_bytes())
            .expect("a block PackedText::new made against this HTML");
        String::from_utf8(bytes).expect("packed from a &str")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many bytes it takes packed.
    pub fn packed_len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for PackedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackedText({} bytes)", self.0.len())
    }
}

impl Default for Releasable {
    fn default() -> Releasable {
        Releasable::new("")
    }
}

impl Clone for Releasable {
    fn clone(&self) -> Releasable {
        Releasable(Mutex::new(self.lock().clone()))
    }
}

impl PartialEq for Releasable {
    fn eq(&self, other: &Releasable) -> bool {
        // One lock at a time: two threads comparing the same pair in turn cannot deadlock.
        let mine = self.lock().clone();
        mine == *other.lock()
    }
}

impl fmt::Debug for Releasable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.lock() {
            Some(packed) => fmt::Debug::fmt(packed, f),
            None => f.write_str("(released)"),
        }
    }
}

impl From<&str> for Packed {
    fn from(text: &str) -> Packed {
        Packed::new(text)
    }
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.unpack(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_what_it_was_given() {
        let prose = "Pakistan and Russia discussed trade, flights and IT. ".repeat(40);
        for text in [prose.as_str(), "", "a", "Урду اردو Русский", prose.as_str()] {
            let packed = Packed::new(text);
            assert_eq!(packed.unpack(), text);
            assert_eq!(packed.is_empty(), text.is_empty());
        }
        assert!(Packed::new(&prose).packed_len() < prose.len() / 2);
    }

    #[test]
    fn a_text_packed_against_its_html_is_read_back_with_it() {
        let paragraph = "Pakistan and Russia discussed trade, flights and IT in Moscow.";
        let html = Releasable::new(&format!("<h2>Talks</h2>\n<p>{paragraph}</p>\n"));
        for text in [
            format!("Talks {paragraph}"),
            String::new(),
            "Урду اردو".into(),
        ] {
            let packed = PackedText::new(&text, &html.unpack());
            assert_eq!(html.unpack_text(&packed), text);
        }
        // LZ4 looks back 64 KiB: the text of a page whose HTML is longer still comes back
        // whole, its words from the start of the HTML packed as if there were no HTML.
        let long: String = (0..10_000)
            .map(|i| format!("<p>Paragraph {i} on trade.</p>\n"))
            .collect();
        let text: String = (0..10_000)
            .map(|i| format!("Paragraph {i} on trade. "))
            .collect();
        assert!(long.len() > 3 * 65536);
        let long_html = Releasable::new(&long);
        assert_eq!(long_html.unpack_text(&PackedText::new(&text, &long)), text);
        let packed = PackedText::new(&format!("Talks {paragraph}"), &html.unpack());
        let alone = Packed::new(&format!("Talks {paragraph}"));
        assert!(
            packed.packed_len() * 2 < alone.packed_len(),
            "{} bytes against {}",
            packed.packed_len(),
            alone.packed_len()
        );
    }

    #[test]
    fn a_released_text_is_freed_and_no_longer_read() {
        let html = Releasable::new("<p>Trade talks in Moscow</p>");
        assert_eq!(html.unpack(), "<p>Trade talks in Moscow</p>");
        assert_eq!(html, html.clone());
        html.release();
        assert_eq!(html.packed_len(), 0);
        assert_ne!(html, Releasable::new("<p>Trade talks in Moscow</p>"));
        let read = std::panic::catch_unwind(|| html.unpack());
        assert!(
            read.is_err(),
            "reading a released text is a bug, not an empty page"
        );
        assert_eq!(Releasable::default().unpack(), "");
    }
}
