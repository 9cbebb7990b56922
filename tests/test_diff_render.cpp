// Tests of the diff renderers and the `guidetrack diff` command (in-process and with real git).
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/render/diff.hpp"
#include "guidetrack/render/diff_json.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/text/text.hpp"
#include "pdfgen.hpp"
#include "testutil.hpp"

#include "app.hpp"

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
    // The moved paragraph is shown once, with both places.
    CHECK(out.find("moved: ") == out.rfind("moved: "));
    CHECK(out.find("+ Each school should also appoint") != std::string::npos);
    CHECK(out.find("Paragraph 12 (was 11)") != std::string::npos);

    render::DiffStyle color;
    color.color = true;
    std::string colored = draw(render::render_inline, set, color);
    // Default theme: removed struck through in orange, added underlined in blue.
    CHECK(colored.find("\x1b[9;38;5;208m8\x1b[0m") != std::string::npos);
    CHECK(colored.find("\x1b[4;38;5;33m9\x1b[0m") != std::string::npos);
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
    CHECK(colored.out.find("\x1b[4;38;5;33m9\x1b[0m") != std::string::npos);

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

namespace {

model::Block para(std::string text, std::vector<std::string> section, std::string number = "") {
    model::Block b;
    b.kind = model::BlockKind::paragraph;
    b.text = std::move(text);
    b.number = std::move(number);
    b.section = std::move(section);
    return b;
}

std::size_t count_of(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("themes mark added and removed words apart from colour", "[diff][render]") {
    for (const std::string& name : render::theme_names()) {
        auto t = render::theme_by_name(name);
        REQUIRE(t.ok());
        INFO(name);
        // Underline for added, strike-through for removed, in every theme.
        CHECK((";" + t->added + ";").find(";4;") != std::string::npos);
        CHECK((";" + t->removed + ";").find(";9;") != std::string::npos);
        CHECK(t->added != t->removed);
    }
    // The default pair is not red / green.
    auto d = render::theme_by_name("default");
    CHECK(d->added.find("32") == std::string::npos);
    CHECK(d->removed.find("31") == std::string::npos);
    auto unknown = render::theme_by_name("neon");
    REQUIRE(!unknown.ok());
    CHECK(unknown.error().message.find("default, basic, classic, mono") != std::string::npos);

    // mono keeps the markers in colour, so a change is visible without any hue or strike.
    auto set = diff::compare(sample("v2.md"), sample("v3.md"));
    render::DiffStyle style;
    style.color = true;
    style.theme = *render::theme_by_name("mono");
    std::string out = draw(render::render_inline, set, style);
    CHECK(out.find('\x1b') != std::string::npos);
    CHECK(strip_ansi(out).find("(see paragraph [-8-]{+9+})") != std::string::npos);
}

TEST_CASE("adjacent changes in one section share one header", "[diff][render]") {
    std::vector<std::string> glossary{"Appendix A", "Glossary"}, other{"Appendix B"};
    model::Document a, b;
    a.blocks = {para("Alpha one two three.", glossary), para("Beta one two three.", glossary),
                para("Gamma one two three.", other), para("Delta one two three.", glossary)};
    b.blocks = {para("Alpha one two four.", glossary), para("Beta one two four.", glossary),
                para("Gamma one two four.", other), para("Delta one two four.", glossary)};
    auto set = diff::compare(a, b);
    REQUIRE(set.changes.size() == 4);
    std::string out = draw(render::render_inline, set, {});
    INFO(out);
    // Glossary, then Appendix B, then Glossary again: three headers for four changes.
    CHECK(count_of(out, "\u00a7 Appendix A > Glossary\n") == 2);
    CHECK(count_of(out, "\u00a7 Appendix B\n") == 1);
    // No section in the change headers: a change with no page or paragraph is headed by its
    // kind alone ("amended", not "amended:" with nothing after it).
    CHECK(count_of(out, "\namended\n") == 4);
    CHECK(out.find("amended:") == std::string::npos);
    std::string sbs = draw(render::render_side_by_side, set, {});
    CHECK(count_of(sbs, "\u00a7 Appendix A > Glossary\n") == 2);
}

TEST_CASE("context is whole sentences that fit, more at wider terminals; -C wins",
          "[diff][render]") {
    std::string before = "The first sentence is here and it is long enough to matter to a reader "
                         "of the guidance. ";
    std::string middle = "Staff should tell the designated safeguarding lead at once about any "
                         "concern they have.";
    std::string after = " The third sentence follows on and also has quite a few words in it "
                        "for the test.";
    model::Document a, b;
    a.blocks = {para(before + middle + after, {"Part one"})};
    std::string changed = middle;
    changed.replace(changed.find("at once"), 7, "without delay");
    b.blocks = {para(before + changed + after, {"Part one"})};
    auto set = diff::compare(a, b);
    render::DiffStyle narrow;
    narrow.width = 80;
    std::string out = draw(render::render_inline, set, narrow);
    INFO(out);
    // The changed sentence whole, from its first word; the sentence before is cut.
    std::string flat = out;
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    while (flat.find("   ") != std::string::npos)
        flat.replace(flat.find("   "), 3, " ");
    CHECK(flat.find("... Staff should tell the designated safeguarding lead") != std::string::npos);
    CHECK(flat.find("concern they have. ...") != std::string::npos);
    CHECK(flat.find("first sentence") == std::string::npos);

    render::DiffStyle wide;
    wide.width = 200;
    std::string wide_out = draw(render::render_inline, set, wide);
    CHECK(wide_out.find("first sentence") != std::string::npos);
    CHECK(wide_out.find("third sentence") != std::string::npos);

    wide.context_words = 2;
    std::string fixed = draw(render::render_inline, set, wide);
    CHECK(
        fixed.find("... designated safeguarding lead [-at once-]{+without delay+} about any ...") ==
        std::string::npos);
    CHECK(fixed.find("... safeguarding lead [-at once-]{+without delay+} about any ...") !=
          std::string::npos);
}

TEST_CASE("navigate marks every change header", "[diff][render]") {
    auto set = diff::compare(sample("v2.md"), sample("v3.md"));
    render::DiffStyle style;
    style.navigate = true;
    std::string out = draw(render::render_inline, set, style);
    std::size_t marked = 0;
    for (const auto& line : lines_of(out))
        if (line.rfind(std::string(render::navigate_marker), 0) == 0)
            ++marked;
    CHECK(marked == set.changes.size());
}

TEST_CASE("scope: sections by glob, major changes only", "[diff][render]") {
    std::vector<std::string> p1{"Part one: Safeguarding information for all staff", "Early help"};
    CHECK(render::section_matches(p1, "Part one*"));
    CHECK(render::section_matches(p1, "part ONE*"));
    CHECK(render::section_matches(p1, "Early help"));
    CHECK(render::section_matches(p1, "Part one* > Early*"));
    CHECK(!render::section_matches(p1, "Part two*"));
    CHECK(!render::section_matches({}, "*"));

    model::Document a, b;
    a.blocks = {para("Words in part one here.", {"Part one"}),
                para("Words in \"part two\" here.", {"Part two"}),
                para("More words in part two.", {"Part two"})};
    b.blocks = {para("Changed words in part one here.", {"Part one"}),
                para("Words in \u201cpart two\u201d here.", {"Part two"}),
                para("More words in part two, changed.", {"Part two"})};
    auto set = diff::compare(a, b);
    REQUIRE(set.changes.size() == 3);
    CHECK(!render::is_minor(set.changes[0]));
    CHECK(render::is_minor(set.changes[1])); // quotes only
    render::Scope one;
    one.sections = {"Part one*"};
    auto scoped = render::scope_changes(set, one);
    REQUIRE(scoped.changes.size() == 1);
    CHECK(scoped.changes[0].new_block->text == "Changed words in part one here.");
    render::Scope major;
    major.major_only = true;
    CHECK(render::scope_changes(set, major).changes.size() == 2);
}

TEST_CASE("stat keeps the headings that tell changes apart", "[diff][render]") {
    std::string title = "Early years inspection handbook for Ofsted-registered provision";
    model::Document a, b;
    a.blocks = {para("One two three.", {title, "Before the inspection", "Clarification"}),
                para("Four five six.", {title, "During the inspection", "Observation"})};
    b.blocks = {para("One two four.", {title, "Before the inspection", "Clarification"}),
                para("Four five seven.", {title, "During the inspection", "Observation"})};
    std::string out = draw(render::render_stat, diff::compare(a, b), {});
    INFO(out);
    CHECK(out.find("in " + title + ":\n") != std::string::npos);
    CHECK(out.find("Before the inspection > Clarification") != std::string::npos);
    CHECK(out.find("During the inspection > Observation") != std::string::npos);
    for (const auto& line : lines_of(out))
        CHECK(text::display_width(line) <= 80);
}

TEST_CASE("stat shortens a long heading at a word and keeps the counts near the text",
          "[diff][render]") {
    std::string title = "Early years inspection handbook for Ofsted-registered provision";
    model::Document a, b;
    a.blocks = {para("One two three.", {title}), para("Four five six.", {title, "Short"})};
    b.blocks = {para("One two four.", {title}), para("Four five seven.", {title, "Short"})};
    render::DiffStyle style;
    style.width = 60;
    std::string out = draw(render::render_stat, diff::compare(a, b), style);
    INFO(out);
    // The title does not fit in 60 columns: its last whole words ("... for Ofsted-registered
    // provision"), never the end of a word.
    bool cut_at_word = false;
    for (const auto& line : lines_of(out)) {
        CHECK(text::display_width(line) <= 60);
        if (auto at = line.find("..."); at != std::string::npos && line.find("amended") == 2) {
            cut_at_word = line.compare(at, 4, "... ") == 0;
            CHECK(cut_at_word);
        }
    }
    CHECK(cut_at_word);
    // At 200 columns the counts follow the longest location, not the right edge.
    style.width = 200;
    out = draw(render::render_stat, diff::compare(a, b), style);
    for (const auto& line : lines_of(out))
        if (line.find("+1 -1") != std::string::npos)
            CHECK(text::display_width(line) < 100);
}

TEST_CASE("diff, notice and show refuse options that do nothing", "[diff][cli]") {
    std::string v2 = sample_path("v2.md").string(), v3 = sample_path("v3.md").string();
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"diff", "--files", "--json", "--theme", "mono", v2, v3},
             {"diff", "--files", "--json", "--color=always", v2, v3},
             {"diff", "--files", "--json", "-C", "3", v2, v3},
             {"diff", "--files", "--json", "-y", v2, v3},
             {"diff", "--files", "--stat", "--navigate", v2, v3},
             {"diff", "--files", "--navigate", "--no-pager", v2, v3},
             {"diff", "--files", "-u", "--ignore-case", v2, v3},
             {"diff", "--files", "--color=never", "--theme", "classic", v2, v3},
             {"diff", "--files", "--theme", "neon", v2, v3},
             {"notice", "--files", v2, v3, "--table"},
             {"notice", "--files", v2, v3, "--major-only", "--include-minor"}}) {
        auto r = gt_test::run_cli(args);
        INFO(args[2] << " " << args[3] << ": " << r.err);
        CHECK(r.code == 2);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    auto table = gt_test::run_cli({"notice", "--files", v2, v3, "--table"});
    CHECK(table.err == "guidetrack: --table does nothing without --format md\n");
    CHECK(gt_test::run_cli({"notice", "--files", v2, v3, "--table", "--format", "md"}).code == 0);
}

