//! `attache check`: every stage of a build, in memory, going on past problems so that one
//! run reports all of them, plus checks a build does not make (links to `#anchors` that do
//! not exist, links and images to files the site does not have). Nothing is written.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::build::{BuildOptions, load_config};
use crate::emit::Output;
use crate::error::{Diagnostic, Diagnostics, Problem, did_you_mean};
use crate::index::{self, Site};
use crate::load::{self, SiteDirs};
use crate::parse::{self, Page};
use crate::render::{self, Templates};

/// Checks the site at `root`; the result lists every problem found, sorted by file.
pub(crate) fn check(root: &Path, options: &BuildOptions) -> Diagnostics {
    let config = match load_config(root, options) {
        Ok(c) => c,
        Err(d) => return d,
    };
    let dirs = SiteDirs::new(root, &config);
    let (mut sources, mut problems) = load::load_lenient(&dirs);
    problems.append(&mut sources.warnings);
    if let Err(d) = crate::build::checked_output_dir(root, &config, None) {
        problems.push(d);
    }
    let templates = match Templates::compile(&sources.templates, &sources.i18n, &config.languages) {
        Ok(t) => Some(t),
        Err(d) => {
            problems.extend(d.0);
            None
        }
    };
    let options = options.at_a_moment();
    let (pages, parse_problems) = parse::parse_lenient(
        sources.content,
        &config,
        options.parse_options(config.packs.enabled),
    );
    problems.extend(parse_problems);
    let (site, index_problems) = index::index_lenient(config, pages);
    problems.extend(index_problems);
    problems.extend(index::warnings(&site));
    if let Some(templates) = templates {
        let (output, render_problems) = render::render_lenient(&site, &templates, &sources.statics);
        problems.extend(render_problems);
        problems.extend(check_references(&site, &output));
    }
    Diagnostics(problems).sorted()
}

/// Links to missing anchors, and links or images to paths the built site does not have.
fn check_references(site: &Site, output: &Output) -> Vec<Diagnostic> {
    let pages: Vec<&Page> = site.all_pages().collect();
    let by_rel: HashMap<&str, &Page> = pages.iter().map(|p| (p.rel.as_str(), *p)).collect();
    let base_path = site.config.base_path();
    let mut problems = Vec::new();
    for page in &pages {
        for r in &page.body.references {
            let problem = match (&r.target, &r.fragment) {
                (Some(target), Some(fragment)) => {
                    // Broken `.md` links are reported by parse; here only their anchors.
                    let Some(target_page) = by_rel.get(target.as_str()) else {
                        continue;
                    };
                    if fragment.is_empty()
                        || target_page.body.anchors().contains(&fragment.as_str())
                    {
                        continue;
                    }
                    Problem::BrokenAnchor {
                        dest: r.dest.clone(),
                        fragment: fragment.clone(),
                        page: if target_page.rel == page.rel {
                            "this page".to_string()
                        } else {
                            target_page.display.display().to_string()
                        },
                        suggestion: did_you_mean(fragment, target_page.body.anchors()),
                    }
                }
                (Some(_), None) => continue,
                (None, _) if malformed(&r.dest).is_some() => Problem::MalformedLink {
                    what: if r.image { "image" } else { "link" },
                    dest: r.dest.clone(),
                    fix: malformed(&r.dest).flatten(),
                },
                (None, _) => {
                    let Some(path) = site_path(&r.dest, &page.path, base_path) else {
                        continue;
                    };
                    if exists(output, &path) {
                        continue;
                    }
                    Problem::MissingFile {
                        what: if r.image { "image" } else { "link" },
                        dest: r.dest.clone(),
                        path: format!("/{path}"),
                    }
                }
            };
            let d = Diagnostic::new(page.display.clone(), problem);
            problems.push(match r.location {
                Some(l) => Diagnostic {
                    location: Some(l),
                    ..d
                },
                None => d,
            });
        }
    }
    problems
}

/// A destination that is a web address gone wrong, so a browser would take it for a path
/// on this site: `(https://x.org)` (brackets twice), `<https://x.org>`, `"https://…"`,
/// `https//x.org`. `Some(fix)` says what was probably meant, where that is clear.
fn malformed(dest: &str) -> Option<Option<String>> {
    let wrapped = dest.starts_with(['(', '<', '"', '\'', '[']);
    let lost_scheme = dest.contains("://") || dest.starts_with("www.") || dest.contains("//www.");
    if !wrapped && !lost_scheme {
        return None;
    }
    let fix = dest
        .trim_matches(|c: char| "()<>\"'[] ".contains(c))
        .to_string();
    let fix = if crate::parse::markdown::has_scheme(&fix) {
        Some(fix)
    } else if fix.starts_with("www.") {
        Some(format!("https://{fix}"))
    } else {
        None
    };
    Some(fix)
}

