// Reports are safe to open: document text containing HTML, <script>, javascript: links, XML
// special characters and control characters must come out inert in every rendering of a change
// notice (HTML report, Markdown list and table, JSON, text), and the HTML report must carry a
// Content-Security-Policy that forbids scripts. Checked twice: in-process on a notice built from
// hand-made hostile documents (control characters and all, which no extractor would let through),
// and end to end with the built binary on hostile Markdown files.
#include "../fuzz/fuzz_checks.hpp"
#include "guidetrack/app/feed.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace {

namespace fs = std::filesystem;
using guidetrack::model::Block;
using guidetrack::model::BlockKind;
using guidetrack::model::Document;

Block block(BlockKind kind, std::string number, std::string text, int level = 0) {
    Block b;
    b.kind = kind;
    b.number = std::move(number);
    b.text = std::move(text);
    b.level = level;
    b.page = "3";
    return b;
}

Block with_link(Block b, const std::string& covered, const std::string& target) {
    std::size_t at = b.text.find(covered);
    REQUIRE(at != std::string::npos);
    b.links.push_back({at, at + covered.size(), target});
    return b;
}

// Old and new versions whose every changed piece of text is hostile.
std::pair<Document, Document> hostile_pair() {
    Document a, b;
    a.blocks.push_back(block(BlockKind::heading, "", "Guidance <script>alert('h1')</script>", 1));
    a.blocks.push_back(block(BlockKind::heading, "", "Section <b onmouseover=\"x()\">two</b>", 2));
    a.blocks.push_back(block(BlockKind::paragraph, "1", "Email <b>lead</b>@example.org for help."));
    a.blocks.push_back(
        with_link(block(BlockKind::paragraph, "2", "See the guide for the safeguarding details."),
                  "the guide", "https://www.gov.uk/guide"));
    a.blocks.push_back(block(BlockKind::paragraph, "3",
                             "Ampersands & \"quotes\" 'single' ]]> end of CDATA here."));
    a.blocks.push_back(block(BlockKind::paragraph, "4", "Plain paragraph that stays the same."));

    b.blocks.push_back(a.blocks[0]);
    b.blocks.push_back(a.blocks[1]);
    b.blocks.push_back(block(BlockKind::paragraph, "1",
                             "Email <img src=x onerror=alert(1)>@example.org for help."));
    b.blocks.push_back(
        with_link(block(BlockKind::paragraph, "2", "See the guide for the safeguarding details."),
                  "the guide", "javascript:alert(document.cookie)"));
    b.blocks.push_back(block(BlockKind::paragraph, "3",
                             "Ampersands &amp; \"quotes\" \x1b[31mred\x1b[0m \x07 bell \x01 "
                             "]]> <![CDATA[ x ]]> end of CDATA here."));
    b.blocks.push_back(a.blocks[5]);
    b.blocks.push_back(block(BlockKind::paragraph, "5",
                             "New: <iframe src=\"javascript:alert(3)\"></iframe> | pipe | "
                             "[click](javascript:alert(4)) and <a href=\"javascript:x\">x</a> "
                             "\"><svg onload=alert(5)>"));
    b.blocks.push_back(
        with_link(block(BlockKind::paragraph, "6", "A data link and a vbscript one."),
                  "A data link", "data:text/html,<script>alert(6)</script>"));
    guidetrack::model::assign_sections(a);
    guidetrack::model::assign_sections(b);
    return {a, b};
}

guidetrack::notice::Notice hostile_notice() {
    auto [a, b] = hostile_pair();
    auto cs = guidetrack::diff::compare(a, b);
    guidetrack::notice::Options o;
    o.include_minor = true;
    guidetrack::notice::Versions v;
    v.title = "Title <script>alert('title')</script> & \x1b[2J";
    v.old_label = "v1<x>";
    v.new_label = "v2\" onmouseover=\"alert(7)";
    v.date = "2024-02-23";
    return guidetrack::notice::build_notice(a, b, cs, v, o);
}