TEST_CASE("diff and notice --section scope the sample", "[diff][cli]") {
    std::string v1 = sample_path("v1.md").string(), v2 = sample_path("v2.md").string();
    auto all = gt_test::run_cli({"diff", "--files", "--json", v1, v2});
    auto all_j = nlohmann::json::parse(all.out);
    REQUIRE(all_j["changes"].size() >= 2);
    // The first change's innermost heading, as a glob.
    std::string heading;
    for (const auto& c : all_j["changes"])
        if (!c["new"].is_null() && !c["new"]["section"].empty()) {
            heading = c["new"]["section"].back();
            break;
        }
    REQUIRE(!heading.empty());
    auto some = gt_test::run_cli({"diff", "--files", "--json", "--section", heading, v1, v2});
    auto some_j = nlohmann::json::parse(some.out);
    CHECK(some_j["changes"].size() >= 1);
    CHECK(some_j["changes"].size() <= all_j["changes"].size());
    for (const auto& c : some_j["changes"]) {
        bool in = false;
        for (const char* side : {"old", "new"})
            if (!c[side].is_null())
                for (const auto& h : c[side]["section"])
                    in = in || h == heading;
        CHECK(in);
    }
    auto none = gt_test::run_cli({"diff", "--files", "--section", "No such section*", v1, v2});
    CHECK(none.code == 0);
    CHECK(none.out.find("No changes.") != std::string::npos);
    auto notice = gt_test::run_cli({"notice", "--files", v1, v2, "--section", "No such*"});
    CHECK(notice.code == 0);
    auto full = gt_test::run_cli({"notice", "--files", v1, v2});
    CHECK(notice.out.size() < full.out.size());
}

