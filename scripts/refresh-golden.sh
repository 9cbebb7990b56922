#!/usr/bin/env bash
# Rewrite the golden files (tests/golden/) from the built binary, on purpose: after a change to a
# notice, a diff view or a renderer (tests/golden/viewer/: the terminal screens, captured in
# tmux). Then read `git diff tests/golden` line by line, as a DSL would read the output, and
# commit the refreshed files with the change that explains them.
# Usage: bash scripts/refresh-golden.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
if [ -z "${GUIDETRACK_CORPUS:-}" ] && [ -d ../shared/corpus ]; then
  export GUIDETRACK_CORPUS="$(cd ../shared/corpus && pwd)"
fi
cmake --build "$build" --target guidetrack >/dev/null
for set in sample corpus; do
  rc=0
  bash tests/golden/golden.sh "$PWD/$build/guidetrack" "$PWD" "$set" --refresh || rc=$?
  if [ "$rc" -eq 77 ]; then
    echo "refresh-golden: corpus files kept as they are (GUIDETRACK_CORPUS is not set)" >&2
  elif [ "$rc" -ne 0 ]; then
    exit "$rc"
  fi
done
# The terminal screens (tests/golden/viewer/), captured in tmux by the viewer's e2e test.
rc=0
if [ -f tests/e2e/viewer_tmux.sh ]; then bash tests/e2e/viewer_tmux.sh "$PWD/$build/guidetrack" "$PWD" --refresh || rc=$?; else rc=77; fi
if [ "$rc" -eq 77 ]; then
  echo "refresh-golden: viewer screens kept as they are (no corpus, tmux or less)" >&2
elif [ "$rc" -ne 0 ]; then
  exit "$rc"
fi
git --no-pager diff --stat -- tests/golden
