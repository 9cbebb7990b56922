#!/usr/bin/env python3
"""Make inputs for the diff benchmark (bench/bench_diff.sh).

  make_variants.py variant INPUT OUTPUT --fraction F [--seed S]
      Copy a stored text (Markdown of guidetrack's dialect) replacing a fraction F of its words
      (0.01 = 1%) with other words of the same document, chosen at random positions. Structure is
      kept: paragraph numbers, heading markers, page markers and link targets are never touched,
      so the two texts differ in wording only. Prints how many words were replaced.

  make_variants.py synthetic OUTPUT --words N [--one-block] [--seed S]
      Write a synthetic guidance-like document of about N words: numbered paragraphs of 40-160
      words under a heading every 40 paragraphs, words drawn from a Zipf-like vocabulary of 5,000
      made-up words. --one-block writes all the words as ONE paragraph (the worst case for a
      structure-aware diff, where only the word-level algorithm can help).
"""
import argparse
import random
import re
import sys

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
LINK_TARGET = re.compile(r"\]\(<[^>]*>\)")
NUMBER_PREFIX = re.compile(r"^(\s*(?:[-#]+ )?)(\d+(?:\.\d+)*[a-z]?\. )")


def eligible_spans(line):
    """Byte spans of the words in a line that may be replaced."""
    if line.startswith("<!--"):
        return []
    blocked = [m.span() for m in LINK_TARGET.finditer(line)]
    m = NUMBER_PREFIX.match(line)
    start = m.end() if m else 0
    spans = []
    for w in WORD.finditer(line, start):
        if any(b <= w.start() < e for b, e in blocked):
            continue
        spans.append(w.span())
    return spans


def variant(args):
    rng = random.Random(args.seed)
    with open(args.input, encoding="utf-8") as f:
        lines = f.read().split("\n")
    total_words = sum(len(l.split()) for l in lines)
    positions = [(i, s, e) for i, l in enumerate(lines) for s, e in eligible_spans(l)]
    vocabulary = sorted({lines[i][s:e] for i, s, e in positions})
    want = min(len(positions), round(args.fraction * total_words))
    chosen = rng.sample(positions, want)
    by_line = {}
    for i, s, e in chosen:
        by_line.setdefault(i, []).append((s, e))
    replaced = 0
    for i, spans in by_line.items():
        line = lines[i]
        for s, e in sorted(spans, reverse=True):
            old = line[s:e]
            new = old
            while new == old:
                new = rng.choice(vocabulary)
            line = line[:s] + new + line[e:]
            replaced += 1
        lines[i] = line
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(f"{replaced} of {total_words} words replaced ({100.0 * replaced / total_words:.2f}%)")


def synthetic(args):
    rng = random.Random(args.seed)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "va", "sho", "gle",
                 "tri", "an", "el", "or", "un", "is", "ber", "con"]
    vocabulary = set()
    while len(vocabulary) < 5000:
        vocabulary.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    vocabulary = sorted(vocabulary)
    rng.shuffle(vocabulary)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]

    out = ["# Synthetic guidance", ""]
    words = 0
    paragraph = 0
    one_block = []
    while words < args.words:
        n = min(rng.randint(40, 160), args.words - words)
        body = rng.choices(vocabulary, weights, k=n)
        for k in range(7, n, rng.randint(9, 20)):
            body[k] += ","
        text = " ".join(body)
        text = text[0].upper() + text[1:] + "."
        words += n
        if args.one_block:
            one_block.append(text)
            continue
        if paragraph % 40 == 0:
            out += [f"## Part {paragraph // 40 + 1}", ""]
        paragraph += 1
        out += [f"{paragraph}. {text}", ""]
    if args.one_block:
        out += [" ".join(one_block), ""]
    with open(args.output, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print(f"{words} words")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("variant")
    v.add_argument("input")
    v.add_argument("output")
    v.add_argument("--fraction", type=float, required=True)
    v.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("synthetic")
    s.add_argument("output")
    s.add_argument("--words", type=int, required=True)
    s.add_argument("--one-block", action="store_true")
    s.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    if args.cmd == "variant":
        if not 0 < args.fraction <= 1:
            sys.exit("--fraction must be in (0, 1]")
        variant(args)
    else:
        synthetic(args)


if __name__ == "__main__":
    main()
