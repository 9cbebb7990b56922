// Catch2 main that knows whether it runs one test case (as CTest does) so skips can be reported.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

namespace gt_test {
bool g_single_test = false;
}

int main(int argc, char* argv[]) {
    // No test may reach GOV.UK: the Content API is a closed port on loopback unless a test
    // serves one (tests/test_govuk.cpp).
    ::setenv("GUIDETRACK_GOVUK_API", "http://127.0.0.1:9/api/content", 0);
    Catch::Session session;
    int rc = session.applyCommandLine(argc, argv);
    if (rc != 0)
        return rc;
    // catch_discover_tests runs each test case alone, naming it as the one test spec.
    const auto& specs = session.configData().testsOrTags;
    gt_test::g_single_test = specs.size() == 1 && !specs[0].empty() && specs[0][0] != '[' &&
                             specs[0].find('*') == std::string::npos;
    return session.run();
}
