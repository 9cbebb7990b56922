#!/usr/bin/env bash
# The diff viewer on a real terminal: guidetrack runs inside tmux at 80 and 200 columns, and what
# tmux shows (capture-pane -e: text and attributes) is compared byte for byte with
# tests/golden/viewer/. Cases: the bundled sample (v1 -> v2, v2 -> v3; always run), and with
# $GUIDETRACK_CORPUS Working Together 2023 with its four February 2024 places put back and two
# GOV.UK pairs. Views: inline, side by side, --stat, --unified; colour (TERM=xterm-256color),
# NO_COLOR=1, and a monochrome TERM (vt100). Skipped (exit 77) without tmux or less; without the
# corpus only the sample part runs (and says so).
#
# Besides the byte comparison it checks what a reader needs on those screens:
#   - without colour (NO_COLOR and TERM=vt100) every change is on the screen: one header per change
#     of the JSON, and as many [- -] / {+ +} marks as removed / added runs;
#   - a section header is never printed twice in a row (adjacent changes share it);
#   - with --navigate in less, the first screen starts on the first change, `n` moves to the second
#     and `N` back (tmux send-keys), with the change's section header still on the screen above it;
#   - `diff --section 'Part one*'` on KCSIE (a second version made by editing its stored text in
#     Part one and in Part two) shows the Part one change only.
#
#   viewer_tmux.sh GUIDETRACK SOURCE_DIR            compare
#   viewer_tmux.sh GUIDETRACK SOURCE_DIR --refresh  rewrite tests/golden/viewer (then read the diff)
set -euo pipefail
gt="$1"
src="$2"
mode="${3:-compare}"
golden="$src/tests/golden/viewer"

for tool in tmux less python3; do
    command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed (scripts/setup.sh --test)"; exit 77; }
done
corpus="${GUIDETRACK_CORPUS:-}"
have_corpus=1
if [ -z "$corpus" ] || [ ! -d "$corpus/govuk" ] || [ ! -d "$corpus/wt2023" ]; then
    have_corpus=0
    echo "SKIPPED (part): GUIDETRACK_CORPUS is not set or missing; only the sample's screens are checked"
fi

work="$(mktemp -d)"
sock="$work/tmux.sock"
tm() { tmux -S "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
out="$work/out"
mkdir -p "$out"
cd "$work"
export LC_ALL=C.UTF-8 TZ=UTC XDG_CONFIG_HOME=/nonexistent-guidetrack-config
unset PAGER GUIDETRACK_CONFIG NO_COLOR COLUMNS || true

# A server whose windows keep a long scrollback (history-limit applies to windows made after it
# is set), kept alive by one idle session.
tm new-session -d -s keep "sleep 3600"
tm set-option -g history-limit 50000

# The inputs, at fixed names so that no path reaches the screens.
sample="$src/snapshots/sample"
mkdir -p in/sample-a in/sample-b
cp "$sample/v1.md" in/sample-a/old.md
cp "$sample/v2.md" in/sample-a/new.md
cp "$sample/v2.md" in/sample-b/old.md
cp "$sample/v3.md" in/sample-b/new.md
cases=(sample-a sample-b)
if [ "$have_corpus" = 1 ]; then
    v() { ls "$corpus/govuk/$1/versions/$(printf %03d "$2")_"*.html | head -1; }
    mkdir -p in/wt in/early-years in/section8
    wt="$corpus/wt2023/Working_together_to_safeguard_children_2023_-_statutory_guidance.pdf"
    GUIDETRACK_STORE="$work/wt-store" "$gt" track wt --title WT --input-format pdf >/dev/null
    GUIDETRACK_STORE="$work/wt-store" "$gt" snapshot wt "$wt" --date 2024-02-23 >/dev/null
    GUIDETRACK_STORE="$work/wt-store" "$gt" show wt >in/wt/new.md
    bash "$src/tests/golden/wt2023_revert.sh" <in/wt/new.md >in/wt/old.md
    ey="ofsted_early_years_handbook/handbook-september-2021"
    cp "$(v $ey 1)" in/early-years/old.html
    cp "$(v $ey 2)" in/early-years/new.html
    s8="ofsted_section8_handbook/school-inspection-handbook-section-8"
    cp "$(v $s8 1)" in/section8/old.html
    cp "$(v $s8 2)" in/section8/new.html
    cases+=(wt early-years section8)
fi
files() { echo "in/$1/old.${2} in/$1/new.${2}"; }
ext() { case "$1" in wt | sample-*) echo md ;; *) echo html ;; esac; }

# screen NAME WIDTH HEIGHT ENV COMMAND: run COMMAND in a fresh tmux window of WIDTH x HEIGHT
# with the environment ENV, wait for it to finish, and keep everything it showed (scrollback
# included) in $out/NAME, trailing blank lines dropped.
n=0
screen() {
    local name="$1" width="$2" height="$3" env="$4" cmd="$5"
    n=$((n + 1))
    mkdir -p "$(dirname "$out/$name")"
    tm new-session -d -s "s$n" -x "$width" -y "$height" \
        "cd '$work' && env -u COLUMNS $env $cmd; tmux -S '$sock' wait-for -S done$n; sleep 3600"
    tm wait-for "done$n"
    tm capture-pane -t "s$n" -e -p -S - -E - | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$out/$name"
    tm kill-session -t "s$n"
}

