// The rules that make a notice forwardable (issue 12), each on a small document built here: one
// item per intent, descriptions that quote what changed, anchors the document prints,
// structure-only and case-only edits, sweeping changes summarised, GOV.UK template ignored.
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/notice.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace guidetrack;

namespace {

model::Document markdown(const std::string& text) {
    auto doc = extract::extract_markdown(text);
    REQUIRE(doc.ok());
    return *doc;
}

model::Document html(const std::string& text) {
    auto doc = extract::extract_html(text);
    REQUIRE(doc.ok());
    return *doc;
}

model::Block block(model::BlockKind kind, const std::string& number, const std::string& text,
                   std::vector<std::string> section = {"Guidance"}) {
    model::Block b;
    b.kind = kind;
    b.number = number;
    b.text = text;
    b.section = std::move(section);
    return b;
}

model::Block para(const std::string& number, const std::string& text,
                  std::vector<std::string> section = {"Guidance"}) {
    return block(model::BlockKind::paragraph, number, text, std::move(section));
}

notice::Notice notice_of(const model::Document& a, const model::Document& b,
                         notice::Detail detail = notice::Detail::summary,
                         bool include_minor = false) {
    notice::Options o;
    o.detail = detail;
    o.include_minor = include_minor;
    return notice::build_notice(a, b, diff::compare(a, b), notice::Versions{"T", "a", "b", "", ""},
                                o);
}

std::string lines(const notice::Notice& n) {
    std::string s;
    for (const auto& item : n.items)
        s += render::item_line(item) + (item.major ? "" : " [minor]") + "\n";
    return s;
}

const std::string kIntro = "# Guidance\n\nThis paragraph introduces the guidance for schools.\n\n";

} // namespace

TEST_CASE("notice rules: a paragraph rewritten in place is one amended item", "[notice]") {
    auto a = markdown(kIntro + "## Training\n\nAll staff should receive safeguarding training "
                               "every year from a trained provider.\n\nThe end.\n");
    auto b = markdown(kIntro + "## Training\n\nAll staff must complete safeguarding and child "
                               "protection training each year from an accredited provider, "
                               "with refreshers at least termly.\n\nThe end.\n");
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    CHECK(n.items[0].kind == notice::ItemKind::wording_amended);
    // Described by quoting, never by counts alone.
    CHECK(n.items[0].description.find("words removed") == std::string::npos);
    CHECK(n.items[0].description.find('"') != std::string::npos);
}

TEST_CASE("notice rules: a removed and an added glossary entry for one term pair up", "[notice]") {
    auto a = markdown("# Glossary\n\n- Early help - support for families when a problem first "
                      "emerges.\n- Harm - ill treatment or the impairment of health.\n");
    auto b = markdown("# Glossary\n\n- Early help - support for children and families at any "
                      "point in a child's life, from the foundation years through to the "
                      "teenage years.\n- Harm - ill treatment or the impairment of health.\n");
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    CHECK(n.items[0].kind == notice::ItemKind::definition_updated);
    CHECK(render::item_line(n.items[0]).find("Early help") != std::string::npos);
}

TEST_CASE("notice rules: quoted phrases read on their own", "[notice]") {
    model::Document a, b;
    a.blocks = {para("48", "The lead representatives of the safeguarding partners are: the "
                           "local authority chief executive and others.")};
    b.blocks = {para("48", "The LSPs for safeguarding partners are: the local authority chief "
                           "executive and others.")};
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    // The noun is finished ("safeguarding partners"), not cut after "safeguarding", and the
    // quote does not start with a lone function word.
    CHECK(n.items[0].description == "replaced \"The lead representatives of the safeguarding "
                                    "partners\" with \"The LSPs for safeguarding partners\"");
}

