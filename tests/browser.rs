//! The briefing in a real browser: headless Chromium driven through chromedriver (WebDriver,
//! with a few DevTools calls for emulation), against the shipped briefing built by the real
//! binary and served by an independent static server (`python3 -m http.server`) on 127.0.0.1.
//!
//! Covered: a reader's path through the site, every page crawled for console errors and failed
//! requests, search, a 375 px phone viewport, dark mode, print (an article, and a topic's pack
//! printed to PDF and read back with poppler), axe-core accessibility checks,
//! JavaScript switched off, screenshots (written to `target/screenshots/`), and the theme's size
//! and script budget; the briefing's Urdu and Russian editions (direction, search per language,
//! accessibility); and an Urdu site (`tests/fixtures/urdu`) right to left at 375 px and 1280 px,
//! its search and its accessibility.
//!
//! Needs `chromium`, `chromedriver` and `python3` on PATH, and axe-core in
//! `target/axe/node_modules/axe-core/axe.min.js` (`npm install --prefix target/axe --no-save
//! axe-core@4`, which `.ci/run` does). When something is missing the browser test prints a notice
//! and passes, except under `CI=true`, where it fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Display;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use common::Site;

/// Upper bound for the whole browser run; each single wait has its own, shorter bound.
const SUITE_TIMEOUT: Duration = Duration::from_secs(300);
const NAV_TIMEOUT: Duration = Duration::from_secs(15);
const PHONE_WIDTH: u32 = 375;
const DESKTOP_WIDTH: u32 = 1280;

/// The article the reader's path, search, print and screenshots use.
const ARTICLE: &str = "/articles/khorev-meets-pakistani-business-figures/";
/// A word found only in that article's body (not its title or summary).
const BODY_WORD: &str = "substantial";
const TOPIC: &str = "/topics/trade/";
const PERSON: &str = "Albert Khorev";
const ORGANIZATION: &str = "Islamabad Chamber of Commerce and Industry";

type R<T> = Result<T, String>;

trait Ctx<T> {
    fn ctx(self, what: impl Display) -> R<T>;
}

impl<T, E: Display> Ctx<T> for Result<T, E> {
    fn ctx(self, what: impl Display) -> R<T> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

// ---------------------------------------------------------------------------------------------
// Prerequisites

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn axe_path() -> PathBuf {
    common::repo().join("target/axe/node_modules/axe-core/axe.min.js")
}

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    python: PathBuf,
    /// axe-core's source, when installed.
    axe: Option<String>,
}

/// The tools the browser tests need, or `None` (after a notice) when some are missing outside
/// CI. Under `CI=true` a missing tool is a failure.
fn tools() -> Option<Tools> {
    let chromium = which(&["chromium", "chromium-browser"]);
    let chromedriver = which(&["chromedriver"]);
    let python = which(&["python3"]);
    let axe = fs::read_to_string(axe_path()).ok();
    let mut missing = Vec::new();
    if chromium.is_none() {
        missing.push("chromium (apt-get install chromium)");
    }
    if chromedriver.is_none() {
        missing.push("chromedriver (apt-get install chromium-driver)");
    }
    if python.is_none() {
        missing.push("python3 (the independent static server)");
    }
    if axe.is_none() {
        missing.push("axe-core (npm install --prefix target/axe --no-save axe-core@4)");
    }
    if !missing.is_empty() {
        let msg = format!("missing {}; .ci/run installs them", missing.join(", "));
        assert!(!in_ci(), "CI=true, so the browser tests must run: {msg}");
        if chromium.is_none() || chromedriver.is_none() || python.is_none() {
            eprintln!("NOTICE: skipping the browser tests: {msg}");
            return None;
        }
        eprintln!("NOTICE: skipping the accessibility checks: {msg}");
    }
    Some(Tools {
        chromium: chromium?,
        chromedriver: chromedriver?,
        python: python?,
        axe,
    })
}

// ---------------------------------------------------------------------------------------------
// Processes: the static servers and chromedriver, killed when dropped

struct Process {
    name: &'static str,
    child: Child,
    /// Started in its own process group, which is killed as a whole (chromedriver's browsers).
    group: bool,
}

impl Process {
    fn spawn(name: &'static str, cmd: &mut Command, group: bool) -> Process {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if group {
            cmd.process_group(0);
        }
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        Process { name, child, group }
    }

    /// Waits until the process accepts connections on `port`.
    fn wait_for_port(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited before listening on {port}: {status}", self.name);
            }
            let addr = ([127, 0, 0, 1], port).into();
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on 127.0.0.1:{port} within 20 s",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.group {
            // The group id is the child's pid: this ends chromedriver and the browsers it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// A built site served by `python3 -m http.server` on 127.0.0.1.
struct Served {
    site: Site,
    /// `http://127.0.0.1:<port>` (no trailing slash).
    origin: String,
    _server: Process,
}

/// Builds the site at `root` with the real binary into `<tmp>/<name>` and serves it.
fn build_and_serve(tools: &Tools, root: &Path, tmp: &Path, name: &str) -> Served {
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let out = tmp.join(name);
    let output = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("-o")
        .arg(&out)
        .args(["--base-url", &format!("{origin}/")])
        .env("NO_COLOR", "1")
        .output()
        .expect("run attache build");
    assert!(
        output.status.success(),
        "attache build of {} failed:\n{}",
        root.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut server = Process::spawn(
        "python3 -m http.server",
        Command::new(&tools.python)
            .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
            .arg(&out)
            .arg(port.to_string()),
        false,
    );
    server.wait_for_port(port);
    Served {
        site: Site::read(&out),
        origin,
        _server: server,
    }
}

/// URL path of a built HTML file: `articles/x/index.html` → `/articles/x/`.
fn url_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo().join("target"));
    let target = if target.is_relative() {
        common::repo().join(target)
    } else {
        target
    };
    target.join("screenshots")
}

// ---------------------------------------------------------------------------------------------
// WebDriver: chromedriver-specific commands and a small wrapper

/// A DevTools command through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp(&'static str, Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let body = json!({ "cmd": self.0, "params": self.1 });
        (axum::http::Method::POST, Some(body.to_string()))
    }
}

/// The browser's console log since the last call (chromedriver's `se/log`).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// Installed before any page script runs: records uncaught errors, failed resource loads and
/// console.error calls in `window.__attacheErrors`.
const ERROR_RECORDER: &str = r#"
(function () {
  var errors = [];
  window.__attacheErrors = errors;
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) errors.push("failed to load " + (t.src || t.href));
    else errors.push("uncaught error: " + (e.message || e));
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    errors.push("unhandled rejection: " + (e.reason && e.reason.message || e.reason));
  });
  var original = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
})();
"#;

struct Browser {
    client: Client,
    origin: String,
}

