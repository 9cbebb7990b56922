// HTML extraction on fixtures written here: GOV.UK chrome dropped, structure kept, encodings
// converted, broken and hostile input handled.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"

#include "testutil.hpp"

#include <catch2/catch.hpp>

using namespace guidetrack;
using model::BlockKind;

namespace {

model::Document html(const std::string& s) {
    auto doc = extract::extract_html(s);
    INFO((doc.ok() ? std::string() : doc.error().message));
    REQUIRE(doc.ok());
    return *doc;
}

std::string texts(const model::Document& doc) {
    std::string out;
    for (const auto& b : doc.blocks)
        out += b.text + "\n";
    return out;
}

// A GOV.UK HTML publication page in the shape of the real ones, with every kind of chrome.
const char* kGovukPage = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Guide - GOV.UK</title>
<script>var x = "<p>not text</p>";</script><style>p { color: red }</style></head>
<body>
<div id="global-cookie-message" class="gem-c-cookie-banner"><p>We use cookies</p></div>
<header role="banner" class="govuk-header"><a href="/">GOV.UK</a></header>
<div class="govuk-breadcrumbs"><ol><li><a href="/">Home</a></li></ol></div>
<main role="main" class="html-publication">
  <div class="publication-external"><ul class="organisation-logos"><li>Ofsted</li></ul></div>
  <header class="gem-c-inverse-header">
    <div class="gem-c-title"><span class="govuk-caption-xl gem-c-title__context">Guidance</span>
    <h1 class="gem-c-title__text">Sample inspection handbook</h1></div>
    <p class="publication-header__last-changed">Updated 9 February 2022</p>
  </header>
  <nav role="navigation" aria-label="Contents" class="gem-c-contents-list">
    <h2 class="gem-c-contents-list__title">Contents</h2>
    <ol><li><a href="#intro">Introduction</a></li></ol>
  </nav>
  <div class="gem-c-print-link"><button>Print this page</button></div>
  <div class="print-wrapper"><div class="print-meta-data"><p>&copy; Crown copyright 2022</p></div></div>
  <div class="govspeak">
    <h2 id="intro">Introduction</h2>
    <p>1.	This handbook describes <strong>how</strong> we inspect.</p>
    <p>2.	It has 2 parts:</p>
    <ul>
      <li><p>Part 1: how we inspect</p></li>
      <li>Part 2: the <a href="/government/publications/schedule" class="govuk-link">evaluation
        schedule</a>
        <ul><li>nested item</li></ul>
      </li>
    </ul>
    <h3>Numbered steps</h3>
    <ol start="4"><li>fourth</li><li value="9">ninth</li><li>tenth</li></ol>
    <p>3.	Providers should read the guidance.<sup role="doc-noteref"><a href="#fn:1" class="govuk-link" rel="footnote">[footnote 1]</a></sup> Then act.</p>
    <table><thead><tr><th>Where</th><th>What</th></tr></thead>
      <tbody><tr><td>Paragraph 6</td><td><p>Footnote <em>updated</em></p></td></tr></tbody></table>
    <div role="doc-endnotes" class="footnotes"><ol>
      <li role="doc-endnote"><p>The transitional period.<a href="#fnref:1" role="doc-backlink" class="govuk-link">&#8617;</a></p></li>
    </ol></div>
  </div>
  <a class="govuk-link app-c-back-to-top dont-print" href="#contents">Contents</a>
</main>
<footer class="govuk-footer"><p>All content is available under the Open Government Licence</p></footer>
</body></html>)";

} // namespace

TEST_CASE("GOV.UK page: main content only, chrome dropped", "[extract][html]") {
    model::Document doc = html(kGovukPage);
    std::string all = texts(doc);
    for (const char* chrome : {"cookies", "GOV.UK", "Home", "Guidance", "Updated 9 February",
                               "Contents", "Print this page", "Crown copyright", "Ofsted",
                               "not text", "color", "Open Government Licence", "↩"})
        CHECK(all.find(chrome) == std::string::npos);
    REQUIRE(doc.blocks.size() >= 3);
    CHECK(doc.blocks[0].kind == BlockKind::heading);
    CHECK(doc.blocks[0].level == 1);
    CHECK(doc.blocks[0].text == "Sample inspection handbook");
    CHECK(doc.blocks[1].kind == BlockKind::heading);
    CHECK(doc.blocks[1].level == 2);
    CHECK(doc.blocks[1].text == "Introduction");
}

