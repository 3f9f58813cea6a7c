//! Where a build's memory goes: builds a site to disk under dhat's heap profiler and
//! writes `dhat-heap.json` (open it with dhat's viewer, or summarise it with
//! `bench/dhat-summary.py`).
//!
//! ```text
//! cargo run --release --example memory -- SITE OUT
//! ```

use std::path::PathBuf;

use attache::build::{BuildOptions, build_to_disk};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(site), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: memory SITE OUT");
        std::process::exit(2);
    };
    let profiler = dhat::Profiler::new_heap();
    match build_to_disk(&site, Some(&out), &BuildOptions::default()) {
        Ok((built, _)) => {
            let stats = dhat::HeapStats::get();
            // A build releases each article's HTML once its pages are written and gives
            // the texts to the search index: what is left is what it still holds.
            let held: usize = built
                .site
                .editions
                .iter()
                .flat_map(|ed| ed.all_pages())
                .map(|page| page.body.html.packed_len() + page.body.text.packed_len())
                .sum();
            eprintln!(
                "bodies still held packed at the end: {:.1} MiB",
                held as f64 / 1048576.0
            );
            eprintln!(
                "{}\npeak heap: {:.1} MiB in {} blocks; at the end: {:.1} MiB",
                built.summary(),
                stats.max_bytes as f64 / 1048576.0,
                stats.max_blocks,
                stats.curr_bytes as f64 / 1048576.0
            );
        }
        Err(problems) => {
            eprintln!("{}", problems.render_each(false));
            std::process::exit(1);
        }
    }
    drop(profiler);
}
