#!/usr/bin/env bash
# `guidetrack diff` as a user runs it: a real store with the three sample versions, the version
# selectors, exit codes, the unified diff applied by a real git, NO_COLOR / --color, and --files.
set -euo pipefail
gt="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GUIDETRACK_STORE="$tmp/store"
unset NO_COLOR PAGER || true
sample="$src/snapshots/sample"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect_code() { # expected-code command...
    local want=$1; shift
    set +e; "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?; set -e
    [ "$got" = "$want" ] || { cat "$tmp/out" "$tmp/err" >&2; fail "exit $got, wanted $want: $*"; }
}

"$gt" track sample --title "Keeping Learners Safe in Sample Town" --input-format md >/dev/null
"$gt" snapshot sample "$sample/v1.md" --label 2024-01 --date 2024-01-10 >/dev/null
expect_code 2 "$gt" diff sample          # one version: nothing to compare
grep -q "nothing to compare" "$tmp/err" || fail "one-version message"
"$gt" snapshot sample "$sample/v2.md" --label 2024-02 --date 2024-02-23 >/dev/null
"$gt" snapshot sample "$sample/v3.md" --label 2024-06 --date 2024-06-01 >/dev/null

# Default: previous against latest (v2 -> v3).
expect_code 1 "$gt" diff sample
grep -q "^Comparing sample 2024-02 (2024-02-23) -> sample 2024-06 (2024-06-01)" "$tmp/out" || fail "title"
grep -q "renumbered: paragraphs 3-4 are now 4-5; 8-16 are now 9-17" "$tmp/out" || fail "renumbering"
grep -q "moved: Paragraph 8" "$tmp/out" || fail "move"
if grep -q $'\x1b' "$tmp/out"; then fail "colour in a pipe"; fi

# FROM alone: against the latest; FROM TO by label, date and latest~N.
expect_code 1 "$gt" diff sample 2024-01 --json
[ "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["from"]["label"], d["to"]["label"], d["schema_version"])' "$tmp/out")" = "2024-01 2024-06 1" ] || fail "FROM alone"
expect_code 1 "$gt" diff sample 2024-01-10 latest~1 --stat
grep -q "^6 changes: 6 amended" "$tmp/out" || { cat "$tmp/out"; fail "v1 -> v2 stat"; }
expect_code 0 "$gt" diff sample 2024-02 2024-02
grep -q "No changes." "$tmp/out" || fail "no changes"
expect_code 2 "$gt" diff sample 2023-99
expect_code 2 "$gt" diff nosuchdoc
expect_code 2 "$gt" diff "Bad ID"
[ "$(wc -l <"$tmp/err")" = 1 ] || fail "one-line error"

# Colour: --color=always colours, NO_COLOR does not stop an explicit always, auto in a pipe never.
expect_code 1 "$gt" diff sample --color=always
grep -q $'\x1b\\[4;38;5;33m' "$tmp/out" || fail "--color=always (default theme: blue underline for added)"
expect_code 1 env NO_COLOR=1 "$gt" diff sample --color=auto
if grep -q $'\x1b' "$tmp/out"; then fail "NO_COLOR"; fi

# The configuration file's [diff] theme is the default theme; --theme wins; a bad name there is
# an error naming the file.
printf '[diff]\ntheme = "classic"\n' >"$tmp/config.toml"
GUIDETRACK_CONFIG="$tmp/config.toml" expect_code 1 "$gt" diff sample --color=always
grep -q $'\x1b\\[4;32m' "$tmp/out" || fail "[diff] theme = classic: no green underline"
GUIDETRACK_CONFIG="$tmp/config.toml" expect_code 1 "$gt" diff sample --color=always --theme default
grep -q $'\x1b\\[4;38;5;33m' "$tmp/out" || fail "--theme default over the config file's theme"
printf '[diff]\ntheme = "light"\n' >"$tmp/config.toml"
GUIDETRACK_CONFIG="$tmp/config.toml" expect_code 2 "$gt" diff sample --color=always
grep -q "config.toml: \[diff\] theme: unknown theme 'light'" "$tmp/err" || { cat "$tmp/err"; fail "bad [diff] theme message"; }

# The unified diff applies with a real git to the stored text of the old version.
mkdir "$tmp/repo"
git -C "$tmp/repo" init -q
"$gt" show sample@2024-02 >"$tmp/repo/sample.md" 2>/dev/null || fail "show"
expect_code 1 "$gt" diff sample 2024-02 2024-06 --unified --no-pager
cp "$tmp/out" "$tmp/change.patch"
head -2 "$tmp/change.patch" | grep >/dev/null "^--- a/sample.md" || fail "unified header"
(cd "$tmp/repo" && git apply --check "$tmp/change.patch") || fail "git apply --check"
(cd "$tmp/repo" && git apply "$tmp/change.patch")
"$gt" show sample@2024-06 >"$tmp/v3.stored"
cmp -s "$tmp/repo/sample.md" "$tmp/v3.stored" || fail "patched text differs from v3"

# --files needs no store.
GUIDETRACK_STORE="$tmp/none" expect_code 1 "$gt" diff --files "$sample/v1.md" "$sample/v2.md" --side-by-side
expect_code 0 "$gt" diff --files "$sample/v1.md" "$sample/v1.md"
expect_code 2 "$gt" diff --files "$sample/v1.md" "$tmp/missing.md"
echo "ok"
