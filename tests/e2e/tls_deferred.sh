#!/usr/bin/env bash
# libgit2's start-up does not parse the system's CA bundle (src/store/tls.cpp): a command that
# opens the store never reads it, and `sync` loads it before it talks to a remote.
# Usage: tls_deferred.sh GUIDETRACK_BINARY SOURCE_DIR
set -uo pipefail
gt="$1"
src="$2"
command -v strace >/dev/null || { echo "no strace: skipped"; exit 77; }
lib="$(ldd "$gt" | awk '/libgit2\.so/ {print $3}')"
# (grep reads captured output: with pipefail, grep -q leaving a pipe early would fail it.)
libs="$(ldd "$lib")"
grep -q libmbedtls <<<"$libs" || { echo "libgit2 is not built with mbedTLS: skipped"; exit 77; }
bundle="$(strings "$lib" | grep '^/etc/ssl/' | head -1)"
[ -n "$bundle" ] && [ -e "$bundle" ] || { echo "libgit2 names no CA bundle here: skipped"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "strace cannot trace here: skipped"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GUIDETRACK_STORE="$tmp/store"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$gt" track sample --title "Sample (SAMPLE)" --input-format md >/dev/null || fail track
"$gt" snapshot sample "$src/snapshots/sample/v1.md" --label v1 --date 2024-01-10 >/dev/null ||
    fail snapshot

# opens CMD...: the files CMD opens, one per line.
# (LeakSanitizer cannot run under ptrace: leaks are not checked in a traced run.)
opens() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat -o "$tmp/trace" "$@" >/dev/null 2>&1; cat "$tmp/trace"; }

for cmd in "list" "log sample" "show sample@v1"; do
    # shellcheck disable=SC2086
    trace="$(opens "$gt" $cmd)"
    grep -q "$bundle" <<<"$trace" && fail "'$cmd' read $bundle"
done
# The same library call with the default left in place does read it (the check can fail).
git init -q --bare "$tmp/remote.git" || fail "git init"
trace="$(opens "$gt" sync --remote "$tmp/remote.git")"
grep -q "$bundle" <<<"$trace" || fail "sync did not load $bundle"
"$gt" sync >/dev/null 2>&1 || fail "sync"
refs="$(git -C "$tmp/remote.git" for-each-ref --format='%(refname)')"
grep -q 'refs/heads/sample' <<<"$refs" || fail "sync pushed nothing"
echo "ok: store commands skip $bundle; sync loads it"
