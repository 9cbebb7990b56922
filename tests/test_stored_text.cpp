// The stored text is Markdown that guidetrack's own Markdown reader reads back to the same
// document: for every document of the corpus (the sample: test_extract_markdown.cpp), extracting
// the stored text as Markdown gives the stored document, block for block (text, kind, level, page,
// number, links, footnote references). So `guidetrack show` output, edited and snapshotted again,
// records only the edits.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace guidetrack;

namespace {

model::Document extract_file(const fs::path& path) {
    extract::Options options;
    options.filename = path.string();
    auto doc = extract::extract(gt_test::read_file(path), options);
    INFO(path.string());
    REQUIRE(doc.ok());
    return std::move(doc).value();
}

// Fails naming the first few blocks that do not come back as they were written.
void check_round_trip(const model::Document& doc, const std::string& what) {
    std::string stored = model::write_stored_text(doc);
    extract::Options md;
    md.format = extract::Format::markdown;
    auto back = extract::extract(stored, md);
    INFO(what);
    REQUIRE(back.ok());
    CHECK(back->blocks.size() == doc.blocks.size());
    std::size_t shown = 0;
    for (std::size_t i = 0; i < std::min(doc.blocks.size(), back->blocks.size()); ++i) {
        if (back->blocks[i] == doc.blocks[i] || ++shown > 3)
            continue;
        INFO("block " << i << " written:  " << doc.blocks[i].text << "\nblock " << i
                      << " read back: " << back->blocks[i].text);
        CHECK(back->blocks[i] == doc.blocks[i]);
    }
    CHECK(shown == 0);
    // And the stored text of what was read back is the same bytes.
    CHECK(model::write_stored_text(*back) == stored);
}

std::vector<fs::path> corpus_documents(const fs::path& corpus) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(corpus)) {
        std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".pdf" || ext == ".html"))
            files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

TEST_CASE("stored text reads back as the same document: every corpus PDF and GOV.UK page",
          "[stored-text][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    std::size_t n = 0;
    for (const auto& path : corpus_documents(corpus)) {
        check_round_trip(extract_file(path), path.string());
        ++n;
    }
    CHECK(n > 100);
}
