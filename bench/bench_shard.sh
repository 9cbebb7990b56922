#!/usr/bin/env bash
# check at scale: generated documents served from 127.0.0.1, checked by 1 process and by 4
# `check --shard K/4` processes; list/feed time and store size (see bench/bench_shard.py).
# Usage: bash bench/bench_shard.sh [BUILD_DIR] [DOCS]   (default build-bench, 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
docs="${2:-2000}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target guidetrack >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 bench/bench_shard.py "$build/guidetrack" "$work" --docs "$docs"
