// Tests of the structure-aware diff: tokens, the edit-script engine, and compare() on hand-built
// documents, the sample versions in snapshots/ and a synthetic 300-paragraph document.
#include "diff/internal.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/render/diff_json.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>
#include <dtl/dtl.hpp>
#include <nlohmann/json.hpp>

#include <random>

using namespace guidetrack;
using diff::ChangeKind;
using diff::EditOp;

namespace {

std::vector<std::string> token_strings(std::string_view text) {
    std::vector<std::string> out;
    for (auto t : diff::detail::tokenize(text))
        out.emplace_back(text.substr(t.begin, t.end - t.begin));
    return out;
}

model::Document doc_from(const std::string& stored) {
    auto r = model::parse_stored_text(stored);
    REQUIRE(r.ok());
    return *r;
}

model::Document sample(const std::string& name) {
    std::string bytes = gt_test::read_file(gt_test::source_dir() / "snapshots/sample" / name);
    extract::Options o;
    o.format = extract::Format::markdown;
    auto r = extract::extract(bytes, o);
    REQUIRE(r.ok());
    return *r;
}

// Apply an edit script to a and check it yields b.
void check_script(const std::vector<int>& a, const std::vector<int>& b,
                  const std::vector<EditOp>& ops) {
    std::vector<int> built;
    std::size_t i = 0, j = 0;
    for (EditOp op : ops) {
        if (op == EditOp::equal) {
            REQUIRE(i < a.size());
            REQUIRE(j < b.size());
            REQUIRE(a[i] == b[j]);
            built.push_back(a[i]);
            ++i;
            ++j;
        } else if (op == EditOp::removed) {
            REQUIRE(i < a.size());
            ++i;
        } else {
            REQUIRE(j < b.size());
            built.push_back(b[j]);
            ++j;
        }
    }
    REQUIRE(i == a.size());
    REQUIRE(built == b);
}

std::size_t equal_count(const std::vector<EditOp>& ops) {
    return static_cast<std::size_t>(std::count(ops.begin(), ops.end(), EditOp::equal));
}

// Plain LCS length by dynamic programming, the reference for minimality.
std::size_t lcs_length(const std::vector<int>& a, const std::vector<int>& b) {
    std::vector<std::size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], cur[j - 1]);
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string old_text(const std::vector<diff::WordEdit>& edits) {
    std::string s;
    for (const auto& e : edits)
        if (e.op != EditOp::added)
            s += e.text;
    return s;
}
std::string new_text(const std::vector<diff::WordEdit>& edits) {
    std::string s;
    for (const auto& e : edits)
        if (e.op != EditOp::removed)
            s += e.text;
    return s;
}

std::size_t count_kind(const diff::ChangeSet& set, ChangeKind kind) {
    return static_cast<std::size_t>(std::count_if(set.changes.begin(), set.changes.end(),
                                                  [&](const auto& c) { return c.kind == kind; }));
}

const diff::Change* find_new_number(const diff::ChangeSet& set, ChangeKind kind,
                                    const std::string& number) {
    for (const auto& c : set.changes)
        if (c.kind == kind && c.new_anchor && c.new_anchor->number == number)
            return &c;
    return nullptr;
}

} // namespace

TEST_CASE("tokenize keeps emails, URLs and numbers whole", "[diff]") {
    CHECK(token_strings("Write to reviews@sampletown-panel.gov.uk, within 5 days.") ==
          std::vector<std::string>{"Write", "to", "reviews@sampletown-panel.gov.uk", ",", "within",
                                   "5", "days", "."});
    CHECK(token_strings("See https://example.org/a_(b)?x=1. Then") ==
          std::vector<std::string>{"See", "https://example.org/a_(b)?x=1", ".", "Then"});
    CHECK(token_strings("(www.gov.uk/guidance)") ==
          std::vector<std::string>{"(", "www.gov.uk/guidance", ")"});
    CHECK(token_strings("£2,000 or 1.5% on 2024-01-10 at 10:30, 12a and 1990s.") ==
          std::vector<std::string>{"£", "2,000", "or", "1.5", "%", "on", "2024-01-10", "at",
                                   "10:30", ",", "12a", "and", "1990s", "."});
    CHECK(token_strings("The DSL’s well-being “matters” — é café naïve") ==
          std::vector<std::string>{"The", "DSL’s", "well-being", "“", "matters", "”", "—", "é",
                                   "café", "naïve"});
    CHECK(token_strings("").empty());
    CHECK(token_strings("   ").empty());
}

