//! Problems a user can cause, and how they are shown.
//!
//! Every stage reports problems as [`Diagnostic`]s: a file, where known a line and column,
//! and a typed [`Problem`]. Stages collect *all* the problems they find, so one build shows
//! the writer everything to fix instead of one error per run.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// All the problems of one run, and how they are printed together.
mod diagnostics;
/// The hints under problems, in their own file.
mod help;
pub use diagnostics::Diagnostics;

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(line: usize, column: usize) -> Self {
        Location { line, column }
    }

    /// The location of byte `offset` in `text`, counting lines and columns from 1.
    /// Columns count characters, not bytes, as editors do.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        Locator::new(text).at(offset)
    }
}

/// Finds the locations of many offsets in one text: each from the one before when they
/// come in order, as a body's links do, so a file with many links is read once, not once
/// per link.
pub struct Locator<'a> {
    text: &'a str,
    /// The last offset located, its line, and where that line starts.
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        Locator {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The location of byte `offset`, counting lines and columns from 1; columns count
    /// characters, not bytes, as editors do.
    pub fn at(&mut self, offset: usize) -> Location {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        if offset < self.offset {
            *self = Locator::new(self.text);
        }
        let between = &self.text[self.offset..offset];
        // `matches` finds each newline with memchr, several times faster than a byte loop.
        let newlines = between.matches('\n').count();
        if newlines > 0 {
            self.line += newlines;
            self.line_start = self.offset + between.rfind('\n').map_or(0, |i| i + 1);
        }
        self.offset = offset;
        let column = self.text[self.line_start..offset].chars().count() + 1;
        Location {
            line: self.line,
            column,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// How much a problem matters.
///
/// An error stops a build (nothing is written) and makes `check` fail. A warning is shown
/// by `build`, `serve` and `check`, but the site is built: it is for what attache does
/// differently from what the writer probably meant (a misspelt key kept as `extra`, raw
/// HTML shown as text, a file it does not read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `error` or `warning`, as in reports and JSON.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// What went wrong, in words a writer understands. (I/O errors are shared, so that a
/// problem can be kept and reported again, as `serve` does while it is not fixed.)
#[derive(Debug, Clone, thiserror::Error)]
pub enum Problem {
    #[error("cannot read it: {0}")]
    Read(#[source] Arc<io::Error>),
    #[error("cannot write it: {0}")]
    Write(#[source] Arc<io::Error>),
    #[error("it changed while the site was being built: build again")]
    ChangedDuringBuild,
    #[error("it is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("it is a symbolic link to {target}, which is outside the site folder")]
    LinkOutsideSite { target: PathBuf },
    #[error("it could not be walked: {0}")]
    Walk(String),
    #[error(
        "the file is empty: an article needs front matter with at least `title`, `date` and `topics`"
    )]
    Empty,
    #[error(
        "there is no front matter: start the file with a `---` line, the YAML fields, then another `---` line"
    )]
    NoFrontMatter,
    #[error(
        "the front matter opened with `{fence}` is never closed: add a `{fence}` line after the last field"
    )]
    UnclosedFrontMatter { fence: &'static str },
    #[error("invalid front matter: {0}")]
    FrontMatter(String),
    #[error(
        "`{key}` is not a front matter field attache knows; it is kept for templates as `page.extra.{key}`"
    )]
    UnknownKey { key: String, suggestion: String },
    #[error("invalid site configuration: {0}")]
    Config(String),
    #[error("`{value}` is not a date: {reason}")]
    BadDate {
        value: String,
        reason: String,
        suggestion: Option<String>,
    },
    #[error("`{path}` in `{field}` cannot be used: {reason}")]
    BadPath {
        field: &'static str,
        path: String,
        reason: &'static str,
    },
    #[error("`{snippet}` is {kind}, which attache does not run: it is shown as text{more}")]
    TemplateSyntax {
        snippet: String,
        kind: &'static str,
        /// `` (and 3 more in this file, on lines 12, 30, 44)``, or nothing.
        more: String,
    },
    #[error("raw HTML is shown as text, not passed through: {here}")]
    RawHtmlShown {
        /// `here (2 times) and in 11 more files (12 in all)`.
        here: String,
    },
    #[error("{0}")]
    Import(String),
    #[error("this file is not read: {reason}")]
    NotRead { reason: &'static str },
    #[error(
        "the topic `{topic}` is a draft or not published now, so this article would be filed under a topic that is not published"
    )]
    DraftTopic { topic: String },
    #[error("unknown topic `{topic}`")]
    UnknownTopic {
        topic: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("the article is filed under no topic: `topics` needs at least one topic id")]
    NoTopics,
    #[error(
        "the link to `{target}` leads nowhere: no such Markdown file in content/ (or it is a draft, not yet published or withdrawn)"
    )]
    BrokenLink {
        target: String,
        suggestion: Option<String>,
    },
    #[error("the link to `{target}` leads to a page that {why}, so it is left out of the build")]
    LinkToLeftOut { target: String, why: &'static str },
    #[error(
        "this article is dated {date}, in the future, yet it is published now: nothing holds it back until then"
    )]
    FutureDate { date: String },
    #[error(
        "`{spelling}` names {other} too, so articles naming it cannot be filed under one entity"
    )]
    NameTaken { spelling: String, other: String },
    #[error(
        "the overview is as of {updated}, {days} days before the newest article filed under it ({newest}), more than the {limit} days `freshness.warn_after_days` allows"
    )]
    StaleOverview {
        updated: String,
        newest: String,
        days: i64,
        limit: u32,
    },
    #[error("the link to `{dest}` points at `#{fragment}`, but {page} has no heading with that id")]
    BrokenAnchor {
        dest: String,
        fragment: String,
        page: String,
        suggestion: Option<String>,
    },
    #[error("the {what} `{dest}` points at {path}, which the site does not have")]
    MissingFile {
        what: &'static str,
        dest: String,
        path: String,
    },
    #[error(
        "the {what} `{dest}` is not a web address: as written, a browser takes it for a path on this site"
    )]
    MalformedLink {
        what: &'static str,
        dest: String,
        fix: Option<String>,
    },
    #[error("the slug `{slug}` cannot be used: {reason}")]
    BadSlug { slug: String, reason: &'static str },
    #[error("the name `{name}` in `{field}` has no letters or digits to make a URL from")]
    BadName { name: String, field: &'static str },
    #[error(
        "the source URL `{url}` would run a script or open a local file when clicked: write an http:// or https:// address"
    )]
    UnsafeUrl { url: String },
    #[error(
        "this source has neither a `title` nor a `description`, so a reader cannot tell what it is"
    )]
    UndescribedSource,
    #[error("this page would be written to `{url}`, which {other} also produces")]
    UrlCollision { url: String, other: String },
    #[error("the alias `{alias}` of this page is {other}")]
    AliasCollision { alias: String, other: String },
    #[error("{0}")]
    Template(String),
    #[error("the output folder {reason}")]
    UnsafeOutput { reason: String },
    #[error(
        "`{path}` exists but was not made by attache, so it will not be replaced: remove it or choose another output folder with -o"
    )]
    OutputNotOurs { path: PathBuf },
    #[error("{0}")]
    Words(String),
    #[error("the key `{key}` is missing for {language}: add a `{key}:` line with its text")]
    MissingWord { key: String, language: String },
    #[error("the template asks for the word `t.{key}`, which no i18n file has")]
    UnknownWord {
        key: String,
        suggestion: Option<String>,
    },
    #[error("the theme `{name}` was not found: looked for {looked}")]
    MissingTheme { name: String, looked: PathBuf },
    #[error("{0}")]
    Pack(String),
    #[error("`{code}` is not one of this site's languages ({languages})")]
    UnlistedLanguage {
        code: String,
        /// The site's language codes, `en, ur, ru`.
        languages: String,
        /// The code is in the file's name (`x.de.md`), not in `lang:`.
        in_name: bool,
    },
    #[error(
        "this file names two languages: it would translate `{translates}`, itself a translation"
    )]
    TranslationOfTranslation {
        translates: String,
        original: String,
    },
    #[error("this translation has no original: there is no {original}")]
    NoOriginal {
        original: String,
        suggestion: Option<String>,
    },
    #[error("the file name says this page is in `{named}`, but `lang:` says `{written}`")]
    LanguageDisagrees { named: String, written: String },
    #[error("this translation is in `{lang}`, the language of its original {original}")]
    SameLanguage { lang: String, original: String },
    #[error(
        "the `{field}` of this translation ({here}) is not its original's ({there}, at {original})"
    )]
    TranslationDiffers {
        field: &'static str,
        here: String,
        there: String,
        /// Where the original says it: `content/articles/x.md:3:7`.
        original: String,
    },
    #[error("there is no `{lang}` edition of this site: its languages are {site}")]
    UnknownLanguage { lang: String, site: String },
    #[error(
        "the pack is too large to typeset: its pages hold {size} MB of Markdown, more than the {limit} MB a pack may hold; this is the largest page"
    )]
    PackTooLarge { size: String, limit: usize },
    #[error(
        "the pack {pack} holds {size} MB of Markdown, more than the {limit} MB a pack may hold, so its page shows no article, only links to the topic pages{pdf}; this is its largest page"
    )]
    PackOverLimit {
        pack: String,
        size: String,
        limit: usize,
        /// What happens to its PDF, when the site makes them.
        pdf: &'static str,
    },
    #[error("the PDF could not be typeset: {0}")]
    Typeset(String),
    #[error("cannot write the PDF here: {0}")]
    PackOutput(String),
}

