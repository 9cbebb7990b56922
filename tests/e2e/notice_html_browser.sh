#!/usr/bin/env bash
# The HTML change report in a real headless Chromium: it renders without console errors, a
# screenshot is taken, and a document whose text contains <script> and <img onerror> markup shows
# that text literally and runs nothing.
# Usage: notice_html_browser.sh <guidetrack-binary> <source-dir>. Exit 77 (skipped) without chromium.
# Set GUIDETRACK_SCREENSHOT_DIR to keep the screenshots.
set -euo pipefail
bin="$1"
src="$2"

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "SKIPPED: no chromium on PATH (scripts/setup.sh --test installs it)"
  exit 77
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Headless Chromium with nothing from the network and a throwaway profile.
run_browser() {
  local profile
  profile="$(mktemp -d "$tmp/profile.XXXXXX")"
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-extensions \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@"
}

# Console messages Chromium logs for the page (errors, CSP violations, uncaught exceptions).
check_console() {
  local log="$1"
  if grep -E 'CONSOLE|Uncaught|Content Security Policy|Refused to' "$log" >"$tmp/console.txt"; then
    cat "$tmp/console.txt" >&2
    fail "console messages from the report ($log)"
  fi
}

# 1. The sample document's notice as a report.
"$bin" notice --files "$src/snapshots/sample/v1.md" "$src/snapshots/sample/v2.md" \
  --include-minor --format html --out "$tmp/sample.html"
run_browser --dump-dom "file://$tmp/sample.html" >"$tmp/sample-dom.html" 2>"$tmp/sample-log.txt" ||
  fail "chromium could not open the sample report"
check_console "$tmp/sample-log.txt"
grep -q 'corrected the email address' "$tmp/sample-dom.html" || fail "sample report has no email item"
grep -q '<del>' "$tmp/sample-dom.html" || fail "sample report has no <del> redline"
grep -q '<ins>' "$tmp/sample-dom.html" || fail "sample report has no <ins> redline"

run_browser --screenshot="$tmp/sample.png" --window-size=1200,1600 "file://$tmp/sample.html" \
  >/dev/null 2>"$tmp/shot-log.txt" || fail "chromium could not take a screenshot"
[ -s "$tmp/sample.png" ] || fail "no screenshot written"
head -c 8 "$tmp/sample.png" | od -An -tx1 | grep >/dev/null '89 50 4e 47' || fail "screenshot is not a PNG"
[ "$(stat -c %s "$tmp/sample.png")" -gt 10000 ] || fail "screenshot is suspiciously small"

# 2. A hostile document: markup in its text must stay text.
cat >"$tmp/old.txt" <<'EOF'
Safe reporting

1. Staff should report concerns promptly to the designated safeguarding lead.

2. Records should be kept securely.
EOF
cat >"$tmp/new.txt" <<'EOF'
Safe reporting

1. Staff should report concerns <script>document.title='PWNED';document.body.innerHTML='PWNED'</script> promptly to the designated safeguarding lead.

2. Records should be kept <img src=x onerror="document.title='PWNED'"> securely & "safely".
EOF
"$bin" notice --files "$tmp/old.txt" "$tmp/new.txt" --title "<script>document.title='PWNED'</script>" \
  --format html --out "$tmp/hostile.html"
grep -q '<script' "$tmp/hostile.html" && fail "the report contains a <script> element"
grep -q '<img' "$tmp/hostile.html" && fail "the report contains an <img> element"

run_browser --dump-dom "file://$tmp/hostile.html" >"$tmp/hostile-dom.html" 2>"$tmp/hostile-log.txt" ||
  fail "chromium could not open the hostile report"
check_console "$tmp/hostile-log.txt"
# The markup shows as text (escaped again in the serialised DOM) ...
grep -q '&lt;script&gt;document.title' "$tmp/hostile-dom.html" || fail "script text not shown literally"
grep -q '&lt;img src=x onerror=' "$tmp/hostile-dom.html" || fail "img text not shown literally"
# ... and nothing ran: no element was injected and the title is the report's own.
grep -q '<script' "$tmp/hostile-dom.html" && fail "a <script> element exists in the DOM"
grep -q '<img' "$tmp/hostile-dom.html" && fail "an <img> element exists in the DOM"
grep -q '<title>PWNED' "$tmp/hostile-dom.html" && fail "a script ran and changed the title"
grep -q '<body>PWNED' "$tmp/hostile-dom.html" && fail "a script ran and replaced the body"

run_browser --screenshot="$tmp/hostile.png" --window-size=1200,1600 "file://$tmp/hostile.html" \
  >/dev/null 2>/dev/null || fail "chromium could not take a screenshot of the hostile report"
[ -s "$tmp/hostile.png" ] || fail "no screenshot of the hostile report"

if [ -n "${GUIDETRACK_SCREENSHOT_DIR:-}" ]; then
  mkdir -p "$GUIDETRACK_SCREENSHOT_DIR"
  cp "$tmp/sample.png" "$tmp/hostile.png" "$tmp/sample.html" "$tmp/hostile.html" "$GUIDETRACK_SCREENSHOT_DIR/"
fi
echo "ok: report renders in $("$browser" --version 2>/dev/null | head -1), scripts inert"
