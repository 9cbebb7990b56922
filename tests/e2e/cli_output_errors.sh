#!/usr/bin/env bash
# The CLI I/O layer, end to end: every output is checked (a full disk is exit 3 with one line,
# never an empty success), --out never writes inside the store, a refused or failed --out leaves
# no temporary file behind, and input limits apply while reading (an endless input stops at the
# limit), a closed standard input reads as empty, a symbolic-link loop as store is an input error.
# Usage: cli_output_errors.sh GUIDETRACK_BINARY SOURCE_DIR
set -uo pipefail
gt="$1"
src="$2"
sample="$src/snapshots/sample"
[ -w /dev/full ] || { echo "no /dev/full here: skipped"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GUIDETRACK_STORE="$tmp/store"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$gt" track sample --title "Sample (SAMPLE)" --input-format md >/dev/null || fail track
"$gt" snapshot sample "$sample/v1.md" --label v1 --date 2024-01-10 >/dev/null || fail snapshot
"$gt" snapshot sample "$sample/v2.md" --label v2 --date 2024-02-23 >/dev/null || fail snapshot

# expect_full NAME CMD...: exit 3 with one "guidetrack: " line mentioning the write.
expect_full() {
    local name="$1"
    shift
    "$@" 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq 3 ] || fail "$name: exit $rc, expected 3 ($(cat "$tmp/err"))"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$name: not one line: $(cat "$tmp/err")"
    grep -q '^guidetrack: .*\(write\|space\)' "$tmp/err" || fail "$name: $(cat "$tmp/err")"
}
expect_full "show > /dev/full" sh -c "'$gt' show sample > /dev/full"
expect_full "log > /dev/full" sh -c "'$gt' log sample > /dev/full"
expect_full "list > /dev/full" sh -c "'$gt' list > /dev/full"
expect_full "notice > /dev/full" sh -c "'$gt' notice sample > /dev/full"
expect_full "diff --json > /dev/full" sh -c "'$gt' diff sample --json > /dev/full"
# --out to a device is written in place (never renamed over: /dev/full must stay a device).
expect_full "feed --out /dev/full" "$gt" feed --out /dev/full
expect_full "notice --out /dev/full" "$gt" notice sample --out /dev/full
[ -c /dev/full ] || fail "/dev/full is no longer a device"

# --out inside the store is refused and the store still works.
before="$(git -C "$tmp/store" for-each-ref | sha1sum)"
"$gt" feed --out "$tmp/store/config" 2>"$tmp/err"
[ $? -eq 2 ] || fail "feed --out STORE/config: $(cat "$tmp/err")"
grep -q "inside the store" "$tmp/err" || fail "feed --out message: $(cat "$tmp/err")"
"$gt" notice sample --out "$tmp/store/notice.txt" 2>/dev/null && fail "notice --out inside the store"
[ "$(git -C "$tmp/store" for-each-ref | sha1sum)" = "$before" ] || fail "store refs changed"
git -C "$tmp/store" fsck --no-progress >/dev/null 2>&1 || fail "store damaged"
"$gt" log sample >/dev/null || fail "store unreadable after refused --out"

# A write that fails leaves no temporary file: a read-only folder (not as root: root writes
# anyway), and a successful write leaves only the target.
mkdir "$tmp/out"
"$gt" notice sample --out "$tmp/out/n.txt" || [ $? -eq 1 ] || fail "notice --out"
[ "$(ls -A "$tmp/out")" = "n.txt" ] || fail "left behind: $(ls -A "$tmp/out")"

# Endless input: the limit applies while reading.
timeout 20 "$gt" snapshot sample /dev/zero --max-size 1K 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "/dev/zero --max-size 1K: exit $rc ($(cat "$tmp/err"))"
grep -q "over the size limit of 1 KiB" "$tmp/err" || fail "/dev/zero message: $(cat "$tmp/err")"
head -c 5000 /dev/zero | tr '\0' 'a' | timeout 20 "$gt" snapshot sample - --max-size 1K 2>"$tmp/err"
[ $? -eq 2 ] || fail "stdin over --max-size"
grep -q "standard input is over the size limit of 1 KiB" "$tmp/err" || fail "stdin message: $(cat "$tmp/err")"

# Started with standard input closed: `-` is an empty input, not the store's pack file that
# took descriptor 0 (issue 14, item 10).
before="$(git -C "$tmp/store" for-each-ref | sha1sum)"
"$gt" snapshot sample - <&- 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "stdin closed: exit $rc ($(cat "$tmp/err"))"
grep -q "'-' is empty" "$tmp/err" || fail "stdin closed message: $(cat "$tmp/err")"
[ "$(git -C "$tmp/store" for-each-ref | sha1sum)" = "$before" ] || fail "stdin closed: store changed"

# A loop of symbolic links as the store is the user's input: exit 2, one line.
ln -s "$tmp/loop-b" "$tmp/loop-a"
ln -s "$tmp/loop-a" "$tmp/loop-b"
for cmd in init "track doc --title Doc"; do
    # shellcheck disable=SC2086
    "$gt" --store "$tmp/loop-a" $cmd 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "symlink loop store ($cmd): exit $rc ($(cat "$tmp/err"))"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "symlink loop: not one line: $(cat "$tmp/err")"
done
echo "ok: outputs checked, --out kept out of the store, limits applied while reading, closed stdin"
