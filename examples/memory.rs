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
            let (mut plain, mut packed) = (0, 0);
            for page in built.site.editions.iter().flat_map(|ed| ed.all_pages()) {
                for text in [&page.body.html, &page.body.text] {
                    plain += text.unpack().len();
                    packed += text.packed_len();
                }
            }
            eprintln!(
                "bodies (HTML and text): {:.1} MiB, held packed in {:.1} MiB ({:.2}x)",
                plain as f64 / 1048576.0,
                packed as f64 / 1048576.0,
                plain as f64 / packed.max(1) as f64
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
