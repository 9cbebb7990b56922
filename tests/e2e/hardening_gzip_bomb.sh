#!/usr/bin/env bash
# A gzip bomb over HTTP: the fetch client accepts Content-Encoding: gzip, so a server can send a
# few megabytes that inflate to a gigabyte of HTML. `guidetrack check` must stop at its size limit
# (counted on the inflated bytes), quickly, with one clear line, and record nothing.
#
# usage: hardening_gzip_bomb.sh GUIDETRACK_BINARY SOURCE_DIR
set -uo pipefail
bin="$1"
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
command -v git >/dev/null || { echo "SKIP: git is not installed"; exit 77; }

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1 GiB of HTML, gzip-compressed (about 1 MB), served with Content-Encoding: gzip.
cat >"$tmp/server.py" <<'EOF'
import http.server, socketserver, struct, sys, zlib
# Compress one 1 MiB chunk after a full flush (which resets the compressor's history), and repeat
# its bytes 1024 times: the stream stays valid, and only the gzip trailer (CRC-32 and size of the
# whole) has to be computed here. Seconds, not minutes, even on a busy machine.
prefix, suffix = b"<!DOCTYPE html><html><body><main><p>", b"</p></main></body></html>"
chunk, count = b"A" * (1 << 20), 1024
c = zlib.compressobj(9, zlib.DEFLATED, 31)
head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
one = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
tail = (c.compress(suffix) + c.flush(zlib.Z_FINISH))[:-8]
crc = zlib.crc32(prefix)
for _ in range(count):
    crc = zlib.crc32(chunk, crc)
crc = zlib.crc32(suffix, crc)
size = len(prefix) + count * len(chunk) + len(suffix)
body = head + one * count + tail + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
    def log_message(self, *args):
        pass

socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(("127.0.0.1", 0), Handler) as httpd:
    with open(sys.argv[1], "w") as f:
        f.write(str(httpd.server_address[1]))
    httpd.serve_forever()
EOF
python3 "$tmp/server.py" "$tmp/port" &
server_pid=$!
for _ in $(seq 1 1200); do
  [ -s "$tmp/port" ] && break
  sleep 0.1
done
[ -s "$tmp/port" ] || fail "the test server did not start"
port="$(cat "$tmp/port")"
echo "gzip bomb served at http://127.0.0.1:$port/bomb.html"

store="$tmp/store"
"$bin" --store "$store" init >/dev/null || fail "init"
"$bin" --store "$store" track bomb --title "Bomb" --url "http://127.0.0.1:$port/bomb.html" \
  --input-format html >/dev/null || fail "track"
refs_before="$(git -C "$store" for-each-ref --format='%(refname) %(objectname)')"
objects_before="$(git -C "$store" count-objects -v)"

start=$(date +%s%3N)
timeout 120 "$bin" --store "$store" check bomb --max-size 16 --retries 0 >"$tmp/out" 2>"$tmp/err"
rc=$?
end=$(date +%s%3N)
echo "check exited $rc after $((end - start)) ms"
echo "stdout: $(head -c 300 "$tmp/out")"
echo "stderr: $(head -c 300 "$tmp/err")"
[ "$rc" -ne 124 ] || fail "check did not stop within 120 s"
[ "$rc" -lt 128 ] || fail "check was killed by a signal ($rc)"
[ "$rc" -ne 0 ] || fail "check reported success on a bomb"
[ $((end - start)) -lt 30000 ] || fail "check took $((end - start)) ms to give up"
grep -qiE 'limit|larger|too large|size' "$tmp/out" "$tmp/err" ||
  fail "the message does not name the size limit"
[ "$refs_before" = "$(git -C "$store" for-each-ref --format='%(refname) %(objectname)')" ] ||
  fail "refs changed"
[ "$objects_before" = "$(git -C "$store" count-objects -v)" ] || fail "objects changed"
echo "ok: the bomb was refused at the limit, store unchanged"
