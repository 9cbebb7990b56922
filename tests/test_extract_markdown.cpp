// Markdown and plain-text extraction: the sample guidance documents and the Markdown constructs
// guidance uses (numbered paragraphs, headings, lists, tables, footnotes, links, emphasis).
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"

#include "testutil.hpp"

#include <catch2/catch.hpp>

using namespace guidetrack;
using model::BlockKind;

namespace {

model::Document md(const std::string& s) {
    auto doc = extract::extract_markdown(s);
    INFO((doc.ok() ? std::string() : doc.error().message));
    REQUIRE(doc.ok());
    return *doc;
}

model::Document sample(const std::string& name) {
    return md(gt_test::read_file(gt_test::source_dir() / "snapshots" / "sample" / name));
}

const model::Block* numbered(const model::Document& doc, const std::string& number) {
    for (const model::Block& b : doc.blocks)
        if (b.kind == BlockKind::paragraph && b.number == number)
            return &b;
    return nullptr;
}

} // namespace

TEST_CASE("sample v1: numbered paragraphs 1 to 16 in order, under their headings",
          "[extract][markdown]") {
    model::Document doc = sample("v1.md");
    std::vector<std::string> numbers;
    for (const model::Block& b : doc.blocks)
        if (!b.number.empty())
            numbers.push_back(b.number);
    std::vector<std::string> expected;
    for (int i = 1; i <= 16; ++i)
        expected.push_back(std::to_string(i));
    CHECK(numbers == expected);

    REQUIRE(doc.blocks.front().kind == BlockKind::heading);
    CHECK(doc.blocks.front().level == 1);
    CHECK(doc.blocks.front().text == "Keeping Learners Safe in Sample Town");

    const model::Block* p4 = numbered(doc, "4");
    REQUIRE(p4);
    CHECK(p4->text.starts_with("The LSPs for safeguarding partners should delegate"));
    CHECK(p4->section == std::vector<std::string>{"Keeping Learners Safe in Sample Town",
                                                  "Chapter 1: Roles and responsibilities",
                                                  "Lead safeguarding partners"});
    const model::Block* p6 = numbered(doc, "6");
    REQUIRE(p6);
    CHECK(p6->section.back() == "Training");
    CHECK(p6->text.find("The DSL's training") != std::string::npos);

    const model::Block* p9 = numbered(doc, "9");
    REQUIRE(p9);
    CHECK(p9->text.find("reviews@sampletown-panel.gov.uk") != std::string::npos);
}

TEST_CASE("sample v1: the link in paragraph 12 keeps its text and target", "[extract][markdown]") {
    model::Document doc = sample("v1.md");
    const model::Block* p12 = numbered(doc, "12");
    REQUIRE(p12);
    REQUIRE(p12->links.size() == 1);
    CHECK(model::link_text(*p12, p12->links[0]) ==
          "Good practice guidance on working with parents with a learning disability (2016)");
    CHECK(p12->links[0].target == "https://example.org/guidance/parents-learning-disability-2016");
    CHECK(p12->text.find("See Good practice guidance") != std::string::npos);
    CHECK(p12->text.ends_with("(2016) for advice."));
    CHECK(p12->section.back() == "Chapter 3: Working with parents");
}

TEST_CASE("sample v1: emphasis markers go, the words stay", "[extract][markdown]") {
    model::Document doc = sample("v1.md");
    const model::Block* p15 = numbered(doc, "15");
    REQUIRE(p15);
    CHECK(p15->text ==
          "Safeguarding and promoting the welfare of children: protecting children from "
          "maltreatment and preventing impairment of their health.");
    CHECK(p15->section.back() == "Glossary");
}

TEST_CASE("Markdown emphasis: only runs that open and close are markup", "[extract][markdown]") {
    auto doc = md("**Bold** and _light_ words, 2 * 3, snake_case_name, file_*.pdf\n\n"
                  "| Day | What |\n| --- | --- |\n| 3 | Half a day on-site visit* |\n\n"
                  "*Only this* is emphasis, not the star in visit*\n");
    REQUIRE(doc.blocks.size() == 4);
    CHECK(doc.blocks[0].text == "Bold and light words, 2 * 3, snake_case_name, file_*.pdf");
    CHECK(doc.blocks[2].text == "3 | Half a day on-site visit*");
    CHECK(doc.blocks[3].text == "Only this is emphasis, not the star in visit*");
}

