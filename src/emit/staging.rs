//! Writing a build file by file into a staging folder, then swapping it in.
//!
//! Pages are written as they are rendered, so a build holds a few pages at a time rather
//! than the whole site. A file whose bytes are the same as in the previous output is not
//! written again: the previous file is hard-linked into the staging folder, so it keeps its
//! inode and modification time (rsync, S3 sync and other deploy tools skip it) and the
//! swap stays one rename. attache never writes into an existing file, only creates new
//! ones in the staging folder, so a file shared by two outputs is never changed through
//! either of them.
//!
//! Only regular files found by walking the previous output without following symbolic
//! links are reused; a symbolic link, a folder or anything else at a path is ignored and
//! the file is written anew.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{MARKER, MARKER_TEXT, is_ours, is_safe_output_path};
use crate::error::{Diagnostic, Diagnostics, Problem};

/// What a finished build wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written anew (new or changed since the previous output).
    pub written: usize,
    /// Their bytes.
    pub written_bytes: u64,
    /// Files whose bytes had not changed, linked from the previous output.
    pub linked: usize,
}

impl Written {
    pub fn files(&self) -> usize {
        self.written + self.linked
    }
}

/// A build on its way to disk. Dropped without [`Staging::finish`], it removes its staging
/// folder and leaves the output folder as it was.
pub struct Staging {
    dir: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// The previous output's regular files, by output path, with their sizes.
    previous: FxHashMap<String, u64>,
    written: AtomicUsize,
    written_bytes: AtomicU64,
    linked: AtomicUsize,
    /// The folders made so far, below the staging folder: each file's folder would
    /// otherwise be looked up on disk again (ten thousand search fragments share one).
    folders: Mutex<FxHashSet<String>>,
    finished: bool,
}

fn fail(path: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::new(path.to_path_buf(), Problem::Write(e.into()))
}

impl Staging {
    /// Starts a build that will replace `dir`: checks that attache may replace it and
    /// makes an empty staging folder beside it.
    pub fn begin(dir: &Path) -> Result<Staging, Diagnostic> {
        let display = dir.to_path_buf();
        let is_dir = fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
        if dir.exists() && (!is_dir || !is_ours(dir)) {
            return Err(Diagnostic::new(
                display.clone(),
                Problem::OutputNotOurs { path: display },
            ));
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_string());
        fs::create_dir_all(&parent).map_err(|e| fail(&parent, e))?;
        let staging = parent.join(format!(".{name}.attache-staging"));
        let old = parent.join(format!(".{name}.attache-old"));
        for leftover in [&staging, &old] {
            if fs::symlink_metadata(leftover).is_ok() {
                remove(leftover).map_err(|e| fail(leftover, e))?;
            }
        }
        fs::create_dir(&staging).map_err(|e| fail(&staging, e))?;
        let previous = if is_dir {
            regular_files(dir)
        } else {
            FxHashMap::default()
        };
        Ok(Staging {
            dir: dir.to_path_buf(),
            staging,
            old,
            previous,
            written: AtomicUsize::new(0),
            written_bytes: AtomicU64::new(0),
            linked: AtomicUsize::new(0),
            folders: Mutex::default(),
            finished: false,
        })
    }

    /// Puts one file at the output path `path` (safe to call from many threads, once per
    /// path). Its bytes are compared with the previous output's file at that path and,
    /// when equal, that file is linked instead of written.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        if !is_safe_output_path(path) || path == MARKER {
            return Err(Diagnostic::new(
                path,
                Problem::UnsafeOutput {
                    reason: format!("would receive `{path}`, a path that leaves it"),
                },
            ));
        }
        self.place(path, bytes)
    }

    /// Makes the folder `dir` (an output path) in the staging folder, unless made before.
    fn make_folder(&self, dir: &str) -> Result<(), Diagnostic> {
        // A thread that panicked while holding the lock left the set as it was: usable.
        let made = || self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        if made().contains(dir) {
            return Ok(());
        }
        let d = self.staging.join(dir);
        fs::create_dir_all(&d).map_err(|e| fail(&d, e))?;
        made().insert(dir.to_string());
        Ok(())
    }

    /// Puts `bytes` at `path` in the staging folder: a link to the previous output's file
    /// when it holds the same bytes, else a new file.
    fn place(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let target = self.staging.join(path);
        if let Some((dir, _)) = path.rsplit_once('/') {
            self.make_folder(dir)?;
        }
        if self.previous.get(path) == Some(&(bytes.len() as u64)) {
            let before = self.dir.join(path);
            if fs::read(&before).is_ok_and(|old| old == bytes)
                && fs::hard_link(&before, &target).is_ok()
            {
                self.linked.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        // A new file each time (never one opened through a link left in the folder).
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| fail(&target, e))?;
        io::Write::write_all(&mut file, bytes).map_err(|e| fail(&target, e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        self.written_bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Writes the marker and swaps the staging folder in place of the output folder; the
    /// previous output is removed only once the new one is in place.
    pub fn finish(mut self) -> Result<Written, Diagnostics> {
        self.place(MARKER, MARKER_TEXT)?;
        let had_previous = fs::symlink_metadata(&self.dir).is_ok();
        if had_previous {
            fs::rename(&self.dir, &self.old).map_err(|e| fail(&self.dir, e))?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.dir) {
            // Put the previous site back so the writer still has one.
            if had_previous {
                let _ = fs::rename(&self.old, &self.dir);
            }
            return Err(fail(&self.dir, e).into());
        }
        self.finished = true;
        if had_previous {
            remove(&self.old).map_err(|e| fail(&self.old, e))?;
        }
        Ok(Written {
            written: self.written.load(Ordering::Relaxed),
            written_bytes: self.written_bytes.load(Ordering::Relaxed),
            linked: self.linked.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove(&self.staging);
        }
    }
}

/// Removes a folder and everything in it, or a file or link (never what a link points to).
fn remove(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => remove_folder(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the folder `dir` and everything in it, its folders in parallel: a previous
/// output holds some 25,000 files in 12,000 folders at 10,000 articles, and removing them
/// one by one was most of a rebuild's time on disk after the new output was in place. A
/// link is removed, never followed (an entry's type is its own, not its target's).
fn remove_folder(dir: &Path) -> io::Result<()> {
    let entries = fs::read_dir(dir)?.collect::<io::Result<Vec<fs::DirEntry>>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_folder(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

/// The regular files under `dir` by output path, with their sizes; symbolic links are
/// neither followed nor listed.
fn regular_files(dir: &Path) -> FxHashMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_str()?.to_string();
            let len = e.metadata().ok()?.len();
            Some((rel, len))
        })
        .collect()
}
