#!/usr/bin/env bash
# The HTML change report in a real headless Chromium: it renders without console errors, a
# screenshot is taken, and a document whose text contains <script> and <img onerror> markup shows
# that text literally and runs nothing. The report fits a phone (390 px) and a desktop (1280 px)
# without sideways scrolling, and prints without a near-empty first page.
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

# 3. The report DSLs forward, as they read it: at phone width (390 px) nothing scrolls sideways,
# at 1280 px it is a page; printed, its first page is not near-empty. Checked on the sample's
# report and, with the corpus, on the early-years edition change (36 items, long redlines).
py=/usr/bin/python3
[ -x "$py" ] || py=python3
width_of() { # REPORT WIDTH: "scrollWidth clientWidth" of REPORT shown in a WIDTH px frame
  cat >"$tmp/probe.html" <<EOF
<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="$1" style="width:$2px;height:900px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument.documentElement;
  document.getElementById('out').textContent = 'width ' + d.scrollWidth + ' ' + d.clientWidth;
};
</script></body></html>
EOF
  run_browser --allow-file-access-from-files --virtual-time-budget=10000 --dump-dom \
    "file://$tmp/probe.html" 2>/dev/null | grep -o 'width [0-9]* [0-9]*' | head -1 | cut -d' ' -f2-
}
check_report() { # NAME REPORT.html
  local name="$1" report="$2" w
  for px in 390 1280; do
    w="$(width_of "$report" "$px")"
    [ -n "$w" ] || fail "$name: could not measure the report at $px px"
    set -- $w
    [ "$1" -le "$2" ] || fail "$name: at $px px the report is $1 px wide (scrolls sideways)"
    run_browser --hide-scrollbars --screenshot="$tmp/$name-$px.png" --window-size="$px,1600" \
      "file://$report" >/dev/null 2>&1 || fail "$name: no screenshot at $px px"
    [ "$(stat -c %s "$tmp/$name-$px.png")" -gt 10000 ] || fail "$name: $px px screenshot too small"
  done
  run_browser --no-pdf-header-footer --print-to-pdf="$tmp/$name.pdf" "file://$report" \
    >/dev/null 2>&1 || fail "$name: chromium could not print the report"
  # Our own PDF reader says how many pages there are and how many words each holds.
  "$bin" extract "$tmp/$name.pdf" --json >"$tmp/$name-pdf.json" || fail "$name: printed PDF unreadable"
  "$py" - "$tmp/$name-pdf.json" "$name" <<'EOF' || fail "$name: print layout"
import json, sys, collections
blocks = json.load(open(sys.argv[1]))["blocks"]
words = collections.Counter()
for b in blocks:
    words[b["page"]] += len(b["text"].split())
pages = sorted(words, key=lambda p: int(p) if p.isdigit() else 0)
total = sum(words.values())
first = words[pages[0]] if pages else 0
print(f"{sys.argv[2]}: printed {len(pages)} pages, {total} words, {first} on the first")
# The first page carries the header and the start of the list, not a title alone.
if not pages or first < min(80, total) or (len(pages) > 1 and first < 0.4 * total / len(pages)):
    sys.exit(f"{sys.argv[2]}: near-empty first page ({first} words)")
EOF
}
check_report sample "$tmp/sample.html"
corpus="${GUIDETRACK_CORPUS:-}"
ey="$corpus/govuk/ofsted_early_years_handbook"
if [ -n "$corpus" ] && [ -d "$ey" ]; then
  "$bin" notice --files "$ey/handbook-september-2021/versions/002_2022-02-09_1410b364c1.html" \
    "$ey/handbook-september-2022/versions/001_2022-07-11_bd4a2f0467.html" --format html \
    --out "$tmp/early-years.html"
  check_report early-years "$tmp/early-years.html"
else
  echo "SKIPPED (part): early-years report, no corpus (set GUIDETRACK_CORPUS)"
fi

if [ -n "${GUIDETRACK_SCREENSHOT_DIR:-}" ]; then
  mkdir -p "$GUIDETRACK_SCREENSHOT_DIR"
  cp "$tmp"/*.png "$tmp"/*.pdf "$tmp"/*.html "$GUIDETRACK_SCREENSHOT_DIR/"
fi
echo "ok: report renders in $("$browser" --version 2>/dev/null | head -1), scripts inert"
