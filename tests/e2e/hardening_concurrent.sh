#!/usr/bin/env bash
# Concurrent writers: in each of 25 rounds, four `guidetrack snapshot` processes start at the same
# moment on one store (three on the same document, one on another). Each must either succeed or
# exit with one clear line on stderr; no version that was reported recorded may be missing from
# `guidetrack log`; no ref may point at a missing object; `git fsck --strict` must pass. The 100
# snapshots also cross the store's pack-consolidation threshold while writers are running.
#
# usage: hardening_concurrent.sh GUIDETRACK_BINARY SOURCE_DIR [ROUNDS]
set -uo pipefail
bin="$1"
src="$2"
rounds="${3:-25}"
command -v git >/dev/null || { echo "SKIP: git is not installed"; exit 77; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
store="$tmp/store"
gt() { "$bin" --store "$store" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

gt init >/dev/null || fail "init"
gt track shared --title "Shared guidance" --input-format md >/dev/null || fail "track shared"
gt track other --title "Other guidance" --input-format md >/dev/null || fail "track other"

# ~200 KB per document so that the writers' extraction and writes overlap.
for i in $(seq 1 12); do cat "$src/snapshots/sample/v2.md"; done >"$tmp/base.md"

declare -a recorded_shared=() recorded_other=()
successes=0
failures=0
for ((r = 1; r <= rounds; r++)); do
  pids=()
  for p in 1 2 3 4; do
    doc=shared
    [ "$p" -eq 4 ] && doc=other
    { echo "Round $r writer $p."; echo; cat "$tmp/base.md"; } >"$tmp/in-$p.md"
  done
  # Start all four together: each waits on the same file to appear.
  rm -f "$tmp/go"
  for p in 1 2 3 4; do
    doc=shared
    [ "$p" -eq 4 ] && doc=other
    (
      while [ ! -e "$tmp/go" ]; do :; done
      exec "$bin" --store "$store" snapshot "$doc" "$tmp/in-$p.md" --label "r${r}w$p"
    ) >"$tmp/out-$p" 2>"$tmp/err-$p" &
    pids+=($!)
  done
  touch "$tmp/go"
  for p in 1 2 3 4; do
    wait "${pids[$((p - 1))]}"
    rc=$?
    doc=shared
    [ "$p" -eq 4 ] && doc=other
    if [ "$rc" -eq 0 ]; then
      grep -q "recorded version r${r}w$p" "$tmp/out-$p" ||
        fail "round $r writer $p: exit 0 without recording: $(cat "$tmp/out-$p")"
      successes=$((successes + 1))
      if [ "$doc" = shared ]; then recorded_shared+=("r${r}w$p"); else recorded_other+=("r${r}w$p"); fi
    else
      failures=$((failures + 1))
      lines=$(wc -l <"$tmp/err-$p")
      [ "$rc" -eq 2 ] || [ "$rc" -eq 3 ] || fail "round $r writer $p: exit $rc (crash?): $(head -c 300 "$tmp/err-$p")"
      [ "$lines" -eq 1 ] || fail "round $r writer $p: exit $rc with $lines lines on stderr: $(head -c 300 "$tmp/err-$p")"
      grep -q '^guidetrack: ..' "$tmp/err-$p" || fail "round $r writer $p: unclear message: $(cat "$tmp/err-$p")"
      echo "round $r writer $p failed cleanly: $(cat "$tmp/err-$p")"
    fi
  done
  if [ $((r % 5)) -eq 0 ]; then
    git -C "$store" fsck --strict --no-progress >"$tmp/fsck" 2>&1 ||
      fail "git fsck --strict after round $r: $(grep -v '^dangling' "$tmp/fsck" | head -5)"
  fi
done

git -C "$store" fsck --strict --no-progress >"$tmp/fsck" 2>&1 ||
  fail "git fsck --strict: $(grep -v '^dangling' "$tmp/fsck" | head -5)"
git -C "$store" for-each-ref --format='%(refname) %(objectname)' |
  while read -r ref oid; do
    git -C "$store" cat-file -e "$oid^{commit}" 2>/dev/null || fail "$ref points at missing $oid"
  done || exit 1

gt log shared >"$tmp/log-shared" 2>&1 || fail "log shared: $(head -3 "$tmp/log-shared")"
gt log other >"$tmp/log-other" 2>&1 || fail "log other: $(head -3 "$tmp/log-other")"
for label in "${recorded_shared[@]}"; do
  grep -qw "$label" "$tmp/log-shared" || fail "version $label was reported recorded but is lost"
done
for label in ${recorded_other[@]+"${recorded_other[@]}"}; do
  grep -qw "$label" "$tmp/log-other" || fail "version $label was reported recorded but is lost"
done
# No version appears that nobody reported (e.g. a half-finished retry).
in_history=$(git -C "$store" log --format=%H refs/heads/shared -- text.md | wc -l)
[ "$in_history" -eq "${#recorded_shared[@]}" ] ||
  fail "shared: ${#recorded_shared[@]} versions reported but $in_history in history"
tags=$(git -C "$store" for-each-ref refs/tags/shared/ | wc -l)
[ "$tags" -eq "${#recorded_shared[@]}" ] ||
  fail "shared: ${#recorded_shared[@]} versions reported but $tags tags"
packs=$(find "$store/objects/pack" -name '*.pack' | wc -l)
echo "ok: $rounds rounds, $successes snapshots recorded, $failures failed cleanly, $packs pack(s)"
