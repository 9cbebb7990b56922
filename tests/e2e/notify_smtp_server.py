# A real SMTP server on 127.0.0.1 for the notification tests (Debian python3-aiosmtpd).
# Usage: notify_smtp_server.py PORT OUTDIR. Each message is saved as OUTDIR/NNN.eml; while the
# file OUTDIR/refuse exists, every message is refused with 554.
import os, sys, time
from aiosmtpd.controller import Controller

port, outdir = int(sys.argv[1]), sys.argv[2]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        if os.path.exists(os.path.join(outdir, "refuse")):
            return "554 5.7.1 refused by the test server"
        n = len([f for f in os.listdir(outdir) if f.endswith(".eml")])
        path = os.path.join(outdir, "%03d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 OK"

c = Controller(Handler(), hostname="127.0.0.1", port=port)
c.start()
open(os.path.join(outdir, "ready"), "w").close()
try:
    while True:
        time.sleep(1)
finally:
    c.stop()