/// The output path a link or image destination names, relative to the site root.
/// Root-relative destinations are taken under the base path; relative ones against the
/// page's own URL, as a browser would.
fn site_path(dest: &str, page_path: &str, base_path: &str) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    if path.is_empty() {
        return None;
    }
    let joined = if let Some(rooted) = path.strip_prefix('/') {
        match format!("/{rooted}").strip_prefix(base_path) {
            Some(rest) => rest.to_string(),
            None => rooted.to_string(),
        }
    } else {
        format!("{page_path}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn exists(output: &Output, path: &str) -> bool {
    let decoded = percent_decode(path);
    [path, decoded.as_str()].iter().any(|p| {
        p.is_empty()
            || output.files.contains_key(*p)
            || output
                .files
                .contains_key(&format!("{}/index.html", p.trim_end_matches('/')))
    })
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The report in the terminal form: `file:line:col: message` lines grouped by file, then
/// a count.
pub(crate) fn format_text(problems: &Diagnostics) -> String {
    let mut by_file: BTreeMap<&PathBuf, Vec<&Diagnostic>> = BTreeMap::new();
    for d in problems.iter() {
        by_file.entry(&d.path).or_default().push(d);
    }
    let mut out = String::new();
    for (i, list) in by_file.values().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for d in list {
            out.push_str(&d.headline());
            if let Some(help) = d.problem.help() {
                out.push_str(&crate::error::printable(format!(" ({help})")));
            }
            out.push('\n');
        }
    }
    let files = by_file.len();
    if problems.is_empty() {
        out.push_str("No problems found.\n");
    } else {
        out.push_str(&format!(
            "\n{} in {files} file{}\n",
            problems.counts(),
            if files == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The report as one JSON document, for editors and CI: `count` (all problems),
/// `errors` and `warnings` (how many of each), and `problems`, each with its `severity`.
pub(crate) fn format_json(problems: &Diagnostics) -> String {
    let list: Vec<serde_json::Value> = problems
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity.word(),
                "file": d.path.to_string_lossy().replace('\\', "/"),
                "line": d.location.map(|l| l.line),
                "column": d.location.map(|l| l.column),
                "message": d.problem.to_string(),
                "help": d.problem.help(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "count": list.len(),
        "errors": problems.errors(),
        "warnings": problems.warnings(),
        "problems": list,
    });
    // A json! value always serializes.
    serde_json::to_string_pretty(&doc).expect("JSON value") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_say_which_problems_are_warnings() {
        let problems = Diagnostics(vec![
            Diagnostic::new("a.md", Problem::NoTopics),
            Diagnostic::warning("b.md", Problem::FrontMatter("odd".into())),
        ]);
        let text = format_text(&problems);
        assert!(
            text.contains("b.md: warning: invalid front matter: odd"),
            "{text}"
        );
        assert!(
            text.trim_end().ends_with("1 error, 1 warning in 2 files"),
            "{text}"
        );
        let doc: serde_json::Value = serde_json::from_str(&format_json(&problems)).unwrap();
        assert_eq!(
            (doc["count"].as_u64(), doc["errors"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(doc["warnings"], 1);
        assert_eq!(doc["problems"][0]["severity"], "error");
        assert_eq!(doc["problems"][1]["severity"], "warning");
    }

    #[test]
    fn web_addresses_gone_wrong_are_told_apart_from_paths() {
        assert_eq!(
            malformed("(https://example.org)"),
            Some(Some("https://example.org".to_string()))
        );
        assert_eq!(
            malformed("www.example.org/x"),
            Some(Some("https://www.example.org/x".to_string()))
        );
        assert_eq!(malformed("(notes)"), Some(None));
        assert_eq!(malformed("../about/"), None);
        assert_eq!(malformed("/images/a.png"), None);
    }

    #[test]
    fn destinations_resolve_like_a_browser() {
        assert_eq!(
            site_path("/images/a.png", "articles/x/", "/").as_deref(),
            Some("images/a.png")
        );
        assert_eq!(
            site_path("/briefing/a.png", "articles/x/", "/briefing/").as_deref(),
            Some("a.png")
        );
        assert_eq!(
            site_path("../y/", "articles/x/", "/").as_deref(),
            Some("articles/y/")
        );
        assert_eq!(
            site_path("pic.png", "articles/x/", "/").as_deref(),
            Some("articles/x/pic.png")
        );
    }
}
