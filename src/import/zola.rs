//! Zola: `config.toml`, `content/` with TOML front matter (`+++`), sections
//! (`_index.md`), page bundles and `static/`. A dated page in a section becomes an article;
//! its old URL is `path`, else `/<section>/<slug>/`. Links written `@/blog/post.md` (Zola's
//! internal links) become relative links to the article's new file.

use std::collections::BTreeMap;
use std::path::Path;

use super::mapping::{Entry, Plan, Post, title_from};
use super::{ImportError, Settings, files_under, note, read_settings, setting};
use crate::load::markdown_stem;

pub(super) fn plan(src: &Path) -> Result<Plan, ImportError> {
    if !src.join("config.toml").is_file() {
        return Err(ImportError::NotASite {
            path: src.to_path_buf(),
            kind: "Zola",
            reason: "there is no config.toml".into(),
        });
    }
    let config = read_settings(src, "config.toml")?;
    let settings = Settings {
        title: setting(&config, &["title"]),
        description: setting(&config, &["description"]),
        base_url: setting(&config, &["base_url"]),
        language: setting(&config, &["default_language"]),
        author: setting(&config, &["extra", "author"]).or_else(|| setting(&config, &["author"])),
        timezone: None,
    };
    let mut plan = Plan::new(settings);
    let content = src.join("content");
    let files = files_under(&content, &content);
    let bundles: Vec<String> = files
        .iter()
        .filter_map(|f| f.strip_suffix("/index.md").map(str::to_owned))
        .collect();
    let mut section_titles: BTreeMap<String, String> = BTreeMap::new();
    // Where each source page went, for `@/` links.
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for rel in &files {
        let shown = format!("content/{rel}");
        let parts: Vec<&str> = rel.split('/').collect();
        let name = parts[parts.len() - 1];
        let Some(stem) = markdown_stem(name) else {
            match bundles.iter().find(|b| rel.starts_with(&format!("{b}/"))) {
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
        let Some(mut entry) = Entry::read(&content, rel, &mut plan)? else {
            continue;
        };
        entry.rel = shown.clone();
        if stem == "_index" {
            if parts.len() == 1 {
                if entry.get("title").is_none() {
                    let title = plan.settings.title.clone().unwrap_or_else(|| "Home".into());
                    entry.fields.push(("title".into(), title.into()));
                }
                moved.insert(rel.clone(), "content/_index.md".into());
                plan.page(entry, "index", None, true);
            } else if let Some(title) = entry.text("title") {
                section_titles.insert(parts[0].to_string(), title);
            }
            continue;
        }
        let file_name = if stem == "index" && parts.len() > 1 {
            parts[parts.len() - 2]
        } else {
            stem
        };
        // Zola takes a date from the file name, `2024-01-05-x` or `2024-01-05_x`.
        let (file_date, file_slug) = match file_name.get(..10).and_then(|d| d.parse().ok()) {
            Some(d) if file_name.len() > 11 && matches!(file_name.as_bytes()[10], b'-' | b'_') => {
                (Some(d), &file_name[11..])
            }
            _ => (None, file_name),
        };
        let slug = entry
            .get("slug")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| slug::slugify(file_slug));
        let folders: Vec<&str> = if stem == "index" {
            parts[..parts.len() - 2].to_vec()
        } else {
            parts[..parts.len() - 1].to_vec()
        };
        let old_url = match entry.get("path").and_then(|v| v.as_str()) {
            Some(own) => format!("/{}/", own.trim_matches('/')),
            None if folders.is_empty() => format!("/{slug}/"),
            None => format!("/{}/{slug}/", folders.join("/")),
        };
        if folders.is_empty() {
            moved.insert(rel.clone(), format!("content/pages/{slug}.md"));
            plan.page(entry, &slug, Some(old_url), false);
            continue;
        }
        let section = folders[0];
        if entry.get("date").is_none() && file_date.is_none() {
            plan.notes.push(note(
                &shown,
                Some(1),
                "it has no date, so it became a plain page (content/pages/) instead of an article"
                    .into(),
            ));
            moved.insert(rel.clone(), format!("content/pages/{slug}.md"));
            plan.page(entry, &slug, Some(old_url), false);
            continue;
        }
        let before: Vec<String> = plan.files.keys().cloned().collect();
        plan.article(Post {
            entry,
            slug,
            file_date,
            default_topic: (
                slug::slugify(section),
                section_titles
                    .get(section)
                    .cloned()
                    .unwrap_or_else(|| title_from(section)),
            ),
            split_words: false,
            old_url: Some(old_url),
            path_categories: Vec::new(),
        });
        if let Some(new) = plan
            .files
            .keys()
            .find(|k| !before.contains(k) && k.starts_with("content/articles/"))
        {
            moved.insert(rel.clone(), new.clone());
        }
    }
    rewrite_internal_links(&mut plan, &moved);
    for rel in files_under(src, &src.join("static")) {
        let to = rel.strip_prefix("static/").unwrap_or(&rel).to_string();
        plan.copy(src, &rel, &to)?;
    }
    for (folder, what) in [
        ("sass", "Sass files"),
        ("templates", "templates"),
        ("themes", "themes"),
    ] {
        if src.join(folder).is_dir() {
            plan.notes.push(note(
                folder,
                None,
                format!("{what} are not converted: attache uses its own theme"),
            ));
        }
    }
    Ok(plan)
}

/// `[text](@/blog/post.md#part)` becomes a link to the new file of that page, relative to
/// the file it is in, which attache turns into the page's URL.
fn rewrite_internal_links(plan: &mut Plan, moved: &BTreeMap<String, String>) {
    let mut unknown = Vec::new();
    for (file, bytes) in plan.files.iter_mut() {
        if !file.starts_with("content/") || !file.ends_with(".md") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes).into_owned();
        if !text.contains("](@/") {
            continue;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](@/") {
            out.push_str(&rest[..at + 2]);
            let after = &rest[at + 4..];
            let end = after.find([')', ' ']).unwrap_or(after.len());
            let (target, fragment) = match after[..end].split_once('#') {
                Some((t, f)) => (t, format!("#{f}")),
                None => (&after[..end], String::new()),
            };
            match moved.get(target) {
                Some(new) => out.push_str(&format!("{}{fragment}", relative(file, new))),
                None => {
                    unknown.push((file.clone(), target.to_string()));
                    out.push_str(&format!("@/{}", &after[..end]));
                }
            }
            rest = &after[end..];
        }
        out.push_str(rest);
        *bytes = out.into_bytes();
    }
    for (file, target) in unknown {
        plan.notes.push(note(
            &file,
            None,
            format!(
                "the internal link `@/{target}` names no page that was imported: fix it by hand"
            ),
        ));
    }
}

/// How the file `from` links to the file `to` (both under DEST).
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<&str> = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}
