#!/usr/bin/env bash
# Benchmarks `attache build` against Hugo on generated corpora of the same content.
# See bench/README.md for what each figure means and what is still unequal.
#
# Environment (all optional):
#   BENCH_DIR        work folder for the generated sites and results   (/tmp/attache-bench)
#   BENCH_SHM        tmpfs folder for the build outputs                  (/dev/shm)
#   BENCH_RUNS       hyperfine runs per command                          (5)
#   BENCH_DISK_RUNS  hyperfine runs for the on-disk build                (3)
#   BENCH_SERVE_RUNS        article and stylesheet edits in the serve scenario  (30)
#   BENCH_SERVE_HEAVY_RUNS  adds, deletes, renames, retitles in it              (10)
#   BENCH_SERVE_IDLE        seconds the server is watched doing nothing         (10)
#   BENCH_SIZES      article counts, smallest first                      ("1000 10000")
#   BENCH_SEED       corpus seed                                         (1)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/attache-bench}
SHM=${BENCH_SHM:-/dev/shm}
RUNS=${BENCH_RUNS:-5}
DISK_RUNS=${BENCH_DISK_RUNS:-3}
SIZES=${BENCH_SIZES:-"1000 10000"}
SEED=${BENCH_SEED:-1}
RESULTS="$WORK/results"
ATTACHE="$ROOT/target/release/attache"
CORPUS="$ROOT/target/release/examples/corpus"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
warn() { printf '\033[33mwarning:\033[0m %s\n' "$*" >&2; }

# Installs a Debian package when its command is missing (we are root on the bench machines).
need() {
    local cmd=$1 pkg=$2
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
        warn "$cmd not found; installing $pkg"
        if [ "$(id -u)" = 0 ]; then
            apt-get install -y "$pkg" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$pkg" >/dev/null; }
        else
            echo "run: sudo apt-get install -y $pkg" >&2
            exit 1
        fi
    fi
}
need hyperfine hyperfine
need hugo hugo
need /usr/bin/time time
need jq jq

if [ ! -d "$SHM" ] || [ ! -w "$SHM" ]; then
    warn "$SHM is not a writable folder; outputs go to $WORK/shm (on disk) instead"
    SHM="$WORK/shm"
fi
mkdir -p "$WORK" "$RESULTS" "$SHM"

# Formats seconds for people: "412 ms" or "3.52 s".
fmt_s() { awk -v s="$1" 'BEGIN { if (s == "" || s == "-") print "–"; else if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "-") print "–"; else printf "%.0f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b == 0) print "–"; else printf "%.2f×", a / b }'; }

# hyperfine JSON → "median cpu" for the command at position $2 (0-based); cpu = user + system means.
hf_stats() { jq -r ".results[$2] | \"\(.median) \(.user + .system)\"" "$1"; }

# Times commands in rounds, one run of each per round in turn, so that drift on a shared
# machine falls on all of them alike; the first round is a warm-up and is dropped. Writes
# a hyperfine-style JSON ($1) with, per command, the median wall time and the mean user
# and system times, which hf_stats reads.
alternate() {
    local json=$1 runs=$2 prepare=$3
    shift 3
    local dir r
    dir=$(mktemp -d)
    echo "warm-up round"
    hyperfine -N --runs 1 --prepare "$prepare" --export-json "$dir/warmup.json" "$@" >/dev/null
    for r in $(seq 1 "$runs"); do
        echo "round $r of $runs"
        hyperfine -N --runs 1 --prepare "$prepare" --export-json "$dir/round-$r.json" "$@" \
            | grep -E '^Benchmark|Time' || true
    done
    jq -s '{results: [range(0; .[0].results | length) as $i
        | {command: .[0].results[$i].command,
           times: [.[].results[$i].times[0]],
           user: ([.[].results[$i].user] | add / length),
           system: ([.[].results[$i].system] | add / length)}
        | .median = (.times | sort | if length % 2 == 1 then .[(length - 1) / 2]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end)]}' \
        "$dir"/round-*.json >"$json"
    rm -rf "$dir"
}

