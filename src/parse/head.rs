//! The first pass over a content file: its front matter, kind, slug and URL.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::fields::Reader;
use super::front_matter;
use super::meta::{self, ARTICLE_KEYS, PAGE_KEYS, TOPIC_KEYS};
use super::profile::{self, ORGANIZATION_KEYS, PERSON_KEYS, TAG_KEYS};
use super::urls;
use super::{Kind, Meta, Publication, Spot, checked_slug, topic_id, translate};
use crate::config::Config;
use crate::error::{Diagnostic, Location, Problem};
use crate::i18n::{Lang, Language};
use crate::load::{ContentFile, markdown_stem};

/// A file after the first pass: front matter read, URL known.
pub struct Head {
    pub(super) file: ContentFile,
    pub(super) kind: Kind,
    pub(super) meta: Meta,
    pub(super) extra: BTreeMap<String, serde_yaml::Value>,
    pub(super) body_offset: usize,
    pub(super) path: String,
    pub(super) id: String,
    pub(super) draft: bool,
    /// Whether the page is published at the moment of the build.
    pub(super) publication: Publication,
    pub(super) spots: Vec<Spot>,
    pub(super) warnings: Vec<Diagnostic>,
    /// Keep the Markdown on the page ([`super::ParseOptions::keep_markdown`]).
    pub(super) keep_markdown: bool,
    /// The language the page is written in (its edition).
    pub(super) lang: Lang,
    /// How the page relates to others in other languages; until it is [`Role::Placed`],
    /// its `path` is not known.
    pub(super) role: Role,
    /// The name its slug comes from, and the date its file name gives (for placing later).
    pub(super) stem: String,
    pub(super) file_date: Option<Date>,
}

/// Where a page stands among the languages, as far as the first pass knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Role {
    /// Its URL is known: a page in the default language, or a page of a one-language site.
    Placed { original: Option<String> },
    /// A translation named by its file (`x.ur.md`): of the file at this content path.
    Named {
        original: String,
        given: Vec<String>,
    },
    /// A page in another language by its `lang:` alone: the translation of the page of the
    /// same kind and slug in the default language, if there is one, else a page of its own.
    ByLang { given: Vec<String> },
}

impl Head {
    /// Path under `content/`.
    pub fn rel(&self) -> &str {
        &self.file.rel
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// URL path below the site root, as in [`super::Page::path`].
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The slug, or the topic id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Old addresses that redirect to this page, as output paths.
    pub fn aliases(&self) -> &[String] {
        &self.meta.common().aliases
    }

    /// Marked `draft: true` (or `published: false`).
    pub fn is_draft(&self) -> bool {
        self.draft
    }

    /// Whether the page is published at the moment the head was read.
    pub fn publication(&self) -> Publication {
        self.publication
    }

    /// The language the page is written in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The content path of the page this one translates, once known.
    pub fn original(&self) -> Option<&str> {
        match &self.role {
            Role::Placed { original } => original.as_deref(),
            Role::Named { original, .. } => Some(original),
            Role::ByLang { .. } => None,
        }
    }

    /// Whether the page's URL is still to be worked out from the page it translates.
    pub fn is_placed(&self) -> bool {
        matches!(self.role, Role::Placed { .. })
    }
}

/// What the first pass needs from the site's settings.
pub struct Settings<'a> {
    pub tz: TimeZone,
    pub article_pattern: Option<&'a str>,
    /// The site's languages, the first the default.
    pub languages: &'a [Language],
}

impl<'a> Settings<'a> {
    pub fn of(config: &'a Config) -> Self {
        Settings {
            tz: config.time_zone(),
            article_pattern: config.permalinks.articles.as_deref(),
            languages: &config.languages,
        }
    }

    /// The start of the URL paths of the pages in `lang`: nothing for the default
    /// language, `ur/` for Urdu.
    pub fn prefix(&self, lang: Lang) -> String {
        crate::i18n::prefix(self.languages, lang)
    }
}

