// libFuzzer target: gt_fuzz::check_extract_pdf (properties in fuzz_checks.hpp).
#include "fuzz_main.hpp"

GT_FUZZ_TARGET(gt_fuzz::check_extract_pdf)
