// Shared test fixtures: temporary folders, the CLI run in-process, corpus access and skipping.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gt_test {

// A fresh folder under the system temp dir, removed when the object goes.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

struct CliResult {
    int code = 0;
    std::string out;
    std::string err;
};

// Run `guidetrack args...` in-process, with `input` as standard input.
CliResult run_cli(const std::vector<std::string>& args, const std::string& input = "");

// Run a shell command line (the built binary, git, ...) and capture its stdout and exit code.
CliResult run_shell(const std::string& command);

// The built guidetrack binary and the source tree.
std::string binary_path();
std::filesystem::path source_dir();

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

// The real corpus folder ($GUIDETRACK_CORPUS), or nullopt.
std::optional<std::filesystem::path> corpus_dir();

// Mark the current test as skipped with a reason. Under CTest (one test case per process) this
// exits with the code CTest reports as "Skipped"; in a whole-binary run it warns and the test
// returns without checks. Use through GT_SKIP.
void skip(const std::string& reason);
bool single_test_mode();

} // namespace gt_test

#define GT_SKIP(reason)                                                                            \
    do {                                                                                           \
        gt_test::skip(reason);                                                                     \
        WARN("SKIPPED: " << (reason));                                                             \
        return;                                                                                    \
    } while (0)

// Yields the corpus path into `var`, or skips the test visibly when it is absent.
#define GT_REQUIRE_CORPUS(var)                                                                     \
    auto var##_opt = gt_test::corpus_dir();                                                        \
    if (!var##_opt)                                                                                \
        GT_SKIP("GUIDETRACK_CORPUS is not set or missing; corpus test skipped");                   \
    const std::filesystem::path var = *var##_opt
