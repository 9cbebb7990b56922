// PDF extraction on small real PDFs written by tests/support/pdfgen: layouts with known
// structure (running header, page-number footer, headings, numbered paragraphs across a page
// break, hyphenated line ends, lists, footnotes), and bad input.
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/notice/notice.hpp"
#include "pdfgen.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using guidetrack::ErrorKind;
using guidetrack::extract::extract_pdf;
using guidetrack::model::Block;
using guidetrack::model::BlockKind;
using guidetrack::model::Document;

namespace {

const std::string kHeader = "Sample Guidance 2025 - draft for consultation";

// A long paragraph of distinct sentences, so that it runs over a page.
std::string long_text(int sentences) {
    std::string s;
    for (int i = 1; i <= sentences; ++i)
        s += "Sentence " + std::to_string(i) +
             " of the third paragraph sets out what staff must record and when they report it. ";
    return s + "This is the end of paragraph three.";
}

std::string sample_pdf() {
    pdfgen::Flow f(kHeader);
    f.heading("Sample guidance for schools", 20);
    f.heading("Part one: Duties", 14);
    f.paragraph("Every school should have a safeguarding policy that is reviewed each year by the "
                "governing board and made available to parents on request.",
                "1");
    f.paragraph_lines({"Schools work with local partners on multi-agency plans. They take part in "
                       "multi-",
                       "agency arrangements, in safe-", "guarding training and in consul-",
                       "tation on local priorities."},
                      "2");
    f.paragraph("The designated lead should be a member of the senior team. The Children Act ^1 "
                "requires every school to cooperate with the local authority.");
    f.footnote("1", "Children Act 1989, section 11.");
    f.item("a written policy that all staff have read");
    f.item("a named lead with the time, training and resources to carry out the role well, and a "
           "deputy who can act when the lead is away");
    f.paragraph(long_text(24), "3");
    f.heading("Part two: Procedures", 14);
    f.heading("Who this is for", 12);
    f.paragraph("This part applies to headteachers, teachers and all other staff.", "4");
    f.item("record the concern on the day it is raised", "a)");
    f.item("tell the designated lead before the end of the day", "b)");
    f.heading("Record keeping", 12);
    f.paragraph_lines({"Records should be kept securely."}, "");
    f.paragraph_lines({"Staff should not keep copies of records at home or on personal devices,",
                       "and should ask the lead where to file them."},
                      "", 0);
    f.page_break();
    f.paragraph("Reviews take place every year and the findings go to the governing board.", "5");
    f.item("the board reads the findings");
    f.item("and agrees the actions", "\u2013", 1);
    return f.pdf();
}

const Block* find_number(const Document& doc, const std::string& number) {
    for (const Block& b : doc.blocks)
        if (b.number == number && b.kind == BlockKind::paragraph)
            return &b;
    return nullptr;
}

const Block* find_text(const Document& doc, const std::string& prefix) {
    for (const Block& b : doc.blocks)
        if (b.text.rfind(prefix, 0) == 0)
            return &b;
    return nullptr;
}

} // namespace