TEST_CASE("notice rules: words put in before a full stop are an addition, not a replacement",
          "[notice]") {
    model::Document a, b;
    a.blocks = {para("", "We will carry out our monitoring inspections remotely by default. "
                         "However, we will visit if we have concerns.")};
    b.blocks = {para("", "We will carry out our monitoring inspections remotely by default (with "
                         "the exception of new provider monitoring visits, which require site "
                         "visits). However, we will visit if we have concerns.")};
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    CHECK(n.items[0].description == "added \"(with the exception of new provider monitoring "
                                    "visits, which require site visits)\"");
}

TEST_CASE("notice rules: a one-word substitution is 'replaced X with Y'", "[notice]") {
    model::Document a, b;
    a.blocks = {para("12", "Inspectors will usually arrive at 8am on the first day.")};
    b.blocks = {para("12", "Inspectors will usually arrive at 9am on the first day.")};
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    CHECK(render::item_line(n.items[0]).rfind("Paragraph 12: ", 0) == 0);
    CHECK(n.items[0].description.find("8am") != std::string::npos);
    CHECK(n.items[0].description.find("9am") != std::string::npos);
}

TEST_CASE("notice rules: anchors only from what the document prints", "[notice]") {
    // No numbered paragraphs: the section (and the bullet's place in its list), never a
    // position under the heading printed as if it were a paragraph number.
    auto a = markdown(kIntro + "## Contacts\n\nFirst paragraph of contacts.\n\nSecond paragraph "
                               "of contacts.\n\n- the police on 999\n- the local authority "
                               "duty team\n- the NSPCC helpline\n");
    auto b = markdown(kIntro + "## Contacts\n\nFirst paragraph of contacts.\n\nSecond paragraph "
                               "of contacts.\n\n- the police on 999\n- the local authority "
                               "duty team\n- the NSPCC helpline on 0808 800 5000\n");
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    CHECK(n.items[0].where.paragraph.empty());
    std::string line = render::item_line(n.items[0]);
    CHECK(line.rfind("Section 'Contacts', bullet 3: ", 0) == 0);
    CHECK(line.find("paragraph") == std::string::npos);
}

TEST_CASE("notice rules: the same words in another block structure give no item", "[notice]") {
    SECTION("three paragraphs merged into one") {
        auto a = markdown(kIntro + "Staff must report concerns.\n\nThey must do so at once.\n\n"
                                   "The DSL decides what happens next.\n");
        auto b = markdown(kIntro + "Staff must report concerns. They must do so at once. The DSL "
                                   "decides what happens next.\n");
        auto n = notice_of(a, b);
        INFO(lines(n));
        CHECK(n.items.empty());
    }
    SECTION("a private-use bullet glyph made a real list item") {
        model::Document a, b;
        a.blocks = {para("", "Staff should know:"),
                    para("", "\xef\x80\xad who the DSL is")}; // U+F02D, Word's bullet glyph
        b.blocks = {para("", "Staff should know:"),
                    block(model::BlockKind::list_item, "", "who the DSL is")};
        auto n = notice_of(a, b, notice::Detail::summary, true);
        INFO(lines(n));
        for (const auto& item : n.items)
            CHECK_FALSE(item.major);
    }
}

TEST_CASE("notice rules: case-only and punctuation-only edits are minor", "[notice]") {
    model::Document a, b;
    a.blocks = {para("3", "The guidance is published on GOV.UK for all schools."),
                para("4", "Schools should read it, and act on it.")};
    b.blocks = {para("3", "The guidance is published on gov.uk for all schools."),
                para("4", "Schools should read it and act on it.")};
    auto hidden = notice_of(a, b);
    INFO(lines(hidden));
    CHECK(hidden.items.empty());
    CHECK(hidden.minor_omitted == 2);
    auto shown = notice_of(a, b, notice::Detail::summary, true);
    INFO(lines(shown));
    REQUIRE(shown.items.size() == 2);
    for (const auto& item : shown.items)
        CHECK_FALSE(item.major);
}