# Peak RSS in KiB of one run of a command.
peak_rss() {
    local log
    log=$(mktemp)
    if /usr/bin/time -v "$@" >/dev/null 2>"$log"; then
        awk -F': ' '/Maximum resident set size/ { print $2 }' "$log"
    else
        cat "$log" >&2
        echo "-"
    fi
    rm -f "$log"
}

say "Building (release)"
cd "$ROOT"
cargo build --release --example corpus
ATTACHE_OK=1
if ! cargo build --release; then
    warn "cargo build --release failed: attache steps are skipped"
    ATTACHE_OK=0
fi

HUGO_VERSION=$(hugo version | awk '{ print $2 }')
NPROC=$(nproc)
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')

declare -A A_MED A_CPU H_MED H_CPU A_RSS H_RSS L_MED L_CPU
SMALLEST=""
LARGEST=""
for n in $SIZES; do
    if [ -z "$SMALLEST" ]; then SMALLEST=$n; fi
    LARGEST=$n
done

A_OUT="$SHM/attache-out"
H_OUT="$SHM/hugo-out"

for n in $SIZES; do
    say "Generating $n articles (seed $SEED)"
    "$CORPUS" -n "$n" --seed "$SEED" --theme "$ROOT/themes/briefing" --force \
        --out "$WORK/attache-$n" --hugo-out "$WORK/hugo-$n"

    a_ok=$ATTACHE_OK
    if [ "$a_ok" = 1 ]; then
        rm -rf "$A_OUT"
        if ! "$ATTACHE" build --root "$WORK/attache-$n" -o "$A_OUT" --quiet; then
            warn "attache build failed on the $n-article site: attache is skipped at this size"
            a_ok=0
        fi
    fi
    # Hugo must build cleanly, or the comparison is meaningless.
    rm -rf "$H_OUT"
    hugo --quiet -s "$WORK/hugo-$n" -d "$H_OUT"
    # A lighter Hugo site without related articles, which dominate Hugo's time: the
    # conservative comparison (it does less than attache, which still lists related).
    rm -rf "$WORK/hugo-lite-$n"
    cp -r "$WORK/hugo-$n" "$WORK/hugo-lite-$n"
    perl -0pi -e 's/\{\{ with first 5 \(site\.RegularPages\.Related \.\) \}\}.*?<\/section>\s*\{\{ end \}\}//s' \
        "$WORK/hugo-lite-$n/layouts/_default/single.html"
    if grep -q Related "$WORK/hugo-lite-$n/layouts/_default/single.html"; then
        warn "could not remove related articles from the lite Hugo site"
    fi

    say "Timing $n articles, outputs on $SHM ($RUNS runs)"
    json="$RESULTS/hyperfine-$n.json"
    cmds=()
    if [ "$a_ok" = 1 ]; then cmds+=("$ATTACHE build --root $WORK/attache-$n -o $A_OUT --quiet"); fi
    cmds+=("hugo --quiet -s $WORK/hugo-$n -d $H_OUT")
    cmds+=("hugo --quiet -s $WORK/hugo-lite-$n -d $H_OUT")
    # Each run starts from an empty output folder (Hugo does not clean its destination).
    alternate "$json" "$RUNS" "rm -rf $A_OUT $H_OUT" "${cmds[@]}"
    first_hugo=0
    if [ "$a_ok" = 1 ]; then
        read -r A_MED[$n] A_CPU[$n] < <(hf_stats "$json" 0)
        first_hugo=1
    else
        A_MED[$n]=-; A_CPU[$n]=-
    fi
    read -r H_MED[$n] H_CPU[$n] < <(hf_stats "$json" "$first_hugo")
    read -r L_MED[$n] L_CPU[$n] < <(hf_stats "$json" $((first_hugo + 1)))

    say "Peak memory, $n articles (one build each)"
    A_RSS[$n]=-
    if [ "$a_ok" = 1 ]; then
        rm -rf "$A_OUT"
        A_RSS[$n]=$(peak_rss "$ATTACHE" build --root "$WORK/attache-$n" -o "$A_OUT" --quiet)
    fi
    rm -rf "$H_OUT"
    H_RSS[$n]=$(peak_rss hugo --quiet -s "$WORK/hugo-$n" -d "$H_OUT")

    printf '\n%-8s %12s %12s %12s\n' "$n" "wall median" "CPU (u+s)" "peak RSS"
    printf '%-8s %12s %12s %12s\n' attache "$(fmt_s "${A_MED[$n]}")" "$(fmt_s "${A_CPU[$n]}")" "$(fmt_mib "${A_RSS[$n]}")"
    printf '%-8s %12s %12s %12s\n' hugo "$(fmt_s "${H_MED[$n]}")" "$(fmt_s "${H_CPU[$n]}")" "$(fmt_mib "${H_RSS[$n]}")"
    printf '%-8s %12s %12s %12s\n' hugo-lite "$(fmt_s "${L_MED[$n]}")" "$(fmt_s "${L_CPU[$n]}")" ""
    printf '%-8s %12s %12s %12s\n' ratio "$(ratio "${A_MED[$n]}" "${H_MED[$n]}")" \
        "$(ratio "${A_CPU[$n]}" "${H_CPU[$n]}")" "$(ratio "${A_RSS[$n]}" "${H_RSS[$n]}")"
    rm -rf "$A_OUT" "$H_OUT"
