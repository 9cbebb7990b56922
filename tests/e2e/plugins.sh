#!/usr/bin/env bash
# PDF reading, fetching and notifications are plugins loaded on first use (plugin.hpp): the
# program itself links neither poppler nor libcurl, a command that needs none of them opens no
# plugin, a PDF snapshot opens the PDF plugin, and a plugin that is missing, broken or not the
# one asked for is one line and exit 3, while the commands that do not need it still work.
# Usage: plugins.sh GUIDETRACK_BINARY SOURCE_DIR
set -uo pipefail
gt="$1"
src="$2"
build="$(dirname "$gt")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GUIDETRACK_STORE="$tmp/store"
unset GUIDETRACK_PLUGIN_DIR
fail() { echo "FAIL: $*" >&2; exit 1; }

for p in pdf fetch notify; do
    [ -f "$build/guidetrack-$p.so" ] || fail "guidetrack-$p.so is not built beside $gt"
done
needed="$(ldd "$gt")"
grep -q 'libpoppler\|libcurl' <<<"$needed" && fail "the program links poppler or libcurl: $needed"
plugin_libs="$(ldd "$build/guidetrack-pdf.so")"
grep -q libpoppler <<<"$plugin_libs" || fail "the PDF plugin does not link poppler"

/usr/bin/python3 "$src/tests/e2e/one_page_pdf.py" "$tmp/one.pdf" || fail "one_page_pdf.py"

# (LeakSanitizer cannot run under ptrace: leaks are not checked in a traced run.)
opens() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat -o "$tmp/trace" "$@" >"$tmp/out" 2>&1; local rc=$?; cat "$tmp/trace"; return $rc; }
"$gt" track doc --title "Doc" --input-format pdf >/dev/null || fail track
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
    trace="$(opens "$gt" --version)"
    grep -q 'guidetrack-[a-z]*\.so' <<<"$trace" && fail "--version opened a plugin"
    trace="$(opens "$gt" list)"
    grep -q 'guidetrack-[a-z]*\.so' <<<"$trace" && fail "list opened a plugin"
    trace="$(opens "$gt" snapshot doc "$tmp/one.pdf" --label v1)" || fail "snapshot: $(cat "$tmp/out")"
    grep -q 'guidetrack-pdf\.so' <<<"$trace" || fail "snapshot of a PDF did not open guidetrack-pdf.so"
    grep -q 'guidetrack-fetch\.so\|guidetrack-notify\.so' <<<"$trace" && fail "snapshot opened fetch or notify"
else
    echo "no strace: the checks of which files open are skipped"
    "$gt" snapshot doc "$tmp/one.pdf" --label v1 >/dev/null || fail snapshot
fi
shown="$("$gt" show doc@v1)"
grep -q "Designated safeguarding leads" <<<"$shown" || fail "the PDF's text was not recorded"

# expect_3 NAME PATTERN CMD...: exit 3, one line matching PATTERN.
expect_3() {
    local name="$1" pattern="$2"
    shift 2
    "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq 3 ] || fail "$name: exit $rc, expected 3 ($(cat "$tmp/err"))"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$name: not one line: $(cat "$tmp/err")"
    grep -q "$pattern" "$tmp/err" || fail "$name: $(cat "$tmp/err")"
}
# The program alone, in a folder without its plugins (and none installed where it looks).
mkdir -p "$tmp/alone/bin" "$tmp/bad"
cp "$gt" "$tmp/alone/bin/guidetrack"
alone="$tmp/alone/bin/guidetrack"
expect_3 "missing" "reading PDF files is not installed: guidetrack-pdf.so is in none of" \
    "$alone" extract "$tmp/one.pdf"
"$alone" diff --files "$src/snapshots/sample/v1.md" "$src/snapshots/sample/v2.md" >/dev/null
[ $? -eq 1 ] || fail "diff without plugins"
"$alone" track web --title "Web" --url http://127.0.0.1:9/x.pdf >/dev/null || fail "track web"
expect_3 "fetch missing" "fetching URLs is not installed" "$alone" snapshot web
# Another plugin under the PDF plugin's name, and a file that is not a shared object.
cp "$build/guidetrack-notify.so" "$tmp/bad/guidetrack-pdf.so"
GUIDETRACK_PLUGIN_DIR="$tmp/bad" expect_3 "wrong plugin" "is not the pdf plugin of this build" \
    "$alone" extract "$tmp/one.pdf"
echo "not a shared object" >"$tmp/bad/guidetrack-pdf.so"
GUIDETRACK_PLUGIN_DIR="$tmp/bad" expect_3 "broken plugin" "reading PDF files is not available: cannot load" \
    "$alone" extract "$tmp/one.pdf"
# GUIDETRACK_PLUGIN_DIR finds them for a program moved away from them.
extracted="$(GUIDETRACK_PLUGIN_DIR="$build" "$alone" extract "$tmp/one.pdf")"
grep -q "Designated" <<<"$extracted" || fail "GUIDETRACK_PLUGIN_DIR"
echo "ok: no poppler or libcurl at start-up; plugins load on first use; missing ones are one line"
