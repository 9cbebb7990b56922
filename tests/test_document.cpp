#include "guidetrack/model/document.hpp"

#include <catch2/catch.hpp>

using namespace guidetrack::model;

namespace {

Block make(BlockKind kind, std::string text, std::string page = "", std::string number = "",
           int level = 0) {
    Block b;
    b.kind = kind;
    b.text = std::move(text);
    b.page = std::move(page);
    b.number = std::move(number);
    b.level = level;
    return b;
}

Document sample() {
    Document d;
    d.blocks.push_back(
        make(BlockKind::heading, "Chapter 1: Lead safeguarding partners", "1", "", 1));
    d.blocks.push_back(
        make(BlockKind::paragraph, "The LSPs for safeguarding partners are set.", "1", "48"));
    Block linked = make(BlockKind::paragraph, "See the guidance on parents [2023] here.", "2");
    linked.links.push_back(Link{8, 16, "https://example.org/a_(b)?x=<1>\\"});
    d.blocks.push_back(linked);
    d.blocks.push_back(make(BlockKind::paragraph, "12. looks numbered but is not", "2"));
    d.blocks.push_back(make(BlockKind::paragraph, "# not a heading - | < > * + \\ back", "2"));
    d.blocks.push_back(make(BlockKind::heading, "Glossary", "iv", "", 2));
    d.blocks.push_back(make(BlockKind::list_item, "first item", "iv", "", 0));
    d.blocks.push_back(make(BlockKind::list_item, "- nested item with dash", "iv", "3", 1));
    d.blocks.push_back(make(BlockKind::table_row, "Where | What", "iv"));
    d.blocks.push_back(make(BlockKind::table_row, "Page 26 | Amended", "iv"));
    d.blocks.push_back(make(BlockKind::table_row, "--- | -", "iv")); // dashes that are text
    d.blocks.push_back(make(BlockKind::table_row, "Page 42 | Corrected", "v"));
    d.blocks.push_back(make(BlockKind::footnote, "A footnote [with] brackets.", "", "12"));
    d.blocks.push_back(make(BlockKind::paragraph, "2.3a. tricky", "", "2.3a"));
    d.blocks.push_back(make(BlockKind::paragraph, "“Curly” quotes – and dashes stay.", "v"));
    assign_sections(d);
    return d;
}

} // namespace

TEST_CASE("stored text round-trips the document model exactly", "[document]") {
    Document d = sample();
    std::string stored = write_stored_text(d);
    auto parsed = parse_stored_text(stored);
    REQUIRE(parsed.ok());
    CHECK(parsed->blocks.size() == d.blocks.size());
    for (std::size_t i = 0; i < d.blocks.size() && i < parsed->blocks.size(); ++i) {
        INFO("block " << i << ": " << d.blocks[i].text);
        CHECK(parsed->blocks[i] == d.blocks[i]);
    }
    CHECK(*parsed == d);
    CHECK(write_stored_text(*parsed) == stored);
}

TEST_CASE("a footnote reference inside a link's words round-trips (fuzz: extract_pdf)",
          "[document]") {
    Document d;
    Block b = make(BlockKind::paragraph, "0 2014 , ( including", "1");
    b.links.push_back(Link{2, 8, "#page=1"});
    b.footnote_refs.push_back(FootnoteRef{5, "2"});
    d.blocks.push_back(b);
    assign_sections(d);
    std::string stored = write_stored_text(d);
    CHECK(stored.find("0 [201[^2]4 ,](<#page=1>) ( including") != std::string::npos);
    auto back = parse_stored_text(stored);
    REQUIRE(back.ok());
    CHECK(*back == d);

    // A link whose words start with '^' is not a footnote reference.
    Document e;
    Block c = make(BlockKind::paragraph, "See ^3. the guidance", "1");
    c.links.push_back(Link{4, 20, "https://example.org/g"});
    e.blocks.push_back(c);
    assign_sections(e);
    stored = write_stored_text(e);
    CHECK(stored.find("See [\\^3. the guidance](<https://example.org/g>)") != std::string::npos);
    back = parse_stored_text(stored);
    REQUIRE(back.ok());
    CHECK(*back == e);
}

TEST_CASE("stored text is readable Markdown with page markers", "[document]") {
    std::string stored = write_stored_text(sample());
    CHECK(stored.find("<!-- page 1 -->") != std::string::npos);
    CHECK(stored.find("# Chapter 1: Lead safeguarding partners\n") != std::string::npos);
    CHECK(stored.find("\n48. The LSPs for safeguarding partners are set.\n") != std::string::npos);
    // A text that would read as a numbered paragraph is escaped the CommonMark way.
    CHECK(stored.find("\n12\\. looks numbered") != std::string::npos);
    CHECK(stored.find("\n\\# not a heading") != std::string::npos);
    CHECK(stored.find("[^12]: A footnote \\[with\\] brackets.") != std::string::npos);
    CHECK(stored.find("  - 3. \\- nested item") != std::string::npos);
    // Tables are GFM tables: rows on adjacent lines, a delimiter row under the first, again
    // after a page marker; a row of dashes that is text is escaped.
    CHECK(stored.find("| Where | What |\n| --- | --- |\n| Page 26 | Amended |\n| \\--- | - |\n") !=
          std::string::npos);
    CHECK(stored.find("<!-- page v -->\n\n| Page 42 | Corrected |\n| --- | --- |\n") !=
          std::string::npos);
}

