// The command line's own words: suggestions for misspelt commands and options, missing and
// invalid arguments in our wording, range checks, and help text without parser internals.
#include "testutil.hpp"

#include <catch2/catch.hpp>

namespace {

std::string one_line(const gt_test::CliResult& r) {
    INFO(r.err);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    return r.err;
}

} // namespace

TEST_CASE("cli: a misspelt command names the likely one", "[cli]") {
    auto err = one_line(gt_test::run_cli({"dif"}));
    CHECK(err ==
          "guidetrack: unknown command 'dif'; did you mean 'diff'? (see guidetrack --help)\n");
    CHECK(one_line(gt_test::run_cli({"snapshto", "x"})).find("did you mean 'snapshot'") !=
          std::string::npos);
    CHECK(one_line(gt_test::run_cli({"frobnicate"})).find("did you mean") == std::string::npos);
}

TEST_CASE("cli: a misspelt option names the likely one", "[cli]") {
    auto err = one_line(gt_test::run_cli({"diff", "--colr", "never", "doc"}));
    CHECK(err.find("diff: unknown option '--colr'; did you mean '--color'?") != std::string::npos);
}

TEST_CASE("cli: missing and invalid arguments in our own words", "[cli]") {
    auto missing = one_line(gt_test::run_cli({"log"}));
    CHECK(missing == "guidetrack: log: missing ID (see guidetrack log --help)\n");
    CHECK(missing.find("is required") == std::string::npos);
    auto bad = one_line(gt_test::run_cli({"diff", "-C", "abc", "doc"}));
    CHECK(bad.find("--context: 'abc' is not allowed") != std::string::npos);
    CHECK(bad.find("Could not convert") == std::string::npos);
    auto none = one_line(gt_test::run_cli({}));
    CHECK(none.find("no command given") != std::string::npos);
}

TEST_CASE("cli: -C below 0 and --jobs out of range are refused", "[cli]") {
    CHECK(one_line(gt_test::run_cli({"diff", "-C", "-1", "doc"})).find("0 or more") !=
          std::string::npos);
    CHECK(one_line(gt_test::run_cli({"check", "--jobs", "99"})).find("from 1 to 32") !=
          std::string::npos);
}

TEST_CASE("cli: every command's help reads without parser noise", "[cli]") {
    for (const char* cmd : {"init", "track", "snapshot", "log", "show", "list", "diff", "extract",
                            "notice", "feed", "reextract", "check", "sync"}) {
        auto r = gt_test::run_cli({cmd, "--help"});
        INFO(cmd << ":\n" << r.out);
        CHECK(r.code == 0);
        for (const char* noise :
             {" TEXT", " UINT", " INT ", "REQUIRED", "Excludes:", "in [", "(1x)", "args", ":{"})
            CHECK(r.out.find(noise) == std::string::npos);
        CHECK(r.out.find("Usage: guidetrack " + std::string(cmd)) != std::string::npos);
    }
}
