//! The output of a fixture site, byte for byte, against a copy kept in the repository.
//!
//! Optimisations must not change what a build writes. When a change to the output is
//! meant (a theme edit, a new feature), look at the differences this test prints, then
//! record the new output with `ATTACHE_BLESS=1 cargo test --test golden` and commit it.

mod common;

use std::fs;

use common::{Fixture, repo, snapshot};

#[test]
fn the_fixture_site_builds_to_exactly_the_recorded_output() {
    let fixture = Fixture::new("basic");
    let site = fixture.build(&[]);
    let golden_dir = repo().join("tests/golden/basic");
    if std::env::var_os("ATTACHE_BLESS").is_some() {
        let _ = fs::remove_dir_all(&golden_dir);
        common::copy_dir(&site.dir, &golden_dir);
        return;
    }
    let golden = snapshot(&golden_dir);
    let built = site.files;
    let mut differences = Vec::new();
    for path in golden
        .keys()
        .chain(built.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (golden.get(path), built.get(path)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(b)) => {
                let a = String::from_utf8_lossy(&golden[path]);
                let b = String::from_utf8_lossy(b);
                let line = a
                    .lines()
                    .zip(b.lines())
                    .position(|(x, y)| x != y)
                    .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
                    + 1;
                differences.push(format!("{path}: differs from line {line}"));
            }
            (Some(_), None) => differences.push(format!("{path}: no longer written")),
            (None, Some(_)) => differences.push(format!("{path}: newly written")),
            (None, None) => unreachable!("the path came from one of the maps"),
        }
    }
    assert!(
        differences.is_empty(),
        "the build output changed ({} files); if that is intended, record it with \
         ATTACHE_BLESS=1 cargo test --test golden:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
