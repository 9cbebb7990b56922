// Change notices: classification rules, locations, grouping, the renderers and the `notice`
// command, on the sample documents and on small documents built here.
#include "guidetrack/app/record.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/store/store.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace guidetrack;
using gt_test::read_file;
using gt_test::run_cli;
using gt_test::TempDir;

namespace {

std::string sample_path(const std::string& name) {
    return (gt_test::source_dir() / "snapshots" / "sample" / name).string();
}

nlohmann::json notice_json(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"notice", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_cli(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return nlohmann::json::parse(r.out);
}

const nlohmann::json* item_at(const nlohmann::json& j, const std::string& paragraph) {
    for (const auto& item : j["items"])
        if (item["location"]["paragraph"] == paragraph)
            return &item;
    return nullptr;
}

std::string describe_items(const nlohmann::json& j) {
    std::string s;
    for (const auto& item : j["items"])
        s += item["line"].get<std::string>() + "\n";
    return s;
}

model::Block para(const std::string& number, const std::string& text,
                  std::vector<std::string> section = {"Guidance"}) {
    model::Block b;
    b.kind = model::BlockKind::paragraph;
    b.number = number;
    b.text = text;
    b.section = std::move(section);
    return b;
}

notice::Notice notice_of(const model::Document& a, const model::Document& b,
                         bool include_minor = false) {
    notice::Options o;
    o.include_minor = include_minor;
    return notice::build_notice(a, b, diff::compare(a, b), notice::Versions{"T", "a", "b", "", ""},
                                o);
}

} // namespace

TEST_CASE("notice: sample v1 -> v2 lists each planned change once, located", "[notice]") {
    auto j = notice_json({"--files", sample_path("v1.md"), sample_path("v2.md")});
    INFO(describe_items(j));
    CHECK(j["schema_version"] == render::kNoticeSchemaVersion);
    CHECK(j["title"] == "Keeping Learners Safe in Sample Town");
    // The "Published ..., updated 23 February 2024" line is metadata: its date, not an item.
    CHECK(j["date"] == "2024-02-23");
    REQUIRE(j["items"].size() == 4);
    CHECK(j["minor_omitted"] == 1);

    const auto* p4 = item_at(j, "4");
    REQUIRE(p4);
    CHECK((*p4)["kind"] == "wording_amended");
    CHECK((*p4)["major"] == true);
    std::string d4 = (*p4)["description"];
    CHECK(d4 == "replaced \"The LSPs for safeguarding partners\" with \"The lead safeguarding "
                "partners (LSPs)\"");

    const auto* p9 = item_at(j, "9");
    REQUIRE(p9);
    CHECK((*p9)["kind"] == "email_corrected");
    CHECK((*p9)["description"] == "corrected the email address (reviews@sampletown-panel.gov.uk "
                                  "\u2192 reviews@sampletown-panel.org.uk)");

    const auto* p12 = item_at(j, "12");
    REQUIRE(p12);
    CHECK((*p12)["kind"] == "link_updated");
    CHECK((*p12)["description"] == "linked to the latest version of 'Good practice guidance on "
                                   "working with parents with a learning disability'");
    CHECK((*p12)["parts"][0]["new_link"] ==
          "https://example.org/guidance/parents-learning-disability-2021");

    const auto* p15 = item_at(j, "15");
    REQUIRE(p15);
    CHECK((*p15)["kind"] == "definition_updated");
    CHECK((*p15)["description"] == "updated the glossary definition of 'Safeguarding and "
                                   "promoting the welfare of children'");
    CHECK(item_at(j, "6") == nullptr);
}

TEST_CASE("notice: the typographic fix appears only with --include-minor", "[notice]") {
    auto j =
        notice_json({"--files", sample_path("v1.md"), sample_path("v2.md"), "--include-minor"});
    INFO(describe_items(j));
    REQUIRE(j["items"].size() == 5);
    CHECK(j["minor_omitted"] == 0);
    const auto* p6 = item_at(j, "6");
    REQUIRE(p6);
    CHECK((*p6)["kind"] == "typographic");
    CHECK((*p6)["major"] == false);
    CHECK((*p6)["severity"] == "minor");
    CHECK((*p6)["description"].get<std::string>().find("DSL\u2019s") != std::string::npos);
}

TEST_CASE("notice: sample v2 -> v3: insertion, move, renumbering, cross-reference", "[notice]") {
    auto j = notice_json({"--files", sample_path("v2.md"), sample_path("v3.md")});
    INFO(describe_items(j));
    CHECK(j["date"] == "2024-06-01");
    REQUIRE(j["items"].size() == 4);
    std::vector<std::string> kinds;
    for (const auto& item : j["items"])
        kinds.push_back(item["kind"]);
    CHECK(std::count(kinds.begin(), kinds.end(), "paragraph_added") == 1);
    CHECK(std::count(kinds.begin(), kinds.end(), "paragraph_moved") == 1);
    CHECK(std::count(kinds.begin(), kinds.end(), "renumbered") == 1);
    CHECK(std::count(kinds.begin(), kinds.end(), "cross_references_updated") == 1);

    const auto* added = item_at(j, "3");
    REQUIRE(added);
    CHECK((*added)["kind"] == "paragraph_added");
    CHECK((*added)["description"].get<std::string>().find("\"Each school should also appoint") !=
          std::string::npos);
    const auto* moved = item_at(j, "8");
    REQUIRE(moved);
    CHECK((*moved)["kind"] == "paragraph_moved");
    CHECK((*moved)["description"] ==
          "moved paragraph 5 to the 'Training' section (now paragraph 8)");
    const auto* xref = item_at(j, "12");
    REQUIRE(xref);
    CHECK((*xref)["kind"] == "cross_references_updated");
    CHECK((*xref)["description"].get<std::string>().find("paragraph 8 \u2192 9") !=
          std::string::npos);
}

TEST_CASE("notice: text output is GOV.UK style; Markdown as a list or a table", "[notice]") {
    auto r = run_cli({"notice", "--files", sample_path("v1.md"), sample_path("v2.md")});
    REQUIRE(r.code == 0);
    CHECK(r.out.rfind("Keeping Learners Safe in Sample Town\nLast updated 23 February 2024\n- "
                      "Paragraph 4: replaced \"The LSPs for safeguarding partners\" with",
                      0) == 0);
    CHECK(r.out.find("- Paragraph 9: corrected the email address") != std::string::npos);
    CHECK(r.out.find("Published") == std::string::npos);

    auto t = run_cli({"notice", "--files", sample_path("v1.md"), sample_path("v2.md"), "--format",
                      "md", "--table", "--title", "Sample | title"});
    REQUIRE(t.code == 0);
    CHECK(t.out.find("# Sample \\| title\n") == 0);
    CHECK(t.out.find("| Where | What |\n| --- | --- |\n") != std::string::npos);
    CHECK(t.out.find("| Paragraph 9 | Corrected the email address") != std::string::npos);

    auto m = run_cli(
        {"notice", "--files", sample_path("v1.md"), sample_path("v2.md"), "--format", "md"});
    REQUIRE(m.code == 0);
    CHECK(m.out.find("- **Paragraph 12**: linked to the latest version of") != std::string::npos);
}

TEST_CASE("notice: --out writes the file; bad arguments exit 2 with one line", "[notice]") {
    TempDir tmp;
    auto out = tmp / "notice.html";
    auto r = run_cli({"notice", "--files", sample_path("v1.md"), sample_path("v2.md"), "--format",
                      "html", "--out", out.string()});
    REQUIRE(r.code == 0);
    CHECK(r.out.empty());
    std::string html = read_file(out);
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK_FALSE(std::filesystem::exists(tmp / "notice.html.tmp-guidetrack"));

    for (const auto& args : std::vector<std::vector<std::string>>{
             {"notice"},
             {"notice", "--files", sample_path("v1.md"), (tmp / "missing.md").string()},
             {"notice", "--files", sample_path("v1.md"), sample_path("v2.md"), "--format", "pdf"},
             {"notice", "sample", "--files", sample_path("v1.md"), sample_path("v2.md")},
             {"notice", "Not An Id", "--store", (tmp / "nostore").string()},
         }) {
        auto bad = run_cli(args);
        INFO(args.back() << ": " << bad.err);
        CHECK(bad.code == 2);
        CHECK(bad.out.empty());
        CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
    }
}

TEST_CASE("notice: versions from the store, default previous against latest", "[notice]") {
    TempDir tmp;
    auto st = store::Store::init(tmp / "store");
    REQUIRE(st.ok());
    store::DocumentInfo info;
    info.id = "sample";
    info.title = "Keeping Learners Safe (SAMPLE)";
    REQUIRE(st->track(info).ok());
    for (auto [file, label, date] : {std::tuple{"v1.md", "2024-01", "2024-01-10"},
                                     std::tuple{"v2.md", "2024-02", "2024-02-23"},
                                     std::tuple{"v3.md", "2024-06", "2024-06-01"}}) {
        store::SnapshotRequest req;
        req.id = "sample";
        req.original = read_file(sample_path(file));
        req.filename = file;
        req.label = label;
        req.date = date;
        REQUIRE(app::snapshot(*st, req).ok());
    }
    std::string store_dir = (tmp / "store").string();

    auto latest = run_cli({"--store", store_dir, "notice", "sample", "--format", "json"});
    INFO(latest.err);
    REQUIRE(latest.code == 0);
    auto j = nlohmann::json::parse(latest.out);
    CHECK(j["title"] == "Keeping Learners Safe (SAMPLE)");
    CHECK(j["from"] == "2024-02");
    CHECK(j["to"] == "2024-06");
    CHECK(j["date"] == "2024-06-01");
    CHECK(j["items"].size() == 4);

    auto first = run_cli({"--store", store_dir, "notice", "sample", "2024-01", "2024-02"});
    REQUIRE(first.code == 0);
    CHECK(first.out.rfind("Keeping Learners Safe (SAMPLE)\nLast updated 23 February 2024\n", 0) ==
          0);
    CHECK(first.out.find("Paragraph 9: corrected the email address") != std::string::npos);

    auto one = run_cli({"--store", store_dir, "notice", "sample", "latest~2"});
    CHECK(one.code == 0); // latest~2 (v1) against latest (v3)

    auto unknown = run_cli({"--store", store_dir, "notice", "nosuch"});
    CHECK(unknown.code == 2);
    auto first_only = run_cli({"--store", store_dir, "notice", "sample", "2024-01", "2024-01"});
    CHECK(first_only.code == 0);
    CHECK(first_only.out.find("No changes to the text.") != std::string::npos);
}

TEST_CASE("notice: publication metadata and page furniture", "[notice]") {
    CHECK(notice::is_metadata("Updated 9 February 2022"));
    CHECK(notice::is_metadata("Published 10 January 2024, updated 23 February 2024"));
    CHECK(notice::is_metadata("\u00a9 Crown copyright 2022"));
    CHECK(notice::is_metadata("Crown copyright 2022"));
    CHECK(notice::is_metadata("Print or save to PDF"));
    CHECK(notice::is_metadata("Last updated 1 June 2024"));
    CHECK_FALSE(notice::is_metadata("Updated guidance must be read by all staff."));
    CHECK_FALSE(notice::is_metadata("Published reports are kept for 2 years; see 2024."
                                    " This sentence is long enough to be ordinary text, not a "
                                    "line of publication metadata at the top of a page, and goes "
                                    "on and on well past two hundred characters in all."));
    CHECK(notice::find_date("Published 10 January 2024, updated 23 February 2024") == "2024-02-23");
    CHECK(notice::find_date("no date here") == "");
    CHECK(notice::display_date("2024-02-23") == "23 February 2024");
    CHECK(notice::display_date("2024-06-01T10:00:00Z") == "1 June 2024");
}

TEST_CASE("notice: definitions are recognised by shape or by their section", "[notice]") {
    model::Block b = para("", "**Designated safeguarding lead**: the member of staff who ...");
    CHECK(notice::defined_term(b) == "Designated safeguarding lead");
    b.text = "Safeguarding partners - A safeguarding partner in relation to a local authority";
    CHECK(notice::defined_term(b) == "Safeguarding partners");
    b.text = "\u2018Relevant agency\u2019 means a person who exercises functions in the area";
    CHECK(notice::defined_term(b) == "Relevant agency");
    b.text = "Child: anyone under 18.";
    CHECK(notice::defined_term(b) == "");
    b.section = {"Annex B", "Glossary"};
    CHECK(notice::defined_term(b) == "Child");
    b.text = "This is an ordinary sentence in the glossary without a term.";
    CHECK(notice::defined_term(b) == "");
}

TEST_CASE("notice: locations in GOV.UK's words", "[notice]") {
    notice::Location w;
    w.page = "26";
    w.paragraph = "48";
    CHECK(notice::location_text(w) == "Page 26, paragraph 48");
    w.paragraph.clear();
    CHECK(notice::location_text(w) == "Page 26");
    notice::Location r;
    r.paragraph = "205";
    r.paragraph_last = "209";
    CHECK(notice::location_text(r) == "Paragraphs 205 to 209");
    notice::Location s;
    s.section = {"Chapter 1", "Training"};
    s.ordinal = 2;
    // A block's position under its heading is not a paragraph number the document prints.
    CHECK(notice::location_text(s) == "Section 'Training'");
    s.bullet = 3;
    CHECK(notice::location_text(s) == "Section 'Training', bullet 3");
    notice::Location t;
    t.section = {"Chapter 1", "Timetable"};
    t.row = "Week 2";
    CHECK(notice::location_text(t) == "Section 'Timetable', row 'Week 2'");
    t.page = "42";
    t.after_paragraph = "118";
    CHECK(notice::location_text(t) == "Page 42, the table after paragraph 118, row 'Week 2'");
    notice::Location b3;
    b3.paragraph = "12";
    b3.bullet = 3;
    CHECK(notice::location_text(b3) == "Paragraph 12, bullet 3");
    notice::Location f;
    f.paragraph = "6";
    f.footnote = "1";
    CHECK(notice::location_text(f) == "Paragraph 6, footnote 1");
}

TEST_CASE("notice: neighbouring paragraphs changed the same way become one range", "[notice]") {
    model::Document a, b;
    for (int i = 1; i <= 20; ++i) {
        std::string n = std::to_string(i);
        a.blocks.push_back(para(n, "Paragraph " + n +
                                       " sets out what staff should do about the "
                                       "matter numbered " +
                                       n + " in this list."));
    }
    b = a;
    // Long rewrites of 5 to 9: no short quote, so one "amended the wording" range.
    for (int i = 5; i <= 9; ++i)
        b.blocks[static_cast<std::size_t>(i - 1)].text =
            "Paragraph " + std::to_string(i) +
            " sets out in far more detail, with examples drawn from recent serious case reviews "
            "and inspection findings, what staff should do about the matter numbered " +
            std::to_string(i) + " in this list.";
    // A short change at 15 stays on its own, with its words quoted.
    b.blocks[14].text = "Paragraph 15 sets out what staff must do about the matter numbered 15 in "
                        "this list.";
    auto n = notice_of(a, b);
    INFO(render::notice_text(n));
    REQUIRE(n.items.size() == 2);
    // The same words added to five paragraphs: one item, the words quoted, the places listed.
    CHECK(n.items[0].kind == notice::ItemKind::term_replaced);
    CHECK(n.items[0].description ==
          "added \"in far more detail, with examples drawn from recent serious case reviews and "
          "inspection findings,\" in 5 places: paragraphs 5 to 9");
    CHECK(n.items[0].parts.size() == 5);
    CHECK(n.items[0].details.size() == 5);
    CHECK(notice::location_text(n.items[1].where) == "Paragraph 15");
    CHECK(n.items[1].description == "replaced \"staff should\" with \"staff must\"");
}

TEST_CASE("notice: dates, numbers, headings, links and added paragraphs", "[notice]") {
    model::Document a;
    model::Block h;
    h.kind = model::BlockKind::heading;
    h.level = 2;
    h.text = "Reporting to the panel";
    a.blocks.push_back(h);
    a.blocks.push_back(
        para("1", "Reports are due by 31 March 2024 each year.", {"Reporting to the panel"}));
    a.blocks.push_back(para("2", "Each panel has 5 members.", {"Reporting to the panel"}));
    model::Block linked =
        para("3", "See the reporting guidance for details.", {"Reporting to the panel"});
    linked.links.push_back({8, 26, "https://example.org/reporting-2019"});
    a.blocks.push_back(linked);
    model::Document b = a;
    b.blocks[0].text = "Reporting to the review panel";
    b.blocks[1].text = "Reports are due by 30 April 2024 each year.";
    b.blocks[2].text = "Each panel has 7 members.";
    b.blocks[3].links[0].target = "https://example.org/reporting-2023";
    model::Block extra = para("", "Late reports must be explained to the panel in writing.",
                              {"Reporting to the review panel"});
    b.blocks.push_back(extra);
    model::assign_sections(a);
    model::assign_sections(b);
    auto n = notice_of(a, b);
    std::vector<std::string> lines;
    for (const auto& item : n.items)
        lines.push_back(render::item_line(item));
    INFO(render::notice_text(n));
    REQUIRE(n.items.size() == 5);
    CHECK(n.items[0].kind == notice::ItemKind::heading_renamed);
    CHECK(lines[0] ==
          "Renamed the heading 'Reporting to the panel' to 'Reporting to the review panel'");
    CHECK(lines[1] == "Paragraph 1: changed the date from 31 March 2024 to 30 April 2024");
    CHECK(lines[2] == "Paragraph 2: changed 5 to 7");
    CHECK(lines[3] == "Paragraph 3: linked to the latest version of 'reporting guidance'");
    CHECK(n.items[4].kind == notice::ItemKind::paragraph_added);
    CHECK(lines[4] == "Section 'Reporting to the review panel': added a new paragraph "
                      "(\"Late reports must be explained to the panel in writing.\")");
}

TEST_CASE("notice: HTML report escapes document text and links only http(s)", "[notice]") {
    model::Document a, b;
    a.blocks.push_back(para("1", "Staff should report concerns promptly."));
    b.blocks.push_back(para("1", "Staff should report <script>alert('x')</script> & <img src=x "
                                 "onerror=alert(1)> concerns\x01 promptly."));
    model::Block l1 = para("2", "Read the policy now.");
    l1.links.push_back({9, 15, "https://example.org/policy"});
    model::Block l2 = l1;
    l2.links[0].target = "javascript:alert(document.cookie)";
    a.blocks.push_back(l1);
    b.blocks.push_back(l2);
    auto n = notice_of(a, b);
    n.title = "A <b>bold</b> \"title\"";
    std::string html = render::notice_html(n);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find('\x01') == std::string::npos);
    CHECK(html.find("href=\"javascript") == std::string::npos);
    CHECK(html.find("<code>javascript:alert(document.cookie)</code>") != std::string::npos);
    CHECK(html.find("<a href=\"https://example.org/policy\">") != std::string::npos);
    CHECK(html.find("Content-Security-Policy") != std::string::npos);
    CHECK(html.find("default-src 'none'; style-src 'unsafe-inline'") != std::string::npos);
    CHECK(html.find("<title>Changes to A &lt;b&gt;bold&lt;/b&gt; &quot;title&quot;</title>") !=
          std::string::npos);
    CHECK(html.find("<del>") != std::string::npos);
    CHECK(html.find("<ins>") != std::string::npos);
    // No external assets of any kind.
    CHECK(html.find("src=\"") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);