TEST_CASE("stored text in the earlier spelling (\\12. for 12\\.) still reads", "[document]") {
    auto old_form = parse_stored_text("\\12. looks numbered but is not\n\n- \\1. Set the "
                                      "direction\n");
    REQUIRE(old_form.ok());
    REQUIRE(old_form->blocks.size() == 2);
    CHECK(old_form->blocks[0].text == "12. looks numbered but is not");
    CHECK(old_form->blocks[0].number.empty());
    CHECK(old_form->blocks[1].text == "1. Set the direction");
    auto new_form = parse_stored_text("12\\. looks numbered but is not\n\n- 1\\. Set the "
                                      "direction\n");
    REQUIRE(new_form.ok());
    CHECK(*new_form == *old_form);
}

TEST_CASE("sections follow the heading levels", "[document]") {
    Document d = sample();
    CHECK(d.blocks[1].section == std::vector<std::string>{"Chapter 1: Lead safeguarding partners"});
    CHECK(d.blocks[6].section ==
          std::vector<std::string>{"Chapter 1: Lead safeguarding partners", "Glossary"});
    CHECK(d.blocks[0].section.empty());
}

TEST_CASE("link text is the covered part of the block", "[document]") {
    Document d = sample();
    CHECK(link_text(d.blocks[2], d.blocks[2].links[0]) == "guidance");
}

TEST_CASE("malformed stored text is an input error", "[document]") {
    CHECK_FALSE(parse_stored_text("####### seven levels\n").ok());
    CHECK_FALSE(parse_stored_text("a [link without target\n").ok());
    CHECK_FALSE(parse_stored_text("a [link](<unterminated\n").ok());
}

namespace {

// A block with these footnote references (a footnote's mark in number).
Block block(BlockKind kind, std::string text, std::vector<FootnoteRef> refs = {},
            std::string number = {}) {
    Block b;
    b.kind = kind;
    b.text = std::move(text);
    b.footnote_refs = std::move(refs);
    b.number = std::move(number);
    return b;
}

} // namespace

TEST_CASE("a paragraph that starts with a footnote reference round-trips (fuzz: extract_markdown, "
          "finding 23)",
          "[document]") {
    Document doc;
    Block a = block(BlockKind::paragraph, "(see the guidance) applies here.", {{0, "16)"}});
    Block b = block(BlockKind::paragraph, ": a colon after the reference.", {{0, "3"}});
    Block note = block(BlockKind::footnote, "The note itself.", {}, "3");
    doc.blocks = {a, b, note};
    std::string stored = write_stored_text(doc);
    CHECK(stored.find("[^16)](see the guidance)") != std::string::npos);
    CHECK(stored.find("[^3]\\: a colon") != std::string::npos);
    auto back = parse_stored_text(stored);
    REQUIRE(back.ok());
    REQUIRE(back->blocks.size() == 3);
    CHECK(back->blocks[0].kind == BlockKind::paragraph);
    CHECK(back->blocks[0].text == a.text);
    CHECK(back->blocks[0].footnote_refs == a.footnote_refs);
    CHECK(back->blocks[1].kind == BlockKind::paragraph);
    CHECK(back->blocks[1].text == b.text);
    CHECK(back->blocks[2].kind == BlockKind::footnote);
    CHECK(back->blocks[2].number == "3");
}

TEST_CASE("a footnote reference inside a number-like start is not split by the escape (fuzz: "
          "stored_text)",
          "[document]") {
    Document doc;
    Block a = block(BlockKind::paragraph, "56. All staff receive training.", {{1, "6. Azl"}});
    Block b = block(BlockKind::paragraph, "12. Not a paragraph number.");
    doc.blocks = {a, b};
    std::string stored = write_stored_text(doc);
    CHECK(stored.find("5[^6. Azl]6. All staff") != std::string::npos);
    CHECK(stored.find("12\\. Not a paragraph number.") != std::string::npos);
    auto back = parse_stored_text(stored);
    REQUIRE(back.ok());
    REQUIRE(back->blocks.size() == 2);
    CHECK(back->blocks[0].text == a.text);
    CHECK(back->blocks[0].number.empty());
    CHECK(back->blocks[0].footnote_refs == a.footnote_refs);
    CHECK(back->blocks[1].text == b.text);
    CHECK(back->blocks[1].number.empty());
}
