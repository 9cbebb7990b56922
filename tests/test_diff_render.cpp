// Tests of the diff renderers and the `guidetrack diff` command (in-process and with real git).
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/render/diff.hpp"
#include "guidetrack/render/diff_json.hpp"
#include "guidetrack/text/text.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

using namespace guidetrack;

namespace {

std::filesystem::path sample_path(const std::string& name) {
    return gt_test::source_dir() / "snapshots/sample" / name;
}

model::Document sample(const std::string& name) {
    extract::Options o;
    o.format = extract::Format::markdown;
    auto r = extract::extract(gt_test::read_file(sample_path(name)), o);
    REQUIRE(r.ok());
    return *r;
}

std::string strip_ansi(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
            i += 2;
            while (i < s.size() && !(s[i] >= '@' && s[i] <= '~'))
                ++i;
            continue;
        }
        out += s[i];
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

std::string draw(void (*fn)(std::ostream&, const diff::ChangeSet&, const render::DiffStyle&),
                 const diff::ChangeSet& set, render::DiffStyle style) {
    std::ostringstream out;
    fn(out, set, style);
    return out.str();
}

} // namespace

TEST_CASE("location names page, paragraph and section, leaving out empty parts", "[diff][render]") {
    diff::Anchor a{0, "26", "48", {"Section 1", "Lead safeguarding partners"}, false, {}};
    CHECK(render::location(a) == "Page 26 - paragraph 48 - Section 1 > Lead safeguarding partners");
    CHECK(render::location({0, "", "48", {}, false, {}}) == "Paragraph 48");
    CHECK(render::location({0, "3", "", {"Glossary"}, false, {}}) == "Page 3 - Glossary");
    CHECK(render::location({}).empty());
    CHECK(render::location({0, "", "1", {"Inspection"}, true, "6"}) ==
          "Paragraph 6, footnote 1 - Inspection");
    CHECK(render::location({0, "12", "3", {}, true, ""}) == "Page 12 - footnote 3");
}

TEST_CASE("inline view marks words without colour, colours them with it", "[diff][render]") {
    auto set = diff::compare(sample("v2.md"), sample("v3.md"));
    render::DiffStyle plain;
    std::string out = draw(render::render_inline, set, plain);
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find("(see paragraph [-8-]{+9+})") != std::string::npos);
    CHECK(out.find("renumbered: paragraphs 3-4 are now 4-5; 8-16 are now 9-17") !=
          std::string::npos);
    CHECK(out.find("moved: Paragraph 8") != std::string::npos);
    CHECK(out.find("from Paragraph 5") != std::string::npos);
    CHECK(out.find("+ Each school should also appoint") != std::string::npos);
    CHECK(out.find("Paragraph 12 (was 11)") != std::string::npos);

    render::DiffStyle color;
    color.color = true;
    std::string colored = draw(render::render_inline, set, color);
    CHECK(colored.find("\x1b[31;9m8\x1b[0m") != std::string::npos);
    CHECK(colored.find("\x1b[32m9\x1b[0m") != std::string::npos);
    CHECK(colored.find("[-") == std::string::npos);
    CHECK(strip_ansi(colored).find("(see paragraph 8 9)") != std::string::npos);
}

TEST_CASE("inline view keeps a few words of context and wraps to the width", "[diff][render]") {
    auto set = diff::compare(sample("v1.md"), sample("v2.md"));
    for (std::size_t width : {30, 50, 80, 120}) {
        render::DiffStyle style;
        style.width = width;
        for (bool color : {false, true}) {
            style.color = color;
            std::string out = strip_ansi(draw(render::render_inline, set, style));
            for (const auto& line : lines_of(out)) {
                INFO(width << ": " << line);
                // A single word (a URL) longer than the line is broken, never left overlong.
                CHECK(text::display_width(line) <= width);
            }
        }
    }
    render::DiffStyle style;
    style.width = 200;
    style.context_words = 3;
    std::string out = draw(render::render_inline, set, style);
    CHECK(out.find("... at induction. The [-DSL's-]{+DSL’s+} training should be ...") !=
          std::string::npos);
}

