// Change notices on real guidance ($GUIDETRACK_CORPUS): Working Together 2023 with its four
// February 2024 places reverted, GOV.UK pages whose HTML changed but whose words did not, and
// the early-years handbook's footnote change; and audits of the publishers' own notes on them.
#include "guidetrack/app/audit.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/notice.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace guidetrack;
using gt_test::read_file;

namespace {

// Replace `from` by `to` in the block's text; the test fails if `from` is not there.
void replace_in(model::Block& block, const std::string& from, const std::string& to) {
    auto pos = block.text.find(from);
    INFO("block: " << block.text << "\nlooking for: " << from);
    REQUIRE(pos != std::string::npos);
    block.text.replace(pos, from.size(), to);
}

std::size_t find_block(const model::Document& doc, const std::string& page,
                       const std::string& needle) {
    for (std::size_t i = 0; i < doc.blocks.size(); ++i)
        if (doc.blocks[i].page == page && doc.blocks[i].text.find(needle) != std::string::npos)
            return i;
    FAIL("no block on page " << page << " containing: " << needle);
    return 0;
}

notice::Notice notice_of(const model::Document& a, const model::Document& b,
                         bool include_minor = false) {
    notice::Options o;
    o.include_minor = include_minor;
    return notice::build_notice(a, b, diff::compare(a, b), notice::Versions{"T", "a", "b", "", ""},
                                o);
}

std::string lines(const notice::Notice& n) {
    std::string s;
    for (const auto& item : n.items)
        s += render::item_line(item) + " [" + std::string(notice::kind_name(item.kind)) + "]\n";
    return s;
}

model::Document extract_file(const std::filesystem::path& path) {
    auto doc = extract::extract(
        read_file(path), extract::Options{extract::Format::automatic, path.filename().string()});
    INFO(path << ": " << (doc.ok() ? "" : doc.error().message));
    REQUIRE(doc.ok());
    return std::move(*doc);
}

std::filesystem::path early_years_version(const std::filesystem::path& corpus,
                                          const std::string& prefix) {
    auto dir =
        corpus / "govuk" / "ofsted_early_years_handbook" / "handbook-september-2021" / "versions";
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
        auto name = f.path().filename().string();
        if (f.path().extension() == ".html" && name.rfind(prefix, 0) == 0)
            return f.path();
    }
    FAIL("no version " << prefix << " in " << dir);
    return {};
}

// The Working Together 2023 PDF's document, extracted once for all the tests that read it (a
// Catch2 SECTION runs its test case's body again).
const model::Document& wt2023(const std::filesystem::path& corpus) {
    static const model::Document doc = extract_file(
        corpus / "wt2023" / "Working_together_to_safeguard_children_2023_-_statutory_guidance.pdf");
    return doc;
}

// Working Together 2023 (the June 2025 re-issue, which holds the February 2024 fixes) with the
// four places of the 23 February 2024 update put back as they were before it.
model::Document reverted_feb_2024(const model::Document& now) {
    model::Document before = now;

    // Page 26, paragraph 48: the earlier wording for lead safeguarding partners.
    auto& p48 = before.blocks[find_block(before, "26", "The LSPs for safeguarding partners are")];
    REQUIRE(p48.number == "48");
    replace_in(p48, "The LSPs for safeguarding partners are",
               "The lead representatives of the safeguarding partners are");
    // Page 42: the panel's earlier email address.
    replace_in(
        before.blocks[find_block(before, "42", "Mailbox.NationalReviewPanel@education.gov.uk")],
        "Mailbox.NationalReviewPanel@education.gov.uk", "NationalReviewPanel@education.gsi.gov.uk");
    // Page 161: the older four-point definition (two points fewer, two shorter).
    std::size_t def =
        find_block(before, "161", "Safeguarding and promoting the welfare of children -");
    std::vector<std::size_t> drop;
    for (std::size_t i = def + 1;
         i < before.blocks.size() && before.blocks[i].kind == model::BlockKind::list_item; ++i) {
        auto& item = before.blocks[i];
        if (item.text.rfind("providing help and support", 0) == 0 ||
            item.text.rfind("promoting the upbringing of children", 0) == 0)
            drop.push_back(i);
        else if (item.text.rfind("protecting children from maltreatment", 0) == 0)
            item.text = "protecting children from maltreatment";
        else if (item.text.rfind("taking action to enable all children", 0) == 0)
            item.text = "taking action to enable all children to have the best outcomes";
    }
    REQUIRE(drop.size() == 2);
    for (auto it = drop.rbegin(); it != drop.rend(); ++it)
        before.blocks.erase(before.blocks.begin() + static_cast<long>(*it));
    // Page 167: the PDF's text carries no link targets, so the visible reference goes back to
    // the older edition instead: "(2021)" -> "(2016)".
    replace_in(before.blocks[find_block(before, "167", "learning disability (2021)")],
               "learning disability (2021)", "learning disability (2016)");

    return before;
}

} // namespace

