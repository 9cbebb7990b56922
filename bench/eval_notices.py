#!/usr/bin/env python3
"""Evaluate guidetrack's change notices against GOV.UK's own paragraph-level change notes.

For every GOV.UK page in the corpus whose official change note names paragraphs (the
"Summary of changes" pages list "Paragraph 35: ...", "Paragraphs 5-8: ..."), find the pair of
document versions the note describes, run `guidetrack notice --files OLD NEW --format json`, and
report:
  recall  = official paragraphs that fall inside some notice item / official paragraphs
  extra   = notice items that cover no officially named paragraph (listed, for judging whether
            each is a real change the official note left out)

Pairing: a summary version and the document versions it describes share the mirror's commit
(GOV.UK publishes them together). The earlier version is the previous one in the same folder;
when the commit starts a new edition (version 001 of a new folder), the earlier version is the
previous one of the sibling folder that the same commit also touched (the outgoing edition).
Change notes in versions.tsv subjects that name paragraphs of a document missing from the
corpus are reported as not evaluable.

Usage: eval_notices.py GUIDETRACK CORPUS [--markdown]
"""
import csv
import json
import os
import re
import subprocess
import sys
import time

MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
SECTION_RE = re.compile(r"^" + MONTH + r" \d{4}\b")
REF_RE = re.compile(r"\bparagraphs?\s+((?:\d+[a-z]?(?:\s*(?:to|-|\u2013|,|and)\s*)?)+)", re.I)


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def versions_of(folder):
    """idx -> (commit, html path) for one page folder."""
    out = {}
    vdir = os.path.join(folder, "versions")
    tsv = os.path.join(folder, "versions.tsv")
    if not os.path.isfile(tsv) or not os.path.isdir(vdir):
        return out
    files = {f[:3]: f for f in os.listdir(vdir) if f.endswith(".html")}
    for row in read_tsv(tsv):
        idx = int(row["idx"])
        f = files.get("%03d" % idx)
        if f:
            out[idx] = (row["commit"], os.path.join(vdir, f))
    return out


def paragraphs_in(text):
    """Paragraph numbers named in a piece of a change note: 'Paragraphs 5-8', '53 and 62'."""
    nums = set()
    for m in REF_RE.finditer(text):
        before = text[max(0, m.start() - 12):m.start()].lower()
        if "previously" in before or "annex" in text[max(0, m.start() - 10):m.start()].lower():
            continue
        body = m.group(1)
        for a, b in re.findall(r"(\d+)\s*(?:to|-|\u2013)\s*(\d+)", body):
            a, b = int(a), int(b)
            if 0 < b - a < 200:
                nums.update(str(i) for i in range(a, b + 1))
        for n in re.findall(r"\d+", body):
            nums.add(str(int(n)))
    return nums


def newest_section(summary_txt):
    """The lines of the newest dated section of a summary-of-changes page."""
    with open(summary_txt, encoding="utf-8") as f:
        lines = [l.strip() for l in f]
    start = 0
    for i, l in enumerate(lines):
        if l.startswith("This publication is available at"):
            start = i + 1
            break
    body = []
    in_section = False
    for l in lines[start:]:
        if SECTION_RE.match(l):
            if in_section:
                break
            in_section = True
            continue
        if in_section:
            body.append(l)
    return body


def official_items(section_lines):
    """[(line, set of paragraphs)] for lines of the note that name paragraphs."""
    items = []
    for line in section_lines:
        if line.lower().startswith("annex"):
            continue
        head = line.split(":", 1)[0] if ":" in line else line
        refs = paragraphs_in(head) if "paragraph" in head.lower() else paragraphs_in(line)
        if refs:
            items.append((line, refs))
    return items


def item_paragraphs(item):
    """Paragraph numbers an item covers (its range and each part's), new numbering only."""
    nums = set()
    locs = [item["location"]] + [p["location"] for p in item.get("parts", [])]
    for loc in locs:
        if loc.get("previous_numbering"):
            continue
        first, last = loc.get("paragraph", ""), loc.get("paragraph_last", "")
        if first.isdigit() and last.isdigit():
            nums.update(str(i) for i in range(int(first), int(last) + 1))
        elif first:
            nums.add(first)
    return nums


def run_notice(binary, old, new, include_minor):
    args = [binary, "notice", "--files", old, new, "--format", "json"]
    if include_minor:
        args.append("--include-minor")
    t0 = time.monotonic()
    r = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError("guidetrack failed on %s %s: %s" % (old, new, r.stderr.strip()))
    return json.loads(r.stdout), elapsed


