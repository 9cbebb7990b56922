#!/usr/bin/env bash
# Install, build and run guidetrack's main job on the bundled sample document:
# record three versions into a fresh store, show the history, the diff and the change notice;
# then follow a GOV.UK publication with two attachments through a re-issue, served on 127.0.0.1
# from a local fixture (examples/govuk-publication: no network), and audit the publisher's note.
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

echo
echo "A GOV.UK publication, served on 127.0.0.1 from examples/govuk-publication (no network):"
fixture=examples/govuk-publication
site="$(dirname "$store")/govuk-site"
pub=government/publications/keeping-learners-safe
mkdir -p "$site/api/government/publications" "$site/media/aaa111" "$site/media/bbb222" "$site/$pub"
cp "$fixture/2024-01.json" "$site/api/$pub.json"
cp "$sample/v1.md" "$site/media/aaa111/Keeping_learners_safe.md"
cp "$sample/v2.md" "$site/media/bbb222/Keeping_learners_safe.md"
cp "$fixture/quick-guide.html" "$site/$pub/quick-guide.html"
python3 "$fixture/serve.py" "$site" "$site/port" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$site/port" ] && break; sleep 0.1; done
export GUIDETRACK_GOVUK_API="http://127.0.0.1:$(cat "$site/port")/api/content"
guidance=kls-keeping-learners-safe-statutory-guidance
step "$gt" track kls --govuk "https://www.gov.uk/$pub"
step "$gt" check kls --retries 0
echo
echo "(the publisher re-issues it on 23 February 2024: the guidance at a new address, with a note)"
cp "$fixture/2024-02.json" "$site/api/$pub.json"
step_changes "$gt" check kls --retries 0 --audit
step "$gt" log "$guidance"
step "$gt" notice "$guidance" --notes
step_changes "$gt" audit "$guidance"
