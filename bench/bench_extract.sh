#!/usr/bin/env bash
# Extraction benchmark: `guidetrack extract FILE` on the KCSIE 2024 and WT 2023 PDFs, and on a
# 10,080-page PDF made of 60 copies of WT 2023 (written by qpdf; issue 11's large-PDF aim: under
# 300 MB and under 2x pdftotext's time), against
# `pdftotext FILE` (poppler's own text extraction, no layout analysis) on the same files in the
# same run, runs interleaved so that both see the same machine load. Reports the median wall and
# CPU (user+system) time of RUNS runs, the peak resident memory, and the ratio of guidetrack to
# pdftotext on CPU time (the figure that does not depend on other processes sharing the machine).
# Usage: bash bench/bench_extract.sh [BUILD_DIR] [RUNS]   (default build-bench, 5; configured here)
# Needs $GUIDETRACK_CORPUS (default ../shared/corpus), /usr/bin/time (Debian package `time`) and
# pdftotext (Debian package `poppler-utils`), qpdf (Debian package `qpdf`). The large file runs
# LARGE_RUNS times (default 3; 0 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
runs="${2:-5}"
large_runs="${LARGE_RUNS:-3}"
corpus="${GUIDETRACK_CORPUS:-../shared/corpus}"
files=("$corpus/kcsie2024/Keeping_children_safe_in_education_2024.pdf"
       "$corpus/wt2023/Working_together_to_safeguard_children_2023_-_statutory_guidance.pdf")
for f in "${files[@]}"; do
  [ -f "$f" ] || { echo "no corpus file $f (set GUIDETRACK_CORPUS)"; exit 77; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
command -v pdftotext >/dev/null || { echo "needs pdftotext (apt-get install poppler-utils)"; exit 1; }
command -v qpdf >/dev/null || { echo "needs qpdf (apt-get install qpdf)"; exit 1; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target guidetrack >/dev/null
gt="$PWD/$build/guidetrack"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: one run; appends "wall cpu maxrss_kb" to $work/NAME.
measure() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > /dev/null 2> "$work/err" || {
    echo "failed: $*"; cat "$work/err"; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/t" >> "$work/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [ "$large_runs" -gt 0 ]; then
  copies=()
  for ((i = 0; i < 60; i++)); do copies+=("${files[1]}"); done
  qpdf --empty --pages "${copies[@]}" -- "$work/wt2023-x60.pdf"
  files+=("$work/wt2023-x60.pdf")
fi

echo "| file | pages | tool | wall s (median) | CPU s (median) | peak RSS MiB | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
for f in "${files[@]}"; do
  name=$(basename "$f" .pdf)
  pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
  "$gt" extract "$f" > "$work/blocks.txt" # warm the page cache and check it works
  n=$runs
  [ "$name" = wt2023-x60 ] && n=$large_runs
  for ((i = 0; i < n; i++)); do
    measure "gt-$name" "$gt" extract "$f"
    measure "pt-$name" pdftotext -q "$f" /dev/null
  done
  for tool in gt pt; do
    wall=$(cut -d' ' -f1 "$work/$tool-$name" | median)
    cpu=$(cut -d' ' -f2 "$work/$tool-$name" | median)
    rss=$(cut -d' ' -f3 "$work/$tool-$name" | sort -n | tail -1 | awk '{printf "%.1f", $1/1024}')
    eval "${tool}_cpu=$cpu"
    label=$([ "$tool" = gt ] && echo "guidetrack extract" || echo "pdftotext")
    ratio=""
    [ "$tool" = pt ] && ratio=$(awk -v a="$gt_cpu" -v b="$cpu" 'BEGIN {printf "%.2fx", a / b}')
    echo "| $name | $pages | $label | $wall | $cpu | $rss | $ratio |"
  done
done