TEST_CASE("Markdown inline markup follows CommonMark (cmark-gfm)", "[extract][markdown]") {
    auto doc = md("Caf&eacute; &copy; 2024, a `tick alone, 5 &lt; 6 and <b>bold</b> tags, "
                  "![the logo](logo.png) and <mailto:dsl@example.org>.\n");
    REQUIRE(doc.blocks.size() == 1);
    const model::Block& b = doc.blocks[0];
    // Every HTML5 entity, an unclosed backtick kept, raw tags dropped, an image's alt text.
    CHECK(b.text == "Caf\xC3\xA9 \xC2\xA9 2024, a `tick alone, 5 < 6 and bold tags, the logo and "
                    "mailto:dsl@example.org.");
    REQUIRE(b.links.size() == 1);
    CHECK(b.links[0].target == "mailto:dsl@example.org");
}

TEST_CASE("sample versions differ exactly where versions.tsv says", "[extract][markdown]") {
    model::Document v1 = sample("v1.md");
    model::Document v2 = sample("v2.md");
    REQUIRE(v1.blocks.size() == v2.blocks.size());
    std::vector<std::string> changed;
    for (std::size_t i = 0; i < v1.blocks.size(); ++i)
        if (!(v1.blocks[i] == v2.blocks[i]))
            changed.push_back(v1.blocks[i].number.empty() ? v1.blocks[i].text
                                                          : v1.blocks[i].number);
    CHECK(changed ==
          std::vector<std::string>{"Published 10 January 2024", "4", "6", "9", "12", "15"});
    const model::Block* p12 = numbered(v2, "12");
    REQUIRE(p12);
    REQUIRE(p12->links.size() == 1);
    CHECK(p12->links[0].target == "https://example.org/guidance/parents-learning-disability-2021");

    model::Document v3 = sample("v3.md");
    const model::Block* p8 = numbered(v3, "8");
    REQUIRE(p8);
    CHECK(p8->text.starts_with("Governing bodies should"));
    CHECK(p8->section.back() == "Training");
}

TEST_CASE("the stored text of a sample extracts back to the same document", "[extract][markdown]") {
    for (const char* name : {"v1.md", "v2.md", "v3.md"}) {
        model::Document doc = sample(name);
        std::string stored = model::write_stored_text(doc);
        CHECK(md(stored) == doc);
        auto parsed = model::parse_stored_text(stored);
        REQUIRE(parsed.ok());
        CHECK(*parsed == doc);
    }
}

TEST_CASE("Markdown headings: ATX with closing hashes, setext, numbered", "[extract][markdown]") {
    model::Document doc = md("Title\n=====\n\nSub title\n---------\n\n### Deep ###\n\n"
                             "## 2. Scope\n\ntext\n\n#hashtag is not a heading\n");
    REQUIRE(doc.blocks.size() == 6);
    CHECK(doc.blocks[0].kind == BlockKind::heading);
    CHECK(doc.blocks[0].level == 1);
    CHECK(doc.blocks[0].text == "Title");
    CHECK(doc.blocks[1].level == 2);
    CHECK(doc.blocks[1].text == "Sub title");
    CHECK(doc.blocks[2].level == 3);
    CHECK(doc.blocks[2].text == "Deep");
    CHECK(doc.blocks[3].text == "Scope");
    CHECK(doc.blocks[3].number == "2");
    CHECK(doc.blocks[4].section == std::vector<std::string>{"Title", "Scope"});
    CHECK(doc.blocks[5].kind == BlockKind::paragraph);
    CHECK(doc.blocks[5].text == "#hashtag is not a heading");
}

TEST_CASE("Markdown paragraphs: lines join, blank lines separate, numbers at column 0",
          "[extract][markdown]") {
    model::Document doc = md("First line\nsecond line.\n\n2.3. A sub-numbered\nparagraph.\n"
                             "12a. Inserted paragraph.\n\n2021. A year is not a number.\n");
    REQUIRE(doc.blocks.size() == 4);
    CHECK(doc.blocks[0].text == "First line second line.");
    CHECK(doc.blocks[0].number.empty());
    CHECK(doc.blocks[1].number == "2.3");
    CHECK(doc.blocks[1].text == "A sub-numbered paragraph.");
    CHECK(doc.blocks[2].number == "12a");
    CHECK(doc.blocks[2].text == "Inserted paragraph.");
    CHECK(doc.blocks[3].number.empty());
    CHECK(doc.blocks[3].text == "2021. A year is not a number.");
}

