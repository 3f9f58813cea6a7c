//! Publishing anywhere: a site built for a sub-path works when an ordinary static server
//! serves it there. Every link, asset, feed entry and sitemap URL must answer 200.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Page;

/// Python's `http.server`, an independent static server, killed when dropped.
struct StaticServer {
    child: Child,
}

impl StaticServer {
    fn start(dir: &std::path::Path, port: u16) -> StaticServer {
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 is needed to run the independent static server");
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "static server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        StaticServer { child }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get(agent: &ureq::Agent, url: &str) -> (u16, String, String) {
    match agent.get(url).call() {
        Ok(mut r) => {
            let ctype = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = r.body_mut().read_to_string().unwrap_or_default();
            (r.status().as_u16(), ctype, body)
        }
        Err(ureq::Error::StatusCode(code)) => (code, String::new(), String::new()),
        Err(e) => panic!("GET {url}: {e}"),
    }
}

fn crawl_sub_path(site_root: &std::path::Path) -> usize {
    let parent = tempfile::tempdir().unwrap();
    // Pick a free port first, so the build can bake it into base_url.
    let server_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let origin = format!("http://127.0.0.1:{server_port}");
    let base = format!("{origin}/briefing/");
    let status = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["build", "--quiet", "--root"])
        .arg(site_root)
        .arg("-o")
        .arg(parent.path().join("briefing"))
        .args(["--base-url", &base])
        .status()
        .unwrap();
    assert!(status.success());

    // Serve the parent folder, so the site lives under /briefing/ as on a real host.
    let server = StaticServer::start(parent.path(), server_port);

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(true)
        .build()
        .into();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([
        base.clone(),
        format!("{base}sitemap.xml"),
        format!("{base}atom.xml"),
    ]);
    let mut failures = Vec::new();
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        assert!(seen.len() < 5000, "crawl does not end");
        let (code, ctype, body) = get(&agent, &url);
        if code != 200 {
            failures.push(format!("{url} answered {code}"));
            continue;
        }
        let mut found: Vec<String> = Vec::new();
        if ctype.starts_with("text/html") {
            let page = Page(scraper::Html::parse_document(&body));
            for (css, attr) in [
                ("a[href]", "href"),
                ("link[href]", "href"),
                ("script[src]", "src"),
                ("img[src]", "src"),
                ("[data-index]", "data-index"),
            ] {
                found.extend(page.attrs(css, attr));
            }
        } else if url.ends_with(".xml") {
            // Feed entries and sitemap URLs.
            for piece in body.split(['<', '>', '"']) {
                if piece.starts_with(&origin) {
                    found.push(piece.to_string());
                }
            }
        }
        for link in found {
            let link = link.split('#').next().unwrap().to_string();
            let absolute = if link.starts_with(&origin) {
                link
            } else if link.starts_with('/') && !link.starts_with("//") {
                assert!(
                    link.starts_with("/briefing/"),
                    "{url}: link {link} leaves the sub-path"
                );
                format!("{origin}{link}")
            } else {
                continue;
            };
            if absolute.starts_with(&base) && !seen.contains(&absolute) {
                queue.push_back(absolute);
            }
        }
    }
    drop(server);
    assert!(
        failures.is_empty(),
        "{} broken URLs:\n{}",
        failures.len(),
        failures.join("\n")
    );
    seen.len()
}

#[test]
fn the_briefing_works_under_a_sub_path_on_an_ordinary_static_server() {
    let crawled = crawl_sub_path(&common::repo());
    assert!(crawled > 40, "only {crawled} URLs crawled");
}

#[test]
fn a_fixture_site_works_under_a_sub_path_too() {
    let fixture = common::Fixture::new("basic");
    let crawled = crawl_sub_path(fixture.root());
    assert!(crawled > 30, "only {crawled} URLs crawled");
}
