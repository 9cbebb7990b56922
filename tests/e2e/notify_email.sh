#!/usr/bin/env bash
# End to end: `check` emails a change through a real SMTP server on 127.0.0.1 (aiosmtpd), one
# multipart/alternative message whose text part is the notice and whose HTML part is the report;
# a refusing server gives one line, exit 3, keeps the version and the next check sends it; two
# checks of an unchanged set print the same bytes. Usage: notify_email.sh GUIDETRACK_BINARY SRC
set -euo pipefail
gt="$1"
src="$2"
py=/usr/bin/python3
"$py" -c 'import aiosmtpd' 2>/dev/null || { echo "python3-aiosmtpd not installed: skipped"; exit 77; }
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export GUIDETRACK_STORE="$tmp/store"
mkdir -p "$tmp/www" "$tmp/mail"
cp "$src/snapshots/sample/v1.md" "$tmp/www/doc.md"
touch -d 2024-01-01 "$tmp/www/doc.md" # http.server sends Last-Modified to the second
http_port="$(free_port)"
"$py" -m http.server "$http_port" --bind 127.0.0.1 --directory "$tmp/www" >/dev/null 2>&1 &
pids+=($!)
smtp_port="$(free_port)"
"$py" "$src/tests/e2e/notify_smtp_server.py" "$smtp_port" "$tmp/mail" >"$tmp/smtp.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ -e "$tmp/mail/ready" ] && "$py" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$http_port/doc.md')" 2>/dev/null && break
  sleep 0.1
done
[ -e "$tmp/mail/ready" ] || fail "SMTP server did not start: $(cat "$tmp/smtp.log")"

export GT_TEST_SMTP_PASSWORD=secret
cat > "$tmp/config.toml" <<TOML
[[notify]]
name = "dsl"
type = "email"
url = "smtp://127.0.0.1:$smtp_port"
from = "guidetrack@school.example"
to = ["dsl@school.example"]
TOML
export GUIDETRACK_CONFIG="$tmp/config.toml"
"$gt" config check | grep >/dev/null "ok, 1 notification target: dsl (email)" || fail "config check"

"$gt" init >/dev/null
"$gt" track sample --title "Sample guidance" --format md --url "http://127.0.0.1:$http_port/doc.md" >/dev/null
# First version: "new", exit 0, no email.
set +e; out="$("$gt" check)"; code=$?; set -e
[ "$code" -eq 0 ] || fail "first check exited $code: $out"
echo "$out" | grep >/dev/null "sample  new: first version recorded" || fail "first check: $out"
[ -z "$(ls "$tmp/mail" | grep eml || true)" ] || fail "a first version sent an email"

# A change, and the server refuses: one line, exit 3, version kept, send pending.
cp "$src/snapshots/sample/v2.md" "$tmp/www/doc.md"
touch "$tmp/mail/refuse"
set +e; out="$("$gt" check 2>"$tmp/err")"; code=$?; set -e
[ "$code" -eq 3 ] || fail "refused send exited $code: $out $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "refused send: not one line: $(cat "$tmp/err")"
grep >/dev/null "^guidetrack: dsl (email): smtp://127.0.0.1:$smtp_port: .*554" "$tmp/err" || fail "refusal message: $(cat "$tmp/err")"
echo "$out" | grep >/dev/null "1 notification pending" || fail "pending not reported: $out"
[ "$("$gt" log sample --json | "$py" -c 'import json,sys; j=json.load(sys.stdin); print(len(j["versions"] if isinstance(j,dict) else j))')" -eq 2 ] || fail "version lost"

# The next check sends it (nothing changed meanwhile).
rm "$tmp/mail/refuse"
set +e; out="$("$gt" check 2>"$tmp/err")"; code=$?; set -e
[ "$code" -eq 0 ] || fail "retry exited $code: $out $(cat "$tmp/err")"
echo "$out" | grep >/dev/null "notified dsl: sample (sent again)" || fail "retry: $out"
[ -e "$tmp/mail/000.eml" ] || fail "no email delivered"
[ ! -e "$tmp/mail/001.eml" ] || fail "more than one email"
"$gt" notice sample > "$tmp/notice.txt"
"$gt" notice sample --format html > "$tmp/notice.html"
"$py" - "$tmp/mail/000.eml" "$tmp/notice.txt" "$tmp/notice.html" <<'PY' || fail "email content"
import email, sys
from email import policy
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
assert msg.get_content_type() == "multipart/alternative", msg.get_content_type()
assert msg["To"] == "dsl@school.example"
subject = str(msg["Subject"])
assert subject.startswith("Sample guidance: updated ") and "change" in subject, subject
parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
text, html = parts["text/plain"], parts["text/html"]
notice = open(sys.argv[2], encoding="utf-8").read()
report = open(sys.argv[3], encoding="utf-8").read()
assert notice in text, (notice, text)
assert html.replace("\r\n", "\n") == report, "HTML part is not the report"
print("email ok:", subject)
PY

# Two checks of the unchanged set print the same bytes; nothing more is sent.
"$gt" check > "$tmp/a" || true
"$gt" check > "$tmp/b" || true
cmp "$tmp/a" "$tmp/b" || fail "two unchanged checks differ"
[ ! -e "$tmp/mail/001.eml" ] || fail "an unchanged check sent an email"
# A missing secret variable: one line naming it.
cat >> "$tmp/config.toml" <<TOML
password_env = "GT_TEST_UNSET_PASSWORD"
TOML
set +e; "$gt" notify test dsl 2>"$tmp/err"; code=$?; set -e
[ "$code" -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep >/dev/null GT_TEST_UNSET_PASSWORD "$tmp/err" || fail "missing secret: $(cat "$tmp/err")"
echo "notify_email: ok"