done

n=$LARGEST
say "Timing $n articles, outputs on disk under $WORK ($DISK_RUNS runs)"
DA_OUT="$WORK/out-attache"
DH_OUT="$WORK/out-hugo"
json="$RESULTS/hyperfine-$n-disk.json"
a_ok=$ATTACHE_OK
if [ "${A_MED[$n]}" = - ]; then a_ok=0; fi
cmds=()
if [ "$a_ok" = 1 ]; then cmds+=("$ATTACHE build --root $WORK/attache-$n -o $DA_OUT --quiet"); fi
cmds+=("hugo --quiet -s $WORK/hugo-$n -d $DH_OUT")
alternate "$json" "$DISK_RUNS" "rm -rf $DA_OUT $DH_OUT" "${cmds[@]}"
DA_MED=-; DA_CPU=-
if [ "$a_ok" = 1 ]; then
    read -r DA_MED DA_CPU < <(hf_stats "$json" 0)
    read -r DH_MED DH_CPU < <(hf_stats "$json" 1)
else
    read -r DH_MED DH_CPU < <(hf_stats "$json" 0)
fi
rm -rf "$DA_OUT" "$DH_OUT"

B_MED=-; B_CPU=-
if [ "$ATTACHE_OK" = 1 ]; then
    say "Timing the shipped briefing ($ROOT)"
    B_OUT="$SHM/attache-briefing"
    if "$ATTACHE" build --root "$ROOT" -o "$B_OUT" --quiet; then
        json="$RESULTS/hyperfine-briefing.json"
        hyperfine -N --warmup 3 --min-runs 20 --prepare "rm -rf $B_OUT" --export-json "$json" \
            "$ATTACHE build --root $ROOT -o $B_OUT --quiet"
        read -r B_MED B_CPU < <(hf_stats "$json" 0)
    else
        warn "attache build of the shipped briefing failed: skipped"
    fi
    rm -rf "$B_OUT"
fi

SERVE_LINES=""
if [ "$ATTACHE_OK" = 1 ]; then
    say "attache serve: edits to the page showing them, and idle, $LARGEST articles"
    cargo build --release --example serve_bench
    serve_log="$RESULTS/serve-$LARGEST.txt"
    if "$ROOT/target/release/examples/serve_bench" "$WORK/attache-$LARGEST" \
        --runs "${BENCH_SERVE_RUNS:-30}" --heavy-runs "${BENCH_SERVE_HEAVY_RUNS:-10}" \
        --idle-secs "${BENCH_SERVE_IDLE:-10}" | tee "$serve_log"; then
        SERVE_LINES=$(sed -n '/^rebuild alone (no watcher):/,$p' "$serve_log")
    else
        warn "the serve scenario failed: skipped"
    fi