/// Reads a file's front matter and works out its URL; every problem found is returned.
/// A translation's URL is worked out once the page it translates is known
/// ([`super::translate`]). `now` is the moment of the build, for `publish_date` and
/// `expiry_date`.
pub(super) fn read_head(
    file: ContentFile,
    settings: &Settings,
    now: jiff::Timestamp,
) -> Result<Head, Vec<Diagnostic>> {
    let one = |problem, location: Option<Location>, file: &ContentFile| {
        vec![Diagnostic::new(file.display.clone(), problem).maybe_at(location, &file.text)]
    };
    let named = translate::named(&file.rel, settings.languages)
        .map_err(|problem| one(problem, None, &file))?;
    let base_rel = named.as_ref().map_or(file.rel.as_str(), |(_, base)| base);
    let Some(kind) = Kind::of(base_rel) else {
        return Err(one(
            Problem::FrontMatter(
                "this file is in no known place: articles go under content/articles/, topics in content/topics/, plain pages in content/pages/, profiles in content/people/, content/organizations/ and content/tags/, the home page is content/_index.md".into(),
            ),
            None,
            &file,
        ));
    };
    let split = front_matter::split(&file.text).map_err(|(p, l)| one(p, Some(l), &file))?;
    let fields = front_matter::read(&split).map_err(|(p, l)| one(p, l, &file))?;
    let body_offset = split.body_offset;
    let format = split.format;
    let (stem, file_date) = name_parts(base_rel, kind);
    // A page in another language than the default may leave out what it shares with the
    // page it translates: its required fields are checked once that page is known.
    let written_lang = fields.iter().find_map(|(k, v)| match v {
        serde_yaml::Value::String(tag) if k == "lang" => Some(tag.clone()),
        _ => None,
    });
    let by_lang = named.is_none()
        && settings.languages.len() > 1
        && written_lang
            .as_deref()
            .and_then(|tag| translate::edition_of(tag, settings.languages))
            .is_some_and(|l| l != 0);
    let relaxed = named.is_some() || by_lang;
    let given: Vec<String> = if relaxed {
        fields.iter().map(|(k, _)| k.clone()).collect()
    } else {
        Vec::new()
    };
    let mut r = Reader::new(&file.text, &file.display, format, fields, &settings.tz);
    let (meta, keys) = match kind {
        Kind::Home => (meta::page(&mut r, true).map(Meta::Home), PAGE_KEYS),
        Kind::Topic => (meta::topic(&mut r).map(Meta::Topic), TOPIC_KEYS),
        Kind::Article => (
            meta::article(&mut r, file_date, relaxed).map(|m| Meta::Article(Box::new(m))),
            ARTICLE_KEYS,
        ),
        Kind::Page => (meta::page(&mut r, false).map(Meta::Page), PAGE_KEYS),
        Kind::Person => (
            profile::profile(&mut r, kind, relaxed).map(|m| Meta::Profile(Box::new(m))),
            PERSON_KEYS,
        ),
        Kind::Organization => (
            profile::profile(&mut r, kind, relaxed).map(|m| Meta::Profile(Box::new(m))),
            ORGANIZATION_KEYS,
        ),
        Kind::Tag => (
            profile::profile(&mut r, kind, relaxed).map(|m| Meta::Profile(Box::new(m))),
            TAG_KEYS,
        ),
    };
    let extra = r.rest(keys);
    let mut problems = std::mem::take(&mut r.problems);
    let Some(meta) = meta.filter(|_| !problems.iter().any(Diagnostic::is_error)) else {
        return Err(problems);
    };
    let lang = match translate::language(&named, &meta, &file, settings.languages) {
        Ok(lang) => lang,
        Err(d) => {
            problems.push(d);
            return Err(problems);
        }
    };
    let draft = match &meta {
        Meta::Article(m) => m.draft,
        Meta::Page(m) | Meta::Home(m) => m.draft,
        Meta::Topic(m) => m.draft,
        Meta::Profile(m) => m.draft,
    };
    let publication = meta.common().publication(now);
    if let Meta::Article(m) = &meta
        && m.date.instant > now
        && m.common.publish_date.is_none()
        // A translation inherits its date: the original is warned about.
        && !relaxed
    {
        let location = front_matter::locate_key(&file.text, "date");
        problems.push(
            Diagnostic::warning(
                file.display.clone(),
                Problem::FutureDate { date: m.date.iso() },
            )
            .maybe_at(location, &file.text),
        );
    }
    let spots = spots(&meta, &file.text);
    let role = match named {
        Some((_, original)) => Role::Named { original, given },
        None if by_lang => Role::ByLang { given },
        None => Role::Placed { original: None },
    };
    let mut head = Head {
        file,
        kind,
        meta,
        extra,
        body_offset,
        path: String::new(),
        id: String::new(),
        draft,
        publication,
        spots,
        warnings: Vec::new(),
        keep_markdown: false,
        lang,
        role,
        stem,
        file_date,
    };
    match head.identify().and_then(|()| {
        if head.is_placed() {
            head.place(settings)
        } else {
            Ok(())
        }
    }) {
        Ok(()) => {
            head.warnings = problems;
            Ok(head)
        }
        Err(d) => {
            problems.push(d);
            Err(problems)
        }
    }
}

