#!/usr/bin/env bash
# Issue 14, items 2-5 and 11, on the built binary: a corrupt ref is listed as damaged (exit 3) and
# fsck says what to do; labels that look like commit ids or dates are refused and an ambiguous
# selector lists candidates; sync pulls only documents, refuses to push into a repository that is
# not a store, and survives stale lock files; fsck removes leftover temporary packs; a pack that
# cannot be written (past the file size limit) leaves the store as it was.
# Usage: reliability_store.sh GUIDETRACK_BINARY SOURCE_DIR
set -uo pipefail
gt="$1"
src="$2"
sample="$src/snapshots/sample"
command -v git >/dev/null || { echo "git not installed: skipped"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@localhost GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@localhost

mk() { # a store with doc (two versions) and doc2 (none)
  export GUIDETRACK_STORE="$1"
  "$gt" init >/dev/null && "$gt" track doc --title Doc --input-format md >/dev/null &&
    "$gt" snapshot doc "$sample/v1.md" --label one --date 2024-01-10 >/dev/null &&
    "$gt" snapshot doc "$sample/v2.md" --label two --date 2024-02-23 >/dev/null &&
    "$gt" track doc2 --title Doc2 --input-format md >/dev/null || fail "setting up $1"
}

# --- 2: a corrupt ref hides nothing ---
mk "$tmp/s"
"$gt" fsck >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "fsck of a clean store"; }
echo garbage >"$tmp/s/refs/heads/doc"
"$gt" list >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] || fail "list with a corrupt ref exits $rc, expected 3"
grep -q '^doc .*DAMAGED' "$tmp/out" || fail "list does not show doc as damaged: $(cat "$tmp/out")"
grep -q "document 'doc' is damaged" "$tmp/err" || fail "list gives no message"
"$gt" feed >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] || fail "feed with a corrupt ref exits $rc"
"$gt" fsck >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 3 ] || fail "fsck with a corrupt ref exits $rc"
grep -q 'DAMAGED refs/heads/doc' "$tmp/out" || fail "fsck does not name the ref"
fix="$(grep -o "update-ref refs/heads/doc [0-9a-f]*" "$tmp/out")" || fail "fsck gives no repair"
rm -f "$tmp/s/refs/heads/doc"; git --git-dir="$tmp/s" $fix || fail "the advised repair fails"
"$gt" fsck >/dev/null 2>&1 || fail "fsck after the advised repair"
[ "$("$gt" log doc --json | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["versions"]))')" = 2 ] ||
  fail "versions after repair"

# --- 3: labels that shadow commit ids or dates ---
c="$("$gt" log doc --json | python3 -c 'import json,sys;print(json.load(sys.stdin)["versions"][1]["commit"][:8])')"
"$gt" snapshot doc "$sample/v3.md" --label "$c" >/dev/null 2>&1 && fail "a commit-prefix label was accepted"
"$gt" snapshot doc "$sample/v3.md" --label 2024-01-10 >/dev/null 2>&1 && fail "a date label of another date was accepted"
"$gt" show "doc@commit:$c" | cmp -s - <("$gt" show doc@one) || fail "commit: selector"
"$gt" show "doc@date:2024-02-23" | cmp -s - <("$gt" show doc@two) || fail "date: selector"
"$gt" show "doc@label:one" | cmp -s - <("$gt" show doc@2024-01-10) || fail "label: selector"
# A label written by an older guidetrack (or arriving through sync) that shadows a date.
tagged="$(git --git-dir="$tmp/s" rev-parse refs/tags/doc/two)"
git --git-dir="$tmp/s" update-ref refs/tags/doc/2024-01-10x "$tagged"
"$gt" show doc@2024-01-10 >/dev/null || fail "a plain date"

# --- 11: leftover temporary packs are removed ---
head -c 300000 /dev/urandom >"$tmp/s/objects/pack/pack_git2_AbC123"
touch -d '1 hour ago' "$tmp/s/objects/pack/pack_git2_AbC123"
"$gt" fsck --quick >"$tmp/out" 2>&1
[ -e "$tmp/s/objects/pack/pack_git2_AbC123" ] && fail "fsck left the orphan pack"
grep -q 'removed objects/pack/pack_git2_AbC123' "$tmp/out" || fail "fsck does not say it removed the pack"
head -c 300000 /dev/urandom >"$tmp/s/objects/pack/pack_git2_XyZ789"
touch -d '1 hour ago' "$tmp/s/objects/pack/pack_git2_XyZ789"
"$gt" snapshot doc "$sample/v3.md" --label three >/dev/null || fail "snapshot"
[ -e "$tmp/s/objects/pack/pack_git2_XyZ789" ] && fail "the next write left the orphan pack"

