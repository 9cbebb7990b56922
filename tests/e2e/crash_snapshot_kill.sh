#!/usr/bin/env bash
# Crash safety: kill `guidetrack snapshot` with SIGKILL at random moments while it records large
# Markdown documents (about 2 MB each), at least 100 times. Afterwards the store must pass
# `git fsck --strict`, every version must be wholly present or absent (each branch and tag points
# at a complete commit whose tree holds the text and the metadata, each tag's version is in its
# document's history, and every snapshot that reported success is in `guidetrack log`), and the
# next snapshot must work.
#
# usage: crash_snapshot_kill.sh GUIDETRACK_BINARY SOURCE_DIR [KILLS]
set -uo pipefail
bin="$1"
kills="${3:-110}"
command -v git >/dev/null || { echo "SKIP: git is not installed"; exit 77; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
store="$tmp/store"
gt() { "$bin" --store "$store" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
now_ms() { date +%s%3N; }

gt init >/dev/null || fail "init"
gt track big --title "Big guidance" --input-format md >/dev/null || fail "track"

# A ~2 MB Markdown document: headings every 50 paragraphs, numbered paragraphs of varied words.
awk 'BEGIN {
  srand(7);
  split("safeguarding partners must publish arrangements schools local authority child " \
        "welfare review panel designated lead training children social care practitioners " \
        "should within working days report concerns police health", w, " ");
  print "# Big guidance document";
  for (i = 1; i <= 14000; i++) {
    if (i % 50 == 1) printf "\n## Section %d\n", i / 50 + 1;
    line = i ".";
    for (j = 0; j < 20; j++) line = line " " w[int(rand() * 30) + 1];
    print "\n" line ".";
  }
}' >"$tmp/base.md"
size=$(wc -c <"$tmp/base.md")
[ "$size" -gt 2000000 ] || fail "generated document is only $size bytes"

# Round r's document differs from every other round's in three places.
make_doc() {
  { echo "Round $1 preface."; sed "s/^1000\. /1000. Round $1 /; s/^12000\. /12000. Round $1 /" "$tmp/base.md"; } >"$tmp/doc.md"
}

# How long an uninterrupted snapshot takes: the kills are spread over that time.
make_doc 0
t0=$(now_ms)
gt snapshot big "$tmp/doc.md" --label r0 >/dev/null || fail "first snapshot"
t1=$(now_ms)
span=$(( (t1 - t0) * 12 / 10 ))
[ "$span" -lt 20 ] && span=20
echo "one snapshot of $size bytes takes $((t1 - t0)) ms; killing within 0-$span ms"

declare -a recorded=(r0)
killed=0
completed=0
start=$(now_ms)
for ((r = 1; r <= kills; r++)); do
  make_doc "$r"
  # The binary itself, not a shell function, so that $! is the process that gets killed.
  "$bin" --store "$store" snapshot big "$tmp/doc.md" --label "r$r" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  delay=$(( (RANDOM * 32768 + RANDOM) % span ))
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rc=$?
  if [ "$rc" -eq 137 ]; then
    killed=$((killed + 1))
  elif [ "$rc" -eq 0 ]; then
    completed=$((completed + 1))
    grep -q "recorded version r$r" "$tmp/out" && recorded+=("r$r")
  else
    # A snapshot that was not killed must either succeed or fail with one clear line.
    fail "round $r: snapshot exited $rc: $(head -c 300 "$tmp/err")"
  fi
  if [ $((r % 25)) -eq 0 ]; then
    git -C "$store" fsck --strict --no-progress >"$tmp/fsck" 2>&1 ||
      fail "git fsck --strict after $r kills: $(grep -v '^dangling' "$tmp/fsck" | head -5)"
  fi
done
end=$(now_ms)
echo "$kills rounds in $((end - start)) ms: $killed killed mid-way, $completed completed first"
[ "$killed" -ge $((kills / 2)) ] || fail "only $killed of $kills snapshots were interrupted"

# 1. The repository is sound.
git -C "$store" fsck --strict --no-progress >"$tmp/fsck" 2>&1 ||
  fail "git fsck --strict: $(grep -v '^dangling' "$tmp/fsck" | head -5)"

# 2. Every ref points at a complete commit.
git -C "$store" for-each-ref --format='%(refname) %(objectname)' >"$tmp/refs"
while read -r ref oid; do
  git -C "$store" cat-file -e "$oid^{commit}" 2>/dev/null || fail "$ref points at missing $oid"
  files="$(git -C "$store" ls-tree --name-only "$oid")"
  grep -qx document.json <<<"$files" || fail "$ref: commit $oid has no document.json"
  case "$ref" in
    refs/tags/big/*)
      label="${ref#refs/tags/big/}"
      for f in text.md version.json; do
        grep -qx "$f" <<<"$files" || fail "$ref: version commit has no $f"
      done
      grep -q '^original\.' <<<"$files" || fail "$ref: version commit has no original"
      git -C "$store" show "$oid:version.json" | grep >/dev/null "\"$label\"" ||
        fail "$ref: version.json does not name label $label"
      git -C "$store" merge-base --is-ancestor "$oid" refs/heads/big ||
        fail "$ref: version $label is tagged but not in the document's history (half-recorded)"
      ;;
  esac
done <"$tmp/refs"

# 3. Every version in the history is complete and tagged, and no reported success is lost.
gt log big >"$tmp/log" 2>&1 || fail "log after kills: $(head -3 "$tmp/log")"
versions=$(git -C "$store" log --format=%H refs/heads/big -- text.md | wc -l)
tags=$(grep -c '^refs/tags/big/' "$tmp/refs")
[ "$versions" -eq "$tags" ] || fail "$versions versions in history but $tags tags"
for label in "${recorded[@]}"; do
  grep -qw "$label" "$tmp/log" || fail "version $label reported as recorded but missing from log"
done

# 4. Leftover lock files (a writer killed while holding one) are reported; step 5 shows whether
# they block the next write.
locks=$(find "$store" -name '*.lock' | wc -l)
[ "$locks" -eq 0 ] || echo "lock files left by killed writers: $(cd "$store" && find . -name '*.lock' | head -5 | tr '\n' ' ')"

# 5. The next snapshot works.
make_doc final
t0=$(now_ms)
timeout 120 "$bin" --store "$store" snapshot big "$tmp/doc.md" --label final >"$tmp/out" 2>&1 ||
  fail "snapshot after the kills failed (lock files left: $locks): $(head -3 "$tmp/out")"
t1=$(now_ms)
gt log big >"$tmp/log" 2>&1 || fail "log after the final snapshot"
grep -qw final "$tmp/log" || fail "the final version is not in log"
gt show big@final >"$tmp/show" 2>&1 || fail "show big@final: $(head -3 "$tmp/show")"
grep -q "Round final preface" "$tmp/show" || fail "show big@final lacks the text"
git -C "$store" fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck after the final snapshot"
packs=$(find "$store/objects/pack" -name '*.pack' | wc -l)
tmpfiles=$(find "$store/objects" -type f ! -name '*.pack' ! -name '*.idx' ! -name '*.rev' \
  ! -path '*/info/*' | wc -l)
[ "$tmpfiles" -eq 0 ] || echo "other files under objects/: $(cd "$store/objects" && find . -type f ! -name '*.pack' ! -name '*.idx' ! -name '*.rev' ! -path '*/info/*' | head -5 | tr '\n' ' ')"
# 6. A writer killed at the instant it holds a ref's lock file leaves that file behind (git moves a
# ref by writing NAME.lock and renaming it). Simulate that moment deterministically: the next
# snapshot must either recover (the lock is an hour old) or fail with a message naming the lock
# file, so the user knows what to remove. "Busy, try again" for ever is neither.
touch -d '1 hour ago' "$store/refs/heads/big.lock"
make_doc stale-lock
timeout 60 "$bin" --store "$store" snapshot big "$tmp/doc.md" --label after-lock >"$tmp/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
  grep -q '\.lock' "$tmp/out" ||
    fail "a stale refs/heads/big.lock blocks snapshots, and the message (exit $rc) does not name it: $(head -2 "$tmp/out")"
fi
rm -f "$store/refs/heads/big.lock"
echo "ok: fsck clean, $versions versions all complete, final snapshot in $((t1 - t0)) ms;" \
  "$locks lock file(s) were left, $packs pack(s), $tmpfiles other file(s) under objects/"