TEST_CASE("side-by-side view keeps both columns inside the width", "[diff][render]") {
    auto set = diff::compare(sample("v1.md"), sample("v2.md"));
    render::DiffStyle style;
    style.width = 70;
    std::string out = draw(render::render_side_by_side, set, style);
    bool saw_columns = false;
    for (const auto& line : lines_of(out)) {
        INFO(line);
        CHECK(text::display_width(line) <= 70);
        if (line.find(" | ") != std::string::npos)
            saw_columns = true;
    }
    CHECK(saw_columns);
    style.width = 200;
    out = draw(render::render_side_by_side, set, style);
    CHECK(out.find("[-reviews@sampletown-panel.gov.uk-]") != std::string::npos);
    CHECK(out.find("{+reviews@sampletown-panel.org.uk+}") != std::string::npos);
}

TEST_CASE("stat view counts kinds, words and pages", "[diff][render]") {
    auto set = diff::compare(sample("v2.md"), sample("v3.md"));
    std::string out = draw(render::render_stat, set, {});
    CHECK(out.find("5 changes: 1 added, 2 amended, 1 moved, renumbering of 11 paragraphs") == 0);
    CHECK(out.find("words: ") != std::string::npos);

    model::Document a, b;
    a.blocks.push_back({model::BlockKind::paragraph, 0, "Old words here.", "26", "48", {}, {}, {}});
    b.blocks.push_back({model::BlockKind::paragraph, 0, "New words here.", "26", "48", {}, {}, {}});
    b.blocks.push_back({model::BlockKind::paragraph, 0, "Another one.", "42", "", {}, {}, {}});
    std::string pages = draw(render::render_stat, diff::compare(a, b), {});
    CHECK(pages.find("pages touched: 26, 42") != std::string::npos);
    CHECK(pages.find("words: 3 added, 1 removed") != std::string::npos);
}

TEST_CASE("unified diff is accepted by git apply and reproduces the new text", "[diff][render]") {
    gt_test::TempDir dir;
    std::string old_text = model::write_stored_text(sample("v2.md"));
    std::string new_text = model::write_stored_text(sample("v3.md"));
    std::string patch = render::unified_diff(old_text, new_text, "a/doc.md", "b/doc.md");
    REQUIRE(patch.rfind("--- a/doc.md\n+++ b/doc.md\n@@ -", 0) == 0);
    CHECK(render::unified_diff(old_text, old_text, "a/x", "b/x").empty());

    auto git = gt_test::run_shell("cd '" + dir.path().string() + "' && git init -q . 2>&1");
    REQUIRE(git.code == 0);
    gt_test::write_file(dir / "doc.md", old_text);
    gt_test::write_file(dir / "change.patch", patch);
    auto check =
        gt_test::run_shell("cd '" + dir.path().string() + "' && git apply --check change.patch");
    INFO(check.out);
    REQUIRE(check.code == 0);
    REQUIRE(gt_test::run_shell("cd '" + dir.path().string() + "' && git apply change.patch").code ==
            0);
    CHECK(gt_test::read_file(dir / "doc.md") == new_text);

    // A last line without a newline, and a whole-file change.
    std::string a = "one\ntwo\nthree", b = "one\n2\nthree\nfour\n";
    gt_test::write_file(dir / "doc.md", a);
    gt_test::write_file(dir / "change.patch", render::unified_diff(a, b, "a/doc.md", "b/doc.md"));
    REQUIRE(gt_test::run_shell("cd '" + dir.path().string() + "' && git apply change.patch").code ==
            0);
    CHECK(gt_test::read_file(dir / "doc.md") == b);
}