TEST_CASE("edit_script is minimal and exact: dtl, Myers linear-space, and the mix", "[diff]") {
    std::mt19937 rng(42);
    for (int round = 0; round < 60; ++round) {
        std::size_t n = rng() % 300, m = rng() % 300;
        int alphabet = 1 + static_cast<int>(rng() % 8);
        std::vector<int> a(n), b(m);
        for (auto& x : a)
            x = static_cast<int>(rng() % static_cast<unsigned>(alphabet));
        for (auto& x : b)
            x = static_cast<int>(rng() % static_cast<unsigned>(alphabet));
        std::size_t lcs = lcs_length(a, b);
        for (std::size_t limit :
             {std::size_t{0}, std::size_t{40}, diff::detail::default_onp_limit}) {
            auto ops = diff::detail::edit_script(a, b, limit);
            check_script(a, b, ops);
            REQUIRE(equal_count(ops) == lcs);
        }
    }
}

// dtl's raw script, the oracle of the O(NP) search that replaced it (for speed) in the engine.
static std::vector<EditOp> dtl_script(const std::vector<int>& a, const std::vector<int>& b) {
    dtl::Diff<int, std::vector<int>> d(a, b);
    d.compose();
    std::vector<EditOp> out;
    for (const auto& [elem, info] : d.getSes().getSequence()) {
        (void)elem;
        if (info.type == dtl::SES_COMMON)
            out.push_back(EditOp::equal);
        else if (info.type == dtl::SES_DELETE)
            out.push_back(EditOp::removed);
        else if (info.type == dtl::SES_ADD)
            out.push_back(EditOp::added);
    }
    return out;
}

TEST_CASE("onp_script gives dtl's script op for op", "[diff]") {
    std::mt19937 rng(1234);
    std::size_t compared = 0;
    for (int round = 0; round < 400; ++round) {
        // Short and long, equal lengths (dtl swaps those too), empties, and a near copy.
        std::size_t n = rng() % (round < 200 ? 12 : 600);
        std::size_t m = round % 5 == 0 ? n : rng() % (round < 200 ? 12 : 600);
        int alphabet = 1 + static_cast<int>(rng() % (round % 3 == 0 ? 3 : 40));
        std::vector<int> a(n), b(m);
        for (auto& x : a)
            x = static_cast<int>(rng() % static_cast<unsigned>(alphabet));
        for (auto& x : b)
            x = static_cast<int>(rng() % static_cast<unsigned>(alphabet));
        if (round % 7 == 0) {
            b = a;
            for (std::size_t k = 0; k < b.size(); k += 1 + rng() % 9)
                b[k] = alphabet + static_cast<int>(rng() % 3);
        }
        std::vector<EditOp> ours;
        diff::detail::onp_script(a, b, ours);
        INFO("round " << round << ": " << a.size() << " vs " << b.size());
        REQUIRE(ours == dtl_script(a, b));
        ++compared;
    }
    CHECK(compared == 400);
}

