#!/usr/bin/env bash
# `cmake --install` puts the binary, the man page, the completions and the catalogue in place,
# the man page renders, the completions know every command, and CPack makes a .deb holding them.
# Usage: install.sh GUIDETRACK_BINARY SOURCE_DIR (the build folder is the binary's folder)
set -uo pipefail
gt="$1"
build="$(dirname "$gt")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$build/CMakeCache.txt" ] || { echo "not a CMake build folder: skipped"; exit 77; }
command -v help2man >/dev/null || { echo "help2man not installed: skipped"; exit 77; }

cmake --install "$build" --prefix "$tmp/p" >/dev/null || fail "cmake --install"
for f in bin/guidetrack share/man/man1/guidetrack.1 share/bash-completion/completions/guidetrack \
    share/zsh/vendor-completions/_guidetrack share/fish/vendor_completions.d/guidetrack.fish \
    share/guidetrack/catalog.json; do
    [ -f "$tmp/p/$f" ] || fail "not installed: $f"
done
"$tmp/p/bin/guidetrack" --version | grep -q '^guidetrack ' || fail "installed binary"
# The plugins, found from the installed binary wherever the tree was installed.
libdir="$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")"
for p in pdf fetch notify; do
    [ -f "$tmp/p/$libdir/guidetrack/guidetrack-$p.so" ] || fail "not installed: $libdir/guidetrack/guidetrack-$p.so"
done
/usr/bin/python3 "$2/tests/e2e/one_page_pdf.py" "$tmp/one.pdf" || fail "one_page_pdf.py"
extracted="$(unset GUIDETRACK_PLUGIN_DIR; "$tmp/p/bin/guidetrack" extract "$tmp/one.pdf")"
grep -q "Designated" <<<"$extracted" || fail "the installed binary cannot read a PDF"
if command -v man >/dev/null; then
    page="$(MANWIDTH=80 man -l "$tmp/p/share/man/man1/guidetrack.1" 2>&1)" || fail "man -l: $page"
    grep -q "keep track of statutory guidance" <<<"$page" || fail "man page NAME"
    grep -q -- "--store" <<<"$page" || fail "man page options"
fi
# bash completion offers every command, and a command's options.
words="$(bash -c "source '$tmp/p/share/bash-completion/completions/guidetrack'
COMP_WORDS=(guidetrack ''); COMP_CWORD=1; _guidetrack; echo \"\${COMPREPLY[*]}\"")"
for c in init track snapshot diff notice check; do
    grep -qw "$c" <<<"$words" || fail "bash completion lacks $c: $words"
done
opts="$(bash -c "source '$tmp/p/share/bash-completion/completions/guidetrack'
COMP_WORDS=(guidetrack diff --co); COMP_CWORD=2; _guidetrack; echo \"\${COMPREPLY[*]}\"")"
grep -q -- "--color" <<<"$opts" || fail "bash completion of diff options: $opts"
bash -n "$tmp/p/share/bash-completion/completions/guidetrack" || fail "bash completion syntax"

# The .deb.
if command -v dpkg-deb >/dev/null && command -v cpack >/dev/null; then
    (cd "$tmp" && cpack --config "$build/CPackConfig.cmake" -B "$tmp/deb" >/dev/null 2>&1) ||
        fail "cpack"
    deb="$(ls "$tmp"/deb/*.deb 2>/dev/null | head -1)"
    [ -n "$deb" ] || fail "no .deb made"
    contents="$(dpkg-deb -c "$deb")"
    grep -q './usr/bin/guidetrack' <<<"$contents" || fail ".deb lacks the binary"
    grep -q 'man1/guidetrack.1' <<<"$contents" || fail ".deb lacks the man page"
    grep -q 'guidetrack/guidetrack-pdf.so' <<<"$contents" || fail ".deb lacks the PDF plugin"
    dpkg-deb -f "$deb" Depends | grep -q 'libpoppler' || fail ".deb does not depend on poppler"
    dpkg-deb -f "$deb" Depends | grep -q 'libgit2' || fail ".deb depends: $(dpkg-deb -f "$deb" Depends)"
fi
echo "ok: installed files, man page, completions, .deb"
