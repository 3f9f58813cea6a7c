#!/usr/bin/env bash
# Reader-side figures on the generated site (see bench/README.md, "What a reader downloads"):
# the largest HTML page, what a one-word and a three-word search download (attache and
# Pagefind, measured in headless Chromium), and what the search index adds to build time.
#
# Environment (all optional):
#   BENCH_DIR        work folder                           (/tmp/attache-reader)
#   BENCH_SHM        tmpfs folder for the timed builds' outputs (/dev/shm)
#   BENCH_ARTICLES   articles in the generated site        (10000)
#   BENCH_RUNS       timed builds of each kind                 (3)
#   BENCH_PAGEFIND_RUNS  timed Pagefind runs (each takes about a minute) (BENCH_RUNS)
#   BENCH_SEED       corpus seed                           (1)
#   BENCH_BEFORE     an attache binary from before sharded search, for its one-file index
#   ONE_WORD, THREE_WORDS                                  (gwadar; gwadar memorandum partnership)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/attache-reader}
SHM=${BENCH_SHM:-/dev/shm}
N=${BENCH_ARTICLES:-10000}
RUNS=${BENCH_RUNS:-3}
PAGEFIND_RUNS=${BENCH_PAGEFIND_RUNS:-$RUNS}
SEED=${BENCH_SEED:-1}
ONE=${ONE_WORD:-gwadar}
THREE=${THREE_WORDS:-gwadar memorandum partnership}
ATTACHE="$ROOT/target/release/attache"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "building attache (release) and the corpus generator"
# One cargo run for both: the examples' dev-dependencies change the library's features, so
# building them apart compiles attache twice.
(cd "$ROOT" && cargo build --release --quiet --bin attache --example corpus)

mkdir -p "$WORK"
SITE="$WORK/site-$N"
PLAIN="$WORK/site-$N-nosearch"
if [ ! -d "$SITE" ]; then
    say "generating $N articles"
    "$ROOT/target/release/examples/corpus" -n "$N" --seed "$SEED" --out "$SITE" \
        --theme "$ROOT/themes/briefing"
fi
# The theme as it is now (search.js above all).
rm -rf "$SITE/themes/briefing" && cp -r "$ROOT/themes/briefing" "$SITE/themes/briefing"
rm -rf "$PLAIN" && cp -r "$SITE" "$PLAIN"
printf '\nsearch:\n  enabled: false\n' >> "$PLAIN/site.yaml"

say "build time with and without the search index ($RUNS runs each, alternating)"
# Outputs on tmpfs: on disk, write-back noise is larger than what the index costs. The two
# builds alternate, so that a machine slowing down or speeding up weighs on both alike.
python3 - "$ATTACHE" "$SITE" "$PLAIN" "$SHM" "$RUNS" "$WORK/build.json" <<'PY'
import json, shutil, statistics, subprocess, sys, time
attache, site, plain, shm, runs, out = sys.argv[1:]
times = {"with": [], "without": []}
def build(root, dest):
    shutil.rmtree(dest, ignore_errors=True)
    # And the previous output attache keeps beside it: each build starts from nothing.
    parent, name = dest.rsplit("/", 1)
    shutil.rmtree(f"{parent}/.{name}.attache-old", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([attache, "build", "--root", root, "-o", dest, "--quiet"],
                   check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start
build(site, f"{shm}/attache-reader-a")  # warm-up
for _ in range(int(runs)):
    times["with"].append(build(site, f"{shm}/attache-reader-a"))
    times["without"].append(build(plain, f"{shm}/attache-reader-b"))
json.dump(times, open(out, "w"))
a, b = statistics.median(times["with"]), statistics.median(times["without"])
pairs = statistics.median(x / y for x, y in zip(times["with"], times["without"]))
fast = min(times["with"]) / min(times["without"])
print(f"with the index {a:.3f} s, without {b:.3f} s (medians): the index adds "
      f"{a - b:.3f} s, {100 * (a / b - 1):.1f} % (median of paired ratios {100 * (pairs - 1):.1f} %; "
      f"fastest runs {min(times['with']):.3f} s and {min(times['without']):.3f} s, {100 * (fast - 1):.1f} %)")
PY
rm -rf "$SHM"/attache-reader-a "$SHM"/attache-reader-b "$SHM"/.attache-reader-*.attache-old
OUT="$WORK/out-a"
"$ATTACHE" build --root "$SITE" -o "$OUT" --quiet

say "the largest HTML pages"
find "$OUT" -name '*.html' -printf '%s %P\n' | sort -n | tail -3
say "the search index"
printf 'files: %s, bytes: %s (fragments %s, shards %s)\n' \
    "$(find "$OUT/search" -type f | wc -l)" "$(du -sb "$OUT/search" | cut -f1)" \
    "$(du -sb "$OUT/search/f" | cut -f1)" "$(du -sb "$OUT/search/s" | cut -f1)"

if [ -n "${BENCH_BEFORE:-}" ]; then
    say "before: the one-file index"
    rm -rf "$WORK/out-before"
    "$BENCH_BEFORE" build --root "$SITE" -o "$WORK/out-before" --quiet
    printf 'search-index.json: %s bytes, %s gzipped\n' \
        "$(stat -c %s "$WORK/out-before/search-index.json")" \
        "$(gzip -6c "$WORK/out-before/search-index.json" | wc -c)"
    rm -rf "$WORK/out-before"
fi

PAGEFIND=()
if python3 -m pagefind --version >/dev/null 2>&1; then
    PAGEFIND=(python3 -m pagefind)
elif command -v pagefind >/dev/null; then
    PAGEFIND=(pagefind)
fi
if [ ${#PAGEFIND[@]} -gt 0 ]; then
    say "Pagefind over the same output ($PAGEFIND_RUNS runs)"
    hyperfine --runs "$PAGEFIND_RUNS" --warmup 1 --export-json "$WORK/pagefind.json" \
        --prepare "rm -rf $OUT/pagefind" "${PAGEFIND[*]} --site $OUT --quiet"
    "${PAGEFIND[@]}" --site "$OUT" --quiet
else
    echo "Pagefind not found (pip install 'pagefind[bin]'): attache alone" >&2
fi

say "what a search downloads (headless Chromium; gzip -6 sizes)"
python3 "$ROOT/bench/search_transfer.py" "$OUT" "$ONE" "$THREE" | tee "$WORK/transfer.jsonl"
