//! `site.yaml`: the site's settings, checked strictly so a typo is an error, not a no-op.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, Location, Problem};
use crate::i18n::{Direction, Lang, Language, parse_code};

mod sections;
mod yaml;
pub use sections::{
    Feeds, Freshness, Markdown, PackOrder, Packs, Pagination, Permalinks, Search, Taxonomies,
};
pub(crate) use yaml::{MAX_YAML_NESTING, explain_yaml, find_key, strip_yaml_location, too_deep};
use yaml::{find_code, find_nested_key, value_column};

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
    /// `language: ur`: the one language of a one-language site, as a BCP 47 code.
    #[serde(default, rename = "language", skip_serializing)]
    language_code: Option<LanguageCode>,
    /// `languages:` the site's languages, `{code, name, dir}` each, the first the default.
    #[serde(default, rename = "languages", skip_serializing)]
    language_list: Option<Vec<LanguageEntry>>,
    /// The site's languages, the first the default: from `languages`, or from `language`,
    /// or English when site.yaml names none. Never empty once parsed.
    #[serde(skip)]
    pub languages: Vec<Language>,
    /// The author named in feeds.
    #[serde(default)]
    pub author: Option<String>,
    /// The IANA time zone (`Asia/Karachi`) of dates and times written without an offset.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// URL patterns, e.g. `articles: /:year/:month/:day/:slug/`.
    #[serde(default)]
    pub permalinks: Permalinks,
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
    pub pagination: Pagination,
    #[serde(default)]
    pub markdown: Markdown,
    #[serde(default)]
    pub packs: Packs,
    /// List related articles under each article (`related: false` leaves them out, and
    /// their cost with them).
    #[serde(default = "default_related")]
    pub related: bool,
    /// The picture link previews show for pages that set none (`image`): a path below
    /// the site or a full URL.
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub freshness: Freshness,
}

/// One entry of `languages:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageEntry {
    code: LanguageCode,
    /// The language's name in its own script.
    name: String,
    /// Derived from the code when left out.
    #[serde(default)]
    dir: Option<Direction>,
    /// The site's `title` and `description` in this language.
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// An optional text of site.yaml without the spaces around it.
fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref().map(|t| t.trim().to_string())
}

fn default_related() -> bool {
    true
}

fn default_timezone() -> String {
    "UTC".to_string()
}