TEST_CASE("notice rules: a term replaced throughout is one item", "[notice]") {
    model::Document a, b;
    const std::vector<std::string> texts = {
        "A fixed-term exclusion must be recorded by the school on the day.",
        "Parents are told of a fixed-term exclusion in writing without delay.",
        "The headteacher may decide a fixed-term exclusion only on disciplinary grounds.",
        "Work is set for a pupil during a fixed-term exclusion of more than a day.",
        "The governing board reviews each fixed-term exclusion within fifteen days.",
        "A pupil returning from a fixed-term exclusion has a reintegration meeting.",
    };
    for (std::size_t i = 0; i < texts.size(); ++i) {
        std::string n = std::to_string(10 + i * 3);
        a.blocks.push_back(para(n, texts[i]));
        std::string t = texts[i];
        t.replace(t.find("fixed-term exclusion"), 20, "suspension");
        b.blocks.push_back(para(n, t));
        // Unchanged paragraphs between them keep them apart.
        for (int k = 1; k <= 2; ++k) {
            std::string m = std::to_string(10 + i * 3 + k);
            std::string filler = "Unchanged paragraph " + m + " about something else entirely.";
            a.blocks.push_back(para(m, filler));
            b.blocks.push_back(para(m, filler));
        }
    }
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    CHECK(n.items[0].kind == notice::ItemKind::term_replaced);
    std::string line = render::item_line(n.items[0]);
    CHECK(line.find("fixed-term exclusion") != std::string::npos);
    CHECK(line.find("suspension") != std::string::npos);
    CHECK(line.find("throughout") != std::string::npos);
    CHECK(n.items[0].details.size() == 6);
    // --detail full lists every place.
    auto full = notice_of(a, b, notice::Detail::full);
    CHECK(full.items.size() == 6);
}

TEST_CASE("notice rules: renumbering in as few phrases as are true", "[notice]") {
    model::Document a, b;
    for (int i = 1; i <= 6; ++i)
        a.blocks.push_back(para(std::to_string(i), "Paragraph text number " + std::to_string(i) +
                                                       " with enough words to match."));
    b.blocks = a.blocks;
    b.blocks.insert(b.blocks.begin() + 2,
                    para("3", "A brand new paragraph added by this revision of the guidance."));
    for (std::size_t i = 3; i < b.blocks.size(); ++i)
        b.blocks[i].number = std::to_string(i + 1);
    auto n = notice_of(a, b);
    INFO(lines(n));
    bool found = false;
    for (const auto& item : n.items)
        if (item.kind == notice::ItemKind::renumbered) {
            found = true;
            CHECK(item.description == "paragraphs 3 onwards are renumbered +1 (now 4 onwards)");
        }
    CHECK(found);
}

TEST_CASE("notice rules: GOV.UK's 'Applies to England' banner is not content", "[notice]") {
    auto page = [](const std::string& sentence) {
        return "<html><body><main><h1>Handbook</h1>"
               "<section class=\"gem-c-devolved-nations\"><h2>Applies to England</h2></section>"
               "<div class=\"govspeak\"><p>" +
               sentence +
               "</p><p>Inspectors follow this handbook on every visit.</p></div>"
               "</main></body></html>";
    };
    auto a = html(page("This guidance applies from 1 September 2021."));
    for (const auto& blk : a.blocks)
        CHECK(blk.text != "Applies to England");
    auto b = html(page("This guidance applies from 1 September 2021. It will be reviewed each "
                       "year by the inspectorate."));
    auto n = notice_of(a, b);
    INFO(lines(n));
    // The real sentence beside the banner is reported, and only it.
    REQUIRE(n.items.size() == 1);
    CHECK(render::item_line(n.items[0]).find("reviewed each year") != std::string::npos);
    CHECK(render::item_line(n.items[0]).find("Applies to England") == std::string::npos);
}

