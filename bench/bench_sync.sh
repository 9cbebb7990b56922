#!/usr/bin/env bash
# Sync benchmark: push a store holding a long history to an empty remote with `guidetrack sync`
# (whose push is git's when git is installed), with its libgit2 push, and with `git push` of the
# same refs, in the same run, and give the ratio.
# The store is the store benchmark's replay of the Open Terms Archive "pga-versions" bundle
# (bench/store_replay, thousands of versions over 134 Markdown documents); with LIMIT, only the
# first LIMIT commits of the bundle are replayed. Also times an incremental sync (one new version).
# Usage: bash bench/bench_sync.sh [BUILD_DIR] [LIMIT]   (default build-bench; configured here)
# Needs $GUIDETRACK_CORPUS (default ../shared/corpus) and /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
limit="${2:-0}"
corpus="${GUIDETRACK_CORPUS:-../shared/corpus}"
bundle="$corpus/ota-pga/pga-versions.bundle"
[ -f "$bundle" ] || { echo "no bundle at $bundle (set GUIDETRACK_CORPUS)"; exit 77; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

cmake -S . -B "$build" -DGUIDETRACK_BENCH=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target store_replay guidetrack >/dev/null
gt="$PWD/$build/guidetrack"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$bundle" "$work/src" 2>/dev/null
range=HEAD
if [ "$limit" -gt 0 ]; then
  range=$(git -C "$work/src" rev-list --reverse HEAD | sed -n "${limit}p")
fi
git -C "$work/src" log --reverse --raw --no-abbrev --no-renames --diff-filter=AM \
  --format='C %H %ct' "$range" > "$work/list.txt"
grep '^:' "$work/list.txt" | grep '\.md$' | awk '{print $4}' \
  | git -C "$work/src" cat-file --batch > "$work/blobs.bin"
"$build/bench/store_replay" "$work/list.txt" "$work/blobs.bin" "$work/store" > "$work/replay.txt"
commits=$(git --git-dir="$work/store" rev-list --all | wc -l)
refs=$(git --git-dir="$work/store" for-each-ref | wc -l)
store_mib=$(du -sm "$work/store" | cut -f1)

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
# "wall user sys" into a file, children included (git push runs pack-objects and receive-pack).
timed() { local out="$1"; shift; /usr/bin/time -f "%e %U %S" -o "$out" "$@"; }

# Three rounds, alternating the three pushes, each into a fresh empty remote; medians. (Most of
# a first push's system time is the remote writing one ref file per ref, which varies from run
# to run with the file system's state, so a single run is noisy.)
rounds=3
for i in $(seq 1 $rounds); do
  git init -q --bare "$work/by-sync-$i.git"
  timed "$work/t-sync-$i.txt" "$gt" --store "$work/store" sync --push-only \
    --remote "$work/by-sync-$i.git" > "$work/sync.out"
  git init -q --bare "$work/by-libgit2-$i.git"
  timed "$work/t-lib-$i.txt" env GUIDETRACK_SYNC_TRANSPORT=libgit2 "$gt" --store "$work/store" \
    sync --push-only --remote "$work/by-libgit2-$i.git" > "$work/sync-lib.out"
  git init -q --bare "$work/by-git-$i.git"
  timed "$work/t-git-$i.txt" git --git-dir="$work/store" push -q "$work/by-git-$i.git" \
    'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*'
done
# "wall cpu user sys" medians of one tool's rounds.
medians() {
  python3 -c "
import statistics, sys
rows = [list(map(float, open(f).read().split())) for f in sys.argv[1:]]
w = statistics.median(r[0] for r in rows)
c = statistics.median(r[1] + r[2] for r in rows)
u = statistics.median(r[1] for r in rows)
s = statistics.median(r[2] for r in rows)
print(f'{w:.2f} {c:.2f} {u:.2f} {s:.2f}')" "$@"
}
read -r sync_wall sync_cpu sync_user sync_sys <<<"$(medians "$work"/t-sync-*.txt)"
read -r lib_wall lib_cpu lib_user lib_sys <<<"$(medians "$work"/t-lib-*.txt)"
read -r git_wall git_cpu git_user git_sys <<<"$(medians "$work"/t-git-*.txt)"
ratios=$(python3 -c "
print(f'{$sync_wall / max($git_wall, 0.001):.1f} {$sync_cpu / max($git_cpu, 0.001):.1f} \\
{$sync_user / max($git_user, 0.001):.1f}')")
read -r wall_ratio cpu_ratio user_ratio <<<"$ratios"
same=$(diff <(git --git-dir="$work/by-sync-1.git" for-each-ref) \
  <(git --git-dir="$work/by-git-1.git" for-each-ref) >/dev/null && echo yes || echo NO)
sync_mib=$(du -sm "$work/by-sync-1.git" | cut -f1)
lib_mib=$(du -sm "$work/by-libgit2-1.git" | cut -f1)
git_mib=$(du -sm "$work/by-git-1.git" | cut -f1)

# Incremental: one more version of one document, then sync again.
doc=$(git --git-dir="$work/store" for-each-ref --format='%(refname:lstrip=2)' refs/heads | head -1)
printf '# Benchmark\n\nOne more paragraph at %s.\n' "$(date +%s%N)" \
  | "$gt" --store "$work/store" snapshot "$doc" - --input-format md >/dev/null
t4=$(now)
"$gt" --store "$work/store" sync > "$work/sync2.out"
t5=$(now)

echo "store: $commits commits, $refs refs, $store_mib MiB ($(cat "$work/replay.txt"))"
echo "| push of the whole store to an empty remote (median of $rounds) | wall s | CPU s (user+sys) | user s | sys s | remote MiB |"
echo "|---|---|---|---|---|---|"
echo "| guidetrack sync (its push by git, git installed) | $sync_wall | $sync_cpu | $sync_user | $sync_sys | $sync_mib |"
echo "| guidetrack sync, GUIDETRACK_SYNC_TRANSPORT=libgit2 | $lib_wall | $lib_cpu | $lib_user | $lib_sys | $lib_mib |"
echo "| git push | $git_wall | $git_cpu | $git_user | $git_sys | $git_mib |"
echo "ratio (guidetrack sync / git push): ${cpu_ratio}x CPU, ${user_ratio}x user CPU, ${wall_ratio}x wall; same refs on both remotes: $same"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "incremental sync of one new version: $(secs "$t4" "$t5") s"
