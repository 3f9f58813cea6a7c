//! Shared helpers for the integration tests: fixture sites in temporary folders, the
//! built output, and parsed HTML.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of `tests/fixtures/<name>` in a fresh temporary folder.
pub(crate) struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub(crate) fn new(name: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
        Fixture { dir }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Runs the real `attache` binary in the site folder.
    pub(crate) fn attache(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_attache"))
            .args(args)
            .current_dir(self.root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run attache")
    }

    /// `attache build` into `public/`, asserting success; returns the output folder.
    pub(crate) fn build(&self, extra: &[&str]) -> Site {
        let mut args = vec!["build", "--quiet"];
        args.extend_from_slice(extra);
        let out = self.attache(&args);
        assert!(
            out.status.success(),
            "build failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Site::read(&self.path("public"))
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file of a built site, by path relative to the output folder.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A built site on disk.
pub(crate) struct Site {
    pub dir: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    pub(crate) fn read(dir: &Path) -> Site {
        Site {
            dir: dir.to_path_buf(),
            files: snapshot(dir),
        }
    }

    pub(crate) fn has(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    pub(crate) fn text(&self, rel: &str) -> String {
        let bytes = self
            .files
            .get(rel)
            .unwrap_or_else(|| panic!("no {rel} in the output"));
        String::from_utf8(bytes.clone()).unwrap()
    }

    pub(crate) fn html(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.text(rel)))
    }

    pub(crate) fn html_files(&self) -> Vec<String> {
        self.files
            .keys()
            .filter(|k| k.ends_with(".html"))
            .cloned()
            .collect()
    }
}

/// A parsed HTML page.
pub(crate) struct Page(pub Html);

impl Page {
    pub(crate) fn select(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.0.select(&sel).collect()
    }

    /// The text of each element matching `css`, whitespace collapsed.
    pub(crate) fn texts(&self, css: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub(crate) fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.select(css)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }

    /// Links (href) inside `<main>` that point at articles.
    pub(crate) fn article_links(&self) -> Vec<String> {
        let mut links: Vec<String> = self
            .attrs("main a[href]", "href")
            .into_iter()
            .filter(|h| h.contains("/articles/"))
            .collect();
        links.sort();
        links.dedup();
        links
    }
}

/// Crawls every HTML page of a site built for `base_url`: each internal link, image,
/// script and stylesheet (absolute under `base_url`, root-relative or relative to the
/// page) must name a file in the output. Returns the broken ones as `page: target`, and
/// how many were followed.
pub(crate) fn broken_internal_links(site: &Site, base_url: &str) -> (Vec<String>, usize) {
    let base_path = base_url
        .find("://")
        .and_then(|i| base_url[i + 3..].find('/').map(|j| &base_url[i + 3 + j..]))
        .unwrap_or("/");
    let mut broken = Vec::new();
    let mut followed = 0;
    for page in site.html_files() {
        let html = site.html(&page);
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let targets = html
            .attrs("a[href]", "href")
            .into_iter()
            .chain(html.attrs("link[href]", "href"))
            .chain(html.attrs("script[src]", "src"))
            .chain(html.attrs("img[src]", "src"));
        for target in targets {
            let path = target.split(['#', '?']).next().unwrap_or("").to_string();
            let has_scheme = path
                .split_once(':')
                .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
            let joined = if let Some(rest) = path.strip_prefix(base_url) {
                rest.to_string()
            } else if path.is_empty() || has_scheme || path.starts_with("//") {
                continue;
            } else if let Some(rooted) = path.strip_prefix('/') {
                match format!("/{rooted}").strip_prefix(base_path) {
                    Some(rest) => rest.to_string(),
                    None => {
                        broken.push(format!("{page}: {target} (outside {base_path})"));
                        continue;
                    }
                }
            } else {
                format!("{dir}/{path}")
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
            let rel = parts.join("/");
            let decoded = percent_encoding::percent_decode_str(&rel)
                .decode_utf8_lossy()
                .into_owned();
            let found = [rel.as_str(), decoded.as_str()].iter().any(|r| {
                r.is_empty() && site.has("index.html")
                    || site.has(r)
                    || site.has(&format!("{r}/index.html"))
            });
            followed += 1;
            if !found {
                broken.push(format!("{page}: {target}"));
            }
        }
    }
    (broken, followed)
}