TEST_CASE("show --original never writes a binary original to a terminal", "[diff][cli]") {
    gt_test::TempDir tmp;
    std::string store = (tmp / "store").string();
    pdfgen::Flow flow;
    flow.heading("Sample guidance", 16);
    flow.paragraph("Schools should name a designated safeguarding lead.", "1");
    std::string pdf = flow.pdf();
    std::string pdf_path = (tmp / "guidance.pdf").string();
    gt_test::write_file(pdf_path, pdf);
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", store});
        return gt_test::run_cli(args);
    };
    REQUIRE(cli({"init"}).code == 0);
    REQUIRE(cli({"track", "doc", "--title", "Doc", "--input-format", "pdf"}).code == 0);
    REQUIRE(cli({"snapshot", "doc", pdf_path, "--label", "v1"}).code == 0);

    // On a terminal: refused, with the way out named, and nothing written.
    std::istringstream in;
    std::ostringstream out, err;
    cli::Context ctx{in, out, err, true, {}};
    std::vector<const char*> argv{"guidetrack", "--store", store.c_str(),
                                  "show",       "doc",     "--original"};
    CHECK(cli::run(static_cast<int>(argv.size()), argv.data(), ctx) == 2);
    CHECK(out.str().empty());
    INFO(err.str());
    CHECK(err.str().find("binary") != std::string::npos);
    CHECK(err.str().find("--out") != std::string::npos);
    // With --out, and to a pipe or file: the bytes as retrieved.
    std::string copy = (tmp / "copy.pdf").string();
    CHECK(cli({"show", "doc", "--original", "--out", copy}).code == 0);
    CHECK(gt_test::read_file(copy) == pdf);
    CHECK(cli({"show", "doc", "--original"}).out == pdf);
    // --section does nothing with --original: an error, not a silently whole original.
    CHECK(cli({"show", "doc", "--original", "--section", "Sample*"}).code == 2);
}

