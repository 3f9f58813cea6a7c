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
#                    sizes above 10,000 (e.g. 100000) run once per command, like-for-like only
#   BENCH_BIG_RUNS   rounds for sizes above 10,000                       (1)
#   BENCH_SEED       corpus seed                                         (1)
#   BENCH_HUGO_MAX   sizes above it time attache alone (Hugo ran out of 24 GiB at 100,000
#                    articles, and the OOM kill upset the timings that followed)   (none)
#   BENCH_SERVE_SCENARIO  0 skips the serve edit scenario (examples/serve_bench.rs)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/attache-bench}
SHM=${BENCH_SHM:-/dev/shm}
RUNS=${BENCH_RUNS:-5}
BIG_RUNS=${BENCH_BIG_RUNS:-1}
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
need curl curl

if [ ! -d "$SHM" ] || [ ! -w "$SHM" ]; then
    warn "$SHM is not a writable folder; outputs go to $WORK/shm (on disk) instead"
    SHM="$WORK/shm"
fi
mkdir -p "$WORK" "$RESULTS" "$SHM"

# Formats seconds for people: "412 ms" or "3.52 s".
fmt_s() { awk -v s="$1" 'BEGIN { if (s == "" || s == "-") print "–"; else if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'; }
fmt_mib() { awk -v k="$1" 'BEGIN { if (k == "" || k == "-") print "–"; else if (k >= 1048576) printf "%.2f GiB", k / 1048576; else printf "%.0f MiB", k / 1024 }'; }
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
echo "machine load before: $(uptime)"
# One cargo run for all three: the examples' dev-dependencies change the library's
# features, so building them apart compiles attache again each time.
cargo build --release --example corpus
ATTACHE_OK=1
if ! cargo build --release --bin attache --example corpus --example serve_bench; then
    warn "cargo build --release failed: attache steps are skipped"
    ATTACHE_OK=0
fi

HUGO_VERSION=$(hugo version | awk '{ print $2 }')
NPROC=$(nproc)
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
LOADS=()
HUGO_FAILED=()   # sizes Hugo did not complete
HUGO_SKIPPED=()  # sizes above BENCH_HUGO_MAX
HUGO_MAX=${BENCH_HUGO_MAX:-}

# Per size and command: wall median, CPU (user + system), peak RSS in KiB.
# Commands: al = attache, like-for-like (related: false); hl = Hugo, like-for-like (no related);
#           ar = attache with its related articles; hr = Hugo with its related articles.
declare -A MED CPUT RSS
SMALLEST=""
LARGEST=""   # the largest size of 10,000 or fewer: disk and serve figures are taken there
for n in $SIZES; do
    if [ -z "$SMALLEST" ]; then SMALLEST=$n; fi
    if [ "$n" -le 10000 ]; then LARGEST=$n; fi
done
if [ -z "$LARGEST" ]; then LARGEST=$SMALLEST; fi

A_OUT="$SHM/attache-out"
# The previous output attache keeps beside its output, to stage the next build in: removed
# with the output wherever a build must start from nothing.
A_KEPT="$SHM/.attache-out.attache-old"
H_OUT="$SHM/hugo-out"

# The attache site without related articles: its own site.yaml, the same content and theme.
norelated_site() {
    local n=$1 dir="$WORK/attache-norel-$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$WORK/attache-$n/site.yaml" "$dir/site.yaml"
    printf 'related: false\n' >>"$dir/site.yaml"
    ln -s "../attache-$n/content" "$dir/content"
    ln -s "../attache-$n/themes" "$dir/themes"
}

# The Hugo site's layouts without the related-articles block, as layouts-norelated/.
norelated_layouts() {
    local site=$1
    rm -rf "$site/layouts-norelated"
    cp -r "$site/layouts" "$site/layouts-norelated"
    perl -0pi -e 's/\{\{ with first 5 \(site\.RegularPages\.Related \.\) \}\}.*?<\/section>\s*\{\{ end \}\}//s' \
        "$site/layouts-norelated/_default/single.html"
    if grep -q Related "$site/layouts-norelated/_default/single.html"; then
        echo "could not remove related articles from the Hugo layouts" >&2
        exit 1
    fi
}

