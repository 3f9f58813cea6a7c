//! The files a search downloads: for each query, the index files the search page's script
//! fetches before the first results show (the manifest, the shard of each word, the
//! fragments files of the first ten results), one path a line as `query<TAB>path`.
//!
//! ```text
//! cargo run --release --example search_bytes -- public/ "trade" "trade flights pakistan"
//! ```
//!
//! `bench/reader.sh` compresses each file and adds up the bytes per query. The ranking is
//! the script's in outline (every word must match; title and key points first, then the
//! rest by impact and rarity); which ten pages come first changes only which fragments of
//! about the same size are counted.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use attache::render::search::{FOLDER, MANIFEST, read, words};

/// Results the search page shows at first, each a fragment.
const SHOWN: usize = 10;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: search_bytes OUTPUT_DIR QUERY...");
        std::process::exit(2);
    };
    let folder = out.join(FOLDER);
    let file = |rel: &str| fs::read(folder.join(rel)).ok();
    let manifest = file(MANIFEST).expect("the output has a search index");
    let manifest = read::Manifest::parse(&manifest).expect("a manifest");
    let stop: Vec<&str> = manifest.stop.iter().map(String::as_str).collect();
    let stop = words::StopWords::new(&stop);
    for query in args {
        let mut terms = Vec::new();
        let mut buffer = String::new();
        words::for_each_term(&query, &stop, &mut buffer, |t| {
            let text = t.text().into_owned();
            if !terms.contains(&text) {
                terms.push(text);
            }
            true
        });
        let mut fetched = vec![format!("{FOLDER}{MANIFEST}")];
        let mut scores: Option<BTreeMap<u32, f64>> = None;
        for term in &terms {
            let mut mine = BTreeMap::new();
            let names = manifest.shards_for(term);
            fetched.extend(names.iter().map(|n| format!("{FOLDER}s/{n}.bin")));
            let postings = read::postings(file, term).expect("a readable index");
            let df = postings.len() as f64;
            let n = manifest.pages as f64;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            for (id, impact) in postings {
                let score =
                    f64::from(impact >> 5) * 20.0 + idf * f64::from(impact & 31) / 31.0 * 2.2;
                mine.insert(id, score);
            }
            scores = Some(match scores {
                None => mine,
                Some(all) => all
                    .into_iter()
                    .filter_map(|(id, s)| mine.get(&id).map(|m| (id, s + m)))
                    .collect(),
            });
        }
        let mut hits: Vec<(u32, f64)> = scores.unwrap_or_default().into_iter().collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
        fetched.dedup();
        for (id, _) in hits.iter().take(SHOWN) {
            let path = format!("{FOLDER}f/{}.json", id / manifest.fragments_per_file);
            if !fetched.contains(&path) {
                fetched.push(path);
            }
        }
        eprintln!("{query}: {} results", hits.len());
        for path in fetched {
            println!("{query}\t{path}");
        }
    }
}
