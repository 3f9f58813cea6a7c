//! Live reload: a Server-Sent Events channel each served page listens on, and the small
//! script that listens.
//!
//! Every served page carries the generation of the output it was served from (in the
//! script tag), so a page can tell whether it missed a change while it was loading.
//!
//! Events (all with JSON data):
//!
//! - `hello` `{gen, failing}` on every (re)connection: a page whose generation is not
//!   this one (the server restarted, or the output changed after the page was served)
//!   reloads itself.
//! - `reload` `{gen}` after a successful rebuild, once the new output is in place.
//! - `css` `{gen, paths}` when only stylesheets changed: they are swapped without a reload.
//! - `build-error` `{message}` when a rebuild failed: the page shows the problems in an
//!   overlay (as text, never as HTML) and keeps the last good version underneath. (Not
//!   `error`: that is also the name of EventSource's own connection-error event.)

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::app::App;

/// The event that carries a failed build's problems.
pub const BUILD_ERROR: &str = "build-error";

/// What the server tells open pages.
#[derive(Debug, Clone)]
pub enum Notice {
    Reload {
        generation: String,
    },
    Css {
        generation: String,
        paths: Vec<String>,
    },
    Error {
        message: String,
    },
}

impl Notice {
    fn event(&self) -> Event {
        match self {
            Notice::Reload { generation } => Event::default()
                .event("reload")
                .data(serde_json::json!({ "gen": generation }).to_string()),
            Notice::Css { generation, paths } => Event::default()
                .event("css")
                .data(serde_json::json!({ "gen": generation, "paths": paths }).to_string()),
            Notice::Error { message } => Event::default()
                .event(BUILD_ERROR)
                .data(serde_json::json!({ "message": message }).to_string()),
        }
    }
}

/// How soon a page tries again after losing the connection.
const RETRY: Duration = Duration::from_millis(500);

/// The event stream for one page. Refused for other origins (a page elsewhere cannot
/// listen in).
pub fn events(app: Arc<App>, headers: &HeaderMap) -> Response {
    let foreign_origin = headers
        .get(header::ORIGIN)
        .is_some_and(|o| !o.to_str().is_ok_and(|o| app.hosts.allows_origin(o)));
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if foreign_origin || cross_site {
        return (
            StatusCode::FORBIDDEN,
            "live reload is only for pages of this server\n",
        )
            .into_response();
    }

    let mut notices = app.notices.subscribe();
    let mut shutdown = app.shutdown.clone();
    let status = app.status();
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(16);
    let hello = Event::default().retry(RETRY).event("hello").data(
        serde_json::json!({ "gen": status.generation, "failing": status.error.is_some() })
            .to_string(),
    );
    let mut first = vec![hello];
    if let Some(message) = status.error {
        first.push(Notice::Error { message }.event());
    }
    tokio::spawn(async move {
        for e in first {
            if tx.send(Ok(e)).await.is_err() {
                return;
            }
        }
        loop {
            let event = tokio::select! {
                _ = shutdown.changed() => return,
                _ = tx.closed() => return,
                n = notices.recv() => match n {
                    Ok(n) => n.event(),
                    // Missed some: reloading is always right.
                    Err(broadcast::error::RecvError::Lagged(_)) => Notice::Reload {
                        generation: String::new(),
                    }
                    .event(),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if tx.send(Ok(event)).await.is_err() {
                return;
            }
        }
    });
    let mut response = Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, "no-cache".parse().expect("valid"));
    response
}

/// The script injected into served pages.
pub const CLIENT_JS: &str = r#"// attache serve: live reload. Not part of the built site.
(function () {
  "use strict";
  if (window.__attacheLiveReload || !window.EventSource) return;
  window.__attacheLiveReload = true;
  // The generation this page was served from.
  var script = document.currentScript;
  var generation = (script && script.getAttribute("data-gen")) || null;
  var overlay = null;

  function hide() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(message) {
    hide();
    overlay = document.createElement("div");
    overlay.id = "attache-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText =
      "position:fixed;z-index:2147483647;left:0;right:0;top:0;max-height:80vh;overflow:auto;" +
      "box-sizing:border-box;padding:1.25rem 1.5rem;background:#1d1f21;color:#f5f5f5;" +
      "border-bottom:4px solid #e53935;box-shadow:0 4px 24px rgba(0,0,0,.45);" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left";
    var title = document.createElement("div");
    title.style.cssText = "font:600 16px/1.4 system-ui,sans-serif;color:#ff8a80;margin:0 0 .75rem";
    title.textContent = "attache: the last change could not be built \u2014 the page shows the last good version";
    var text = document.createElement("pre");
    text.style.cssText = "margin:0;white-space:pre-wrap;font:inherit;color:inherit;background:none";
    text.textContent = message;
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.cssText =
      "margin-top:1rem;font:14px system-ui,sans-serif;padding:.3rem .8rem;cursor:pointer";
    close.addEventListener("click", hide);
    overlay.appendChild(title);
    overlay.appendChild(text);
    overlay.appendChild(close);
    (document.body || document.documentElement).appendChild(overlay);
  }

  function swapStylesheets() {
    var stamp = String(Date.now());
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.getAttribute("href"), location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("attache-reload", stamp);
      var fresh = link.cloneNode(false);
      fresh.href = url.href;
      var done = function () {
        if (link.parentNode) link.parentNode.removeChild(link);
      };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.parentNode.insertBefore(fresh, link.nextSibling);
    });
  }

  var source = new EventSource("/__attache/events");
  source.addEventListener("hello", function (e) {
    var data = JSON.parse(e.data);
    if (generation !== null && data.gen !== generation) {
      location.reload();
      return;
    }
    generation = data.gen;
    if (!data.failing) hide();
  });
  source.addEventListener("reload", function () {
    location.reload();
  });
  source.addEventListener("css", function (e) {
    var data = JSON.parse(e.data);
    generation = data.gen;
    hide();
    swapStylesheets();
  });
  source.addEventListener("build-error", function (e) {
    show(JSON.parse(e.data).message);
  });
})();
"#;

/// The script tag that connects a page to the live-reload channel, carrying the
/// generation the page was served from.
pub fn script_tag(generation: &str) -> String {
    format!(
        "<script src=\"{CLIENT_PATH}\" data-gen=\"{}\"></script>",
        generation.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "")
    )
}

/// The live-reload script's path.
pub const CLIENT_PATH: &str = "/__attache/live-reload.js";
/// The Server-Sent Events endpoint's path.
pub const EVENTS_PATH: &str = "/__attache/events";

/// An HTML page with the live-reload script before its last `</body>` (or at the end).
pub fn inject(html: &[u8], generation: &str) -> Vec<u8> {
    let tag = script_tag(generation);
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len() + 1);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end_with_the_generation() {
        let tag = script_tag("ab12-7");
        assert_eq!(
            tag,
            "<script src=\"/__attache/live-reload.js\" data-gen=\"ab12-7\"></script>"
        );
        let out = inject(b"<html><body><p>x</p></BODY></html>", "ab12-7");
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(&format!("{tag}\n</BODY>")), "{out}");
        let out = String::from_utf8(inject(b"<p>no body", "ab12-7")).unwrap();
        assert!(out.ends_with(&format!("{tag}\n")), "{out}");
    }

    #[test]
    fn a_failed_build_is_not_named_like_a_connection_error() {
        assert_ne!(BUILD_ERROR, "error");
        assert!(CLIENT_JS.contains(&format!("source.addEventListener(\"{BUILD_ERROR}\"")));
        assert!(!CLIENT_JS.contains("source.addEventListener(\"error\""));
    }
}
