//! The preview server's HTTP side: every response comes from the in-memory output, looked
//! up by its decoded path; no file-system path is ever made from a request.
//!
//! Requests are checked before anything else: only GET and HEAD, a `Host` naming this
//! server (so a page on another site cannot reach it through DNS rebinding), and a path
//! that decodes to UTF-8 without `..`, `.`, backslashes or NUL.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::broadcast;

use super::incremental::Body;
use super::reload::{self, Notice};

/// The live-reload script's path.
pub const CLIENT_PATH: &str = "/__attache/live-reload.js";
/// The Server-Sent Events endpoint's path.
pub const EVENTS_PATH: &str = "/__attache/events";

/// One file as served.
pub struct Served {
    pub body: Body,
    pub etag: HeaderValue,
    pub content_type: &'static str,
}

/// What the server shows besides the files: the state of the last build.
#[derive(Debug, Clone, Default)]
pub struct Status {
    /// The problems of the last build, as plain text, while it is failing.
    pub error: Option<String>,
    /// Changes whenever the served output changes (with a per-process prefix, so a page
    /// reconnecting to a restarted server sees a new one).
    pub generation: String,
}

/// Everything the request handlers share.
pub struct App {
    pub files: RwLock<HashMap<String, Arc<Served>>>,
    pub status: RwLock<Status>,
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
            files: RwLock::new(HashMap::new()),
            status: RwLock::new(Status {
                error: None,
                generation: format!("{nonce:x}-0"),
            }),
            notices,
            hosts,
            shutdown,
            nonce,
            counter: AtomicU64::new(0),
        }
    }

    /// Puts new and changed files in place and removes old ones, all under one lock, so a
    /// request sees either the old output or the new one.
    pub fn update<'a>(
        &self,
        upserts: impl IntoIterator<Item = (&'a String, &'a Body)>,
        removals: &[String],
    ) {
        let made: Vec<(String, Arc<Served>)> = upserts
            .into_iter()
            .map(|(path, body)| {
                let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
                let etag = HeaderValue::from_str(&format!("\"{:x}-{n:x}\"", self.nonce))
                    .expect("hex digits are a valid header value");
                let served = Served {
                    body: body.clone(),
                    etag,
                    content_type: content_type(path),
                };
                (path.clone(), Arc::new(served))
            })
            .collect();
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        for p in removals {
            files.remove(p);
        }
        files.extend(made);
    }

    /// Marks a new output generation and returns it.
    pub fn next_generation(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let generation = format!("{:x}-{n:x}", self.nonce);
        self.status_mut().generation = generation.clone();
        generation
    }

    pub fn set_error(&self, error: Option<String>) {
        self.status_mut().error = error;
    }

    pub fn status(&self) -> Status {
        self.status
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn status_mut(&self) -> std::sync::RwLockWriteGuard<'_, Status> {
        self.status.write().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &str) -> Option<Arc<Served>> {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    fn has(&self, key: &str) -> bool {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(key)
    }
}

/// Which `Host` values (and so which origins) name this server.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    port: u16,
    exact: Vec<String>,
    /// Bound to every interface: any IP literal (never a DNS name) with our port.
    any_ip: bool,
}

impl HostPolicy {
    pub fn new(addr: SocketAddr) -> HostPolicy {
        let port = addr.port();
        let ip = addr.ip();
        let mut exact = vec![SocketAddr::new(ip, port).to_string()];
        if ip.is_loopback() || ip.is_unspecified() {
            exact.push(format!("localhost:{port}"));
            exact.push(SocketAddr::new(IpAddr::from([127, 0, 0, 1]), port).to_string());
            if ip.is_ipv6() {
                exact.push(format!("[::1]:{port}"));
            }
        }
        HostPolicy {
            port,
            exact,
            any_ip: ip.is_unspecified(),
        }
    }

    /// Whether a `Host` header value (`127.0.0.1:1111`) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        if self.exact.contains(&host) {
            return true;
        }
        // Port 80 may be left out.
        let has_port = host
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.ends_with(']'));
        if self.port == 80 && !has_port {
            let with_port = format!("{host}:80");
            if self.exact.contains(&with_port) {
                return true;
            }
        }
        self.any_ip
            && host
                .parse::<SocketAddr>()
                .is_ok_and(|a| a.port() == self.port)
    }

    /// Whether an `Origin` header value (`http://127.0.0.1:1111`) is this server.
    pub fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| !host.contains('/') && self.allows(host))
    }
}

/// Every request comes here.
pub async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()));
    match host {
        None => return plain(StatusCode::BAD_REQUEST, "the request has no Host header\n"),
        Some(h) if !app.hosts.allows(&h) => {
            return plain(
                StatusCode::FORBIDDEN,
                "this preview server answers only to its own address\n",
            );
        }
        Some(_) => {}
    }
    if let Some(authority) = request.uri().authority()
        && !app.hosts.allows(authority.as_str())
    {
        return plain(
            StatusCode::FORBIDDEN,
            "this preview server answers only to its own address\n",
        );
    }

    let raw = request.uri().path();
    match raw {
        EVENTS_PATH => return reload::events(app.clone(), request.headers()),
        CLIENT_PATH => {
            return with_common(
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    reload::CLIENT_JS,
                )
                    .into_response(),
            );
        }
        _ => {}
    }
    let Some(key) = decode_path(raw) else {
        return plain(StatusCode::BAD_REQUEST, "malformed request path\n");
    };
    let no_site = app
        .files
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .is_empty();
    if no_site {
        // No site yet: the first build failed.
        let message = app
            .status()
            .error
            .unwrap_or_else(|| "The site is being built.".to_string());
        return with_common(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                error_page(&message),
            )
                .into_response(),
        );
    }

    let lookup = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    if let Some(file) = app.get(&lookup) {
        return serve_file(&file, request.headers());
    }
    if !key.is_empty() && !key.ends_with('/') && app.has(&format!("{key}/index.html")) {
        // `/x` is the page `/x/`: send the browser there so relative links work.
        let mut location = format!("{raw}/");
        if let Some(q) = request.uri().query() {
            location.push('?');
            location.push_str(q);
        }
        let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return with_common(r);
    }
    not_found(&app, &key)
}

