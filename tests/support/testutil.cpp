#include "testutil.hpp"

#include "app.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace gt_test {

extern bool g_single_test;

TempDir::TempDir() {
    std::random_device rd;
    std::mt19937_64 rng(rd());
    auto base = std::filesystem::temp_directory_path();
    for (;;) {
        auto candidate = base / ("guidetrack-test-" + std::to_string(rng()));
        std::error_code ec;
        if (std::filesystem::create_directory(candidate, ec)) {
            path_ = candidate;
            return;
        }
    }
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

CliResult run_cli(const std::vector<std::string>& args, const std::string& input) {
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    guidetrack::cli::Context ctx{in, out, err, false, {}};
    std::vector<const char*> argv{"guidetrack"};
    for (const auto& a : args)
        argv.push_back(a.c_str());
    int code = guidetrack::cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
    return CliResult{code, out.str(), err.str()};
}

CliResult run_shell(const std::string& command) {
    CliResult result;
    std::string full = command + " 2>&1";
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe) {
        result.code = -1;
        return result;
    }
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
        result.out.append(buf.data(), n);
    int status = pclose(pipe);
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::string binary_path() {
    return GUIDETRACK_BINARY;
}
std::filesystem::path source_dir() {
    return GUIDETRACK_SOURCE_DIR;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << content;
}

std::optional<std::filesystem::path> corpus_dir() {
    const char* env = std::getenv("GUIDETRACK_CORPUS");
    if (!env || !*env)
        return std::nullopt;
    std::filesystem::path p(env);
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec))
        return std::nullopt;
    return std::filesystem::absolute(p);
}

bool single_test_mode() {
    return g_single_test;
}

void skip(const std::string& reason) {
    if (g_single_test) {
        std::cout << "SKIPPED: " << reason << std::endl;
        std::_Exit(4); // CTest's SKIP_RETURN_CODE for these tests
    }
}

} // namespace gt_test
