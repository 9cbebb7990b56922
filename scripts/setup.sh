#!/usr/bin/env bash
# Install what guidetrack needs to build, test and run on Debian 12 (python3: the demo's stand-in
# for GOV.UK, examples/govuk-publication/serve.py). Skips packages already
# present; uses sudo when not root. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git ca-certificates
  libgit2-dev libdtl-dev nlohmann-json3-dev libcli11-dev catch2
  libpoppler-private-dev libxml2-dev libcurl4-openssl-dev libssl-dev libutf8proc-dev
  help2man
  zlib1g-dev poppler-utils libxml2-utils libcpp-httplib-dev time libtomlplusplus-dev
  python3 libcmark-gfm-dev libcmark-gfm-extensions-dev
)
# Extra tools only the test suite uses (browser for the HTML report, feed schema check, tmux and
# less for the terminal viewer's tests, strace to see which files a command opens, qpdf to
# encrypt PDFs for the hostile-input tests, an SMTP server for the notification tests).
if [ "${1:-}" = "--test" ]; then
  packages+=(tmux less strace python3 qpdf chromium python3-feedparser python3-aiosmtpd clang-format-14 clang-14 man-db bash-completion dpkg-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
