//! Text kept compressed on a large site. Every page's HTML and plain text stay in memory
//! from parse until the page is written (and `serve` keeps them for as long as it runs);
//! LZ4 holds them in about half their size (2.1× on the benchmark's 1,000-word articles,
//! 1.4× on the briefing's short pages) and gives them back at gigabytes a second, so a page
//! being rendered pays microseconds and the site's bodies grow a build's memory by half as
//! much.
//!
//! Compressing is still a twentieth of a build's time, which a site whose bodies fit in
//! memory many times over need not pay: [`pack_bodies`] says, from the size of the site's
//! content, whether its pages keep their text compressed or as it is.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Mutex;

/// A site whose content files hold more than this many bytes keeps its pages' text
/// compressed. Bodies as HTML and plain text take some two and a half times their
/// Markdown: at this size some 300 MiB uncompressed, against about 1.4 GiB for the whole
/// build of a 100,000-article site (780 MB of Markdown), which compresses them.
pub const PACK_ABOVE: usize = 128 << 20;

/// Whether the pages of a site whose content files hold `content_bytes` keep their text
/// compressed (see [`PACK_ABOVE`]).
pub fn pack_bodies(content_bytes: usize) -> bool {
    content_bytes > PACK_ABOVE
}

/// A string, compressed or as it is. The empty string is no bytes at all.
#[derive(Clone, Default)]
pub struct Packed(Repr);

#[derive(Clone, Default)]
enum Repr {
    #[default]
    Empty,
    /// The text as it is.
    Plain(Box<str>),
    /// Its length in 4 bytes (little-endian), then an LZ4 block.
    Lz4(Box<[u8]>),
}

thread_local! {
    /// Where each thread compresses, so that a packed text takes exactly its size.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

impl Packed {
    /// `text`, compressed.
    pub fn new(text: &str) -> Packed {
        Packed::with(text, true)
    }

    /// `text`, compressed if `compress`.
    pub fn with(text: &str, compress: bool) -> Packed {
        if text.is_empty() {
            return Packed::default();
        }
        if !compress {
            return Packed(Repr::Plain(Box::from(text)));
        }
        let len = u32::try_from(text.len()).expect("a page's text is under 4 GiB");
        SCRATCH.with_borrow_mut(|out| {
            out.clear();
            out.extend_from_slice(&len.to_le_bytes());
            out.resize(4 + lz4_flex::block::get_maximum_output_size(text.len()), 0);
            // The buffer has room for the worst case, so compressing cannot fail.
            let n = lz4_flex::block::compress_into(text.as_bytes(), &mut out[4..])
                .expect("room for the worst case");
            Packed(Repr::Lz4(Box::from(&out[..4 + n])))
        })
    }

    /// The text.
    pub fn unpack(&self) -> String {
        self.text().into_owned()
    }

    /// The text, borrowed where it is kept as it is.
    pub fn text(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Empty => Cow::Borrowed(""),
            Repr::Plain(text) => Cow::Borrowed(text),
            Repr::Lz4(bytes) => {
                let (len, block) = bytes
                    .split_first_chunk::<4>()
                    .expect("a packed text starts with its length");
                let len = u32::from_le_bytes(*len) as usize;
                // These bytes were made by `Packed::with` from a `&str` and never changed:
                // the block decompresses to exactly `len` bytes of UTF-8.
                let bytes =
                    lz4_flex::block::decompress(block, len).expect("a block Packed::with made");
                Cow::Owned(String::from_utf8(bytes).expect("packed from a &str"))
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// How many bytes it takes packed.
    pub fn packed_len(&self) -> usize {
        match &self.0 {
            Repr::Empty => 0,
            Repr::Plain(text) => text.len(),
            Repr::Lz4(bytes) => bytes.len(),
        }
    }
}

/// Two texts are equal when they read the same, whether kept compressed or not (`serve`
/// compares a page parsed again with the one it had).
impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        match (&self.0, &other.0) {
            (Repr::Empty, Repr::Empty) => true,
            (Repr::Plain(a), Repr::Plain(b)) => a == b,
            (Repr::Lz4(a), Repr::Lz4(b)) => a == b,
            _ => self.text() == other.text(),
        }
    }
}

impl Eq for Packed {}

/// A [`Packed`] text that can be let go of through a shared reference. A build to disk
/// renders every page from one `&Site` on many threads; it frees each article's HTML as
/// soon as the last page showing it is written (`render::release`), rather than holding
/// every body of the site until the end.
pub struct Releasable(Mutex<Option<Packed>>);

impl Releasable {
    /// `text`, compressed if `compress`.
    pub fn new(text: &str, compress: bool) -> Releasable {
        Releasable(Mutex::new(Some(Packed::with(text, compress))))
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

impl Default for Releasable {
    fn default() -> Releasable {
        Releasable::new("", false)
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
        for text in ["", "a", "Урду اردو Русский", prose.as_str()] {
            let packed = Packed::new(text);
            assert_eq!(packed.unpack(), text);
            assert_eq!(packed.is_empty(), text.is_empty());
        }
        assert!(Packed::new(&prose).packed_len() < prose.len() / 2);
    }

    #[test]
    fn kept_as_it_is_or_compressed_it_reads_the_same() {
        let prose = "Pakistan and Russia discussed trade, flights and IT. ".repeat(40);
        for text in ["", "a", "Урду اردو Русский", prose.as_str()] {
            let plain = Packed::with(text, false);
            assert_eq!(plain.text(), text);
            assert!(
                matches!(plain.text(), Cow::Borrowed(_)),
                "not copied to be read"
            );
            assert_eq!(plain, Packed::new(text));
            assert_eq!(Packed::new(text), plain);
        }
        assert_ne!(Packed::with("a", false), Packed::new("b"));
        assert_eq!(Packed::with(&prose, false).packed_len(), prose.len());
    }

    #[test]
    fn only_a_large_site_pays_for_compressing() {
        assert!(
            !pack_bodies(78_000_000),
            "the 10,000-article benchmark site"
        );
        assert!(
            pack_bodies(780_000_000),
            "the 100,000-article benchmark site"
        );
    }

    #[test]
    fn a_released_text_is_freed_and_no_longer_read() {
        let html = Releasable::new("<p>Trade talks in Moscow</p>", true);
        assert_eq!(html.unpack(), "<p>Trade talks in Moscow</p>");
        assert_eq!(html, html.clone());
        html.release();
        assert_eq!(html.packed_len(), 0);
        assert_ne!(html, Releasable::new("<p>Trade talks in Moscow</p>", true));
        let read = std::panic::catch_unwind(|| html.unpack());
        assert!(
            read.is_err(),
            "reading a released text is a bug, not an empty page"
        );
        assert_eq!(Releasable::default().unpack(), "");
    }
}
