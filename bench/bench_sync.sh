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

git init -q --bare "$work/by-sync.git"
timed "$work/t-sync.txt" "$gt" --store "$work/store" sync --push-only \
  --remote "$work/by-sync.git" > "$work/sync.out"
read -r sync_wall sync_user sync_sys < "$work/t-sync.txt"
git init -q --bare "$work/by-libgit2.git"
timed "$work/t-lib.txt" env GUIDETRACK_SYNC_TRANSPORT=libgit2 "$gt" --store "$work/store" sync \
  --push-only --remote "$work/by-libgit2.git" > "$work/sync-lib.out"
read -r lib_wall lib_user lib_sys < "$work/t-lib.txt"
lib_cpu=$(python3 -c "print(f'{$lib_user + $lib_sys:.2f}')")
lib_mib=$(du -sm "$work/by-libgit2.git" | cut -f1)
git init -q --bare "$work/by-git.git"
timed "$work/t-git.txt" git --git-dir="$work/store" push -q "$work/by-git.git" \
  'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*'
read -r git_wall git_user git_sys < "$work/t-git.txt"
ratios=$(python3 -c "
sw, sc = $sync_wall, $sync_user + $sync_sys
gw, gc = $git_wall, $git_user + $git_sys
print(f'{sc:.2f} {gc:.2f} {sw / max(gw, 0.001):.1f} {sc / max(gc, 0.001):.1f}')")
read -r sync_cpu git_cpu wall_ratio cpu_ratio <<<"$ratios"
same=$(diff <(git --git-dir="$work/by-sync.git" for-each-ref) \
  <(git --git-dir="$work/by-git.git" for-each-ref) >/dev/null && echo yes || echo NO)
sync_mib=$(du -sm "$work/by-sync.git" | cut -f1)
git_mib=$(du -sm "$work/by-git.git" | cut -f1)

# Incremental: one more version of one document, then sync again.
doc=$(git --git-dir="$work/store" for-each-ref --format='%(refname:lstrip=2)' refs/heads | head -1)
printf '# Benchmark\n\nOne more paragraph at %s.\n' "$(date +%s%N)" \
  | "$gt" --store "$work/store" snapshot "$doc" - --format md >/dev/null
t4=$(now)
"$gt" --store "$work/store" sync > "$work/sync2.out"
t5=$(now)

echo "store: $commits commits, $refs refs, $store_mib MiB ($(cat "$work/replay.txt"))"
echo "| push of the whole store to an empty remote | wall s | CPU s (user+sys) | remote MiB |"
echo "|---|---|---|---|"
echo "| guidetrack sync (its push by git, git installed) | $sync_wall | $sync_cpu | $sync_mib |"
echo "| guidetrack sync, GUIDETRACK_SYNC_TRANSPORT=libgit2 | $lib_wall | $lib_cpu | $lib_mib |"
echo "| git push | $git_wall | $git_cpu | $git_mib |"
echo "ratio (guidetrack sync / git push): ${cpu_ratio}x CPU, ${wall_ratio}x wall; same refs on both remotes: $same"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "incremental sync of one new version: $(secs "$t4" "$t5") s"
