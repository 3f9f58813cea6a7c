//! `attache serve`: the site built into memory and served on a local address, rebuilt
//! incrementally as its sources change, with live reload in the open pages.
//!
//! - [`incremental`]: the in-memory builder (what a change re-reads and re-renders).
//! - [`http`]: the HTTP side (axum on tokio), serving only from the in-memory output.
//! - [`reload`]: the Server-Sent Events channel and the script injected into pages.
//! - [`watch`]: the file watcher and the batching of changes.
//!
//! Three threads: the HTTP server (a tokio runtime), the rebuild loop (owns the
//! [`incremental::Engine`] and the watcher), and the watcher's own. Nothing is ever
//! written to disk; the configured output folder is not touched.

mod dependents;
pub mod http;
pub mod incremental;
pub mod reload;
pub mod watch;

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::build::BuildOptions;
use crate::error::Diagnostics;
use http::{App, HostPolicy};
use incremental::{Engine, Report};
use reload::Notice;
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
    let build_options = BuildOptions {
        drafts: options.drafts,
        base_url: Some(url.clone()),
    };
    let mut engine = Engine::new(&options.root, build_options);
    let first = engine.build();
    publish(&app, &engine, &first, false, quiet, true);

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
    let server = std::thread::Builder::new()
        .name("attache-http".into())
        .spawn(move || {
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
        })?;

    let engine_app = app.clone();
    let engine_thread = std::thread::Builder::new()
        .name("attache-rebuild".into())
        .spawn(move || rebuild_loop(engine, watcher, engine_rx, engine_app, quiet))?;

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

/// Waits for changes and rebuilds, until told to stop.
fn rebuild_loop(
    mut engine: Engine,
    mut watcher: Watcher,
    rx: mpsc::Receiver<Message>,
    app: Arc<App>,
    quiet: bool,
) {
    loop {
        let batch = watch::next_batch(&rx);
        if batch.stop {
            break;
        }
        let was_failing = engine.is_failing();
        let paths: Vec<PathBuf> = batch.paths.into_iter().collect();
        // A bug must not end live reload: report it, and start over from disk next time.
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if batch.rescan {
                engine.build()
            } else {
                engine.rebuild(&paths)
            }
        }));
        let result = match run {
            Ok(r) => r,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                eprintln!(
                    "error: attache failed while rebuilding ({what}); building everything again. Please report this."
                );
                engine.reset();
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.build())) {
                    Ok(r) => r,
                    Err(_) => {
                        engine.reset();
                        continue;
                    }
                }
            }
        };
        if let Ok(report) = &result
            && report.changed.is_empty()
            && !batch.rescan
        {
            continue;
        }
        publish(&app, &engine, &result, was_failing, quiet, false);
        if watcher.set(&engine.watched_dirs()) {
            // A folder came (back): what was made in it before it was watched is read now.
            let was_failing = engine.is_failing();
            let result = engine.build();
            publish(&app, &engine, &result, was_failing, quiet, false);
        }
    }
}

/// Puts a build's result in front of the server and the pages, and prints it.
fn publish(
    app: &App,
    engine: &Engine,
    result: &Result<Report, Diagnostics>,
    was_failing: bool,
    quiet: bool,
    first: bool,
) {
    match result {
        Ok(report) => {
            if first {
                app.update(engine.files(), &[]);
            } else {
                let upserts = report.delta.upserts.iter().map(|(p, b)| (p, b));
                app.update(upserts, &report.delta.removals);
            }
            app.set_error(None);
            if !quiet {
                if !report.warnings.is_empty() {
                    let color =
                        std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                    eprintln!("{}\n", report.warnings.render_each(color));
                }
                let warnings = match report.warnings.len() {
                    0 => String::new(),
                    _ => format!(", {}", report.warnings.counts()),
                };
                if first {
                    println!(
                        "Built {} files in {} ms{warnings}",
                        engine.files().count(),
                        report.elapsed.as_millis()
                    );
                } else {
                    println!("{}{warnings}", report.line());
                }
            }
            if first {
                return;
            }
            let delta = &report.delta;
            if delta.is_empty() && !was_failing {
                return;
            }
            let generation = app.next_generation();
            // Sent only now that the new output is in place.
            let notice = if delta.css_only() && !was_failing {
                Notice::Css {
                    generation,
                    paths: delta.upserts.iter().map(|(p, _)| p.clone()).collect(),
                }
            } else {
                Notice::Reload { generation }
            };
            let _ = app.notices.send(notice);
        }
        Err(problems) => {
            let message = describe(problems, false);
            if !quiet {
                let color =
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let what = if first {
                    "The site could not be built; serving an error page until it is fixed."
                } else {
                    "The change could not be built; still serving the last good version."
                };
                eprintln!("{}\n{what}", describe(problems, color));
            }
            app.set_error(Some(message.clone()));
            let _ = app.notices.send(Notice::Error { message });
        }
    }
}

/// Every problem, with its source excerpt, and a count.
fn describe(problems: &Diagnostics, color: bool) -> String {
    let mut out = problems.render_each(color);
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(&problems.counts());
    out
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
