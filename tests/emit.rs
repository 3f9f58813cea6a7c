//! Rebuilds on disk write only what changed: a writer edits one article and builds again;
//! every file whose bytes are the same is the very file of the previous build (same inode,
//! same modification time), so deploy tools see only the real changes; the changed files
//! are new. The output a build replaces is kept beside the new one, and the next build is
//! staged in it, so a rebuild makes and removes no folders. A rebuild that fails leaves the
//! previous output as it was, and what a previous or kept output holds that attache did not
//! put there (links, folders) is never followed.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use common::{Fixture, snapshot};

/// A file's inode, modification time (seconds, nanoseconds) and bytes.
type FileState = (u64, i64, i64, Vec<u8>);

/// Every regular file under `dir`: its inode, modification time and bytes.
fn files(dir: &Path) -> BTreeMap<String, FileState> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                rel,
                (
                    m.ino(),
                    m.mtime(),
                    m.mtime_nsec(),
                    fs::read(e.path()).unwrap(),
                ),
            )
        })
        .collect()
}

fn append_to_article(fixture: &Fixture, rel: &str, text: &str) {
    let before = fixture.read(rel);
    fixture.write(rel, &format!("{before}\n{text}\n"));
}

fn leftovers(fixture: &Fixture) -> Vec<String> {
    fs::read_dir(fixture.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("attache-"))
        .collect()
}

#[test]
fn after_a_one_article_edit_only_the_changed_files_are_new() {
    let fixture = Fixture::new("basic");
    let public = fixture.build(&[]);
    drop(public);
    let before = files(&fixture.path("public"));
    append_to_article(
        &fixture,
        "content/articles/2024/second.md",
        "A sentence added after the first build.",
    );
    // The clock moves on, so a file written again could not keep its time by chance.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fixture.build(&[]);
    let after = files(&fixture.path("public"));
    // The search index's shards are named by their contents: an edit that changes the
    // words of a shard gives it a new name. Every other file keeps its place.
    let named = |files: &std::collections::BTreeMap<String, _>| -> Vec<String> {
        files
            .keys()
            .filter(|p: &&String| !p.starts_with("search/s/"))
            .cloned()
            .collect()
    };
    assert_eq!(named(&before), named(&after), "the same files");
    let mut changed = Vec::new();
    for (path, (ino, secs, nanos, bytes)) in &after {
        let Some((old_ino, old_secs, old_nanos, old_bytes)) = before.get(path) else {
            assert!(path.starts_with("search/s/"), "{path} is new");
            changed.push(path.as_str());
            continue;
        };
        if bytes == old_bytes {
            assert_eq!(ino, old_ino, "{path} did not change: it is the same file");
            assert_eq!(
                (secs, nanos),
                (old_secs, old_nanos),
                "{path} keeps its time"
            );
        } else {
            assert_ne!(ino, old_ino, "{path} changed: it is a new file");
            changed.push(path.as_str());
        }
    }
    assert!(
        changed.contains(&"articles/second/index.html"),
        "the edited article's page changed: {changed:?}"
    );
    assert!(
        changed.len() * 3 < after.len(),
        "most files are kept: {changed:?} of {}",
        after.len()
    );
    // A rebuild with no edit writes nothing new.
    fixture.build(&[]);
    let again = files(&fixture.path("public"));
    for (path, (ino, ..)) in &again {
        assert_eq!(
            *ino, after[path].0,
            "{path} is kept by a build with no change"
        );
    }
}

#[test]
fn a_rebuild_that_fails_while_rendering_leaves_the_previous_output_intact() {
    let fixture = Fixture::new("basic");
    // Twice, so the failed build is staged in the output the second build kept.
    fixture.build(&[]);
    fixture.build(&[]);
    let before = files(&fixture.path("public"));
    append_to_article(
        &fixture,
        "content/articles/2024/second.md",
        "An edit that would change its page.",
    );
    // Compiles, but fails on the plain pages while the articles are being written.
    fixture.write(
        "templates/page.html",
        "<!doctype html>\n<h1>{{ page.no_such_field.deeper }}</h1>\n",
    );
    let out = fixture.attache(&["build"]);
    assert!(!out.status.success(), "the build should fail");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("templates/page.html"), "{said}");
    assert_eq!(
        files(&fixture.path("public")),
        before,
        "inodes, times, bytes"
    );
    assert!(leftovers(&fixture).is_empty(), "{:?}", leftovers(&fixture));
}

