//! `site.yaml`: the site's settings, checked strictly so a typo is an error, not a no-op.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Location, Problem};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// Settings from `site.yaml`. Every field is documented in the README.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in the header and in `<title>`.
    pub title: String,
    /// One sentence on what the site is, for the home page and `<meta name=description>`.
    #[serde(default)]
    pub description: String,
    /// Where the site will be published, e.g. `https://example.org/briefing/`.
    pub base_url: String,
    /// The content language, as a BCP 47 tag (`en`, `ur`, `ru`).
    #[serde(default = "default_language")]
    pub language: String,
    /// The author named in feeds.
    #[serde(default)]
    pub author: Option<String>,
    /// The theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Where `build` writes the site, relative to the site root.
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default)]
    pub feeds: Feeds,
    #[serde(default)]
    pub taxonomies: Taxonomies,
    #[serde(default)]
    pub search: Search,
    #[serde(default)]
    pub markdown: Markdown,
    #[serde(default)]
    pub packs: Packs,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    /// Write `/atom.xml` and one feed per topic.
    pub enabled: bool,
    /// How many of the newest articles a feed carries.
    pub limit: usize,
    /// Write `/topics/<id>/atom.xml` too.
    pub per_topic: bool,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            enabled: true,
            limit: 20,
            per_topic: true,
        }
    }
}

/// Which entity pages to generate. Articles keep the names either way.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Taxonomies {
    pub people: bool,
    pub organizations: bool,
    pub tags: bool,
}

impl Default for Taxonomies {
    fn default() -> Self {
        Taxonomies {
            people: true,
            organizations: true,
            tags: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Search {
    /// Write the search index and the `/search/` page.
    pub enabled: bool,
}

impl Default for Search {
    fn default() -> Self {
        Search { enabled: true }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Markdown {
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// Pass raw HTML in Markdown through unchanged. Off by default: raw HTML is shown as
    /// text, so text pasted from e-mail or Word can never inject a script.
    pub unsafe_html: bool,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown {
            smart_punctuation: true,
            unsafe_html: false,
        }
    }
}

/// Briefing packs: a topic, or the whole briefing, as one printable document.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Packs {
    /// The order of the articles in a pack.
    pub order: PackOrder,
}

/// Which article comes first in a pack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackOrder {
    /// The latest first, as on the topic pages: a reader sees what changed.
    #[default]
    NewestFirst,
    /// The earliest first: the story as it happened.
    OldestFirst,
}

fn default_language() -> String {
    "en".to_string()
}
fn default_theme() -> String {
    "briefing".to_string()
}
fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}

impl Config {
    /// Reads and checks `site.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let problem = if e.kind() == std::io::ErrorKind::NotFound {
                Problem::Config(format!(
                    "there is no {CONFIG_FILE} in {}: is this the site folder? (`attache init` makes a new site)",
                    display_root(root)
                ))
            } else {
                Problem::Read(e)
            };
            Diagnostic::new(CONFIG_FILE, problem)
        })?;
        Config::parse(&text)
    }

    /// Parses `site.yaml` text; errors point at `site.yaml` with line and column.
    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let Some((line, column)) = too_deep(text) {
            let problem = Problem::Config(format!(
                "lists or maps are nested more than {MAX_YAML_NESTING} deep here"
            ));
            return Err(Diagnostic::new(CONFIG_FILE, problem).at(Location::new(line, column), text));
        }
        let mut config: Config = serde_yaml::from_str(text).map_err(|e| {
            let (message, location) = explain_yaml(
                &e.to_string(),
                text,
                e.location().map(|l| (l.line(), l.column())),
            );
            let location = location.map(|(line, column)| Location::new(line, column));
            let d = Diagnostic::new(CONFIG_FILE, Problem::Config(message));
            match location {
                Some(l) => d.at(l, text),
                None => d,
            }
        })?;
        config.base_url = normalize_base_url(&config.base_url).map_err(|reason| {
            let d = Diagnostic::new(CONFIG_FILE, Problem::Config(reason));
            match find_key(text, "base_url") {
                Some(l) => d.at(l, text),
                None => d,
            }
        })?;
        Ok(config)
    }

    /// The path part of `base_url`: `/` at a domain root, `/briefing/` under a sub-path.
    pub fn base_path(&self) -> &str {
        // `base_url` was checked to be `scheme://host/...`, so a third `/` exists.
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        let path_start = self.base_url[after_scheme..]
            .find('/')
            .map_or(self.base_url.len(), |i| after_scheme + i);
        &self.base_url[path_start..]
    }
}

fn display_root(root: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        "the current folder".to_string()
    } else {
        root.display().to_string()
    }
}

/// Checks `base_url` is an absolute http(s) URL and gives it exactly one trailing slash.
pub fn normalize_base_url(raw: &str) -> Result<String, String> {
    let parsed = url::Url::parse(raw.trim())
        .map_err(|e| format!("base_url `{raw}` is not an absolute URL ({e}); write it like `https://example.org/` or `https://example.org/briefing/`"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "base_url `{raw}` must be an http:// or https:// URL with a host"
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "base_url `{raw}` must not have a query or fragment"
        ));
    }
    let mut s = parsed.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

/// serde_yaml appends " at line X column Y"; the diagnostic shows the location itself.
pub(crate) fn strip_yaml_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// How deep `[` and `{` may nest in YAML that attache reads. The YAML parser slows down
/// quadratically with nesting depth (100,000 levels take minutes), and nothing a writer
/// means needs more than a few levels.
pub(crate) const MAX_YAML_NESTING: usize = 64;

