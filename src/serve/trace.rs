//! With `ATTACHE_SERVE_TRACE` set, each rebuild prints how long its stages took, to find
//! where the time of a slow edit goes.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The marks of the rebuild in progress on this thread.
struct Marks {
    /// When the last mark was made; `None` outside a traced rebuild.
    last: Option<Instant>,
    /// Each stage's name and time.
    stages: Vec<(&'static str, Duration)>,
}

thread_local! {
    static MARKS: RefCell<Marks> = const {
        RefCell::new(Marks {
            last: None,
            stages: Vec::new(),
        })
    };
}

fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ATTACHE_SERVE_TRACE").is_some())
}

/// Starts timing a rebuild.
pub(super) fn start() {
    if on() {
        MARKS.with_borrow_mut(|m| {
            m.last = Some(Instant::now());
            m.stages.clear();
        });
    }
}

/// Ends the stage `label`.
pub(super) fn mark(label: &'static str) {
    if on() {
        MARKS.with_borrow_mut(|m| {
            if let Some(last) = m.last {
                let now = Instant::now();
                m.stages.push((label, now - last));
                m.last = Some(now);
            }
        });
    }
}

/// Prints the stages of the rebuild.
pub(super) fn finish() {
    if on() {
        MARKS.with_borrow_mut(|m| {
            let parts: Vec<String> = m
                .stages
                .iter()
                .map(|(l, d)| format!("{l} {:.1}", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("[serve trace ms] {}", parts.join(" · "));
            m.last = None;
        });
    }
}
