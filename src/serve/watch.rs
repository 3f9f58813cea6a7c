//! Watching the site's sources with `notify` and `notify-debouncer-full`.
//!
//! The debouncer follows renames (write-to-temp-then-rename saves arrive as one change
//! of the real file) and merges repeated events on one path. Its timeout is short (tens
//! of milliseconds), and the rebuild loop gathers whatever else arrives within a few
//! milliseconds of the first change, so a burst of saves makes one rebuild.

use std::collections::{BTreeMap, BTreeSet};
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
    watched: BTreeMap<PathBuf, Option<DirId>>,
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
            watched: BTreeMap::new(),
            root: root.to_path_buf(),
        };
        w.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        let themes = root.join("themes");
        if themes.is_dir() {
            w.debouncer.watch(&themes, RecursiveMode::NonRecursive)?;
        }
        Ok(w)
    }

    /// Watches exactly `dirs` (those that exist), adding and dropping watches as needed. A
    /// folder deleted and made again is a new folder to the OS and is watched anew. Returns
    /// true when a folder was newly watched: files made in it before the watch began were
    /// not seen, so the caller reads everything again.
    pub fn set(&mut self, dirs: &[PathBuf]) -> bool {
        let wanted: BTreeMap<PathBuf, Option<DirId>> = dirs
            .iter()
            .filter(|d| d.is_dir())
            .map(|d| (d.clone(), dir_id(d)))
            .collect();
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|(dir, id)| wanted.get(*dir) != Some(*id) || id.is_none())
            .map(|(dir, _)| dir.clone())
            .collect();
        for dir in &stale {
            let _ = self.debouncer.unwatch(dir);
            self.watched.remove(dir);
        }
        let mut added = false;
        for (dir, id) in wanted {
            if self.watched.contains_key(&dir) {
                continue;
            }
            if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                self.watched.insert(dir, id);
                added = true;
            }
        }
        let themes = self.root.join("themes");
        if themes.is_dir() {
            let _ = self.debouncer.watch(&themes, RecursiveMode::NonRecursive);
        }
        added
    }
}

/// What tells a folder from another made at the same path.
type DirId = (u64, u64);

#[cfg(unix)]
fn dir_id(dir: &Path) -> Option<DirId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn dir_id(dir: &Path) -> Option<DirId> {
    let created = std::fs::metadata(dir).ok()?.created().ok()?;
    let d = created.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some((d.as_secs(), u64::from(d.subsec_nanos())))
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
