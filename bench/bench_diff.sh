#!/usr/bin/env bash
# Diff benchmark: `guidetrack diff --files OLD NEW --json` against
# `git diff --no-index --word-diff=porcelain OLD NEW` on the same two texts, in the same run, runs
# interleaved so that both see the same machine load.
#
# Cases (inputs made by bench/make_variants.py):
#   - the stored text of the KCSIE 2024 PDF (extracted by guidetrack into a temporary store)
#     against copies with 1% and 30% of its words replaced;
#   - a synthetic 1,000,000-word document (numbered paragraphs) against a copy with 1% replaced;
#   - the same 1,000,000 words as ONE paragraph, 1% replaced (no structure to align: the
#     word-level engine's linear-space fallback does all the work).
# Reports median wall and CPU (user+system) time of RUNS runs, the peak resident memory, the ratio
# of guidetrack to git on CPU time, peak memory over the size of the two inputs, and the size of
# guidetrack's edit script (words removed + added) against the words replaced (2 per replaced word
# is minimal for replacements by a different word).
# Usage: bash bench/bench_diff.sh [BUILD_DIR] [RUNS]   (default build-bench, 3; configured here)
# Needs $GUIDETRACK_CORPUS (default ../shared/corpus), /usr/bin/time, git and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
runs="${2:-3}"
corpus="${GUIDETRACK_CORPUS:-../shared/corpus}"
pdf="$corpus/kcsie2024/Keeping_children_safe_in_education_2024.pdf"
[ -f "$pdf" ] || { echo "no corpus file $pdf (set GUIDETRACK_CORPUS)"; exit 77; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target guidetrack >/dev/null
gt="$PWD/$build/guidetrack"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The KCSIE text exactly as guidetrack stores it.
export GUIDETRACK_STORE="$work/store"
"$gt" track kcsie --title "KCSIE 2024" --format pdf >/dev/null
"$gt" snapshot kcsie "$pdf" --label v2024 >/dev/null
"$gt" show kcsie > "$work/kcsie.md"

mk() { python3 bench/make_variants.py "$@"; }
declare -A replaced
replaced[kcsie-1]=$(mk variant "$work/kcsie.md" "$work/kcsie-1.md" --fraction 0.01 --seed 1 | cut -d' ' -f1)
replaced[kcsie-30]=$(mk variant "$work/kcsie.md" "$work/kcsie-30.md" --fraction 0.30 --seed 2 | cut -d' ' -f1)
mk synthetic "$work/synth.md" --words 1000000 --seed 3 >/dev/null
replaced[synth-1]=$(mk variant "$work/synth.md" "$work/synth-1.md" --fraction 0.01 --seed 4 | cut -d' ' -f1)
mk synthetic "$work/block.md" --words 1000000 --one-block --seed 3 >/dev/null
replaced[block-1]=$(mk variant "$work/block.md" "$work/block-1.md" --fraction 0.01 --seed 4 | cut -d' ' -f1)

# measure NAME CMD...: one run (exit 0 or 1 = success, as for diff); appends "wall cpu maxrss_kb".
measure() {
  local name="$1"; shift
  set +e
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > "$work/out" 2> "$work/err"
  local code=$?
  set -e
  if [ "$code" -gt 1 ]; then echo "failed ($code): $*"; cat "$work/err"; exit 1; fi
  tail -1 "$work/t" | awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' >> "$work/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "| case | words | inputs MiB | tool | wall s (median) | CPU s (median) | peak RSS MiB | CPU ratio | RSS / inputs | edit script |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for case in kcsie-1 kcsie-30 synth-1 block-1; do
  base="${case%-*}"
  a="$work/$base.md"
  b="$work/$case.md"
  words=$(wc -w < "$a")
  bytes=$(( $(stat -c %s "$a") + $(stat -c %s "$b") ))
  mib=$(awk -v b="$bytes" 'BEGIN {printf "%.2f", b / 1048576}')
  for ((i = 0; i < runs; i++)); do
    measure "gt-$case" "$gt" diff --files "$a" "$b" --format md --json
    cp "$work/out" "$work/$case.json"
    measure "git-$case" git diff --no-index --word-diff=porcelain "$a" "$b"
  done
  script=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["words_added"] + s["words_removed"])' "$work/$case.json")
  for tool in gt git; do
    wall=$(cut -d' ' -f1 "$work/$tool-$case" | median)
    cpu=$(cut -d' ' -f2 "$work/$tool-$case" | median)
    rss_kb=$(cut -d' ' -f3 "$work/$tool-$case" | sort -n | tail -1)
    rss=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
    per_input=$(awk -v k="$rss_kb" -v b="$bytes" 'BEGIN {printf "%.1fx", k * 1024 / b}')
    eval "${tool}_cpu=$cpu"
    if [ "$tool" = gt ]; then
      echo "| $case | $words | $mib | guidetrack diff --json | $wall | $cpu | $rss |  | $per_input | $script words for ${replaced[$case]} replaced |"
    else
      ratio=$(awk -v a="$gt_cpu" -v b="$cpu" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}')
      echo "| $case | $words | $mib | git diff --word-diff=porcelain | $wall | $cpu | $rss | $ratio | $per_input |  |"
    fi
  done
done
base_rss=$(/usr/bin/time -f "%M" "$gt" --version 2>&1 >/dev/null | tail -1)
echo
echo "guidetrack --version alone: peak RSS $(awk -v k="$base_rss" 'BEGIN {printf "%.1f", k / 1024}') MiB (the linked libraries)."
