//! Jekyll: `_config.yml`, posts in `_posts/` (and `<category>/_posts/`, `_drafts/`),
//! pages as Markdown files with front matter, and every other file outside `_` folders
//! as a static file. A post's old URL follows the site's `permalink` style.

use std::path::Path;

use jiff::civil::Date;

use super::mapping::{Entry, Plan, Post, title_from};
use super::{ImportError, Settings, files_under, note, read_settings, setting};
use crate::load::markdown_stem;

/// Files Jekyll itself leaves out of a site.
const EXCLUDED: &[&str] = &[
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor",
    "package.json",
    "package-lock.json",
    "Rakefile",
    "CNAME",
];

pub(super) fn plan(src: &Path) -> Result<Plan, ImportError> {
    let Some(config_rel) = ["_config.yml", "_config.yaml"]
        .into_iter()
        .find(|f| src.join(f).is_file())
    else {
        return Err(ImportError::NotASite {
            path: src.to_path_buf(),
            kind: "Jekyll",
            reason: "there is no _config.yml".into(),
        });
    };
    let config = read_settings(src, config_rel)?;
    let base_url = setting(&config, &["url"]).map(|url| {
        let base = setting(&config, &["baseurl"]).unwrap_or_default();
        format!("{}/{}", url.trim_end_matches('/'), base.trim_matches('/'))
    });
    let settings = Settings {
        title: setting(&config, &["title"]),
        description: setting(&config, &["description"]),
        base_url,
        language: setting(&config, &["lang"]).or_else(|| setting(&config, &["locale"])),
        author: setting(&config, &["author"]).or_else(|| setting(&config, &["author", "name"])),
        timezone: setting(&config, &["timezone"]),
    };
    let permalink = match setting(&config, &["permalink"]).as_deref() {
        None | Some("date") => "/:categories/:year/:month/:day/:title:output_ext".to_string(),
        Some("pretty") => "/:categories/:year/:month/:day/:title/".to_string(),
        Some("ordinal") => "/:categories/:year/:y_day/:title:output_ext".to_string(),
        Some("weekdate") => "/:categories/:year/W:week/:short_day/:title:output_ext".to_string(),
        Some("none") => "/:categories/:title:output_ext".to_string(),
        Some(custom) => custom.to_string(),
    };
    let excluded: Vec<String> = match config.get("exclude") {
        Some(serde_yaml::Value::Sequence(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(|s| s.trim_matches('/').to_string()))
            .collect(),
        _ => Vec::new(),
    };
    let mut plan = Plan::new(settings);
    for rel in files_under(src, src) {
        let parts: Vec<&str> = rel.split('/').collect();
        let name = parts[parts.len() - 1];
        if EXCLUDED.contains(&parts[0])
            || excluded
                .iter()
                .any(|e| rel == *e || rel.starts_with(&format!("{e}/")))
            || rel == config_rel
        {
            continue;
        }
        let posts_at = parts.iter().position(|p| *p == "_posts" || *p == "_drafts");
        if let Some(at) = posts_at
            && parts[..at].iter().all(|p| !p.starts_with('_'))
        {
            let Some(stem) = markdown_stem(name) else {
                plan.notes.push(note(
                    &rel,
                    None,
                    "not converted: attache converts posts written in Markdown".into(),
                ));
                continue;
            };
            let path_categories: Vec<String> = parts[..at].iter().map(|p| p.to_string()).collect();
            let draft = parts[at] == "_drafts";
            post(
                src,
                &rel,
                stem,
                path_categories,
                draft,
                &permalink,
                &mut plan,
            )?;
            continue;
        }
        if parts.iter().any(|p| p.starts_with('_')) {
            // Layouts, includes, data, sass, collections: the old site's machinery.
            continue;
        }
        let bytes = super::read(src, &rel)?;
        let has_front_matter = bytes.starts_with(b"---\n") || bytes.starts_with(b"---\r\n");
        match (markdown_stem(name), has_front_matter) {
            (Some(stem), true) => {
                let Some(entry) = Entry::read(src, &rel, &mut plan)? else {
                    continue;
                };
                let home = parts.len() == 1 && stem == "index";
                let slug = if stem == "index" && parts.len() > 1 {
                    parts[parts.len() - 2]
                } else {
                    stem
                };
                let old = page_url(&rel, stem, entry.get("permalink"));
                plan.page(entry, slug, Some(old), home);
            }
            (Some(_), false) => {}
            (None, true) => plan.notes.push(note(
                &rel,
                Some(1),
                "not converted: a file made with Jekyll's templates (attache makes its own feeds, sitemap, home and 404 pages)".into(),
            )),
            (None, false) => plan.copy(src, &rel, &rel)?,
        }
    }
    plan.notes.push(note(
        "_layouts",
        None,
        "layouts, includes and the theme are not converted: attache uses its own theme".into(),
    ));
    Ok(plan)
}

fn post(
    src: &Path,
    rel: &str,
    stem: &str,
    path_categories: Vec<String>,
    draft: bool,
    permalink: &str,
    plan: &mut Plan,
) -> Result<(), ImportError> {
    let Some(mut entry) = Entry::read(src, rel, plan)? else {
        return Ok(());
    };
    let (file_date, title_part) = match stem.get(..10).and_then(|d| d.parse::<Date>().ok()) {
        Some(date) if stem.len() > 11 => (Some(date), &stem[11..]),
        _ => (None, stem),
    };
    if draft {
        entry.fields.push(("draft".into(), true.into()));
    }
    let slug = entry
        .get("slug")
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| title_part.to_string());
    let date = entry
        .get("date")
        .and_then(|v| plan.date_of(v))
        .map(|d| d.date)
        .or(file_date);
    let mut categories: Vec<String> = path_categories.clone();
    categories.extend(super::mapping::list_of(
        entry.get("categories").cloned(),
        true,
    ));
    let old_url = match entry.get("permalink").and_then(|v| v.as_str()) {
        Some(own) => Some(own.to_string()),
        None => date.map(|d| expand(permalink, d, title_part, &slug, &categories)),
    };
    plan.article(Post {
        entry,
        slug,
        file_date,
        default_topic: ("posts".into(), "Posts".into()),
        split_words: true,
        // Drafts had no address on the old site.
        old_url: if draft { None } else { old_url },
        path_categories,
    });
    Ok(())
}

