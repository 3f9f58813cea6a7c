//! A page among the site's languages, for templates: its versions in other languages
//! (`alternates`, `x_default`), the language switcher, and what a list in one language
//! leaves out because it is written only in others (`elsewhere`).

use rustc_hash::FxHashSet;
use tera::Value;

use super::Local;
use super::job::Scope;
use super::values::{list, obj, text};
use crate::i18n::Lang;

/// The values every themed page (at the URL path `path`) has about languages. A site in one
/// language gets empty ones, so a theme can test them without knowing how many languages
/// there are.
pub(super) fn values(r: &Local, path: &str) -> Vec<(&'static str, Value)> {
    let site = r.site;
    if site.editions.len() < 2 {
        return vec![
            ("alternates", list([])),
            ("x_default", Value::none()),
            ("switcher", list([])),
        ];
    }
    let versions = r.job.versions(site);
    let shared = r.shared;
    let languages = &site.config.languages;
    let alternates = list(versions.iter().map(|(lang, path)| {
        let l = &languages[*lang];
        obj([
            ("code", text(&l.code)),
            ("name", text(&l.name)),
            ("dir", text(l.dir.as_str())),
            ("url", text(&shared.url(path))),
            ("permalink", text(&shared.permalink(path))),
            ("current", Value::from(*lang == r.lang)),
        ])
    }));
    // The version for readers of none of the languages: the default language's, else the
    // first there is.
    let x_default = versions
        .first()
        .map_or_else(Value::none, |(_, path)| text(&shared.permalink(path)));
    let switcher = list(languages.iter().enumerate().map(|(lang, l)| {
        let version = versions.iter().find(|(v, _)| *v == lang);
        let path = match version {
            Some((_, path)) => path.clone(),
            None if lang == r.lang => path.to_string(),
            None => crate::i18n::prefix(languages, lang),
        };
        obj([
            ("code", text(&l.code)),
            ("name", text(&l.name)),
            ("dir", text(l.dir.as_str())),
            ("url", text(&shared.url(&path))),
            ("current", Value::from(lang == r.lang)),
            ("translated", Value::from(version.is_some())),
        ])
    }));
    vec![
        ("alternates", alternates),
        ("x_default", x_default),
        ("switcher", switcher),
    ]
}

/// The articles a list of one edition leaves out because they are not written in its
/// language: how many, and how many each other language has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(super) struct Elsewhere {
    /// Articles (counting an article and its translations once) not in the edition.
    pub total: usize,
    /// Per other language that has some: how many it has, and where they are listed
    /// (a URL path).
    pub languages: Vec<(Lang, usize, String)>,
}

/// What the list of `scope`'s edition at `path` (`""`, `timeline/`, `topics/<id>/`, the
/// part after the language's prefix) leaves out: every article in another language that
/// has no version in this one, filed under `topic` when one is given.
pub(super) fn elsewhere(scope: &Scope, topic: Option<&str>, path: &str) -> Elsewhere {
    let site = scope.site;
    if site.editions.len() < 2 {
        return Elsewhere::default();
    }
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut languages = Vec::new();
    for (lang, edition) in site.editions.iter().enumerate() {
        if lang == scope.lang {
            continue;
        }
        let mut count = 0;
        for a in &edition.articles {
            let filed = topic.is_none_or(|t| {
                a.article()
                    .is_some_and(|m| m.topics.iter().any(|id| id == t))
            });
            if !filed
                || site
                    .versions(a)
                    .iter()
                    .any(|(version, _)| *version == scope.lang)
            {
                continue;
            }
            count += 1;
            seen.insert(a.original.as_deref().unwrap_or(&a.rel));
        }
        if count > 0 {
            let prefix = crate::i18n::prefix(&site.config.languages, lang);
            // Where the other language lists them: the same list, or its timeline when it
            // has no page for the topic.
            let listed = match topic {
                Some(t) if edition.topic(t).is_none() => "timeline/",
                _ => path,
            };
            languages.push((lang, count, format!("{prefix}{listed}")));
        }
    }
    Elsewhere {
        total: seen.len(),
        languages,
    }
}

impl Elsewhere {
    /// `{count, languages: [{code, name, dir, count, url}]}`, or nothing when the list
    /// leaves nothing out.
    pub(super) fn value(&self, r: &Local) -> Value {
        if self.total == 0 {
            return Value::none();
        }
        let languages = &r.site.config.languages;
        obj([
            ("count", Value::from(self.total)),
            (
                "languages",
                list(self.languages.iter().map(|(lang, count, path)| {
                    let l = &languages[*lang];
                    obj([
                        ("code", text(&l.code)),
                        ("name", text(&l.name)),
                        ("dir", text(l.dir.as_str())),
                        ("count", Value::from(*count)),
                        ("url", text(&r.shared.url(path))),
                    ])
                })),
            ),
        ])
    }
}