TEST_CASE("notice rules: a stored 'Applies to England' heading is ignored by rule", "[notice]") {
    model::Document a, b;
    a.blocks = {block(model::BlockKind::heading, "", "Handbook", {}),
                para("", "Inspectors follow this handbook.", {"Handbook"})};
    b.blocks = {block(model::BlockKind::heading, "", "Handbook", {}),
                block(model::BlockKind::heading, "", "Applies to England", {"Handbook"}),
                para("", "Inspectors follow this handbook.", {"Handbook", "Applies to England"})};
    a.blocks[0].level = 1;
    b.blocks[0].level = 1;
    b.blocks[1].level = 2;
    auto n = notice_of(a, b);
    INFO(lines(n));
    CHECK(n.items.empty());
}

TEST_CASE("notice rules: a paragraph split in three with words changed is one item", "[notice]") {
    model::Document a, b;
    a.blocks = {para("", "Anyone can make a referral. Support is tailored to the individual's "
                         "needs and works like other safeguarding processes. Receiving support "
                         "is voluntary and not any form of criminal sanction."),
                para("", "An unchanged paragraph after it.")};
    b.blocks = {para("", "Anyone can make a referral."),
                para("", "Support is tailored to the individual and works like other "
                         "safeguarding processes."),
                para("", "Receiving support is voluntary and not a form of criminal sanction."),
                para("", "An unchanged paragraph after it.")};
    auto n = notice_of(a, b);
    INFO(lines(n));
    REQUIRE(n.items.size() == 1);
    std::string d = n.items[0].description;
    CHECK(d.rfind("split the paragraph into 3 and ", 0) == 0);
    CHECK(d.find("not a form") != std::string::npos);
    CHECK(d.find("added a new paragraph") == std::string::npos);
}

TEST_CASE("notice rules: a few short labels removed from a busy revision are named", "[notice]") {
    // Enough other changes that the notice summarises by section.
    model::Document a, b;
    auto heading = [](const std::string& t, std::vector<std::string> sec) {
        auto h = block(model::BlockKind::heading, "", t, std::move(sec));
        h.level = static_cast<int>(h.section.size()) + 1;
        return h;
    };
    a.blocks.push_back(heading("Handbook", {}));
    b.blocks.push_back(heading("Handbook", {}));
    for (int s = 1; s <= 12; ++s) {
        std::string name = "Part " + std::to_string(s);
        a.blocks.push_back(heading(name, {"Handbook"}));
        b.blocks.push_back(heading(name, {"Handbook"}));
        for (int k = 1; k <= 5; ++k) {
            std::string t = "In part " + std::to_string(s) + " inspectors consider matter " +
                            std::to_string(k) + " carefully and record what they find.";
            a.blocks.push_back(para("", t, {"Handbook", name}));
            // A different new sentence in each paragraph: many changes, no sweep.
            static const std::vector<std::string> kTopics = {
                "attendance", "behaviour",  "safeguarding", "reading", "governance", "workload",
                "bullying",   "curriculum", "sport",        "meals",   "transport",  "music"};
            b.blocks.push_back(para("",
                                    t + " Leaders explain how " + kTopics[s - 1] + " decision " +
                                        std::to_string(k) + " was made.",
                                    {"Handbook", name}));
        }
    }
    a.blocks.push_back(heading("Good", {"Handbook"}));
    b.blocks.push_back(heading("Good", {"Handbook"}));
    for (const char* label : {"Intent", "Implementation", "Impact"}) {
        a.blocks.push_back(para("", label, {"Handbook", "Good"}));
        a.blocks.push_back(para("",
                                std::string("Leaders describe the ") + label +
                                    " of the curriculum clearly to inspectors.",
                                {"Handbook", "Good"}));
        b.blocks.push_back(para("",
                                std::string("Leaders describe the ") + label +
                                    " of the curriculum clearly to inspectors.",
                                {"Handbook", "Good"}));
    }
    auto n = notice_of(a, b);
    INFO(lines(n));
    CHECK(n.items.size() <= 40);
    bool named = false;
    for (const auto& item : n.items)
        if (render::item_line(item) ==
            "Section 'Good': removed \"Intent\", \"Implementation\" and \"Impact\"")
            named = true;
    CHECK(named);
}