// No raw C0 control character (other than newline and tab), DEL or C1 control in the output.
std::string control_character(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return "byte " + std::to_string(c) + " at " + std::to_string(i);
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(s[i + 1]) <= 0x9f)
            return "C1 control at " + std::to_string(i);
    }
    return {};
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The report's Content-Security-Policy: present, and forbidding scripts.
void require_csp_forbids_scripts(const std::string& html) {
    std::string l = lower(html);
    std::size_t at = l.find("http-equiv=\"content-security-policy\"");
    REQUIRE(at != std::string::npos);
    std::size_t tag_start = l.rfind('<', at), tag_end = l.find('>', at);
    std::string tag = l.substr(tag_start, tag_end - tag_start);
    std::size_t content = tag.find("content=\"");
    REQUIRE(content != std::string::npos);
    std::string policy = tag.substr(content + 9, tag.find('"', content + 9) - content - 9);
    INFO("policy: " << policy);
    bool script_none = policy.find("script-src 'none'") != std::string::npos;
    bool default_none = policy.find("default-src 'none'") != std::string::npos &&
                        policy.find("script-src") == std::string::npos;
    CHECK((script_none || default_none));
    CHECK(policy.find("script-src 'unsafe-inline'") == std::string::npos);
    CHECK(policy.find("unsafe-eval") == std::string::npos);
}

void check_html(const std::string& html) {
    INFO(html.substr(0, 3000));
    CHECK(gt_fuzz::check_report_html(html) == "");
    require_csp_forbids_scripts(html);
    CHECK(control_character(html) == "");
    CHECK(guidetrack::text::is_valid_utf8(html));
    // The hostile text is shown, escaped, not dropped.
    CHECK(html.find("&lt;img") != std::string::npos);
    CHECK(lower(html).find("href=\"javascript:") == std::string::npos);
}

// In Markdown, '<' only ever appears escaped (\<) or as an autolink the renderer wrote, and no
// link destination is a script or data URL.
void check_markdown(const std::string& md) {
    INFO(md);
    CHECK(control_character(md) == "");
    CHECK(guidetrack::text::is_valid_utf8(md));
    std::string l = lower(md);
    for (std::size_t i = l.find('<'); i != std::string::npos; i = l.find('<', i + 1)) {
        bool escaped = i > 0 && l[i - 1] == '\\';
        bool autolink = l.compare(i + 1, 7, "http://") == 0 || l.compare(i + 1, 8, "https://") == 0;
        INFO("'<' at " << i << ": " << md.substr(i, 40));
        CHECK((escaped || autolink));
    }
    // A link destination needs an unescaped "](": "\\](javascript:" is plain text.
    for (const char* bad : {"](javascript:", "](data:", "](vbscript:", "](<javascript:"}) {
        for (std::size_t i = l.find(bad); i != std::string::npos; i = l.find(bad, i + 1)) {
            INFO("link at " << i << ": " << md.substr(i > 20 ? i - 20 : 0, 60));
            CHECK((i > 0 && l[i - 1] == '\\'));
        }
    }
}

// Every table line has as many unescaped cell separators as the header: text with '|' cannot
// add columns.
void check_markdown_table(const std::string& md) {
    INFO(md);
    std::size_t header_bars = std::string::npos;
    std::size_t pos = 0;
    while (pos < md.size()) {
        std::size_t end = md.find('\n', pos);
        if (end == std::string::npos)
            end = md.size();
        std::string line = md.substr(pos, end - pos);
        pos = end + 1;
        if (line.rfind("|", 0) != 0)
            continue;
        std::size_t bars = 0;
        for (std::size_t i = 0; i < line.size(); ++i)
            if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
                ++bars;
        if (header_bars == std::string::npos)
            header_bars = bars;
        INFO("line: " << line);
        CHECK(bars == header_bars);
    }
    CHECK(header_bars != std::string::npos);
}

void check_json(const std::string& text, const std::string& must_keep) {
    INFO(text.substr(0, 2000));
    CHECK(control_character(text) == "");
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(text));
    // The text survives intact inside the JSON strings: JSON escaping is the JSON library's.
    std::string dumped = j.dump();
    CHECK(dumped.find(must_keep) != std::string::npos);
}

} // namespace

