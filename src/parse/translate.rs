//! Translations: which language a content file is written in, which page it translates,
//! and what it takes from that page.
//!
//! A translation is a sibling file with the language's code before the extension
//! (`x.ur.md` translates `x.md`), or, for sites organised by folder, a file whose `lang:`
//! names another language than the default one: it translates the default-language page
//! of the same kind and slug, when there is one, and is a page of its own otherwise.
//!
//! The fields a translation leaves out come from its original: the date, topics, names,
//! sources, place, dates of revision, draft state, slug and URL. Its title, summary, key
//! points, aliases and body are its own. It may not contradict its original where that
//! would make two different pages of one: a different `date` or `topics` is an error
//! naming both files.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use super::head::{Head, Role, Settings};
use super::{Kind, Meta, front_matter};
use crate::error::{Diagnostic, Location, Problem, did_you_mean};
use crate::i18n::Lang;
use crate::load::markdown_stem;

mod language;
use language::file_name;
pub(super) use language::language;
pub use language::{edition_of, named};

/// What a translation takes from the page it translates.
#[derive(Clone, Copy)]
pub struct Original<'a> {
    pub rel: &'a str,
    pub kind: Kind,
    pub lang: Lang,
    pub meta: &'a Meta,
    pub extra: &'a BTreeMap<String, serde_yaml::Value>,
    /// Where it is, for messages: its path from the site root and its text.
    pub display: &'a Path,
    pub text: &'a str,
}

impl<'a> Original<'a> {
    pub fn of_head(head: &'a Head) -> Original<'a> {
        Original {
            rel: &head.file.rel,
            kind: head.kind,
            lang: head.lang,
            meta: &head.meta,
            extra: &head.extra,
            display: &head.file.display,
            text: &head.file.text,
        }
    }
}

/// The pages a batch of heads may translate that are not among them (`serve` reads only
/// the files that changed; a build reads them all and knows no others).
pub trait Originals {
    /// The page at the content path `rel`.
    fn by_rel(&self, rel: &str) -> Option<Original<'_>>;
    /// The page in the default language, of `kind` and with the id `id`, that translates
    /// no other.
    fn by_id(&self, kind: Kind, id: &str) -> Option<Original<'_>>;
    /// Whether some page names the page at `rel` as its original by its file name.
    fn is_named_original(&self, rel: &str) -> bool;
    /// Whether the file at `rel` is there but could not be read: its translations wait
    /// for it without a problem of their own.
    fn is_unreadable(&self, rel: &str) -> bool;
}

/// A full build: no pages besides the batch, and the files whose front matter failed.
pub struct Unreadable(pub HashSet<String>);

impl Originals for Unreadable {
    fn by_rel(&self, _: &str) -> Option<Original<'_>> {
        None
    }
    fn by_id(&self, _: Kind, _: &str) -> Option<Original<'_>> {
        None
    }
    fn is_named_original(&self, _: &str) -> bool {
        false
    }
    fn is_unreadable(&self, rel: &str) -> bool {
        self.0.contains(rel)
    }
}

/// Where a waiting head's original is.
enum Found {
    Batch(usize),
    Other(String),
    None,
}