/// One problem in one file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where it lies inside it.
    pub path: PathBuf,
    pub location: Option<Location>,
    pub problem: Problem,
    /// The text of the line at `location`, for the excerpt under the message.
    pub line_text: Option<String>,
}

impl Diagnostic {
    /// An error: the build stops.
    pub fn new(path: impl Into<PathBuf>, problem: Problem) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            location: None,
            problem,
            line_text: None,
        }
    }

    /// A warning: shown, but the site is built.
    pub fn warning(path: impl Into<PathBuf>, problem: Problem) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(path, problem)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Points the diagnostic at `location`, if there is one.
    pub fn maybe_at(self, location: Option<Location>, source: &str) -> Self {
        match location {
            Some(l) => self.at(l, source),
            None => self,
        }
    }

    /// Points the diagnostic at `location` in `source`, the full text of the file.
    pub fn at(mut self, location: Location, source: &str) -> Self {
        self.line_text = source
            .lines()
            .nth(location.line.saturating_sub(1))
            .map(str::to_owned);
        self.location = Some(location);
        self
    }

    /// `file:line:col: message` (`file:line:col: warning: message` for a warning), the
    /// one-line form that editors and CI logs understand.
    pub fn headline(&self) -> String {
        let path = self.path.display();
        let kind = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        let line = match self.location {
            Some(l) => format!("{path}:{}:{}: {kind}{}", l.line, l.column, self.problem),
            None => format!("{path}: {kind}{}", self.problem),
        };
        printable(line)
    }

    /// The full report: headline, source excerpt with the column marked, and a hint.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let message = printable(self.problem.to_string());
        let path = printable(self.path.display().to_string());
        let help = self.problem.help().map(printable);
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(&message);
        let main: Group = match (self.location, &self.line_text) {
            (Some(loc), Some(text)) => {
                let start = text
                    .char_indices()
                    .nth(loc.column.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i);
                let end = text[start..]
                    .find(|c: char| c.is_whitespace() || c == ',' || c == ']')
                    .map_or(text.len(), |i| start + i)
                    // At least the character at the column, however many bytes it has.
                    .max(start + text[start..].chars().next().map_or(0, char::len_utf8));
                title.element(
                    Snippet::source(text.as_str())
                        .line_start(loc.line)
                        .path(&path)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            _ => title.element(annotate_snippets::Origin::path(&path)),
        };
        let mut report = vec![main];
        if let Some(help) = &help {
            report.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        let mut out = renderer.render(&report).to_string();
        if let (Some(loc), None) = (self.location, &self.line_text) {
            out.push_str(&format!("\n  at {path}:{}:{}", loc.line, loc.column));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(help) = self.problem.help() {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// `2 errors, 1 warning`; a kind there is none of is left out, and nothing at all is
/// `0 errors`.
pub fn counts(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// `text` safe to print on a terminal: control characters from a file (an escape sequence
/// that would clear the screen or retitle the window) are shown as their symbols (`␛`).
pub fn printable(text: String) -> String {
    let control = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(control) {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\u{7f}' => '\u{2421}',
            c if control(c) && (c as u32) < 0x20 => {
                char::from_u32(0x2400 + c as u32).unwrap_or('?')
            }
            c if control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `path` relative to `root` when it lies inside it, for shorter, stable messages.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// The closest of `candidates` to `word`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_char_columns() {
        let text = "ab\nçd\nef";
        assert_eq!(Location::of_offset(text, 0), Location::new(1, 1));
        assert_eq!(Location::of_offset(text, 3), Location::new(2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(Location::of_offset(text, 5), Location::new(2, 2));
    }

    #[test]
    fn a_locator_finds_offsets_in_any_order_as_one_lookup_each_would() {
        let text = "one\ntwo ç\n\nthree\nfour";
        let mut locator = Locator::new(text);
        // In order, then back, then forward again past the end.
        for offset in [0, 2, 4, 9, 10, 11, 12, 3, 15, 99, 1] {
            let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            assert_eq!(
                locator.at(offset),
                Location::new(line, column),
                "offset {offset}"
            );
        }
    }

    /// Found by `cargo fuzz run front_matter`: a file starting with U+2028 (a line
    /// separator Word pastes) made the excerpt end inside that character, and panicked.
    #[test]
    fn an_excerpt_starting_with_a_wide_space_renders() {
        let text = "\u{2028}g \"\"\u{1d}d\nz";
        for column in 1..=8 {
            let d =
                Diagnostic::new("a.md", Problem::NoFrontMatter).at(Location::new(1, column), text);
            assert!(d.render(false).contains("a.md:1:"));
            assert!(d.render(true).contains("a.md"));
        }
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let d = Diagnostic::new(
            "a.md",
            Problem::BadSlug {
                slug: "\u{1b}[2J\u{7}x\u{9b}".into(),
                reason: "it is odd",
            },
        );
        assert_eq!(
            d.headline(),
            "a.md: the slug `\u{241b}[2J\u{2407}x\u{fffd}` cannot be used: it is odd"
        );
        assert!(!d.render(false).contains('\u{1b}'));
    }

    #[test]
    fn warnings_are_told_apart_from_errors_and_counted() {
        let text = "---\ntagz: [a]\n---\n";
        let w = Diagnostic::warning("a.md", Problem::FrontMatter("odd".into()))
            .at(Location::new(2, 1), text);
        assert_eq!(w.headline(), "a.md:2:1: warning: invalid front matter: odd");
        assert!(
            w.render(false).starts_with("warning: "),
            "{}",
            w.render(false)
        );
        let e = Diagnostic::new("b.md", Problem::Empty);
        assert!(e.render(false).starts_with("error: "));
        let both = Diagnostics(vec![e.clone(), w.clone(), w.clone()]);
        assert_eq!((both.errors(), both.warnings()), (1, 2));
        assert_eq!(both.counts(), "1 error, 2 warnings");
        assert!(
            both.render(false)
                .ends_with("1 error, 2 warnings — nothing was written")
        );
        let only = Diagnostics(vec![w]);
        assert!(!only.has_errors());
        assert_eq!(only.render(false).lines().last(), Some("1 warning"));
        assert_eq!(counts(0, 0), "0 errors");
    }

    #[test]
    fn suggests_the_closest_topic() {
        let known = ["trade", "it", "flights"];
        assert_eq!(did_you_mean("tarde", known).as_deref(), Some("trade"));
        assert_eq!(did_you_mean("zzzz", known), None);
    }
}
