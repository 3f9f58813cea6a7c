//! `attache serve`: the site built into memory and served on a local address, rebuilt
//! incrementally as its sources change, with live reload in the open pages.
//!
//! A map for a newcomer, in the order a change travels:
//!
//! ```text
//!  file saved ─▶ watch ─▶ live ─▶ engine ──────────────────────────────────▶ live ─▶ app ─▶ reload ─▶ page
//!                 batch    loop    classify → sources → update → affected    publish  files   SSE event
//!                                  (what is   (read     (parse,  (which jobs   (delta)  + gen
//!                                  it?)       via load)  index)   to render) → render → output
//!  browser ─▶ http ─▶ app (files + generation) ─▶ response, with the live-reload tag
//! ```
//!
//! - [`watch`]: the OS file watcher (no timers: idle means asleep) and batching of changes.
//! - [`live`]: the rebuild loop; publishes each result and tells the pages, then lets the
//!   engine catch up on what only the next edit needs (`Engine::catch_up`: the jobs'
//!   declarations of what they read), so a save waits only for what it changed.
//! - [`engine`]: [`Engine`], the incremental builder: one rebuild, step by step:
//!   - `classify`: what a changed path is (content, template, static file, site.yaml);
//!   - `sources`: the sources in memory, re-read through `load` (one walker, one set of
//!     rules with a build);
//!   - `update`: parse what changed and bring the site up to date, in place or, through
//!     `reindex`, indexed again when pages came, went or moved;
//!   - `search`: the search index of each language: an edit in place re-analyses only the
//!     pages it changed, and the shards are planned and written again only around the
//!     terms whose postings changed;
//!   - `model`: the site in memory and what is kept between rebuilds;
//!   - `affected`: which render jobs show what changed, from the jobs' own declarations
//!     ([`crate::render::job`]), looked up in a reverse index (page → the jobs showing it);
//!   - `output`: the output as served and what a rebuild changed in it ([`Delta`]).
//! - [`app`](self): what the server threads share: files and generation, errors, notices.
//! - [`http`]: requests, answered only from memory; `hosts`: which `Host` is this server;
//!   `compress`: brotli and gzip forms of the files, made once per version.
//! - [`reload`]: the Server-Sent Events channel and the script injected into pages.
//!
//! Three threads: the HTTP server (a tokio runtime), the rebuild loop (owns the [`Engine`]
//! and the watcher), and the watcher's own. Nothing is ever written to disk; the
//! configured output folder is not touched.

