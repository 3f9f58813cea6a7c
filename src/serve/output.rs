//! The output as `serve` keeps it: each file's contents, shared with the server without
//! copies, and what one rebuild changed.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;

use super::sources::Static;
use crate::emit::Output;

/// The contents of one output file: whole, or as parts to send one after the other, so
/// that an edit of one part of a large file does not copy the whole file.
#[derive(Debug, Clone)]
pub enum Body {
    Whole(Bytes),
    Parts(Arc<[Bytes]>),
}

impl Body {
    pub fn len(&self) -> usize {
        match self {
            Body::Whole(b) => b.len(),
            Body::Parts(parts) => parts.iter().map(Bytes::len).sum(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Body::Whole(b) => b.to_vec(),
            Body::Parts(parts) => {
                let mut out = Vec::with_capacity(self.len());
                for p in parts.iter() {
                    out.extend_from_slice(p);
                }
                out
            }
        }
    }

    /// The same contents (parts are compared by identity first, then by content).
    pub(super) fn same_as(&self, other: &Body) -> bool {
        let same =
            |a: &Bytes, b: &Bytes| (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b;
        match (self, other) {
            (Body::Whole(a), Body::Whole(b)) => same(a, b),
            (Body::Parts(a), Body::Parts(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(a, b)| same(a, b))
            }
            _ => self.to_vec() == other.to_vec(),
        }
    }
}

/// What one rebuild changed in the output.
#[derive(Debug, Default, Clone)]
pub struct Delta {
    /// Files added or changed, by output path.
    pub upserts: Vec<(String, Body)>,
    /// Files no longer produced.
    pub removals: Vec<String>,
}

impl Delta {
    pub fn is_empty(&self) -> bool {
        self.upserts.is_empty() && self.removals.is_empty()
    }

    /// True when every changed file is a stylesheet (the page can swap it in place).
    pub fn css_only(&self) -> bool {
        !self.is_empty()
            && self.removals.is_empty()
            && self.upserts.iter().all(|(p, _)| p.ends_with(".css"))
    }
}

/// Generated files a rebuild took away, besides those its jobs no longer write.
#[derive(Debug, Default)]
pub(super) struct Gone {
    /// Folders whose files the rebuild gave in full: any other file there is gone.
    folders: Vec<String>,
    /// Files named as gone.
    files: Vec<String>,
}

impl Gone {
    /// Every file in `folders` that the rebuild did not give.
    pub(super) fn rest_of(folders: Vec<String>) -> Gone {
        Gone {
            folders,
            files: Vec::new(),
        }
    }

    pub(super) fn files(files: Vec<String>) -> Gone {
        Gone {
            folders: Vec::new(),
            files,
        }
    }

    pub(super) fn and(mut self, other: Gone) -> Gone {
        self.folders.extend(other.folders);
        self.files.extend(other.files);
        self
    }
}

/// The output as served: the generated files and the static files, by output path.
#[derive(Default)]
pub(super) struct Served {
    generated: BTreeMap<String, Body>,
    statics: BTreeMap<String, Body>,
}

impl Served {
    /// Every file, shared (no copy).
    pub(super) fn files(&self) -> impl Iterator<Item = (&String, &Body)> {
        self.generated.iter().chain(self.statics.iter())
    }

    /// The whole output, as a build gives it.
    pub(super) fn output(&self) -> Output {
        Output {
            files: self.files().map(|(k, v)| (k.clone(), v.to_vec())).collect(),
        }
    }

    pub(super) fn is_generated(&self, path: &str) -> bool {
        self.generated.contains_key(path)
    }

    /// Puts a rebuild's files in place and returns what changed. `rendered` are the files
    /// rendered again; `expected`, when files may have gone, says which generated paths
    /// there are now; `gone`, what else the rebuild took away; `statics`, when they may
    /// have changed, the static files there are now.
    pub(super) fn apply(
        &mut self,
        rendered: Vec<(String, Body)>,
        expected: Option<&dyn Fn(&str) -> bool>,
        gone: &Gone,
        statics: Option<&BTreeMap<String, Static>>,
    ) -> Delta {
        let mut delta = Delta::default();
        if !gone.folders.is_empty() {
            let now: rustc_hash::FxHashSet<&str> =
                rendered.iter().map(|(p, _)| p.as_str()).collect();
            self.generated.retain(|path, _| {
                let gone = gone.folders.iter().any(|f| path.starts_with(f.as_str()))
                    && !now.contains(path.as_str());
                if gone {
                    delta.removals.push(path.clone());
                }
                !gone
            });
        }
        for path in &gone.files {
            if self.generated.remove(path).is_some() {
                delta.removals.push(path.clone());
            }
        }
        if let Some(expected) = expected {
            self.generated.retain(|path, _| {
                let keep = expected(path);
                if !keep {
                    delta.removals.push(path.clone());
                }
                keep
            });
        }
        for (path, body) in rendered {
            if self
                .generated
                .get(&path)
                .is_some_and(|old| old.same_as(&body))
            {
                continue;
            }
            self.generated.insert(path.clone(), body.clone());
            delta.upserts.push((path, body));
        }
        if let Some(statics) = statics {
            self.statics.retain(|rel, _| {
                let keep = statics.contains_key(rel);
                if !keep {
                    delta.removals.push(rel.clone());
                }
                keep
            });
            for (rel, s) in statics {
                let body = Body::Whole(s.bytes.clone());
                if self.statics.get(rel).is_some_and(|old| old.same_as(&body)) {
                    continue;
                }
                self.statics.insert(rel.clone(), body.clone());
                delta.upserts.push((rel.clone(), body));
            }
        }
        delta
    }
}