colour_env="TERM=xterm-256color"
nocolour_env="TERM=xterm-256color NO_COLOR=1"
mono_env="TERM=vt100"
for c in "${cases[@]}"; do
    f="$(files "$c" "$(ext "$c")")"
    for width in 80 200; do
        for view in inline side-by-side stat unified; do
            case "$view" in
            inline) opt="" ;;
            side-by-side) opt="-y" ;;
            stat) opt="--stat" ;;
            unified) opt="-u" ;;
            esac
            screen "$c/$view-$width-colour.txt" "$width" 50 "$colour_env" "$gt diff --files $f --no-pager $opt"
            screen "$c/$view-$width-nocolour.txt" "$width" 50 "$nocolour_env" "$gt diff --files $f --no-pager $opt"
        done
    done
    screen "$c/inline-80-vt100.txt" 80 50 "$mono_env" "$gt diff --files $f --no-pager"
    "$gt" diff --files $f --json >"$work/$c.json" || true
done

# What a reader needs, checked on the screens themselves.
python3 - "$out" "$work" "${cases[@]}" <<'EOF'
import json, re, sys
out, work, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
kinds = ("added", "removed", "amended", "moved", "renumbered")
for case in cases:
    changes = json.load(open(f"{work}/{case}.json"))["changes"]
    removed_runs = added_runs = 0
    for ch in changes:
        for e in ch.get("edits", []):
            if e["op"] == "removed" and e["text"].strip():
                removed_runs += 1
            if e["op"] == "added" and e["text"].strip():
                added_runs += 1
    for variant in ("inline-80-nocolour", "inline-80-vt100"):
        screen = open(f"{out}/{case}/{variant}.txt", encoding="utf-8").read()
        where = f"{case}/{variant}"
        assert "\x1b" not in screen, f"{where}: colour codes without colour"
        lines = screen.split("\n")
        headers = [l for l in lines if re.match(r"(%s)(: |$)" % "|".join(kinds), l)]
        assert len(headers) == len(changes), f"{where}: {len(headers)} change headers, {len(changes)} changes"
        # Marks can be split over two lines when a word is broken: count the openers.
        assert screen.count("[-") >= removed_runs, f"{where}: {screen.count('[-')} [- marks, {removed_runs} removed runs"
        assert screen.count("{+") >= added_runs, f"{where}: {screen.count('{+')} {{+ marks, {added_runs} added runs"
        sections = []
        for i, l in enumerate(lines):
            if l.startswith("\u00a7 "):
                text = l
                j = i + 1
                while j < len(lines) and lines[j].startswith("  ") and not re.match(r"\s*(%s)(: |$)" % "|".join(kinds), lines[j]):
                    text += " " + lines[j].strip()
                    j += 1
                sections.append(text)
        for a, b in zip(sections, sections[1:]):
            assert a != b, f"{where}: section header repeated: {a}"
        print(f"viewer: {where}: {len(changes)} changes, {len(sections)} section headers, marks {screen.count('[-')}/{screen.count('{+')}")
EOF

# --navigate: less starts on the first change; n goes to the next, N back. less puts the change
# on the 4th line of the screen (-j4), so that the section header above it stays in view.
# navigate CASE EXT: the case's inline view in less, in an 80x24 window.
navigate() {
    local c="$1" e="$2"
    tm new-session -d -s "nav-$c" -x 80 -y 24 \
        "cd '$work' && env -u COLUMNS TERM=xterm-256color NO_COLOR=1 $gt diff --files $(files "$c" "$e") --navigate; sleep 3600"
    mapfile -t headers < <(grep -E '^(added|removed|amended|moved|renumbered)(: |$)' "$out/$c/inline-80-nocolour.txt")
    [ "${#headers[@]}" -ge 3 ] || fail "$c --navigate: fewer than 3 changes to navigate"
    # on K: wait until line 4 of the screen is change K's header (at most ~10 s); if the change
    # opens a section, that section's header must be on the screen above it.
    on() {
        local k="$1" screen=""
        for _ in $(seq 100); do
            screen="$(tm capture-pane -t "nav-$c" -p)"
            if [ "$(sed -n 4p <<<"$screen")" = "» ${headers[$k]}" ]; then
                python3 - "$out/$c/inline-80-nocolour.txt" "$k" "$screen" <<'EOF' || fail "$c --navigate: change $k"
import re, sys
view = open(sys.argv[1], encoding="utf-8").read().split("\n")
k, screen = int(sys.argv[2]), sys.argv[3].split("\n")
heads = [i for i, l in enumerate(view) if re.match(r"(added|removed|amended|moved|renumbered)(: |$)", l)]
at = heads[k]
sections = [i for i in range(at) if view[i].startswith("\u00a7 ")]
if sections and all(not view[i].strip() == "" for i in range(sections[-1], at)):
    want = view[sections[-1]]
    assert want in screen[:3], f"section header {want!r} is not on the screen above change {k}:\n" + "\n".join(screen)
EOF
                return 0
            fi
            sleep 0.1
        done
        printf '%s\n' "$screen" >&2
        fail "$c --navigate: line 4 never showed '» ${headers[$k]}'"
    }
    on 0
    tm capture-pane -t "nav-$c" -p >"$out/$c/navigate-80-first.txt"
    tm send-keys -t "nav-$c" n
    on 1
    tm capture-pane -t "nav-$c" -p >"$out/$c/navigate-80-n.txt"
    tm send-keys -t "nav-$c" n
    on 2
    tm send-keys -t "nav-$c" N
    on 1
    tm send-keys -t "nav-$c" q
    echo "viewer: $c --navigate: less opened on '${headers[0]}', n -> '${headers[1]}', n -> '${headers[2]}', N back"
    tm kill-session -t "nav-$c"
}
navigate sample-a md
if [ "$have_corpus" = 1 ]; then navigate wt md; fi