TEST_CASE("Markdown lists: markers, nesting by indentation, ordered items", "[extract][markdown]") {
    model::Document doc = md("1. The partners must:\n\n- publish a plan\n  - with dates\n"
                             "    continued line\n* review it\n+ report\n   a) first\n"
                             "   b) second\n  1. numbered item\n");
    REQUIRE(doc.blocks.size() == 8);
    CHECK(doc.blocks[0].kind == BlockKind::paragraph);
    CHECK(doc.blocks[0].number == "1");
    CHECK(doc.blocks[1].kind == BlockKind::list_item);
    CHECK(doc.blocks[1].level == 0);
    CHECK(doc.blocks[1].text == "publish a plan");
    CHECK(doc.blocks[2].level == 1);
    CHECK(doc.blocks[2].text == "with dates continued line");
    CHECK(doc.blocks[3].level == 0);
    CHECK(doc.blocks[3].text == "review it");
    CHECK(doc.blocks[4].text == "report");
    CHECK(doc.blocks[5].level == 1);
    // A letter label is text, as printed; only a number is an anchor (finding 23).
    CHECK(doc.blocks[5].number.empty());
    CHECK(doc.blocks[5].text == "a) first");
    CHECK(doc.blocks[6].text == "b) second");
    CHECK(doc.blocks[7].kind == BlockKind::list_item);
    CHECK(doc.blocks[7].number == "1");
    CHECK(doc.blocks[7].text == "numbered item");
    auto parsed = model::parse_stored_text(model::write_stored_text(doc));
    REQUIRE(parsed.ok());
    CHECK(*parsed == doc);
}

TEST_CASE("Markdown lists: letter and roman labels survive the stored text (fuzz: "
          "extract_markdown, finding 23)",
          "[extract][markdown]") {
    model::Document doc = md("Items:\n\n  c.     z (\n  iv. fourth\n  2. second\n");
    REQUIRE(doc.blocks.size() == 4);
    CHECK(doc.blocks[1].text == "c. z (");
    CHECK(doc.blocks[2].text == "iv. fourth");
    CHECK(doc.blocks[3].number == "2");
    auto parsed = model::parse_stored_text(model::write_stored_text(doc));
    REQUIRE(parsed.ok());
    CHECK(*parsed == doc);
}

TEST_CASE("Markdown tables: one block per row, separator skipped", "[extract][markdown]") {
    model::Document doc = md("| Where | What |\n|---|:---:|\n| Para 18 | **New** text |\n"
                             "| [Annex B](https://x.org/b) | a \\| pipe |\n");
    REQUIRE(doc.blocks.size() == 3);
    for (const auto& b : doc.blocks)
        CHECK(b.kind == BlockKind::table_row);
    CHECK(doc.blocks[0].text == "Where | What");
    CHECK(doc.blocks[1].text == "Para 18 | New text");
    CHECK(doc.blocks[2].text == "Annex B | a | pipe");
    REQUIRE(doc.blocks[2].links.size() == 1);
    CHECK(model::link_text(doc.blocks[2], doc.blocks[2].links[0]) == "Annex B");
    CHECK(doc.blocks[2].links[0].target == "https://x.org/b");
}

TEST_CASE("Markdown footnotes, references, escapes, code and entities", "[extract][markdown]") {
    model::Document doc =
        md("5. See the code[^1] and [the act][act] or <https://example.org/a>.\n\n"
           "[^1]: The code of practice,\n    as amended.\n\n"
           "[act]: https://legislation.gov.uk/act \"The Act\"\n\n"
           "Use `a_b * c` and snake_case, 2 * 3, \\*literal\\* &amp; &#8217;quoted&#x2019;.\n");
    REQUIRE(doc.blocks.size() == 3);
    const model::Block& p = doc.blocks[0];
    CHECK(p.number == "5");
    // The reference mark is a footnote reference in the model, not words.
    CHECK(p.text == "See the code and the act or https://example.org/a.");
    REQUIRE(p.footnote_refs.size() == 1);
    CHECK(p.footnote_refs[0].mark == "1");
    CHECK(p.footnote_refs[0].offset == std::string("See the code").size());
    REQUIRE(p.links.size() == 2);
    CHECK(model::link_text(p, p.links[0]) == "the act");
    CHECK(p.links[0].target == "https://legislation.gov.uk/act");
    CHECK(model::link_text(p, p.links[1]) == "https://example.org/a");
    CHECK(doc.blocks[1].kind == BlockKind::footnote);
    CHECK(doc.blocks[1].number == "1");
    CHECK(doc.blocks[1].text == "The code of practice, as amended.");
    CHECK(doc.blocks[2].text == "Use a_b * c and snake_case, 2 * 3, *literal* & ’quoted’.");
}

