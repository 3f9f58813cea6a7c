//! The preview server's HTTP side: every response comes from the in-memory output, looked
//! up by its decoded path; no file-system path is ever made from a request.
//!
//! Requests are checked before anything else: only GET and HEAD, a `Host` naming this
//! server (so a page on another site cannot reach it through DNS rebinding), and a path
//! that decodes to UTF-8 without `..`, `.`, backslashes or NUL.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;

use super::app::{App, ServedFile};
use super::compress;
use super::output::Body;
use super::reload::{self, CLIENT_PATH, EVENTS_PATH};

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
    if app.is_empty() {
        // No site yet: the first build failed.
        let status = app.status();
        let message = status
            .error
            .unwrap_or_else(|| "The site is being built.".to_string());
        return with_common(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                error_page(&message, &status.generation),
            )
                .into_response(),
        );
    }

    let lookup = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    let (file, generation) = app.file(&lookup);
    if let Some(file) = file {
        return serve_file(&file, &generation, request.headers());
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

fn is_html(file: &ServedFile) -> bool {
    file.content_type.starts_with("text/html")
}

/// Serves one file. An HTML page carries the generation it is served from (in its
/// live-reload tag), so its tag names the generation too: after any change a page is
/// sent again, with the generation it now belongs to. Text is sent compressed when the
/// client accepts it, each encoding with its own ETag.
fn serve_file(file: &ServedFile, generation: &str, headers: &HeaderMap) -> Response {
    let html = is_html(file);
    let compressible = compress::compressible(file.content_type);
    let encoding = compressible
        .then(|| {
            compress::negotiate(
                headers
                    .get(header::ACCEPT_ENCODING)
                    .and_then(|v| v.to_str().ok()),
            )
        })
        .flatten();
    let tag = format!(
        "\"{}{}{}\"",
        file.etag,
        if html {
            format!(".{generation}")
        } else {
            String::new()
        },
        encoding.map_or("", |e| e.etag_suffix())
    );
    // Hex digits, dots and dashes are a valid header value.
    let etag = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
    let finish = |mut r: Response| {
        let h = r.headers_mut();
        h.insert(header::ETAG, etag.clone());
        if compressible {
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        with_common(r)
    };
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && etag_matches(tags, &etag)
    {
        return finish(StatusCode::NOT_MODIFIED.into_response());
    }
    let as_served = || {
        if html {
            reload::inject(&file.body.to_vec(), generation)
        } else {
            file.body.to_vec()
        }
    };
    let (body, length) = match (&file.body, encoding) {
        (_, Some(e)) => {
            let key = if html { generation } else { "" };
            let bytes = file.compressed.get(e, key, as_served);
            let n = bytes.len();
            (axum::body::Body::from(bytes), n)
        }
        (Body::Whole(bytes), None) if html => {
            let html = reload::inject(bytes, generation);
            let n = html.len();
            (axum::body::Body::from(html), n)
        }
        (Body::Whole(bytes), None) => (axum::body::Body::from(bytes.clone()), bytes.len()),
        (Body::Parts(parts), None) => {
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
    if let Some(e) = encoding {
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(e.name()));
    }
    finish(r)
}

fn etag_matches(header_value: &str, etag: &HeaderValue) -> bool {
    let etag = etag.to_str().unwrap_or("");
    header_value
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

fn not_found(app: &App, key: &str) -> Response {
    let (page, generation) = app.file("404.html");
    let body = match page {
        Some(page) => reload::inject(&page.body.to_vec(), &generation),
        None => {
            let html = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>There is no page at <code>/{}</code>.</p></body></html>\n",
                escape_html(key)
            );
            reload::inject(html.as_bytes(), &generation)
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

/// The page shown for every path while there is no site to show.
pub fn error_page(message: &str, generation: &str) -> String {
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
{}
</body>
</html>
",
        escape_html(message),
        reload::script_tag(generation)
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
    fn error_text_is_escaped() {
        let page = error_page("<script>alert('x')</script> & \"q\"", "ab-1");
        assert!(!page.contains("<script>alert"));
        assert!(
            page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
    }
}