TEST_CASE("extract_pdf rebuilds headings, numbered paragraphs, lists and footnotes") {
    auto result = extract_pdf(sample_pdf());
    REQUIRE(result.ok());
    const Document& doc = *result;

    SECTION("running header and page numbers are dropped") {
        for (const Block& b : doc.blocks) {
            INFO(b.text);
            CHECK(b.text.find("Sample Guidance 2025") == std::string::npos);
            CHECK(b.text.find("draft for consultation") == std::string::npos);
            bool bare_number =
                !b.text.empty() && std::all_of(b.text.begin(), b.text.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
            CHECK_FALSE(bare_number);
        }
    }
    SECTION("headings by size and weight, levels by size rank") {
        const Block* title = find_text(doc, "Sample guidance for schools");
        REQUIRE(title);
        CHECK(title->kind == BlockKind::heading);
        CHECK(title->level == 1);
        const Block* part = find_text(doc, "Part two: Procedures");
        const Block* sub = find_text(doc, "Who this is for");
        REQUIRE(part);
        REQUIRE(sub);
        CHECK(part->kind == BlockKind::heading);
        CHECK(sub->kind == BlockKind::heading);
        CHECK(sub->level > part->level);
    }
    SECTION("numbered paragraphs keep their number apart from the text") {
        const Block* p1 = find_number(doc, "1");
        REQUIRE(p1);
        CHECK(p1->text.rfind("Every school should have a safeguarding policy", 0) == 0);
        CHECK(p1->page == "1");
        for (const char* n : {"1", "2", "3", "4", "5"})
            CHECK(find_number(doc, n));
    }
    SECTION("line-end hyphens: real compounds kept, broken words joined") {
        const Block* p2 = find_number(doc, "2");
        REQUIRE(p2);
        CHECK(p2->text.find("in multi-agency arrangements, in safeguarding training and in "
                            "consultation on local priorities.") != std::string::npos);
    }
    SECTION("a paragraph across a page break is one block on the page it starts") {
        const Block* p3 = find_number(doc, "3");
        REQUIRE(p3);
        CHECK(p3->page == "1");
        CHECK(p3->text.rfind("Sentence 1 of the third paragraph", 0) == 0);
        CHECK(p3->text.find("Sentence 24 of the third paragraph") != std::string::npos);
        CHECK(p3->text.size() > p3->text.find("This is the end of paragraph three."));
        CHECK(find_text(doc, "Sentence 2") == nullptr); // no split piece
        const Block* p4 = find_number(doc, "4");
        REQUIRE(p4);
        CHECK(p4->page == "2");
    }
    SECTION("footnotes: small print at the page bottom, with their mark") {
        auto it = std::find_if(doc.blocks.begin(), doc.blocks.end(),
                               [](const Block& b) { return b.kind == BlockKind::footnote; });
        REQUIRE(it != doc.blocks.end());
        CHECK(it->number == "1");
        CHECK(it->text == "Children Act 1989, section 11.");
        CHECK(it->page == "1");
        // The footnote text is not part of the body paragraphs.
        for (const Block& b : doc.blocks)
            if (b.kind != BlockKind::footnote)
                CHECK(b.text.find("section 11") == std::string::npos);
    }
    SECTION("list items: bullets dropped, letter labels kept, nesting by indentation") {
        const Block* bullet = find_text(doc, "a written policy");
        REQUIRE(bullet);
        CHECK(bullet->kind == BlockKind::list_item);
        const Block* wrapped = find_text(doc, "a named lead");
        REQUIRE(wrapped);
        CHECK(wrapped->kind == BlockKind::list_item);
        CHECK(wrapped->text.find("a deputy who can act when the lead is away") !=
              std::string::npos);
        const Block* lettered = find_text(doc, "a) record the concern");
        REQUIRE(lettered);
        CHECK(lettered->kind == BlockKind::list_item);
        const Block* outer = find_text(doc, "the board reads the findings");
        const Block* inner = find_text(doc, "and agrees the actions");
        REQUIRE(outer);
        REQUIRE(inner);
        CHECK(outer->level == 0);
        CHECK(inner->level == 1);
        CHECK(inner->page == "3");
    }
    SECTION("paragraphs split where a sentence ends a short line") {
        const Block* a = find_text(doc, "Records should be kept securely.");
        REQUIRE(a);
        CHECK(a->text == "Records should be kept securely.");
        const Block* b = find_text(doc, "Staff should not keep copies");
        REQUIRE(b);
        CHECK(b->text.find("ask the lead where to file them.") != std::string::npos);
    }
    SECTION("sections come from the headings above") {
        const Block* p4 = find_number(doc, "4");
        REQUIRE(p4);
        CHECK(p4->section == std::vector<std::string>{"Part two: Procedures", "Who this is for"});
    }
    SECTION("the stored text round-trips") {
        auto back = guidetrack::model::parse_stored_text(guidetrack::model::write_stored_text(doc));
        REQUIRE(back.ok());
        CHECK(*back == doc);
    }
}

TEST_CASE("extract_pdf uses the PDF's page labels") {
    pdfgen::Flow f;
    f.paragraph("A foreword on a page numbered in roman numerals.");
    f.page_break();
    f.paragraph("The first page of the guidance proper.", "1");
    auto result = extract_pdf(f.pdf({{{0, "r"}, {1, "D"}}, false}));
    REQUIRE(result.ok());
    const Block* foreword = find_text(*result, "A foreword");
    const Block* first = find_number(*result, "1");
    REQUIRE(foreword);
    REQUIRE(first);
    CHECK(foreword->page == "i");
    CHECK(first->page == "1");
}

TEST_CASE("extract_pdf reports bad PDFs as input errors") {
    std::string good = sample_pdf();
    auto expect_input_error = [](const std::string& bytes, const std::string& fragment) {
        auto r = extract_pdf(bytes);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::input);
        CHECK(r.error().message.find(fragment) != std::string::npos);
        CHECK(r.error().message.find('\n') == std::string::npos);
    };
    SECTION("empty") {
        expect_input_error("", "empty");
    }
    SECTION("truncated") {
        for (std::size_t cut :
             {good.size() / 2, good.size() - 40, std::size_t{200}, std::size_t{9}})
            expect_input_error(good.substr(0, cut), "truncated");
    }
    SECTION("not a PDF at all") {
        expect_input_error(std::string(3000, '\x01') + "%%EOF", "not a PDF");
    }
    SECTION("corrupt body") {
        std::string bad = good;
        for (std::size_t i = 20; i < bad.size() - 20; i += 7)
            bad[i] = static_cast<char>(bad[i] ^ 0x5A);
        auto r = extract_pdf(bad); // must not crash; either an error or some text
        if (!r.ok())
            CHECK(r.error().kind == ErrorKind::input);
    }
    SECTION("encrypted with a password") {
        pdfgen::Flow f;
        f.paragraph("Secret guidance.");
        expect_input_error(f.pdf({{}, true}), "encrypted");
    }
    SECTION("no text layer") {
        pdfgen::Page scanned;
        scanned.rects.push_back({72, 72, 450, 600});
        expect_input_error(pdfgen::write({scanned, scanned}),
                           "the PDF has no text layer (scanned?); guidetrack cannot extract it");
    }
}