/// The request path, percent-decoded once, without its leading `/`; `None` when it is not
/// UTF-8 or tries to leave the site (`..`, `.`, backslashes, NUL).
pub fn decode_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(rest).collect();
    let path = String::from_utf8(bytes).ok()?;
    if path.contains('\0') || path.contains('\\') {
        return None;
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    if path.starts_with('/') {
        return None;
    }
    Some(path)
}

fn serve_file(file: &Served, headers: &HeaderMap) -> Response {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && etag_matches(tags, &file.etag)
    {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        r.headers_mut().insert(header::ETAG, file.etag.clone());
        return with_common(r);
    }
    let (body, length) = match &file.body {
        Body::Whole(bytes) if file.content_type.starts_with("text/html") => {
            let html = inject(bytes);
            let n = html.len();
            (axum::body::Body::from(html), n)
        }
        Body::Whole(bytes) => (axum::body::Body::from(bytes.clone()), bytes.len()),
        Body::Parts(parts) => {
            let parts: Vec<Result<Bytes, std::convert::Infallible>> =
                parts.iter().cloned().map(Ok).collect();
            (
                axum::body::Body::from_stream(tokio_stream::iter(parts)),
                file.body.len(),
            )
        }
    };
    let mut r = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(file.content_type),
        )],
        body,
    )
        .into_response();
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    r.headers_mut().insert(header::ETAG, file.etag.clone());
    with_common(r)
}

fn etag_matches(header_value: &str, etag: &HeaderValue) -> bool {
    let etag = etag.to_str().unwrap_or("");
    header_value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

fn not_found(app: &App, key: &str) -> Response {
    let body = match app.get("404.html") {
        Some(page) => inject(&page.body.to_vec()),
        None => {
            let html = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>There is no page at <code>/{}</code>.</p></body></html>\n",
                escape_html(key)
            );
            inject(html.as_bytes())
        }
    };
    with_common(
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
    )
}

/// Headers on every response: revalidate every time (pages change while you look), and
/// no guessing of types.
fn with_common(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    with_common(
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response(),
    )
}

/// The script tag that connects a page to the live-reload channel.
pub const SCRIPT_TAG: &str = "<script src=\"/__attache/live-reload.js\"></script>";

/// An HTML page with the live-reload script before its last `</body>` (or at the end).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len() + 1);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The page shown for every path while there is no site to show.
pub fn error_page(message: &str) -> String {
    format!(
        "<!doctype html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<title>Build failed · attache</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }}
h1 {{ color: #b00020; font-size: 1.4rem; }}
pre {{ background: #1e1e1e; color: #f5f5f5; padding: 1rem; overflow: auto; white-space: pre-wrap; border-radius: 4px; }}
</style>
</head>
<body>
<h1>The site could not be built</h1>
<p>Fix the problem below and save: this page reloads by itself.</p>
<pre id=\"attache-build-error\">{}</pre>
{SCRIPT_TAG}
</body>
</html>
",
        escape_html(message)
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The Content-Type of an output file, by its name.
pub fn content_type(path: &str) -> &'static str {
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
    fn paths_decode_once_and_never_climb() {
        assert_eq!(decode_path("/").as_deref(), Some(""));
        assert_eq!(decode_path("/a%20b/").as_deref(), Some("a b/"));
        assert_eq!(decode_path("/a%2fb").as_deref(), Some("a/b"));
        // Decoded once: `%252e` stays `%2e`, a plain name.
        assert_eq!(decode_path("/%252e%252e/x").as_deref(), Some("%2e%2e/x"));
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/x",
            "/%2E%2e%2fx",
            "/a/%2e%2e%2f%2e%2e%2fetc",
            "/a\\b",
            "/a%5cb",
            "/a%00b",
            "/%ff",
            "/./x",
            "//etc/passwd",
            "x",
        ] {
            assert_eq!(decode_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn hosts_must_name_this_server() {
        let local = HostPolicy::new("127.0.0.1:1111".parse().unwrap());
        assert!(local.allows("127.0.0.1:1111"));
        assert!(local.allows("localhost:1111"));
        assert!(local.allows("LOCALHOST:1111"));
        assert!(!local.allows("evil.example:1111"));
        assert!(!local.allows("127.0.0.1:2222"));
        assert!(!local.allows("localhost"));
        assert!(local.allows_origin("http://localhost:1111"));
        assert!(!local.allows_origin("http://evil.example"));
        assert!(!local.allows_origin("null"));
        let all = HostPolicy::new("0.0.0.0:1111".parse().unwrap());
        assert!(all.allows("192.168.1.20:1111"));
        assert!(!all.allows("rebind.example:1111"));
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>");
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(&format!("{SCRIPT_TAG}\n</BODY>")), "{out}");
        let out = String::from_utf8(inject(b"<p>no body")).unwrap();
        assert!(out.ends_with(&format!("{SCRIPT_TAG}\n")), "{out}");
    }

    #[test]
    fn error_text_is_escaped() {
        let page = error_page("<script>alert('x')</script> & \"q\"");
        assert!(!page.contains("<script>alert"));
        assert!(
            page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
    }

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
}