# --section on KCSIE: a second version with one edit in Part one and one in Part two.
kcsie="$corpus/kcsie2024/Keeping_children_safe_in_education_2024.pdf"
if [ "$have_corpus" = 1 ] && [ -f "$kcsie" ]; then
    export GUIDETRACK_STORE="$work/kcsie-store"
    "$gt" track kcsie --title KCSIE --input-format pdf >/dev/null
    "$gt" snapshot kcsie "$kcsie" --label kcsie-2024 --date 2024-09-01 >/dev/null
    "$gt" show kcsie >kcsie-2024.md
    python3 - kcsie-2024.md kcsie-edited.md <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.split("\n")
part = None
done = {"one": False, "two": False}
for i, line in enumerate(lines):
    m = re.match(r"#+ Part (one|two)\b", line, re.I)
    if m:
        part = m.group(1).lower()
        continue
    if part in done and not done[part] and len(line.split()) > 20 and not line.startswith("#"):
        lines[i] = line.replace(" the ", " the edited ", 1)
        done[part] = lines[i] != line
assert all(done.values()), f"could not edit both parts: {done}"
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
EOF
    "$gt" snapshot kcsie kcsie-edited.md --input-format md --label kcsie-2024-edited --date 2024-09-02 >/dev/null
    set +e
    "$gt" diff kcsie --no-pager >"$out/kcsie-all.txt"
    all_rc=$?
    "$gt" diff kcsie --no-pager --section 'Part one*' >"$out/kcsie-part-one.txt"
    part_rc=$?
    set -e
    [ "$all_rc" = 1 ] && [ "$part_rc" = 1 ] || fail "KCSIE --section exit codes $all_rc $part_rc"
    grep -q "^2 changes" "$out/kcsie-all.txt" || { cat "$out/kcsie-all.txt"; fail "KCSIE: two edits, not two changes"; }
    grep -q "^1 change: 1 amended" "$out/kcsie-part-one.txt" || { cat "$out/kcsie-part-one.txt"; fail "KCSIE --section: not one change"; }
    grep -q "^§ Part one" "$out/kcsie-part-one.txt" || { cat "$out/kcsie-part-one.txt"; fail "KCSIE --section: the change is not under Part one"; }
    if grep -qi "^§ Part two" "$out/kcsie-part-one.txt"; then fail "KCSIE --section: Part two shown"; fi
    grep -qi "^§ Part two" "$out/kcsie-all.txt" || fail "KCSIE: the Part two change is missing without --section"
    echo "viewer: KCSIE --section 'Part one*': $(grep -c '{+edited+}' "$out/kcsie-part-one.txt") of $(grep -c '{+edited+}' "$out/kcsie-all.txt") edits shown"
    unset GUIDETRACK_STORE
fi

# Golden screens (the navigation screens and KCSIE outputs are checked above, not kept).
rm -f "$out"/*/navigate-* "$out"/kcsie-*
# Only the cases that ran are compared or rewritten (without the corpus: the sample's).
if [ "$mode" = "--refresh" ]; then
    for c in "${cases[@]}"; do
        rm -rf "${golden:?}/$c"
        mkdir -p "$golden/$c"
        cp -r "$out/$c"/. "$golden/$c"/
    done
    echo "viewer: refreshed $(find "$out" -type f | wc -l) screens (${cases[*]}); read git diff tests/golden/viewer"
    exit 0
fi
rc=0
for c in "${cases[@]}"; do
    diff -ru "$golden/$c" "$out/$c" >>"$work/viewer.diff" || rc=1
done
if [ "$rc" = 0 ]; then
    echo "viewer: $(find "$out" -type f | wc -l) screens match (${cases[*]})"
    exit 0
fi
head -c 20000 "$work/viewer.diff"
echo
echo "viewer: screens differ from tests/golden/viewer; if intended, run scripts/refresh-golden.sh" >&2
exit 1
