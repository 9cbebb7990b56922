// What a notification says (src/notify/message.cpp), on the sample's 1 -> 2 change: a target's
// filters, the subject line, the composed texts and JSON, the Slack and Teams payloads, and
// where a password comes from. Sending itself is tested against real SMTP and HTTP servers in
// tests/e2e/notify_email.sh and notify_webhook.sh.
#include "guidetrack/config/config.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/notify/notify.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace guidetrack;

namespace {

model::Document sample(const std::string& name) {
    auto doc =
        extract::extract(gt_test::read_file(gt_test::source_dir() / "snapshots" / "sample" / name),
                         {extract::Format::markdown, name});
    REQUIRE(doc.ok());
    return *doc;
}

// The sample's version 1 -> 2 change, minor items included: paragraphs 4 (wording), 6
// (typographic, minor), 9 (email), 12 (link), 15 (glossary).
notify::Change sample_change() {
    model::Document a = sample("v1.md"), b = sample("v2.md");
    notice::Options o;
    o.include_minor = true;
    notice::Versions v;
    v.title = "Keeping Learners Safe in Sample Town";
    v.old_label = "v1";
    v.new_label = "v2";
    v.date = "2024-02-23";
    notify::Change c;
    c.id = "sample";
    c.title = v.title;
    c.url = "https://www.gov.uk/guidance/sample";
    c.groups = {"schools"};
    c.notice = notice::build_notice(a, b, diff::compare(a, b), v, o);
    c.old_commit = "1111111111111111111111111111111111111111";
    c.new_commit = "2222222222222222222222222222222222222222";
    return c;
}

config::NotifyTarget target(config::TargetType type = config::TargetType::email) {
    config::NotifyTarget t;
    t.name = "dsl";
    t.type = type;
    return t;
}

} // namespace

TEST_CASE("notify: the sample change is what the tests below expect", "[notify]") {
    notify::Change c = sample_change();
    REQUIRE(c.notice.items.size() == 5);
    std::size_t minor = 0;
    for (const auto& item : c.notice.items)
        minor += !item.major;
    CHECK(minor == 1);
}

TEST_CASE("notify: filters by document, group, section and minor items", "[notify]") {
    notify::Change c = sample_change();
    config::NotifyTarget t = target();
    // No filters: every major item, the minor one left out.
    auto all = notify::filter(t, c);
    REQUIRE(all);
    CHECK(all->notice.items.size() == 4);
    CHECK(all->sections.empty());
    t.minor = true;
    CHECK(notify::filter(t, c)->notice.items.size() == 5);
    t.minor = false;
    // Documents and groups.
    t.documents = {"samp*"};
    CHECK(notify::filter(t, c));
    t.documents = {"working-together-*"};
    CHECK_FALSE(notify::filter(t, c));
    CHECK_FALSE(notify::selects(t, "sample", {"schools"}));
    t.documents.clear();
    t.groups = {"early-years"};
    CHECK_FALSE(notify::filter(t, c));
    t.groups = {"early-years", "schools"};
    CHECK(notify::filter(t, c));
    t.groups.clear();
    // Sections: only the items under a matching heading, and which heading matched.
    t.sections = {"Chapter 2*"};
    auto ch2 = notify::filter(t, c);
    REQUIRE(ch2);
    REQUIRE(ch2->notice.items.size() == 1);
    CHECK(ch2->notice.items[0].kind == notice::ItemKind::email_corrected);
    CHECK(ch2->sections == std::vector<std::string>{"Chapter 2: Reviews and reporting"});
    t.sections = {"Training"}; // only the minor item is there
    CHECK_FALSE(notify::filter(t, c));
    t.minor = true;
    CHECK(notify::filter(t, c));
    t.sections = {"No such section*"};
    CHECK_FALSE(notify::filter(t, c));
}

TEST_CASE("notify: subjects for one document, a section filter and a digest", "[notify]") {
    notify::Change c = sample_change();
    config::NotifyTarget t = target();
    auto one = notify::filter(t, c);
    REQUIRE(one);
    CHECK(notify::subject(t, {*one}) ==
          "Keeping Learners Safe in Sample Town: updated 23 February 2024 (4 changes)");
    t.subject_prefix = "[Safeguarding]";
    t.sections = {"Glossary"};
    auto glossary = notify::filter(t, c);
    REQUIRE(glossary);
    CHECK(notify::subject(t, {*glossary}) == "[Safeguarding] Keeping Learners Safe in Sample "
                                             "Town: updated 23 February 2024 (1 change in "
                                             "Glossary)");
    t = target();
    notify::Change other = *one;
    other.id = "sample-two";
    CHECK(notify::subject(t, {*one, other}) == "Guidance updated: 2 documents (8 changes)");
}

TEST_CASE("notify: a composed message carries the text notice, the HTML report and JSON",
          "[notify]") {
    notify::Change c = sample_change();
    config::NotifyTarget t = target();
    auto f = notify::filter(t, c);
    REQUIRE(f);
    notify::Message m = notify::compose(t, {*f});
    CHECK(m.subject == notify::subject(t, {*f}));
    CHECK(m.text.find("Paragraph 9: corrected the email address") != std::string::npos);
    CHECK(m.html.find("<html") != std::string::npos);
    CHECK(m.html.find("Paragraph 9") != std::string::npos);
    REQUIRE(m.json.contains("documents"));
    REQUIRE(m.json["documents"].size() == 1);
    CHECK(m.json["documents"][0]["id"] == "sample");
    CHECK(m.json["documents"][0]["url"] == "https://www.gov.uk/guidance/sample");
    CHECK(m.json["subject"] == m.subject);
    CHECK(m.json.contains("schema_version"));
    CHECK_FALSE(m.test);
    notify::Message test = notify::test_message(t);
    CHECK(test.test);
    CHECK_FALSE(test.subject.empty());
}

TEST_CASE("notify: Slack and Teams payloads hold the subject and the items", "[notify]") {
    notify::Change c = sample_change();
    config::NotifyTarget t = target(config::TargetType::webhook);
    auto f = notify::filter(t, c);
    REQUIRE(f);
    notify::Message m = notify::compose(t, {*f});
    std::string slack = notify::slack_payload(m).dump();
    CHECK(notify::slack_payload(m).contains("blocks"));
    CHECK(slack.find("Keeping Learners Safe in Sample Town") != std::string::npos);
    CHECK(slack.find("Paragraph 12") != std::string::npos);
    nlohmann::json teams = notify::teams_payload(m);
    std::string teams_text = teams.dump();
    CHECK(teams_text.find("AdaptiveCard") != std::string::npos);
    CHECK(teams_text.find("Paragraph 15") != std::string::npos);
}

TEST_CASE("notify: a password comes from the environment variable the target names", "[notify]") {
    config::NotifyTarget t = target();
    t.password_env = "GT_TEST_NOTIFY_PASSWORD_UNSET";
    ::unsetenv("GT_TEST_NOTIFY_PASSWORD_UNSET");
    auto missing = notify::password_of(t);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().kind == ErrorKind::input);
    CHECK(missing.error().message.find("GT_TEST_NOTIFY_PASSWORD_UNSET") != std::string::npos);
    ::setenv("GT_TEST_NOTIFY_PASSWORD_SET", "s3cret", 1);
    t.password_env = "GT_TEST_NOTIFY_PASSWORD_SET";
    auto set = notify::password_of(t);
    REQUIRE(set.ok());
    CHECK(*set == "s3cret");
    ::unsetenv("GT_TEST_NOTIFY_PASSWORD_SET");
}
