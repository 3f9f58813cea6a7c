//! Hugo: `hugo.toml` (or `config.toml`, `.yaml`), `content/` with YAML or TOML front
//! matter, page bundles (`post/index.md` with its images) and `static/`. Dated pages in a
//! section become articles; a post's old URL follows `permalinks`, `url` or Hugo's default
//! `/<section>/<slug>/`.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use super::mapping::{Entry, Plan, Post, title_from};
use super::{ImportError, Settings, files_under, note, read_settings, setting};
use crate::load::markdown_stem;

const CONFIGS: &[&str] = &[
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "config.toml",
    "config.yaml",
    "config.yml",
];

pub(super) fn plan(src: &Path) -> Result<Plan, ImportError> {
    let Some(config_rel) = CONFIGS.iter().find(|f| src.join(f).is_file()) else {
        return Err(ImportError::NotASite {
            path: src.to_path_buf(),
            kind: "Hugo",
            reason: "there is no hugo.toml or config.toml".into(),
        });
    };
    let config = read_settings(src, config_rel)?;
    let settings = Settings {
        title: setting(&config, &["title"]),
        description: setting(&config, &["params", "description"])
            .or_else(|| setting(&config, &["description"])),
        base_url: setting(&config, &["baseURL"]).or_else(|| setting(&config, &["baseurl"])),
        language: setting(&config, &["languageCode"])
            .or_else(|| setting(&config, &["defaultContentLanguage"])),
        author: setting(&config, &["params", "author"])
            .or_else(|| setting(&config, &["params", "author", "name"]))
            .or_else(|| setting(&config, &["author", "name"]))
            .or_else(|| setting(&config, &["author"])),
        timezone: setting(&config, &["timeZone"]).or_else(|| setting(&config, &["timezone"])),
    };
    let mut permalinks: BTreeMap<String, String> = BTreeMap::new();
    for table in [
        config.get("permalinks"),
        config.get("permalinks").and_then(|p| p.get("page")),
    ]
    .into_iter()
    .flatten()
    {
        if let serde_yaml::Value::Mapping(m) = table {
            for (k, v) in m {
                if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
                    permalinks.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    let mut plan = Plan::new(settings);
    plan.unsafe_html = matches!(
        config
            .get("markup")
            .and_then(|m| m.get("goldmark"))
            .and_then(|g| g.get("renderer"))
            .and_then(|r| r.get("unsafe")),
        Some(serde_yaml::Value::Bool(true))
    );
    let content = src.join("content");
    let files = files_under(&content, &content);
    let bundles: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_suffix("/index.md").map(str::to_owned))
        .collect();
    let mut section_titles: BTreeMap<String, String> = BTreeMap::new();
    for rel in files.iter().filter(|f| f.ends_with("/_index.md")) {
        let section = rel.split('/').next().unwrap_or_default().to_string();
        if let Some(mut entry) = Entry::read(&content, rel, &mut plan)?
            && let Some(title) = entry.text("title")
        {
            section_titles.insert(section, title);
        }
    }
    for rel in &files {
        let shown = format!("content/{rel}");
        let parts: Vec<&str> = rel.split('/').collect();
        let name = parts[parts.len() - 1];
        let Some(stem) = markdown_stem(name) else {
            // Page resources go beside the article they belong to; others keep their path.
            let bundle = bundles.iter().find(|b| rel.starts_with(&format!("{b}/")));
            match bundle {
                Some(b) => {
                    let slug = b.rsplit('/').next().unwrap_or(b);
                    let inner = &rel[b.len() + 1..];
                    plan.copy(
                        &content,
                        rel,
                        &format!("articles/{}/{inner}", slug::slugify(slug)),
                    )?;
                }
                None => plan.copy(&content, rel, rel)?,
            }
            continue;
        };
        if stem == "_index" {
            if parts.len() == 1
                && let Some(mut entry) = Entry::read(&content, rel, &mut plan)?
            {
                entry.rel = shown;
                plan.page(entry, "index", None, true);
            }
            continue;
        }
        let Some(mut entry) = Entry::read(&content, rel, &mut plan)? else {
            continue;
        };
        entry.rel = shown.clone();
        let file_name = if stem == "index" && parts.len() > 1 {
            parts[parts.len() - 2]
        } else {
            stem
        };
        let own_slug = entry
            .get("slug")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let slug = own_slug.clone().unwrap_or_else(|| file_name.to_string());
        if parts.len() == 1 {
            let old = entry
                .get("url")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .unwrap_or_else(|| format!("/{}/", slug.to_lowercase()));
            plan.page(entry, &slug, Some(old), false);
            continue;
        }
        let section = parts[0];
        let date = entry
            .get("date")
            .and_then(|v| plan.date_of(v))
            .map(|d| d.date);
        let folder_parts = if stem == "index" {
            &parts[..parts.len() - 2]
        } else {
            &parts[..parts.len() - 1]
        };
        let title = entry
            .get("title")
            .and_then(|v| v.as_str())
            .unwrap_or(file_name)
            .to_string();
        let old_url = match entry.get("url").and_then(|v| v.as_str()) {
            Some(own) => own.to_string(),
            None => match (permalinks.get(section), date) {
                (Some(pattern), Some(date)) => expand(
                    pattern,
                    date,
                    &title,
                    own_slug.as_deref(),
                    file_name,
                    folder_parts,
                ),
                _ => format!(
                    "/{}/{}/",
                    folder_parts.join("/"),
                    slug::slugify(own_slug.as_deref().unwrap_or(file_name))
                )
                .to_lowercase(),
            },
        };
        let topic_title = section_titles
            .get(section)
            .cloned()
            .unwrap_or_else(|| title_from(section));
        if date.is_none() && entry.get("date").is_none() {
            plan.notes.push(note(
                &shown,
                Some(1),
                "it has no date, so it became a plain page (content/pages/) instead of an article"
                    .into(),
            ));
            plan.page(entry, &slug, Some(old_url), false);
            continue;
        }
        plan.article(Post {
            entry,
            slug,
            file_date: None,
            default_topic: (slug::slugify(section), topic_title),
            split_words: false,
            old_url: Some(old_url),
            path_categories: Vec::new(),
        });
    }
    for rel in files_under(src, &src.join("static")) {
        let to = rel.strip_prefix("static/").unwrap_or(&rel).to_string();
        plan.copy(src, &rel, &to)?;
    }
    if src.join("assets").is_dir() {
        plan.notes.push(note(
            "assets",
            None,
            "Hugo Pipes assets are not converted: copy the files the pages need into static/"
                .into(),
        ));
    }
    plan.notes.push(note(
        "layouts",
        None,
        "layouts, shortcode templates and the theme are not converted: attache uses its own theme"
            .into(),
    ));
    Ok(plan)
}

/// Hugo's permalink placeholders filled in for one page.
fn expand(
    pattern: &str,
    date: Date,
    title: &str,
    slug: Option<&str>,
    file_name: &str,
    folders: &[&str],
) -> String {
    let urlized_title = slug::slugify(title);
    let slug_or_title = slug
        .map(slug::slugify)
        .unwrap_or_else(|| urlized_title.clone());
    let replacements = [
        (":year", date.year().to_string()),
        (
            ":monthname",
            crate::parse::front_matter::month_name(date.month()).to_lowercase(),
        ),
        (":month", format!("{:02}", date.month())),
        (":day", format!("{:02}", date.day())),
        (":yearday", date.day_of_year().to_string()),
        (
            ":slugorfilename",
            slug.map(slug::slugify)
                .unwrap_or_else(|| file_name.to_string()),
        ),
        (
            ":slugorcontentbasename",
            slug.map(slug::slugify)
                .unwrap_or_else(|| file_name.to_string()),
        ),
        (":slug", slug_or_title),
        (":title", urlized_title),
        (":filename", file_name.to_string()),
        (":contentbasename", file_name.to_string()),
        (":sections", folders.join("/")),
        (
            ":section",
            folders.first().copied().unwrap_or("").to_string(),
        ),
    ];
    let mut out = pattern.to_string();
    for (token, value) in replacements {
        out = out.replace(token, &value);
    }
    out.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_addresses_follow_hugos_permalinks() {
        let date = jiff::civil::date(2019, 3, 5);
        assert_eq!(
            expand(
                "/:year/:month/:title/",
                date,
                "Hello World",
                None,
                "hello",
                &["posts"]
            ),
            "/2019/03/hello-world/"
        );
        assert_eq!(
            expand(
                "/:section/:slug/",
                date,
                "T",
                Some("My-Slug"),
                "f",
                &["blog"]
            ),
            "/blog/my-slug/"
        );
    }
}
