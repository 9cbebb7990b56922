// libFuzzer target: version selectors and document IDs against a small real store (the sample
// document in three versions), built once per process in a temporary folder.
#include "fuzz_main.hpp"

#include <unistd.h>

namespace {

gt_fuzz::SelectorStore* fixture = nullptr;

void remove_fixture() {
    if (fixture) {
        std::filesystem::path dir = fixture->dir;
        delete fixture;
        fixture = nullptr;
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
}

std::string check(std::string_view data) {
    return gt_fuzz::check_selector(*fixture, data);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    auto dir =
        std::filesystem::temp_directory_path() / ("gt-fuzz-selector-" + std::to_string(::getpid()));
    fixture = new gt_fuzz::SelectorStore(gt_fuzz::build_selector_store(
        dir, std::filesystem::path(GUIDETRACK_SOURCE_DIR) / "snapshots" / "sample"));
    if (!fixture->store) {
        std::fprintf(stderr, "fuzz_selector: cannot build the fixture store: %s\n",
                     fixture->error.c_str());
        std::exit(1);
    }
    std::atexit(remove_fixture);
    return 0;
}

GT_FUZZ_TARGET(check)
