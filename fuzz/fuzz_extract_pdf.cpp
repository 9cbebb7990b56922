// libFuzzer target: gt_fuzz::check_extract_pdf (properties in fuzz_checks.hpp).
#include "fuzz_main.hpp"

#include "guidetrack/plugin/plugin.hpp"

#include <cstdio>

// The PDF reader is a plugin (guidetrack-pdf.so): it is loaded before the first input, so that
// libFuzzer sees its coverage counters from the start.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    auto loaded = guidetrack::plugin::load("pdf", "reading PDF files");
    if (!loaded.ok()) {
        std::fprintf(stderr, "fuzz_extract_pdf: %s\n", loaded.error().message.c_str());
        return 1;
    }
    return 0;
}

GT_FUZZ_TARGET(gt_fuzz::check_extract_pdf)
