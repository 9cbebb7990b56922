#!/usr/bin/env bash
# End to end: the built binary records the three sample versions into a fresh store, and git reads
# the store back (fsck, log, show, clone). Usage: store_basic.sh GUIDETRACK_BINARY SOURCE_DIR
set -euo pipefail
gt="$1"
src="$2"
sample="$src/snapshots/sample"
command -v git >/dev/null || { echo "git not installed: skipped"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GUIDETRACK_STORE="$tmp/store"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$gt" init >/dev/null
"$gt" track sample --title "Sample guidance (SAMPLE)" --input-format md >/dev/null
tail -n +2 "$sample/versions.tsv" | while IFS=$'\t' read -r file label date _; do
  "$gt" snapshot sample "$sample/$file" --label "$label" --date "$date" | grep >/dev/null "recorded version $label" \
    || fail "snapshot $file"
done
# The same text again records nothing.
"$gt" snapshot sample "$sample/v3.md" --label again | grep >/dev/null unchanged || fail "unchanged snapshot"
# Standard input, default label from the date.
out="$("$gt" snapshot sample - --date 2024-07-01 < "$sample/v1.md")"
echo "$out" | grep >/dev/null "recorded version 2024-07-01" || fail "stdin snapshot: $out"

log="$("$gt" log sample)"
echo "$log"
[ "$(echo "$log" | grep -cE '^(2024-07-01|2024-06|2024-02|2024-01) ')" -eq 4 ] || fail "log lines"
echo "$log" | sed -n 3p | grep >/dev/null '^2024-07-01' || fail "log is not newest first"
echo "$log" | grep >/dev/null again && fail "unchanged snapshot appears in log"

# show by label, date, short id, latest~N; --original gives the bytes back.
"$gt" show sample@2024-02 > "$tmp/by-label"
"$gt" show sample@2024-02-23 | cmp -s - "$tmp/by-label" || fail "show by date"
"$gt" show sample@latest~2 | cmp -s - "$tmp/by-label" || fail "show latest~2"
short="$("$gt" log sample --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["versions"][2]["commit"][:7])')"
"$gt" show "sample@$short" | cmp -s - "$tmp/by-label" || fail "show by short id"
"$gt" show sample@2024-01 --original | cmp -s - "$sample/v1.md" || fail "show --original"
grep -q "Keeping Learners Safe" "$tmp/by-label" || fail "stored text"

"$gt" list | grep >/dev/null "^sample .*2024-07-01" || fail "list"

# Bad input: exit 2, one line, store unchanged.
before="$(git --git-dir="$GUIDETRACK_STORE" for-each-ref)"
for args in "snapshot nope $sample/v1.md" "snapshot sample $tmp/missing.md" "show sample@nope" \
            "snapshot sample $sample/v2.md --max-size 100" "log Not-An-Id"; do
  set +e
  # shellcheck disable=SC2086
  "$gt" $args >/dev/null 2>"$tmp/err"
  code=$?
  set -e
  [ "$code" -eq 2 ] || fail "$args: exit $code"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "$args: message is not one line"
done
[ "$before" = "$(git --git-dir="$GUIDETRACK_STORE" for-each-ref)" ] || fail "refs changed after errors"

# git reads the store.
git --git-dir="$GUIDETRACK_STORE" fsck --strict --no-dangling || fail "git fsck"
git --git-dir="$GUIDETRACK_STORE" log --format=%s sample | grep >/dev/null "sample: record version 2024-02 (2024-02-23)" \
  || fail "git log subject"
git --git-dir="$GUIDETRACK_STORE" show sample/2024-06:text.md | cmp -s - <("$gt" show sample@2024-06) \
  || fail "git show of a tag"
git clone -q "$GUIDETRACK_STORE" "$tmp/clone" 2>/dev/null || fail "git clone"
git -C "$tmp/clone" log --oneline origin/sample | grep >/dev/null "record version 2024-06" || fail "clone history"
echo "store_basic: OK"