fi

say "Growth from $SMALLEST to $LARGEST articles"
A_GROWTH=$(ratio "${A_MED[$LARGEST]}" "${A_MED[$SMALLEST]}")
H_GROWTH=$(ratio "${H_MED[$LARGEST]}" "${H_MED[$SMALLEST]}")
SIZE_RATIO=$(ratio "$LARGEST" "$SMALLEST")
echo "attache: $A_GROWTH (linear would be $SIZE_RATIO); hugo: $H_GROWTH"

say "Summary (Markdown)"
SUMMARY="$RESULTS/summary.md"
{
    echo "Benchmark of \`attache build\` against Hugo $HUGO_VERSION, $DATE, attache $REV,"
    echo "$NPROC CPUs ($CPU), corpus seed $SEED; medians of $RUNS rounds after 1 warm-up round, the commands alternating within each round"
    echo "($DISK_RUNS on disk). CPU is user + system time. Ratios are attache / Hugo: below 1× attache is faster."
    if [ "$ATTACHE_OK" != 1 ]; then echo; echo "**attache did not build: its cells are empty.**"; fi
    echo
    echo "| site | attache wall | Hugo wall | wall ratio | attache CPU | Hugo CPU | CPU ratio | attache peak RSS | Hugo peak RSS | RSS ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        echo "| $n articles, output on tmpfs | $(fmt_s "${A_MED[$n]}") | $(fmt_s "${H_MED[$n]}") | $(ratio "${A_MED[$n]}" "${H_MED[$n]}") | $(fmt_s "${A_CPU[$n]}") | $(fmt_s "${H_CPU[$n]}") | $(ratio "${A_CPU[$n]}" "${H_CPU[$n]}") | $(fmt_mib "${A_RSS[$n]}") | $(fmt_mib "${H_RSS[$n]}") | $(ratio "${A_RSS[$n]}" "${H_RSS[$n]}") |"
    done
    for n in $SIZES; do
        echo "| $n articles, Hugo without related articles | $(fmt_s "${A_MED[$n]}") | $(fmt_s "${L_MED[$n]}") | $(ratio "${A_MED[$n]}" "${L_MED[$n]}") | $(fmt_s "${A_CPU[$n]}") | $(fmt_s "${L_CPU[$n]}") | $(ratio "${A_CPU[$n]}" "${L_CPU[$n]}") | | | |"
    done
    echo "| $LARGEST articles, output on disk | $(fmt_s "$DA_MED") | $(fmt_s "$DH_MED") | $(ratio "$DA_MED" "$DH_MED") | $(fmt_s "$DA_CPU") | $(fmt_s "$DH_CPU") | $(ratio "$DA_CPU" "$DH_CPU") | | | |"
    echo "| shipped briefing (attache only) | $(fmt_s "$B_MED") | | | $(fmt_s "$B_CPU") | | | | | |"
    echo
    echo "Growth from $SMALLEST to $LARGEST articles ($SIZE_RATIO the content): attache $A_GROWTH, Hugo $H_GROWTH (wall-clock medians)."
    if [ -n "$SERVE_LINES" ]; then
        echo
        echo "\`attache serve\` on the $LARGEST-article site (${BENCH_SERVE_RUNS:-30} runs of each edit, ${BENCH_SERVE_HEAVY_RUNS:-10} of those that move pages):"
        echo
        echo '```'
        echo "$SERVE_LINES"
        echo '```'
    fi
} | tee "$SUMMARY"
echo
echo "Raw hyperfine JSON and this summary: $RESULTS/"
