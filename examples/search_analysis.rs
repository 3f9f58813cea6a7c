//! Times the search index's analysis alone (words to terms, counted; each page's fragment
//! made), over the texts of a site already built: the part of the index that grows with
//! every word of every page, measured without the rest of a build around it.
//!
//! `cargo run --release --example search_analysis -- OUT/search/f [RUNS]` reads the
//! fragments files of a built site's index (each page's title and text), analyses them
//! all RUNS times (7 by default) and prints the best time. Run it with
//! `RAYON_NUM_THREADS=1` for the time of one thread.

use std::time::Instant;

use attache::render::search::analyse::{self, Body, Doc, Vocab};
use attache::render::search::words::stop_words;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let folder = args
        .next()
        .ok_or("usage: search_analysis FRAGMENTS_FOLDER [RUNS]")?;
    let runs: usize = args.next().map_or(Ok(7), |r| r.parse())?;
    let mut pages: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(&folder)? {
        let file: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&std::fs::read(entry?.path())?)?;
        for fragment in file.values() {
            let field = |name: &str| fragment[name].as_str().unwrap_or_default().to_string();
            pages.push((field("t"), field("x")));
        }
    }
    let docs: Vec<Doc> = pages
        .iter()
        .map(|(title, text)| Doc {
            url: String::new(),
            date: None,
            title,
            summary: "",
            key_points: &[],
            entities: Vec::new(),
            body: Body::Plain(text),
        })
        .collect();
    let bytes: usize = pages.iter().map(|(_, text)| text.len()).sum();
    let best = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let analysed = analyse::analyse_all(&docs, stop_words("en"), &mut Vocab::default());
            let elapsed = start.elapsed();
            drop(std::hint::black_box(analysed));
            elapsed
        })
        .min()
        .unwrap_or_default();
    println!(
        "{} pages, {:.1} MB of text: best of {runs} {:.1} ms ({:.0} MB/s)",
        docs.len(),
        bytes as f64 / 1e6,
        best.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / best.as_secs_f64()
    );
    Ok(())
}