def extract_blocks(binary, path):
    r = subprocess.run([binary, "extract", "--json", path], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("guidetrack extract failed on %s: %s" % (path, r.stderr.strip()))
    return json.loads(r.stdout)["blocks"]


def unchanged_paragraphs(binary, old, new, numbers):
    """Of the given new paragraph numbers, those whose text (and that of the bullet points
    following them) is word for word in the old version: only their number changed."""
    old_texts = {b["text"] for b in extract_blocks(binary, old)}
    new_blocks = extract_blocks(binary, new)
    same = set()
    for n in numbers:
        texts = []
        for i, b in enumerate(new_blocks):
            if b.get("number") == n and b["kind"] != "footnote":
                texts.append(b["text"])
                j = i + 1
                while j < len(new_blocks) and new_blocks[j]["kind"] == "list_item":
                    texts.append(new_blocks[j]["text"])
                    j += 1
        if texts and all(t in old_texts for t in texts):
            same.add(n)
    return same


def find_pairs(corpus):
    govuk = os.path.join(corpus, "govuk")
    pairs = []
    unevaluable = []
    for group in sorted(os.listdir(govuk)):
        gdir = os.path.join(govuk, group)
        if not os.path.isdir(gdir):
            continue
        folders = sorted(d for d in os.listdir(gdir) if os.path.isdir(os.path.join(gdir, d)))
        # Notes in commit subjects that name paragraphs of pages we do not hold.
        tsv = os.path.join(gdir, "versions.tsv")
        if os.path.isfile(tsv):
            for row in read_tsv(tsv):
                note = row["govuk_change_note(commit subject)"]
                if paragraphs_in(note):
                    unevaluable.append((group, row["idx"], note))
        summary = os.path.join(gdir, "summary-of-changes")
        if not os.path.isdir(summary):
            continue
        docs = {d: versions_of(os.path.join(gdir, d)) for d in folders
                if d not in ("summary-of-changes",) and not d.endswith("landing_page")}
        for idx, (commit, html) in sorted(versions_of(summary).items()):
            items = official_items(newest_section(html[:-5] + ".txt"))
            if not items:
                continue
            touched = [(d, i) for d, vs in docs.items() for i, (c, _) in vs.items() if c == commit]
            new_editions = [(d, i) for d, i in touched if i == 1]
            candidates = new_editions if new_editions else touched
            for d, i in candidates:
                if i > 1:
                    old = docs[d][i - 1][1]
                else:
                    outgoing = [(od, oi) for od, oi in touched if oi > 1]
                    if not outgoing:
                        continue
                    od, oi = outgoing[0]
                    old = docs[od][oi - 1][1]
                pairs.append({
                    "group": group, "summary_version": idx, "old": old,
                    "new": docs[d][i][1], "official": items,
                })
            if not candidates:
                unevaluable.append((group, str(idx), "summary names paragraphs but no earlier "
                                    "version of the document is in the corpus: " +
                                    "; ".join(l for l, _ in items)[:160]))
    return pairs, unevaluable


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, corpus = sys.argv[1], sys.argv[2]
    markdown = "--markdown" in sys.argv
    pairs, unevaluable = find_pairs(corpus)
    total_official = total_hit = total_items = total_extra = total_unchanged = 0
    rows = []
    for p in pairs:
        notice, secs = run_notice(binary, p["old"], p["new"], False)
        notice_all, _ = run_notice(binary, p["old"], p["new"], True)
        official = set()
        for _, refs in p["official"]:
            official |= refs
        covered = set()
        extras = []
        for item in notice["items"]:
            paras = item_paragraphs(item)
            if paras & official:
                covered |= paras & official
            else:
                extras.append(item["line"])
        missed = sorted(official - covered, key=int)
        unchanged = unchanged_paragraphs(binary, p["old"], p["new"], missed)
        total_official += len(official)
        total_hit += len(official & covered)
        total_items += len(notice["items"])
        total_extra += len(extras)
        total_unchanged += len(unchanged)
        rows.append((p, official, covered, missed, unchanged, notice, notice_all, extras, secs))

    def rel(path):
        return os.path.relpath(path, os.path.join(corpus, "govuk"))

    out = []
    if markdown:
        out.append("| pair | official paragraphs | found | recall | missed, text unchanged | items | extra items | minor | time |")
        out.append("|---|---|---|---|---|---|---|---|---|")
    for p, official, covered, missed, unchanged, notice, notice_all, extras, secs in rows:
        recall = len(official & covered) / len(official) if official else 1.0
        name = "%s -> %s" % (rel(p["old"]), os.path.basename(p["new"]))
        minor = len(notice_all["items"]) - len(notice["items"])
        if markdown:
            out.append("| %s | %d | %d | %.0f%% | %d | %d | %d | %d | %.2f s |" % (
                name, len(official), len(official & covered), 100 * recall, len(unchanged),
                len(notice["items"]), len(extras), minor, secs))
        else:
            out.append("== %s" % name)
            out.append("   official paragraphs %d, found %d (recall %.0f%%), items %d, extra %d, "
                       "minor %d, %.2f s" % (len(official), len(official & covered), 100 * recall,
                                             len(notice["items"]), len(extras), minor, secs))
            real = [m for m in missed if m not in unchanged]
            if unchanged:
                out.append("   missed but text identical in the earlier version (only renumbered): " +
                           ", ".join(m for m in missed if m in unchanged))
            if real:
                out.append("   missed: " + ", ".join(real))
            for line in extras:
                out.append("   extra: " + line[:200])
    recall = total_hit / total_official if total_official else 1.0
    changed = total_official - total_unchanged
    summary = ("TOTAL: %d pairs, %d official paragraphs, %d found (recall %.1f%%; %.1f%% of the "
               "%d whose text changed), %d items, %d extra" % (
                   len(rows), total_official, total_hit, 100 * recall,
                   100 * total_hit / changed if changed else 100.0, changed, total_items,
                   total_extra))
    out.append("" if markdown else "")
    out.append(summary)
    for group, idx, note in unevaluable:
        out.append("not evaluable (%s %s): %s" % (group, idx, note[:200]))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
