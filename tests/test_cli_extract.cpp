// `guidetrack extract`, run in-process and as the built binary.
#include "testutil.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace {

std::string sample_path(const std::string& name) {
    return (gt_test::source_dir() / "snapshots" / "sample" / name).string();
}

} // namespace

TEST_CASE("extract prints the model readably with its anchors", "[cli][extract]") {
    auto r = gt_test::run_cli({"extract", sample_path("v1.md")});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    CHECK(r.out.starts_with("format md, 25 blocks, "));
    CHECK(r.out.find("¶4 [Keeping Learners Safe in Sample Town > Chapter 1: Roles and "
                     "responsibilities > Lead safeguarding partners] paragraph: The LSPs for "
                     "safeguarding partners") != std::string::npos);
    CHECK(r.out.find("heading 2: Glossary") != std::string::npos);
    CHECK(r.out.find("    link \"Good practice guidance on working with parents with a learning "
                     "disability (2016)\" -> "
                     "https://example.org/guidance/parents-learning-disability-2016") !=
          std::string::npos);
}

TEST_CASE("extract --json prints the document model", "[cli][extract]") {
    auto r = gt_test::run_cli({"extract", "--json", sample_path("v1.md")});
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j["blocks"].is_array());
    CHECK(j["blocks"].size() == 25);
    CHECK(j["blocks"][0]["kind"] == "heading");
    bool found = false;
    for (const auto& b : j["blocks"])
        if (b.value("number", "") == "12") {
            found = true;
            REQUIRE(b["links"].size() == 1);
            CHECK(b["links"][0]["target"] ==
                  "https://example.org/guidance/parents-learning-disability-2016");
        }
    CHECK(found);
}

TEST_CASE("extract reads standard input and honours --format", "[cli][extract]") {
    auto md = gt_test::run_cli({"extract", "-"}, "# Title\n\n7. Seven\n");
    REQUIRE(md.code == 0);
    CHECK(md.out.find("¶7 [Title] paragraph: Seven") != std::string::npos);

    auto txt = gt_test::run_cli({"extract", "--input-format", "txt", "-"}, "# Title\n\n7. Seven\n");
    REQUIRE(txt.code == 0);
    CHECK(txt.out.starts_with("format txt, 2 blocks"));
    CHECK(txt.out.find("paragraph: # Title") != std::string::npos);

    auto html = gt_test::run_cli({"extract", "--format=html", "-"},
                                 "<main><h2>Scope</h2><p>3. Three</p></main>");
    REQUIRE(html.code == 0);
    CHECK(html.out.find("¶3 [Scope] paragraph: Three") != std::string::npos);
}

TEST_CASE("extract: bad input is one line on stderr and exit 2", "[cli][extract]") {
    gt_test::TempDir dir;
    gt_test::write_file(dir / "binary.html", std::string("<html>\0\x01\x02", 9));
    gt_test::write_file(dir / "empty.md", "");
    gt_test::write_file(dir / "latin.txt", "caf\xE9\n");

    struct Case {
        std::vector<std::string> args;
        std::string expect;
    };
    std::vector<Case> cases = {
        {{"extract", (dir / "binary.html").string()}, "binary data"},
        {{"extract", (dir / "empty.md").string()}, "the document is empty"},
        {{"extract", (dir / "latin.txt").string()}, "invalid UTF-8 at byte 3"},
        {{"extract", (dir / "missing.md").string()}, "no such file"},
        {{"extract", dir.path().string()}, "is a folder, not a document"},
        {{"extract", "--input-format", "docx", (dir / "empty.md").string()}, "unknown format"},
    };
    for (const Case& c : cases) {
        auto r = gt_test::run_cli(c.args);
        INFO(c.args.back() << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(c.expect) != std::string::npos);
        CHECK(r.err.starts_with("guidetrack: "));
        CHECK(r.err.find('\n') == r.err.size() - 1);
    }
}

TEST_CASE("extract never touches a store", "[cli][extract]") {
    gt_test::TempDir dir;
    auto store = dir / "store";
    auto r = gt_test::run_cli({"--store", store.string(), "extract", sample_path("v2.md")});
    REQUIRE(r.code == 0);
    CHECK_FALSE(std::filesystem::exists(store));
}

TEST_CASE("the guidetrack binary extracts a GOV.UK page from the corpus",
          "[cli][extract][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    auto page =
        corpus / "govuk" / "ofsted_early_years_handbook" / "handbook-september-2021" / "versions";
    std::string file;
    for (const auto& e : std::filesystem::directory_iterator(page))
        if (e.path().filename().string().starts_with("001_") && e.path().extension() == ".html")
            file = e.path().string();
    REQUIRE_FALSE(file.empty());
    auto r = gt_test::run_shell("'" + gt_test::binary_path() + "' extract '" + file + "'");
    REQUIRE(r.code == 0);
    CHECK(r.out.starts_with("format html, "));
    CHECK(r.out.find("¶6 [Early years inspection handbook for Ofsted-registered provision > "
                     "Inspection and the COVID-19 (coronavirus) pandemic] paragraph: This section "
                     "outlines") != std::string::npos);
    CHECK(r.out.find("note 1 ") != std::string::npos);
}

TEST_CASE("extract: the old spelling --format still works, with a warning naming --input-format",
          "[cli][extract]") {
    auto r = gt_test::run_cli({"extract", "--format", "txt", "-"}, "# Title\n\nText.\n");
    CHECK(r.code == 0);
    CHECK(r.err.find("--input-format") != std::string::npos);
    CHECK(r.err.find("warning") != std::string::npos);
}
