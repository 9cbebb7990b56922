#include "app.hpp"

#include <malloc.h>

int main(int argc, char** argv) {
#ifdef M_TOP_PAD
    // Grow the heap 64 MiB at a time: a diff of two large documents otherwise spends a tenth of
    // its time in brk calls and their page-table updates. Address space only; pages that are
    // never touched cost no memory.
    mallopt(M_TOP_PAD, 64 << 20);
#endif
    return guidetrack::cli::main_entry(argc, argv);
}
