//! The `attache serve` benchmark: from saving a file to the live-reload event.
//!
//! ```text
//! cargo run --release --example corpus -- -n 10000 --seed 1 --out /tmp/attache-bench/attache-10k
//! cargo run --release --example serve_bench -- /tmp/attache-bench/attache-10k
//! ```
//!
//! The site is copied to a temporary folder (the corpus is left as it was), served
//! in-process on 127.0.0.1, and listened to over the live-reload channel like a browser.
//! Then, `--runs` times each: a sentence is appended to one article (time until the
//! `reload` event), and a rule is appended to the stylesheet (time until the `css` event).
//! The clock starts just before the write, so the figures include the file watcher's
//! debounce. It also times the rebuild alone (no watcher) for the same article edit, and
//! once each a few heavier edits (a retitle, which re-indexes; a new article and a template
//! edit, which render every page).
//!
//! With `ATTACHE_SERVE_TRACE=1` every rebuild prints the time of each stage to stderr.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use attache::build::BuildOptions;
use attache::serve::incremental::Engine;
use attache::serve::{self, ServeOptions};

struct Args {
    site: PathBuf,
    runs: usize,
    article: Option<String>,
}

fn args() -> Args {
    let mut site = PathBuf::from("/tmp/attache-bench/attache-10k");
    let mut runs = 20;
    let mut article = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--article" => article = it.next(),
            "-h" | "--help" => {
                println!("usage: serve_bench [SITE] [--runs N] [--article content/articles/...md]");
                std::process::exit(0);
            }
            other => site = PathBuf::from(other),
        }
    }
    Args {
        site,
        runs,
        article,
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable site");
        let rel = entry.path().strip_prefix(from).unwrap();
        if rel.starts_with("public") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Event names from the live-reload stream, with the time each arrived.
fn listen(addr: std::net::SocketAddr) -> mpsc::Receiver<(String, Instant)> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET /__attache/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if let Some(name) = line.strip_prefix("event: ")
                && tx.send((name.trim().to_string(), Instant::now())).is_err()
            {
                return;
            }
        }
    });
    rx
}

fn wait_for(rx: &mpsc::Receiver<(String, Instant)>, name: &str) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((n, at)) if n == name => return at,
            Ok((n, _)) if n == "error" => panic!("the rebuild failed"),
            Ok(_) => {}
            Err(_) => panic!("no `{name}` event within a minute"),
        }
    }
}

fn drain(rx: &mpsc::Receiver<(String, Instant)>) {
    std::thread::sleep(Duration::from_millis(150));
    while rx.try_recv().is_ok() {}
}

fn stats(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label:<34} median {:>7.1} ms   p90 {:>7.1} ms   min {:>7.1}   max {:>7.1}   (n={})",
        pick(0.5),
        pick(0.9),
        ms[0],
        ms[ms.len() - 1],
        ms.len()
    );
}

