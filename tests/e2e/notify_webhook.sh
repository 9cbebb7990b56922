#!/usr/bin/env bash
# End to end: one change posted to a Slack webhook and a Teams webhook on 127.0.0.1 (valid
# payloads for both), a 500 reported on one line and retried by the next check, a filter matching
# nothing reported, and bad config values named by file, line and key.
# Usage: notify_webhook.sh GUIDETRACK_BINARY SRC
set -euo pipefail
gt="$1"
src="$2"
py=/usr/bin/python3
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export GUIDETRACK_STORE="$tmp/store"
mkdir -p "$tmp/www" "$tmp/hooks"
cp "$src/snapshots/sample/v1.md" "$tmp/www/doc.md"
touch -d 2024-01-01 "$tmp/www/doc.md"
http_port="$(free_port)"
"$py" -m http.server "$http_port" --bind 127.0.0.1 --directory "$tmp/www" >/dev/null 2>&1 &
pids+=($!)
hook_port="$(free_port)"
"$py" "$src/tests/e2e/notify_webhook_server.py" "$hook_port" "$tmp/hooks" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  [ -e "$tmp/hooks/ready" ] && "$py" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$http_port/doc.md')" 2>/dev/null && break
  sleep 0.1
done
[ -e "$tmp/hooks/ready" ] || fail "webhook receiver did not start"

export GT_TEST_TEAMS_URL="http://127.0.0.1:$hook_port/teams"
cat > "$tmp/config.toml" <<TOML
[[notify]]
name = "slack"
type = "webhook"
format = "slack"
url = "http://127.0.0.1:$hook_port/slack"

[[notify]]
name = "teams"
type = "webhook"
format = "teams"
url_env = "GT_TEST_TEAMS_URL"
TOML
export GUIDETRACK_CONFIG="$tmp/config.toml"
"$gt" init >/dev/null
"$gt" track sample --title "Sample guidance" --format md --url "http://127.0.0.1:$http_port/doc.md" >/dev/null
"$gt" check >/dev/null || fail "first check"

# The change, while the receiver answers 500: reported, exit 3, kept.
cp "$src/snapshots/sample/v2.md" "$tmp/www/doc.md"
touch "$tmp/hooks/fail"
set +e; out="$("$gt" check 2>"$tmp/err")"; code=$?; set -e
[ "$code" -eq 3 ] || fail "500 exited $code: $out"
grep >/dev/null "^guidetrack: slack (webhook): http://127.0.0.1:$hook_port/slack: HTTP 500" "$tmp/err" || fail "500 message: $(cat "$tmp/err")"
grep >/dev/null '^guidetrack: teams (webhook): \$GT_TEST_TEAMS_URL: HTTP 500' "$tmp/err" || fail "secret URL printed: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" -eq 2 ] || fail "not one line per failed send: $(cat "$tmp/err")"
echo "$out" | grep >/dev/null "2 notifications pending" || fail "pending: $out"

# Retried by the next check.
rm "$tmp/hooks/fail"
"$gt" check > "$tmp/out" 2>"$tmp/err" || fail "retry: $(cat "$tmp/out" "$tmp/err")"
grep >/dev/null "notified slack: sample (sent again)" "$tmp/out" || fail "slack retry: $(cat "$tmp/out")"
grep >/dev/null "notified teams: sample (sent again)" "$tmp/out" || fail "teams retry: $(cat "$tmp/out")"
"$py" - "$tmp/hooks" <<'PY' || fail "payloads"
import json, os, sys
d = sys.argv[1]
assert sorted(f for f in os.listdir(d) if f.endswith(".json")) == ["slack-000.json", "teams-000.json"], os.listdir(d)
slack = json.load(open(os.path.join(d, "slack-000.json")))
assert isinstance(slack["text"], str) and slack["text"].startswith("Sample guidance: updated")
assert 1 <= len(slack["blocks"]) <= 50
assert slack["blocks"][0]["type"] == "header" and slack["blocks"][0]["text"]["type"] == "plain_text"
assert len(slack["blocks"][0]["text"]["text"]) <= 150
for b in slack["blocks"]:
    assert b["type"] in ("header", "section", "context"), b
    if b["type"] == "section":
        assert b["text"]["type"] == "mrkdwn" and len(b["text"]["text"]) <= 3000
        assert "\u2022 " in b["text"]["text"]
teams = json.load(open(os.path.join(d, "teams-000.json")))
assert teams["type"] == "message"
att = teams["attachments"]
assert len(att) == 1 and att[0]["contentType"] == "application/vnd.microsoft.card.adaptive"
card = att[0]["content"]
assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
assert card["body"][0]["type"] == "TextBlock" and card["body"][0]["text"] == slack["text"]
facts = [b for b in card["body"] if b["type"] == "FactSet"]
assert len(facts) == 1 and len(facts[0]["facts"]) >= 1
for f in facts[0]["facts"]:
    assert isinstance(f["title"], str) and isinstance(f["value"], str) and f["value"]
print("payloads ok:", slack["text"], len(facts[0]["facts"]), "facts")
PY

# A filter that matches nothing: one clear line.
cat >> "$tmp/config.toml" <<TOML
documents = ["kcsie-*"]
TOML
set +e; "$gt" config check >/dev/null 2>"$tmp/err"; code=$?; set -e
[ "$code" -eq 2 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep >/dev/null "teams: its documents/groups filter matches no document" "$tmp/err" || fail "filter: $(cat "$tmp/err")"
"$gt" check >/dev/null 2>"$tmp/err" || true
grep >/dev/null "warning: teams: its documents/groups filter matches no tracked document" "$tmp/err" || fail "check filter warning: $(cat "$tmp/err")"
# Bad values: file, line and key.
printf '[[notify]]\ntype = "webhook"\nurl = "http://127.0.0.1:1/"\nformat = "discord"\n' > "$tmp/bad.toml"
set +e; GUIDETRACK_CONFIG="$tmp/bad.toml" "$gt" list 2>"$tmp/err"; code=$?; set -e
[ "$code" -eq 2 ] && grep >/dev/null "bad.toml:4: notify\[0\].format: expected slack, teams or json, not 'discord'" "$tmp/err" || fail "bad value: $(cat "$tmp/err")"
printf 'store = "x"\ncolour = true\n' > "$tmp/bad.toml"
set +e; GUIDETRACK_CONFIG="$tmp/bad.toml" "$gt" config check 2>"$tmp/err"; code=$?; set -e
[ "$code" -eq 2 ] && grep >/dev/null "bad.toml:2: colour: unknown key" "$tmp/err" || fail "unknown key: $(cat "$tmp/err")"
echo "notify_webhook: ok"
