#!/usr/bin/env bash
# Install, build and run guidetrack's main job on the bundled sample document:
# record three versions into a fresh store, show the history, the diff and the change notice.
# Usage: bash scripts/demo.sh [STORE_DIR]   (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build >/dev/null

gt="$PWD/build/guidetrack"
store="${1:-$(mktemp -d)/store}"
export GUIDETRACK_STORE="$store"
sample=snapshots/sample

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
# diff and notice exit 1 when they find changes: that is their answer, not a failure.
step_changes() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@" || [ $? -eq 1 ]; }

echo "guidetrack demo: store at $store"
step "$gt" init
step "$gt" track sample --title "Keeping Learners Safe in Sample Town (SAMPLE)" --input-format md \
  --publisher "guidetrack sample"
tail -n +2 "$sample/versions.tsv" | while IFS=$'\t' read -r file label date _; do
  step "$gt" snapshot sample "$sample/$file" --label "$label" --date "$date"
done
step "$gt" snapshot sample "$sample/v3.md" --label again
step "$gt" log sample
step_changes "$gt" diff sample 2024-01 2024-02 --no-pager
step_changes "$gt" diff sample --no-pager
step "$gt" notice sample 2024-01 2024-02
step "$gt" notice sample 2024-02 2024-06
report="$(dirname "$store")/sample-notice.html"
step "$gt" notice sample 2024-01 2024-02 --format html --out "$report"
echo
echo "HTML report written to $report"