cmd_for() {
    local what=$1 n=$2 out=$3
    case $what in
        al) echo "$ATTACHE build --root $WORK/attache-norel-$n -o $out --quiet" ;;
        hl) echo "hugo --quiet -s $WORK/hugo-$n --layoutDir layouts-norelated -d $out" ;;
        ar) echo "$ATTACHE build --root $WORK/attache-$n -o $out --quiet" ;;
        hr) echo "hugo --quiet -s $WORK/hugo-$n -d $out" ;;
    esac
}
out_for() { case $1 in a*) echo "$2/attache-out" ;; h*) echo "$2/hugo-out" ;; esac; }

for n in $SIZES; do
    if [ "$n" -gt 20000 ]; then
        need_kib=$((n * 30))
        avail=$(df --output=avail -k "$WORK" | tail -1)
        if [ "$avail" -lt $((need_kib * 2)) ]; then
            warn "$n articles need about $((need_kib / 1024)) MiB in $WORK and only $((avail / 1024)) MiB are free: skipped"
            continue
        fi
    fi
    say "Generating $n articles (seed $SEED)"
    "$CORPUS" -n "$n" --seed "$SEED" --theme "$ROOT/themes/briefing" --force \
        --out "$WORK/attache-$n" --hugo-out "$WORK/hugo-$n"
    norelated_site "$n"
    norelated_layouts "$WORK/hugo-$n"

    whats="al hl ar hr"
    runs=$RUNS
    if [ "$n" -gt 10000 ]; then whats="al hl"; runs=$BIG_RUNS; fi
    a_ok=$ATTACHE_OK
    if [ "$a_ok" = 1 ]; then
        rm -rf "$A_OUT" "$A_KEPT"
        if ! $(cmd_for al "$n" "$A_OUT") || ! $(cmd_for ar "$n" "$A_OUT"); then
            warn "attache build failed on the $n-article site: attache is skipped at this size"
            a_ok=0
        fi
    fi
    # Hugo must build cleanly, or the comparison is meaningless; above 10,000 articles it
    # may not complete at all (at 100,000 the kernel's OOM killer stopped it on a 24 GiB
    # machine): attache is then timed alone. Nothing of attache's is left on tmpfs, where
    # it would take memory from Hugo.
    rm -rf "$A_OUT" "$A_KEPT" "$H_OUT"
    h_ok=1
    if [ -n "$HUGO_MAX" ] && [ "$n" -gt "$HUGO_MAX" ]; then
        warn "Hugo is not run above $HUGO_MAX articles (BENCH_HUGO_MAX): attache is timed alone at this size"
        h_ok=0
        HUGO_SKIPPED+=("$n")
    elif ! $(cmd_for hl "$n" "$H_OUT"); then
        if [ "$n" -le 10000 ]; then
            echo "Hugo failed on the $n-article site" >&2
            exit 1
        fi
        warn "Hugo did not complete the $n-article site (killed for want of memory? see dmesg): attache is timed alone at this size"
        h_ok=0
        HUGO_FAILED+=("$n")
    fi
    rm -rf "$H_OUT"

    say "Timing $n articles, outputs on $SHM ($runs rounds)"
    LOADS+=("$n articles: $(uptime | sed 's/.*load average/load average/')")
    json="$RESULTS/hyperfine-$n.json"
    cmds=()
    used=()
    for w in $whats; do
        if [ "$a_ok" != 1 ] && [ "${w:0:1}" = a ]; then MED[$n,$w]=-; CPUT[$n,$w]=-; continue; fi
        if [ "$h_ok" != 1 ] && [ "${w:0:1}" = h ]; then MED[$n,$w]=-; CPUT[$n,$w]=-; continue; fi
        cmds+=("$(cmd_for "$w" "$n" "$(out_for "$w" "$SHM")")")
        used+=("$w")
    done
    # Each run starts from an empty output folder (Hugo does not clean its destination).
    alternate "$json" "$runs" "rm -rf $A_OUT $A_KEPT $H_OUT" "${cmds[@]}"
    for i in "${!used[@]}"; do
        read -r MED[$n,${used[$i]}] CPUT[$n,${used[$i]}] < <(hf_stats "$json" "$i")
    done

    say "Peak memory, $n articles (one build each)"
    for w in $whats; do
        RSS[$n,$w]=-
        if [ "$a_ok" != 1 ] && [ "${w:0:1}" = a ]; then continue; fi
        if [ "$h_ok" != 1 ] && [ "${w:0:1}" = h ]; then continue; fi
        rm -rf "$A_OUT" "$A_KEPT" "$H_OUT"
        # shellcheck disable=SC2046
        RSS[$n,$w]=$(peak_rss $(cmd_for "$w" "$n" "$(out_for "$w" "$SHM")"))
    done
    rm -rf "$A_OUT" "$A_KEPT" "$H_OUT"

    printf '\n%-28s %12s %12s %12s\n' "$n articles" "wall median" "CPU (u+s)" "peak RSS"
    for w in $whats; do
        case $w in al) label="attache, like-for-like" ;; hl) label="Hugo, like-for-like" ;;
            ar) label="attache with related" ;; hr) label="Hugo with related" ;; esac
        printf '%-28s %12s %12s %12s\n' "$label" "$(fmt_s "${MED[$n,$w]}")" "$(fmt_s "${CPUT[$n,$w]}")" "$(fmt_mib "${RSS[$n,$w]}")"
    done
    if [ "$n" -gt 10000 ]; then
        rm -rf "$WORK/attache-$n" "$WORK/hugo-$n" "$WORK/attache-norel-$n"
    fi
