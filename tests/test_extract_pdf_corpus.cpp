// PDF extraction on the real corpus (skipped visibly without $GUIDETRACK_CORPUS): the places
// the publishers' own change notes point at must come out as blocks with the right anchors.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using guidetrack::extract::extract_pdf;
using guidetrack::model::Block;
using guidetrack::model::BlockKind;
using guidetrack::model::Document;

namespace {

Document extract_file(const std::filesystem::path& path) {
    auto result = extract_pdf(gt_test::read_file(path));
    INFO(path.string() << ": " << (result.ok() ? "" : result.error().message));
    REQUIRE(result.ok());
    return std::move(result).value();
}

std::vector<const Block*> numbered(const Document& doc, const std::string& number) {
    std::vector<const Block*> out;
    for (const Block& b : doc.blocks)
        if (b.kind == BlockKind::paragraph && b.number == number)
            out.push_back(&b);
    return out;
}

const Block* containing(const Document& doc, const std::string& needle) {
    for (const Block& b : doc.blocks)
        if (b.text.find(needle) != std::string::npos)
            return &b;
    return nullptr;
}

// Paragraph numbers in document order; count numbers skipped between neighbours (a jump of
// more than 30 is another numbered list, not a gap).
std::size_t numbering_gaps(const Document& doc, std::size_t& total) {
    long previous = 0;
    std::size_t missing = 0;
    total = 0;
    for (const Block& b : doc.blocks) {
        if (b.kind != BlockKind::paragraph || b.number.empty())
            continue;
        long n = std::stol(b.number);
        if (n > previous && n <= previous + 30)
            missing += static_cast<std::size_t>(n - previous - 1);
        if (n == previous + 1 || (n > previous && n <= previous + 30))
            ++total;
        previous = n;
    }
    total += missing;
    return missing;
}

// The page (1-based) on which pdftotext -layout prints a line starting with "N." at the margin.
std::map<int, std::set<std::string>> layout_pages(const std::filesystem::path& layout,
                                                  const std::vector<int>& numbers) {
    std::map<int, std::set<std::string>> pages;
    std::string text = gt_test::read_file(layout);
    std::size_t page = 1, begin = 0;
    while (begin <= text.size()) {
        std::size_t end = text.find('\f', begin);
        std::string_view chunk = std::string_view(text).substr(
            begin, (end == std::string::npos ? text.size() : end) - begin);
        for (int n : numbers) {
            std::regex re("(^|\n) ?" + std::to_string(n) + "\\.\\s");
            if (std::regex_search(chunk.begin(), chunk.end(), re))
                pages[n].insert(std::to_string(page));
        }
        if (end == std::string::npos)
            break;
        begin = end + 1;
        ++page;
    }
    return pages;
}

// No block holds page furniture: a bare number, or a page's own number at its end.
void check_no_furniture(const Document& doc) {
    static const std::regex bare("^[0-9ivxlc]+$");
    for (const Block& b : doc.blocks) {
        INFO("page " << b.page << ": " << b.text);
        if (b.kind == BlockKind::footnote || b.kind == BlockKind::heading)
            continue; // footnote marks are numbers; a cover's "2023" is a title
        CHECK_FALSE(std::regex_match(b.text, bare));
    }
}

// No footnote number glued to the word it follows ("Authorities20", "home17,"): every mark the
// document's footnotes carry is a reference, not part of a word.
void check_no_glued_marks(const Document& doc) {
    std::set<std::string> marks;
    for (const Block& b : doc.blocks)
        if (b.kind == BlockKind::footnote)
            marks.insert(b.number);
    static const std::regex glued(R"(.*[A-Za-z]{3}\)?([0-9]{1,3})[.,;:)]*)");
    std::size_t refs = 0;
    for (const Block& b : doc.blocks) {
        refs += b.footnote_refs.size();
        if (b.kind == BlockKind::footnote)
            continue;
        std::size_t start = 0;
        while (start < b.text.size()) {
            std::size_t end = b.text.find(' ', start);
            if (end == std::string::npos)
                end = b.text.size();
            std::string word = b.text.substr(start, end - start);
            std::smatch m;
            INFO("page " << b.page << ": " << word);
            CHECK_FALSE((std::regex_match(word, m, glued) && marks.count(m[1].str())));
            start = end + 1;
        }
    }
    CHECK(refs * 10 >= marks.size() * 9); // nearly every footnote is referenced
}

} // namespace

TEST_CASE("extract_pdf on Working Together 2023: the four places of the February 2024 update",
          "[extract][pdf][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    Document doc = extract_file(
        corpus / "wt2023" / "Working_together_to_safeguard_children_2023_-_statutory_guidance.pdf");

    auto p48 = numbered(doc, "48");
    REQUIRE(p48.size() == 1);
    CHECK(p48[0]->page == "26");
    CHECK(p48[0]->text.rfind("The LSPs for safeguarding partners", 0) == 0);
    CHECK(p48[0]->text.find("Chief Officers of police forces") != std::string::npos);

    const Block* email = containing(doc, "Mailbox.NationalReviewPanel@education.gov.uk");
    REQUIRE(email);
    CHECK(email->page == "42");
    CHECK(email->number == "109");

    const Block* glossary = nullptr;
    for (const Block& b : doc.blocks)
        if (b.text.rfind("Safeguarding and promoting the welfare of children - Defined", 0) == 0)
            glossary = &b;
    REQUIRE(glossary);
    CHECK(glossary->page == "161");

    const Block* disability = containing(doc, "working with parents with a learning disability");
    REQUIRE(disability);
    CHECK(disability->page == "167");

    std::size_t total = 0;
    std::size_t missing = numbering_gaps(doc, total);
    INFO("missing " << missing << " of " << total);
    CHECK(total > 390);
    CHECK(missing * 100 <= total);

    check_no_furniture(doc);
    check_no_glued_marks(doc);
    // Footnotes are blocks of their own, not glued to the paragraph above them.
    const Block* note = containing(doc, "Head of paid service: Local Government and Housing Act");
    REQUIRE(note);
    CHECK(note->kind == BlockKind::footnote);
    CHECK(note->number == "20");
    CHECK(note->page == "26");
}

TEST_CASE("extract_pdf on KCSIE 2024: the paragraphs Annex F names, on their pages",
          "[extract][pdf][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    auto folder = corpus / "kcsie2024";
    Document doc = extract_file(folder / "Keeping_children_safe_in_education_2024.pdf");
    std::vector<int> wanted{18, 19, 24, 29, 92, 171, 180, 204, 205, 206, 207, 208, 209};
    auto expected = layout_pages(
        folder / "Keeping_children_safe_in_education_2024.pdftotext-layout.txt", wanted);
    for (int n : wanted) {
        INFO("paragraph " << n);
        REQUIRE(expected[n].size() == 1);
        auto blocks = numbered(doc, std::to_string(n));
        REQUIRE_FALSE(blocks.empty());
        bool on_page = false;
        for (const Block* b : blocks)
            on_page = on_page || b->page == *expected[n].begin();
        CHECK(on_page);
    }
    std::size_t total = 0;
    std::size_t missing = numbering_gaps(doc, total);
    INFO("missing " << missing << " of " << total);
    CHECK(missing * 100 <= total);
    check_no_furniture(doc);
    check_no_glued_marks(doc);
}