TEST_CASE("notice corpus: Working Together 2023, the four February 2024 places",
          "[notice][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    const model::Document& now = wt2023(corpus);
    auto n = notice_of(reverted_feb_2024(now), now);
    INFO(lines(n));
    REQUIRE(n.items.size() == 4);
    CHECK(n.items[0].kind == notice::ItemKind::wording_amended);
    CHECK(n.items[0].where.page == "26");
    CHECK(n.items[0].where.paragraph == "48");
    // The publisher's "amended the wording used to describe lead safeguarding partners", bettered
    // by quoting the words.
    CHECK(render::item_line(n.items[0]) ==
          "Page 26, paragraph 48: replaced \"The lead representatives of the safeguarding "
          "partners\" with \"The LSPs for safeguarding partners\"");
    CHECK(n.items[1].kind == notice::ItemKind::email_corrected);
    CHECK(n.items[1].where.page == "42");
    CHECK(n.items[1].description.find("Mailbox.NationalReviewPanel@education.gov.uk") !=
          std::string::npos);
    CHECK(n.items[2].kind == notice::ItemKind::definition_updated);
    CHECK(n.items[2].where.page == "161");
    CHECK(
        n.items[2].description ==
        "updated the glossary definition of 'Safeguarding and promoting the welfare of children'");
    std::string parts;
    for (const auto& p : n.items[2].parts)
        parts += p.old_text + " => " + p.new_text + "\n";
    INFO(parts);
    // Two points added, two amended (the diff may pair an amended point or show it as a removal
    // and an addition): all of them parts of the one item.
    CHECK(n.items[2].parts.size() >= 4);
    for (const auto& p : n.items[2].parts)
        CHECK((p.where.page == "161" || p.where.page == "162"));
    CHECK(n.items[3].kind == notice::ItemKind::link_updated);
    CHECK(n.items[3].where.page == "167");
    CHECK(n.items[3].description.find("latest version of 'Good practice guidance on working with "
                                      "parents with a learning disability'") != std::string::npos);
}

TEST_CASE("notice corpus: GOV.UK versions whose words did not change give no items",
          "[notice][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    std::size_t pairs = 0;
    std::string failures;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus / "govuk")) {
        if (entry.path().filename() != "versions.tsv")
            continue;
        auto dir = entry.path().parent_path() / "versions";
        std::map<int, std::filesystem::path> html;
        for (const auto& f : std::filesystem::directory_iterator(dir))
            if (f.path().extension() == ".html")
                html[std::stoi(f.path().filename().string().substr(0, 3))] = f.path();
        std::istringstream rows(read_file(entry.path()));
        std::string row;
        std::getline(rows, row); // header
        while (std::getline(rows, row)) {
            std::vector<std::string> cols;
            std::istringstream cs(row);
            for (std::string c; std::getline(cs, c, '\t');)
                cols.push_back(c);
            if (cols.size() < 7 || cols[6] != "no")
                continue;
            int idx = std::stoi(cols[0]);
            if (!html.count(idx) || !html.count(idx - 1))
                continue;
            ++pairs;
            auto n = notice_of(extract_file(html[idx - 1]), extract_file(html[idx]), true);
            if (!n.items.empty())
                failures += html[idx].string() + ":\n" + lines(n);
        }
    }
    INFO(failures);
    CHECK(pairs >= 25);
    CHECK(failures.empty());
}

