#!/usr/bin/env bash
# Benchmarks `attache pack` (PDF): the shipped briefing, and the largest topic of generated
# sites of several sizes, to see the time and peak memory grow with the number of articles.
# See bench/README.md ("Packs") for what each figure means.
#
# Environment (all optional):
#   BENCH_DIR         work folder for the generated sites and results     (/tmp/attache-bench)
#   BENCH_SHM         tmpfs folder for the PDFs                            (/dev/shm)
#   BENCH_RUNS        rounds per command, after one warm-up round          (3)
#   BENCH_PACK_SIZES  article counts of the generated sites, smallest first ("250 1000")
#   BENCH_SEED        corpus seed                                          (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/attache-bench}
SHM=${BENCH_SHM:-/dev/shm}
RUNS=${BENCH_RUNS:-3}
SIZES=${BENCH_PACK_SIZES:-"250 1000"}
SEED=${BENCH_SEED:-1}
RESULTS="$WORK/results"
ATTACHE="$ROOT/target/release/attache"
CORPUS="$ROOT/target/release/examples/corpus"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

for cmd in hyperfine jq /usr/bin/time pdfinfo; do
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
        echo "missing $cmd: apt-get install hyperfine jq time poppler-utils" >&2
        exit 1
    fi
done
if [ ! -d "$SHM" ] || [ ! -w "$SHM" ]; then SHM="$WORK/shm"; fi
mkdir -p "$WORK" "$RESULTS" "$SHM"

fmt_s() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

# Median wall time and mean CPU (user + system) of `runs` runs of one command, after a
# warm-up run, as "median cpu".
timed() {
    local json=$1
    shift
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$json" "$*" >/dev/null
    jq -r '.results[0] | "\(.median) \(.user + .system)"' "$json"
}

# Peak RSS in KiB of one run.
peak_rss() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log"
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$log"
    rm -f "$log"
}

# The id of the topic with the most articles in a generated site, and how many it has.
largest_topic() {
    grep -rh '^topics:' "$1/content/articles" \
        | sed 's/^topics: *\[//; s/\]//' | tr ',' '\n' | tr -d ' "' \
        | sort | uniq -c | sort -rn | head -1 | awk '{ print $2, $1 }'
}

say "Building (release)"
cd "$ROOT"
# One cargo run for both: the examples' dev-dependencies change the library's features, so
# building them apart compiles attache twice.
cargo build --release --bin attache --example corpus

ROWS=()
row() {
    # key (for file names), name, articles, root, extra args...
    local key=$1 name=$2 articles=$3 root=$4
    shift 4
    local pdf="$SHM/attache-pack.pdf" med cpu rss pages
    "$ATTACHE" pack --root "$root" "$@" -o "$pdf" --quiet
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    read -r med cpu < <(timed "$RESULTS/pack-$key.json" "$ATTACHE" pack --root "$root" "$@" -o "$pdf" --quiet)
    rss=$(peak_rss "$ATTACHE" pack --root "$root" "$@" -o "$pdf" --quiet)
    local per
    per=$(awk -v m="$med" -v n="$articles" 'BEGIN { if (n > 0) printf "%.1f ms", m * 1000 / n; else print "–" }')
    ROWS+=("| $name | $articles | $pages | $(fmt_s "$med") | $(fmt_s "$cpu") | $(fmt_mib "$rss") | $per |")
    printf '%s: %s articles, %s pages, %s wall, %s CPU, %s peak RSS\n' \
        "$name" "$articles" "$pages" "$(fmt_s "$med")" "$(fmt_s "$cpu")" "$(fmt_mib "$rss")"
    echo "$med" >"$RESULTS/pack-$key.median"
}

say "The shipped briefing"
shipped=$(find "$ROOT/content/articles" -name '*.md' | wc -l)
row briefing "shipped briefing, whole" "$shipped" "$ROOT"

SMALL=""
LARGE=""
for n in $SIZES; do
    say "Generating $n articles (seed $SEED)"
    site="$WORK/attache-$n"
    "$CORPUS" -n "$n" --seed "$SEED" --theme "$ROOT/themes/briefing" --force --out "$site" >/dev/null
    read -r topic count < <(largest_topic "$site")
    say "The largest topic of $n articles: $topic ($count articles)"
    row "topic-$n" "$n-article site, topic $topic" "$count" "$site" --topic "$topic"
    if [ -z "$SMALL" ]; then SMALL="$n:$count"; fi
    LARGE="$n:$count"
done

say "Summary (Markdown)"
SUMMARY="$RESULTS/pack-summary.md"
{
    echo "\`attache pack\`, $(date -u '+%Y-%m-%d'), attache $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown),"
    echo "$(nproc) CPUs; medians of $RUNS runs after a warm-up run; CPU is user + system."
    echo
    echo "| pack | articles | pages | wall | CPU | peak RSS | wall per article |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    if [ "$SMALL" != "$LARGE" ]; then
        IFS=: read -r sn sc <<<"$SMALL"
        IFS=: read -r ln lc <<<"$LARGE"
        sm=$(cat "$RESULTS/pack-topic-$sn.median")
        lm=$(cat "$RESULTS/pack-topic-$ln.median")
        echo
        awk -v a="$lc" -v b="$sc" -v x="$lm" -v y="$sm" 'BEGIN {
            printf "Growth from %d to %d articles (%.2f× the articles): %.2f× the time.\n", b, a, a / b, x / y }'
    fi
} | tee "$SUMMARY"