/// Replaces, in the output folder `output`, a page with a link to an outside file holding
/// its very bytes and the topics folder with a link to an outside copy of it: what a build
/// must replace, never follow.
fn plant_links_to(outside: &Path, output: &Path) {
    let page = output.join("articles/second/index.html");
    let target = outside.join("page.html");
    fs::copy(&page, &target).unwrap();
    fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(&target, &page).unwrap();
    let topics = output.join("topics");
    common::copy_dir(&topics, &outside.join("topics"));
    fs::remove_dir_all(&topics).unwrap();
    std::os::unix::fs::symlink(outside.join("topics"), &topics).unwrap();
}

/// Asserts that the build replaced the links [`plant_links_to`] planted with its own page
/// and folder in `public`, and wrote, linked or removed nothing outside (as it was
/// `before`).
fn assert_links_replaced(public: &Path, outside: &Path, before: BTreeMap<String, FileState>) {
    for p in ["articles/second/index.html", "topics"] {
        let m = fs::symlink_metadata(public.join(p)).unwrap();
        assert!(!m.file_type().is_symlink(), "{p} is ours again");
    }
    assert!(public.join("articles/second/index.html").is_file());
    assert!(public.join("topics").is_dir());
    assert_eq!(files(outside), before, "nothing outside changed");
    for (path, _) in before {
        let m = fs::metadata(outside.join(&path)).unwrap();
        assert_eq!(m.nlink(), 1, "{path} outside is not linked into the output");
    }
}

#[test]
fn a_link_planted_in_the_previous_output_is_replaced_not_followed() {
    let fixture = Fixture::new("basic");
    fixture.build(&[]);
    let outside = tempfile::tempdir().unwrap();
    plant_links_to(outside.path(), &fixture.path("public"));
    let outside_before = files(outside.path());

    fixture.build(&[]);
    assert_links_replaced(&fixture.path("public"), outside.path(), outside_before);
    // And the output is what a build from nothing gives.
    assert_as_built_from_nothing(&fixture);
}

#[test]
fn a_file_replaced_by_a_folder_in_the_previous_output_is_written_again() {
    let fixture = Fixture::new("basic");
    fixture.build(&[]);
    let page = fixture.path("public/articles/second/index.html");
    let bytes = fs::read(&page).unwrap();
    fs::remove_file(&page).unwrap();
    fs::create_dir(&page).unwrap();
    fs::write(page.join("index.html"), &bytes).unwrap();
    // And a folder replaced by a file.
    let folder = fixture.path("public/topics/alpha");
    fs::remove_dir_all(&folder).unwrap();
    fs::write(&folder, "not a folder").unwrap();

    fixture.build(&[]);
    assert!(page.is_file(), "the page is a file again");
    assert_eq!(fs::read(&page).unwrap(), bytes);
    assert!(folder.join("index.html").is_file());
    assert_eq!(leftovers(&fixture), [".public.attache-old"]);
}

