//! What link previews and news readers read from a page: Open Graph and Twitter card
//! values (printed by the theme as `<meta>` tags), so a page forwarded anywhere keeps its
//! title, summary, date and picture; [`super::json_ld`] says who and what it is about.

use tera::Value;

use super::values::{Shared, list, obj, opt_text, text};
use crate::parse::front_matter::ArticleMeta;

/// What kind of thing a page is, for `og:type` and its extra properties.
pub enum Kind<'a> {
    Website,
    /// An article: `og:type` article, with its dates, topics (sections) and authors.
    Article {
        meta: &'a ArticleMeta,
        sections: Vec<&'a str>,
    },
    /// A person's profile page.
    Profile,
}

/// The values of one page's preview.
pub struct Share<'a> {
    pub title: &'a str,
    /// The page's summary; the site's description when it has none.
    pub description: &'a str,
    /// URL path below the site root.
    pub path: &'a str,
    pub kind: Kind<'a>,
    /// The page's own `image`, else the site's.
    pub image: Option<&'a str>,
}

impl Share<'_> {
    /// The `share` value templates print as `<meta>` tags.
    pub fn value(&self, shared: &Shared) -> Value {
        let image = self
            .image
            .or(shared.site_image.as_deref())
            .map(|i| shared.absolute(i));
        let (og_type, published, modified, sections, authors) = match &self.kind {
            Kind::Website => ("website", None, None, Vec::new(), Vec::new()),
            Kind::Profile => ("profile", None, None, Vec::new(), Vec::new()),
            Kind::Article { meta, sections } => (
                "article",
                Some(meta.date.rfc3339()),
                Some(meta.last_modified().rfc3339()),
                sections.clone(),
                meta.authors.iter().map(String::as_str).collect(),
            ),
        };
        let description = if self.description.trim().is_empty() {
            shared.site_description.as_str()
        } else {
            self.description
        };
        obj([
            ("title", text(self.title)),
            ("description", text(description)),
            ("url", text(&shared.permalink(self.path))),
            ("type", text(og_type)),
            ("locale", text(&shared.og_locale)),
            ("twitter_card", text(twitter_card(image.is_some()))),
            ("image", opt_text(image.as_deref())),
            ("published_time", opt_text(published.as_deref())),
            ("modified_time", opt_text(modified.as_deref())),
            ("sections", list(sections.into_iter().map(text))),
            ("authors", list(authors.into_iter().map(text))),
        ])
    }
}

/// `summary_large_image` when there is a picture to show large, else `summary`.
fn twitter_card(has_image: bool) -> &'static str {
    if has_image {
        "summary_large_image"
    } else {
        "summary"
    }
}

/// `og:locale` for a language code: the `language_TERRITORY` form Facebook reads
/// (`en_US`, `ur_PK`, `ru_RU`), from CLDR's likely subtags; the code as it is when no
/// territory can be derived.
pub fn og_locale(code: &str) -> String {
    let Ok(mut id) = crate::i18n::parse_code(code) else {
        return code.to_string();
    };
    if id.region.is_none() {
        icu_locale::LocaleExpander::new_common().maximize(&mut id);
    }
    match id.region {
        Some(region) => format!("{}_{}", id.language, region),
        None => code.to_string(),
    }
}

/// `path_or_url` as an absolute URL: a full URL as it is, a path below the site
/// (`/images/a.png`, `images/a.png`) under `base_url`.
pub fn absolute_url(base_url: &str, path_or_url: &str) -> String {
    if crate::parse::markdown::has_scheme(path_or_url) || path_or_url.starts_with("//") {
        return path_or_url.to_string();
    }
    format!("{base_url}{}", path_or_url.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn og_locale_takes_the_likely_territory() {
        assert_eq!(og_locale("en"), "en_US");
        assert_eq!(og_locale("ur"), "ur_PK");
        assert_eq!(og_locale("ru"), "ru_RU");
        assert_eq!(og_locale("pt-BR"), "pt_BR");
    }

    #[test]
    fn paths_become_absolute_and_urls_stay() {
        let base = "https://example.org/briefing/";
        assert_eq!(
            absolute_url(base, "/images/a.png"),
            "https://example.org/briefing/images/a.png"
        );
        assert_eq!(
            absolute_url(base, "https://cdn.example.com/a.png"),
            "https://cdn.example.com/a.png"
        );
    }
}
