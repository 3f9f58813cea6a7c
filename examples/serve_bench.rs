//! The `attache serve` benchmark: from saving a file to the page showing it, and what the
//! server costs while nothing happens.
//!
//! ```text
//! cargo run --release --example corpus -- -n 10000 --seed 1 --out /tmp/attache-bench/attache-10k
//! cargo run --release --example serve_bench -- /tmp/attache-bench/attache-10k
//! ```
//!
//! The site is copied to a temporary folder (the corpus is left as it was). Then:
//!
//! 1. **The rebuild alone** (no watcher, no server), `--runs` times each: a sentence
//!    appended to one article; and `--heavy-runs` times each the edits that move pages
//!    (add an article, delete it, rename an article's file and back, retitle one), plus
//!    one template edit, which renders every page.
//! 2. **Through the server** (served in-process on 127.0.0.1, listened to over the
//!    live-reload channel like a browser), `--runs` times each: an article edit until the
//!    `reload` event, a stylesheet edit until the `css` event, an article added and
//!    deleted, and one renamed (there and back), until their `reload` events. The clock
//!    starts just before the write, so the figures include the file watcher.
//! 3. **From outside**, as a user sees it: save an article, then ask for its page every
//!    millisecond until the new text is served.
//! 4. **Idle**: the CPU time the process uses in `--idle-secs` seconds (default 10) of
//!    doing nothing with the server running, from `/proc/self/stat`.
//!
//! With `ATTACHE_SERVE_TRACE=1` every rebuild prints the time of each stage to stderr.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use attache::build::BuildOptions;
use attache::serve::{self, Engine, ServeOptions};

struct Args {
    site: PathBuf,
    runs: usize,
    heavy_runs: usize,
    idle_secs: u64,
    article: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        site: PathBuf::from("/tmp/attache-bench/attache-10k"),
        runs: 20,
        heavy_runs: 5,
        idle_secs: 10,
        article: None,
    };
    let mut it = std::env::args().skip(1);
    let number = |v: Option<String>, what: &str| -> u64 {
        v.and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{what} N"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => a.runs = number(it.next(), "--runs") as usize,
            "--heavy-runs" => a.heavy_runs = number(it.next(), "--heavy-runs") as usize,
            "--idle-secs" => a.idle_secs = number(it.next(), "--idle-secs"),
            "--article" => a.article = it.next(),
            "-h" | "--help" => {
                println!(
                    "usage: serve_bench [SITE] [--runs N] [--heavy-runs N] [--idle-secs N] [--article content/articles/...md]"
                );
                std::process::exit(0);
            }
            other => a.site = PathBuf::from(other),
        }
    }
    a
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
fn listen(addr: SocketAddr) -> mpsc::Receiver<(String, Instant)> {
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
            Ok((n, _)) if n == "build-error" => panic!("the rebuild failed"),
            Ok(_) => {}
            Err(_) => panic!("no `{name}` event within a minute"),
        }
    }
}

fn drain(rx: &mpsc::Receiver<(String, Instant)>) {
    std::thread::sleep(Duration::from_millis(150));
    while rx.try_recv().is_ok() {}
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label:<46} median {:>7.1} ms   p90 {:>7.1} ms   min {:>7.1}   max {:>7.1}   (n={})",
        pick(0.5),
        pick(0.9),
        ms[0],
        ms[ms.len() - 1],
        ms.len()
    );
}

fn articles(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content/articles"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// An article no other article links to (so it can be renamed without breaking links).
fn unlinked(all: &[PathBuf]) -> PathBuf {
    let mut linked = std::collections::HashSet::new();
    for path in all {
        let text = fs::read_to_string(path).unwrap_or_default();
        for part in text.split("](").skip(1) {
            if let Some(end) = part.find(".md)") {
                let target = &part[..end];
                linked.insert(target.rsplit('/').next().unwrap_or(target).to_string());
            }
        }
    }
    all.iter()
        .skip(all.len() / 3)
        .find(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            !linked.contains(stem.as_ref())
        })
        .expect("an article nobody links to")
        .clone()
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

fn append(path: &Path, line: &str) {
    let mut f = fs::OpenOptions::new().append(true).open(path).unwrap();
    writeln!(f, "\n{line}").unwrap();
}

/// A new article in the site's first topic, dated after every other.
fn new_article(root: &Path, n: usize) -> (PathBuf, String) {
    let topic = fs::read_dir(root.join("content/topics"))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .min()
        .expect("a topic");
    let path = root.join(format!("content/articles/bench-new-{n}.md"));
    let text = format!(
        "---\ntitle: \"New article {n}\"\ndate: 2030-01-0{}\ntopics: [{topic}]\npeople: [\"Bench Person\"]\n---\nNew.\n",
        1 + n % 9
    );
    (path, text)
}

/// CPU time (user + system) this process has used.
fn cpu_time() -> Duration {
    let stat = fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name.
    let ticks_per_second = 100; // USER_HZ on Linux
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / ticks_per_second)
}

