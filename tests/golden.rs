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
    assert_builds_to_recorded_output("basic", &[]);
}

/// A site in English, Urdu and Russian: every edition, switcher, alternate, feed and the
/// sitemap's alternates.
#[test]
fn the_trilingual_fixture_builds_to_exactly_the_recorded_output() {
    assert_builds_to_recorded_output("trilingual", &[]);
}

/// Profiles, as-of dates, a notice on a stale overview, an embargoed and a withdrawn
/// article left out, Open Graph, JSON-LD, Atom and RSS: as of 1 April 2025.
#[test]
fn the_desk_fixture_builds_to_exactly_the_recorded_output() {
    assert_builds_to_recorded_output("desk", &["--now", "2025-04-01"]);
}

/// Builds the fixture `name` with `args` and compares the output with
/// `tests/golden/<name>`.
fn assert_builds_to_recorded_output(name: &str, args: &[&str]) {
    let fixture = Fixture::new(name);
    let site = fixture.build(args);
    let golden_dir = repo().join("tests/golden").join(name);
    // Only what attache generates: the theme's static files are copied as they are.
    let theme_static = repo().join("themes/briefing/static");
    let generated = |path: &String| !theme_static.join(path).is_file();
    let built: std::collections::BTreeMap<String, Vec<u8>> = site
        .files
        .into_iter()
        .filter(|(p, _)| generated(p))
        .collect();
    if std::env::var_os("ATTACHE_BLESS").is_some() {
        let _ = fs::remove_dir_all(&golden_dir);
        for (path, bytes) in &built {
            let target = golden_dir.join(path);
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::write(target, bytes).unwrap();
        }
        return;
    }
    let golden = snapshot(&golden_dir);
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
        "the build output of {name} changed ({} files); if that is intended, record it \
         with ATTACHE_BLESS=1 cargo test --test golden:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
