// Replays the inputs kept from fuzzing (fuzz/regressions/<target>/) and the hand-written seeds
// (fuzz/seeds/<target>/) through exactly the property checks the libFuzzer targets run
// (fuzz/fuzz_checks.hpp). Fuzzing itself is not run in CI; these replays are, in the normal and
// the ASan+UBSan builds, so a fixed crash stays fixed.
#include "../fuzz/fuzz_checks.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> kept_inputs(const std::string& target) {
    std::vector<fs::path> files;
    for (const char* kind : {"regressions", "seeds"}) {
        fs::path dir = gt_test::source_dir() / "fuzz" / kind / target;
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            continue;
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file() && entry.path().filename().string()[0] != '.')
                files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// Every kept input of the target holds every property; returns how many were replayed.
std::size_t replay(const std::string& target,
                   const std::function<std::string(std::string_view)>& check) {
    auto files = kept_inputs(target);
    for (const auto& f : files) {
        std::string data = gt_test::read_file(f);
        INFO("input " << f.string() << " (" << data.size() << " bytes)");
        CHECK(check(data) == "");
    }
    return files.size();
}

} // namespace

TEST_CASE("fuzz inputs replay: extract_pdf", "[regressions]") {
    CHECK(replay("extract_pdf", gt_fuzz::check_extract_pdf) > 0);
}

TEST_CASE("fuzz inputs replay: extract_html", "[regressions]") {
    CHECK(replay("extract_html", gt_fuzz::check_extract_html) > 0);
}

TEST_CASE("fuzz inputs replay: extract_markdown", "[regressions]") {
    CHECK(replay("extract_markdown", gt_fuzz::check_extract_markdown) > 0);
}

TEST_CASE("fuzz inputs replay: diff", "[regressions]") {
    CHECK(replay("diff", gt_fuzz::check_diff) > 0);
}

TEST_CASE("fuzz inputs replay: stored_text", "[regressions]") {
    CHECK(replay("stored_text", gt_fuzz::check_stored_text) > 0);
}

TEST_CASE("fuzz inputs replay: report", "[regressions]") {
    CHECK(replay("report", gt_fuzz::check_report) > 0);
}

TEST_CASE("fuzz inputs replay: selector", "[regressions]") {
    gt_test::TempDir tmp;
    auto fixture = gt_fuzz::build_selector_store(tmp / "store",
                                                 gt_test::source_dir() / "snapshots" / "sample");
    INFO(fixture.error);
    REQUIRE(fixture.store.has_value());
    REQUIRE(fixture.versions.size() == 3);
    CHECK(replay("selector",
                 [&](std::string_view s) { return gt_fuzz::check_selector(fixture, s); }) > 0);
}

// The properties themselves must be able to fail, or the replays above prove nothing.
TEST_CASE("fuzz property checks reject what they should", "[regressions]") {
    {
        guidetrack::model::Document doc;
        guidetrack::model::Block b;
        b.text = "line one\nline two";
        doc.blocks.push_back(b);
        CHECK(gt_fuzz::check_document(doc, "t").find("newline") != std::string::npos);
        doc.blocks[0].text = "text";
        doc.blocks[0].links.push_back({2, 9, "https://example.org"});
        CHECK(gt_fuzz::check_document(doc, "t").find("link outside") != std::string::npos);
        doc.blocks[0].links.clear();
        doc.blocks[0].text = "";
        CHECK(gt_fuzz::check_document(doc, "t").find("empty") != std::string::npos);
    }
    {
        std::string page = "<html><head><meta http-equiv=\"Content-Security-Policy\" "
                           "content=\"default-src 'none'\"></head><body><p>x</p></body></html>";
        CHECK(gt_fuzz::check_report_html(page) == "");
        std::string bad = page;
        bad.insert(bad.find("<p>"), "<script>alert(1)</script>");
        CHECK(gt_fuzz::check_report_html(bad).find("<script>") != std::string::npos);
        bad = page;
        bad.insert(bad.find("<p>"), "<a href=\"javascript:alert(1)\">x</a>");
        CHECK(gt_fuzz::check_report_html(bad).find("unsafe href") != std::string::npos);
        bad = page;
        bad.insert(bad.find("<p>"), "<p onclick=\"x()\">x</p>");
        CHECK(gt_fuzz::check_report_html(bad).find("event-handler") != std::string::npos);
        CHECK(gt_fuzz::check_report_html("<html><body></body></html>")
                  .find("Content-Security-Policy") != std::string::npos);
    }
}