TEST_CASE("notice corpus: early-years handbook 001 -> 002, the footnote in paragraph 6",
          "[notice][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    auto n = notice_of(extract_file(early_years_version(corpus, "001_")),
                       extract_file(early_years_version(corpus, "002_")));
    INFO(lines(n));
    auto it = std::find_if(n.items.begin(), n.items.end(), [](const notice::NoticeItem& i) {
        return i.where.paragraph == "6" && !i.where.footnote.empty();
    });
    REQUIRE(it != n.items.end());
    CHECK(render::item_line(*it).rfind("Paragraph 6, footnote 1: ", 0) == 0);
    CHECK(it->description == "replaced \"in March\" with \"in time for September\"");
    // The "Print or save to PDF" block GOV.UK added is page furniture, not an item.
    for (const auto& item : n.items)
        for (const auto& part : item.parts)
            CHECK(part.new_text.find("To print this content") == std::string::npos);
}

namespace {

// The paragraph numbers a document prints.
std::set<std::string> printed_numbers(const model::Document& doc) {
    std::set<std::string> out;
    for (const auto& b : doc.blocks)
        if (b.kind != model::BlockKind::footnote && !b.number.empty())
            out.insert(b.number);
    return out;
}

// Each paragraph number in `where` printed by the version it refers to ("" when fine).
std::string check_anchor(const notice::Location& where, const std::set<std::string>& old_numbers,
                         const std::set<std::string>& new_numbers) {
    const auto& numbers = where.previous_numbering ? old_numbers : new_numbers;
    std::string bad;
    for (const std::string* n : {&where.paragraph, &where.paragraph_last, &where.after_paragraph})
        if (!n->empty() && !numbers.count(*n))
            bad += " " + *n;
    return bad;
}

} // namespace

TEST_CASE("notice corpus: no item is located at a paragraph number the document does not print",
          "[notice][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    std::size_t pairs = 0, items = 0;
    std::string failures;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus / "govuk")) {
        if (!entry.is_directory() || entry.path().filename() != "versions")
            continue;
        std::map<std::string, std::filesystem::path> html;
        for (const auto& f : std::filesystem::directory_iterator(entry.path()))
            if (f.path().extension() == ".html")
                html[f.path().filename().string()] = f.path();
        const std::filesystem::path* prev = nullptr;
        for (const auto& [name, path] : html) {
            if (prev) {
                ++pairs;
                auto a = extract_file(*prev);
                auto b = extract_file(path);
                auto olds = printed_numbers(a), news = printed_numbers(b);
                notice::Options o;
                o.include_minor = true;
                o.detail = notice::Detail::full;
                auto n = notice::build_notice(a, b, diff::compare(a, b),
                                              notice::Versions{"T", "a", "b", "", ""}, o);
                for (const auto& item : n.items) {
                    ++items;
                    std::string bad = check_anchor(item.where, olds, news);
                    for (const auto& part : item.parts)
                        bad += check_anchor(part.where, olds, news);
                    if (!bad.empty())
                        failures += path.string() + ": " + render::item_line(item) +
                                    " (not printed:" + bad + ")\n";
                }
            }
            prev = &path;
        }
    }
    INFO(failures);
    CHECK(pairs >= 100);
    CHECK(items > 0);
    CHECK(failures.empty());
}

// Audits of the publishers' own notes (issue 13): each official item is matched to the computed
// change at its place, and the real changes a note leaves out are reported.

namespace {

// The 23 February 2024 note on Working Together 2023, as GOV.UK published it.
const char* const kWtFeb2024Note =
    "- amended the wording used to describe lead safeguarding partners (page 26, paragraph 48)\n"
    "- corrected the Child Safeguarding Practice Review Panel email address (page 42)\n"
    "- updated the glossary definition of 'safeguarding and promoting the welfare of children' "
    "to match that on pages 7 to 8 (page 161)\n"
    "- linked to the latest version of 'Good practice guidance on working with parents with a "
    "learning disability' (page 167)\n";

} // namespace