# --- 4: sync with a repository that is not a store ---
git init -q "$tmp/work" && (cd "$tmp/work" && echo hi >README && git add README && git commit -qm init) ||
  fail "making a git repository"
git clone -q --bare "$tmp/work" "$tmp/work.git" || fail "cloning it bare"
mk "$tmp/p"
"$gt" sync --pull-only --remote "$tmp/work" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "pull-only from a plain repository"; }
git --git-dir="$tmp/p" rev-parse -q --verify refs/heads/master >/dev/null && fail "master was pulled as a document"
"$gt" list >/dev/null 2>&1 || fail "list after pulling from a plain repository"
before="$(git --git-dir="$tmp/work.git" for-each-ref)"
"$gt" sync --remote "$tmp/work.git" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] || fail "push to a plain repository exits $rc, expected 2: $(cat "$tmp/out")"
grep -q 'not a guidetrack store' "$tmp/out" || fail "no reason given: $(cat "$tmp/out")"
[ "$(git --git-dir="$tmp/work.git" for-each-ref)" = "$before" ] || fail "refs were pushed into a plain repository"
"$gt" sync --remote "$tmp/work.git" --force >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "forced push"; }
git --git-dir="$tmp/work.git" rev-parse -q --verify refs/heads/doc >/dev/null || fail "forced push did not push doc"
git --git-dir="$tmp/work.git" rev-parse -q --verify refs/guidetrack/store >/dev/null || fail "no store marker pushed"

# --- 5: lock files left by a killed sync ---
git init -q --bare "$tmp/remote.git"
git --git-dir="$tmp/p" config --unset remote.origin.url
git --git-dir="$tmp/p" remote remove origin 2>/dev/null
"$gt" sync --remote "$tmp/remote.git" >/dev/null 2>&1 || fail "first sync"
"$gt" snapshot doc "$sample/v3.md" --label three >/dev/null || fail "snapshot"
: >"$tmp/remote.git/refs/heads/doc.lock"
mkdir -p "$tmp/p/refs/remotes/origin/heads" && : >"$tmp/p/refs/remotes/origin/heads/doc.lock"
# Fresh locks: another sync may be running. Reported as locked, not diverged, exit 3.
"$gt" sync >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 3 ] || fail "sync with fresh locks exits $rc: $(cat "$tmp/out")"
grep -qi 'lock' "$tmp/out" || fail "sync does not say locked: $(cat "$tmp/out")"
grep -qi 'diverged' "$tmp/out" && grep -q 'DIVERGED' "$tmp/out" && fail "locks reported as divergence"
# Stale ones (a killed sync): cleared, the sync succeeds.
touch -d '1 minute ago' "$tmp/remote.git/refs/heads/doc.lock" "$tmp/p/refs/remotes/origin/heads/doc.lock"
"$gt" sync >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "sync after stale locks"; }
[ "$(git --git-dir="$tmp/remote.git" rev-parse refs/heads/doc)" = "$(git --git-dir="$tmp/p" rev-parse refs/heads/doc)" ] ||
  fail "doc not pushed after stale locks"

# --- 6: a pack that cannot be written (past the file size limit) leaves the store as it was ---
mk "$tmp/f"
refs_before="$(git --git-dir="$tmp/f" for-each-ref)"
packs_before="$(ls "$tmp/f/objects/pack")"
head -c 600000 /dev/urandom | base64 -w 76 >"$tmp/big.txt" # about 800 KB, which random text
# cannot shrink below the 200 KB allowed; with SIGXFSZ ignored, the write fails with EFBIG.
(trap '' XFSZ; ulimit -f 200; exec "$gt" snapshot doc "$tmp/big.txt" --input-format text) \
  >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] || fail "snapshot past the file size limit exits $rc: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "more than one line of error: $(cat "$tmp/err")"
grep -q "cannot write a pack" "$tmp/err" || fail "the error does not say what failed: $(cat "$tmp/err")"
[ "$(git --git-dir="$tmp/f" for-each-ref)" = "$refs_before" ] || fail "a ref moved"
[ "$(ls "$tmp/f/objects/pack")" = "$packs_before" ] || fail "files left in objects/pack"
"$gt" fsck >/dev/null 2>&1 || fail "fsck after the failed write"
"$gt" snapshot doc "$tmp/big.txt" --input-format text >/dev/null 2>&1 || fail "snapshot without the limit"
echo "reliability_store: all checks passed"