impl Head {
    /// Works out the page's id: its slug (from `slug:` or its file name), or the topic id.
    pub(super) fn identify(&mut self) -> Result<(), Diagnostic> {
        let file = &self.file;
        let explicit_slug = match &self.meta {
            Meta::Article(m) => m.slug.as_deref(),
            Meta::Page(m) => m.slug.as_deref(),
            _ => None,
        };
        let raw_slug = explicit_slug.unwrap_or(&self.stem);
        self.id = match self.kind {
            Kind::Home => String::new(),
            Kind::Topic => topic_id(raw_slug).map_err(|reason| {
                Diagnostic::new(
                    file.display.clone(),
                    Problem::BadSlug {
                        slug: raw_slug.to_string(),
                        reason,
                    },
                )
            })?,
            _ => checked_slug(raw_slug).map_err(|reason| {
                let location =
                    explicit_slug.and_then(|s| front_matter::locate_value(&file.text, "slug", s));
                Diagnostic::new(
                    file.display.clone(),
                    Problem::BadSlug {
                        slug: raw_slug.to_string(),
                        reason,
                    },
                )
                .maybe_at(location, &file.text)
            })?,
        };
        Ok(())
    }

    /// Works out the page's URL path from its id and front matter, under its language's
    /// prefix (`ur/articles/x/`).
    pub(super) fn place(&mut self, settings: &Settings) -> Result<(), Diagnostic> {
        let id = &self.id;
        let path = match (&self.meta, self.kind) {
            (_, Kind::Home) => String::new(),
            (_, Kind::Topic) => format!("topics/{id}/"),
            (Meta::Article(m), _) => match (&m.common.permalink, settings.article_pattern) {
                (Some(own), _) => own.clone(),
                (None, Some(pattern)) => {
                    let values = urls::Values {
                        date: m.date.date,
                        slug: id,
                        title: &slug::slugify(&m.title),
                        topic: m.topics.first().map_or("", String::as_str),
                    };
                    let expanded = urls::expand(pattern, &values);
                    match urls::page_path(&expanded) {
                        Ok((path, _)) => path,
                        Err(reason) => {
                            return Err(Diagnostic::new(
                                self.file.display.clone(),
                                Problem::BadPath {
                                    field: "permalinks.articles",
                                    path: expanded,
                                    reason,
                                },
                            ));
                        }
                    }
                }
                (None, None) => format!("articles/{id}/"),
            },
            (Meta::Page(m), _) => m.common.permalink.clone().unwrap_or(format!("{id}/")),
            (_, Kind::Person) => format!("people/{id}/"),
            (_, Kind::Organization) => format!("organizations/{id}/"),
            (_, Kind::Tag) => format!("tags/{id}/"),
            _ => format!("{id}/"),
        };
        self.path = format!("{}{path}", settings.prefix(self.lang));
        Ok(())
    }
}