/// A language code as written; checked once the whole file is read, so that a bad one
/// can be pointed at.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
struct LanguageCode(String);

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
                Problem::Read(e.into())
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
        config.languages = config.resolve_languages(text)?;
        let at_key = |key: &str, reason: String| {
            Diagnostic::new(CONFIG_FILE, Problem::Config(reason)).maybe_at(
                find_key(text, key).or_else(|| find_nested_key(text, key)),
                text,
            )
        };
        config.base_url =
            normalize_base_url(&config.base_url).map_err(|reason| at_key("base_url", reason))?;
        if jiff::tz::TimeZone::get(&config.timezone).is_err() {
            let known = jiff::tz::db().available();
            let names: Vec<String> = known.map(|n| n.to_string()).collect();
            let hint =
                crate::error::did_you_mean(&config.timezone, names.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| {
                        "write an IANA name such as `UTC`, `Asia/Karachi` or `Europe/Moscow`".into()
                    });
            return Err(at_key(
                "timezone",
                format!(
                    "`{}` is not a time zone attache knows: {hint}",
                    config.timezone
                ),
            ));
        }
        if config.packs.pdf && !config.packs.enabled {
            return Err(at_key(
                "pdf",
                "packs.pdf puts a PDF beside each pack page, but packs.enabled is false: \
                 turn the pack pages on, or leave out `pdf: true`"
                    .into(),
            ));
        }
        if let Some(image) = &config.image
            && crate::parse::markdown::is_dangerous_url(image)
        {
            return Err(at_key(
                "image",
                format!(
                    "image `{image}` would run a script or open a local file: give a path below the site or an https:// URL"
                ),
            ));
        }
        if let Some(pattern) = &config.permalinks.articles {
            crate::parse::urls::check_pattern(pattern)
                .map_err(|reason| at_key("articles", format!("permalinks.articles: {reason}")))?;
        }
        Ok(config)
    }

    /// The time zone of dates written without an offset (checked when the file was read).
    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// The site's title in the language at `lang` of `languages`: its own `title` there,
    /// else the site's.
    pub fn title_in(&self, lang: Lang) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// The site's description in the language at `lang`, as [`Config::title_in`] finds it.
    pub fn description_in(&self, lang: Lang) -> &str {
        self.languages
            .get(lang)
            .and_then(|l| l.description.as_deref())
            .unwrap_or(&self.description)
    }

    /// The default language: the first of `languages`.
    pub fn default_language(&self) -> &Language {
        static ENGLISH: std::sync::LazyLock<Language> = std::sync::LazyLock::new(Language::english);
        self.languages.first().unwrap_or(&ENGLISH)
    }

    /// The languages `language` or `languages` name, checked: one form only, at least one
    /// language, each once.
    fn resolve_languages(&self, text: &str) -> Result<Vec<Language>, Diagnostic> {
        let problem = |message: String, at: Option<Location>| {
            let d = Diagnostic::new(CONFIG_FILE, Problem::Config(message));
            match at {
                Some(l) => d.at(l, text),
                None => d,
            }
        };
        let list = match (&self.language_code, &self.language_list) {
            (Some(_), Some(_)) => {
                return Err(problem(
                    "both `language` and `languages` are set: keep `languages` (a list, the first the default) or `language` (a one-language site), not both".into(),
                    find_key(text, "language"),
                ));
            }
            (Some(LanguageCode(raw)), None) => {
                let at = find_key(text, "language").map(|l| value_column(text, l));
                let language = Language::from_code(raw).map_err(|m| problem(m, at))?;
                return Ok(vec![language]);
            }
            (None, None) => return Ok(vec![Language::english()]),
            (None, Some(list)) => list,
        };
        if list.is_empty() {
            return Err(problem(
                "`languages` is empty: list at least one, like `- {code: en, name: English}`"
                    .into(),
                find_key(text, "languages"),
            ));
        }
        let mut languages: Vec<Language> = Vec::with_capacity(list.len());
        for (i, entry) in list.iter().enumerate() {
            let LanguageCode(raw) = &entry.code;
            // Where this entry's code is: its place among the entries with the same text.
            let nth = list[..=i].iter().filter(|e| e.code.0 == *raw).count();
            let id = parse_code(raw)
                .map_err(|m| problem(m, find_code(text, |value| value == raw.trim(), nth)))?;
            let code = id.to_string();
            if languages.iter().any(|l| l.code == code) {
                let same = |value: &str| parse_code(value).is_ok_and(|v| v.to_string() == code);
                return Err(problem(
                    format!("the language `{code}` is listed twice in `languages`: keep one"),
                    find_code(text, same, 2),
                ));
            }
            languages.push(Language {
                dir: entry.dir.unwrap_or_else(|| Direction::of(&id)),
                name: entry.name.trim().to_string(),
                title: trimmed(&entry.title),
                description: trimmed(&entry.description),
                code,
                id,
            });
        }
        Ok(languages)
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

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title: T\nbase_url: https://example.org\n";

    #[test]
    fn defaults_fill_what_is_left_out() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.default_language().code, "en");
        assert_eq!(c.languages.len(), 1);
        assert_eq!(c.output_dir, PathBuf::from("public"));
        assert!(c.feeds.enabled && c.search.enabled && c.taxonomies.people);
        assert_eq!(c.packs.order, PackOrder::NewestFirst);
        assert!(c.packs.enabled && !c.packs.pdf);
    }

    #[test]
    fn pack_pdfs_need_the_pack_pages() {
        let c = Config::parse(&format!("{MINIMAL}packs:\n  pdf: true\n")).unwrap();
        assert!(c.packs.pdf);
        let e = Config::parse(&format!("{MINIMAL}packs:\n  enabled: false\n  pdf: true\n"))
            .unwrap_err();
        assert!(
            e.problem.to_string().contains("packs.enabled is false"),
            "{e}"
        );
        assert_eq!(e.location.map(|l| l.line), Some(5));
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
    fn time_zones_and_permalink_patterns_are_checked_where_written() {
        let c = Config::parse(&format!("{MINIMAL}timezone: Asia/Karachi\n")).unwrap();
        assert_eq!(c.time_zone().iana_name(), Some("Asia/Karachi"));
        assert_eq!(Config::parse(MINIMAL).unwrap().timezone, "UTC");
        let e = Config::parse(&format!("{MINIMAL}timezone: Asia/Karach\n")).unwrap_err();
        assert!(
            e.to_string().contains("did you mean `Asia/Karachi`?"),
            "{e}"
        );
        assert_eq!(e.location.map(|l| l.line), Some(3));
        let e = Config::parse(&format!(
            "{MINIMAL}permalinks:\n  articles: /:year/:mnth/:slug/\n"
        ))
        .unwrap_err();
        assert!(e.to_string().contains("`:mnth`"), "{e}");
        assert_eq!(e.location, Some(Location::new(4, 3)));
    }

    #[test]
    fn nesting_is_measured_only_past_the_limit() {
        let deep = "[".repeat(MAX_YAML_NESTING + 1);
        assert_eq!(too_deep(&deep), Some((1, MAX_YAML_NESTING + 1)));
        assert_eq!(too_deep(&"[".repeat(MAX_YAML_NESTING)), None);
        // Brackets in quotes do not count, however many there are.
        let quoted = format!("title: \"{deep}\"\ntopics: [a, b]\n");
        assert_eq!(too_deep(&quoted), None);
    }

    #[test]
    fn one_language_gives_its_direction() {
        let c = Config::parse(&format!("{MINIMAL}language: ur\n")).unwrap();
        let ur = c.default_language();
        assert_eq!((ur.code.as_str(), ur.dir), ("ur", Direction::Rtl));
    }

    #[test]
    fn languages_are_listed_the_first_the_default() {
        let c = Config::parse(&format!(
            "{MINIMAL}languages:\n  - {{code: en, name: English}}\n  - {{code: ur, name: اردو}}\n  - code: ru\n    name: Русский\n    dir: ltr\n"
        ))
        .unwrap();
        let got: Vec<(&str, &str, Direction)> = c
            .languages
            .iter()
            .map(|l| (l.code.as_str(), l.name.as_str(), l.dir))
            .collect();
        assert_eq!(
            got,
            [
                ("en", "English", Direction::Ltr),
                ("ur", "اردو", Direction::Rtl),
                ("ru", "Русский", Direction::Ltr)
            ]
        );
        assert_eq!(c.default_language().code, "en");
    }

    #[test]
    fn a_bad_language_code_is_located() {
        let e = Config::parse(&format!(
            "{MINIMAL}languages:\n  - {{code: en, name: English}}\n  - {{code: \"ur du\", name: Urdu}}\n"
        ))
        .unwrap_err();
        assert!(
            e.to_string().contains("`ur du` is not a language code"),
            "{e}"
        );
        assert_eq!(e.location, Some(Location::new(5, 6)), "{e}");
        let e = Config::parse(&format!("{MINIMAL}language: english!\n")).unwrap_err();
        assert_eq!(e.location, Some(Location::new(3, 11)), "{e}");
    }

    #[test]
    fn a_language_listed_twice_points_at_the_second() {
        let e = Config::parse(&format!(
            "{MINIMAL}languages:\n  - {{code: en, name: English}}\n  - {{code: ur, name: اردو}}\n  - {{code: EN, name: Again}}\n"
        ))
        .unwrap_err();
        assert!(e.to_string().contains("`en` is listed twice"), "{e}");
        assert_eq!(e.location, Some(Location::new(6, 6)), "{e}");
    }

    #[test]
    fn language_and_languages_together_are_refused() {
        let e = Config::parse(&format!(
            "{MINIMAL}language: en\nlanguages:\n  - {{code: en, name: English}}\n"
        ))
        .unwrap_err();
        assert!(
            e.to_string().contains("both `language` and `languages`"),
            "{e}"
        );
        assert_eq!(e.location.map(|l| l.line), Some(3));
        let e = Config::parse(&format!("{MINIMAL}languages: []\n")).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn a_relative_base_url_is_refused() {
        let e = Config::parse("title: T\nbase_url: /briefing/\n").unwrap_err();
        assert!(e.to_string().contains("base_url"), "{e}");
        assert_eq!(e.location.map(|l| l.line), Some(2));
    }
}
