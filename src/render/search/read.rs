//! Reading a written index back, as the search page's script does: which shards hold a
//! term, and its postings. For tests and tools; the reader of record is the script.

use serde::Deserialize;

use super::analyse::Posting;
use super::index::utf16_cmp;

/// The manifest as read.
#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub pages: usize,
    pub stop: Vec<String>,
    pub term_chars: usize,
    pub fragments_per_file: u32,
    pub shards: Vec<(Option<String>, String)>,
}

impl Manifest {
    pub fn parse(json: &[u8]) -> Result<Manifest, serde_json::Error> {
        serde_json::from_slice(json)
    }

    /// Each shard's first term, a further piece taking its term from the shard before.
    fn firsts(&self) -> Vec<&str> {
        let mut last = "";
        self.shards
            .iter()
            .map(|(first, _)| {
                if let Some(f) = first {
                    last = f;
                }
                last
            })
            .collect()
    }

    /// The names of the shards that may hold `term`: the last one starting before it, and
    /// every one starting with it (the pieces of a term too large for one shard).
    pub fn shards_for(&self, term: &str) -> Vec<&str> {
        let firsts = self.firsts();
        let after = firsts.partition_point(|f| utf16_cmp(f, term).is_le());
        let mut from = after.saturating_sub(1);
        while from > 0 && firsts[from] == term && firsts[from - 1] == term {
            from -= 1;
        }
        (from..after.max(from + 1).min(firsts.len()))
            .map(|i| self.shards[i].1.as_str())
            .collect()
    }
}

/// The entries of a shard: each term and its postings (one piece of them).
pub fn decode_shard(bytes: &[u8]) -> Result<Vec<(String, Vec<Posting>)>, String> {
    let mut at = 0;
    let mut out: Vec<(String, Vec<Posting>)> = Vec::new();
    let mut previous: Vec<u8> = Vec::new();
    while at < bytes.len() {
        let shared = read_varint(bytes, &mut at)? as usize;
        let rest = read_varint(bytes, &mut at)? as usize;
        let suffix = bytes.get(at..at + rest).ok_or("a term runs past the end")?;
        at += rest;
        let mut term = previous
            .get(..shared)
            .ok_or("a bad shared prefix")?
            .to_vec();
        term.extend_from_slice(suffix);
        let count = read_varint(bytes, &mut at)? as usize;
        let mut ids = Vec::with_capacity(count.min(bytes.len()));
        let mut id = 0u64;
        for i in 0..count {
            let delta = read_varint(bytes, &mut at)?;
            id = if i == 0 { delta } else { id + delta };
            ids.push(u32::try_from(id).map_err(|_| "an id out of range")?);
        }
        let impacts = bytes
            .get(at..at + count)
            .ok_or("impacts run past the end")?;
        at += count;
        let text = String::from_utf8(term.clone()).map_err(|_| "a term is not UTF-8")?;
        out.push((text, ids.into_iter().zip(impacts.iter().copied()).collect()));
        previous = term;
    }
    Ok(out)
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Result<u64, String> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at).ok_or("a number runs past the end")?;
        *at += 1;
        n |= u64::from(b & 0x7F) << shift;
        if b < 0x80 {
            return Ok(n);
        }
    }
    Err("a number too long".into())
}

/// The postings of `term` in the index whose files `file` gives by path below the index's
/// folder (`manifest.json`, `s/<name>.bin`).
pub fn postings(
    file: impl Fn(&str) -> Option<Vec<u8>>,
    term: &str,
) -> Result<Vec<Posting>, String> {
    let manifest = file(super::MANIFEST).ok_or("no manifest")?;
    let manifest = Manifest::parse(&manifest).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for name in manifest.shards_for(term) {
        let bytes = file(&format!("s/{name}.bin")).ok_or_else(|| format!("no shard {name}"))?;
        for (t, postings) in decode_shard(&bytes)? {
            if t == term {
                out.extend(postings);
            }
        }
    }
    Ok(out)
}

/// The fragment of the page `id` in the index whose files `file` gives by path below the
/// index's folder.
pub fn fragment(
    file: impl Fn(&str) -> Option<Vec<u8>>,
    id: u32,
) -> Result<serde_json::Value, String> {
    let manifest = file(super::MANIFEST).ok_or("no manifest")?;
    let manifest = Manifest::parse(&manifest).map_err(|e| e.to_string())?;
    let name = format!("f/{}.json", id / manifest.fragments_per_file);
    let bytes = file(&name).ok_or_else(|| format!("no fragments file {name}"))?;
    let mut all = fragments(&bytes)?;
    all.remove(&id)
        .ok_or_else(|| format!("no fragment of page {id} in {name}"))
}

/// The fragments in a fragments file, by page id.
pub fn fragments(
    bytes: &[u8],
) -> Result<std::collections::BTreeMap<u32, serde_json::Value>, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}