/// A page's old address: its `permalink`, else its path with `.html` (as Jekyll writes
/// `about.md`), or its folder for an `index.md`.
fn page_url(rel: &str, stem: &str, permalink: Option<&serde_yaml::Value>) -> String {
    if let Some(own) = permalink.and_then(|v| v.as_str()) {
        return own.to_string();
    }
    let folder = rel.rsplit_once('/').map_or("", |(f, _)| f);
    let prefix = if folder.is_empty() {
        String::from("/")
    } else {
        format!("/{folder}/")
    };
    if stem == "index" {
        prefix
    } else {
        format!("{prefix}{stem}.html")
    }
}

/// Jekyll's permalink placeholders filled in for one post.
fn expand(pattern: &str, date: Date, title: &str, slug: &str, categories: &[String]) -> String {
    let categories: Vec<String> = categories
        .iter()
        .map(slug::slugify)
        .filter(|c| !c.is_empty())
        .collect();
    let replacements = [
        (":categories", categories.join("/")),
        (":output_ext", ".html".to_string()),
        (":short_year", format!("{:02}", date.year() % 100)),
        (":i_month", date.month().to_string()),
        (":i_day", date.day().to_string()),
        (":y_day", format!("{:03}", date.day_of_year())),
        (":year", date.year().to_string()),
        (":month", format!("{:02}", date.month())),
        (":day", format!("{:02}", date.day())),
        (":title", slug::slugify(title)),
        (":slug", slug::slugify(slug)),
        (":name", title_from(title)),
    ];
    let mut out = pattern.to_string();
    for (token, value) in replacements {
        out = out.replace(token, &value);
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '/' && collapsed.ends_with('/')) {
            collapsed.push(c);
        }
    }
    collapsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_addresses_follow_jekylls_permalink_styles() {
        let date = jiff::civil::date(2013, 2, 24);
        let cats = vec!["Release Notes".to_string()];
        assert_eq!(
            expand(
                "/:categories/:year/:month/:day/:title:output_ext",
                date,
                "hello",
                "hello",
                &cats
            ),
            "/release-notes/2013/02/24/hello.html"
        );
        assert_eq!(
            expand(
                "/:categories/:year/:month/:day/:title:output_ext",
                date,
                "hello",
                "hello",
                &[]
            ),
            "/2013/02/24/hello.html"
        );
        assert_eq!(page_url("about.md", "about", None), "/about.html");
        assert_eq!(page_url("docs/index.md", "index", None), "/docs/");
    }
}
