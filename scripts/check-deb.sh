#!/usr/bin/env bash
# Check the .deb the way a new user meets it: build it (cmake --build build --target package),
# install it with apt into a fresh Debian 12 (bookworm, minbase, made by debootstrap; needs root
# and the Debian mirror) so that apt resolves its Depends, then run the installed guidetrack.
# Not part of the test suite (it downloads a Debian system); run it before a release.
# Usage: sudo bash scripts/check-deb.sh [ROOT_DIR]   (default: a new folder under /tmp; reused if
#        it already holds a Debian system)
set -euo pipefail
cd "$(dirname "$0")/.."
root="${1:-$(mktemp -d /tmp/guidetrack-deb-XXXXXX)}"
bash scripts/setup.sh --test
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
bash scripts/build.sh build >/dev/null
cmake --build build --target package >/dev/null
deb=$(ls build/guidetrack_*_amd64.deb | head -n 1)
if [ ! -x "$root/usr/bin/apt-get" ]; then
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/guidetrack.deb"
chroot "$root" bash -euo pipefail -c '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq /tmp/guidetrack.deb >/dev/null
  guidetrack --version
  cd "$(mktemp -d)"
  printf "# Sample\n\n1. The first paragraph.\n" > v1.md
  printf "# Sample\n\n1. The first paragraph, amended.\n" > v2.md
  guidetrack --store s track doc --title Sample --input-format md
  guidetrack --store s snapshot doc v1.md --date 2024-01-10
  guidetrack --store s snapshot doc v2.md --date 2024-02-23
  guidetrack --store s notice doc
  test -f /usr/share/man/man1/guidetrack.1
  test -f /usr/share/bash-completion/completions/guidetrack
  test -f /usr/share/guidetrack/catalog.json
'
echo "check-deb: $deb installs and runs on a fresh Debian 12 ($root)"
