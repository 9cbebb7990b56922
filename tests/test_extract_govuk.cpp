// The HTML extractor on the real GOV.UK corpus: every version extracts, and versions whose HTML
// changed without a change of words (markup churn) extract to exactly the same stored text.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"

#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace guidetrack;

namespace {

struct Row {
    int idx = 0;
    bool raw_changed = false;
    bool text_changed = false;
};

std::vector<Row> read_versions_tsv(const fs::path& tsv) {
    std::vector<Row> rows;
    std::istringstream in(gt_test::read_file(tsv));
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::vector<std::string> cols;
        std::size_t pos = 0;
        while (true) {
            std::size_t tab = line.find('\t', pos);
            cols.push_back(line.substr(pos, tab == std::string::npos ? tab : tab - pos));
            if (tab == std::string::npos)
                break;
            pos = tab + 1;
        }
        if (cols.size() < 7)
            continue;
        rows.push_back(Row{std::stoi(cols[0]), cols[5] == "yes", cols[6] == "yes"});
    }
    return rows;
}

// versions/NNN_<date>_<sha>.html for each index.
std::map<int, fs::path> version_files(const fs::path& dir) {
    std::map<int, fs::path> files;
    if (!fs::is_directory(dir / "versions"))
        return files;
    for (const auto& entry : fs::directory_iterator(dir / "versions")) {
        std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".html" && name.size() > 4)
            files[std::stoi(name.substr(0, 3))] = entry.path();
    }
    return files;
}

std::vector<fs::path> page_dirs(const fs::path& corpus) {
    std::vector<fs::path> dirs;
    for (const auto& entry : fs::recursive_directory_iterator(corpus / "govuk"))
        if (entry.path().filename() == "versions.tsv")
            dirs.push_back(entry.path().parent_path());
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

Result<model::Document> extract_file(const fs::path& path) {
    extract::Options options;
    options.filename = path.string();
    return extract::extract(gt_test::read_file(path), options);
}

} // namespace

TEST_CASE("every GOV.UK corpus version extracts as HTML without error",
          "[extract][govuk][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    std::size_t versions = 0;
    for (const fs::path& dir : page_dirs(corpus)) {
        for (const auto& [idx, path] : version_files(dir)) {
            INFO(path.string());
            REQUIRE(extract::detect_format(gt_test::read_file(path), path.string()) ==
                    extract::Format::html);
            auto doc = extract_file(path);
            REQUIRE(doc.ok());
            CHECK(doc->blocks.size() >= 3);
            // Page chrome never comes through.
            for (const model::Block& block : doc->blocks) {
                CHECK(block.text != "Contents");
                CHECK(block.text != "Print this page");
                CHECK(block.text.find("Crown copyright") == std::string::npos);
            }
            ++versions;
        }
    }
    CHECK(versions > 100);
}

TEST_CASE("GOV.UK versions that only changed markup extract to the same stored text",
          "[extract][govuk][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    std::size_t churn_cases = 0;
    for (const fs::path& dir : page_dirs(corpus)) {
        auto files = version_files(dir);
        for (const Row& row : read_versions_tsv(dir / "versions.tsv")) {
            if (!row.raw_changed || row.text_changed)
                continue;
            REQUIRE(files.count(row.idx) == 1);
            REQUIRE(files.count(row.idx - 1) == 1);
            INFO(files[row.idx - 1].string() << " -> " << files[row.idx].string());
            auto before = extract_file(files[row.idx - 1]);
            auto after = extract_file(files[row.idx]);
            REQUIRE(before.ok());
            REQUIRE(after.ok());
            CHECK(model::write_stored_text(*before) == model::write_stored_text(*after));
            ++churn_cases;
        }
    }
    CHECK(churn_cases >= 25);
}

TEST_CASE("early years handbook: numbered paragraphs and the footnote of paragraph 6",
          "[extract][govuk][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    fs::path dir = corpus / "govuk" / "ofsted_early_years_handbook" / "handbook-september-2021";
    auto files = version_files(dir);
    REQUIRE(files.count(1) == 1);
    auto doc = extract_file(files[1]);
    REQUIRE(doc.ok());

    const model::Block* para6 = nullptr;
    for (const model::Block& block : doc->blocks)
        if (block.kind == model::BlockKind::paragraph && block.number == "6") {
            para6 = &block;
            break;
        }
    REQUIRE(para6 != nullptr);
    CHECK(para6->text.starts_with("This section outlines the additional considerations"));
    CHECK(para6->text.find("[footnote 1]") != std::string::npos);
    REQUIRE_FALSE(para6->section.empty());
    CHECK(para6->section.back() == "Inspection and the COVID-19 (coronavirus) pandemic");

    // Footnote 1 is a footnote block with its mark, and its back-link is gone.
    const model::Block* note1 = nullptr;
    for (const model::Block& block : doc->blocks)
        if (block.kind == model::BlockKind::footnote && block.number == "1")
            note1 = &block;
    REQUIRE(note1 != nullptr);
    CHECK(note1->text.starts_with("Ofsted defines the transitional period"));
    CHECK(note1->text.find("↩") == std::string::npos);

    // The first part numbers its paragraphs 1, 2, 3 ... in sequence.
    std::vector<int> numbers;
    for (const model::Block& block : doc->blocks)
        if (block.kind == model::BlockKind::paragraph && !block.number.empty() &&
            block.number.find('.') == std::string::npos)
            numbers.push_back(std::stoi(block.number));
    REQUIRE(numbers.size() > 100);
    for (std::size_t i = 0; i < 40; ++i)
        CHECK(numbers[i] == static_cast<int>(i) + 1);

    // Links keep absolute targets; in-page navigation and page chrome are gone.
    bool found_link = false;
    for (const model::Block& block : doc->blocks)
        for (const model::Link& link : block.links) {
            CHECK(link.target.find('#') != 0);
            if (link.target == "https://www.gov.uk/government/publications/ofsted-privacy-notices")
                found_link = model::link_text(block, link) == "privacy policy";
        }
    CHECK(found_link);
    CHECK(doc->blocks.front().kind == model::BlockKind::heading);
    CHECK(doc->blocks.front().text ==
          "Early years inspection handbook for Ofsted-registered provision");
}