done

n=$LARGEST
say "Outputs on disk under $WORK, $n articles: first build and one-article rebuild ($DISK_RUNS rounds)"
LOADS+=("disk: $(uptime | sed 's/.*load average/load average/')")
DISK="$WORK/disk"
mkdir -p "$DISK"
DA_OUT="$DISK/attache-out"
DA_KEPT="$DISK/.attache-out.attache-old"
DH_OUT="$DISK/hugo-out"
a_ok=$ATTACHE_OK
if [ "${MED[$n,al]:--}" = - ]; then a_ok=0; fi
cmds=()
if [ "$a_ok" = 1 ]; then cmds+=("$(cmd_for al "$n" "$DA_OUT")"); fi
cmds+=("$(cmd_for hl "$n" "$DH_OUT")")
json="$RESULTS/hyperfine-$n-disk-first.json"
alternate "$json" "$DISK_RUNS" "sh -c 'rm -rf $DA_OUT $DA_KEPT $DH_OUT; sync'" "${cmds[@]}"
declare -A DMED DCPU
i=0
if [ "$a_ok" = 1 ]; then read -r DMED[first,a] DCPU[first,a] < <(hf_stats "$json" 0); i=1; else DMED[first,a]=-; DCPU[first,a]=-; fi
read -r DMED[first,h] DCPU[first,h] < <(hf_stats "$json" "$i")

# One article edited before every rebuild (a sentence appended, in both sites), then synced,
# so each rebuild starts from a clean page cache state and sees one changed article.
article_rel=$(cd "$WORK/attache-$n/content/articles" && find . -name '*.md' | sort | sed -n '2p')
EDIT="$WORK/edit-one-article.sh"
cat >"$EDIT" <<EOS
#!/bin/sh
echo "An added sentence \$(date +%s%N)." >>"$WORK/attache-$n/content/articles/$article_rel"
echo "An added sentence \$(date +%s%N)." >>"$WORK/hugo-$n/content/articles/$article_rel"
sync
EOS
chmod +x "$EDIT"
json="$RESULTS/hyperfine-$n-disk-rebuild.json"
alternate "$json" "$DISK_RUNS" "$EDIT" "${cmds[@]}"
i=0
if [ "$a_ok" = 1 ]; then read -r DMED[re,a] DCPU[re,a] < <(hf_stats "$json" 0); i=1; else DMED[re,a]=-; DCPU[re,a]=-; fi
read -r DMED[re,h] DCPU[re,h] < <(hf_stats "$json" "$i")
# Which files one rebuild wrote: those newer than a stamp taken before it.
declare -A NEWER TOTAL
"$EDIT"
touch "$DISK/stamp"
sleep 0.01
for w in a h; do
    NEWER[$w]=-; TOTAL[$w]=-
    if [ "$w" = a ] && [ "$a_ok" != 1 ]; then continue; fi
    out=$(out_for "$w" "$DISK")
    $(cmd_for "${w}l" "$n" "$out")
    NEWER[$w]=$(find "$out" -type f -newer "$DISK/stamp" | wc -l)
    TOTAL[$w]=$(find "$out" -type f | wc -l)