TEST_CASE("extract_pdf reads two-column tables as rows with wrapped cells") {
    pdfgen::Page page;
    auto put = [&](double x, double y, const std::string& text) {
        page.runs.push_back(pdfgen::Run{x, y, 11, pdfgen::Font::regular, text});
    };
    put(72, 100, "This table lists the changes made since the last edition.");
    put(72, 130, "Paragraph 18");
    put(200, 130, "Early help - amended to reflect the duties which");
    put(200, 144, "apply to all staff");
    put(72, 164, "Paragraph 19");
    put(200, 164, "Abuse and neglect - heading amended");
    auto result = extract_pdf(pdfgen::write({page}));
    REQUIRE(result.ok());
    const Document& doc = *result;
    REQUIRE(doc.blocks.size() == 3);
    CHECK(doc.blocks[0].kind == BlockKind::paragraph);
    CHECK(doc.blocks[1].kind == BlockKind::table_row);
    CHECK(doc.blocks[1].text ==
          "Paragraph 18 | Early help - amended to reflect the duties which apply to all staff");
    CHECK(doc.blocks[2].kind == BlockKind::table_row);
    CHECK(doc.blocks[2].text == "Paragraph 19 | Abuse and neglect - heading amended");
}

namespace {

// A one-page guide whose paragraph 12 links "Good practice guidance on working with parents" to
// uri (a link annotation over those words; the words themselves never change).
std::string linked_guide(const std::string& uri) {
    pdfgen::Flow f("Guide");
    f.heading("Working with parents", 16);
    f.paragraph("Practitioners should work in partnership with parents and carers.", "11");
    f.paragraph("See Good practice guidance on working with parents for advice.", "12");
    std::vector<pdfgen::Page> pages = f.pages();
    const std::string phrase = "Good practice guidance on working with parents";
    bool placed = false;
    for (const pdfgen::Run& r : pages.at(0).runs) {
        auto at = r.text.find(phrase);
        if (at == std::string::npos)
            continue;
        pdfgen::Link link;
        link.rect.x = r.x + pdfgen::text_width(r.text.substr(0, at), r.size, r.font);
        link.rect.w = pdfgen::text_width(phrase, r.size, r.font);
        link.rect.y = r.y - r.size;
        link.rect.h = r.size * 1.3;
        link.uri = uri;
        pages[0].links.push_back(link);
        placed = true;
    }
    REQUIRE(placed);
    return pdfgen::write(pages);
}

} // namespace

TEST_CASE("extract_pdf: a link annotation becomes a link over the words under it; a new target "
          "under the same words is a 'linked to' change") {
    using namespace guidetrack;
    auto old_doc = extract::extract_pdf(linked_guide("https://example.org/parents-guidance-2016"));
    auto new_doc = extract::extract_pdf(linked_guide("https://example.org/parents-guidance-2021"));
    REQUIRE(old_doc.ok());
    REQUIRE(new_doc.ok());
    const model::Block* p12 = nullptr;
    for (const auto& b : old_doc->blocks)
        if (b.number == "12")
            p12 = &b;
    REQUIRE(p12);
    REQUIRE(p12->links.size() == 1);
    CHECK(p12->links[0].target == "https://example.org/parents-guidance-2016");
    CHECK(model::link_text(*p12, p12->links[0]) ==
          "Good practice guidance on working with parents");
    CHECK(model::plain_text(*old_doc) == model::plain_text(*new_doc)); // the same words

    auto changes = diff::compare(*old_doc, *new_doc);
    notice::Notice n = notice::build_notice(*old_doc, *new_doc, changes, notice::Versions{});
    REQUIRE(n.items.size() == 1);
    CHECK(n.items[0].where.paragraph == "12");
    CHECK(n.items[0].description ==
          "linked to the latest version of 'Good practice guidance on working with parents'");
}