mod affected;
mod app;
mod classify;
mod compress;
mod engine;
mod hosts;
pub mod http;
mod live;
mod model;
mod output;
mod reindex;
pub mod reload;
mod search;
mod sources;
mod trace;
mod update;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::build::BuildOptions;
use app::App;
pub use engine::{Engine, Report};
use hosts::HostPolicy;
pub use output::{Body, Delta};
use watch::{Message, Watcher};

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder (with site.yaml).
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
    /// The moment pages are judged published at; the clock when `None`.
    pub now: Option<jiff::Timestamp>,
    /// Print nothing (for tests and embedding); problems are still sent to pages.
    pub quiet: bool,
    /// Stop on Ctrl-C (the command line); [`Handle::shutdown`] stops it otherwise.
    pub stop_on_ctrl_c: bool,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 1111,
            drafts: false,
            now: None,
            quiet: false,
            stop_on_ctrl_c: false,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot start the thread that rebuilds the site: {0}")]
    Thread(#[source] std::io::Error),
    #[error("cannot watch the site's files: {0}")]
    Watch(#[from] notify::Error),
}

/// A running server. Dropping it (or [`Handle::shutdown`]) stops it.
pub struct Handle {
    addr: SocketAddr,
    url: String,
    app: Arc<App>,
    stop: tokio::sync::watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    engine: Option<JoinHandle<()>>,
    engine_tx: mpsc::Sender<Message>,
}

impl Handle {
    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's URL on this server, e.g. `http://127.0.0.1:1111/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The current problems, while the last build is failing.
    pub fn error(&self) -> Option<String> {
        self.app.status().error
    }

    /// Stops the server and the watcher, and waits for them.
    pub fn shutdown(mut self) {
        self.stop_all();
    }

    /// Waits until the server stops (on Ctrl-C with `stop_on_ctrl_c`), then stops the rest.
    pub fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
        self.stop_all();
    }

    fn stop_all(&mut self) {
        let _ = self.stop.send(true);
        let _ = self.engine_tx.send(Message::Stop);
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
        if let Some(engine) = self.engine.take() {
            let _ = engine.join();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// The URL pages are built for: the bound address, at the root (no sub-path).
fn site_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// Builds the site, starts serving and watching, and returns once the server listens.
/// A site that does not build still gets a server: it shows the problems until fixed.
pub fn start(options: ServeOptions) -> Result<Handle, StartError> {
    start_with(options, &spawn_thread)
}

/// Starts a thread; the server's threads start through this, so a test can make it fail.
type Spawn = dyn Fn(&str, Box<dyn FnOnce() + Send>) -> std::io::Result<JoinHandle<()>>;

fn spawn_thread(name: &str, run: Box<dyn FnOnce() + Send>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(run)
}

fn start_with(options: ServeOptions, spawn: &Spawn) -> Result<Handle, StartError> {
    let wanted = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(wanted).map_err(|source| StartError::Bind {
        addr: wanted,
        source,
    })?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let url = site_url(addr);
    let quiet = options.quiet;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let app = Arc::new(App::new(HostPolicy::new(addr), stop_rx.clone()));

    // The first build, before anything is served.
    // A preview shows everything a build could publish, scheduled and withdrawn pages
    // too, each with a banner that says so.
    let build_options = BuildOptions {
        drafts: options.drafts,
        base_url: Some(url.clone()),
        future: true,
        now: options.now,
    };
    let mut engine = Engine::new(&options.root, build_options);
    let first = engine.build();
    live::publish(&app, &engine, &first, false, quiet, true);

    let (engine_tx, engine_rx) = mpsc::channel();
    let mut watcher = Watcher::new(engine.root(), engine_tx.clone())?;
    watcher.set(&engine.watched_dirs());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("attache-serve")
        .enable_all()
        .build()?;
    let router = axum::Router::new()
        .fallback(http::handle)
        .with_state(app.clone());
    let ctrl_c = options.stop_on_ctrl_c;
    let server_stop = stop.clone();
    let server = spawn(
        "attache-http",
        Box::new(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(e) => {
                        eprintln!("error: cannot serve: {e}");
                        return;
                    }
                };
                let mut stopped = stop_rx.clone();
                if ctrl_c {
                    tokio::spawn(async move {
                        if tokio::signal::ctrl_c().await.is_ok() {
                            let _ = server_stop.send(true);
                        }
                    });
                }
                let shutdown = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                let serve = axum::serve(listener, router).with_graceful_shutdown(shutdown);
                let mut stopped = stop_rx;
                // Open connections get a moment to finish after a stop, no more.
                tokio::select! {
                    r = serve.into_future() => {
                        if let Err(e) = r {
                            eprintln!("error: the server stopped: {e}");
                        }
                    }
                    _ = async {
                        let _ = stopped.wait_for(|s| *s).await;
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    } => {}
                }
            });
            runtime.shutdown_timeout(Duration::from_millis(500));
        }),
    )?;

    let engine_app = app.clone();
    let engine_thread = match spawn(
        "attache-rebuild",
        Box::new(move || live::rebuild_loop(engine, watcher, engine_rx, engine_app, quiet)),
    ) {
        Ok(t) => t,
        Err(e) => {
            // No server without its rebuilds: stop the HTTP thread before saying so.
            let _ = stop.send(true);
            let _ = server.join();
            return Err(StartError::Thread(e));
        }
    };

    if !quiet {
        println!(
            "Serving {} at {url}",
            engine_thread_root_display(&options.root)
        );
        if !addr.ip().is_loopback() {
            eprintln!(
                "warning: listening on {addr}, beyond this computer: anyone who can reach it on your network can read the preview"
            );
        }
        println!("Watching for changes; press Ctrl-C to stop.");
    }
    Ok(Handle {
        addr,
        url,
        app,
        stop,
        server: Some(server),
        engine: Some(engine_thread),
        engine_tx,
    })
}

fn engine_thread_root_display(root: &std::path::Path) -> String {
    if root.as_os_str().is_empty() || root == std::path::Path::new(".") {
        "the site in this folder".to_string()
    } else {
        root.display().to_string()
    }
}

/// Opens `url` in the default browser, if there is one to open it with.
pub fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("warning: could not open a browser ({program}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_thread_that_cannot_start_stops_the_server_too() {
        let site = tempfile::tempdir().unwrap();
        std::fs::write(
            site.path().join("site.yaml"),
            "title: T\nbase_url: https://example.org/\n",
        )
        .unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let mut options = ServeOptions::new(site.path());
        options.port = port;
        options.quiet = true;
        let no_rebuild_thread = |name: &str, run: Box<dyn FnOnce() + Send>| {
            if name == "attache-rebuild" {
                Err(std::io::Error::other("no more threads"))
            } else {
                spawn_thread(name, run)
            }
        };
        let Err(e) = start_with(options, &no_rebuild_thread) else {
            panic!("the server started without its rebuild thread");
        };
        assert!(e.to_string().contains("no more threads"), "{e}");
        // Nothing is left listening: the port can be taken again.
        assert!(
            TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "the HTTP thread still holds port {port}"
        );
    }
}
