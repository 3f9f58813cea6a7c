#!/usr/bin/env python3
"""What a search downloads, in headless Chromium: attache's search page and Pagefind's.

    search_transfer.py SITE_DIR QUERY...

SITE_DIR is a built attache site, with Pagefind's index in SITE_DIR/pagefind/ when Pagefind
is compared. The script serves it on 127.0.0.1 itself and writes down every file the
browser asks for, so requests made by Web Workers (Pagefind searches in one) count as well
as the page's own. For each query, a fresh browser opens the search page, which runs the
search and shows (attache) or loads (Pagefind, through its JavaScript API) the first ten
results; every search file requested is counted at its size compressed with gzip -6 (files
Pagefind stores compressed are counted as stored). Prints one JSON line per engine and
query: files, bytes, and for attache how long after the last byte arrived the results were
on the page.

Talks WebDriver to chromedriver (on PATH) over plain HTTP; standard library only.
"""

import functools
import gzip
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

SHOWN = 10

PAGEFIND_PAGE = """<!doctype html><meta charset="utf-8"><title>Pagefind</title>
<script type="module">
const q = new URLSearchParams(location.search).get("q");
const pagefind = await import("/pagefind/pagefind.js");
await pagefind.init();
const search = await pagefind.search(q);
const data = await Promise.all(search.results.slice(0, %d).map(r => r.data()));
window.__done = { results: search.results.length, shown: data.length };
</script>""" % SHOWN

ATTACHE_DONE = """
const marks = performance.getEntriesByName('attache-search-results');
if (!marks.length) return null;
const search = performance.getEntriesByType('resource');
const status = document.querySelector('.search-status');
return { after: marks[marks.length - 1].startTime - Math.max(0, ...search.map(e => e.responseEnd)),
         status: status ? status.textContent : '' };
"""

PAGEFIND_DONE = "return window.__done || null;"



class Requests:
    """The paths the site's server was asked for, in order, from any client."""

    def __init__(self):
        self.lock = threading.Lock()
        self.paths = []

    def add(self, path):
        with self.lock:
            self.paths.append(path)

    def take(self):
        with self.lock:
            paths, self.paths = self.paths, []
        return paths


def serve(site, requests):
    """Serves SITE on a free port of 127.0.0.1 in a thread; returns the server."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requests.add(urllib.parse.urlparse(self.path).path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")["value"]


def compressed(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":  # stored compressed (Pagefind's index files)
        return len(raw)
    return len(gzip.compress(raw, 6))


def main():
    site, queries = sys.argv[1], sys.argv[2:]
    requests = Requests()
    server = serve(site, requests)
    origin = "http://127.0.0.1:%d" % server.server_address[1]
    with open(os.path.join(site, "pagefind-search.html"), "w") as f:
        f.write(PAGEFIND_PAGE)
    port = free_port()
    driver = subprocess.Popen(["chromedriver", "--port=%d" % port],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    try:
        for _ in range(100):
            try:
                call(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        engines = [("attache", "/search/?q=", ATTACHE_DONE)]
        if os.path.isdir(os.path.join(site, "pagefind")):
            engines.append(("pagefind", "/pagefind-search.html?q=", PAGEFIND_DONE))
        for engine, page, done in engines:
            for query in queries:
                # A fresh browser for every query: nothing cached.
                caps = {"capabilities": {"alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {"args": ["--headless", "--no-sandbox",
                                                    "--disable-gpu", "--disable-dev-shm-usage"]},
                }}}
                session = call(base, "POST", "/session", caps)["sessionId"]
                s = "/session/" + session
                requests.take()
                try:
                    call(base, "POST", s + "/url",
                         {"url": origin + page + urllib.parse.quote(query)})
                    result = None
                    for _ in range(600):
                        result = call(base, "POST", s + "/execute/sync",
                                      {"script": done, "args": []})
                        if result:
                            break
                        time.sleep(0.05)
                finally:
                    call(base, "DELETE", s)
                files = []
                for path in dict.fromkeys(requests.take()):
                    # What search costs, not the page around it (stylesheet, icon).
                    if not path.startswith(("/search/", "/search.js", "/pagefind/")):
                        continue
                    local = os.path.join(site, urllib.parse.unquote(path).lstrip("/"))
                    if os.path.isfile(local):
                        files.append((path, compressed(local)))
                print(json.dumps({
                    "engine": engine, "query": query, "files": len(files),
                    "bytes": sum(n for _, n in files), "done": result,
                    "largest": sorted(files, key=lambda f: -f[1])[:3],
                }), flush=True)
    finally:
        driver.terminate()
        driver.wait(10)
        server.shutdown()


if __name__ == "__main__":
    main()
