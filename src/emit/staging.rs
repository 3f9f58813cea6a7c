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
//! The swap keeps the previous output beside the new one (`.public.attache-old`), and the
//! next build is staged in it: its folders are already there and most of its files are
//! already the right ones (links to the files the output holds), so a rebuild after a small
//! edit makes and removes almost nothing on disk. Making and removing the 14,000 folders of
//! a 10,000-article site each time was most of what a rebuild on disk cost beyond the same
//! build in memory. The kept folder shares its unchanged files with the output, so it takes
//! little room: its folders and the earlier versions of the files that changed.
//!
//! Only regular files found by walking the previous output without following symbolic
//! links are reused; a symbolic link, a folder or anything else at a path is ignored and
//! the file is written anew. Walking the recycled folder removes any symbolic link or
//! other special file in it, so nothing is ever written through one.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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

/// A regular file of the previous output.
#[derive(Debug, Clone, Copy)]
struct PreviousFile {
    len: u64,
    /// Its inode number; 0 where the platform does not say.
    ino: u64,
}

/// What the staging folder holds before the build puts anything in it: the output of the
/// build before the previous one, when attache kept it, found by walking it.
#[derive(Default)]
struct Recycled {
    /// Regular files by output path, each with its inode and whether this build put a
    /// file at its path (those it did not are removed before the swap).
    files: FxHashMap<String, (u64, AtomicBool)>,
    /// Folders by output path.
    folders: FxHashSet<String>,
}

/// A build on its way to disk. Dropped without [`Staging::finish`], it removes its staging
/// folder and leaves the output folder as it was.
pub struct Staging {
    dir: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    /// The previous output's regular files, by output path.
    previous: FxHashMap<String, PreviousFile>,
    recycled: Recycled,
    written: AtomicUsize,
    written_bytes: AtomicU64,
    linked: AtomicUsize,
    /// The folders made (or found in the recycled folder) so far, below the staging
    /// folder: each file's folder would otherwise be looked up on disk again (ten thousand
    /// search fragments share one).
    folders: Mutex<FxHashSet<String>>,
    finished: bool,
}

fn fail(path: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::new(path.to_path_buf(), Problem::Write(e.into()))
}