TEST_CASE("Markdown: links inside emphasis and links with spaces around", "[extract][markdown]") {
    model::Document doc =
        md("**See [the guidance](https://a.org/g)** now, _[x](<https://a.org/y z>)_.");
    REQUIRE(doc.blocks.size() == 1);
    const model::Block& b = doc.blocks[0];
    CHECK(b.text == "See the guidance now, x.");
    REQUIRE(b.links.size() == 2);
    CHECK(model::link_text(b, b.links[0]) == "the guidance");
    CHECK(b.links[1].target == "https://a.org/y z");
    CHECK(model::link_text(b, b.links[1]) == "x");
}

TEST_CASE("Markdown: page markers of stored texts are honoured", "[extract][markdown]") {
    model::Document doc = md("<!-- page 25 -->\n\n47. Before.\n\n<!-- page 26 -->\n\n48. After.\n");
    REQUIRE(doc.blocks.size() == 2);
    CHECK(doc.blocks[0].page == "25");
    CHECK(doc.blocks[1].page == "26");
    CHECK(doc.blocks[1].number == "48");
}

TEST_CASE("Markdown: Windows line endings, BOM, block quotes, code fences", "[extract][markdown]") {
    model::Document doc = md("\xEF\xBB\xBF# Title\r\n\r\n> Quoted\r\n> text\r\n\r\n```\r\n"
                             "code **kept**\r\n```\r\n");
    REQUIRE(doc.blocks.size() == 3);
    CHECK(doc.blocks[0].text == "Title");
    CHECK(doc.blocks[1].text == "Quoted text");
    CHECK(doc.blocks[2].text == "code **kept**");
}

TEST_CASE("Markdown and text: bad input is a one-line input error", "[extract][markdown]") {
    auto bad = extract::extract_markdown("ok\n\xC3\x28 broken");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::input);
    CHECK(bad.error().message.find("byte 3") != std::string::npos);

    auto empty = extract::extract_markdown("\n\n  \n---\n");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message == "the document has no text");

    auto binary = extract::extract_text(std::string("abc\0def", 7));
    REQUIRE_FALSE(binary.ok());
    CHECK(binary.error().kind == ErrorKind::input);
    CHECK(binary.error().message.find('\n') == std::string::npos);
}

TEST_CASE("plain text: paragraphs, numbered paragraphs, no markup, form feed pages",
          "[extract][text]") {
    auto doc = extract::extract_text("Introduction\n\n1. First para\ncontinues here.\n"
                                     "2. Second *para* with [no](link).\n\fPage two text\n");
    REQUIRE(doc.ok());
    REQUIRE(doc->blocks.size() == 4);
    CHECK(doc->blocks[0].text == "Introduction");
    CHECK(doc->blocks[0].page == "1");
    CHECK(doc->blocks[1].number == "1");
    CHECK(doc->blocks[1].text == "First para continues here.");
    CHECK(doc->blocks[2].number == "2");
    CHECK(doc->blocks[2].text == "Second *para* with [no](link).");
    CHECK(doc->blocks[2].links.empty());
    CHECK(doc->blocks[3].page == "2");
    CHECK(doc->blocks[3].text == "Page two text");

    auto plain = extract::extract_text("One paragraph\n\nAnother");
    REQUIRE(plain.ok());
    CHECK(plain->blocks[0].page.empty());
}

TEST_CASE("markdown: footnote references read back as references, as the stored text writes them",
          "[extract][markdown]") {
    model::Document doc;
    doc.blocks.push_back(model::Block{});
    doc.blocks[0].text =
        "Chief Executives of Local Authorities, and Chief Officers of police forces.";
    doc.blocks[0].footnote_refs = {model::FootnoteRef{37, "20"}, model::FootnoteRef{75, "21"}};
    model::assign_sections(doc);
    std::string stored = model::write_stored_text(doc);
    REQUIRE(stored.find("Authorities[^20],") != std::string::npos);
    // `show` prints the stored text; recording it as Markdown gives the same document, so an
    // edited copy of `show` output diffs only where it was edited.
    auto back = extract::extract_markdown(stored);
    REQUIRE(back.ok());
    REQUIRE(back->blocks.size() == 1);
    CHECK(back->blocks[0].text == doc.blocks[0].text);
    CHECK(back->blocks[0].footnote_refs == doc.blocks[0].footnote_refs);
    // A bracket that is not a reference stays text.
    auto plain = extract::extract_markdown("See [^ not a mark] here.\n");
    REQUIRE(plain.ok());
    CHECK(plain->blocks[0].text == "See [^ not a mark] here.");
    CHECK(plain->blocks[0].footnote_refs.empty());
}