TEST_CASE("unified hunks match git diff's on the sample", "[diff][render]") {
    gt_test::TempDir dir;
    std::string old_text = model::write_stored_text(sample("v1.md"));
    std::string new_text = model::write_stored_text(sample("v3.md"));
    gt_test::write_file(dir / "old.md", old_text);
    gt_test::write_file(dir / "new.md", new_text);
    auto git = gt_test::run_shell("cd '" + dir.path().string() +
                                  "' && git diff --no-index --no-color old.md new.md");
    REQUIRE(git.code == 1);
    std::string ours = render::unified_diff(old_text, new_text, "a/old.md", "b/new.md");
    // Compare from the first hunk on (git adds "diff --git" and "index" lines).
    CHECK(ours.substr(ours.find("@@")) == git.out.substr(git.out.find("@@")));
}

TEST_CASE("diff --files: exit codes, views and errors", "[diff][cli]") {
    std::string v1 = sample_path("v1.md").string(), v2 = sample_path("v2.md").string(),
                v3 = sample_path("v3.md").string();
    auto same = gt_test::run_cli({"diff", "--files", v1, v1});
    CHECK(same.code == 0);
    CHECK(same.out.find("No changes.") != std::string::npos);

    auto changed = gt_test::run_cli({"diff", "--files", v2, v3});
    CHECK(changed.code == 1);
    CHECK(changed.out.find("Comparing ") == 0);
    CHECK(changed.out.find("(see paragraph [-8-]{+9+})") != std::string::npos);
    CHECK(changed.out.find('\x1b') == std::string::npos); // not a terminal: no colour

    auto colored = gt_test::run_cli({"diff", "--files", "--color=always", v2, v3});
    CHECK(colored.code == 1);
    CHECK(colored.out.find("\x1b[32m9\x1b[0m") != std::string::npos);

    auto json = gt_test::run_cli({"diff", "--files", "--json", v2, v3});
    REQUIRE(json.code == 1);
    auto j = nlohmann::json::parse(json.out);
    CHECK(j["schema_version"] == render::kDiffSchemaVersion);
    CHECK(j["from"]["file"] == v2);
    CHECK(j["summary"]["added"] == 1);

    auto typo = gt_test::run_cli({"diff", "--files", "--json", "--ignore-typography", v1, v2});
    auto typo_j = nlohmann::json::parse(typo.out);
    auto full_j =
        nlohmann::json::parse(gt_test::run_cli({"diff", "--files", "--json", v1, v2}).out);
    CHECK(typo_j["changes"].size() + 1 == full_j["changes"].size());

    CHECK(gt_test::run_cli({"diff", "--files", "--stat", v2, v3}).out.find("1 moved") !=
          std::string::npos);
    CHECK(gt_test::run_cli({"diff", "--files", "--side-by-side", v2, v3}).code == 1);
    auto unified = gt_test::run_cli({"diff", "--files", "--unified", v2, v3});
    CHECK(unified.out.find("--- a/v2.md\n+++ b/v3.md\n@@ ") != std::string::npos);

    auto missing = gt_test::run_cli({"diff", "--files", v1, "/nonexistent/file.md"});
    CHECK(missing.code == 2);
    CHECK(missing.err == "guidetrack: '/nonexistent/file.md': no such file\n");
    CHECK(gt_test::run_cli({"diff", "--files", v1}).code == 2);
    CHECK(gt_test::run_cli({"diff", "--files", "--color=sometimes", v1, v2}).code == 2);
    CHECK(gt_test::run_cli({"diff", "--files", "--json", "--stat", v1, v2}).code == 2);
    CHECK(gt_test::run_cli({"diff", "--files", "--format=docx", v1, v2}).code == 2);

    gt_test::TempDir dir;
    gt_test::write_file(dir / "bad.txt", std::string("ok\xff\xfe bytes", 11));
    auto bad = gt_test::run_cli({"diff", "--files", v1, (dir / "bad.txt").string()});
    CHECK(bad.code == 2);
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}
