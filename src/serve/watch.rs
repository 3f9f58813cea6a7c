//! Watching the site's sources with `notify` and `notify-debouncer-full`.
//!
//! The debouncer follows renames (write-to-temp-then-rename saves arrive as one change
//! of the real file) and merges repeated events on one path. Its timeout is short (tens
//! of milliseconds), and the rebuild loop gathers whatever else arrives within a few
//! milliseconds of the first change, so a burst of saves makes one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// How long the debouncer holds an event. Short: it only has to pair renames and merge
/// the events of one write; batching is done by [`SETTLE`].
pub const DEBOUNCE: Duration = Duration::from_millis(2);
/// How often the debouncer hands events over.
pub const TICK: Duration = Duration::from_millis(1);
/// After a change, further changes arriving within this gap join the same rebuild (an
/// editor's "save all", a `git checkout`).
pub const SETTLE: Duration = Duration::from_millis(5);
/// A burst is cut after this long, so a stream of changes still shows progress.
pub const MAX_BATCH: Duration = Duration::from_millis(300);

/// What the rebuild loop receives.
#[derive(Debug)]
pub enum Message {
    /// Paths that changed.
    Paths(Vec<PathBuf>),
    /// The watcher lost track (its queue overflowed): build everything again.
    Rescan,
    /// Stop the loop.
    Stop,
}

/// A batch of changes to rebuild for.
#[derive(Debug, Default)]
pub struct Batch {
    pub paths: BTreeSet<PathBuf>,
    pub rescan: bool,
    pub stop: bool,
    /// When the first change of the batch arrived.
    pub first: Option<Instant>,
}

/// Watches the given folders (recursively, those that exist) and the site root (for
/// site.yaml and folders appearing), sending changes to `tx`.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    watched: BTreeSet<PathBuf>,
    root: PathBuf,
}

impl Watcher {
    pub fn new(root: &Path, tx: mpsc::Sender<Message>) -> notify::Result<Watcher> {
        let debouncer = new_debouncer(DEBOUNCE, Some(TICK), move |result: DebounceEventResult| {
            match result {
                Ok(events) => {
                    if events.iter().any(|e| e.need_rescan()) {
                        let _ = tx.send(Message::Rescan);
                        return;
                    }
                    // Reading a file (as a build does) is an event too: only changes count.
                    let paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| is_change(&e.event.kind))
                        .flat_map(|e| e.event.paths)
                        .collect();
                    if !paths.is_empty() {
                        let _ = tx.send(Message::Paths(paths));
                    }
                }
                Err(errors) => {
                    // Errors from the OS watcher mean events may have been lost.
                    if !errors.is_empty() {
                        let _ = tx.send(Message::Rescan);
                    }
                }
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
        let mut w = Watcher {
            debouncer,
            watched: BTreeSet::new(),
            root: root.to_path_buf(),
        };
        w.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let themes = root.join("themes");
        if themes.is_dir() {
            w.debouncer.watch(&themes, RecursiveMode::NonRecursive)?;
        }
        Ok(w)
    }

    /// Watches exactly `dirs` (those that exist), adding and dropping watches as needed.
    pub fn set(&mut self, dirs: &[PathBuf]) {
        let wanted: BTreeSet<PathBuf> = dirs.iter().filter(|d| d.is_dir()).cloned().collect();
        for gone in self.watched.difference(&wanted) {
            let _ = self.debouncer.unwatch(gone);
        }
        let new: Vec<PathBuf> = wanted.difference(&self.watched).cloned().collect();
        self.watched = wanted;
        for dir in new {
            if self
                .debouncer
                .watch(&dir, RecursiveMode::Recursive)
                .is_err()
            {
                self.watched.remove(&dir);
            }
        }
        let themes = self.root.join("themes");
        if themes.is_dir() {
            let _ = self.debouncer.watch(&themes, RecursiveMode::NonRecursive);
        }
    }
}

/// Whether an event kind can change a file's contents or existence.
fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{MetadataKind, ModifyKind};
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime))
    )
}

/// Waits for the next change, then gathers what follows closely into one batch.
pub fn next_batch(rx: &mpsc::Receiver<Message>) -> Batch {
    let mut batch = Batch::default();
    match rx.recv() {
        Ok(m) => add(&mut batch, m),
        Err(_) => {
            batch.stop = true;
            return batch;
        }
    }
    let start = Instant::now();
    batch.first = Some(start);
    while !batch.stop && start.elapsed() < MAX_BATCH {
        match rx.recv_timeout(SETTLE) {
            Ok(m) => add(&mut batch, m),
            Err(mpsc::RecvTimeoutError::Timeout) => break,
            Err(mpsc::RecvTimeoutError::Disconnected) => batch.stop = true,
        }
    }
    batch
}

fn add(batch: &mut Batch, m: Message) {
    match m {
        Message::Paths(p) => batch.paths.extend(p),
        Message::Rescan => batch.rescan = true,
        Message::Stop => batch.stop = true,
    }
}
