#!/usr/bin/env bash
# Issue 17's table in one run: every row as guidetrack against its peer (CPU time, user + system,
# median of paired alternating runs; see bench/bench_speed.py).
# Usage: bash bench/bench_speed.sh [BUILD_DIR] [RUNS] [ROWS]
#   BUILD_DIR default build-bench (configured RelWithDebInfo here); RUNS default 5;
#   ROWS a comma list of version,diff,history,replay (default all).
# Needs $GUIDETRACK_CORPUS (default ../shared/corpus) for the KCSIE and ota-pga rows, git, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
runs="${2:-5}"
rows="${3:-version,diff,history,replay}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target guidetrack >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/bench_speed.py "$build/guidetrack" "$work" --runs "$runs" --only "$rows"