TEST_CASE("GOV.UK page: numbered paragraphs, lists, tables, links and footnotes",
          "[extract][html]") {
    model::Document doc = html(kGovukPage);
    auto find = [&](const std::string& prefix) -> const model::Block* {
        for (const auto& b : doc.blocks)
            if (b.text.starts_with(prefix))
                return &b;
        return nullptr;
    };
    const model::Block* p1 = find("This handbook");
    REQUIRE(p1);
    CHECK(p1->kind == BlockKind::paragraph);
    CHECK(p1->number == "1");
    CHECK(p1->text == "This handbook describes how we inspect.");
    CHECK(p1->section == std::vector<std::string>{"Sample inspection handbook", "Introduction"});

    const model::Block* part1 = find("Part 1");
    REQUIRE(part1);
    CHECK(part1->kind == BlockKind::list_item);
    CHECK(part1->level == 0);
    const model::Block* part2 = find("Part 2");
    REQUIRE(part2);
    CHECK(part2->text == "Part 2: the evaluation schedule");
    REQUIRE(part2->links.size() == 1);
    CHECK(model::link_text(*part2, part2->links[0]) == "evaluation schedule");
    CHECK(part2->links[0].target == "https://www.gov.uk/government/publications/schedule");
    const model::Block* nested = find("nested item");
    REQUIRE(nested);
    CHECK(nested->kind == BlockKind::list_item);
    CHECK(nested->level == 1);

    const model::Block* fourth = find("fourth");
    const model::Block* ninth = find("ninth");
    const model::Block* tenth = find("tenth");
    REQUIRE((fourth && ninth && tenth));
    CHECK(fourth->number == "4");
    CHECK(ninth->number == "9");
    CHECK(tenth->number == "10");

    const model::Block* p3 = find("Providers should");
    REQUIRE(p3);
    CHECK(p3->number == "3");
    CHECK(p3->text == "Providers should read the guidance.[footnote 1] Then act.");
    CHECK(p3->links.empty()); // the in-page footnote reference is navigation
    CHECK(p3->section.back() == "Numbered steps");

    const model::Block* head = find("Where");
    REQUIRE(head);
    CHECK(head->kind == BlockKind::table_row);
    CHECK(head->text == "Where | What");
    const model::Block* row = find("Paragraph 6");
    REQUIRE(row);
    CHECK(row->kind == BlockKind::table_row);
    CHECK(row->text == "Paragraph 6 | Footnote updated");

    const model::Block* note = find("The transitional period");
    REQUIRE(note);
    CHECK(note->kind == BlockKind::footnote);
    CHECK(note->number == "1");
    CHECK(note->text == "The transitional period.");
}

TEST_CASE("HTML: markup churn does not change the text", "[extract][html]") {
    std::string a = R"(<main><h2 id="a1" class="x">Scope</h2><p class="p1" data-x="1">1. Text
        with <a class="govuk-link" href="/guidance/x" rel="external">a link</a>.</p>
        <img src="/assets/logo-0a1b2c.png"></main>)";
    std::string b = R"(<main>
        <h2 class="y" id="scope-2">Scope</h2>

        <p data-x="2" class="p2">1.	Text with <a rel="external" href="/guidance/x" class="govuk-link govuk-link--no-underline">a link</a>.</p>
        <img src="/assets/logo-9f8e7d.png" alt=""></main>)";
    CHECK(model::write_stored_text(html(a)) == model::write_stored_text(html(b)));
}

TEST_CASE("HTML: a page declared as Latin-1 is converted to UTF-8", "[extract][html]") {
    std::string page = "<html><head><meta http-equiv=\"Content-Type\" "
                       "content=\"text/html; charset=ISO-8859-1\"></head>"
                       "<body><p>Caf\xE9 cr\xE8me \x93quoted\x94 \xA3 5</p></body></html>";
    model::Document doc = html(page);
    REQUIRE(doc.blocks.size() == 1);
    // ISO-8859-1 labels mean windows-1252, as in browsers: 0x93/0x94 are curly quotes.
    CHECK(doc.blocks[0].text == "Café crème “quoted” £ 5");

    // Undeclared and not valid UTF-8: windows-1252 as well.
    model::Document sniffed = html("<p>na\xEFve</p>");
    CHECK(sniffed.blocks.at(0).text == "naïve");

    // UTF-16 with a byte order mark.
    std::string utf16 = "\xFF\xFE";
    for (char c : std::string("<p>UTF-16 text</p>")) {
        utf16.push_back(c);
        utf16.push_back('\0');
    }
    auto wide = extract::extract(utf16, {});
    REQUIRE(wide.ok());
    CHECK(wide->blocks.at(0).text == "UTF-16 text");

    // A stray control character is not binary data.
    // (libxml2 drops it from the text.)
    CHECK(html("<p>form\x0B"
               "feed</p>")
              .blocks.at(0)
              .text.starts_with("form"));

    // A UTF-8 page with a BOM.
    model::Document bom = html("\xEF\xBB\xBF<p>caf\xC3\xA9</p>");
    CHECK(bom.blocks.at(0).text == "café");
}

TEST_CASE("HTML: broken markup is recovered", "[extract][html]") {
    model::Document doc = html("<main><h2>Heading<p>1. Unclosed <b>bold <i>mixed</b> tail"
                               "<li>loose item<table><tr><td>a<td>b</table><p>end &amp; more");
    std::string all = texts(doc);
    CHECK(all.find("Heading") != std::string::npos);
    CHECK(all.find("loose item") != std::string::npos);
    CHECK(all.find("a | b") != std::string::npos);
    CHECK(all.find("end & more") != std::string::npos);
}

