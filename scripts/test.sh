#!/usr/bin/env bash
# Install, build and run the whole test suite: the normal build, then once under ASan+UBSan.
# The corpus tests read $GUIDETRACK_CORPUS (default: ../shared/corpus beside the checkout when it
# exists); without it they report themselves as skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [ -z "${GUIDETRACK_CORPUS:-}" ] && [ -d ../shared/corpus ]; then
  export GUIDETRACK_CORPUS="$(cd ../shared/corpus && pwd)"
fi
jobs="$(nproc)"

echo "== build (RelWithDebInfo)"
bash scripts/build.sh build -DGUIDETRACK_WERROR=ON
echo "== formatting (clang-format 14)"
cmake --build build --target check_format
echo "== tests"
(cd build && ctest --output-on-failure -j "$jobs")

echo "== build (ASan+UBSan)"
bash scripts/build.sh build-asan -DGUIDETRACK_WERROR=ON -DGUIDETRACK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
echo "== tests under ASan+UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# poppler asks fontconfig for fonts a PDF does not embed; fontconfig keeps that allocation for the
# life of the process, which LeakSanitizer would report from every guidetrack run on such a PDF.
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0"
(cd build-asan && ctest --output-on-failure -j "$jobs")
