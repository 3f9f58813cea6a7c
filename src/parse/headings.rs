//! Heading ids and the table of contents: every heading gets a unique id, and those of
//! levels 2 to 4 make the table.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Tag};
use serde::Serialize;

/// One entry of a table of contents; `children` are the headings one level below.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Gives every heading a unique id (its own `{#id}` if written, else a slug of its text)
/// and returns the table of contents for levels 2 to 4 and the ids of the other
/// headings. `headings` are (index of the heading's start event, level, its text).
pub(crate) fn assign_heading_ids(
    events: &mut [Event],
    headings: &[(usize, u8, String)],
) -> (Vec<TocEntry>, Vec<String>) {
    // Ids written by hand (`{#id}`) are kept; generated ids and repeats step around them
    // and around each other, so every id on the page is unique.
    let explicit: HashSet<String> = headings
        .iter()
        .filter_map(|(index, ..)| match &events[*index] {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut taken: HashSet<String> = HashSet::with_capacity(headings.len());
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut flat = Vec::new();
    let mut others = Vec::new();
    for (index, level, title) in headings {
        let Event::Start(Tag::Heading { id, .. }) = &mut events[*index] else {
            continue;
        };
        let written = id.is_some();
        let base = match id {
            Some(explicit) => explicit.to_string(),
            None => {
                let s = slug::slugify(title);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            }
        };
        let free = |c: &String| !taken.contains(c) && (written || !explicit.contains(c));
        let mut unique = base.clone();
        if !free(&unique) {
            let n = next.entry(base.clone()).or_insert(0);
            loop {
                *n += 1;
                unique = format!("{base}-{n}");
                if free(&unique) {
                    break;
                }
            }
        }
        taken.insert(unique.clone());
        *id = Some(CowStr::from(unique.clone()));
        if (2..=4).contains(level) {
            flat.push((*level, unique, title.clone()));
        } else {
            others.push(unique);
        }
    }
    (nest(flat), others)
}

/// Builds the TOC tree from headings in document order without recursion, so a pathological
/// document cannot exhaust the stack.
fn nest(flat: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    let mut stack: Vec<TocEntry> = Vec::new();
    for (level, id, title) in flat {
        let entry = TocEntry {
            level,
            id,
            title,
            children: Vec::new(),
        };
        while stack.last().is_some_and(|top| top.level >= level) {
            let mut done = stack.pop().expect("checked by is_some_and");
            // Every page's table is held until the end of a build: no spare room.
            done.children.shrink_to_fit();
            match stack.last_mut() {
                Some(parent) => parent.children.push(done),
                None => roots.push(done),
            }
        }
        stack.push(entry);
    }
    while let Some(mut done) = stack.pop() {
        done.children.shrink_to_fit();
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => roots.push(done),
        }
    }
    roots.shrink_to_fit();
    roots
}