TEST_CASE("audit corpus: early-years handbook 001 -> 002, a note that leaves out two changes",
          "[audit][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    auto n = notice_of(extract_file(early_years_version(corpus, "001_")),
                       extract_file(early_years_version(corpus, "002_")));
    // Ofsted's summary of changes for February 2022, word for word.
    const std::string note =
        "February 2022\n"
        "We have updated the footnote in paragraph 6 to: \xE2\x80\x98Ofsted defines the "
        "transitional period as the period for which transitional arrangements for schools remain "
        "in place. These are intended to be reviewed in time for September "
        "2022\xE2\x80\x99.\n";
    auto a = audit::run(n, note);
    REQUIRE(a.ok());
    const std::string text = audit::render_text(*a);
    INFO(text);
    REQUIRE(a->official.size() == 1);
    const auto& official = a->official[0];
    CHECK(official.footnote);
    REQUIRE(official.paragraphs.size() == 1);
    CHECK(official.paragraphs[0].first == "6");
    REQUIRE(official.matched.size() == 1);
    const auto& footnote_item = a->notice.items[official.matched[0]];
    CHECK(footnote_item.where.paragraph == "6");
    CHECK(!footnote_item.where.footnote.empty());

    // The two real changes the note does not mention: the heading renamed and "as" -> "because"
    // in paragraph 101.
    REQUIRE(a->unlisted.size() == 2);
    CHECK_FALSE(a->complete());
    CHECK(a->exit_code() == 1);
    bool heading = false, because = false;
    for (std::size_t i : a->unlisted) {
        const auto& item = a->notice.items[i];
        if (item.kind == notice::ItemKind::heading_renamed &&
            item.description.find("COVID-19 pandemic") != std::string::npos)
            heading = true;
        if (item.where.paragraph == "101" && item.description.find("because") != std::string::npos)
            because = true;
    }
    CHECK(heading);
    CHECK(because);
    CHECK(text.find("not in the publisher's note: Paragraph 101: ") != std::string::npos);
    CHECK(text.find("leaves out 2 of 3 major changes") != std::string::npos);
}

TEST_CASE("audit corpus: Working Together 2023, the February 2024 note covers all four places",
          "[audit][corpus]") {
    GT_REQUIRE_CORPUS(corpus);
    // Built once: each SECTION runs this body again.
    static const notice::Notice n = notice_of(reverted_feb_2024(wt2023(corpus)), wt2023(corpus));
    REQUIRE(n.items.size() == 4);

    SECTION("the publisher's four items, each matched to its own change, nothing extra") {
        auto a = audit::run(n, kWtFeb2024Note);
        REQUIRE(a.ok());
        INFO(audit::render_text(*a));
        REQUIRE(a->official.size() == 4);
        const char* pages[] = {"26", "42", "161", "167"};
        for (std::size_t k = 0; k < 4; ++k) {
            INFO("official item " << k << ": " << a->official[k].text);
            REQUIRE(a->official[k].matched.size() == 1);
            CHECK(a->notice.items[a->official[k].matched[0]].where.page == pages[k]);
        }
        CHECK(a->unlisted.empty());
        CHECK(a->complete());
        CHECK(a->exit_code() == 0);
    }

    SECTION("a note naming a paragraph that did not change is reported") {
        std::string note = std::string(kWtFeb2024Note) +
                           "- Paragraph 12: clarified who the safeguarding partners are\n";
        auto a = audit::run(n, note);
        REQUIRE(a.ok());
        const std::string text = audit::render_text(*a);
        INFO(text);
        REQUIRE(a->official.size() == 5);
        CHECK(a->official[4].matched.empty());
        auto at = text.find("Paragraph 12: clarified");
        REQUIRE(at != std::string::npos);
        CHECK(text.find("no change found there", at) != std::string::npos);
        // Every real change is still covered: an extra official item does not make the note
        // incomplete.
        CHECK(a->complete());
    }

    SECTION("a note that leaves out the email correction") {
        std::string note = kWtFeb2024Note;
        auto line = note.find("- corrected the Child");
        note.erase(line, note.find('\n', line) + 1 - line);
        auto a = audit::run(n, note);
        REQUIRE(a.ok());
        INFO(audit::render_text(*a));
        REQUIRE(a->unlisted.size() == 1);
        CHECK(a->notice.items[a->unlisted[0]].kind == notice::ItemKind::email_corrected);
        CHECK(a->exit_code() == 1);
    }
}