/// One page's body over a keep-alive connection.
fn get(stream: &mut TcpStream, addr: SocketAddr, path: &str) -> Vec<u8> {
    // One write: a request split over several small writes waits on delayed ACKs.
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    body
}

fn url_path(root: &Path, article: &Path) -> String {
    let text = fs::read_to_string(article).unwrap();
    let slug = text
        .lines()
        .find_map(|l| l.strip_prefix("slug: "))
        .map(|s| s.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| article.file_stem().unwrap().to_string_lossy().into_owned());
    let _ = root;
    format!("/articles/{slug}/")
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
    let all = articles(&root);
    let article_path = match &args.article {
        Some(a) => root.join(a),
        None => all[all.len() / 2].clone(),
    };
    let rename_from = unlinked(&all);
    println!(
        "site: {} (copied in {} ms, {} articles); article: {}; stylesheet: {}",
        args.site.display(),
        t.elapsed().as_millis(),
        all.len(),
        article_path.strip_prefix(&root).unwrap().display(),
        css.strip_prefix(&root).unwrap().display()
    );

    // 1. The rebuild alone.
    let mut engine = Engine::new(
        &root,
        BuildOptions {
            drafts: false,
            base_url: Some("http://127.0.0.1:1111/".into()),
            ..Default::default()
        },
    );
    let t = Instant::now();
    engine.build().expect("the site builds");
    println!("first build (in memory): {} ms", t.elapsed().as_millis());
    engine.catch_up();
    // CPU time of the heavier edits, summed: on a shared machine it says more than wall time.
    let heavy_cpu = std::cell::Cell::new(Duration::ZERO);
    let mut rebuild = |paths: &[PathBuf]| {
        let (t, cpu) = (Instant::now(), cpu_time());
        let report = engine.rebuild(paths).expect("the edit builds");
        let took = ms(t.elapsed());
        // What serve does once the pages were told (its CPU time counts below).
        engine.catch_up();
        if report.rendered > 1 {
            heavy_cpu.set(heavy_cpu.get() + cpu_time().saturating_sub(cpu));
        }
        (took, report.rendered)
    };
    let mut edit = Vec::new();
    let mut pages = 0;
    for i in 0..args.runs {
        append(
            &article_path,
            &format!("A sentence appended by the benchmark, run {i}."),
        );
        let (took, rendered) = rebuild(std::slice::from_ref(&article_path));
        edit.push(took);
        pages = rendered;
    }
    let (mut add, mut delete, mut rename, mut retitle) = (vec![], vec![], vec![], vec![]);
    let mut rendered = [0; 4];
    for i in 0..args.heavy_runs {
        let (path, text) = new_article(&root, i);
        fs::write(&path, text).unwrap();
        let (took, n) = rebuild(std::slice::from_ref(&path));
        add.push(took);
        rendered[0] = n;
        fs::remove_file(&path).unwrap();
        let (took, n) = rebuild(std::slice::from_ref(&path));
        delete.push(took);
        rendered[1] = n;
        let renamed = rename_from.with_file_name(format!("bench-renamed-{i}.md"));
        fs::rename(&rename_from, &renamed).unwrap();
        let (took, n) = rebuild(&[rename_from.clone(), renamed.clone()]);
        rename.push(took);
        rendered[2] = n;
        fs::rename(&renamed, &rename_from).unwrap();
        rebuild(&[renamed.clone(), rename_from.clone()]);
        let text = fs::read_to_string(&article_path).unwrap();
        fs::write(
            &article_path,
            text.replacen("title: \"", &format!("title: \"Retitled {i}: "), 1),
        )
        .unwrap();
        let (took, n) = rebuild(std::slice::from_ref(&article_path));
        retitle.push(took);
        rendered[3] = n;
    }
    let heavy_edits = add.len() + delete.len() + rename.len() * 2 + retitle.len();
    let heavy_cpu = heavy_cpu.get();
    let template = [
        "templates/article.html",
        "themes/briefing/templates/article.html",
    ]
    .iter()
    .map(|p| root.join(p))
    .find(|p| p.is_file());
    let template_line = template.map(|template| {
        append(&template, "{# edited by the benchmark #}");
        let (took, n) = rebuild(&[template]);
        let _ = heavy_cpu;
        format!("template edit (every page)   {took:>7.1} ms ({n} pages rendered)")
    });
    drop(engine);

    // 2. Through the server: save → watcher → rebuild → event.
    let mut options = ServeOptions::new(&root);
    options.port = 0;
    options.quiet = true;
    let t = Instant::now();
    let handle = serve::start(options).expect("serve starts");
    println!("serve started in {} ms", t.elapsed().as_millis());
    let addr = handle.addr();
    let events = listen(addr);
    wait_for(&events, "hello");
    let saved = |what: &dyn Fn(usize), event: &str, runs: usize| -> Vec<f64> {
        (0..runs)
            .map(|i| {
                drain(&events);
                let t = Instant::now();
                what(i);
                ms(wait_for(&events, event).duration_since(t))
            })
            .collect()
    };
    let article_ms = saved(
        &|i| {
            append(
                &article_path,
                &format!("Appended through the server, run {i}."),
            )
        },
        "reload",
        args.runs,
    );
    let css_ms = saved(
        &|i| append(&css, &format!(".bench-{i} {{ color: inherit }}")),
        "css",
        args.runs,
    );
    let added_ms = saved(
        &|i| {
            let (path, text) = new_article(&root, 100 + i);
            fs::write(path, text).unwrap();
        },
        "reload",
        args.heavy_runs,
    );
    let deleted_ms = saved(
        &|i| fs::remove_file(new_article(&root, 100 + i).0).unwrap(),
        "reload",
        args.heavy_runs,
    );
    // A rename there and back: each way is a rename.
    let away = |i: usize| rename_from.with_file_name(format!("bench-served-{i}.md"));
    let renamed_ms = saved(
        &|i| {
            let (from, to) = match i % 2 {
                0 => (rename_from.clone(), away(i / 2)),
                _ => (away(i / 2), rename_from.clone()),
            };
            fs::rename(from, to).unwrap();
        },
        "reload",
        2 * args.heavy_runs,
    );

    // 3. From outside: save, then ask for the page until it shows the new text.
    let page = url_path(&root, &article_path);
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut outside = Vec::new();
    for i in 0..args.runs {
        drain(&events);
        let marker = format!("Seen from outside, run {i}.");
        let t = Instant::now();
        append(&article_path, &marker);
        let deadline = t + Duration::from_secs(60);
        loop {
            let body = get(&mut stream, addr, &page);
            if String::from_utf8_lossy(&body).contains(&marker) {
                break;
            }
            assert!(Instant::now() < deadline, "the edit never showed");
            std::thread::sleep(Duration::from_millis(1));
        }
        outside.push(ms(t.elapsed()));
    }
    drop(stream);

    // 4. Idle: nothing happens for a while.
    drain(&events);
    std::thread::sleep(Duration::from_secs(1));
    let (cpu_before, t) = (cpu_time(), Instant::now());
    std::thread::sleep(Duration::from_secs(args.idle_secs));
    let idle_cpu = cpu_time().saturating_sub(cpu_before);
    let idle_wall = t.elapsed();
    handle.shutdown();

    println!();
    println!("rebuild alone (no watcher):");
    stats(&format!("  article edit ({pages} page)"), edit);
    stats(&format!("  add an article ({} pages)", rendered[0]), add);
    stats(
        &format!("  delete an article ({} pages)", rendered[1]),
        delete,
    );
    stats(
        &format!("  rename an article ({} pages)", rendered[2]),
        rename,
    );
    stats(
        &format!("  retitle an article ({} pages)", rendered[3]),
        retitle,
    );
    if heavy_edits > 0 {
        println!(
            "  CPU (user + system) per edit that moves pages, mean: {:.0} ms",
            heavy_cpu.as_secs_f64() * 1000.0 / heavy_edits as f64
        );
    }
    if let Some(line) = template_line {
        println!("  {line}");
    }
    println!("through the server (save -> event):");
    stats("  article: save -> reload event", article_ms);
    stats("  stylesheet: save -> css event", css_ms);
    stats("  add an article: save -> reload event", added_ms);
    stats("  delete an article: save -> reload event", deleted_ms);
    stats("  rename an article: save -> reload event", renamed_ms);
    println!("from outside (save, then GET every ms until served):");
    stats("  article: save -> new text served", outside);
    println!(
        "idle: {:.3} s CPU in {:.1} s with the server running and nothing changing",
        idle_cpu.as_secs_f64(),
        idle_wall.as_secs_f64()
    );
}