fn find_article(root: &Path) -> String {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let middle = &files[files.len() / 2];
    middle
        .strip_prefix(root)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

fn find_css(root: &Path) -> PathBuf {
    for candidate in ["static/style.css", "themes/briefing/static/style.css"] {
        if root.join(candidate).is_file() {
            return root.join(candidate);
        }
    }
    // The built-in theme: a site stylesheet of the same name replaces it.
    let css = root.join("static/style.css");
    fs::create_dir_all(css.parent().unwrap()).unwrap();
    fs::write(&css, "body { margin: 0 }\n").unwrap();
    css
}

fn main() {
    let args = args();
    assert!(
        args.site.join("site.yaml").is_file(),
        "{} is not a site (no site.yaml); generate one with the corpus example",
        args.site.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let t = Instant::now();
    copy_dir(&args.site, &root);
    let css = find_css(&root);
    let article = args.article.unwrap_or_else(|| find_article(&root));
    let article_path = root.join(&article);
    println!(
        "site: {} (copied in {} ms); article: {article}; stylesheet: {}",
        args.site.display(),
        t.elapsed().as_millis(),
        css.strip_prefix(&root).unwrap().display()
    );

    // 1. The rebuild alone.
    let mut engine = Engine::new(
        &root,
        BuildOptions {
            drafts: false,
            base_url: Some("http://127.0.0.1:1111/".into()),
        },
    );
    let t = Instant::now();
    engine.build().expect("the site builds");
    println!("first build (in memory): {} ms", t.elapsed().as_millis());
    let mut alone = Vec::new();
    let mut pages = 0;
    for i in 0..args.runs {
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&article_path)
            .unwrap();
        writeln!(f, "\nA sentence appended by the benchmark, run {i}.").unwrap();
        drop(f);
        let t = Instant::now();
        let report = engine.rebuild(std::slice::from_ref(&article_path)).unwrap();
        alone.push(t.elapsed().as_secs_f64() * 1000.0);
        pages = report.rendered;
    }
    // Heavier edits, once each, for the record.
    let mut once = |label: &str, edit: &dyn Fn() -> Vec<PathBuf>| {
        let paths = edit();
        let t = Instant::now();
        let report = engine.rebuild(&paths).expect("the edit builds");
        println!(
            "  {label:<40} {:>7.1} ms ({} pages rendered)",
            t.elapsed().as_secs_f64() * 1000.0,
            report.rendered
        );
    };
    println!("rebuild alone, heavier edits:");
    once("retitle an article (re-index)", &|| {
        let text = fs::read_to_string(&article_path).unwrap();
        let text = text.replacen("title: \"", "title: \"Retitled: ", 1);
        fs::write(&article_path, text).unwrap();
        vec![article_path.clone()]
    });
    once("add an article (menus change: all pages)", &|| {
        let new = root.join("content/articles/bench-new.md");
        let topic = fs::read_dir(root.join("content/topics"))
            .unwrap()
            .filter_map(Result::ok)
            .find_map(|e| {
                e.path()
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap();
        fs::write(
            &new,
            format!("---\ntitle: New\ndate: 2030-01-01\ntopics: [{topic}]\n---\nNew.\n"),
        )
        .unwrap();
        vec![new]
    });
    let template = [
        "templates/article.html",
        "themes/briefing/templates/article.html",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.is_file());
    if let Some(template) = template {
        once("edit article.html (all pages)", &|| {
            let mut f = fs::OpenOptions::new().append(true).open(&template).unwrap();
            writeln!(f, "{{# edited by the benchmark #}}").unwrap();
            vec![template.clone()]
        });
    }
    drop(engine);

    // 2. Through the server: save → watcher → rebuild → event.
    let mut options = ServeOptions::new(&root);
    options.port = 0;
    options.quiet = true;
    let t = Instant::now();
    let handle = serve::start(options).expect("serve starts");
    println!("serve started in {} ms", t.elapsed().as_millis());
    let events = listen(handle.addr());
    wait_for(&events, "hello");

    let mut article_ms = Vec::new();
    for i in 0..args.runs {
        drain(&events);
        let t = Instant::now();
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&article_path)
            .unwrap();
        writeln!(f, "\nA sentence appended through the server, run {i}.").unwrap();
        drop(f);
        let at = wait_for(&events, "reload");
        article_ms.push(at.duration_since(t).as_secs_f64() * 1000.0);
    }
    let mut css_ms = Vec::new();
    for i in 0..args.runs {
        drain(&events);
        let t = Instant::now();
        let mut f = fs::OpenOptions::new().append(true).open(&css).unwrap();
        writeln!(f, "\n.bench-{i} {{ color: inherit }}").unwrap();
        drop(f);
        let at = wait_for(&events, "css");
        css_ms.push(at.duration_since(t).as_secs_f64() * 1000.0);
    }
    handle.shutdown();

    println!();
    stats(&format!("article rebuild alone ({pages} page)"), alone);
    stats("article: save -> reload event", article_ms);
    stats("stylesheet: save -> css event", css_ms);
}