/// Places the heads that wait for their original: each translation takes its original's
/// fields, is checked against it, and gets its URL; a page in another language that
/// translates none gets its URL from its own fields. Heads that cannot be placed are
/// reported and left out; their content paths come back with the problems, so links to
/// them are not reported as well.
pub fn join(
    heads: Vec<Head>,
    settings: &Settings,
    others: &dyn Originals,
) -> (Vec<Head>, Vec<Diagnostic>, Vec<String>) {
    let mut problems = Vec::new();
    let mut failed = Vec::new();
    if heads.iter().all(Head::is_placed) {
        return (heads, problems, failed);
    }
    let (mut placed, waiting): (Vec<Head>, Vec<Head>) =
        heads.into_iter().partition(Head::is_placed);
    let named_originals: HashSet<String> = waiting
        .iter()
        .filter_map(|h| match &h.role {
            Role::Named { original, .. } => Some(original.clone()),
            _ => None,
        })
        .collect();
    let by_rel: HashMap<&str, usize> = placed
        .iter()
        .enumerate()
        .map(|(i, h)| (h.file.rel.as_str(), i))
        .collect();
    let by_id: HashMap<(Kind, &str), usize> = placed
        .iter()
        .enumerate()
        .filter(|(_, h)| h.lang == 0 && h.original().is_none())
        .map(|(i, h)| ((h.kind, h.id.as_str()), i))
        .collect();
    // Where each waiting head's original is; a page in another language that others
    // translate is an original itself.
    let found: Vec<Found> = waiting
        .iter()
        .map(|h| match &h.role {
            Role::Named { original, .. } => match by_rel.get(original.as_str()) {
                Some(&i) => Found::Batch(i),
                None if others.by_rel(original).is_some() => Found::Other(original.clone()),
                None => Found::None,
            },
            _ if named_originals.contains(&h.file.rel) || others.is_named_original(&h.file.rel) => {
                Found::None
            }
            _ => match by_id.get(&(h.kind, h.id.as_str())) {
                Some(&i) => Found::Batch(i),
                None => match others.by_id(h.kind, &h.id) {
                    Some(o) => Found::Other(o.rel.to_string()),
                    None => Found::None,
                },
            },
        })
        .collect();
    // Waiting heads may be the originals of others in the batch (a page in Urdu by its
    // `lang:`, translated into English by `x.en.md`): those that stand alone are placed
    // first, then the translations.
    let (translations, alone): (Vec<_>, Vec<_>) = waiting
        .into_iter()
        .zip(found)
        .partition(|(h, f)| !matches!(f, Found::None) || matches!(h.role, Role::Named { .. }));
    for (mut head, _) in alone {
        let rel = head.file.rel.clone();
        match stand_alone(&mut head, settings) {
            Ok(()) => placed.push(head),
            Err(d) => {
                problems.push(d);
                failed.push(rel);
            }
        }
    }
    let batch_rel: HashMap<String, usize> = placed
        .iter()
        .enumerate()
        .map(|(i, h)| (h.file.rel.clone(), i))
        .collect();
    let mut joined = Vec::with_capacity(translations.len());
    for (mut head, found) in translations {
        let original = match &found {
            Found::Batch(i) => Some(Original::of_head(&placed[*i])),
            Found::Other(rel) => others.by_rel(rel),
            Found::None => match &head.role {
                Role::Named { original, .. } => batch_rel
                    .get(original)
                    .map(|&i| Original::of_head(&placed[i])),
                _ => None,
            },
        };
        let rel = head.file.rel.clone();
        let result = match original {
            Some(original) => translate(&mut head, &original, settings),
            None if head.original().is_some_and(|o| others.is_unreadable(o)) => Err(Vec::new()),
            None => Err(vec![no_original(
                &head,
                &placed,
                &settings.languages[head.lang].code,
            )]),
        };
        match result {
            Ok(()) => joined.push(head),
            Err(d) => {
                problems.extend(d);
                failed.push(rel);
            }
        }
    }
    placed.extend(joined);
    (placed, problems, failed)
}

/// Places a page in another language that translates no other: it has only its own
/// fields, so it needs every required one.
fn stand_alone(head: &mut Head, settings: &Settings) -> Result<(), Diagnostic> {
    let given = match std::mem::replace(&mut head.role, Role::Placed { original: None }) {
        Role::ByLang { given } | Role::Named { given, .. } => given,
        Role::Placed { .. } => Vec::new(),
    };
    if head.kind == Kind::Article && head.file_date.is_none() && !given.iter().any(|k| k == "date")
    {
        return Err(Diagnostic::new(
            head.file.display.clone(),
            Problem::FrontMatter(
                "the required field `date` is missing: add a `date:` line (this page translates no page in the default language, so it has no date to take)".into(),
            ),
        )
        .at(Location::new(2, 1), &head.file.text));
    }
    head.place(settings)
}

