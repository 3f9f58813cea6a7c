//! Watching the site's sources with `notify`, and gathering changes into batches.
//!
//! The OS watcher's thread sleeps until the kernel reports a change, and the rebuild loop
//! sleeps on its channel: an idle server does not wake up at all (no polling, no timer
//! ticks). A save arrives as a few events (an editor's atomic save also names the
//! temporary file it renamed, which is ignored as an editor leftover); the rebuild loop
//! gathers whatever arrives within [`SETTLE`] of the last change into one rebuild, so a
//! burst of saves makes one rebuild.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

/// After a change, further changes arriving within this gap join the same rebuild (an
/// editor's "save all", a `git checkout`).
pub const SETTLE: Duration = Duration::from_millis(2);
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
}

/// Watches the given folders (recursively, those that exist) and the site root (for
/// site.yaml and folders appearing), sending changes to `tx`.
pub struct Watcher {
    watcher: RecommendedWatcher,
    watched: BTreeMap<PathBuf, Option<DirId>>,
    root: PathBuf,
}

impl Watcher {
    pub fn new(root: &Path, tx: mpsc::Sender<Message>) -> notify::Result<Watcher> {
        let watcher = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
            let message = match result {
                Ok(event) if event.need_rescan() => Message::Rescan,
                // Reading a file (as a build does) is an event too: only changes count.
                Ok(event) if is_change(&event.kind) && !event.paths.is_empty() => {
                    Message::Paths(event.paths)
                }
                Ok(_) => return,
                // An error from the OS watcher means events may have been lost.
                Err(_) => Message::Rescan,
            };
            let _ = tx.send(message);
        })?;
        let mut w = Watcher {
            watcher,
            watched: BTreeMap::new(),
            root: root.to_path_buf(),
        };
        w.watcher.watch(root, RecursiveMode::NonRecursive)?;
        let themes = root.join("themes");
        if themes.is_dir() {
            w.watcher.watch(&themes, RecursiveMode::NonRecursive)?;
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
            let _ = self.watcher.unwatch(dir);
            self.watched.remove(dir);
        }
        let mut added = false;
        for (dir, id) in wanted {
            if self.watched.contains_key(&dir) {
                continue;
            }
            if self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok() {
                self.watched.insert(dir, id);
                added = true;
            }
        }
        let themes = self.root.join("themes");
        if themes.is_dir() {
            let _ = self.watcher.watch(&themes, RecursiveMode::NonRecursive);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_one_batch_and_nothing_waits_without_a_change() {
        let (tx, rx) = mpsc::channel();
        tx.send(Message::Paths(vec![PathBuf::from("a.md")]))
            .unwrap();
        tx.send(Message::Paths(vec![PathBuf::from("b.md")]))
            .unwrap();
        let batch = next_batch(&rx);
        assert_eq!(batch.paths.len(), 2);
        assert!(!batch.rescan && !batch.stop);
        // With every sender gone, the loop stops instead of waiting.
        drop(tx);
        assert!(next_batch(&rx).stop);
    }
}