done
rm -rf "$DISK"

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

# attache serve's memory: after its first build, and after serving pages compressed.
S_START=-; S_AFTER=-; S_PAGES=0
if [ "$ATTACHE_OK" = 1 ]; then
    say "attache serve: memory on the $n-article site"
    log="$RESULTS/serve-memory.log"
    "$ATTACHE" serve --root "$WORK/attache-$n" --port 0 >"$log" 2>&1 &
    spid=$!
    url=""
    for _ in $(seq 1 600); do
        url=$(sed -n 's/^Serving .* at \(http[^ ]*\)$/\1/p' "$log" | head -1)
        if [ -n "$url" ]; then break; fi
        sleep 0.1
    done
    if [ -n "$url" ]; then
        S_START=$(awk '/VmHWM/ { print $2 }' "/proc/$spid/status")
        # Every article page, once, as a browser asks for it (brotli).
        for p in $(cd "$WORK/attache-$n/content/articles" && find . -name '*.md' | sed 's|.*/||; s|\.md$||' | sort); do
            curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' "${url}articles/$p/" && S_PAGES=$((S_PAGES + 1))
        done
        curl -s -o /dev/null -H 'Accept-Encoding: br, gzip' "${url}search/manifest.json"
        S_AFTER=$(awk '/VmHWM/ { print $2 }' "/proc/$spid/status")
    else
        warn "attache serve did not start: see $log"
    fi
    kill "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
fi

SERVE_LINES=""
if [ "$ATTACHE_OK" = 1 ] && [ "${BENCH_SERVE_SCENARIO:-1}" != 0 ]; then
    say "attache serve: edits to the page showing them, and idle, $LARGEST articles"
    serve_log="$RESULTS/serve-$LARGEST.txt"
    if "$ROOT/target/release/examples/serve_bench" "$WORK/attache-$LARGEST" \
        --runs "${BENCH_SERVE_RUNS:-30}" --heavy-runs "${BENCH_SERVE_HEAVY_RUNS:-10}" \
        --idle-secs "${BENCH_SERVE_IDLE:-10}" | tee "$serve_log"; then
        SERVE_LINES=$(sed -n '/^rebuild alone (no watcher):/,$p' "$serve_log")
    else
        warn "the serve scenario failed: skipped"
    fi
fi
LOADS+=("end: $(uptime | sed 's/.*load average/load average/')")

row() {
    # label, size, attache key, hugo key
    local label=$1 n=$2 a=$3 h=$4
    echo "| $label | $(fmt_s "${MED[$n,$a]:-}") | $(fmt_s "${MED[$n,$h]:-}") | $(ratio "${MED[$n,$a]:-}" "${MED[$n,$h]:-}") | $(fmt_s "${CPUT[$n,$a]:-}") | $(fmt_s "${CPUT[$n,$h]:-}") | $(ratio "${CPUT[$n,$a]:-}" "${CPUT[$n,$h]:-}") | $(fmt_mib "${RSS[$n,$a]:-}") | $(fmt_mib "${RSS[$n,$h]:-}") | $(ratio "${RSS[$n,$a]:-}" "${RSS[$n,$h]:-}") |"
}