impl Browser {
    async fn start(
        tools: &Tools,
        driver: &str,
        profile: &Path,
        extra_args: &[&str],
        origin: &str,
    ) -> R<Browser> {
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            // WebDriver clicks scroll the element into view first; the theme's smooth scrolling
            // would move it away from the point clicked.
            "--force-prefers-reduced-motion",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra_args.iter().map(|s| s.to_string()));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": tools.chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
            "timeouts": { "pageLoad": 20000, "script": 30000, "implicit": 0 },
        });
        let Value::Object(caps) = caps else {
            unreachable!()
        };
        let client = tokio::time::timeout(
            Duration::from_secs(60),
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps)
                .connect(driver),
        )
        .await
        .ctx("starting a Chromium session")?
        .ctx("starting a Chromium session")?;
        Ok(Browser {
            client,
            origin: origin.to_string(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    async fn open(&self, path: &str) -> R<()> {
        tokio::time::timeout(NAV_TIMEOUT, self.client.goto(&self.url(path)))
            .await
            .ctx(format!("loading {path}"))?
            .ctx(format!("loading {path}"))
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> R<Value> {
        tokio::time::timeout(Duration::from_secs(30), self.client.execute(script, args))
            .await
            .ctx("running a script")?
            .ctx("running a script")
    }

    async fn js_async(&self, script: &str, args: Vec<Value>) -> R<Value> {
        tokio::time::timeout(
            Duration::from_secs(60),
            self.client.execute_async(script, args),
        )
        .await
        .ctx("running an async script")?
        .ctx("running an async script")
    }

    async fn cdp(&self, cmd: &'static str, params: Value) -> R<Value> {
        tokio::time::timeout(
            Duration::from_secs(30),
            self.client.issue_cmd(Cdp(cmd, params)),
        )
        .await
        .ctx(cmd)?
        .ctx(cmd)
    }

    /// The console entries logged since the last call.
    async fn console(&self) -> R<Vec<Value>> {
        let v = tokio::time::timeout(Duration::from_secs(10), self.client.issue_cmd(BrowserLog))
            .await
            .ctx("reading the browser log")?
            .ctx("reading the browser log")?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// The current URL's path and query.
    async fn location(&self) -> R<String> {
        let url = self.client.current_url().await.ctx("current URL")?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        })
    }

    /// Polls `script` (a function body returning a value) until it is truthy.
    async fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> R<Value> {
        self.wait_for_with(what, script, vec![], timeout).await
    }

    /// As [`Browser::wait_for`], passing `args` to the script.
    async fn wait_for_with(
        &self,
        what: &str,
        script: &str,
        args: Vec<Value>,
        timeout: Duration,
    ) -> R<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.js(script, args.clone()).await;
            match v {
                Ok(v) if truthy(&v) => return Ok(v),
                _ if Instant::now() >= deadline => {
                    return Err(format!("timed out after {timeout:?} waiting for {what}"));
                }
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Waits for a navigation to `path` to finish loading.
    async fn wait_for_path(&self, path: &str) -> R<()> {
        let deadline = Instant::now() + NAV_TIMEOUT;
        loop {
            let here = self.location().await.unwrap_or_default();
            if here == path {
                let ready = self.js("return document.readyState", vec![]).await;
                if ready.ok().as_ref().and_then(Value::as_str) == Some("complete") {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(format!("expected to arrive at {path}, still at {here}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the first element matching `css` whose text is `text` (any, when empty) and waits
    /// for the page at `expect` (any new page, when `None`). Returns the path arrived at.
    async fn click(&self, css: &str, text: &str, expect: Option<&str>) -> R<String> {
        let before = self.location().await?;
        let elements = self
            .client
            .find_all(Locator::Css(css))
            .await
            .ctx(format!("finding {css}"))?;
        let mut target = None;
        for e in elements {
            let t = e.text().await.unwrap_or_default();
            if text.is_empty() || t.trim() == text {
                target = Some(e);
                break;
            }
        }
        let target = target
            .ok_or_else(|| format!("no visible link {css} with text {text:?} on {before}"))?;
        target
            .click()
            .await
            .ctx(format!("clicking {css} {text:?} on {before}"))?;
        match expect {
            Some(path) => {
                self.wait_for_path(path).await?;
                Ok(path.to_string())
            }
            None => {
                let deadline = Instant::now() + NAV_TIMEOUT;
                loop {
                    let here = self.location().await?;
                    let ready = self.js("return document.readyState", vec![]).await;
                    if here != before
                        && ready.ok().as_ref().and_then(Value::as_str) == Some("complete")
                    {
                        return Ok(here);
                    }
                    if Instant::now() >= deadline {
                        return Err(format!("clicking {text:?} on {before} went nowhere"));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Emulates a viewport `width` px wide (a phone when `mobile`).
    async fn viewport(&self, width: u32, mobile: bool) -> R<()> {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": if mobile { 740 } else { 900 },
                    "deviceScaleFactor": if mobile { 2 } else { 1 }, "mobile": mobile }),
        )
        .await
        .map(drop)
    }

    /// Emulates a media type (`print`, or `""` for screen) and colour scheme (`dark`, `light`).
    async fn media(&self, media: &str, scheme: &str) -> R<()> {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "media": media,
                    "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )
        .await
        .map(drop)
    }

    /// A full-page PNG of the current page into `dir/name.png`.
    async fn screenshot(&self, dir: &Path, name: &str) -> R<PathBuf> {
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await?;
        let data = shot["data"].as_str().ok_or("no screenshot data")?;
        let bytes = base64_decode(data)?;
        let path = dir.join(format!("{name}.png"));
        fs::write(&path, bytes).ctx(path.display())?;
        Ok(path)
    }

    async fn close(self) {
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.close()).await;
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn base64_decode(text: &str) -> R<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for &c in text.as_bytes() {
        if c == b'=' || c.is_ascii_whitespace() {
            continue;
        }
        acc = (acc << 6) | val(c).ok_or("bad base64")?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// What the content says the pages should list

struct Article {
    url: String,
    topics: Vec<String>,
    people: Vec<String>,
    organizations: Vec<String>,
}

/// The published articles of the shipped briefing, from their front matter.
fn articles() -> Vec<Article> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(common::repo().join("content/articles")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = fs::read_to_string(entry.path()).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let front = text
            .strip_prefix("---")
            .and_then(|rest| rest.split_once("\n---"))
            .map(|(f, _)| f)
            .unwrap_or_else(|| panic!("{} has no front matter", entry.path().display()));
        let meta: Value = serde_yaml::from_str(front).unwrap();
        if meta["draft"].as_bool() == Some(true) {
            continue;
        }
        let list = |key: &str| -> Vec<String> {
            meta[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        let stem = entry.path().file_stem().unwrap().to_string_lossy();
        // `x.ur.md` is the Urdu version of `x.md`, in another edition.
        if stem.contains('.') {
            continue;
        }
        let slug = meta["slug"]
            .as_str()
            .map_or(stem.to_string(), str::to_owned);
        found.push(Article {
            url: format!("/articles/{slug}/"),
            topics: list("topics"),
            people: list("people"),
            organizations: list("organizations"),
        });
    }
    found
}

fn urls<'a>(items: impl Iterator<Item = &'a Article>) -> BTreeSet<String> {
    items.map(|a| a.url.clone()).collect()
}

// ---------------------------------------------------------------------------------------------
// Failures are collected per check and page, and reported together at the end

#[derive(Default)]
struct Report {
    /// (check, message, pages), in the order first seen.
    failures: Vec<(String, String, Vec<String>)>,
}

impl Report {
    fn fail(&mut self, check: &str, page: &str, msg: impl Display) {
        let msg = msg.to_string();
        match self
            .failures
            .iter_mut()
            .find(|(c, m, _)| c == check && *m == msg)
        {
            Some((_, _, pages)) => pages.push(page.to_string()),
            None => self
                .failures
                .push((check.to_string(), msg, vec![page.to_string()])),
        }
    }

    /// Records the error of a check that could not run to the end.
    fn outcome(&mut self, check: &str, result: R<()>) {
        if let Err(e) = result {
            self.fail(check, "-", format!("could not finish: {e}"));
        }
    }

    /// One line per problem; a problem seen on many pages is listed once with its pages.
    fn lines(&self) -> Vec<String> {
        self.failures
            .iter()
            .map(|(check, msg, pages)| match pages.as_slice() {
                [page] => format!("[{check}] {page}: {msg}"),
                _ if pages.len() > 4 => format!(
                    "[{check}] {msg} (on {} pages: {}, …)",
                    pages.len(),
                    pages[..3].join(", ")
                ),
                _ => format!("[{check}] {msg} (on {})", pages.join(", ")),
            })
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The checks

/// One h1, a title, the main nav with its links. Returns the article links in `<main>`.
const PAGE_FACTS: &str = r#"
const nav = Array.from(document.querySelectorAll('.site-nav a')).map(a => ({
  text: a.textContent.trim(), path: new URL(a.href).pathname,
  shown: a.getClientRects().length > 0 && getComputedStyle(a).visibility !== 'hidden',
}));
const articles = Array.from(new Set(Array.from(document.querySelectorAll('main a[href]'))
  .map(a => new URL(a.href, location.href)).filter(u => u.origin === location.origin)
  .map(u => u.pathname).filter(p => /\/articles\/[^/]+\/$/.test(p)))).sort();
const h1 = Array.from(document.querySelectorAll('h1'));
return {
  h1: h1.length, h1Text: h1.length ? h1[0].textContent.trim() : '',
  h1Shown: h1.length > 0 && h1[0].getClientRects().length > 0,
  title: document.title, lang: document.documentElement.lang, nav, articles,
};
"#;

/// The site's title in each language, as site.yaml gives it: a language's own `title`, else
/// the site's.
struct SiteTitles {
    site: String,
    by_language: BTreeMap<String, String>,
}

impl SiteTitles {
    fn of(site_yaml: &Value) -> SiteTitles {
        let by_language = site_yaml["languages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| {
                Some((
                    l["code"].as_str()?.to_string(),
                    l["title"].as_str()?.to_string(),
                ))
            })
            .collect();
        SiteTitles {
            site: site_yaml["title"].as_str().unwrap().to_string(),
            by_language,
        }
    }

    fn in_language(&self, lang: &str) -> &str {
        self.by_language.get(lang).unwrap_or(&self.site)
    }
}

/// Checks the page the browser is on: one visible h1, a title, a working main nav; returns
/// the article links in `<main>`.
async fn page_basics(
    b: &Browser,
    report: &mut Report,
    check: &str,
    titles: &SiteTitles,
) -> R<BTreeSet<String>> {
    let page = b.location().await?;
    let f = b.js(PAGE_FACTS, vec![]).await?;
    if f["h1"] != 1 {
        report.fail(
            check,
            &page,
            format!("{} h1 elements, expected one", f["h1"]),
        );
    } else if f["h1Shown"] != true || f["h1Text"].as_str().is_none_or(str::is_empty) {
        report.fail(check, &page, "the h1 is empty or not shown");
    }
    let title = f["title"].as_str().unwrap_or_default();
    let site_title = titles.in_language(f["lang"].as_str().unwrap_or_default());
    if title.trim().is_empty() || !title.contains(site_title) {
        report.fail(
            check,
            &page,
            format!("title {title:?} should name the site {site_title:?}"),
        );
    }
    if f["lang"].as_str().is_none_or(str::is_empty) {
        report.fail(check, &page, "<html> has no lang");
    }
    let nav = f["nav"].as_array().cloned().unwrap_or_default();
    // A page of another language's edition (`/ur/…`) links to that edition's lists.
    let lang = f["lang"].as_str().unwrap_or_default();
    let edition = format!("/{lang}");
    let prefix = if page.starts_with(&format!("{edition}/")) {
        edition.as_str()
    } else {
        ""
    };
    // A pack page is a document to print: it has no site menu (checked in `pack_print`).
    let wants: &[&str] = if page.ends_with("/pack/") {
        &[]
    } else {
        &["/topics/", "/timeline/", "/people/", "/organizations/"]
    };
    for want in wants {
        let want = format!("{prefix}{want}");
        match nav.iter().find(|n| n["path"] == want.as_str()) {
            None => report.fail(check, &page, format!("the main nav has no link to {want}")),
            Some(n) if n["shown"] != true => {
                report.fail(check, &page, format!("the nav link to {want} is not shown"))
            }
            Some(_) => {}
        }
    }
    Ok(f["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}

fn expect_links(
    report: &mut Report,
    check: &str,
    page: &str,
    found: &BTreeSet<String>,
    expected: &BTreeSet<String>,
) {
    if found != expected {
        let missing: Vec<_> = expected.difference(found).collect();
        let extra: Vec<_> = found.difference(expected).collect();
        report.fail(
            check,
            page,
            format!("article links differ: missing {missing:?}, unexpected {extra:?}"),
        );
    }
}

/// Home → a topic → an article → a person → the organizations index → an organization → the
/// timeline → back, by clicking links the way a reader does.
async fn reader_path(b: &Browser, report: &mut Report, titles: &SiteTitles) -> R<()> {
    const C: &str = "reader's path";
    let all = articles();
    b.open("/").await?;
    let found = page_basics(b, report, C, titles).await?;
    if found.is_empty() || !found.is_subset(&urls(all.iter())) {
        report.fail(C, "/", format!("home lists {found:?}"));
    }
    if !found.contains(ARTICLE) {
        report.fail(C, "/", format!("home does not link to {ARTICLE}"));
    }

    b.click(".topic-card-title a", "Trade and investment", Some(TOPIC))
        .await?;
    let found = page_basics(b, report, C, titles).await?;
    let expected = urls(all.iter().filter(|a| a.topics.iter().any(|t| t == "trade")));
    expect_links(report, C, TOPIC, &found, &expected);

    b.click(
        ".card-title a",
        "Russian ambassador Albert Khorev meets Pakistani business figures on trade and investment",
        Some(ARTICLE),
    )
    .await?;
    let found = page_basics(b, report, C, titles).await?;
    if found.is_empty() {
        report.fail(
            C,
            ARTICLE,
            "no links to other articles (older/newer, related)",
        );
    }
    let text = b
        .js("return document.querySelector('.prose').innerText", vec![])
        .await?;
    if !text
        .as_str()
        .unwrap_or_default()
        .to_lowercase()
        .contains(BODY_WORD)
    {
        report.fail(C, ARTICLE, "the article text is not shown");
    }

    let person = b.click(".article-meta a", PERSON, None).await?;
    if !person.starts_with("/people/") {
        report.fail(C, &person, "the person link did not lead to /people/…");
    }
    let found = page_basics(b, report, C, titles).await?;
    let expected = urls(all.iter().filter(|a| a.people.iter().any(|p| p == PERSON)));
    expect_links(report, C, &person, &found, &expected);

    b.click(".site-nav a", "Organizations", Some("/organizations/"))
        .await?;
    page_basics(b, report, C, titles).await?;
    let org = b.click(".entity-list a", ORGANIZATION, None).await?;
    if !org.starts_with("/organizations/") {
        report.fail(
            C,
            &org,
            "the organization link did not lead to /organizations/…",
        );
    }
    let found = page_basics(b, report, C, titles).await?;
    let expected = urls(
        all.iter()
            .filter(|a| a.organizations.iter().any(|o| o == ORGANIZATION)),
    );
    expect_links(report, C, &org, &found, &expected);

    // The timeline is an index of years, each year a page of its own.
    b.click(".site-nav a", "Timeline", Some("/timeline/"))
        .await?;
    page_basics(b, report, C, titles).await?;
    b.click(".year-group h2 a", "2025", Some("/timeline/2025/"))
        .await?;
    let found = page_basics(b, report, C, titles).await?;
    expect_links(report, C, "/timeline/2025/", &found, &urls(all.iter()));

    b.js("history.back()", vec![]).await?;
    b.wait_for_path("/timeline/").await?;
    b.js("history.back()", vec![]).await?;
    b.wait_for_path(&org).await?;
    let h1 = b
        .js(
            "return document.querySelector('h1').textContent.trim()",
            vec![],
        )
        .await?;
    if h1 != ORGANIZATION {
        report.fail(C, &org, format!("after going back the h1 is {h1}"));
    }
    b.client.back().await.ctx("going back")?;
    b.wait_for_path("/organizations/").await?;
    Ok(())
}

/// Everything the crawl checks on one page, gathered in the page.
const CRAWL_FACTS: &str = r#"
const here = location.origin;
const nav = performance.getEntriesByType('navigation')[0];
const resources = performance.getEntriesByType('resource').map(e => ({
  url: e.name, status: e.responseStatus, type: e.initiatorType,
}));
const external = [];
document.querySelectorAll('link[href], script[src], img[src], iframe[src], source[src], video[src], audio[src]')
  .forEach(el => {
    const rel = (el.getAttribute('rel') || '').toLowerCase();
    if (el.tagName === 'LINK' && /\b(canonical|alternate)\b/.test(rel)) return;
    const u = new URL(el.getAttribute('href') || el.getAttribute('src'), location.href);
    if (u.origin !== here) external.push(el.tagName.toLowerCase() + ' ' + u.href);
  });
return {
  status: nav ? nav.responseStatus : null,
  resources,
  // JSON-LD is data for link previews and search engines, never run.
  scripts: Array.from(document.scripts).filter(s => s.type !== 'application/ld+json').map(s => s.src ? new URL(s.src).pathname : '(inline script)'),
  brokenImages: Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
  brokenStyles: Array.from(document.querySelectorAll('link[rel~="stylesheet"]')).filter(l => !l.sheet).map(l => l.href),
  external,
  errors: window.__attacheErrors || ['the error recorder did not run'],
  fontsLoaded: document.fonts
    ? Array.from(document.fonts).filter(f => f.status !== 'unloaded').map(f => f.family.replace(/"/g, ''))
    : [],
  lang: document.documentElement.lang,
};
"#;

/// Loads every HTML page of the built site and checks for console errors, failed requests,
/// scripts, external hosts and the page basics.
async fn crawl(b: &Browser, site: &Site, report: &mut Report, titles: &SiteTitles) -> R<()> {
    const C: &str = "crawl";
    b.console().await?; // start from an empty log
    let pages = site.html_files();
    for file in &pages {
        let page = url_path(file);
        b.open(&page).await?;
        if page.ends_with("/search/") {
            // search.js fetches the index after load; let that request finish too.
            b.wait_for(
                "the search index request",
                "return performance.getEntriesByType('resource').some(e => e.name.includes('/search/manifest.json') && e.responseEnd > 0)",
                Duration::from_secs(10),
            )
            .await?;
        }
        if !page.ends_with("/404.html") {
            page_basics(b, report, C, titles).await?;
        }
        let f = b.js(CRAWL_FACTS, vec![]).await?;
        if f["status"] != 200 {
            report.fail(C, &page, format!("answered HTTP {}", f["status"]));
        }
        for r in f["resources"].as_array().into_iter().flatten() {
            let status = r["status"].as_u64().unwrap_or(0);
            if !(200..400).contains(&status) {
                report.fail(
                    C,
                    &page,
                    format!(
                        "request for {} ({}) failed with status {status}",
                        r["url"], r["type"]
                    ),
                );
            }
        }
        for key in ["brokenImages", "brokenStyles", "external", "errors"] {
            for item in f[key].as_array().into_iter().flatten() {
                report.fail(C, &page, format!("{key}: {item}"));
            }
        }
        // System fonts only, but for an Urdu page on a machine without an Urdu font: the
        // theme's own Naskh.
        let own_naskh = [json!("Briefing Naskh")];
        let allowed: &[Value] = if f["lang"] == "ur" { &own_naskh } else { &[] };
        for family in f["fontsLoaded"].as_array().into_iter().flatten() {
            if !allowed.contains(family) {
                report.fail(
                    C,
                    &page,
                    format!("loads the web font {family}; the theme uses system fonts"),
                );
            }
        }
        let scripts: Vec<&str> = f["scripts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let allowed: &[&str] = if page.ends_with("/search/") {
            &["/search.js"]
        } else {
            &[]
        };
        if scripts != allowed {
            report.fail(
                C,
                &page,
                format!("scripts {scripts:?}, expected {allowed:?}"),
            );
        }
        for entry in b.console().await? {
            let level = entry["level"].as_str().unwrap_or_default();
            if level == "SEVERE" {
                report.fail(C, &page, format!("console error: {}", entry["message"]));
            } else if level == "WARNING" {
                eprintln!("console warning on {page}: {}", entry["message"]);
            }
        }
    }
    eprintln!("crawled {} pages", pages.len());
    Ok(())
}

/// Search by a body word, by a person's name, and by typing.
async fn search(b: &Browser, report: &mut Report) -> R<()> {
    const C: &str = "search";
    let all = articles();
    const RESULTS: &str = r#"
const items = Array.from(document.querySelectorAll('#search-results li'));
if (!items.length && !/No articles/.test(document.querySelector('#search-results').textContent)) return null;
return {
  links: items.map(li => new URL(li.querySelector('a').href).pathname),
  marks: Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent.toLowerCase()),
  status: (document.querySelector('.search-status') || {}).textContent || '',
};
"#;
    let cases = [
        (
            BODY_WORD,
            BTreeSet::from([ARTICLE.to_string()]),
            BODY_WORD.to_string(),
        ),
        (
            "Khorev",
            urls(
                all.iter()
                    .filter(|a| a.people.iter().any(|p| p.contains("Khorev"))),
            ),
            "khorev".to_string(),
        ),
    ];
    for (query, expected, mark) in cases {
        let page = format!("/search/?q={query}");
        b.open(&page).await?;
        let r = b
            .wait_for("search results", RESULTS, Duration::from_secs(10))
            .await?;
        let links: BTreeSet<String> = r["links"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !expected.is_subset(&links) {
            report.fail(
                C,
                &page,
                format!(
                    "results {links:?} miss {:?} ({})",
                    expected.difference(&links).collect::<Vec<_>>(),
                    r["status"]
                ),
            );
        }
        let marks: Vec<&str> = r["marks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if !marks.contains(&mark.as_str()) {
            report.fail(
                C,
                &page,
                format!("no <mark>{mark}</mark> in the results (marks: {marks:?})"),
            );
        }
    }

    // A reader types into the search box on an article and submits.
    b.open(ARTICLE).await?;
    let input = b
        .client
        .find(Locator::Css(".site-search input[name=q]"))
        .await
        .ctx("the search box")?;
    input.send_keys("bakhtawari\n").await.ctx("typing")?;
    b.wait_for_path("/search/?q=bakhtawari").await?;
    let r = b
        .wait_for("search results", RESULTS, Duration::from_secs(10))
        .await?;
    let n = r["links"].as_array().map_or(0, Vec::len);
    if n == 0 {
        report.fail(C, "/search/?q=bakhtawari", "typing a name found nothing");
    }
    // Refining the query on the search page updates the results as one types.
    let input = b
        .client
        .find(Locator::Id("search-input"))
        .await
        .ctx("the search input")?;
    input.send_keys(" flights").await.ctx("typing")?;
    let flights = "/articles/proposal-for-direct-pakistan-russia-flights/";
    let r = b
        .wait_for(
            "updated results",
            &format!(
                "{} ",
                RESULTS.replace(
                    "return {",
                    "if (!/flights/.test(document.querySelector('.search-status').textContent)) return null;\nreturn {"
                )
            ),
            Duration::from_secs(10),
        )
        .await?;
    let links: Vec<&str> = r["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if links.first() != Some(&flights) {
        report.fail(
            C,
            "/search/?q=bakhtawari flights",
            format!("expected {flights} first, got {links:?}"),
        );
    }
    Ok(())
}

/// A copy of the basic fixture with what sharded search must cope with: a long article whose
/// last paragraph alone names Zhukovsky and a textile quota agreement, another with the words
/// "textile" and "quota" apart, and 40 notes on caravans of 250 words each of their own, so
/// that the index has many shards and "caravan" more results than a page shows.
fn search_site(dir: &Path) {
    common::copy_dir(&common::repo().join("tests/fixtures/basic"), dir);
    let articles = dir.join("content/articles/2025");
    let filler: Vec<String> = (0..1500).map(|i| format!("longword{i}")).collect();
    fs::write(
        articles.join("long-report.md"),
        format!(
            "---\ntitle: \"A long report\"\ndate: 2025-04-01\ntopics: [alpha]\nsummary: \"A report of many words.\"\n---\n{}\n\nIn the last paragraph, Zhukovsky signs the textile quota agreement.\n",
            filler.join(" ")
        ),
    )
    .unwrap();
    fs::write(
        articles.join("quota-apart.md"),
        "---\ntitle: \"Rice and cloth\"\ndate: 2025-04-02\ntopics: [alpha]\n---\nThe quota on rice stays; textile trade grows.\n",
    )
    .unwrap();
    for n in 0..40 {
        let words: Vec<String> = (0..250).map(|k| format!("note{n}word{k}")).collect();
        fs::write(
            articles.join(format!("caravan-{n}.md")),
            format!(
                "---\ntitle: \"Caravan note {n}\"\ndate: 2025-05-{:02}\ntopics: [alpha]\n---\nA caravan passes. {}\n",
                1 + n % 28,
                words.join(" ")
            ),
        )
        .unwrap();
    }
}

/// What the search page shows, once it shows results for a query containing `arguments[0]`.
const SHOWN: &str = r#"
const status = document.querySelector('.search-status');
if (!status || !status.textContent.toLowerCase().includes(arguments[0])) return null;
const items = Array.from(document.querySelectorAll('#search-results li'));
const search = performance.getEntriesByType('resource').filter(e => /\/search\//.test(e.name));
const shown = performance.getEntriesByName('attache-search-results');
return {
  links: items.map(li => new URL(li.querySelector('a').href).pathname),
  marks: Array.from(document.querySelectorAll('#search-results mark')).map(m => m.textContent.toLowerCase()),
  status: status.textContent,
  more: !!document.querySelector('.search-more:not([hidden])'),
  fetched: search.map(e => new URL(e.name).pathname),
  bytes: search.reduce((n, e) => n + (e.transferSize || e.encodedBodySize || 0), 0),
  after: shown.length ? shown[shown.length - 1].startTime - Math.max(0, ...search.map(e => e.responseEnd)) : null,
};
"#;

/// Search over the sharded index: a word from the last paragraph of a long article, a phrase,
/// a prefix as one types, more results than a page shows; and what a query downloads, by the
/// browser's resource timing.
async fn sharded_search(b: &Browser, site: &Site, report: &mut Report) -> R<()> {
    const C: &str = "sharded search";
    let long = "/articles/long-report/";
    let index_bytes: usize = site
        .files
        .iter()
        .filter(|(k, _)| k.starts_with("search/"))
        .map(|(_, v)| v.len())
        .sum();
    let shards = site
        .files
        .keys()
        .filter(|k| k.starts_with("search/s/"))
        .count();
    if shards < 4 {
        report.fail(
            C,
            "/search/",
            format!("only {shards} shards: too few to test"),
        );
    }
    let shown = |q: &str| SHOWN.replace("arguments[0]", &format!("{q:?}"));
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };

    // One word, from the end of a long article: one shard and one fragment are fetched.
    b.open("/search/?q=Zhukovsky").await?;
    let r = b
        .wait_for("results for zhukovsky", &shown("zhukovsky"), NAV_TIMEOUT)
        .await?;
    let fetched = strings(&r["fetched"]);
    eprintln!(
        "search for one word fetched {} files, {} bytes of the index's {index_bytes} ({shards} shards); results {} ms after the data",
        fetched.len(),
        r["bytes"],
        r["after"]
    );
    if strings(&r["links"]) != [long] {
        report.fail(C, "?q=Zhukovsky", format!("found {}", r["links"]));
    }
    if !strings(&r["marks"]).contains(&"zhukovsky".to_string()) {
        report.fail(C, "?q=Zhukovsky", "the snippet does not mark the word");
    }
    let shards_fetched = fetched.iter().filter(|f| f.contains("/search/s/")).count();
    let fragments_fetched = fetched.iter().filter(|f| f.contains("/search/f/")).count();
    if shards_fetched != 1 || fragments_fetched != 1 {
        report.fail(
            C,
            "?q=Zhukovsky",
            format!(
                "fetched {shards_fetched} shards and {fragments_fetched} fragments: {fetched:?}"
            ),
        );
    }
    if r["bytes"].as_u64().unwrap_or(u64::MAX) * 4 > index_bytes as u64 {
        report.fail(
            C,
            "?q=Zhukovsky",
            format!(
                "downloaded {} of the index's {index_bytes} bytes",
                r["bytes"]
            ),
        );
    }

    // A phrase: only the page with the words together.
    b.open("/search/?q=%22textile%20quota%22").await?;
    let r = b
        .wait_for(
            "results for the phrase",
            &shown("textile quota"),
            NAV_TIMEOUT,
        )
        .await?;
    if strings(&r["links"]) != [long] {
        report.fail(C, "?q=\"textile quota\"", format!("found {}", r["links"]));
    }
    // The same words without quotes find both.
    b.open("/search/?q=textile%20quota%20").await?;
    let r = b
        .wait_for(
            "results for two words",
            &shown("textile quota"),
            NAV_TIMEOUT,
        )
        .await?;
    if strings(&r["links"]).len() != 2 {
        report.fail(C, "?q=textile quota", format!("found {}", r["links"]));
    }

    // A prefix, as one types.
    b.open("/search/").await?;
    let input = b
        .client
        .find(Locator::Id("search-input"))
        .await
        .ctx("the search input")?;
    input.send_keys("zhukov").await.ctx("typing")?;
    let r = b
        .wait_for("results as one types", &shown("zhukov"), NAV_TIMEOUT)
        .await?;
    if strings(&r["links"]) != [long] {
        report.fail(C, "typing zhukov", format!("found {}", r["links"]));
    }

    // More results than a page shows: ten, then ten more on asking.
    b.open("/search/?q=caravan").await?;
    let r = b
        .wait_for("results for caravan", &shown("caravan"), NAV_TIMEOUT)
        .await?;
    let first = strings(&r["links"]).len();
    if first != 10 || r["more"] != json!(true) {
        report.fail(
            C,
            "?q=caravan",
            format!("{first} results, more: {} ({})", r["more"], r["status"]),
        );
    }
    b.js("document.querySelector('.search-more').click()", vec![])
        .await?;
    let r = b
        .wait_for(
            "more results",
            "const n = document.querySelectorAll('#search-results li').length; return n > 10 ? n : null",
            NAV_TIMEOUT,
        )
        .await?;
    if r != json!(20) {
        report.fail(
            C,
            "?q=caravan",
            format!("{r} results after asking for more"),
        );
    }
    let errors = b.js("return window.__attacheErrors || []", vec![]).await?;
    if errors.as_array().is_some_and(|e| !e.is_empty()) {
        report.fail(C, "/search/", format!("errors: {errors}"));
    }
    Ok(())
}

/// The 375 px check on the page the browser is on.
const PHONE_FACTS: &str = r#"
const W = arguments[0], vw = window.innerWidth, de = document.documentElement;
const problems = [];
// A phone widens the layout viewport (and zooms out) when content is wider than the screen.
if (vw > W) problems.push(`content is wider than the phone: the layout viewport grew to ${vw}px`);
if (de.scrollWidth > vw || document.body.scrollWidth > vw)
  problems.push(`scrolls sideways: ${de.scrollWidth}px of content in a ${vw}px viewport`);
if (vw > W || de.scrollWidth > vw) {
  const wide = [];
  document.querySelectorAll('body *').forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.right > W + 0.5 && wide.length < 5) wide.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(r.right)}px)`);
  });
  problems.push('wider than the screen: ' + wide.join(', '));
}
window.scrollTo(0, 0);
const targets = Array.from(document.querySelectorAll('.site-title, .site-nav a, .site-search input, .site-search button, .pack-toolbar a'));
if (!targets.length) problems.push('no site title or nav');
for (const el of targets) {
  const name = (el.textContent || el.getAttribute('name') || el.tagName).trim();
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) { problems.push(`${name}: not shown`); continue; }
  if (r.left < 0 || r.right > Math.min(vw, W) + 0.5) problems.push(`${name}: off screen (${Math.round(r.left)}–${Math.round(r.right)})`);
  if (r.height < 24) problems.push(`${name}: only ${Math.round(r.height)}px tall to tap`);
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (!hit || !(hit === el || el.contains(hit))) problems.push(`${name}: covered by ${hit && hit.tagName}`);
}
return { vw, problems };
"#;

/// Every page at 375 px: no sideways scrolling, the nav shown, on screen and tappable; a nav
/// link works by tapping.
async fn phone(b: &Browser, site: &Site, report: &mut Report) -> R<()> {
    const C: &str = "375 px";
    b.viewport(PHONE_WIDTH, true).await?;
    for file in site.html_files() {
        let page = url_path(&file);
        b.open(&page).await?;
        let f = b.js(PHONE_FACTS, vec![json!(PHONE_WIDTH)]).await?;
        for p in f["problems"].as_array().into_iter().flatten() {
            report.fail(C, &page, p.as_str().unwrap_or_default());
        }
    }
    b.open("/").await?;
    b.click(".site-nav a", "Timeline", Some("/timeline/"))
        .await?;
    b.click(".site-nav a", "Topics", Some("/topics/")).await?;
    Ok(())
}

/// Colours of the page: body text and background, links, muted text; contrast ratios.
const COLOURS: &str = r#"
function rgb(c) { const m = c.match(/[\d.]+/g).map(Number); return m.slice(0, 3); }
function lum(c) {
  const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function ratio(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
const body = getComputedStyle(document.body);
const bg = body.backgroundColor, fg = body.color;
const out = { dark: matchMedia('(prefers-color-scheme: dark)').matches, bg, fg,
  bgLum: lum(bg), fgLum: lum(fg), text: ratio(fg, bg), checks: [] };
for (const sel of ['main a', '.page-intro, .page-meta, .card-meta, .article-meta dt', '.site-nav a', '.site-footer']) {
  const el = document.querySelector(sel);
  if (!el) continue;
  let back = 'rgba(0, 0, 0, 0)', p = el;
  while (p && /rgba\(.*, 0\)|transparent/.test(back)) { back = getComputedStyle(p).backgroundColor; p = p.parentElement; }
  if (/rgba\(.*, 0\)|transparent/.test(back)) back = bg;
  out.checks.push({ sel, ratio: ratio(getComputedStyle(el).color, back) });
}
return out;
"#;

/// Dark mode: the page follows prefers-color-scheme: dark and stays readable.
async fn dark(b: &Browser, report: &mut Report) -> R<()> {
    const C: &str = "dark mode";
    b.viewport(DESKTOP_WIDTH, false).await?;
    b.media("", "dark").await?;
    for page in ["/", TOPIC, ARTICLE, "/timeline/", "/search/?q=Khorev"] {
        b.open(page).await?;
        let f = b.js(COLOURS, vec![]).await?;
        if f["dark"] != true {
            report.fail(C, page, "prefers-color-scheme: dark was not applied");
            continue;
        }
        let (bg, fg) = (
            f["bgLum"].as_f64().unwrap_or(1.0),
            f["fgLum"].as_f64().unwrap_or(0.0),
        );
        if bg > 0.05 || fg < 0.6 {
            report.fail(
                C,
                page,
                format!(
                    "background {} / text {} are not a dark scheme",
                    f["bg"], f["fg"]
                ),
            );
        }
        for c in std::iter::once(json!({"sel": "body text", "ratio": f["text"]}))
            .chain(f["checks"].as_array().cloned().unwrap_or_default())
        {
            let r = c["ratio"].as_f64().unwrap_or(0.0);
            if r < 4.5 {
                report.fail(
                    C,
                    page,
                    format!("{} has contrast {r:.2}:1, below 4.5:1", c["sel"]),
                );
            }
        }
    }
    b.media("", "light").await?;
    Ok(())
}

/// Print: an article printed without the site's chrome, with its sources and their URLs.
const PRINT_FACTS: &str = r##"
const shown = el => el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
const out = { print: matchMedia('print').matches, chrome: [], missing: [], urls: [] };
for (const sel of ['.site-nav', '.site-search', '.site-footer', '.skip-link', '.pager', '.related', '.toc'])
  document.querySelectorAll(sel).forEach(el => { if (shown(el)) out.chrome.push(sel); });
for (const sel of ['h1', '.article-meta', '.prose', '.sources', '.sources li'])
  if (!shown(document.querySelector(sel))) out.missing.push(sel);
document.querySelectorAll('.sources a[href^="http"], .prose a[href]:not([href^="#"])').forEach(a => {
  out.urls.push({ href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content });
});
out.sourceLinks = document.querySelectorAll('.sources a[href^="http"]').length;
const title = document.querySelector('.site-title'), h1 = document.querySelector('h1');
out.offset = title && h1 ? Math.round(title.getBoundingClientRect().left - h1.getBoundingClientRect().left) : 0;
return out;
"##;

async fn print(b: &Browser, fixture: &Served, report: &mut Report, shots: &Path) -> R<()> {
    const C: &str = "print";
    b.viewport(DESKTOP_WIDTH, false).await?;
    b.media("print", "light").await?;
    // The shipped article (sources without URLs), then the fixture's (a source with a URL).
    let fixture_article = format!("{}/articles/first/", fixture.origin);
    for (url, needs_urls) in [(b.url(ARTICLE), false), (fixture_article, true)] {
        b.client.goto(&url).await.ctx(format!("loading {url}"))?;
        let f = b.js(PRINT_FACTS, vec![]).await?;
        if f["print"] != true {
            report.fail(C, &url, "print media was not applied");
        }
        for sel in f["chrome"].as_array().into_iter().flatten() {
            report.fail(C, &url, format!("{sel} is shown in print"));
        }
        for sel in f["missing"].as_array().into_iter().flatten() {
            report.fail(C, &url, format!("{sel} is missing from print"));
        }
        for u in f["urls"].as_array().into_iter().flatten() {
            let href = u["href"].as_str().unwrap_or_default();
            if !u["after"].as_str().unwrap_or_default().contains(href) {
                report.fail(
                    C,
                    &url,
                    format!("the link to {href} does not show its URL in print"),
                );
            }
        }
        if f["offset"].as_i64().unwrap_or(0).abs() > 2 {
            report.fail(
                C,
                &url,
                format!(
                    "the site title is {} px out of line with the h1 on paper",
                    f["offset"]
                ),
            );
        }
        let links = f["urls"].as_array().map_or(0, Vec::len) as u64;
        let sources = f["sourceLinks"].as_u64().unwrap_or(0);
        if needs_urls && (sources == 0 || links <= sources) {
            report.fail(
                C,
                &url,
                "expected a source URL and a link in the text to check",
            );
        }
    }
    b.screenshot(shots, "fixture-article-print").await?;
    b.media("", "light").await?;

    // The real thing: Chromium's PDF of the article.
    b.open(ARTICLE).await?;
    let pdf = tokio::time::timeout(
        Duration::from_secs(30),
        b.client
            .print(fantoccini::wd::PrintConfiguration::default()),
    )
    .await
    .ctx("printing")?
    .ctx("printing")?;
    let path = shots.join("article.pdf");
    fs::write(&path, &pdf).ctx(path.display())?;
    if !pdf.starts_with(b"%PDF") || pdf.len() < 2000 {
        report.fail(C, ARTICLE, "printing gave no PDF");
    } else if let Some(text) = pdf_text(&path) {
        // Optional, where poppler's pdftotext is installed.
        let lower = text.to_lowercase();
        for want in ["sources", "key points", "khorev"] {
            if !lower.contains(want) {
                report.fail(C, ARTICLE, format!("the PDF does not contain {want:?}"));
            }
        }
        for chrome in ["Skip to content", "Built with attache", "Related articles"] {
            if text.contains(chrome) {
                report.fail(C, ARTICLE, format!("the PDF contains {chrome:?}"));
            }
        }
    }
    Ok(())
}

fn pdf_text(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A topic's pack at print media: the toolbar and any site chrome hidden, the contents and
/// every part starting a new sheet, headings kept with what follows, addresses printed.
const PACK_PRINT_FACTS: &str = r##"
const shown = el => el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
const out = { print: matchMedia('print').matches, chrome: [], unbroken: [], loose: [], urls: [] };
for (const sel of ['.pack-toolbar', '.site-header', '.site-nav', '.site-search', '.site-footer'])
  document.querySelectorAll(sel).forEach(el => { if (shown(el)) out.chrome.push(sel); });
document.querySelectorAll('.pack-contents, .pack-part').forEach(el => {
  if (getComputedStyle(el).breakBefore !== 'page') out.unbroken.push(el.id || el.className);
});
document.querySelectorAll('.pack-part h2, .pack-part h3').forEach(h => {
  if (getComputedStyle(h).breakAfter !== 'avoid') out.loose.push(h.textContent.trim());
});
document.querySelectorAll('.pack a[href^="http"]:not(.url)').forEach(a => {
  out.urls.push({ href: a.getAttribute('href'), after: getComputedStyle(a, '::after').content });
});
out.title = document.querySelector('h1').textContent.trim();
out.articles = Array.from(document.querySelectorAll('article.pack-part > header h2')).map(h => h.textContent.trim());
out.toolbar = document.querySelector('.pack-toolbar').textContent.replace(/\s+/g, ' ').trim();
return out;
"##;

/// A topic's pack, the way a reader prints it: the layout at print media, then Chromium's
/// own PDF of the page (what `--print-to-pdf` makes, with the page's `@page` size), read back
/// with pdftotext: no article split before its heading (each title heads its own sheet), no
/// toolbar or menu, the running header with the pack's title and the page numbers in the
/// margins, none on the cover. The first pages go to the screenshots as PNGs to look at.
async fn pack_print(b: &Browser, report: &mut Report, shots: &Path) -> R<()> {
    const C: &str = "pack print";
    const PACK: &str = "/topics/trade/pack/";
    b.viewport(DESKTOP_WIDTH, false).await?;
    b.open(PACK).await?;
    b.media("print", "light").await?;
    let f = b.js(PACK_PRINT_FACTS, vec![]).await?;
    b.media("", "light").await?;
    if f["print"] != true {
        report.fail(C, PACK, "print media was not applied");
    }
    for (key, says) in [
        ("chrome", "is shown in print"),
        ("unbroken", "does not start a new sheet"),
        ("loose", "may be left alone at the foot of a sheet"),
    ] {
        for item in f[key].as_array().into_iter().flatten() {
            report.fail(C, PACK, format!("{item} {says}"));
        }
    }
    for u in f["urls"].as_array().into_iter().flatten() {
        let href = u["href"].as_str().unwrap_or_default();
        if !u["after"].as_str().unwrap_or_default().contains(href) {
            report.fail(
                C,
                PACK,
                format!("the link to {href} does not print its address"),
            );
        }
    }
    let title = f["title"].as_str().unwrap_or_default().to_string();
    let articles: Vec<String> = f["articles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    if articles.len() < 2 {
        report.fail(
            C,
            PACK,
            format!("expected several articles, found {articles:?}"),
        );
    }

    let printed = b
        .cdp(
            "Page.printToPDF",
            json!({ "preferCSSPageSize": true, "displayHeaderFooter": false, "printBackground": false }),
        )
        .await?;
    let pdf = base64_decode(printed["data"].as_str().ok_or("no PDF data")?)?;
    let path = shots.join("pack.pdf");
    fs::write(&path, &pdf).ctx(path.display())?;
    let Some(pages) = pdf_pages(&path) else {
        // Optional, where poppler's pdftotext is installed.
        return Ok(());
    };
    // A sheet's lines, blank ones dropped, whitespace collapsed.
    let lines = |page: &str| -> Vec<String> {
        page.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect()
    };
    let sheets: Vec<Vec<String>> = pages.iter().map(|p| lines(p)).collect();
    // The cover, the contents, the overview, one sheet or more per article, the sources.
    if sheets.len() < articles.len() + 4 {
        report.fail(
            C,
            PACK,
            format!(
                "{} printed pages for {} articles",
                sheets.len(),
                articles.len()
            ),
        );
    }
    let first_words = |t: &str| t.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
    for article in &articles {
        // The running header, the topics over the title, then the title itself.
        let heads = sheets.iter().position(|s| {
            s.iter()
                .take(4)
                .any(|l| l.starts_with(&first_words(article)))
        });
        if heads.is_none() {
            report.fail(C, PACK, format!("{article:?} does not head a printed page"));
        }
    }
    let all = sheets.concat().join("\n");
    for chrome in [
        f["toolbar"].as_str().unwrap_or("-"),
        "Skip to content",
        "Built with attache",
    ] {
        if all.contains(chrome) {
            report.fail(C, PACK, format!("the PDF contains {chrome:?}"));
        }
    }
    let cover = sheets.first().cloned().unwrap_or_default();
    if cover.first() == Some(&title) || cover.last().is_some_and(|l| l == "1") {
        report.fail(
            C,
            PACK,
            "the cover carries the running header or a page number",
        );
    }
    for (n, sheet) in sheets.iter().enumerate().skip(1) {
        if sheet.first() != Some(&title) {
            report.fail(
                C,
                PACK,
                format!("page {} has no running header {title:?}", n + 1),
            );
        }
        if sheet.last() != Some(&(n + 1).to_string()) {
            report.fail(C, PACK, format!("page {} has no page number", n + 1));
        }
    }
    // For the eye: the first sheets as pictures (poppler's pdftoppm).
    let _ = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "4"])
        .arg(&path)
        .arg(shots.join("pack-page"))
        .stderr(Stdio::null())
        .status();
    Ok(())
}

/// The text of each page of a PDF, by pdfinfo and pdftotext; None without poppler.
fn pdf_pages(path: &Path) -> Option<Vec<String>> {
    let info = Command::new("pdfinfo")
        .arg(path)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let info = String::from_utf8_lossy(&info.stdout);
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))?
        .trim()
        .parse()
        .ok()?;
    (1..=count.min(200))
        .map(|n| {
            let n = n.to_string();
            let out = Command::new("pdftotext")
                .args(["-layout", "-f", &n, "-l", &n])
                .arg(path)
                .arg("-")
                .stderr(Stdio::null())
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
        })
        .collect()
}

/// Runs axe-core (already injected) on the page; calls back with its violations.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 200)),
})) }), e => done({ error: String(e) }));
"#;

/// axe-core on the main kinds of page, light and dark: no serious or critical violations.
async fn accessibility(b: &Browser, axe: &str, report: &mut Report) -> R<()> {
    const C: &str = "axe-core";
    b.viewport(DESKTOP_WIDTH, false).await?;
    for scheme in ["light", "dark"] {
        b.media("", scheme).await?;
        for page in [
            "/",
            TOPIC,
            ARTICLE,
            "/timeline/",
            "/search/?q=Khorev",
            "/topics/trade/pack/",
        ] {
            b.open(page).await?;
            if page.starts_with("/search/") {
                b.wait_for(
                    "search results",
                    "return document.querySelector('#search-results li')",
                    Duration::from_secs(10),
                )
                .await?;
            }
            b.js(axe, vec![]).await?;
            let r = b.js_async(AXE_RUN, vec![]).await?;
            if let Some(e) = r["error"].as_str() {
                report.fail(C, page, format!("axe.run failed: {e}"));
                continue;
            }
            if r["passes"].as_u64().unwrap_or(0) < 10 {
                report.fail(C, page, format!("axe-core checked next to nothing: {r}"));
            }
            for v in r["violations"].as_array().into_iter().flatten() {
                let impact = v["impact"].as_str().unwrap_or("unknown");
                let line = format!(
                    "{impact} {} ({}), {scheme}: {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["help"].as_str().unwrap_or_default(),
                    v["nodes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                if matches!(impact, "serious" | "critical") {
                    report.fail(C, page, line);
                } else {
                    eprintln!("axe-core note on {page}: {line}");
                }
            }
        }
    }
    b.media("", "light").await?;
    Ok(())
}

/// Full-page screenshots of home, a topic, an article and search results, at desktop and phone
/// widths, light and (for the article) dark.
async fn screenshots(b: &Browser, shots: &Path) -> R<()> {
    let pages = [("home", "/"), ("topic", TOPIC), ("article", ARTICLE)];
    for (width, mobile, label) in [
        (DESKTOP_WIDTH, false, "desktop"),
        (PHONE_WIDTH, true, "375"),
    ] {
        b.viewport(width, mobile).await?;
        for (name, page) in pages {
            b.open(page).await?;
            b.screenshot(shots, &format!("{name}-{label}")).await?;
        }
        b.open(&format!("/search/?q={BODY_WORD}+khorev")).await?;
        b.wait_for(
            "search results",
            "return document.querySelector('#search-results li')",
            Duration::from_secs(10),
        )
        .await?;
        b.screenshot(shots, &format!("search-{label}")).await?;
        b.media("", "dark").await?;
        b.open(ARTICLE).await?;
        b.screenshot(shots, &format!("article-{label}-dark"))
            .await?;
        b.media("", "light").await?;
    }
    b.viewport(DESKTOP_WIDTH, false).await?;
    Ok(())
}

/// The Urdu fixture's pages the right-to-left checks, axe-core and the screenshots visit.
const URDU_PAGES: [(&str, &str); 5] = [
    ("home", "/"),
    ("article", "/articles/khorev-meets-business-leaders/"),
    ("topic", "/topics/trade/"),
    ("timeline", "/timeline/"),
    (
        "search",
        "/search/?q=%D8%A7%D9%82%D8%AF%D8%A7%D9%85%D8%A7%D8%AA",
    ),
];

/// Right to left on the page the browser is on: the page's direction, nothing wider than the
/// viewport on either side, the key points box's border and list indent on the right, the
/// metadata labels at the right of their rows.
const RTL_FACTS: &str = r#"
const de = document.documentElement, vw = de.clientWidth, problems = [];
const dir = getComputedStyle(document.body).direction;
if (dir !== 'rtl') problems.push(`direction is ${dir}`);
if (de.scrollWidth > vw) problems.push(`scrolls sideways: ${de.scrollWidth}px of content in ${vw}px`);
const wide = [];
document.querySelectorAll('body *').forEach(el => {
  if (el.closest('.visually-hidden, .skip-link')) return;
  const r = el.getBoundingClientRect();
  if (r.width > 0 && (r.left < -0.5 || r.right > vw + 0.5) && wide.length < 5)
    wide.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.left)}–${Math.round(r.right)}px)`);
});
if (wide.length) problems.push('outside the viewport: ' + wide.join(', '));
const kp = document.querySelector('.key-points');
let keyPoints = null;
if (kp) {
  const cs = getComputedStyle(kp), ul = getComputedStyle(kp.querySelector('ul'));
  keyPoints = { right: cs.borderRightWidth, left: cs.borderLeftWidth };
  if (cs.borderRightWidth !== '4px' || cs.borderLeftWidth !== '0px')
    problems.push(`the key points border is not on the right: right ${cs.borderRightWidth}, left ${cs.borderLeftWidth}`);
  if (!(parseFloat(ul.paddingRight) > 0) || parseFloat(ul.paddingLeft) !== 0)
    problems.push(`the key points list is not indented from the right: ${ul.paddingRight} / ${ul.paddingLeft}`);
}
const dt = document.querySelector('.article-meta dt');
if (dt) {
  const r = dt.getBoundingClientRect(), row = dt.parentElement.getBoundingClientRect();
  if (Math.abs(r.right - row.right) > 1) problems.push(`a metadata label is not at the right of its row (${Math.round(r.right)} vs ${Math.round(row.right)})`);
}
return { problems, keyPoints };
"#;

/// Loads the theme's Naskh font for Urdu's own letters, ہ and ے, on the page the browser is on.
const URDU_FONT: &str = r#"
const done = arguments[arguments.length - 1];
document.fonts.load('16px "Briefing Naskh"', 'ہے').then(
  faces => done({ faces: faces.map(f => f.status), covers: document.fonts.check('16px "Briefing Naskh"', 'ہے') }),
  e => done({ error: String(e) }));
"#;

/// The Urdu fixture at 375 px and 1280 px: right to left everywhere, nothing sideways, the key
/// points box mirrored; its search finds an Urdu word; axe-core passes; screenshots.
async fn urdu(
    b: &Browser,
    site: &Site,
    axe: Option<&str>,
    report: &mut Report,
    shots: &Path,
) -> R<()> {
    const C: &str = "Urdu";
    for (width, mobile, label) in [
        (PHONE_WIDTH, true, "375"),
        (DESKTOP_WIDTH, false, "desktop"),
    ] {
        b.viewport(width, mobile).await?;
        for file in site.html_files() {
            let page = url_path(&file);
            b.open(&page).await?;
            let f = b.js(RTL_FACTS, vec![]).await?;
            for p in f["problems"].as_array().into_iter().flatten() {
                report.fail(
                    C,
                    &format!("{page} at {label}"),
                    p.as_str().unwrap_or_default(),
                );
            }
            if mobile {
                let f = b.js(PHONE_FACTS, vec![json!(PHONE_WIDTH)]).await?;
                for p in f["problems"].as_array().into_iter().flatten() {
                    report.fail(
                        C,
                        &format!("{page} at {label}"),
                        p.as_str().unwrap_or_default(),
                    );
                }
            }
        }
        for (name, page) in URDU_PAGES {
            b.open(page).await?;
            if name == "search" {
                b.wait_for(
                    "Urdu search results",
                    "return document.querySelector('#search-results li')",
                    Duration::from_secs(10),
                )
                .await?;
            }
            b.screenshot(shots, &format!("urdu-{name}-{label}")).await?;
        }
    }
    b.viewport(DESKTOP_WIDTH, false).await?;

    // A reader without an Urdu font gets the theme's own Naskh: the stylesheet names it
    // and it loads from the site (on a machine with none, as here, heh goal and yeh
    // barree were empty boxes before).
    b.open(URDU_PAGES[0].1).await?;
    let font = b.js_async(URDU_FONT, vec![]).await?;
    if font != json!({"faces": ["loaded"], "covers": true}) {
        report.fail(C, URDU_PAGES[0].1, format!("the Urdu font: {font}"));
    }

    // Search: a word only in one article's body, typed in Urdu.
    b.open(URDU_PAGES[4].1).await?;
    let found = b
        .wait_for(
            "Urdu search results",
            "const l = document.querySelectorAll('#search-results li a'); \
             return l.length ? Array.from(l).map(a => new URL(a.href).pathname) : null",
            Duration::from_secs(10),
        )
        .await?;
    if found != json!(["/articles/khorev-clean-green/"]) {
        report.fail(
            C,
            "/search/",
            format!("searching for اقدامات found {found}"),
        );
    }
    let status = b
        .js(
            "return document.querySelector('.search-status').textContent",
            vec![],
        )
        .await?;
    if status.as_str() != Some("“اقدامات” کے لیے 1 مضمون ملا۔") {
        report.fail(C, "/search/", format!("the search says {status} in Urdu"));
    }

    if let Some(axe) = axe {
        for (_, page) in URDU_PAGES {
            b.open(page).await?;
            if page.starts_with("/search/") {
                b.wait_for(
                    "search results",
                    "return document.querySelector('#search-results li')",
                    Duration::from_secs(10),
                )
                .await?;
            }
            b.js(axe, vec![]).await?;
            let r = b.js_async(AXE_RUN, vec![]).await?;
            for v in r["violations"].as_array().into_iter().flatten() {
                let impact = v["impact"].as_str().unwrap_or("unknown");
                if matches!(impact, "serious" | "critical") {
                    report.fail(
                        C,
                        page,
                        format!("axe-core: {impact} {} ({})", v["id"], v["nodes"]),
                    );
                }
            }
            if let Some(e) = r["error"].as_str() {
                report.fail(C, page, format!("axe.run failed: {e}"));
            }
        }
    }
    Ok(())
}

/// The shipped briefing's Urdu and Russian pages the edition checks and screenshots visit.
const EDITION_PAGES: [(&str, &str); 6] = [
    (
        "ur-article",
        "/ur/articles/khorev-meets-pakistani-business-figures/",
    ),
    ("ur-topic", "/ur/topics/trade/"),
    ("ur-home", "/ur/"),
    (
        "ru-article",
        "/ru/articles/khorev-meets-pakistani-business-figures/",
    ),
    ("ru-topic", "/ru/topics/trade/"),
    ("ru-home", "/ru/"),
];

/// A word each of those languages' version of one article has, and no other page.
const EDITION_WORDS: [(&str, &str); 2] = [("ru", "стимулирующие"), ("ur", "حوصلہ")];

/// The result links once the search for `arguments[0]` has answered (with results, or with a
/// message naming the query); `null` while it loads.
const SEARCH_ANSWER: &str = r#"
const box = document.querySelector('#search-results'), status = document.querySelector('.search-status');
if (!box || !status) return null;
const links = Array.from(box.querySelectorAll('li a')).map(a => new URL(a.href).pathname);
if (!links.length && !status.textContent.includes(arguments[0])) return null;
return links;
"#;

/// The shipped briefing in Urdu and Russian: the Urdu article and topic pages right to left at
/// 375 px and 1280 px with nothing sideways and the key points box mirrored, the Russian ones
/// left to right; each edition's search finds a word that only its language has; axe-core passes
/// on every page visited; screenshots of each language.
async fn editions(b: &Browser, axe: Option<&str>, report: &mut Report, shots: &Path) -> R<()> {
    const C: &str = "editions";
    for (width, mobile, label) in [
        (PHONE_WIDTH, true, "375"),
        (DESKTOP_WIDTH, false, "desktop"),
    ] {
        b.viewport(width, mobile).await?;
        for (name, page) in EDITION_PAGES {
            b.open(page).await?;
            let at = format!("{page} at {label}");
            if name.starts_with("ur-") {
                let f = b.js(RTL_FACTS, vec![]).await?;
                for p in f["problems"].as_array().into_iter().flatten() {
                    report.fail(C, &at, p.as_str().unwrap_or_default());
                }
                if name == "ur-article" && f["keyPoints"].is_null() {
                    report.fail(C, &at, "the article has no key points box");
                }
            } else {
                let dir = b
                    .js("return getComputedStyle(document.body).direction", vec![])
                    .await?;
                if dir != "ltr" {
                    report.fail(C, &at, format!("direction is {dir}"));
                }
            }
            if mobile {
                let f = b.js(PHONE_FACTS, vec![json!(PHONE_WIDTH)]).await?;
                for p in f["problems"].as_array().into_iter().flatten() {
                    report.fail(C, &at, p.as_str().unwrap_or_default());
                }
            }
            b.screenshot(shots, &format!("{name}-{label}")).await?;
        }
    }
    b.viewport(DESKTOP_WIDTH, false).await?;

    // Search: each edition finds its own language's word, and the others do not.
    let mut search_pages = Vec::new();
    for (lang, word) in EDITION_WORDS {
        let query: String =
            percent_encoding::utf8_percent_encode(word, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        for edition in ["", "/ur", "/ru"] {
            let page = format!("{edition}/search/?q={query}");
            b.open(&page).await?;
            let found = b
                .wait_for_with(
                    "search results",
                    SEARCH_ANSWER,
                    vec![json!(word)],
                    Duration::from_secs(10),
                )
                .await?;
            let expected = if edition == format!("/{lang}") {
                json!([format!(
                    "{edition}/articles/khorev-meets-pakistani-business-figures/"
                )])
            } else {
                json!([])
            };
            if found != expected {
                report.fail(
                    C,
                    &format!("{edition}/search/"),
                    format!("searching for {word} found {found}, expected {expected}"),
                );
            }
            if edition == format!("/{lang}") {
                b.screenshot(shots, &format!("{lang}-search-desktop"))
                    .await?;
                search_pages.push((page, word));
            }
        }
    }

    if let Some(axe) = axe {
        let pages = EDITION_PAGES
            .iter()
            .map(|(_, p)| (p.to_string(), None))
            .chain(search_pages.into_iter().map(|(p, w)| (p, Some(w))));
        for (page, word) in pages {
            b.open(&page).await?;
            if let Some(word) = word {
                b.wait_for_with(
                    "search results",
                    SEARCH_ANSWER,
                    vec![json!(word)],
                    Duration::from_secs(10),
                )
                .await?;
            }
            b.js(axe, vec![]).await?;
            let r = b.js_async(AXE_RUN, vec![]).await?;
            if let Some(e) = r["error"].as_str() {
                report.fail(C, &page, format!("axe.run failed: {e}"));
                continue;
            }
            for v in r["violations"].as_array().into_iter().flatten() {
                let impact = v["impact"].as_str().unwrap_or("unknown");
                if matches!(impact, "serious" | "critical") {
                    report.fail(
                        C,
                        &page,
                        format!("axe-core: {impact} {} ({})", v["id"], v["nodes"]),
                    );
                }
            }
        }
    }
    Ok(())
}

/// With JavaScript switched off: pages render, the nav works, article text shows, and the
/// search form still submits to /search/?q=.
async fn without_javascript(b: &Browser, report: &mut Report, site_title: &str) -> R<()> {
    const C: &str = "no JavaScript";
    b.open("/").await?;
    page_basics_nojs(b, report, C, site_title, "/").await?;
    b.click(".site-nav a", "Topics", Some("/topics/")).await?;
    page_basics_nojs(b, report, C, site_title, "/topics/").await?;
    b.click(".topic-card-title a", "Trade and investment", Some(TOPIC))
        .await?;
    b.click(
        ".card-title a",
        "Russian ambassador Albert Khorev meets Pakistani business figures on trade and investment",
        Some(ARTICLE),
    )
    .await?;
    page_basics_nojs(b, report, C, site_title, ARTICLE).await?;
    let prose = b
        .client
        .find(Locator::Css(".prose"))
        .await
        .ctx("the article text")?;
    let text = prose.text().await.ctx("the article text")?;
    if !prose.is_displayed().await.unwrap_or(false) || !text.to_lowercase().contains(BODY_WORD) {
        report.fail(C, ARTICLE, "the article text is not shown");
    }
    b.click(".site-nav a", "Timeline", Some("/timeline/"))
        .await?;
    page_basics_nojs(b, report, C, site_title, "/timeline/").await?;

    // The search form submits to the search page, which explains that search needs JavaScript.
    let input = b
        .client
        .find(Locator::Css(".site-search input[name=q]"))
        .await
        .ctx("the search box")?;
    input.send_keys("Khorev\n").await.ctx("typing")?;
    b.wait_for_path("/search/?q=Khorev").await?;
    let notice = b
        .client
        .find(Locator::Css("main .notice"))
        .await
        .ctx("the no-JavaScript notice")?;
    if !notice.is_displayed().await.unwrap_or(false) {
        report.fail(
            C,
            "/search/",
            "the notice that search needs JavaScript is not shown",
        );
    }
    let results = b
        .client
        .find_all(Locator::Css("#search-results *"))
        .await
        .ctx("results")?;
    if !results.is_empty() {
        report.fail(
            C,
            "/search/",
            "search results appeared, so JavaScript was not switched off",
        );
    }
    Ok(())
}

/// Page basics through WebDriver element queries only (no script in the page).
async fn page_basics_nojs(
    b: &Browser,
    report: &mut Report,
    check: &str,
    site_title: &str,
    page: &str,
) -> R<()> {
    let h1 = b.client.find_all(Locator::Css("h1")).await.ctx("h1")?;
    if h1.len() != 1 {
        report.fail(check, page, format!("{} h1 elements", h1.len()));
    } else if !h1[0].is_displayed().await.unwrap_or(false) {
        report.fail(check, page, "the h1 is not shown");
    }
    let title = b.client.title().await.ctx("title")?;
    if !title.contains(site_title) {
        report.fail(check, page, format!("title {title:?}"));
    }
    for link in ["Topics", "Timeline", "People", "Organizations"] {
        let found = b.client.find(Locator::LinkText(link)).await.ok();
        let shown = match found {
            Some(e) => e.is_displayed().await.unwrap_or(false),
            None => false,
        };
        if !shown {
            report.fail(check, page, format!("the nav link {link} is not shown"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The test

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_briefing_in_a_real_browser() {
    let Some(tools) = tools() else { return };
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let briefing = build_and_serve(&tools, &common::repo(), tmp.path(), "briefing");
    let fixture = build_and_serve(
        &tools,
        &common::repo().join("tests/fixtures/basic"),
        tmp.path(),
        "fixture",
    );
    let urdu_site = build_and_serve(
        &tools,
        &common::repo().join("tests/fixtures/urdu"),
        tmp.path(),
        "urdu",
    );
    let search_src = tmp.path().join("search-src");
    search_site(&search_src);
    let search_served = build_and_serve(&tools, &search_src, tmp.path(), "search");
    let site_yaml: Value =
        serde_yaml::from_str(&fs::read_to_string(common::repo().join("site.yaml")).unwrap())
            .unwrap();
    let titles = SiteTitles::of(&site_yaml);
    let site_title = titles.site.clone();
    let shots = screenshot_dir();
    fs::create_dir_all(&shots).unwrap();

    let driver_port = free_port();
    let mut driver = Process::spawn(
        "chromedriver",
        Command::new(&tools.chromedriver).arg(format!("--port={driver_port}")),
        true,
    );
    driver.wait_for_port(driver_port);
    let driver_url = format!("http://127.0.0.1:{driver_port}");

    let mut report = Report::default();
    let run = async {
        // One session for everything with JavaScript on.
        let profile = tempfile::tempdir().unwrap();
        let b = Browser::start(&tools, &driver_url, profile.path(), &[], &briefing.origin).await?;
        b.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": ERROR_RECORDER }),
        )
        .await?;
        b.viewport(DESKTOP_WIDTH, false).await?;

        let t = Instant::now();
        let r = reader_path(&b, &mut report, &titles).await;
        report.outcome("reader's path", r);
        eprintln!("reader's path: {:?}", t.elapsed());

        let t = Instant::now();
        let r = crawl(&b, &briefing.site, &mut report, &titles).await;
        report.outcome("crawl", r);
        eprintln!("crawl: {:?}", t.elapsed());

        let t = Instant::now();
        let r = search(&b, &mut report).await;
        report.outcome("search", r);
        eprintln!("search: {:?}", t.elapsed());

        let t = Instant::now();
        let r = phone(&b, &briefing.site, &mut report).await;
        report.outcome("375 px", r);
        eprintln!("375 px: {:?}", t.elapsed());

        let t = Instant::now();
        let r = dark(&b, &mut report).await;
        report.outcome("dark mode", r);
        eprintln!("dark mode: {:?}", t.elapsed());

        let t = Instant::now();
        let r = print(&b, &fixture, &mut report, &shots).await;
        report.outcome("print", r);
        eprintln!("print: {:?}", t.elapsed());

        let t = Instant::now();
        let r = pack_print(&b, &mut report, &shots).await;
        report.outcome("pack print", r);
        eprintln!("pack print: {:?}", t.elapsed());

        if let Some(axe) = &tools.axe {
            let t = Instant::now();
            let r = accessibility(&b, axe, &mut report).await;
            report.outcome("axe-core", r);
            eprintln!("axe-core: {:?}", t.elapsed());
        }

        let t = Instant::now();
        let r = screenshots(&b, &shots).await;
        report.outcome("screenshots", r);
        eprintln!("screenshots: {:?}", t.elapsed());

        let t = Instant::now();
        let r = editions(&b, tools.axe.as_deref(), &mut report, &shots).await;
        report.outcome("editions", r);
        eprintln!("editions: {:?}", t.elapsed());

        // The same session on the Urdu fixture's server.
        let t = Instant::now();
        let ur = Browser {
            client: b.client.clone(),
            origin: urdu_site.origin.clone(),
        };
        let r = urdu(
            &ur,
            &urdu_site.site,
            tools.axe.as_deref(),
            &mut report,
            &shots,
        )
        .await;
        report.outcome("Urdu", r);
        eprintln!("Urdu: {:?}", t.elapsed());

        // The same session on a site made to test sharded search.
        let t = Instant::now();
        let sb = Browser {
            client: b.client.clone(),
            origin: search_served.origin.clone(),
        };
        let r = sharded_search(&sb, &search_served.site, &mut report).await;
        report.outcome("sharded search", r);
        eprintln!("sharded search: {:?}", t.elapsed());
        b.close().await;

        // A second session with JavaScript switched off.
        let t = Instant::now();
        let profile = tempfile::tempdir().unwrap();
        let b = Browser::start(
            &tools,
            &driver_url,
            profile.path(),
            &["--blink-settings=scriptEnabled=false"],
            &briefing.origin,
        )
        .await?;
        let r = without_javascript(&b, &mut report, &site_title).await;
        report.outcome("no JavaScript", r);
        b.close().await;
        eprintln!("no JavaScript: {:?}", t.elapsed());
        Ok::<(), String>(())
    };
    match tokio::time::timeout(SUITE_TIMEOUT, run).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => report.fail("browser", "-", e),
        Err(_) => report.fail(
            "browser",
            "-",
            format!("did not finish in {SUITE_TIMEOUT:?}"),
        ),
    }
    drop(driver);
    eprintln!(
        "browser checks took {:?}; screenshots and the printed PDF are in {}",
        started.elapsed(),
        shots.display()
    );
    let lines = report.lines();
    assert!(
        lines.is_empty(),
        "{} browser check(s) failed:\n  {}",
        lines.len(),
        lines.join("\n  ")
    );
}

/// The theme's budget, checked on the built files (no browser needed): CSS under 30 KB, one
/// small web font of its own (for Urdu), no script on any page but search, nothing loaded
/// from another host.
#[test]
fn the_theme_stays_small_and_self_contained() {
    let css = fs::read_to_string(common::repo().join("themes/briefing/static/style.css")).unwrap();
    assert!(
        css.len() < 30 * 1024,
        "style.css is {} bytes; the budget is 30 KB",
        css.len()
    );
    for banned in ["@import", "http://", "https://", "//fonts."] {
        assert!(!css.contains(banned), "style.css contains {banned:?}");
    }
    // One web font, the theme's own Naskh for Urdu readers who have no Urdu font: small,
    // and with its licence beside it.
    assert_eq!(css.matches("@font-face").count(), 1, "one @font-face");
    let fonts = common::repo().join("themes/briefing/static/fonts");
    let naskh = fs::metadata(fonts.join("noto-naskh-arabic.woff2"))
        .unwrap()
        .len();
    assert!(naskh < 64 * 1024, "the Urdu font is {naskh} bytes");
    assert!(css.contains("url(\"fonts/noto-naskh-arabic.woff2\")"));
    assert!(fonts.join("OFL.txt").is_file());

    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["build", "--quiet", "--root"])
        .arg(common::repo())
        .arg("-o")
        .arg(&dest)
        .status()
        .unwrap();
    assert!(status.success());
    let site = Site::read(&dest);
    let origin = "https://example.org";
    let mut problems = Vec::new();
    for file in site.html_files() {
        let page = site.html(&file);
        // JSON-LD (structured data for link previews) is data, never run.
        let scripts = page.select("script:not([type=\"application/ld+json\"])");
        assert!(
            page.select("script[type=\"application/ld+json\"]").len() <= 1,
            "{file}: one JSON-LD block at most"
        );
        let srcs = page.attrs("script", "src");
        let expected: &[&str] = if file.ends_with("search/index.html") {
            &["/search.js"]
        } else {
            &[]
        };
        if scripts.len() != expected.len() || srcs != expected {
            problems.push(format!("{file}: scripts {srcs:?} ({} tags)", scripts.len()));
        }
        for (css, attr) in [
            (
                "link[rel~=stylesheet], link[rel~=icon], link[rel~=preload]",
                "href",
            ),
            ("script[src]", "src"),
            ("img[src]", "src"),
            ("iframe[src]", "src"),
            ("source[src]", "src"),
        ] {
            for url in page.attrs(css, attr) {
                let external =
                    url.starts_with("//") || (url.contains("://") && !url.starts_with(origin));
                if external {
                    problems.push(format!("{file}: loads {url} from another host"));
                }
            }
        }
        if page
            .select("style")
            .iter()
            .any(|s| s.inner_html().contains("@font-face"))
        {
            problems.push(format!("{file}: inline web font"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
