#!/usr/bin/env python3
"""check at scale: N generated documents served from 127.0.0.1, checked by 1 and by 4 shards.

Usage: bench_shard.py GUIDETRACK WORKDIR [--docs N]   (bench/bench_shard.sh builds and calls it)
Reports documents per CPU second (user + system, children included) and per wall second for the
first check (every document fetched, extracted and recorded) with one process, and with four
`check --shard K/4` processes at once, each on its own copy of the store (as four CI runners);
then `list` and `feed` CPU time and the store size at that count.
"""
import argparse
import http.server
import json
import os
import random
import shutil
import subprocess
import threading
import time


def cpu_run(cmd, env):
    t0 = os.times()
    w0 = time.time()
    subprocess.run(cmd, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = os.times()
    return (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system), \
        time.time() - w0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("guidetrack")
    ap.add_argument("work")
    ap.add_argument("--docs", type=int, default=1000)
    a = ap.parse_args()
    gt = os.path.abspath(a.guidetrack)
    site = os.path.join(a.work, "site")
    os.makedirs(site, exist_ok=True)
    rnd = random.Random(5)
    vocab = [f"word{i}" for i in range(3000)]
    for i in range(a.docs):
        paras = "".join(f"<p>{k + 1}. " + " ".join(rnd.choice(vocab) for _ in range(60)) + "</p>\n"
                        for k in range(20))
        with open(os.path.join(site, f"doc-{i}.html"), "w") as f:
            f.write(f"<!DOCTYPE html><html><head><title>Guidance {i}</title></head><body><main>"
                    f"<h1>Guidance {i}</h1>\n{paras}</main></body></html>\n")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kw):
            super().__init__(*args, directory=site, **kw)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    catalog = {"schema_version": 1, "groups": {"gen": "generated"}, "documents": [
        {"id": f"doc-{i}", "title": f"Guidance {i}", "url": f"http://127.0.0.1:{port}/doc-{i}.html",
         "format": "html", "publisher": "bench", "origin": "bench", "groups": ["gen"]}
        for i in range(a.docs)]}
    cat = os.path.join(a.work, "catalog.json")
    with open(cat, "w") as f:
        json.dump(catalog, f)
    base = os.path.join(a.work, "base")
    env = dict(os.environ, GUIDETRACK_STORE=base)
    subprocess.run([gt, "init"], env=env, check=True, capture_output=True)
    subprocess.run([gt, "track", "--catalog", "--catalog-file", cat], env=env, check=True,
                   capture_output=True)
    one = os.path.join(a.work, "one")
    shutil.copytree(base, one)
    c1, w1 = cpu_run([gt, "check"], dict(os.environ, GUIDETRACK_STORE=one))
    shards = []
    for k in range(4):
        d = os.path.join(a.work, f"shard{k}")
        shutil.copytree(base, d)
        shards.append(d)
    t0 = os.times()
    w0 = time.time()
    procs = [subprocess.Popen([gt, "check", "--shard", f"{k + 1}/4"],
                              env=dict(os.environ, GUIDETRACK_STORE=shards[k]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for k in range(4)]
    for p in procs:
        p.wait()
    w4 = time.time() - w0
    t1 = os.times()
    c4 = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    recorded = sum(1 for d in json.loads(subprocess.run(
        [gt, "list", "--json"], env=dict(os.environ, GUIDETRACK_STORE=one), capture_output=True,
        check=True).stdout) if d["versions"] == 1)
    cl, _ = cpu_run([gt, "list"], dict(os.environ, GUIDETRACK_STORE=one))
    cf, _ = cpu_run([gt, "feed"], dict(os.environ, GUIDETRACK_STORE=one))
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(one) for f in fs)
    c2, w2 = cpu_run([gt, "check"], dict(os.environ, GUIDETRACK_STORE=one))
    print(f"documents: {a.docs} generated HTML pages on 127.0.0.1 ({recorded} recorded by the 1-shard run)")
    print(f"first check, 1 process:   {a.docs / c1:.1f} docs per CPU s ({c1:.1f} s CPU), {a.docs / w1:.1f} per wall s")
    print(f"first check, 4 shards:    {a.docs / c4:.1f} docs per CPU s ({c4:.1f} s CPU), {a.docs / w4:.1f} per wall s (4 processes on 2 shared cores)")
    print(f"second check, nothing changed: {a.docs / c2:.1f} docs per CPU s, {a.docs / w2:.1f} per wall s")
    print(f"list: {cl * 1000:.0f} ms CPU; feed: {cf * 1000:.0f} ms CPU; store {size / 1048576:.1f} MiB")
    srv.shutdown()


if __name__ == "__main__":
    main()
