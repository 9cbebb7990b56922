// The libFuzzer entry point shared by the targets: run one check from fuzz_checks.hpp and abort,
// with the violated property on stderr, when it fails (libFuzzer then keeps the input).
#pragma once

#include "fuzz_checks.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#define GT_FUZZ_TARGET(check)                                                                      \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {            \
        std::string violation =                                                                    \
            check(std::string_view(reinterpret_cast<const char*>(data), size));                    \
        if (!violation.empty()) {                                                                  \
            std::fprintf(stderr, "PROPERTY VIOLATED: %s\n", violation.c_str());                    \
            std::abort();                                                                          \
        }                                                                                          \
        return 0;                                                                                  \
    }