    CHECK(render::is_safe_href("https://www.gov.uk/x"));
    CHECK(render::is_safe_href("HTTP://example.org"));
    CHECK_FALSE(render::is_safe_href("javascript:alert(1)"));
    CHECK_FALSE(render::is_safe_href(" https://example.org"));
    CHECK_FALSE(render::is_safe_href("https://example.org/\"onmouseover=x"));
    CHECK_FALSE(render::is_safe_href("data:text/html,hi"));
    CHECK_FALSE(render::is_safe_href("https://"));
    CHECK(render::html_escape("a\x7f\xc2\x85z\tq") == "az\tq");
}

TEST_CASE("notice: JSON carries kind, severity, locations, texts and edits", "[notice]") {
    auto j =
        notice_json({"--files", sample_path("v1.md"), sample_path("v2.md"), "--include-minor"});
    for (const auto& item : j["items"]) {
        CHECK(item.contains("kind"));
        CHECK(item["major"].is_boolean());
        CHECK(item["location"].contains("text"));
        CHECK(item["location"].contains("page"));
        CHECK(item["location"].contains("section"));
        CHECK(item["old_text"].is_string());
        CHECK(item["new_text"].is_string());
        REQUIRE_FALSE(item["parts"].empty());
        std::string rebuilt_old, rebuilt_new;
        for (const auto& e : item["parts"][0]["edits"]) {
            if (e["op"] != "added")
                rebuilt_old += e["text"].get<std::string>();
            if (e["op"] != "removed")
                rebuilt_new += e["text"].get<std::string>();
        }
        CHECK(rebuilt_old == item["old_text"]);
        CHECK(rebuilt_new == item["new_text"]);
    }
}

