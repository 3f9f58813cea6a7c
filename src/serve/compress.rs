//! Compressed responses: brotli or gzip, chosen from the request's `Accept-Encoding`, made
//! once per version of a file and kept beside it.
//!
//! A file is compressed the first time a client asks for it in an encoding, not when it is
//! published: a rebuild publishes many pages nobody looks at. An HTML page as served
//! carries the generation it is served from (in its live-reload tag), so its compressed
//! forms are kept for the generation they were made for and made again, once, for the
//! next. Files that are compressed already (images, fonts, PDFs, archives) are sent as
//! they are.

use std::io::Write;
use std::sync::Mutex;

use bytes::Bytes;

/// A content coding attache serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    /// The name in `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    /// What the file's ETag gets, so each encoding of one version has a tag of its own.
    pub fn etag_suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => ".br",
            Encoding::Gzip => ".gz",
        }
    }

    /// Compresses `bytes`. Brotli at quality 5 and gzip at level 6 are the usual choices
    /// for responses made on the fly: most of the gain for a small part of the time.
    pub fn compress(self, bytes: &[u8]) -> Bytes {
        let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
        match self {
            Encoding::Brotli => {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                // Writing into a Vec cannot fail.
                let _ = w.write_all(bytes);
                let _ = w.flush();
            }
            Encoding::Gzip => {
                let mut w = flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(6));
                // Writing into a Vec cannot fail.
                let _ = w.write_all(bytes);
                let _ = w.finish();
            }
        }
        Bytes::from(out)
    }
}

/// The encoding to answer with, from an `Accept-Encoding` value: the one with the highest
/// quality the client accepts (brotli before gzip when equal), or none (identity).
pub(super) fn negotiate(accept: Option<&str>) -> Option<Encoding> {
    let accept = accept?;
    let mut br: Option<f32> = None;
    let mut gzip: Option<f32> = None;
    let mut any: Option<f32> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0f32;
        for param in parts {
            if let Some((k, v)) = param.split_once('=')
                && k.trim().eq_ignore_ascii_case("q")
            {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        match coding.as_str() {
            "br" => br = Some(q),
            "gzip" | "x-gzip" => gzip = Some(q),
            "*" => any = Some(q),
            _ => {}
        }
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if br > 0.0 && br >= gzip {
        Some(Encoding::Brotli)
    } else if gzip > 0.0 {
        Some(Encoding::Gzip)
    } else {
        None
    }
}

/// Whether files of this Content-Type gain from compression: text and the text-based
/// formats do; images other than SVG, fonts other than TrueType and OpenType, PDFs,
/// audio, video and archives are compressed already.
pub(super) fn compressible(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or("").trim();
    t.starts_with("text/")
        || t.ends_with("+xml")
        || t.ends_with("+json")
        || matches!(
            t,
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/wasm"
                | "image/x-icon"
                | "image/bmp"
                | "font/ttf"
                | "font/otf"
        )
}

/// The compressed forms of one version of a file, made when first asked for. Each is kept
/// with the generation it was made for (empty for files that do not depend on it).
#[derive(Default)]
pub struct Compressed {
    made: Mutex<Vec<(Encoding, String, Bytes)>>,
}

impl Compressed {
    /// The file in `encoding` for `generation`, compressed from `plain()` if not made yet.
    /// Forms made for another generation are dropped.
    pub fn get(
        &self,
        encoding: Encoding,
        generation: &str,
        plain: impl FnOnce() -> Vec<u8>,
    ) -> Bytes {
        let lock = || self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, b)) = lock()
            .iter()
            .find(|(e, g, _)| *e == encoding && g == generation)
        {
            return b.clone();
        }
        // Compressed outside the lock: two requests at once may both compress, once.
        let bytes = encoding.compress(&plain());
        let mut made = lock();
        made.retain(|(_, g, _)| g == generation);
        if !made
            .iter()
            .any(|(e, g, _)| *e == encoding && g == generation)
        {
            made.push((encoding, generation.to_string(), bytes.clone()));
        }
        bytes
    }

    /// How many compressed forms are kept (for tests).
    pub fn kept(&self) -> usize {
        self.made.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_accepted_encoding_wins() {
        assert_eq!(negotiate(None), None);
        assert_eq!(negotiate(Some("")), None);
        assert_eq!(negotiate(Some("identity")), None);
        assert_eq!(negotiate(Some("gzip, deflate, br")), Some(Encoding::Brotli));
        assert_eq!(negotiate(Some("gzip")), Some(Encoding::Gzip));
        assert_eq!(negotiate(Some("x-gzip")), Some(Encoding::Gzip));
        assert_eq!(negotiate(Some("br;q=0, gzip")), Some(Encoding::Gzip));
        assert_eq!(
            negotiate(Some("br;q=0.5, gzip;q=0.8")),
            Some(Encoding::Gzip)
        );
        assert_eq!(negotiate(Some("BR; Q=1")), Some(Encoding::Brotli));
        assert_eq!(negotiate(Some("*")), Some(Encoding::Brotli));
        assert_eq!(negotiate(Some("*;q=0")), None);
        assert_eq!(negotiate(Some("gzip;q=0, br;q=0")), None);
        assert_eq!(negotiate(Some("deflate")), None);
    }

    #[test]
    fn compressed_types_are_left_alone() {
        for t in [
            "text/html; charset=utf-8",
            "text/css; charset=utf-8",
            "application/json",
            "application/atom+xml",
            "image/svg+xml",
            "application/manifest+json",
        ] {
            assert!(compressible(t), "{t}");
        }
        for t in [
            "image/png",
            "image/jpeg",
            "image/webp",
            "application/pdf",
            "font/woff2",
            "font/woff",
            "application/zip",
            "video/mp4",
            "application/octet-stream",
        ] {
            assert!(!compressible(t), "{t}");
        }
    }

    #[test]
    fn each_form_is_made_once_per_generation() {
        let text = "attache ".repeat(1000);
        let compressed = Compressed::default();
        let mut calls = 0;
        for _ in 0..3 {
            compressed.get(Encoding::Gzip, "g1", || {
                calls += 1;
                text.clone().into_bytes()
            });
        }
        assert_eq!(calls, 1);
        let br = compressed.get(Encoding::Brotli, "g1", || text.clone().into_bytes());
        assert!(br.len() < text.len() / 10);
        assert_eq!(compressed.kept(), 2);
        compressed.get(Encoding::Gzip, "g2", || text.clone().into_bytes());
        assert_eq!(
            compressed.kept(),
            1,
            "the old generation's forms are dropped"
        );
    }
}
