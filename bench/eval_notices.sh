#!/usr/bin/env bash
# Evaluate change notices against GOV.UK's official paragraph-level change notes (see
# bench/eval_notices.py for the method). Figures go to BENCHMARKS.md, section "Notices".
# Usage: bench/eval_notices.sh [GUIDETRACK_BINARY] [--markdown]
# The corpus is $GUIDETRACK_CORPUS, else ../shared/corpus beside the checkout.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$here/build/guidetrack}"
shift || true
corpus="${GUIDETRACK_CORPUS:-$here/../shared/corpus}"
if [ ! -d "$corpus/govuk" ]; then
  echo "eval_notices: no corpus at $corpus (set GUIDETRACK_CORPUS)" >&2
  exit 2
fi
if [ ! -x "$bin" ]; then
  echo "eval_notices: no guidetrack binary at $bin (build first: bash scripts/build.sh)" >&2
  exit 2
fi
exec python3 "$here/bench/eval_notices.py" "$bin" "$corpus" "$@"
