//! What the server's threads share: the output as served with the generation it belongs
//! to, the problems of the last build, and the channel to the open pages.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::broadcast;

use super::compress::Compressed;
use super::hosts::HostPolicy;
use super::output::Body;
use super::reload::Notice;

/// One file as served.
pub struct ServedFile {
    pub body: Body,
    /// Names this version of the file (without quotes); HTML pages add the generation.
    pub etag: String,
    pub content_type: &'static str,
    /// Its compressed forms, made when first asked for.
    pub compressed: Compressed,
}

/// What the server shows besides the files: the state of the last build.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// The problems of the last build, as plain text, while it is failing.
    pub error: Option<String>,
    /// The generation of the output served.
    pub generation: String,
}

/// The output and its generation, which change together.
struct Published {
    files: HashMap<String, Arc<ServedFile>>,
    /// Changes whenever the served output changes (with a per-process prefix, so a page
    /// reconnecting to a restarted server sees a new one). Every served page carries the
    /// generation it was served from; a page whose generation is not the current one
    /// when it connects to live reload has missed a change, and reloads.
    generation: String,
}

/// Everything the request handlers share.
pub struct App {
    published: RwLock<Published>,
    error: RwLock<Option<String>>,
    pub notices: broadcast::Sender<Notice>,
    pub hosts: HostPolicy,
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    nonce: u64,
    counter: AtomicU64,
}

impl App {
    pub fn new(hosts: HostPolicy, shutdown: tokio::sync::watch::Receiver<bool>) -> App {
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()).rotate_left(32);
        let (notices, _) = broadcast::channel(64);
        App {
            published: RwLock::new(Published {
                files: HashMap::new(),
                generation: format!("{nonce:x}-0"),
            }),
            error: RwLock::new(None),
            notices,
            hosts,
            shutdown,
            nonce,
            counter: AtomicU64::new(0),
        }
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Puts new and changed files in place, removes old ones and starts a new generation,
    /// all under one lock: a request sees the old output with the old generation, or the
    /// new output with the new one. Returns the new generation.
    pub fn publish<'a>(
        &self,
        upserts: impl IntoIterator<Item = (&'a String, &'a Body)>,
        removals: &[String],
    ) -> String {
        let made: Vec<(String, Arc<ServedFile>)> = upserts
            .into_iter()
            .map(|(path, body)| {
                let served = ServedFile {
                    body: body.clone(),
                    etag: format!("{:x}-{:x}", self.nonce, self.next()),
                    content_type: content_type(path),
                    compressed: Compressed::default(),
                };
                (path.clone(), Arc::new(served))
            })
            .collect();
        let generation = format!("{:x}-{:x}", self.nonce, self.next());
        let mut published = self.published_mut();
        for p in removals {
            published.files.remove(p);
        }
        published.files.extend(made);
        published.generation = generation.clone();
        generation
    }

    /// The file at `key`, if any, and the generation it belongs to.
    pub fn file(&self, key: &str) -> (Option<Arc<ServedFile>>, String) {
        let published = self.published();
        (
            published.files.get(key).cloned(),
            published.generation.clone(),
        )
    }

    pub fn has(&self, key: &str) -> bool {
        self.published().files.contains_key(key)
    }

    /// True while there is no site to serve (the first build failed, or is running).
    pub fn is_empty(&self) -> bool {
        self.published().files.is_empty()
    }

    pub fn set_error(&self, error: Option<String>) {
        *self.error.write().unwrap_or_else(|e| e.into_inner()) = error;
    }

    pub fn status(&self) -> Status {
        Status {
            error: self.error.read().unwrap_or_else(|e| e.into_inner()).clone(),
            generation: self.published().generation.clone(),
        }
    }

    fn published(&self) -> RwLockReadGuard<'_, Published> {
        self.published.read().unwrap_or_else(|e| e.into_inner())
    }

    fn published_mut(&self) -> RwLockWriteGuard<'_, Published> {
        self.published.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// The Content-Type of an output file, by its name.
pub(super) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml";
    }
    if name == "rss.xml" {
        return "application/rss+xml";
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "xsl" => "application/xslt+xml",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type("atom.xml"), "application/atom+xml");
        assert_eq!(
            content_type("topics/trade/atom.xml"),
            "application/atom+xml"
        );
        assert_eq!(content_type("sitemap.xml"), "application/xml");
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.WOFF2"), "font/woff2");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn files_and_generation_change_together() {
        let (_stop, shutdown) = tokio::sync::watch::channel(false);
        let app = App::new(HostPolicy::new("127.0.0.1:1".parse().unwrap()), shutdown);
        let (none, first) = app.file("a.html");
        assert!(none.is_none());
        let body = Body::Whole(bytes::Bytes::from_static(b"<p>a</p>"));
        let second = app.publish([(&"a.html".to_string(), &body)], &[]);
        assert_ne!(first, second);
        let (file, generation) = app.file("a.html");
        assert!(file.is_some());
        assert_eq!(generation, second);
        assert_eq!(app.status().generation, second);
    }
}