TEST_CASE("HTML: 100,000 nested elements neither crash nor recurse", "[extract][html]") {
    std::string deep;
    for (int i = 0; i < 100000; ++i)
        deep += "<div>";
    deep += "deep text";
    for (int i = 0; i < 100000; ++i)
        deep += "</div>";
    model::Document doc = html("<main>" + deep + "</main>");
    REQUIRE(doc.blocks.size() == 1);
    CHECK(doc.blocks[0].text == "deep text");

    std::string spans = "<p>";
    for (int i = 0; i < 100000; ++i)
        spans += "<span><b>";
    spans += "inline";
    model::Document inline_doc = html(spans);
    REQUIRE(inline_doc.blocks.size() == 1);
    CHECK(inline_doc.blocks[0].text == "inline");
}

TEST_CASE("HTML: bad input is an input error", "[extract][html]") {
    std::string garbage;
    std::uint32_t x = 12345;
    for (int i = 0; i < 4096; ++i) {
        x = x * 1103515245u + 12345u;
        garbage.push_back(static_cast<char>((x >> 16) & 0xFF));
    }
    garbage.erase(std::remove(garbage.begin(), garbage.end(), '\0'), garbage.end());
    auto bad = extract::extract_html("<html>" + garbage);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::input);
    CHECK(bad.error().message.find("binary") != std::string::npos);

    auto empty = extract::extract_html("<html><body><script>x()</script></body></html>");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message == "the document has no text");

    auto invalid = extract::extract_html("<meta charset=\"utf-8\"><p>bad \xC3\x28</p>");
    REQUIRE_FALSE(invalid.ok());
    CHECK(invalid.error().message.find("invalid UTF-8 at byte") != std::string::npos);

    auto unknown = extract::extract_html("<meta charset=\"x-no-such-charset\"><p>text</p>");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message.find("x-no-such-charset") != std::string::npos);
}

TEST_CASE("HTML: no <main> falls back to the govspeak body, then <body>", "[extract][html]") {
    model::Document govspeak = html("<body><div class='sidebar'><p>Sidebar</p></div>"
                                    "<div class='gem-c-govspeak'><p>Content</p></div></body>");
    CHECK(texts(govspeak) == "Content\n");
    model::Document body = html("<body><p>Just a body</p><nav>Menu</nav></body>");
    CHECK(texts(body) == "Just a body\n");
}

TEST_CASE("HTML: relative, absolute, mailto and script links", "[extract][html]") {
    model::Document doc =
        html("<p><a href='../a/b'>rel</a> <a href='https://example.org/x?y=1'>abs</a> "
             "<a href='mailto:someone@example.org'>mail</a> <a href='javascript:void(0)'>js</a> "
             "<a href='#section'>anchor</a> <a href=' /trim '>trim</a></p>");
    REQUIRE(doc.blocks.size() == 1);
    const auto& b = doc.blocks[0];
    CHECK(b.text == "rel abs mail js anchor trim");
    REQUIRE(b.links.size() == 4);
    CHECK(b.links[0].target == "https://www.gov.uk/a/b");
    CHECK(b.links[1].target == "https://example.org/x?y=1");
    CHECK(b.links[2].target == "mailto:someone@example.org");
    CHECK(b.links[3].target == "https://www.gov.uk/trim");
    CHECK(model::link_text(b, b.links[3]) == "trim");
}

TEST_CASE("GOV.UK page: the 'Print or save to PDF' help block is dropped, a real sentence in it "
          "kept",
          "[extract][html]") {
    const std::string help =
        "<h2 id=\"print-or-save-to-pdf\">Print or save to PDF</h2>"
        "<p>To print this content you can:</p><ul>"
        "<li>use the \xE2\x80\x98Print this page\xE2\x80\x99 button under the Contents menu</li>"
        "<li>right-click or secondary click on the page and choose \xE2\x80\x98Print\xE2\x80\x99 "
        "in the menu</li>"
        "<li>press Ctrl + P on a Windows keyboard or Command + P on a Mac</li></ul>"
        "<p>You can also use these options and change the printer destination to save the "
        "content as a PDF.</p>"
        "<p>Instructions may vary depending on which internet browser you use, such as Internet "
        "Explorer or Google Chrome.</p>";
    auto page = [&](const std::string& extra) {
        return html("<html><body><main><h1>Inspection handbook</h1>"
                    "<p>Inspectors will report on what the setting does well.</p>" +
                    help + extra + "<h2>Annex A</h2><p>Before- and after-school care.</p>" +
                    "</main></body></html>");
    };
    auto texts = [](const model::Document& d) {
        std::vector<std::string> out;
        for (const auto& b : d.blocks)
            out.push_back(b.text);
        return out;
    };
    CHECK(texts(page("")) ==
          std::vector<std::string>{"Inspection handbook",
                                   "Inspectors will report on what the setting does well.",
                                   "Annex A", "Before- and after-school care."});
    // What the publisher wrote there stays, under its heading.
    auto kept = page("<p>Printed copies are available from the Ofsted helpline.</p>");
    CHECK(texts(kept) ==
          std::vector<std::string>{
              "Inspection handbook", "Inspectors will report on what the setting does well.",
              "Print or save to PDF", "Printed copies are available from the Ofsted helpline.",
              "Annex A", "Before- and after-school care."});
}
