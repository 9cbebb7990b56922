// The command line's I/O, in one place: reading a document input (a file or standard input, with
// the size limit applied while reading), writing an output (standard output, or a file written
// through a temporary file and a rename, never half written and never inside the store), and
// noticing write errors (a full disk is a failure, exit 3, not an empty success).
#pragma once

#include "app.hpp"

#include "guidetrack/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace guidetrack::cli {

// The input limit when a command has no --max-size (the extractor's).
constexpr std::size_t kDefaultMaxInput = 256u << 20;

// "256 MiB", "1 KiB", "1500 bytes".
std::string size_text(std::size_t bytes);

// Read FILE, or standard input for "-", refusing more than max_bytes as soon as it is passed
// (also for endless inputs such as /dev/zero). Input errors: no such file, a folder, over the
// limit; a read error is a runtime error.
Result<std::string> read_document(Context& ctx, const std::string& file,
                                  std::size_t max_bytes = kDefaultMaxInput);

// Write content to path through a temporary file in the same folder and a rename; the temporary
// file is removed on every failure. Refused (input error) when path is a folder or lies inside
// the store folder `store_dir` (when given), since a stray --out there would destroy the store.
Result<void> write_file_atomically(const std::string& path, std::string_view content,
                                   const std::string& store_dir = {});

// Write content to `out_path` (atomically, as above) or, when out_path is empty, to standard
// output, checking that it was written.
Result<void> write_output(Context& ctx, const std::string& out_path, std::string_view content,
                          const std::string& store_dir = {});

// A runtime error if standard output could not be written (flushes it first).
Result<void> check_output(Context& ctx);

} // namespace guidetrack::cli