TEST_CASE("reports: hostile document text is inert in the HTML report", "[hardening][reports]") {
    auto n = hostile_notice();
    REQUIRE(!n.items.empty());
    check_html(guidetrack::render::notice_html(n));
    std::string fragment = guidetrack::render::notice_html_fragment(n);
    INFO(fragment);
    CHECK(lower(fragment).find("<script") == std::string::npos);
    CHECK(lower(fragment).find("<img") == std::string::npos);
    CHECK(lower(fragment).find("href=\"javascript:") == std::string::npos);
    CHECK(control_character(fragment) == "");
}

TEST_CASE("reports: hostile document text is inert in Markdown", "[hardening][reports]") {
    auto n = hostile_notice();
    check_markdown(guidetrack::render::notice_markdown(n, false));
    std::string table = guidetrack::render::notice_markdown(n, true);
    check_markdown(table);
    check_markdown_table(table);
}

TEST_CASE("reports: hostile document text is escaped in JSON", "[hardening][reports]") {
    auto n = hostile_notice();
    check_json(guidetrack::render::notice_json_text(n), "<img src=x onerror=alert(1)>");
}

TEST_CASE("reports: the text notice carries no terminal escape sequences", "[hardening][reports]") {
    auto n = hostile_notice();
    std::string text = guidetrack::render::notice_text(n);
    INFO(text);
    CHECK(control_character(text) == "");
}

TEST_CASE("reports: hostile Markdown files through the built binary, every format",
          "[hardening][reports]") {
    gt_test::TempDir tmp;
    std::string v1 = "# Guidance <script>alert(1)</script>\n\n"
                     "1. Email <b>lead</b>@example.org for help.\n\n"
                     "2. See [the guide](https://www.gov.uk/guide) for details.\n\n"
                     "3. Ampersands & \"quotes\" ]]> here.\n";
    std::string v2 = "# Guidance <script>alert(1)</script>\n\n"
                     "1. Email \\<img src=x onerror=alert(1)\\> `<script>alert(9)</script>` "
                     "&lt;iframe&gt; @example.org for help.\n\n"
                     "2. See [the guide](javascript:alert(document.cookie)) for details.\n\n"
                     "3. Ampersands &amp; \"quotes\" ]]> <![CDATA[ x ]]> here.\n\n"
                     "4. New <iframe src=\"javascript:alert(3)\"></iframe> | a | b.\n";
    gt_test::write_file(tmp / "v1.md", v1);
    gt_test::write_file(tmp / "v2.md", v2);
    auto run = [&](const std::string& format, const std::string& extra) {
        std::string out = (tmp / ("notice." + format)).string();
        std::string cmd = "'" + gt_test::binary_path() + "' notice --files '" +
                          (tmp / "v1.md").string() + "' '" + (tmp / "v2.md").string() +
                          "' --format " + format + " " + extra + " --title " +
                          "'Title <script>x</script>' > '" + out + "'";
        auto r = gt_test::run_shell(cmd);
        INFO(cmd << "\n" << r.out);
        CHECK((r.code == 0 || r.code == 1)); // 1: changes found
        return gt_test::read_file(out);
    };
    std::string html = run("html", "");
    REQUIRE(!html.empty());
    INFO(html.substr(0, 3000));
    CHECK(gt_fuzz::check_report_html(html) == "");
    require_csp_forbids_scripts(html);
    CHECK(lower(html).find("&lt;img") != std::string::npos);
    check_markdown(run("md", ""));
    std::string table = run("md", "--table");
    check_markdown(table);
    check_markdown_table(table);
    std::string json = run("json", "");
    check_json(json, "<img src=x onerror=alert(1)>");
}

namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    return out + "'";
}