TEST_CASE("edit_script on a huge sequence stays minimal where dtl alone would not", "[diff]") {
    // 400,000 tokens, 1% replaced: far past dtl's path cap.
    std::mt19937 rng(7);
    std::vector<int> a(400'000);
    for (auto& x : a)
        x = static_cast<int>(rng() % 50'000);
    std::vector<int> b = a;
    std::size_t changed = 0;
    for (std::size_t i = 0; i < b.size(); i += 100) {
        b[i] = 50'000 + static_cast<int>(i); // a fresh token: each change costs exactly 2 edits
        ++changed;
    }
    auto ops = diff::detail::edit_script(a, b);
    check_script(a, b, ops);
    CHECK(ops.size() - equal_count(ops) == 2 * changed);
}

TEST_CASE("Interner numbers tokens in first-seen order and keeps them through growth", "[diff]") {
    diff::Options options;
    diff::detail::Interner interner(options);
    // Enough tokens to grow the table many times; some share a prefix or differ in length only.
    std::vector<std::string> tokens;
    for (int i = 0; i < 20'000; ++i)
        tokens.push_back("token" + std::to_string(i) +
                         std::string(static_cast<std::size_t>(i % 19), 'x'));
    for (std::size_t i = 0; i < tokens.size(); ++i)
        REQUIRE(interner.id(tokens[i]) == static_cast<int>(i));
    for (std::size_t i = tokens.size(); i-- > 0;)
        REQUIRE(interner.id(tokens[i]) == static_cast<int>(i));
    CHECK(interner.id("") == 20'000);
    CHECK(interner.id("token1") != interner.id("token1x"));

    diff::Options folding;
    folding.ignore_case = true;
    diff::detail::Interner folded(folding);
    CHECK(folded.id("Safeguarding") == folded.id("SAFEGUARDING"));
    CHECK(folded.id("DSL") != folded.id("DSLs"));
}

TEST_CASE("word_edits reconstructs both texts and groups changes", "[diff]") {
    diff::Options options;
    diff::detail::Interner interner(options);
    std::string a = "Serious incidents must be notified at reviews@panel.gov.uk within five days.";
    std::string b = "Serious incidents must now be notified at reviews@panel.org.uk within 5 days.";
    auto ta = diff::detail::tokenize(a), tb = diff::detail::tokenize(b);
    auto edits = diff::detail::word_edits(a, ta, interner.ids(a, ta), b, tb, interner.ids(b, tb));
    CHECK(old_text(edits) == a);
    CHECK(new_text(edits) == b);
    std::vector<diff::WordEdit> expected = {
        {EditOp::equal, "Serious incidents must"},
        {EditOp::added, " now"},
        {EditOp::equal, " be notified at "},
        {EditOp::removed, "reviews@panel.gov.uk"},
        {EditOp::added, "reviews@panel.org.uk"},
        {EditOp::equal, " within "},
        {EditOp::removed, "five"},
        {EditOp::added, "5"},
        {EditOp::equal, " days."},
    };
    CHECK(edits == expected);
}

TEST_CASE("compare: a long block of one repeated word pairs with its amended copy", "[diff]") {
    // 600 copies of one word overflow the similarity prefilter's 8-bit bucket counts: the
    // bound must then be skipped, not trusted (capped counts would rule the pair out).
    std::string body;
    for (int i = 0; i < 600; ++i)
        body += "staff ";
    auto a = doc_from("# Title\n\nIntro line that stays.\n\n" + body + "alpha\n");
    auto b = doc_from("# Title\n\nIntro line that stays.\n\n" + body + "beta\n");
    auto set = diff::compare(a, b);
    REQUIRE(set.changes.size() == 1);
    CHECK(set.changes[0].kind == ChangeKind::amended);
}

TEST_CASE("compare: identical documents give no changes", "[diff]") {
    auto d = doc_from("# Title\n\n1. One.\n\n2. Two.\n");
    CHECK(diff::compare(d, d).empty());
    CHECK(diff::compare(model::Document{}, model::Document{}).empty());
}

TEST_CASE("compare: added, removed and amended blocks in reading order", "[diff]") {
    auto a = doc_from("# Title\n\nAlpha paragraph about schools and staff.\n\nBeta paragraph "
                      "nobody needs.\n\nGamma paragraph on training and induction of staff.\n");
    auto b =
        doc_from("# Title\n\nAlpha paragraph about schools and staff.\n\nGamma paragraph on "
                 "training and the induction of all staff.\n\nDelta is brand new text here.\n");
    auto set = diff::compare(a, b);
    REQUIRE(set.changes.size() == 3);
    CHECK(set.changes[0].kind == ChangeKind::removed);
    CHECK(set.changes[0].old_block->text == "Beta paragraph nobody needs.");
    CHECK(set.changes[1].kind == ChangeKind::amended);
    CHECK(new_text(set.changes[1].edits) == b.blocks[2].text);
    CHECK(old_text(set.changes[1].edits) == a.blocks[3].text);
    CHECK(set.changes[2].kind == ChangeKind::added);
    CHECK(set.changes[2].new_anchor->block_index == 3);
}

TEST_CASE("compare: sample v1 -> v2 reports each planned change once", "[diff][sample]") {
    auto v1 = sample("v1.md"), v2 = sample("v2.md");
    auto set = diff::compare(v1, v2);
    // Planned: para 4 wording, para 6 quote, para 9 email, para 12 link, para 15 glossary.
    for (std::string n : {"4", "6", "9", "12", "15"}) {
        INFO("paragraph " << n);
        const auto* c = find_new_number(set, ChangeKind::amended, n);
        REQUIRE(c != nullptr);
        CHECK(c->old_anchor->number == n);
        CHECK(c->old_block->number == n);
    }
    CHECK(find_new_number(set, ChangeKind::amended, "12")->links_changed);
    CHECK(find_new_number(set, ChangeKind::amended, "4")->new_anchor->section ==
          std::vector<std::string>{"Keeping Learners Safe in Sample Town",
                                   "Chapter 1: Roles and responsibilities",
                                   "Lead safeguarding partners"});
    // Only amendments; at most the unnumbered publication line besides the five.
    CHECK(count_kind(set, ChangeKind::amended) == set.changes.size());
    std::size_t numbered = 0;
    for (const auto& c : set.changes)
        numbered += !c.new_anchor->number.empty();
    CHECK(numbered == 5);
    CHECK(set.changes.size() <= 6);

    diff::Options fold;
    fold.ignore_typography = true;
    auto folded = diff::compare(v1, v2, fold);
    CHECK(find_new_number(folded, ChangeKind::amended, "6") == nullptr);
    CHECK(find_new_number(folded, ChangeKind::amended, "4") != nullptr);
    CHECK(folded.changes.size() == set.changes.size() - 1);
}

TEST_CASE("compare: sample v2 -> v3: insertion, move, cross-reference, one renumbering",
          "[diff][sample]") {
    auto v2 = sample("v2.md"), v3 = sample("v3.md");
    auto set = diff::compare(v2, v3);
    const auto* added = find_new_number(set, ChangeKind::added, "3");
    REQUIRE(added != nullptr);
    CHECK(added->new_block->text.find("deputy DSL") != std::string::npos);
    CHECK(count_kind(set, ChangeKind::added) == 1);
    CHECK(count_kind(set, ChangeKind::removed) == 0);

    REQUIRE(count_kind(set, ChangeKind::moved) == 1);
    const auto* moved = find_new_number(set, ChangeKind::moved, "8");
    REQUIRE(moved != nullptr);
    CHECK(moved->old_anchor->number == "5");
    CHECK_FALSE(moved->amended_too);
    CHECK(moved->new_anchor->section.back() == "Training");

    const auto* xref = find_new_number(set, ChangeKind::amended, "12");
    REQUIRE(xref != nullptr);
    CHECK(xref->old_anchor->number == "11");
    CHECK(old_text(xref->edits) == xref->old_block->text);
    bool saw = false;
    for (const auto& e : xref->edits)
        saw = saw || (e.op == EditOp::added && e.text == "9");
    CHECK(saw);

    REQUIRE(count_kind(set, ChangeKind::renumbered) == 1);
    const auto& r = *std::find_if(set.changes.begin(), set.changes.end(),
                                  [](const auto& c) { return c.kind == ChangeKind::renumbered; });
    CHECK(diff::describe_renumbering(r.renumbering) ==
          "paragraphs 3-4 are now 4-5; 8-16 are now 9-17");
    // Reading order of the new version.
    std::size_t last = 0;
    for (const auto& c : set.changes) {
        REQUIRE(c.new_anchor);
        CHECK(c.new_anchor->block_index >= last);
        last = c.new_anchor->block_index;
    }
    // Numbered changes: the insertion, the move, the cross-reference, and the renumbering.
    std::size_t numbered = 0;
    for (const auto& c : set.changes)
        numbered += !c.new_anchor->number.empty();
    CHECK(numbered == 4);
    CHECK(set.changes.size() <= 5);
}

TEST_CASE("compare: 300 numbered paragraphs, one inserted, one moved, three amended",
          "[diff][synthetic]") {
    std::mt19937 rng(2024);
    const std::vector<std::string> words = {
        "school", "child",   "staff",  "safeguarding", "should", "must",    "local",
        "policy", "records", "review", "partners",     "health", "police",  "training",
        "report", "concern", "parent", "carer",        "risk",   "support", "education"};
    auto sentence = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) {
            if (i)
                s += ' ';
            s += words[rng() % words.size()];
        }
        return s + ".";
    };
    // Paragraph texts; "## " entries are headings (they stay with their paragraphs).
    std::vector<std::string> paras;
    for (int i = 0; i < 300; ++i) {
        if (i % 40 == 0)
            paras.push_back("## Part " + std::to_string(i / 40 + 1));
        paras.push_back("Paragraph " + std::to_string(i) + " says " + sentence(25));
    }
    auto write = [](const std::vector<std::string>& ps) {
        std::string s = "# Synthetic guidance\n";
        int number = 0;
        for (const std::string& p : ps)
            s += p.rfind("## ", 0) == 0 ? "\n" + p + "\n"
                                        : "\n" + std::to_string(++number) + ". " + p + "\n";
        return s;
    };
    auto index_of = [&](const std::vector<std::string>& ps, int paragraph) {
        std::string prefix = "Paragraph " + std::to_string(paragraph) + " says";
        for (std::size_t k = 0; k < ps.size(); ++k)
            if (ps[k].rfind(prefix, 0) == 0)
                return k;
        FAIL("no paragraph " << paragraph);
        return std::size_t{0};
    };
    auto old_doc = doc_from(write(paras));

    std::vector<std::string> edited = paras;
    edited[index_of(edited, 50)] += " It also applies to volunteers."; // amended
    auto& p120 = edited[index_of(edited, 120)];
    p120.replace(p120.find(" says "), 6, " states ");                             // amended
    edited[index_of(edited, 250)] = "In short, " + edited[index_of(edited, 250)]; // amended
    std::string moved = edited[index_of(edited, 200)];
    edited.erase(edited.begin() + static_cast<long>(index_of(edited, 200)));
    edited.insert(edited.begin() + static_cast<long>(index_of(edited, 30)), moved); // 31
    edited.insert(edited.begin() + static_cast<long>(index_of(edited, 5)),
                  "A completely new paragraph about designated leads."); // 6
    auto new_doc = doc_from(write(edited));

    auto set = diff::compare(old_doc, new_doc);
    CHECK(count_kind(set, ChangeKind::added) == 1);
    CHECK(count_kind(set, ChangeKind::moved) == 1);
    CHECK(count_kind(set, ChangeKind::amended) == 3);
    CHECK(count_kind(set, ChangeKind::renumbered) == 1);
    CHECK(count_kind(set, ChangeKind::removed) == 0);
    CHECK(set.changes.size() == 6);
    CHECK(find_new_number(set, ChangeKind::added, "6") != nullptr);
    const auto* mv = find_new_number(set, ChangeKind::moved, "32");
    REQUIRE(mv != nullptr);
    CHECK(mv->old_anchor->number == "201");
    for (const auto& [o, n] : std::vector<std::pair<std::string, std::string>>{
             {"51", "53"}, {"121", "123"}, {"251", "252"}}) {
        const auto* c = find_new_number(set, ChangeKind::amended, n);
        REQUIRE(c != nullptr);
        CHECK(c->old_anchor->number == o);
    }
    const auto& r = *std::find_if(set.changes.begin(), set.changes.end(),
                                  [](const auto& c) { return c.kind == ChangeKind::renumbered; });
    CHECK(diff::describe_renumbering(r.renumbering) ==
          "paragraphs 6-30 are now 7-31; 31-200 are now 33-202; 202-300 are now 203-301");
}

TEST_CASE("compare: moved and edited is one move with its word edits", "[diff]") {
    auto a = doc_from("# A\n\n1. The first paragraph stays where it is.\n\n2. Governing bodies "
                      "should make sure every member of staff reads part one.\n\n# B\n\n3. The "
                      "third paragraph is about training.\n");
    auto b = doc_from("# A\n\n1. The first paragraph stays where it is.\n\n# B\n\n2. The third "
                      "paragraph is about training.\n\n3. Governing bodies must make sure every "
                      "member of staff reads part one.\n");
    auto set = diff::compare(a, b);
    REQUIRE(count_kind(set, ChangeKind::moved) == 1);
    CHECK(count_kind(set, ChangeKind::removed) == 0);
    CHECK(count_kind(set, ChangeKind::added) == 0);
    const auto* mv = find_new_number(set, ChangeKind::moved, "3");
    REQUIRE(mv);
    CHECK(mv->amended_too);
    CHECK(old_text(mv->edits) == mv->old_block->text);
    CHECK(new_text(mv->edits) == mv->new_block->text);
}

TEST_CASE("compare: ignore_case hides case-only changes", "[diff]") {
    auto a = doc_from("1. The Designated Safeguarding Lead acts.\n");
    auto b = doc_from("1. The designated safeguarding lead acts.\n");
    CHECK(diff::compare(a, b).changes.size() == 1);
    diff::Options o;
    o.ignore_case = true;
    CHECK(diff::compare(a, b, o).empty());
}

TEST_CASE("to_json carries the schema version and every change", "[diff]") {
    auto v2 = sample("v2.md"), v3 = sample("v3.md");
    auto set = diff::compare(v2, v3);
    auto j = render::diff_json(set);
    CHECK(j["schema_version"] == render::kDiffSchemaVersion);
    CHECK(j["changes"].size() == set.changes.size());
    CHECK(j["summary"]["moved"] == 1);
    bool saw_renumbered = false;
    for (const auto& c : j["changes"])
        if (c["kind"] == "renumbered") {
            saw_renumbered = true;
            CHECK(c["description"] == "paragraphs 3-4 are now 4-5; 8-16 are now 9-17");
            CHECK(c["renumbering"].size() == 2);
        }
    CHECK(saw_renumbered);
}

TEST_CASE("word_edits reconstructs both texts when a shared word starts only one of them",
          "[diff]") {
    diff::Options options;
    diff::detail::Interner interner(options);
    for (auto [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"é中 — [footnote 1]", "[footnote 1] — 2,000 a"},
             {"alpha beta gamma", "gamma delta"},
             {"one", "two one"},
             {"", "new words"}}) {
        auto ta = diff::detail::tokenize(a), tb = diff::detail::tokenize(b);
        auto edits =
            diff::detail::word_edits(a, ta, interner.ids(a, ta), b, tb, interner.ids(b, tb));
        CHECK(old_text(edits) == a);
        CHECK(new_text(edits) == b);
    }
}
