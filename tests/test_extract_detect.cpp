// Format names, detection from content and file names, and the checks extract() applies to
// every input before dispatching.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"

#include "testutil.hpp"

#include <catch2/catch.hpp>

using namespace guidetrack;
using extract::Format;

TEST_CASE("parse_format and format_name", "[extract][detect]") {
    CHECK(*extract::parse_format("auto") == Format::automatic);
    CHECK(*extract::parse_format("pdf") == Format::pdf);
    CHECK(*extract::parse_format("html") == Format::html);
    CHECK(*extract::parse_format("md") == Format::markdown);
    CHECK(*extract::parse_format("markdown") == Format::markdown);
    CHECK(*extract::parse_format("txt") == Format::text);
    CHECK(*extract::parse_format("text") == Format::text);
    auto bad = extract::parse_format("docx");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::input);
    for (Format f : {Format::automatic, Format::pdf, Format::html, Format::markdown, Format::text})
        CHECK(*extract::parse_format(extract::format_name(f)) == f);
}

TEST_CASE("detect_format: content first", "[extract][detect]") {
    CHECK(extract::detect_format("%PDF-1.7\n...", "notes.txt") == Format::pdf);
    CHECK(extract::detect_format("\xEF\xBB\xBF  <!DOCTYPE html><html>", "x.md") == Format::html);
    CHECK(extract::detect_format("<html lang=en>", "") == Format::html);
    CHECK(extract::detect_format("\n<main role=\"main\">", "") == Format::html);
    CHECK(extract::detect_format("<div class=\"govspeak\">", "") == Format::html);
    CHECK(extract::detect_format("<!-- saved page -->\n<HTML>", "") == Format::html);
    CHECK(extract::detect_format("# Title\n\ntext", "") == Format::markdown);
    CHECK(extract::detect_format("Intro\n- item\n", "") == Format::markdown);
    CHECK(extract::detect_format("See [this](https://x.org).", "") == Format::markdown);
    CHECK(extract::detect_format("Plain words.\n\nMore words.", "") == Format::text);
    // A stored text starts with a page marker comment: Markdown, not HTML.
    CHECK(extract::detect_format("<!-- page 1 -->\n\n# Title\n", "") == Format::markdown);
    // Not a tag: "<" followed by something else.
    CHECK(extract::detect_format("<3 is a heart", "") == Format::text);
}

TEST_CASE("detect_format: the file name breaks ties", "[extract][detect]") {
    CHECK(extract::detect_format("Plain words.", "guide.md") == Format::markdown);
    CHECK(extract::detect_format("Plain words.", "guide.MARKDOWN") == Format::markdown);
    CHECK(extract::detect_format("Plain words.", "page.htm") == Format::html);
    CHECK(extract::detect_format("Plain words.", "/a.b/page.html") == Format::html);
    CHECK(extract::detect_format("Plain words.", "file.pdf") == Format::pdf);
    CHECK(extract::detect_format("# Looks like md", "notes.txt") == Format::text);
    CHECK(extract::detect_format("Plain words.", "dir.md/file") == Format::text);
    // An HTML fragment yields to a Markdown or text name; a whole HTML document does not.
    CHECK(extract::detect_format("<p align=\"center\">Logo</p>\n\n# Title", "README.md") ==
          Format::markdown);
    CHECK(extract::detect_format("<div>x</div>", "notes.txt") == Format::text);
    CHECK(extract::detect_format("<main><p>x</p></main>", "saved.md") == Format::html);
}

TEST_CASE("extract: dispatch by detected or given format", "[extract][detect]") {
    auto md = extract::extract("# Title\n\n1. Text", {});
    REQUIRE(md.ok());
    CHECK(md->blocks.at(0).kind == model::BlockKind::heading);

    extract::Options as_text;
    as_text.format = Format::text;
    auto txt = extract::extract("# Title\n\n1. Text", as_text);
    REQUIRE(txt.ok());
    CHECK(txt->blocks.at(0).kind == model::BlockKind::paragraph);
    CHECK(txt->blocks.at(0).text == "# Title");

    auto html = extract::extract("<p>1. Hello <b>world</b></p>", {});
    REQUIRE(html.ok());
    CHECK(html->blocks.at(0).number == "1");
    CHECK(html->blocks.at(0).text == "Hello world");
}

TEST_CASE("extract: binary, invalid UTF-8 and empty input are input errors", "[extract][detect]") {
    for (Format f : {Format::automatic, Format::html, Format::markdown, Format::text}) {
        extract::Options options;
        options.format = f;
        auto binary = extract::extract(std::string("\x7F"
                                                   "ELF\x02\x01\x01\0\0\0",
                                                   10),
                                       options);
        REQUIRE_FALSE(binary.ok());
        CHECK(binary.error().kind == ErrorKind::input);
        CHECK(binary.error().message.find("binary data") != std::string::npos);

        auto empty = extract::extract(" \n\t\n", options);
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.error().kind == ErrorKind::input);
        CHECK(empty.error().message == "the document is empty");
    }
    auto invalid = extract::extract("caf\xE9 au lait\n", {});
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().kind == ErrorKind::input);
    CHECK(invalid.error().message.find("invalid UTF-8 at byte 3") != std::string::npos);
}
