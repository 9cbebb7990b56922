#!/usr/bin/env bash
# Check benchmark: `guidetrack check` over 50 tracked documents served by a local HTTP server
# (python3 -m http.server, which honours If-Modified-Since), wall time for
#   1. the first check (50 first versions recorded),
#   2. a check where nothing changed (median of 3; every document should cost one 304),
#   3. a check where 5 documents changed (new versions recorded, notices built).
# Documents: GOV.UK pages from $GUIDETRACK_CORPUS (default ../shared/corpus), the changed five
# replaced by their next version; without the corpus, generated HTML pages of ~300 paragraphs.
# Usage: bash bench/bench_check.sh [BUILD_DIR]   (default build-bench; configured here)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-bench}"
corpus="${GUIDETRACK_CORPUS:-../shared/corpus}"
command -v python3 >/dev/null || { echo "needs python3"; exit 77; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target guidetrack >/dev/null
gt="$PWD/$build/guidetrack"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/docs" "$work/next"

# 50 documents, and a next version for the first 5.
n=0
if [ -d "$corpus/govuk" ]; then
  source_kind="GOV.UK pages from the corpus"
  while IFS= read -r dir; do
    mapfile -t files < <(ls "$dir"/*.html 2>/dev/null | sort)
    for ((i = 0; i < ${#files[@]} && n < 50; i++)); do
      # Pages with a next version supply the changed five first.
      if [ $n -lt 5 ]; then
        [ $((i + 1)) -lt ${#files[@]} ] || continue
        # Only a pair whose extracted text differs is a change guidetrack records.
        cmp -s <("$gt" extract "${files[$i]}") <("$gt" extract "${files[$((i + 1))]}") && continue
        cp "${files[$((i + 1))]}" "$work/next/doc-$n.html"
      fi
      cp "${files[$i]}" "$work/docs/doc-$n.html"
      n=$((n + 1))
      [ $n -le 5 ] && break # one changed document per page
    done
  done < <(find "$corpus/govuk" -type d -name versions | sort)
fi
if [ $n -lt 50 ]; then
  source_kind="generated HTML pages"
  n=0
  for ((d = 0; d < 50; d++)); do
    {
      echo "<!DOCTYPE html><html><head><title>Guidance $d</title></head><body><main>"
      echo "<h1>Guidance document $d</h1>"
      for ((p = 1; p <= 300; p++)); do
        echo "<p>$p. Practitioners should record paragraph $p of document $d, and share it.</p>"
      done
      echo "</main></body></html>"
    } > "$work/docs/doc-$d.html"
    if [ $d -lt 5 ]; then
      sed 's/paragraph 7 of/paragraph 7 (amended) of/; s/<p>40\. .*<\/p>//' \
        "$work/docs/doc-$d.html" > "$work/next/doc-$d.html"
    fi
  done
  n=50
fi
# All files an hour old, so that a replaced one is newer than any Last-Modified seen.
touch -d "1 hour ago" "$work/docs"/*.html

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 "$port" --directory "$work/docs" \
  2> "$work/server.log" >/dev/null &
server_pid=$!
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done

store="$work/store"
"$gt" --store "$store" init >/dev/null
for ((d = 0; d < 50; d++)); do
  "$gt" --store "$store" track "doc-$d" --title "Guidance $d" --input-format html \
    --url "http://127.0.0.1:$port/doc-$d.html" >/dev/null
done

now() { date +%s.%N; }
run_check() { # prints the wall time; expects exit code $1
  local t0 t1 code=0
  t0=$(now)
  "$gt" --store "$store" check > "$work/check.out" 2>&1 || code=$?
  t1=$(now)
  if [ "$code" != "$1" ]; then
    echo "check exited $code, expected $1:" >&2
    cat "$work/check.out" >&2
    exit 1
  fi
  python3 -c "print(f'{$t1 - $t0:.2f}')"
}

first=$(run_check 1)
: > "$work/server.log"
none=()
for _ in 1 2 3; do none+=("$(run_check 0)"); done
not_modified=$(grep -c '" 304 ' "$work/server.log" || true)
full=$(grep -c '" 200 ' "$work/server.log" || true)
none_median=$(printf '%s\n' "${none[@]}" | sort -n | sed -n 2p)

for ((d = 0; d < 5; d++)); do cp "$work/next/doc-$d.html" "$work/docs/doc-$d.html"; done
changed=$(run_check 1)
changed_lines=$(grep -c 'changed: ' "$work/check.out" || true)

echo "documents: 50 ($source_kind), jobs: 4 (default)"
echo "| run | wall s |"
echo "|---|---|"
echo "| first check (50 first versions) | $first |"
echo "| none changed (median of 3: ${none[*]}) | $none_median |"
echo "| 5 changed | $changed |"
echo "requests while nothing changed: $not_modified answered 304, $full answered 200 (of 150)"
echo "documents reported changed in the last run: $changed_lines (the five replaced:)"
grep -E '^doc-[0-4] ' "$work/check.out" | sed 's/^/    /'