// A feed is well-formed XML (xmllint, no recovery), carries no raw control characters, links
// only to http(s), and its entries' HTML content, once XML-decoded, passes the report checks.
void check_atom(const std::string& atom, const fs::path& dir) {
    INFO(atom.substr(0, 3000));
    CHECK(control_character(atom) == "");
    CHECK(guidetrack::text::is_valid_utf8(atom));
    fs::path file = dir / "feed.xml";
    gt_test::write_file(file, atom);
    auto lint = gt_test::run_shell("xmllint --noout " + shell_quote(file.string()));
    INFO("xmllint: " << lint.out);
    CHECK(lint.code == 0);
    auto links = gt_test::run_shell("xmllint --xpath \"//*[local-name()='link']/@href\" " +
                                    shell_quote(file.string()) + " 2>/dev/null");
    INFO("links: " << links.out);
    CHECK(lower(links.out).find("javascript:") == std::string::npos);
    CHECK(lower(links.out).find("data:") == std::string::npos);
    auto content = gt_test::run_shell(
        "xmllint --xpath \"string(//*[local-name()='entry'][1]/*[local-name()='content'])\" " +
        shell_quote(file.string()) + " 2>/dev/null");
    INFO("decoded content: " << content.out);
    std::string html = lower(content.out);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<iframe") == std::string::npos);
    CHECK(html.find("href=\"javascript:") == std::string::npos);
}

} // namespace

TEST_CASE("reports: hostile text is escaped in the Atom feed (in-process)",
          "[hardening][reports]") {
    if (gt_test::run_shell("command -v xmllint >/dev/null").code != 0)
        GT_SKIP("xmllint (libxml2-utils) is not installed: Atom feed not checked");
    gt_test::TempDir tmp;
    auto n = hostile_notice();
    guidetrack::render::Feed feed;
    feed.id = "tag:guidetrack,2024:hostile";
    feed.title = "Feed <script>alert(1)</script> & \x1b[31m \x01 ]]>";
    feed.updated = "2024-02-23T00:00:00Z";
    guidetrack::render::Entry e;
    e.id = "tag:guidetrack,2024:hostile/1";
    e.title = "Entry \"quoted\" <b>bold</b> & ]]> \x0b\x0c";
    e.updated = "2024-02-23T00:00:00Z";
    e.link = "javascript:alert(document.cookie)";
    e.content_html = guidetrack::render::notice_html_fragment(n);
    feed.entries.push_back(e);
    guidetrack::render::Entry e2 = e;
    e2.id = "tag:guidetrack,2024:hostile/2";
    e2.link = "https://www.gov.uk/guidance?a=1&b=<2>";
    feed.entries.push_back(e2);
    std::string atom = guidetrack::render::to_atom(feed);
    check_atom(atom, tmp.path());
    CHECK(atom.find("&lt;script&gt;") != std::string::npos);
}

TEST_CASE("reports: the Atom feed of a store with hostile versions (built binary)",
          "[hardening][reports]") {
    if (gt_test::run_shell("command -v xmllint >/dev/null").code != 0)
        GT_SKIP("xmllint (libxml2-utils) is not installed: Atom feed not checked");
    gt_test::TempDir tmp;
    std::string bin = shell_quote(gt_test::binary_path());
    std::string store = shell_quote((tmp / "store").string());
    gt_test::write_file(tmp / "v1.md", "# Guidance <script>alert(1)</script>\n\n"
                                       "1. Email <b>lead</b>@example.org for help.\n");
    gt_test::write_file(tmp / "v2.md",
                        "# Guidance <script>alert(1)</script>\n\n"
                        "1. Email \\<img src=x onerror=alert(1)\\> `<script>alert(9)</script>` "
                        "&lt;iframe&gt; @example.org for help.\n\n"
                        "2. See [the guide](javascript:alert(2)) & ]]> <![CDATA[ x ]]>.\n");
    auto run = [&](const std::string& args) {
        auto r = gt_test::run_shell(bin + " --store " + store + " " + args);
        INFO(args << "\n" << r.out);
        REQUIRE(r.code == 0);
        return r.out;
    };
    run("init");
    run("track hostile --title 'Hostile <script>alert(3)</script> & co' "
        "--url 'https://www.gov.uk/x?a=1&b=2'");
    run("snapshot hostile " + shell_quote((tmp / "v1.md").string()) + " --label v1");
    run("snapshot hostile " + shell_quote((tmp / "v2.md").string()) + " --label v2");
    run("feed --out " + shell_quote((tmp / "out.xml").string()));
    check_atom(gt_test::read_file(tmp / "out.xml"), tmp.path());
}