TEST_CASE("notice: a section added with its paragraphs and bullets is one item", "[notice]") {
    model::Document a;
    model::Block h1;
    h1.kind = model::BlockKind::heading;
    h1.level = 2;
    h1.text = "Training";
    a.blocks.push_back(h1);
    a.blocks.push_back(para("1", "All staff should receive safeguarding training at induction."));
    a.blocks.push_back(para("2", "Training should be refreshed at least every two years."));
    model::Document b = a;
    model::Block h2 = h1;
    h2.text = "Working with volunteers";
    b.blocks.push_back(h2);
    b.blocks.push_back(para("3", "Volunteers who work with children need a suitable check."));
    b.blocks.push_back(para("4", "Volunteers should know whom to tell about a concern:"));
    for (const char* bullet : {"the designated safeguarding lead", "the deputy lead",
                               "the headteacher, if neither is available"}) {
        model::Block li;
        li.kind = model::BlockKind::list_item;
        li.text = bullet;
        b.blocks.push_back(li);
    }
    model::assign_sections(a);
    model::assign_sections(b);
    auto n = notice_of(a, b);
    INFO(render::notice_text(n));
    REQUIRE(n.items.size() == 1);
    CHECK(render::item_line(n.items[0]) ==
          "Paragraphs 3 to 4: added the section 'Working with volunteers'");
    CHECK(n.items[0].parts.size() == 6);
}