/// Where flow lists or maps (`[`, `{`) in `yaml` first nest deeper than
/// [`MAX_YAML_NESTING`], as a 1-based (line, column). Quoted strings and comments are
/// skipped, so brackets in a title do not count.
pub(crate) fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let (mut line, mut column) = (1, 0);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    let mut previous = '\n';
    // The last character on this line that is not a space: a quote only opens a string
    // at the start of a value (`it's` in plain text is no string).
    let mut last: Option<char> = None;
    for c in yaml.chars() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
            comment = false;
            last = None;
        } else if comment {
        } else if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' if last.is_none_or(|l| ":-[{,?".contains(l)) => quote = Some(c),
                '#' if previous.is_whitespace() => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_YAML_NESTING {
                        return Some((line, column));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if !c.is_whitespace() {
            last = Some(c);
        }
        previous = c;
    }
    None
}

/// A YAML error in plainer words, located better: a tab in the indentation is named as
/// such, a key written twice points at its second occurrence, and a missing field says it
/// is required. `location` and the result are (line, column), 1-based within `yaml`.
pub(crate) fn explain_yaml(
    message: &str,
    yaml: &str,
    location: Option<(usize, usize)>,
) -> (String, Option<(usize, usize)>) {
    let mut message = strip_yaml_location(message);
    let mut location = location;
    // serde_yaml puts the path of a nested value first: `sources[0]: duplicate field ...`.
    let quoted = |m: &str, marker: &str| {
        let (path, rest) = m.split_once(marker)?;
        let name = rest.split(['`', '"']).next().unwrap_or(rest);
        Some((path.to_string(), name.to_string()))
    };
    let duplicate = quoted(&message, "duplicate field `")
        .or_else(|| quoted(&message, "duplicate entry with key \""));
    if let Some((path, key)) = duplicate {
        // The error points at the start of the mapping; its keys are the lines that start
        // at that column, until a line starts left of it.
        let (first, col) = location.unwrap_or((1, 1));
        let indent = col.saturating_sub(1);
        let mut keys = yaml
            .lines()
            .enumerate()
            .skip(first.saturating_sub(1))
            .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .take_while(|(i, line)| {
                *i + 1 == first || line.len() - line.trim_start_matches(' ').len() >= indent
            })
            .filter(|(i, line)| {
                let at = indent.min(line.len());
                if !line.is_char_boundary(at) {
                    return false;
                }
                let (head, rest) = line.split_at(at);
                let head_ok = head.trim_start_matches(' ').is_empty()
                    || (*i + 1 == first && head.trim().trim_end_matches('-').trim().is_empty());
                head_ok
                    && rest
                        .split_once(':')
                        .is_some_and(|(k, _)| k.trim_end().trim_matches(['"', '\'']) == key)
            });
        if let Some((i, _)) = keys.nth(1) {
            location = Some((i + 1, indent + 1));
        }
        message = format!("{path}`{key}` is written twice: keep one of them");
    } else if let Some((path, field)) = quoted(&message, "missing field `") {
        message = format!("{path}the required field `{field}` is missing: add a `{field}:` line");
    }
    let tabbed = location
        .and_then(|(line, _)| yaml.lines().nth(line.saturating_sub(1)))
        .is_some_and(|l| l.starts_with([' ', '\t']) && l.trim_start_matches(' ').starts_with('\t'));
    if tabbed {
        message.push_str(" (the line is indented with a tab: YAML indents with spaces only)");
    }
    (message, location)
}

/// The location of a top-level `key:` in YAML text.
pub(crate) fn find_key(text: &str, key: &str) -> Option<Location> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start()
            .starts_with(':')
            .then(|| Location::new(i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: T\nbase_url: https://example.org\n";

    #[test]
    fn defaults_fill_what_is_left_out() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.language, "en");
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert!(c.feeds.enabled && c.search.enabled && c.taxonomies.people);
        assert_eq!(c.packs.order, PackOrder::NewestFirst);
    }

    #[test]
    fn pack_order_is_a_word_and_a_wrong_one_is_named() {
        let c = Config::parse(&format!("{MINIMAL}packs:\n  order: oldest-first\n")).unwrap();
        assert_eq!(c.packs.order, PackOrder::OldestFirst);
        let e = Config::parse(&format!("{MINIMAL}packs:\n  order: oldest\n")).unwrap_err();
        assert!(e.problem.to_string().contains("oldest"), "{e}");
        assert_eq!(e.location.map(|l| l.line), Some(4));
    }

    #[test]
    fn a_sub_path_keeps_its_path() {
        let c = Config::parse("title: T\nbase_url: https://example.org/briefing\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/briefing/");
        assert_eq!(c.base_path(), "/briefing/");
    }

    #[test]
    fn a_mistyped_field_is_named_with_its_line() {
        let e = Config::parse("title: T\nbase_url: https://e.org/\ntheem: x\n").unwrap_err();
        assert!(e.problem.to_string().contains("theem"), "{e}");
        assert_eq!(e.location.map(|l| l.line), Some(3));
    }

    #[test]
    fn a_relative_base_url_is_refused() {
        let e = Config::parse("title: T\nbase_url: /briefing/\n").unwrap_err();
        assert!(e.to_string().contains("base_url"), "{e}");
        assert_eq!(e.location.map(|l| l.line), Some(2));
    }
}