say "Summary (Markdown)"
SUMMARY="$RESULTS/summary.md"
{
    echo "Benchmark of \`attache build\` against Hugo $HUGO_VERSION, $DATE, attache $REV,"
    echo "$NPROC CPUs ($CPU), corpus seed $SEED; medians of $RUNS rounds after 1 warm-up round ($BIG_RUNS above 10,000 articles), the commands alternating within each round"
    echo "($DISK_RUNS on disk). CPU is user + system time. Ratios are attache / Hugo: below 1× attache is faster (or smaller)."
    echo "Machine load: $(IFS=';'; echo "${LOADS[*]}")."
    if [ "$ATTACHE_OK" != 1 ]; then echo; echo "**attache did not build: its cells are empty.**"; fi
    echo
    echo "Like-for-like (the same pages, lists, search index content; no related articles on either side), outputs on tmpfs:"
    echo
    echo "| site | attache wall | Hugo wall | wall ratio | attache CPU | Hugo CPU | CPU ratio | attache peak RSS | Hugo peak RSS | RSS ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        if [ -n "${MED[$n,hl]:-}" ]; then row "$n articles" "$n" al hl; fi
    done
    echo
    echo "Each with its own related articles (not the same work: attache scores the 25 nearest articles in time in each list, Hugo scans whole lists):"
    echo
    echo "| site | attache wall | Hugo wall | wall ratio | attache CPU | Hugo CPU | CPU ratio | attache peak RSS | Hugo peak RSS | RSS ratio |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        if [ -n "${MED[$n,hr]:-}" ]; then row "$n articles, with related" "$n" ar hr; fi
    done
    echo
    for n in $SIZES; do
        if [ "$n" -gt 10000 ] && [ -n "${MED[$n,al]:-}" ] && [ "${MED[$LARGEST,al]:--}" != - ]; then
            echo "Growth from $LARGEST to $n articles ($(ratio "$n" "$LARGEST") the content), like-for-like: attache $(ratio "${MED[$n,al]}" "${MED[$LARGEST,al]}") wall, $(ratio "${CPUT[$n,al]}" "${CPUT[$LARGEST,al]}") CPU; Hugo $(ratio "${MED[$n,hl]}" "${MED[$LARGEST,hl]}") wall, $(ratio "${CPUT[$n,hl]}" "${CPUT[$LARGEST,hl]}") CPU."
        fi
    done
    for n in "${HUGO_SKIPPED[@]}"; do
        echo "Hugo was not run on the $n-article site (BENCH_HUGO_MAX=$HUGO_MAX), so its cells are empty."
    done
    for n in "${HUGO_FAILED[@]}"; do
        echo "Hugo did not complete the $n-article site: the build was stopped (by the kernel's OOM killer when memory ran out, if \`dmesg\` says so), so its cells are empty."
    done
    if [ "$SMALLEST" != "$LARGEST" ]; then
        echo "Growth from $SMALLEST to $LARGEST articles ($(ratio "$LARGEST" "$SMALLEST") the content), like-for-like: attache $(ratio "${MED[$LARGEST,al]:-}" "${MED[$SMALLEST,al]:-}"), Hugo $(ratio "${MED[$LARGEST,hl]:-}" "${MED[$SMALLEST,hl]:-}") (wall-clock medians)."
    fi
    echo
    echo "On disk ($WORK), $LARGEST articles, like-for-like sites:"
    echo
    echo "| build | attache wall | Hugo wall | wall ratio | attache CPU | Hugo CPU | files written (attache) | files written (Hugo) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    echo "| first build, empty output folder | $(fmt_s "${DMED[first,a]}") | $(fmt_s "${DMED[first,h]}") | $(ratio "${DMED[first,a]}" "${DMED[first,h]}") | $(fmt_s "${DCPU[first,a]}") | $(fmt_s "${DCPU[first,h]}") | ${TOTAL[a]} | ${TOTAL[h]} |"
    echo "| rebuild after editing one article | $(fmt_s "${DMED[re,a]}") | $(fmt_s "${DMED[re,h]}") | $(ratio "${DMED[re,a]}" "${DMED[re,h]}") | $(fmt_s "${DCPU[re,a]}") | $(fmt_s "${DCPU[re,h]}") | ${NEWER[a]} of ${TOTAL[a]} | ${NEWER[h]} of ${TOTAL[h]} |"
    echo
    echo "attache's rebuild on disk takes $(ratio "${DMED[re,a]}" "${MED[$LARGEST,al]:-}") its build time on tmpfs (from an empty folder). Each timed rebuild is staged in the output the build before it kept (the warm-up round's rebuild, from a first build, had none to stage in)."
    if [ "$S_START" != - ]; then
        echo
        echo "\`attache serve\` on the $LARGEST-article site (with related articles): peak RSS $(fmt_mib "$S_START") after its first build; $(fmt_mib "$S_AFTER") after serving all $S_PAGES article pages and the search manifest compressed (brotli) once each."
    fi
    echo
    echo "Shipped briefing (attache only): $(fmt_s "$B_MED") wall, $(fmt_s "$B_CPU") CPU."
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
