// Catch2 main that knows whether it runs one test case (as CTest does) so skips can be reported.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <string>

namespace gt_test {
bool g_single_test = false;
}

int main(int argc, char* argv[]) {
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