/// Ignores "not found": what was to be removed is gone already.
fn gone(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

impl Staging {
    /// Starts a build that will replace `dir`: checks that attache may replace it and
    /// readies a staging folder beside it, the output kept by the previous build if there
    /// is one, else an empty folder.
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
        // A staging folder left by a build that was stopped: its contents are unknown.
        remove(&staging).map_err(|e| fail(&staging, e))?;
        let recycle = match fs::symlink_metadata(&old) {
            Ok(m) if m.is_dir() => fs::rename(&old, &staging).is_ok(),
            _ => false,
        };
        remove(&old).map_err(|e| fail(&old, e))?;
        if !recycle {
            fs::create_dir(&staging).map_err(|e| fail(&staging, e))?;
        }
        let (previous, recycled) = rayon::join(
            || {
                if is_dir {
                    regular_files(dir)
                } else {
                    FxHashMap::default()
                }
            },
            || {
                if recycle {
                    Recycled::walk(&staging)
                } else {
                    Ok(Recycled::default())
                }
            },
        );
        let recycled = recycled.map_err(|(path, e)| fail(&path, e))?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            staging,
            old,
            previous,
            recycled,
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

    /// Makes the folder `dir` (an output path) in the staging folder, unless it is there.
    fn make_folder(&self, dir: &str) -> Result<(), Diagnostic> {
        // A thread that panicked while holding the lock left the set as it was: usable.
        let made = || self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        if made().contains(dir) {
            return Ok(());
        }
        if !self.recycled.folders.contains(dir) {
            let d = self.staging.join(dir);
            if fs::create_dir_all(&d).is_err() {
                // A recycled file where one of the folders goes: remove it and try again.
                for (at, _) in dir.match_indices('/').chain([(dir.len(), "")]) {
                    let above = &dir[..at];
                    if self.recycled.files.contains_key(above) {
                        let f = self.staging.join(above);
                        gone(fs::remove_file(&f)).map_err(|e| fail(&f, e))?;
                    }
                }
                fs::create_dir_all(&d).map_err(|e| fail(&d, e))?;
            }
        }
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
        let there = self.take_recycled(path, &target)?;
        let unchanged = self.previous.get(path).filter(|before| {
            before.len == bytes.len() as u64
                && fs::read(self.dir.join(path)).is_ok_and(|old| old == bytes)
        });
        if let Some(before) = unchanged
            && before.ino != 0
            && there == Some(before.ino)
        {
            // The recycled folder holds this very file already.
            self.linked.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if there.is_some() {
            gone(fs::remove_file(&target)).map_err(|e| fail(&target, e))?;
        }
        if unchanged.is_some() && fs::hard_link(self.dir.join(path), &target).is_ok() {
            self.linked.fetch_add(1, Ordering::Relaxed);
            return Ok(());
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

    /// What the recycled folder holds at `path`, where a file is about to go: the inode of
    /// a regular file there (now marked as kept), or nothing (a folder there is removed).
    fn take_recycled(&self, path: &str, target: &Path) -> Result<Option<u64>, Diagnostic> {
        if let Some((ino, placed)) = self.recycled.files.get(path) {
            placed.store(true, Ordering::Relaxed);
            return Ok(Some(*ino));
        }
        if self.recycled.folders.contains(path) {
            remove(target).map_err(|e| fail(target, e))?;
        }
        Ok(None)
    }

    /// Removes from a recycled staging folder the files and folders this build did not put
    /// there (pages deleted since, shards renamed).
    fn remove_stale(&self) -> Result<(), Diagnostic> {
        let made = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        let mut used: FxHashSet<&str> = FxHashSet::default();
        for dir in made.iter() {
            let mut dir = dir.as_str();
            while used.insert(dir) {
                match dir.rsplit_once('/') {
                    Some((up, _)) => dir = up,
                    None => break,
                }
            }
        }
        let stale_files: Vec<&str> = (self.recycled.files.iter())
            .filter(|(path, (_, placed))| {
                !placed.load(Ordering::Relaxed) && !used.contains(path.as_str())
            })
            .map(|(path, _)| path.as_str())
            .collect();
        stale_files.par_iter().try_for_each(|path| {
            let f = self.staging.join(path);
            gone(fs::remove_file(&f)).map_err(|e| fail(&f, e))
        })?;
        // The topmost folders no file went into, with everything left in them.
        let stale = |dir: &str| !used.contains(dir);
        let stale_folders: Vec<&str> = (self.recycled.folders.iter())
            .map(String::as_str)
            .filter(|dir| stale(dir) && dir.rsplit_once('/').is_none_or(|(up, _)| !stale(up)))
            .collect();
        stale_folders.par_iter().try_for_each(|dir| {
            let d = self.staging.join(dir);
            // A file this build put where a recycled folder was stays.
            if fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir()) {
                remove(&d).map_err(|e| fail(&d, e))?;
            }
            Ok(())
        })
    }

    /// Writes the marker and swaps the staging folder in place of the output folder; the
    /// previous output is kept beside it, for the next build to be staged in.
    pub fn finish(mut self) -> Result<Written, Diagnostics> {
        self.place(MARKER, MARKER_TEXT)?;
        self.remove_stale()?;
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

impl Recycled {
    /// Lists what the folder `dir` holds, removing every entry that is neither a folder
    /// nor a regular file (a symbolic link above all) and every name that is not UTF-8
    /// (no build puts one there).
    fn walk(dir: &Path) -> Result<Recycled, (PathBuf, io::Error)> {
        let mut found = Recycled::default();
        let mut entries = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .follow_links(false)
            .into_iter();
        while let Some(entry) = entries.next() {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                (path, io::Error::other(e))
            })?;
            let kind = entry.file_type();
            let rel = (entry.path().strip_prefix(dir).ok())
                .and_then(Path::to_str)
                .map(str::to_string);
            match rel {
                Some(rel) if kind.is_dir() => {
                    found.folders.insert(rel);
                }
                Some(rel) if kind.is_file() => {
                    found
                        .files
                        .insert(rel, (inode(&entry), AtomicBool::new(false)));
                }
                _ => {
                    remove(entry.path()).map_err(|e| (entry.path().to_path_buf(), e))?;
                    if kind.is_dir() {
                        entries.skip_current_dir();
                    }
                }
            }
        }
        Ok(found)
    }
}

/// The inode number of a walked entry, as its folder lists it; 0 where the platform does
/// not say.
fn inode(entry: &walkdir::DirEntry) -> u64 {
    #[cfg(unix)]
    {
        walkdir::DirEntryExt::ino(entry)
    }
    #[cfg(not(unix))]
    {
        let _ = entry;
        0
    }
}

/// Removes a folder and everything in it, or a file or link (never what a link points to);
/// nothing at `path` is fine.
fn remove(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => remove_folder(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the folder `dir` and everything in it, its folders in parallel (a folder of an
/// output may hold thousands). A link is removed, never followed (an entry's type is its
/// own, not its target's).
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

/// The regular files under `dir` by output path; symbolic links are neither followed nor
/// listed.
fn regular_files(dir: &Path) -> FxHashMap<String, PreviousFile> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_str()?.to_string();
            let len = e.metadata().ok()?.len();
            Some((
                rel,
                PreviousFile {
                    len,
                    ino: inode(&e),
                },
            ))
        })
        .collect()
}
