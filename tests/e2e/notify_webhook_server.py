# A webhook receiver on 127.0.0.1 for the notification tests. Usage: PORT OUTDIR. Each POST body
# is saved as OUTDIR/<path>-NNN.json; while OUTDIR/fail exists, every POST gets a 500.
import os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, outdir = int(sys.argv[1]), sys.argv[2]

class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if os.path.exists(os.path.join(outdir, "fail")):
            self.send_response(500); self.end_headers(); self.wfile.write(b"boom"); return
        name = self.path.strip("/").replace("/", "_")
        n = len([f for f in os.listdir(outdir) if f.startswith(name + "-")])
        with open(os.path.join(outdir, "%s-%03d.json" % (name, n)), "wb") as f:
            f.write(body)
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a):
        pass

s = HTTPServer(("127.0.0.1", port), H)
open(os.path.join(outdir, "ready"), "w").close()
s.serve_forever()