/// A build to disk writes what a build in memory makes, byte for byte: its search indexes
/// take the pages' texts and write their fragments batch by batch, its packs read the
/// Markdown they show again from the files, and it lets go of each article's HTML once
/// every page showing it is written; here in three languages, one right-to-left.
#[test]
fn a_build_to_disk_writes_what_a_build_in_memory_makes() {
    let fixture = Fixture::new("trilingual");
    let out = fixture.path("public");
    let (to_disk, _) = attache::build::build_to_disk(
        fixture.root(),
        Some(&out),
        &attache::build::BuildOptions::default(),
    )
    .expect("the fixture builds to disk");
    let built = attache::build::build(fixture.root(), &attache::build::BuildOptions::default())
        .expect("the fixture builds in memory");
    let held = |built: &attache::build::Built| -> Vec<usize> {
        built
            .site
            .editions
            .iter()
            .flat_map(|ed| &ed.articles)
            .map(|a| a.body.html.packed_len())
            .collect()
    };
    assert!(held(&built).iter().all(|&bytes| bytes > 0));
    assert_eq!(held(&to_disk), vec![0; held(&built).len()]);
    let in_memory: BTreeMap<String, Vec<u8>> = built.output.files.into_iter().collect();
    let mut on_disk = snapshot(&out);
    // The mark that tells a later build the folder is attache's to replace.
    on_disk.remove(".attache-output");
    assert!(
        on_disk.keys().any(|p| p.starts_with("ur/search/f/")),
        "the Urdu edition has search fragments"
    );
    assert!(
        on_disk.keys().any(|p| p.ends_with("pack/index.html")),
        "the site has pack pages"
    );
    let differ: Vec<&String> = on_disk
        .iter()
        .filter(|(path, bytes)| in_memory.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .chain(in_memory.keys().filter(|p| !on_disk.contains_key(*p)))
        .collect();
    assert!(differ.is_empty(), "differ: {differ:?}");
}

/// Every folder under `dir` (itself left out) with its inode.
fn folders(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

/// Asserts that `fixture`'s output holds what a build of its sources from nothing gives:
/// the same files, byte for byte, and the same folders (none left over).
fn assert_as_built_from_nothing(fixture: &Fixture) {
    // The sources alone: the outputs may hold links planted by the test.
    let fresh = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(fixture.root()).unwrap() {
        let entry = entry.unwrap();
        let to = fresh.path().join(entry.file_name());
        match entry.file_name().to_str() {
            Some("public" | ".public.attache-old") => {}
            _ if entry.file_type().unwrap().is_dir() => common::copy_dir(&entry.path(), &to),
            _ => drop(fs::copy(entry.path(), &to).unwrap()),
        }
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("build")
        .current_dir(fresh.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (public, from_nothing) = (fixture.path("public"), fresh.path().join("public"));
    assert_eq!(snapshot(&public), snapshot(&from_nothing));
    let names = |dir: &Path| folders(dir).into_keys().collect::<Vec<_>>();
    assert_eq!(names(&public), names(&from_nothing));
}

#[test]
fn a_rebuild_is_staged_in_the_output_the_build_before_kept() {
    let fixture = Fixture::new("basic");
    drop(fixture.build(&[]));
    drop(fixture.build(&[]));
    let public = fixture.path("public");
    let kept = fixture.path(".public.attache-old");
    assert_eq!(
        leftovers(&fixture),
        [".public.attache-old"],
        "the first output is kept"
    );
    let (first_folders, second_folders) = (folders(&kept), folders(&public));
    let before = files(&public);
    append_to_article(
        &fixture,
        "content/articles/2024/second.md",
        "A sentence added after the second build.",
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    drop(fixture.build(&[]));

    // No folder was made or removed: the new output is the first one, brought up to date,
    // and the second is kept for the next build.
    assert_eq!(folders(&public), first_folders);
    assert_eq!(folders(&kept), second_folders);
    let after = files(&public);
    let mut changed = 0;
    for (path, (ino, secs, nanos, bytes)) in &after {
        match before.get(path) {
            Some((old_ino, old_secs, old_nanos, old_bytes)) if old_bytes == bytes => {
                assert_eq!(ino, old_ino, "{path} did not change: it is the same file");
                assert_eq!(
                    (secs, nanos),
                    (old_secs, old_nanos),
                    "{path} keeps its time"
                );
            }
            Some((old_ino, ..)) => {
                assert_ne!(ino, old_ino, "{path} changed: it is a new file");
                changed += 1;
            }
            None => changed += 1,
        }
    }
    assert!(
        changed > 0 && changed * 3 < after.len(),
        "{changed} of {}",
        after.len()
    );
    assert_as_built_from_nothing(&fixture);
}

#[test]
fn pages_removed_since_leave_nothing_behind_in_a_recycled_output() {
    let fixture = Fixture::new("basic");
    drop(fixture.build(&[]));
    drop(fixture.build(&[]));
    // An article with two old addresses: its page and its redirect folders go.
    fs::remove_file(fixture.path("content/articles/2025/fourth.md")).unwrap();
    drop(fixture.build(&[]));
    let public = fixture.path("public");
    for gone in ["articles/fourth", "2025", "old"] {
        assert!(!public.join(gone).exists(), "{gone} is gone");
    }
    assert_as_built_from_nothing(&fixture);
}

#[test]
fn what_was_planted_in_the_kept_output_is_removed_never_followed() {
    let fixture = Fixture::new("basic");
    drop(fixture.build(&[]));
    drop(fixture.build(&[]));
    let kept = fixture.path(".public.attache-old");
    let outside = tempfile::tempdir().unwrap();
    plant_links_to(outside.path(), &kept);
    // A folder where a file goes, a file where a folder goes, a stray file.
    let feed = kept.join("atom.xml");
    fs::remove_file(&feed).unwrap();
    fs::create_dir_all(feed.join("inside")).unwrap();
    let about = kept.join("about");
    fs::remove_dir_all(&about).unwrap();
    fs::write(&about, "not a folder").unwrap();
    fs::write(kept.join("articles/stray.txt"), "stray").unwrap();
    let outside_before = files(outside.path());

    drop(fixture.build(&[]));
    assert_links_replaced(&fixture.path("public"), outside.path(), outside_before);
    assert_as_built_from_nothing(&fixture);
}
