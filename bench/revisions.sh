#!/usr/bin/env bash
# Times `attache build` of the same generated site at several revisions of attache, each with
# its own theme, in alternating rounds: what a change cost (or saved) a site that does not
# use it. Each revision is built in release mode in a worktree of its own.
#
#   bench/revisions.sh REV [REV...]        e.g. bench/revisions.sh 7f36a48 1e86988 HEAD
#
# Environment (all optional):
#   BENCH_DIR        work folder (worktrees, binaries, the site)     (/tmp/attache-revisions)
#   BENCH_SHM        tmpfs folder for the build outputs              (/dev/shm)
#   BENCH_ARTICLES   articles in the generated site                  (10000)
#   BENCH_RUNS       rounds after one warm-up round                  (7)
#   BENCH_SEED       corpus seed                                     (1)
#   BENCH_SITE_YAML  lines appended to every revision's site.yaml    (none)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/attache-revisions}
SHM=${BENCH_SHM:-/dev/shm}
N=${BENCH_ARTICLES:-10000}
RUNS=${BENCH_RUNS:-7}
SEED=${BENCH_SEED:-1}
if [ $# -eq 0 ]; then
    echo "usage: bench/revisions.sh REV [REV...]" >&2
    exit 2
fi
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
mkdir -p "$WORK"

say "the corpus generator (release), $N articles, seed $SEED"
(cd "$ROOT" && cargo build --release --quiet --example corpus)
CONTENT="$WORK/site-$N"
rm -rf "$CONTENT"
"$ROOT/target/release/examples/corpus" -n "$N" --seed "$SEED" --out "$CONTENT" \
    --theme "$ROOT/themes/briefing" >/dev/null

cmds=()
for rev in "$@"; do
    short=$(git -C "$ROOT" rev-parse --short "$rev")
    tree="$WORK/tree-$short"
    bin="$WORK/attache-$short"
    if [ ! -x "$bin" ]; then
        say "attache at $short (release)"
        rm -rf "$tree"
        git -C "$ROOT" worktree add --force --detach "$tree" "$short" >/dev/null
        # Shares the release folder's dependencies; the touch makes cargo rebuild attache
        # itself, whose fingerprint does not tell one checkout from another.
        find "$tree/src" -name '*.rs' -exec touch {} +
        (cd "$tree" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release --quiet --bin attache)
        cp "$ROOT/target/release/attache" "$bin"
    fi
    # The revision's site: the same content, that revision's theme.
    site="$WORK/site-$short"
    rm -rf "$site"
    mkdir -p "$site/themes"
    cp "$CONTENT/site.yaml" "$site/site.yaml"
    if [ -n "${BENCH_SITE_YAML:-}" ]; then printf '%s\n' "$BENCH_SITE_YAML" >>"$site/site.yaml"; fi
    ln -s "$CONTENT/content" "$site/content"
    git -C "$ROOT" archive "$short" themes/briefing | tar -x -C "$site"
    "$bin" build --root "$site" -o "$SHM/attache-rev-$short" --quiet
    cmds+=("$bin build --root $site -o $SHM/attache-rev-$short --quiet")
done
# The cargo builds above left target/release/attache at the last revision: build it again
# at the checkout's own state before anything else uses it.
find "$ROOT/src" -name '*.rs' -exec touch {} +

say "timing ($RUNS rounds after a warm-up; load: $(uptime | sed 's/.*load average: //'))"
json="$WORK/revisions.json"
hyperfine -N --warmup 1 --runs "$RUNS" --prepare "rm -rf $SHM/attache-rev-* $SHM/.attache-rev-*" \
    --export-json "$json" "${cmds[@]}"
first=$(jq -r '.results[0].median' "$json")
printf '\n| revision | wall median | CPU (user + system) | against the first |\n|---|---:|---:|---:|\n'
i=0
for rev in "$@"; do
    jq -r --arg rev "$(git -C "$ROOT" rev-parse --short "$rev")" --argjson first "$first" \
        ".results[$i] | \"| \(\$rev) | \(.median * 1000 | round) ms | \((.user + .system) * 1000 | round) ms | \(.median / \$first * 100 | round / 100)× |\"" "$json"
    i=$((i + 1))
done
rm -rf "$SHM"/attache-rev-* "$SHM"/.attache-rev-*