TEST_CASE("a bidirectional override in the text is shown, not obeyed, on the terminal",
          "[diff][render]") {
    model::Document a, b;
    model::Block p;
    p.kind = model::BlockKind::paragraph;
    p.number = "1";
    p.text = "Report concerns to the DSL.";
    a.blocks.push_back(p);
    p.text = "Report concerns to the DSL \xE2\x80\xAE"
             "ylno emit gnikrow.";
    b.blocks.push_back(p);
    model::assign_sections(a);
    model::assign_sections(b);
    auto set = diff::compare(a, b);
    for (auto fn : {render::render_inline, render::render_side_by_side}) {
        std::string out = draw(fn, set, render::DiffStyle{});
        CHECK(out.find("\xE2\x80\xAE") == std::string::npos);
        CHECK(out.find("\\u202e") != std::string::npos);
    }
    // The notice: shown in the text and in HTML descriptions; in the HTML redline the document's
    // text is isolated by the style sheet, so it cannot reorder what follows.
    notice::Notice n = notice::build_notice(a, b, set, notice::Versions{});
    std::string text = render::notice_text(n);
    CHECK(text.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(text.find("\\u202eylno emit gnikrow") != std::string::npos);
    std::string html = render::notice_html(n);
    CHECK(html.find("added &quot;\\u202eylno emit gnikrow&quot;") != std::string::npos);
    CHECK(html.find("del, ins, q, a, code, span, strong, em { unicode-bidi: isolate; }") !=
          std::string::npos);
}

TEST_CASE("notice --files --format html names the files compared as files", "[notice][cli]") {
    std::string v1 = sample_path("v1.md").string(), v2 = sample_path("v2.md").string();
    auto r = gt_test::run_cli({"notice", "--files", v1, v2, "--format", "html"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("<dt>Earlier version</dt><dd>the file v1.md</dd>") != std::string::npos);
    CHECK(r.out.find("version v1.md") == std::string::npos);
}

namespace {

// What write_diff_json wrote when every change went through nlohmann's tree (diff_json).
std::string tree_json(const diff::ChangeSet& set, const nlohmann::json& extra) {
    auto dump = [](const nlohmann::json& j) {
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    nlohmann::json all = render::diff_json(set);
    nlohmann::json head = all;
    head.erase("changes");
    for (const auto& [key, value] : extra.items())
        head[key] = value;
    std::string out = "{\n";
    for (const auto& [key, value] : head.items())
        out += "  " + nlohmann::json(key).dump() + ": " + dump(value) + ",\n";
    out += "  \"changes\": [";
    for (std::size_t i = 0; i < all["changes"].size(); ++i)
        out += (i ? ",\n    " : "\n    ") + dump(all["changes"][i]);
    out += all["changes"].empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

std::string streamed_json(const diff::ChangeSet& set, const nlohmann::json& extra) {
    std::ostringstream out;
    render::write_diff_json(out, set, extra);
    return out.str();
}

} // namespace

TEST_CASE("diff JSON written directly is what nlohmann's tree prints", "[diff][render]") {
    const nlohmann::json extra = {{"from", {{"file", "v1.md"}}}, {"to", {{"file", "v2.md"}}}};
    for (auto [a, b] : {std::pair{"v1.md", "v2.md"},
                        {"v2.md", "v3.md"},
                        {"v1.md", "v3.md"},
                        {"v3.md", "v1.md"},
                        {"v1.md", "v1.md"}}) {
        diff::ChangeSet set = diff::compare(sample(a), sample(b));
        INFO(a << " -> " << b);
        REQUIRE(streamed_json(set, extra) == tree_json(set, extra));
    }
    // Every field and every escape: a footnote anchor, levels, links, footnote references,
    // renumbering, quotes, back slashes, control characters, non-ASCII, invalid UTF-8.
    diff::ChangeSet set;
    diff::Change c;
    c.kind = diff::ChangeKind::renumbered;
    c.old_anchor = diff::Anchor{3, "p\"1", "4\\a", {"Part \x01one", "caf\xC3\xA9"}, true, "7"};
    c.new_anchor = diff::Anchor{4, "", "", {}, false, ""};
    model::Block old_block;
    old_block.kind = model::BlockKind::heading;
    old_block.level = 2;
    old_block.text = "Tabs\tand\nnew lines \x7f \x1f end \xE2\x80\x99";
    old_block.page = "ii";
    old_block.number = "12a";
    old_block.section = {"A", "B"};
    old_block.links = {model::Link{0, 4, "https://example.org/?a=\"b\""}};
    old_block.footnote_refs = {model::FootnoteRef{5, "3"}};
    c.old_block = old_block;
    model::Block new_block;
    new_block.kind = model::BlockKind::list_item;
    new_block.level = 1;
    new_block.text = "bad \xFF\xFE bytes";
    c.new_block = new_block;
    c.edits = {diff::WordEdit{diff::EditOp::equal, "x"},
               diff::WordEdit{diff::EditOp::removed, "\b\f\r"}};
    c.renumbering = {diff::Renumbering{"1", "3", "2", "4"}};
    c.amended_too = true;
    c.links_changed = true;
    set.changes.push_back(c);
    diff::Change added;
    added.kind = diff::ChangeKind::added;
    added.new_block = new_block;
    added.new_anchor = diff::Anchor{0, "1", "", {"S"}, false, ""};
    set.changes.push_back(added);
    REQUIRE(streamed_json(set, extra) == tree_json(set, extra));
    REQUIRE(nlohmann::json::parse(streamed_json(set, extra))["changes"].size() == 2);
}
