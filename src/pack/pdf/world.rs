//! The little world the PDF engine compiles in: one source file (the pack's layout), the
//! pack itself as `sys.inputs`, the fonts, and nothing else — no file system, no
//! packages, no network, no clock.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

pub(super) struct PackWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
}

impl PackWorld {
    /// A world whose main file is `layout`, with `inputs` as `sys.inputs`.
    pub(super) fn new(layout: &str, inputs: Dict, fonts: Vec<Font>) -> PackWorld {
        PackWorld {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            main: Source::detached(layout),
        }
    }

    /// Where a byte offset of the layout file lies, for messages about it.
    pub(super) fn main_source(&self) -> &Source {
        &self.main
    }
}

impl World for PackWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// No clock: the same pack gives the same bytes on any day.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
