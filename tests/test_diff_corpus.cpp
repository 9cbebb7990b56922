// The diff on real GOV.UK guidance (skipped without $GUIDETRACK_CORPUS): versions whose HTML
// changed but whose words did not give no changes, and a known footnote change is reported where
// a reader finds it.
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace guidetrack;
namespace fs = std::filesystem;

namespace {

model::Document extract_html_file(const fs::path& path) {
    extract::Options o;
    o.format = extract::Format::html;
    o.filename = path.string();
    auto r = extract::extract(gt_test::read_file(path), o);
    INFO(path);
    REQUIRE(r.ok());
    return *r;
}

// The HTML file of version `index` (1-based) in a versions/ folder ("003_2022-07-11_....html").
std::optional<fs::path> version_file(const fs::path& folder, int index) {
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%03d_", index);
    for (const auto& e : fs::directory_iterator(folder))
        if (e.path().filename().string().rfind(prefix, 0) == 0 && e.path().extension() == ".html")
            return e.path();
    return std::nullopt;
}

} // namespace

TEST_CASE("corpus: GOV.UK versions with text_changed=no give no changes", "[diff][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    std::size_t pairs = 0;
    for (const auto& entry : fs::recursive_directory_iterator(corpus / "govuk")) {
        if (entry.path().filename() != "versions.tsv")
            continue;
        fs::path folder = entry.path().parent_path() / "versions";
        std::ifstream tsv(entry.path());
        std::string line;
        std::getline(tsv, line); // header
        while (std::getline(tsv, line)) {
            std::vector<std::string> cols;
            std::size_t start = 0;
            for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos;
                 start = tab + 1)
                cols.push_back(line.substr(start, tab - start));
            cols.push_back(line.substr(start));
            if (cols.size() < 7 || cols[6] != "no")
                continue;
            int index = std::stoi(cols[0]);
            auto a = version_file(folder, index - 1), b = version_file(folder, index);
            if (!a || !b)
                continue;
            INFO(*a << " -> " << *b);
            auto set = diff::compare(extract_html_file(*a), extract_html_file(*b));
            CHECK(set.changes.empty());
            ++pairs;
        }
    }
    CHECK(pairs >= 25);
}

TEST_CASE("corpus: early-years handbook 001 -> 002 reports the paragraph 6 footnote change",
          "[diff][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    fs::path folder = corpus / "govuk/ofsted_early_years_handbook/handbook-september-2021/versions";
    auto set = diff::compare(extract_html_file(*version_file(folder, 1)),
                             extract_html_file(*version_file(folder, 2)));
    std::size_t found = 0;
    for (const auto& c : set.changes) {
        if (c.kind != diff::ChangeKind::amended)
            continue;
        bool edit = false;
        for (const auto& e : c.edits)
            edit = edit || (e.op == diff::EditOp::added && e.text.find("September") != e.text.npos);
        if (!edit)
            continue;
        ++found;
        REQUIRE(c.new_anchor);
        CHECK(c.new_anchor->footnote);
        CHECK(c.new_anchor->cited_in == "6");
        CHECK(c.new_block->text.find("transitional period") != std::string::npos);
    }
    CHECK(found == 1);
    // The editorial edits around it are reported too (paragraph 101's wording).
    bool p101 = false;
    for (const auto& c : set.changes)
        p101 = p101 || (c.new_anchor && c.new_anchor->number == "101" &&
                        c.kind == diff::ChangeKind::amended);
    CHECK(p101);
}
