//! Problems a user can cause, and how they are shown.
//!
//! Every stage reports problems as [`Diagnostic`]s: a file, where known a line and column,
//! and a typed [`Problem`]. Stages collect *all* the problems they find, so one build shows
//! the writer everything to fix instead of one error per run.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

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
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// What went wrong, in words a writer understands.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    #[error("cannot read it: {0}")]
    Read(#[source] io::Error),
    #[error("cannot write it: {0}")]
    Write(#[source] io::Error),
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
        "the front matter opened with `---` is never closed: add a `---` line after the last field"
    )]
    UnclosedFrontMatter,
    #[error("invalid front matter: {0}")]
    FrontMatter(String),
    #[error("invalid site configuration: {0}")]
    Config(String),
    #[error("`{value}` is not a date: {reason}")]
    BadDate { value: String, reason: String },
    #[error("unknown topic `{topic}`")]
    UnknownTopic {
        topic: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("the article is filed under no topic: `topics` needs at least one topic id")]
    NoTopics,
    #[error(
        "the link to `{target}` leads nowhere: no such Markdown file in content/ (or it is a draft)"
    )]
    BrokenLink {
        target: String,
        suggestion: Option<String>,
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
    #[error("the slug `{slug}` cannot be used: {reason}")]
    BadSlug { slug: String, reason: &'static str },
    #[error("the name `{name}` in `{field}` has no letters or digits to make a URL from")]
    BadName { name: String, field: &'static str },
    #[error(
        "the source URL `{url}` would run a script or open a local file when clicked: write an http:// or https:// address"
    )]
    UnsafeUrl { url: String },
    #[error("this page would be written to `{url}`, which {other} also produces")]
    UrlCollision { url: String, other: String },
    #[error("{0}")]
    Template(String),
    #[error("the output folder {reason}")]
    UnsafeOutput { reason: String },
    #[error(
        "`{path}` exists but was not made by attache, so it will not be replaced: remove it or choose another output folder with -o"
    )]
    OutputNotOurs { path: PathBuf },
    #[error("the theme `{name}` was not found: looked for {looked}")]
    MissingTheme { name: String, looked: PathBuf },
    #[error("{0}")]
    Pack(String),
    #[error("there is no `{lang}` edition of this site: it is written in `{site}`")]
    UnknownLanguage { lang: String, site: String },
    #[error(
        "the pack is too large to typeset: its pages hold {size} MB of Markdown, more than the {limit} MB a pack may hold; this is the largest page"
    )]
    PackTooLarge { size: String, limit: usize },
    #[error("the PDF could not be typeset: {0}")]
    Typeset(String),
    #[error("cannot write the PDF here: {0}")]
    PackOutput(String),
}

impl Problem {
    /// A hint on how to fix the problem, where one is known.
    pub fn help(&self) -> Option<String> {
        match self {
            Problem::UnknownTopic {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            Problem::UnknownTopic { known, .. } if known.is_empty() => {
                Some("no topics exist yet: add one as content/topics/<id>.md".to_string())
            }
            Problem::UnknownTopic { known, .. } => Some(format!(
                "known topics: {}; add content/topics/<id>.md for a new one",
                known.join(", ")
            )),
            Problem::BrokenLink {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            Problem::BrokenAnchor {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `#{s}`?")),
            Problem::NotUtf8 { .. } => Some(
                "save the file as UTF-8 text (in most editors: Save As, then Encoding: UTF-8)"
                    .to_string(),
            ),
            Problem::UnknownLanguage { site, .. } => Some(format!(
                "leave out --lang, or give --lang {site}: a site has one language for now"
            )),
            Problem::PackTooLarge { .. } => Some(
                "make a pack of one topic with --topic, or split the largest page into several articles"
                    .to_string(),
            ),
            Problem::BadDate { .. } => {
                Some("write dates as YYYY-MM-DD or as an RFC 3339 date-time".to_string())
            }
            _ => None,
        }
    }
}

/// One problem in one file.
#[derive(Debug)]
pub struct Diagnostic {
    /// The file, relative to the site root where it lies inside it.
    pub path: PathBuf,
    pub location: Option<Location>,
    pub problem: Problem,
    /// The text of the line at `location`, for the excerpt under the message.
    pub line_text: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, problem: Problem) -> Self {
        Diagnostic {
            path: path.into(),
            location: None,
            problem,
            line_text: None,
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

    /// `file:line:col: message`, the one-line form that editors and CI logs understand.
    pub fn headline(&self) -> String {
        let path = self.path.display();
        let line = match self.location {
            Some(l) => format!("{path}:{}:{}: {}", l.line, l.column, self.problem),
            None => format!("{path}: {}", self.problem),
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
        let title = Level::ERROR.primary_title(&message);
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

/// Everything that stopped a build, in file order.
#[derive(Debug, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn one(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }

    /// Sorted by file, then position, so reports are stable and grouped by file.
    pub fn sorted(mut self) -> Self {
        self.0
            .sort_by(|a, b| (a.path.as_path(), a.location).cmp(&(b.path.as_path(), b.location)));
        self
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Both values, or the problems of either or both: for stages that run side by side
    /// and should report everything wrong with either.
    pub fn both<A, B>(
        a: Result<A, Diagnostics>,
        b: Result<B, Diagnostics>,
    ) -> Result<(A, B), Diagnostics> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (a, b) => {
                let mut all = Vec::new();
                all.extend(a.err().into_iter().flat_map(|d| d.0));
                all.extend(b.err().into_iter().flat_map(|d| d.0));
                Err(Diagnostics(all).sorted())
            }
        }
    }

    /// Returns `Ok(value)` when there is nothing to report.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.sorted())
        }
    }

    /// The full multi-line report, ending with a count.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        let n = self.0.len();
        out.push_str(&format!(
            "{n} error{} — nothing was written",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics::one(d)
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
    fn suggests_the_closest_topic() {
        let known = ["trade", "it", "flights"];
        assert_eq!(did_you_mean("tarde", known).as_deref(), Some("trade"));
        assert_eq!(did_you_mean("zzzz", known), None);
    }
}