/// The problem of a translation whose original is not there, with the name it would have
/// beside the original closest to the one it names.
fn no_original(head: &Head, placed: &[Head], code: &str) -> Diagnostic {
    let original = match &head.role {
        Role::Named { original, .. } => original.clone(),
        _ => head.file.rel.clone(),
    };
    let folder = |rel: &str| rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
    let here = folder(&original);
    let siblings: Vec<&str> = placed
        .iter()
        .filter(|h| h.original().is_none() && folder(&h.file.rel) == here)
        .map(|h| file_name(&h.file.rel))
        .collect();
    let suggestion = did_you_mean(file_name(&original), siblings.iter().copied()).and_then(|s| {
        let stem = markdown_stem(&s)?;
        Some(format!("{stem}.{code}{}", &s[stem.len()..]))
    });
    Diagnostic::new(
        head.file.display.clone(),
        Problem::NoOriginal {
            original: format!("content/{original}"),
            suggestion,
        },
    )
}

/// Makes `head` the translation of `original`: takes what it leaves out, checks what it
/// must share, and places it.
fn translate(
    head: &mut Head,
    original: &Original,
    settings: &Settings,
) -> Result<(), Vec<Diagnostic>> {
    let given = match std::mem::replace(
        &mut head.role,
        Role::Placed {
            original: Some(original.rel.to_string()),
        },
    ) {
        Role::ByLang { given } | Role::Named { given, .. } => given,
        Role::Placed { .. } => Vec::new(),
    };
    if original.lang == head.lang {
        return Err(vec![Diagnostic::new(
            head.file.display.clone(),
            Problem::SameLanguage {
                lang: settings.languages[head.lang].code.clone(),
                original: original.display.display().to_string(),
            },
        )]);
    }
    let has = |key: &str| given.iter().any(|k| k == key);
    let mut problems = Vec::new();
    let mut differs = |field: &'static str, here: String, there: String| {
        let location = front_matter::locate_key(&head.file.text, field);
        let there_at = front_matter::locate_key(original.text, field).map_or_else(
            || original.display.display().to_string(),
            |l| format!("{}:{}:{}", original.display.display(), l.line, l.column),
        );
        problems.push(
            Diagnostic::new(
                head.file.display.clone(),
                Problem::TranslationDiffers {
                    field,
                    here,
                    there,
                    original: there_at,
                },
            )
            .maybe_at(location, &head.file.text),
        );
    };
    match (&mut head.meta, original.meta) {
        (Meta::Article(t), Meta::Article(o)) => {
            if has("date") || head.file_date.is_some() {
                if t.date != o.date {
                    differs("date", t.date.iso(), o.date.iso());
                }
            } else {
                t.date = o.date;
            }
            if has("topics") || has("categories") || has("taxonomies") {
                let mut mine = t.topics.clone();
                let mut theirs = o.topics.clone();
                mine.sort();
                theirs.sort();
                if mine != theirs {
                    differs(
                        if t.topics_from_categories {
                            "categories"
                        } else {
                            "topics"
                        },
                        t.topics.join(", "),
                        o.topics.join(", "),
                    );
                }
            } else {
                t.topics.clone_from(&o.topics);
                t.categories.clone_from(&o.categories);
                t.topics_from_categories = o.topics_from_categories;
            }
            if !has("people") {
                t.people.clone_from(&o.people);
            }
            if !has("organizations") {
                t.organizations.clone_from(&o.organizations);
            }
            if !has("tags") && !has("taxonomies") {
                t.tags.clone_from(&o.tags);
            }
            if !has("author") && !has("authors") {
                t.authors.clone_from(&o.authors);
            }
            if !has("location") {
                t.location.clone_from(&o.location);
            }
            if !has("sources") {
                t.sources.clone_from(&o.sources);
            }
            if !has("updated") {
                t.updated = o.updated;
            }
            if !has("slug") {
                t.slug.clone_from(&o.slug);
            }
            if !has("draft") && !has("published") {
                t.draft = o.draft;
            }
            if !has("permalink") && !has("url") {
                t.common.permalink.clone_from(&o.common.permalink);
            }
        }
        (Meta::Topic(t), Meta::Topic(o)) => {
            if !has("weight") {
                t.weight = o.weight;
            }
            if !has("updated") {
                t.updated = o.updated;
            }
            if !has("draft") && !has("published") {
                t.draft = o.draft;
            }
        }
        (Meta::Page(t), Meta::Page(o)) | (Meta::Home(t), Meta::Home(o)) => {
            if !has("slug") {
                t.slug.clone_from(&o.slug);
            }
            if !has("menu") {
                t.menu = o.menu;
            }
            if !has("weight") {
                t.weight = o.weight;
            }
            if !has("updated") {
                t.updated = o.updated;
            }
            if !has("draft") && !has("published") {
                t.draft = o.draft;
            }
            if !has("permalink") && !has("url") {
                t.common.permalink.clone_from(&o.common.permalink);
            }
        }
        (Meta::Profile(t), Meta::Profile(o)) => {
            // A translated profile may give the name as the language writes it; the
            // original's name then still files articles naming it under the entity.
            if !has("name") {
                t.name.clone_from(&o.name);
            } else if t.name != o.name && !t.aliases.contains(&o.name) {
                t.aliases.push(o.name.clone());
            }
            if !has("role") && !has("roles") {
                t.roles.clone_from(&o.roles);
            }
            if !has("organization") {
                t.organization.clone_from(&o.organization);
            }
            if !has("country") {
                t.country.clone_from(&o.country);
            }
            if !has("names") {
                t.names.clone_from(&o.names);
            }
            for alias in &o.aliases {
                if !t.aliases.contains(alias) && alias != &t.name {
                    t.aliases.push(alias.clone());
                }
            }
            if !has("links") {
                t.links.clone_from(&o.links);
            }
            if !has("updated") {
                t.updated = o.updated;
            }
            if !has("draft") && !has("published") {
                t.draft = o.draft;
            }
            if !has("image") {
                t.common.image.clone_from(&o.common.image);
            }
        }
        // Translations are found among pages of their own kind.
        _ => {}
    }
    // A translation is published and withdrawn with its original, unless it says
    // otherwise.
    let (from, until) = (
        original.meta.common().publish_date,
        original.meta.common().expiry_date,
    );
    let common = head.meta.common_mut();
    if !has("publish_date") {
        common.publish_date = from;
    }
    if !has("expiry_date") {
        common.expiry_date = until;
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    for (key, value) in original.extra {
        head.extra
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    head.draft = match &head.meta {
        Meta::Article(m) => m.draft,
        Meta::Page(m) | Meta::Home(m) => m.draft,
        Meta::Topic(m) => m.draft,
        Meta::Profile(m) => m.draft,
    };
    head.identify().map_err(|d| vec![d])?;
    head.place(settings).map_err(|d| vec![d])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    fn languages() -> Vec<Language> {
        ["en", "ur", "ru", "pt-BR"]
            .iter()
            .map(|c| Language::from_code(c).unwrap())
            .collect()
    }

    #[test]
    fn a_code_before_the_extension_names_a_translation() {
        let l = languages();
        assert_eq!(
            named("articles/2025/x.ur.md", &l).unwrap(),
            Some((1, "articles/2025/x.md".to_string()))
        );
        assert_eq!(
            named("_index.ru.md", &l).unwrap(),
            Some((2, "_index.md".to_string()))
        );
        assert_eq!(
            named("pages/about.pt_br.markdown", &l).unwrap(),
            Some((3, "pages/about.markdown".to_string()))
        );
        for plain in [
            "articles/x.md",
            "articles/release.v2.md",
            "articles/notes.final-draft.md",
            "articles/.ur.md",
            "topics/trade.md",
        ] {
            assert_eq!(named(plain, &l).unwrap(), None, "{plain}");
        }
    }

    #[test]
    fn a_language_the_site_does_not_list_and_a_translation_of_a_translation_are_refused() {
        let l = languages();
        let e = named("articles/x.de.md", &l).unwrap_err();
        assert!(e.to_string().contains("`de`"), "{e}");
        let e = named("articles/x.ur.ur.md", &l).unwrap_err();
        assert!(e.to_string().contains("x.ur.md"), "{e}");
        assert!(e.help().unwrap().contains("x.md"), "{:?}", e.help());
    }

    #[test]
    fn a_lang_tag_finds_its_edition() {
        let l = languages();
        assert_eq!(edition_of("ur", &l), Some(1));
        assert_eq!(edition_of("en-GB", &l), Some(0));
        assert_eq!(edition_of("pt", &l), Some(3));
        assert_eq!(edition_of("de", &l), None);
    }
}
