// libFuzzer target: gt_fuzz::check_report (change notices rendered from two documents are safe to
// open; properties in fuzz_checks.hpp).
#include "fuzz_main.hpp"

GT_FUZZ_TARGET(gt_fuzz::check_report)