/// Where the keys that later stages may report on are written: `updated` (a stale
/// overview), and a profile's `name` and each alias (a name two profiles claim).
fn spots(meta: &Meta, text: &str) -> Vec<Spot> {
    let spot = |key: String, location: Option<Location>| {
        location.map(|location| Spot {
            key,
            line: text
                .lines()
                .nth(location.line.saturating_sub(1))
                .unwrap_or_default()
                .to_string(),
            location,
        })
    };
    let mut out: Vec<Spot> = Vec::new();
    out.extend(spot(
        "updated".to_string(),
        front_matter::locate_key(text, "updated"),
    ));
    if let Meta::Profile(m) = meta {
        out.extend(spot(
            "name".to_string(),
            front_matter::locate_key(text, "name"),
        ));
        for alias in &m.aliases {
            out.extend(spot(
                format!("aliases:{alias}"),
                front_matter::locate_value(text, "aliases", alias),
            ));
        }
        for (code, name) in &m.names {
            out.extend(spot(
                format!("names:{name}"),
                front_matter::locate_value(text, "names", name)
                    .or_else(|| front_matter::locate_value(text, "names", code)),
            ));
        }
    }
    out
}

/// The kind, id and URL path a file would have by its name alone, for a file whose front
/// matter could not be read.
pub(super) fn fallback(rel: &str, settings: &Settings) -> Option<(Kind, String, String)> {
    let (lang, base) = match translate::named(rel, settings.languages).ok()? {
        Some((lang, base)) => (lang, base),
        None => (0, rel.to_string()),
    };
    let kind = Kind::of(&base)?;
    let (stem, _) = name_parts(&base, kind);
    let id = match kind {
        Kind::Topic => topic_id(&stem).ok()?,
        _ => checked_slug(&stem).ok()?,
    };
    let path = match kind {
        Kind::Home => String::new(),
        Kind::Topic => format!("topics/{id}/"),
        Kind::Article => format!("articles/{id}/"),
        Kind::Page => format!("{id}/"),
        Kind::Person => format!("people/{id}/"),
        Kind::Organization => format!("organizations/{id}/"),
        Kind::Tag => format!("tags/{id}/"),
    };
    Some((kind, id, format!("{}{path}", settings.prefix(lang))))
}

/// The name a file's slug comes from, and a date its name starts with: for an article
/// `2013-02-24-title.md` (Jekyll; Zola also allows `_`) gives `title` and that date, and
/// `some-post/index.md` (a Hugo or Zola page bundle) gives `some-post`.
pub(super) fn name_parts(rel: &str, kind: Kind) -> (String, Option<Date>) {
    let mut parts = rel.rsplit('/');
    let name = parts.next().unwrap_or("");
    let stem = markdown_stem(name).unwrap_or(name);
    if kind != Kind::Article {
        return (stem.to_string(), None);
    }
    let stem = match (stem, parts.next()) {
        ("index", Some(folder)) if folder != "articles" => folder,
        _ => stem,
    };
    let dated = stem
        .get(..10)
        .and_then(|d| d.parse::<Date>().ok())
        .filter(|_| stem.len() > 11 && matches!(stem.as_bytes()[10], b'-' | b'_'));
    match dated {
        Some(date) => (stem[11..].to_string(), Some(date)),
        None => (stem.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_file_names_give_a_date_and_a_slug() {
        let (stem, date) = name_parts("articles/2013/2013-02-24-hello-world.md", Kind::Article);
        assert_eq!(stem, "hello-world");
        assert_eq!(date, Some(jiff::civil::date(2013, 2, 24)));
        let (stem, date) = name_parts("articles/2013-02-24_notes.markdown", Kind::Article);
        assert_eq!((stem.as_str(), date.is_some()), ("notes", true));
        assert_eq!(
            name_parts("articles/2013-02-30-x.md", Kind::Article),
            ("2013-02-30-x".to_string(), None)
        );
        assert_eq!(
            name_parts("articles/2013-02-24.md", Kind::Article),
            ("2013-02-24".to_string(), None)
        );
        assert_eq!(
            name_parts("articles/posts/my-post/index.md", Kind::Article).0,
            "my-post"
        );
        assert_eq!(
            name_parts("pages/2013-02-24-about.md", Kind::Page).0,
            "2013-02-24-about"
        );
    }
}
