#!/usr/bin/env bash
# Store benchmark: replay the history of the Open Terms Archive "pga-versions" bundle (4,857
# commits over 134 Markdown documents) into a fresh store, one snapshot per changed document per
# commit, in commit order. Reports snapshots/s, store size against the bundle, `guidetrack log`
# time for the document with most versions, peak memory, and the rate of one `guidetrack snapshot`
# process per snapshot for comparison.
# Usage: bash bench/bench_store_replay.sh [BUILD_DIR]   (default build-bench; configured here)
# Needs $GUIDETRACK_CORPUS (default ../shared/corpus) and /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
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
git -C "$work/src" log --reverse --raw --no-abbrev --no-renames --diff-filter=AM \
  --format='C %H %ct' > "$work/list.txt"
grep '^:' "$work/list.txt" | grep '\.md$' | awk '{print $4}' \
  | git -C "$work/src" cat-file --batch > "$work/blobs.bin"
commits=$(git -C "$work/src" rev-list --count HEAD)

# 1. The replay, in one process.
/usr/bin/time -v -o "$work/time.txt" "$build/bench/store_replay" "$work/list.txt" "$work/blobs.bin" \
  "$work/store" > "$work/replay.txt" 2> "$work/replay.err" || { cat "$work/replay.err"; exit 1; }
replay=$(cat "$work/replay.txt")
peak_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$work/time.txt")
snapshots=$(sed -E 's/.*snapshots=([0-9]+).*/\1/' <<<"$replay")
rate=$(sed -E 's/.*rate=([0-9]+).*/\1/' <<<"$replay")
secs=$(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$replay")
merge_secs=$(sed -E 's/.*merge_seconds=([0-9.]+).*/\1/' <<<"$replay")
cpu_secs=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/time.txt")
store_bytes=$(du -sb "$work/store" | cut -f1)
bundle_bytes=$(stat -c %s "$bundle")
packs_before=$(ls "$work/store/objects/pack/"*.pack | wc -l)
fsck=ok; git --git-dir="$work/store" fsck --strict --no-dangling >/dev/null 2>&1 || fsck=FAILED

# 2. `guidetrack log` on the document with most versions (best and median of 5 runs).
export GUIDETRACK_STORE="$work/store"
top=$(for d in $("$gt" list --json | python3 -c 'import json,sys; [print(d["id"]) for d in json.load(sys.stdin)]'); do
        echo "$(git --git-dir="$work/store" for-each-ref "refs/tags/$d/" | wc -l) $d"; done | sort -rn | head -1)
top_n=${top%% *}; top_id=${top#* }
times=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N); "$gt" log "$top_id" > /dev/null; t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000 )))
done
log_ms=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1/1000}')
log_best=$(printf '%s\n' "${times[@]}" | sort -n | head -1 | awk '{printf "%.1f", $1/1000}')


# 4. One process per snapshot (the CLI as a script would call it), on the first 200 snapshots.
mkdir -p "$work/files"
n=0
while read -r mode1 mode2 old new status path; do
  n=$((n + 1)); [ $n -le 200 ] || break
  git -C "$work/src" cat-file blob "$new" > "$work/files/$n.md"
done < <(grep '^:' "$work/list.txt" | grep '\.md$' | tr '\t' ' ')
export GUIDETRACK_STORE="$work/store-cli"
"$gt" init >/dev/null
"$gt" track bench --title "CLI bench" --format md >/dev/null
t0=$(date +%s%N)
for i in $(seq 1 200); do "$gt" snapshot bench "$work/files/$i.md" >/dev/null; done
t1=$(date +%s%N)
cli_rate=$(awk -v ns=$((t1 - t0)) 'BEGIN {printf "%.0f", 200 / (ns / 1e9)}')

ratio=$(awk -v a="$store_bytes" -v b="$bundle_bytes" 'BEGIN {printf "%.2f", a / b}')
mib() { awk -v x="$1" 'BEGIN {printf "%.1f MiB", x / 1048576}'; }
cat <<REPORT
commits in bundle:         $commits
replay:                    $replay
snapshots per second:      $rate ($snapshots snapshots in ${secs} s wall, one process; then a full merge into one pack: ${merge_secs} s)
CPU time (whole run):      ${cpu_secs} s user+system (the machine may be shared: wall time depends on its load)
store size:                $(mib "$store_bytes") in $packs_before pack(s); bundle $(mib "$bundle_bytes"); ratio ${ratio}x
git fsck --strict:         $fsck
log ($top_id, $top_n versions): median ${log_ms} ms, best ${log_best} ms (5 runs, whole process)
peak memory (replay):      $((peak_kb / 1024)) MiB
CLI, process per snapshot: $cli_rate snapshots/s (first 200 snapshots)
REPORT
