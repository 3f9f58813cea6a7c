//! The live side of `serve`: the loop that waits for changes, rebuilds, and puts each
//! result in front of the server and the open pages.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use super::app::App;
use super::engine::{Engine, Report};
use super::reload::Notice;
use super::watch::{self, Message, Watcher};
use crate::error::Diagnostics;

/// Waits for changes and rebuilds, until told to stop.
pub(super) fn rebuild_loop(
    mut engine: Engine,
    mut watcher: Watcher,
    rx: mpsc::Receiver<Message>,
    app: Arc<App>,
    quiet: bool,
) {
    // What the first edit would otherwise wait for, done while nothing changes.
    engine.catch_up();
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
        engine.catch_up();
        if watcher.set(&engine.watched_dirs()) {
            // A folder came (back): what was made in it before it was watched is read now.
            let was_failing = engine.is_failing();
            let result = engine.build();
            publish(&app, &engine, &result, was_failing, quiet, false);
        }
    }
}

/// Puts a build's result in front of the server and the pages, and prints it.
pub(super) fn publish(
    app: &App,
    engine: &Engine,
    result: &Result<Report, Diagnostics>,
    was_failing: bool,
    quiet: bool,
    first: bool,
) {
    match result {
        Ok(report) => {
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
            let delta = &report.delta;
            if !first && delta.is_empty() && !was_failing {
                return;
            }
            let generation = if first {
                app.publish(engine.files(), &[])
            } else {
                let upserts = delta.upserts.iter().map(|(p, b)| (p, b));
                app.publish(upserts, &delta.removals)
            };
            if first {
                return;
            }
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