TEST_CASE("extract_pdf: a footnote mark followed by punctuation is a reference, the punctuation "
          "stays text") {
    pdfgen::Flow f("Guide");
    f.heading("Harm outside the home", 16);
    f.paragraph("Children can be harmed in contexts outside of the home ^17, so schools share what "
                "they know.",
                "58");
    f.footnote("17", "See the guidance on extra-familial harm.");
    auto doc = extract_pdf(f.pdf());
    REQUIRE(doc.ok());
    const Block* p58 = nullptr;
    for (const Block& b : doc->blocks)
        if (b.number == "58")
            p58 = &b;
    REQUIRE(p58);
    CHECK(p58->text ==
          "Children can be harmed in contexts outside of the home, so schools share what they "
          "know.");
    REQUIRE(p58->footnote_refs.size() == 1);
    CHECK(p58->footnote_refs[0].mark == "17");
    CHECK(p58->footnote_refs[0].offset == p58->text.find(','));
}

TEST_CASE("extract_pdf: control characters in a link annotation's address are dropped (fuzz)") {
    using namespace guidetrack;
    std::string pdf = linked_guide(std::string("mail:\n\0\0x.Panel@education.gov.uk", 32));
    auto doc = extract::extract_pdf(pdf);
    REQUIRE(doc.ok());
    bool found = false;
    for (const auto& b : doc->blocks)
        for (const auto& l : b.links) {
            found = true;
            CHECK(l.target == "mail:x.Panel@education.gov.uk");
        }
    CHECK(found);
    auto back = model::parse_stored_text(model::write_stored_text(*doc));
    REQUIRE(back.ok());
    CHECK(*back == *doc);
}

TEST_CASE("extract_pdf: a long PDF read a page at a time, its measures from a sample of pages, "
          "gives the document read whole") {
    pdfgen::Flow f(kHeader);
    for (int s = 1; s <= 14; ++s) {
        std::string n = std::to_string(s);
        f.heading("Part " + n + ": what schools do", 14);
        f.paragraph("Every school should have a safeguarding policy. " + long_text(20 + s),
                    std::to_string(3 * s - 2));
        f.paragraph_lines({"Schools work with local partners on multi-agency plans. They take part "
                           "in multi-",
                           "agency arrangements, in safe-", "guarding training and in consul-",
                           "tation on local priorities."},
                          std::to_string(3 * s - 1));
        f.paragraph("The Children Act ^" + n + " requires every school to cooperate with the " +
                    "local authority.");
        // Distinct notes: a note repeated on several pages at one height reads as a footer.
        const char* acts[] = {"Children", "Education", "Childcare", "Equality"};
        f.footnote(n, std::string(acts[s % 4]) + " Act, part " + std::string(s, 'I') + ".");
        f.item("a written policy that all staff have read");
        f.item("a named lead with the time, training and resources to carry out the role well, "
               "and a deputy who can act when the lead is away");
        f.paragraph(long_text(5), std::to_string(3 * s));
    }
    std::string bytes = f.pdf();
    auto whole = extract_pdf(bytes);
    auto paged = extract_pdf(bytes, {.keep_all_pages = 5, .sample_pages = 8});
    REQUIRE(whole.ok());
    REQUIRE(paged.ok());
    REQUIRE(whole->blocks.size() > 50);
    CHECK(std::stoi(whole->blocks.back().page) > 12); // so the sample of 8 skips pages
    CHECK(*paged == *whole);
    for (const Block& b : paged->blocks) {
        CHECK(b.text.find(kHeader) == std::string::npos);
        CHECK(b.text.find("safe-guarding") == std::string::npos);
    }
    const Block* three = find_number(*paged, "42");
    REQUIRE(three);
    CHECK(three->text.find("This is the end of paragraph three.") != std::string::npos);
    // A sample of one page still reads the document (measures from that page alone).
    auto one = extract_pdf(bytes, {.keep_all_pages = 1, .sample_pages = 1});
    REQUIRE(one.ok());
    CHECK(one->blocks.size() > 50);
}
