#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan+UBSan) and run each for a set time.
#
#   bash fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets: extract_pdf extract_html extract_markdown diff selector stored_text report (default:
# all). Seeds come from snapshots/, fuzz/regressions/ and, when $GUIDETRACK_CORPUS is set (default
# ../shared/corpus beside the checkout), from the real corpus (PDF pages cut out with qpdf when it
# is installed, GOV.UK HTML pages). The working corpus of each target is kept in
# $BUILD/corpus/<target> so later runs start where earlier ones stopped. Crashes, leaks, timeouts
# and violated properties are kept in $BUILD/crashes/<target>/; copy a minimised one into
# fuzz/regressions/<target>/ once fixed, and tests/test_regressions.cpp replays it in CI.
# Executions per target go to $BUILD/summary.tsv (for RELIABILITY.md).
#
# libFuzzer runs in fork mode with -ignore_crashes, so one known crash does not stop the search
# for others. LeakSanitizer uses fuzz/lsan.supp (a one-off fontconfig allocation inside poppler).
#
# Environment: GUIDETRACK_FUZZ_BUILD (default build-fuzz), GUIDETRACK_FUZZ_JOBS (parallel
# libFuzzer worker processes per target, default 1), GUIDETRACK_FUZZ_RSS_MB (default 2048),
# GT_FUZZ_SKIP (properties not to check, e.g. "edit-runs,error-lines" for findings already
# reported; see fuzz/fuzz_checks.hpp).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
secs="${1:-60}"
shift || true
all=(extract_pdf extract_html extract_markdown diff selector stored_text report)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
build="${GUIDETRACK_FUZZ_BUILD:-build-fuzz}"
mkdir -p "$build"
build="$(cd "$build" && pwd)"
jobs="${GUIDETRACK_FUZZ_JOBS:-1}"
rss="${GUIDETRACK_FUZZ_RSS_MB:-2048}"
if [ -z "${GUIDETRACK_CORPUS:-}" ] && [ -d ../shared/corpus ]; then
  GUIDETRACK_CORPUS="$(cd ../shared/corpus && pwd)"
fi
corpus="${GUIDETRACK_CORPUS:-}"

command -v clang++ >/dev/null || { echo "fuzz: clang++ is not installed" >&2; exit 2; }

echo "== build ($build, clang, libFuzzer + ASan + UBSan)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DGUIDETRACK_FUZZ=ON -DGUIDETRACK_TESTS=OFF >/dev/null
cmake --build "$build" -j 2 --target $(printf 'fuzz_%s ' "${targets[@]}")

seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"

# Seed files for one target: its kept regressions, and the hand-written seeds in fuzz/seeds/.
seed_dir() {
  local t="$1" d="$seeds/$1"
  mkdir -p "$d"
  for src in "fuzz/regressions/$t" "fuzz/seeds/$t"; do
    [ -d "$src" ] && find "$src" -maxdepth 1 -type f -exec cp {} "$d/" \;
  done
  echo "$d"
}

make_seeds() {
  local t="$1" d
  d="$(seed_dir "$t")"
  case "$t" in
    extract_pdf)
      if [ -n "$corpus" ] && command -v qpdf >/dev/null; then
        local n=0
        for pdf in "$corpus"/wt2023/*.pdf "$corpus"/kcsie2024/*.pdf; do
          [ -f "$pdf" ] || continue
          for page in 1 26 42 161; do
            n=$((n + 1))
            qpdf --empty --pages "$pdf" "$page" -- "$d/corpus-$n.pdf" 2>/dev/null || rm -f "$d/corpus-$n.pdf"
          done
        done
      fi ;;
    extract_html | report)
      if [ -n "$corpus" ]; then
        # awk reads the whole list (head would close the pipe: find dies of SIGPIPE, and with
        # pipefail the script stopped with exit 141 before the report target).
        find "$corpus/govuk" -name '*.html' -size -200k 2>/dev/null | sort | awk 'NR <= 40' |
          while read -r f; do cp "$f" "$d/$(echo "$f" | cksum | cut -d' ' -f1).html"; done
      fi ;;
    extract_markdown | stored_text)
      cp snapshots/sample/*.md "$d/" ;;
    diff)
      for pair in "1 2" "2 3" "1 3"; do
        set -- $pair
        { printf '\000'; cat "snapshots/sample/v$1.md"; printf '\000'; cat "snapshots/sample/v$2.md"; } \
          >"$d/sample-v$1-v$2"
      done ;;
    selector)
      for s in v1 v2 v3 latest latest~1 latest~2 latest~9 2023-06-01 2024-02-23 abcd ../x sample; do
        printf '%s' "$s" >"$d/$(printf '%s' "$s" | cksum | cut -d' ' -f1)"
      done ;;
  esac
  if [ "$t" = report ]; then
    for pair in "1 2" "2 3"; do
      set -- $pair
      { cat "snapshots/sample/v$1.md"; printf '\000'; cat "snapshots/sample/v$2.md"; } >"$d/sample-v$1-v$2"
    done
  fi
}

summary="$build/summary.tsv"
[ -f "$summary" ] || printf 'date\ttarget\tseconds\texecutions\tcorpus_files\tcrashes\n' >"$summary"
status=0
for t in "${targets[@]}"; do
  make_seeds "$t"
  work="$build/corpus/$t"
  crashes="$build/crashes/$t"
  mkdir -p "$work" "$crashes"
  logs="$build/logs/$t"
  rm -rf "$logs"
  mkdir -p "$logs"
  log="$logs/main.log"
  echo "== fuzz_$t for ${secs}s"
  before=$(find "$crashes" -type f | wc -l)
  set +e
  # Fork mode's workers keep their temporary files in the current folder.
  cd "$logs"
  ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
  LSAN_OPTIONS="suppressions=$root/fuzz/lsan.supp" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build/fuzz/fuzz_$t" "$work" "$seeds/$t" \
      -max_total_time="$secs" -timeout=25 -rss_limit_mb="$rss" -malloc_limit_mb="$rss" \
      -max_len=262144 -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1
  rc=$?
  cd "$root"
  set -e
  after=$(find "$crashes" -type f | wc -l)
  # Fork mode reports progress as "#RUNS: cov: ..."; the last such line has the total.
  runs=$(grep -ho '^#[0-9]*:' "$log" 2>/dev/null | tail -1 | tr -dc 0-9)
  runs="${runs:-0}"
  files=$(find "$work" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$t" "$secs" "$runs" "$files" \
    "$((after - before))" >>"$summary"
  echo "   $runs executions, corpus $files files, new crashes: $((after - before)) (exit $rc)"
  if [ "$after" -gt "$before" ] || [ "$rc" -ne 0 ]; then
    status=1
    grep -h -m3 -E 'ERROR: |PROPERTY VIOLATED|runtime error' "$logs"/*.log || true
  fi
done
echo "== summary: $summary"
exit $status
