#!/usr/bin/env python3
"""Every row of issue 17's table in one run: guidetrack against its peer, as a ratio.

Usage: bench_speed.py GUIDETRACK WORKDIR [--runs N] [--only ROWS]
(bench/bench_speed.sh builds guidetrack and calls this.)

CPU time: user + system of the process and its children (os.wait4's rusage, microseconds),
the median of N paired runs that alternate guidetrack and the peer, so both see the same load
on a shared machine. Peak RSS from the same rusage. Wall time is not used.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_ru(cmd, stdin=None, env=None, ok=(0,), out=None):
    """Runs cmd; returns (CPU seconds, peak RSS KiB) from its own rusage (os.wait4)."""
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    fout = open(out, "wb") if out else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.DEVNULL, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    for f in (fin, fout):
        if f is not subprocess.DEVNULL:
            f.close()
    if p.returncode not in ok:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}")
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def paired(a, b, runs):
    """Alternates a() and b() runs times; returns (median cpu a, median cpu b, max rss a, b)."""
    ta, tb, ra, rb = [], [], [], []
    for _ in range(runs):
        t, r = a()
        ta.append(t)
        ra.append(r)
        t, r = b()
        tb.append(t)
        rb.append(r)
    return statistics.median(ta), statistics.median(tb), max(ra), max(rb)


ROWS = []


def row(work, gt_s, peer, peer_s, aim, note=""):
    ratio = f"{gt_s / peer_s:.2f}x" if peer_s and peer_s > 0 else "-"
    peer_txt = f"{peer} {peer_s * 1000:.1f} ms" if peer else "-"
    line = f"| {work} | {gt_s * 1000:.1f} ms | {peer_txt} | {ratio} | {aim} | {note} |"
    ROWS.append(line)
    print(line, flush=True)


def text_row(work, gt_txt, peer_txt, ratio, aim, note=""):
    line = f"| {work} | {gt_txt} | {peer_txt} | {ratio} | {aim} | {note} |"
    ROWS.append(line)
    print(line, flush=True)


def gt_env(store):
    env = dict(os.environ)
    env["GUIDETRACK_STORE"] = store
    env.pop("GUIDETRACK_CONFIG", None)
    return env


def synthetic_doc(words, seed):
    rnd = random.Random(seed)
    vocab = [f"word{i}" for i in range(5000)]
    paras, n, num = [], 0, 1
    while n < words:
        k = rnd.randint(40, 160)
        paras.append(f"{num}. " + " ".join(rnd.choice(vocab) for _ in range(k)))
        n += k
        num += 1
    return paras


def bench_version(gt, runs):
    a = lambda: run_ru([gt, "--version"])
    b = lambda: run_ru(["git", "--version"])
    ga, gb, _, _ = paired(a, b, runs * 3)
    row("`guidetrack --version` (start-up)", ga, "git --version", gb, "no PDF/HTML start-up cost")


def bench_diff(gt, work, runs, corpus):
    pdf = os.path.join(corpus, "kcsie2024/Keeping_children_safe_in_education_2024.pdf")
    store = os.path.join(work, "diff-store")
    env = gt_env(store)
    kcsie = os.path.join(work, "kcsie.md")
    if os.path.exists(pdf):
        subprocess.run([gt, "track", "kcsie", "--title", "KCSIE 2024", "--input-format", "pdf"],
                       env=env, check=True, capture_output=True)
        subprocess.run([gt, "snapshot", "kcsie", pdf, "--label", "v2024"], env=env, check=True,
                       capture_output=True)
        with open(kcsie, "wb") as f:
            f.write(subprocess.run([gt, "show", "kcsie"], env=env, check=True,
                                   capture_output=True).stdout)
    mk = [sys.executable, os.path.join(HERE, "make_variants.py")]
    cases = []
    if os.path.exists(kcsie):
        for frac, seed, name in ((0.01, 1, "1%"), (0.30, 2, "30%")):
            b = os.path.join(work, f"kcsie-{seed}.md")
            subprocess.run(mk + ["variant", kcsie, b, "--fraction", str(frac), "--seed",
                                 str(seed)], check=True, capture_output=True)
            cases.append((f"diff --files --json, KCSIE text {name} changed", kcsie, b,
                          "<= 2x" if name == "1%" else "<= 3x"))
    synth = os.path.join(work, "synth.md")
    subprocess.run(mk + ["synthetic", synth, "--words", "1000000", "--seed", "3"], check=True,
                   capture_output=True)
    synth1 = os.path.join(work, "synth-1.md")
    subprocess.run(mk + ["variant", synth, synth1, "--fraction", "0.01", "--seed", "4"],
                   check=True, capture_output=True)
    cases.append(("diff, 1,000,000 words, 1%", synth, synth1, "<= 3x, RSS <= 5x input"))
    for name, a, b, aim in cases:
        out = os.path.join(work, "diff.json")
        ga, gb, ra, rb = paired(
            lambda: run_ru([gt, "diff", "--files", a, b, "--input-format", "md", "--json"], ok=(0, 1),
                           out=out),
            lambda: run_ru(["git", "diff", "--no-index", "--word-diff=porcelain", a, b],
                           ok=(0, 1)), runs)
        inputs = os.path.getsize(a) + os.path.getsize(b)
        with open(out) as f:
            s = json.load(f)["summary"]
        note = (f"RSS {ra / 1024:.1f} MiB = {ra * 1024 / inputs:.1f}x inputs (git "
                f"{rb / 1024:.1f} MiB); edit script {s['words_added'] + s['words_removed']} words")
        row(name, ga, "git diff --no-index --word-diff=porcelain", gb, aim, note)


def bench_replay(gt, work, corpus, limit):
    bundle = os.path.join(corpus, "ota-pga/pga-versions.bundle")
    if not os.path.exists(bundle):
        text_row("replay of the ota-pga bundle", "skipped (no corpus)", "-", "-", "")
        return None
    src = os.path.join(work, "pga.git")
    subprocess.run(["git", "clone", "-q", "--bare", bundle, src], check=True, capture_output=True)
    log = subprocess.run(["git", "--git-dir", src, "log", "--reverse", "--name-only",
                          "--diff-filter=AM", "--format=", "HEAD"], check=True,
                         capture_output=True, text=True).stdout
    paths = []
    for p in log.splitlines():
        if p.endswith(".md") and p not in paths:
            paths.append(p)
    if limit:
        paths = paths[:limit]
    store = os.path.join(work, "replay-store")
    env = gt_env(store)
    subprocess.run([gt, "init"], env=env, check=True, capture_output=True)
    cpu, peak, inputs, recorded = 0.0, 0, 0, 0
    ids = {}
    for p in paths:
        stem = p[:-3]
        did = "".join(c.lower() if c.isalnum() else "-" for c in stem)
        while "--" in did:
            did = did.replace("--", "-")
        did = did.strip("-")[:55].strip("-") or "doc"
        if did in ids.values():
            did = f"{did[:50]}-{len(ids)}"
        ids[p] = did
        t, r = run_ru([gt, "track", did, "--title", stem, "--input-format", "md"], env=env)
        cpu += t
        peak = max(peak, r)
        out = os.path.join(work, "import.out")
        t, r = run_ru([gt, "import", did, f"{src}:{p}"], env=env, out=out)
        cpu += t
        peak = max(peak, r)
        with open(out) as f:
            line = f.read()
        # "<id>: imported N versions (M unchanged inputs recorded nothing), ..."
        n = int(line.split("imported ")[1].split()[0])
        m = int(line.split("(")[1].split()[0]) if "unchanged" in line else 0
        recorded += n
        inputs += n + m
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs)
    fsck = subprocess.run(["git", "--git-dir", store, "fsck", "--strict", "--no-dangling"],
                          capture_output=True).returncode == 0
    text_row(f"replay of the ota-pga bundle ({len(paths)} documents, {inputs} inputs, "
             f"{recorded} recorded)",
             f"{inputs / cpu:.0f} inputs per CPU second ({cpu:.1f} s), peak {peak / 1024:.0f} MiB",
             "-", "-", ">= 200 per CPU second, < 300 MB",
             f"store {size / 1048576:.1f} MiB vs bundle {os.path.getsize(bundle) / 1048576:.1f} "
             f"MiB; git fsck --strict {'ok' if fsck else 'FAILED'}")
    return store


def history_stream(path, versions, seed):
    """A stream for `guidetrack import ID -`: one document, a few words changed per version."""
    rnd = random.Random(seed)
    paras = synthetic_doc(3000, seed)
    with open(path, "wb") as f:
        for i in range(versions):
            k = rnd.randrange(len(paras))
            words = paras[k].split(" ")
            words[rnd.randrange(1, len(words))] = f"edit{i}"
            paras[k] = " ".join(words)
            body = ("# Generated guidance\n\n" + "\n\n".join(paras) + "\n").encode()
            day = f"{2000 + i // 360:04d}-{(i // 30) % 12 + 1:02d}-{i % 28 + 1:02d}"
            f.write(f"{day} v{i + 1} {len(body)}\n".encode() + body + b"\n")
    return paras


def make_history_store(gt, work, name, versions):
    store = os.path.join(work, name)
    env = gt_env(store)
    subprocess.run([gt, "track", "doc", "--title", "Generated", "--input-format", "md"], env=env,
                   check=True, capture_output=True)
    stream = os.path.join(work, name + ".stream")
    paras = history_stream(stream, versions, 7)
    t, r = run_ru([gt, "import", "doc", "-"], env=env, stdin=stream)
    os.remove(stream)
    return store, env, paras, t, r


def bench_history(gt, work, runs):
    small, env_s, paras_s, _, _ = make_history_store(gt, work, "h500", 500)
    big, env_b, paras_b, t, r = make_history_store(gt, work, "h5000", 5000)
    text_row("import of a generated 5,000-version document (stdin stream)",
             f"{5000 / t:.0f} versions per CPU second ({t:.2f} s), peak {r / 1024:.0f} MiB", "-",
             "-", ">= 200 per CPU second", "")
    counter = [0]

    def snap(env, paras):
        counter[0] += 1
        p = os.path.join(work, f"snap-{counter[0]}.md")
        with open(p, "w") as f:
            f.write("# Generated guidance\n\n" + "\n\n".join(paras) + f"\n\nExtra {counter[0]}.\n")
        res = run_ru([gt, "snapshot", "doc", p, "--label", f"s{counter[0]}"], env=env)
        os.remove(p)
        return res

    ga, gb, _, _ = paired(lambda: snap(env_b, paras_b), lambda: snap(env_s, paras_s), runs)
    row("one snapshot on a 5,000-version document", ga, "the same on a 500-version one", gb,
        "independent of history length (1.0x)")
    # log and list: 5,000 imported + the snapshots above (about 5,001 versions and more).
    ga, gb, _, _ = paired(lambda: run_ru([gt, "log", "doc"], env=env_b),
                          lambda: run_ru(["git", "--git-dir", big, "log", "--oneline",
                                          "refs/heads/doc"]), runs * 2)
    n = json.loads(subprocess.run([gt, "list", "--json"], env=env_b, capture_output=True,
                                  check=True).stdout)[0]["versions"]
    row(f"log on a {n:,}-version document", ga, "git log --oneline", gb,
        "< 50 ms and <= 1.5x git log")
    ga, gb, _, _ = paired(lambda: run_ru([gt, "list"], env=env_b),
                          lambda: run_ru(["git", "--git-dir", big, "for-each-ref"]), runs * 2)
    row("list on that store", ga, "git for-each-ref", gb, "< 50 ms")
    return big


def bench_list_replay(gt, store, runs):
    env = gt_env(store)
    ga, gb, _, _ = paired(lambda: run_ru([gt, "list"], env=env),
                          lambda: run_ru(["git", "--git-dir", store, "for-each-ref"]), runs * 2)
    n = len(json.loads(subprocess.run([gt, "list", "--json"], env=env, capture_output=True,
                                      check=True).stdout))
    row(f"list on the replay store ({n} documents)", ga, "git for-each-ref", gb, "< 50 ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("guidetrack")
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="version,diff,replay,history")
    ap.add_argument("--replay-limit", type=int, default=0, help="first N documents only")
    args = ap.parse_args()
    corpus = os.environ.get("GUIDETRACK_CORPUS", os.path.join(HERE, "../../shared/corpus"))
    gt = os.path.abspath(args.guidetrack)
    only = args.only.split(",")
    print("| work | guidetrack (CPU) | peer (CPU) | ratio | aim | notes |")
    print("|---|---|---|---|---|---|")
    if "version" in only:
        bench_version(gt, args.runs)
    if "diff" in only:
        bench_diff(gt, args.work, args.runs, corpus)
    if "history" in only:
        bench_history(gt, args.work, args.runs)
    if "replay" in only:
        store = bench_replay(gt, args.work, corpus, args.replay_limit)
        if store:
            bench_list_replay(gt, store, args.runs)
    text_row("sync of a store to an empty remote", "not measured here", "git push --mirror", "-",
             "<= 2x", "see bench/bench_sync.sh: sync against git push")


if __name__ == "__main__":
    main()
