// GOV.UK publications against a real HTTP server on 127.0.0.1 serving Content API JSON (written
// here in the shape of alphagov's "publication" schema) and the attachments (PDFs made by
// pdfgen, an HTML publication): track, check, a re-issue at a new asset address, a new and a
// withdrawn attachment, the publisher's date and note in log, notice, report, feed and --json,
// and every bad answer failing alone with the store untouched.
#include "guidetrack/app/publications.hpp"
#include "guidetrack/fetch/govuk.hpp"
#include "guidetrack/store/store.hpp"
#include "http_server.hpp"
#include "pdfgen.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

using namespace guidetrack;
using gt_test::HttpReply;
using gt_test::HttpServer;
using gt_test::TempDir;
using nlohmann::json;

namespace {

const std::string kPath = "/government/publications/keeping-learners-safe";

// The statutory guidance as a PDF: paragraph 2 carries an email address, paragraph 3 the wording
// the re-issue amends.
std::string guidance_pdf(bool reissue) {
    pdfgen::Flow f("Keeping learners safe");
    f.heading("Keeping learners safe in Sample Town", 16);
    f.paragraph("Every school has a designated safeguarding lead who takes lead responsibility "
                "for safeguarding and child protection.",
                "1");
    f.paragraph(std::string("Concerns about a serious incident go to the review panel at ") +
                    (reissue ? "Mailbox.ReviewPanel@education.gov.uk"
                             : "ReviewPanel@education.gsi.gov.uk") +
                    " within five working days.",
                "2");
    f.paragraph(std::string(reissue ? "The LSPs for safeguarding partners"
                                    : "The lead representatives of the safeguarding partners") +
                    " should delegate their functions to a named person.",
                "3");
    f.paragraph("Governing bodies should make sure that every member of staff reads this "
                "guidance.",
                "4");
    return f.pdf();
}

std::string annex_pdf() {
    pdfgen::Flow f("Annex B");
    f.heading("Annex B: further information", 16);
    f.paragraph("This annex lists further sources of help for staff.", "1");
    return f.pdf();
}

std::string quick_guide_html() {
    return "<!DOCTYPE html><html><head><title>Quick guide</title></head><body><main>"
           "<h1>Keeping learners safe: a quick guide</h1>"
           "<p>Tell the designated safeguarding lead about any concern the same day.</p>"
           "</main></body></html>";
}

HttpReply reply(std::string body, std::string type) {
    HttpReply r;
    r.body = std::move(body);
    r.content_type = std::move(type);
    return r;
}

// A Content API answer for the publication. reissue: the February 2024 update (the PDF at a new
// asset address, Annex B added, the quick guide withdrawn).
const std::string kReissueNote =
    "Page 1, paragraph 3: amended the wording used to describe lead safeguarding partners. "
    "Paragraph 2: corrected the review panel's email address. Added Annex B.";

std::string publication_json(const HttpServer& s, bool reissue,
                             const std::string& reissue_note = kReissueNote) {
    json atts = json::array();
    atts.push_back({{"attachment_type", "file"},
                    {"id", "1"},
                    {"title", "Keeping learners safe: statutory guidance"},
                    {"content_type", "application/pdf"},
                    {"filename", "Keeping_learners_safe.pdf"},
                    {"url", s.url(reissue ? "/media/bbb222/Keeping_learners_safe.pdf"
                                          : "/media/aaa111/Keeping_learners_safe.pdf")}});
    if (!reissue)
        atts.push_back({{"attachment_type", "html"},
                        {"id", "2"},
                        {"title", "Quick guide"},
                        {"url", kPath + "/quick-guide"}});
    else
        atts.push_back({{"attachment_type", "file"},
                        {"id", "3"},
                        {"title", "Annex B"},
                        {"content_type", "application/pdf"},
                        {"filename", "Annex_B.pdf"},
                        {"url", s.url("/media/ccc333/Annex_B.pdf")}});
    json history = json::array();
    history.push_back(
        {{"public_timestamp", "2024-01-10T09:30:00.000+00:00"}, {"note", "First published."}});
    if (reissue)
        history.push_back(
            {{"public_timestamp", "2024-02-23T09:30:00.000+00:00"}, {"note", reissue_note}});
    json j{{"base_path", kPath},
           {"title", "Keeping learners safe"},
           {"description", "Statutory guidance for schools in Sample Town (a sample)."},
           {"document_type", "statutory_guidance"},
           {"schema_name", "publication"},
           {"public_updated_at",
            reissue ? "2024-02-23T09:30:00.000+00:00" : "2024-01-10T09:30:00.000+00:00"},
           {"links",
            {{"organisations", json::array({{{"content_id", "x"},
                                             {"locale", "en"},
                                             {"title", "Department for Education"}}})}}},
           {"details",
            {{"body", "<p>This guidance applies to all schools.</p>"},
             {"documents", json::array({"<section>generated</section>"})},
             {"political", false},
             {"change_history", history},
             {"attachments", atts}}}};
    return j.dump();
}

// Points the Content API at the test's server, and back at the one before (tests/support/main.cpp).
struct EnvGuard {
    explicit EnvGuard(const std::string& value) {
        if (const char* old = std::getenv("GUIDETRACK_GOVUK_API"))
            before = old;
        ::setenv("GUIDETRACK_GOVUK_API", value.c_str(), 1);
    }
    ~EnvGuard() {
        if (before.empty())
            ::unsetenv("GUIDETRACK_GOVUK_API");
        else
            ::setenv("GUIDETRACK_GOVUK_API", before.c_str(), 1);
    }
    std::string before;
};

struct Fixture {
    TempDir tmp;
    std::string dir = (tmp / "store").string();
    HttpServer server;
    EnvGuard env{server.url("/api/content")};

    void serve(bool reissue, const std::string& note = kReissueNote) {
        server.set("/api/content" + kPath, reply(publication_json(server, reissue, note),
                                                 "application/json; charset=utf-8"));
    }
    Fixture() {
        server.set("/media/aaa111/Keeping_learners_safe.pdf",
                   reply(guidance_pdf(false), "application/pdf"));
        server.set("/media/bbb222/Keeping_learners_safe.pdf",
                   reply(guidance_pdf(true), "application/pdf"));
        server.set("/media/ccc333/Annex_B.pdf", reply(annex_pdf(), "application/pdf"));
        server.set(kPath + "/quick-guide", reply(quick_guide_html(), "text/html; charset=utf-8"));
        serve(false);
    }
    gt_test::CliResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--store", dir});
        return gt_test::run_cli(args);
    }
    gt_test::CliResult check(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"check", "--timeout", "5", "--retries", "0"};
        args.insert(args.end(), extra.begin(), extra.end());
        return cli(args);
    }
    std::vector<store::VersionInfo> versions(const std::string& id) {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        auto v = s->versions(id);
        REQUIRE(v.ok());
        return *v;
    }
    std::vector<store::DocumentInfo> documents() {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        auto d = s->documents();
        REQUIRE(d.ok());
        return *d;
    }
};

const std::string kPdfId = "kls-keeping-learners-safe-statutory-guidance";
const std::string kGuideId = "kls-quick-guide";
const std::string kAnnexId = "kls-annex-b";

bool has(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("govuk: path_of, hosts and the page", "[govuk]") {
    using namespace fetch::govuk;
    CHECK(*path_of("https://www.gov.uk/government/publications/x?y=1#z") ==
          "/government/publications/x");
    CHECK(*path_of("government/publications/x/") == "/government/publications/x");
    CHECK(*path_of("https://www.gov.uk/api/content/government/publications/x") ==
          "/government/publications/x");
    CHECK(!path_of("https://example.com/government/publications/x").ok());
    CHECK(!path_of("/").ok());
    CHECK(!path_of("/government/../etc").ok());
    CHECK(allowed_host("https://assets.publishing.service.gov.uk/media/x.pdf",
                       "https://www.gov.uk/api/content"));
    CHECK(!allowed_host("https://evilgov.uk/x", "https://www.gov.uk/api/content"));
    CHECK(!allowed_host("https://gov.uk.example.com/x", "https://www.gov.uk/api/content"));
    CHECK(attachment_key("Keeping learners safe: statutory guidance", "") ==
          "keepinglearnerssafestatutoryguidance");
    CHECK(filename_stem("https://a.gov.uk/media/1/Keeping_Learners_Safe.pdf") ==
          "keepinglearnerssafe");
    CHECK(web_base("http://127.0.0.1:5/api/content") == "http://127.0.0.1:5");

    // Attachments from details.documents[] HTML when there is no details.attachments.
    json j{
        {"title", "T"},
        {"details",
         {{"documents",
           json::array({"<section><h3><a href=\"https://assets.publishing.service.gov.uk/m/"
                        "Guide.pdf\">The guide</a></h3><a href=\"mailto:a@b.gov.uk\">mail</a>"
                        "<a href=\"https://evil.example.com/x.pdf\">elsewhere</a></section>"})}}}};
    auto p = parse(j.dump(), "/government/publications/t", "https://www.gov.uk/api/content",
                   "https://www.gov.uk");
    REQUIRE(p.ok());
    REQUIRE(p->attachments.size() == 1);
    CHECK(p->attachments[0].title == "The guide");
    CHECK(attachment_format(p->attachments[0]) == "pdf");
    CHECK(p->updated_date().empty());
}

TEST_CASE("govuk: track, check, re-issue at a new address, new and withdrawn attachments, "
          "the publisher's date and note everywhere",
          "[govuk]") {
    Fixture f;
    auto r = f.cli({"track", "kls", "--govuk",
                    "https://www.gov.uk/government/publications/keeping-learners-safe"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "Tracking kls: Keeping learners safe (GOV.UK publication " + kPath + ")"));
    CHECK(has(r.out, "attachment " + kPdfId + ": Keeping learners safe: statutory guidance (pdf)"));
    CHECK(has(r.out, "attachment " + kGuideId + ": Quick guide (html)"));
    CHECK(f.documents().size() == 3);

    r = f.check();
    INFO(r.out << r.err);
    CHECK(r.code == 0); // first versions are new, not changes (main, issue 15)
    CHECK(has(r.out, "3 documents: 0 changed, 3 new, 0 unchanged, 0 failed"));
    auto v = f.versions(kPdfId);
    REQUIRE(v.size() == 1);
    CHECK(v[0].date == "2024-01-10");
    CHECK(v[0].date_source == "publisher");
    CHECK(v[0].publisher_note == "First published.");
    CHECK(v[0].retrieved_at.substr(0, 4) != "2024"); // kept apart: today's
    CHECK(f.versions("kls").at(0).date == "2024-01-10");

    // The February re-issue.
    f.serve(true);
    std::string report = (f.tmp / "report.html").string();
    std::string feed = (f.tmp / "feed.xml").string();
    r = f.check({"--report", report, "--format", "html", "--feed", feed});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(has(r.out, "kls  attachment 'Keeping learners safe: statutory guidance' (" + kPdfId +
                         ") re-issued at a new address: " +
                         f.server.url("/media/bbb222/Keeping_learners_safe.pdf")));
    CHECK(has(r.out, "kls  new attachment 'Annex B' tracked as " + kAnnexId));
    CHECK(has(r.out, "kls  attachment 'Quick guide' (" + kGuideId +
                         ") is no longer listed by the publication: kept, nothing deleted"));
    // Same document, new version, the publisher's date and note.
    v = f.versions(kPdfId);
    REQUIRE(v.size() == 2);
    CHECK(v[0].date == "2024-02-23");
    CHECK(v[0].label == "2024-02-23");
    CHECK(v[0].source == f.server.url("/media/bbb222/Keeping_learners_safe.pdf"));
    CHECK(has(v[0].publisher_note, "Page 1, paragraph 3: amended the wording"));
    CHECK(f.versions(kAnnexId).size() == 1);
    // Withdrawn: still tracked, its version kept.
    CHECK(f.documents().size() == 4);
    CHECK(f.versions(kGuideId).size() == 1);

    // log
    r = f.cli({"log", kPdfId});
    INFO(r.out);
    CHECK(has(r.out, "2024-02-23"));
    CHECK(has(r.out, "Publisher's note: Page 1, paragraph 3: amended the wording"));
    CHECK(has(r.out, "Publisher's note: First published."));
    r = f.cli({"log", kPdfId, "--json"});
    auto lj = json::parse(r.out);
    CHECK(lj["versions"][0]["date_source"] == "publisher");
    CHECK(has(lj["versions"][0]["publisher_note"].get<std::string>(), "Added Annex B"));

    // notice: the publisher's date in the header, the note beside ours when asked.
    r = f.cli({"notice", kPdfId, "--notes"});
    INFO(r.out);
    CHECK(has(r.out, "Last updated 23 February 2024\nPublisher's note: Page 1, paragraph 3"));
    CHECK(has(r.out, "- Page 1, paragraph 3: replaced \"The lead representatives of the "
                     "safeguarding partners\" with \"The LSPs for safeguarding partners\""));
    r = f.cli({"notice", kPdfId});
    CHECK(has(r.out, "Last updated 23 February 2024"));
    CHECK(!has(r.out, "Publisher's note"));
    r = f.cli({"notice", kPdfId, "--notes", "--format", "json"});
    CHECK(has(json::parse(r.out)["publisher_note"].get<std::string>(), "paragraph 3"));

    // The HTML report and the feed.
    std::string html = gt_test::read_file(report);
    CHECK(has(html, "Last updated 23 February 2024"));
    CHECK((has(html, "Publisher&#39;s note") || has(html, "Publisher's note")));
    CHECK(has(html, "Page 1, paragraph 3: amended the wording used to describe"));
    std::string atom = gt_test::read_file(feed);
    CHECK(has(atom, "Publisher"));
    CHECK(has(atom, "amended the wording used to describe lead safeguarding partners"));

    // check --json carries the publication's events.
    f.serve(true);
    r = f.check({"--json"});
    auto cj = json::parse(r.out);
    REQUIRE(cj.contains("publications"));
    CHECK(cj["publications"][0]["event"] == "withdrawn");

    // audit: the note names paragraphs 3 and 2 and the annex; both changes are covered.
    r = f.cli({"audit", kPdfId});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(has(r.out, "matches: Page 1, paragraph 3: replaced \"The lead representatives"));
    CHECK(has(r.out, "matches: Page 1, paragraph 2: corrected the email address"));
    CHECK(has(r.out, "covers every major change"));

    // A snapshot note is shown in the same places.
    f.server.set("/media/bbb222/Keeping_learners_safe.pdf",
                 reply(guidance_pdf(false), "application/pdf"));
    r = f.cli(
        {"snapshot", kPdfId, "--note", "Checked with the head teacher", "--date", "2024-03-01"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    r = f.cli({"log", kPdfId});
    CHECK(has(r.out, "Our note: Checked with the head teacher"));
    r = f.cli({"notice", kPdfId, "--notes"});
    CHECK(has(r.out, "Our note: Checked with the head teacher"));
}

TEST_CASE("govuk: check --audit reports what the publisher's note leaves out", "[govuk]") {
    Fixture f;
    REQUIRE(f.cli({"track", "kls", "--govuk", kPath}).code == 0);
    REQUIRE(f.check().code == 0);

    // The re-issue's note forgets the corrected email address in paragraph 2.
    f.serve(true, "Page 1, paragraph 3: amended the wording used to describe lead safeguarding "
                  "partners. Added Annex B.");
    std::string md = (f.tmp / "report.md").string();
    auto r = f.check({"--audit", "--report", md});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(has(r.out, kPdfId + "  changed: 2 items"));
    CHECK(has(r.out, "  The publisher's note leaves out 1 of 2 major changes."));
    // The publication page changed too (its list of documents), but the note is not about it.
    CHECK(has(r.out, "\nkls       "));
    CHECK(r.out.find("The publisher's note") == r.out.rfind("The publisher's note"));
    CHECK(has(r.out, "  not in the publisher's note: Page 1, paragraph 2: corrected the email "
                     "address"));
    std::string report = gt_test::read_file(md);
    CHECK(has(report, "### Audit of the publisher's note: Keeping learners safe"));
    CHECK(has(report, "- matches: Page 1, paragraph 3: replaced"));
    CHECK(has(report, "- not in the publisher's note: Page 1, paragraph 2: corrected the email"));

    // A change the publisher made without a new note: every change is one it did not mention.
    f.server.set("/media/bbb222/Keeping_learners_safe.pdf",
                 reply(guidance_pdf(false), "application/pdf"));
    std::string html = (f.tmp / "report.html").string();
    r = f.check({"--audit", "--json", "--report", html, "--format", "html"});
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    auto j = json::parse(r.out);
    bool found = false;
    for (const auto& d : j["documents"])
        if (d["id"] == kPdfId) {
            found = true;
            CHECK(d["status"] == "changed");
            CHECK(has(d["audit"]["skipped"].get<std::string>(),
                      "No new change note from the publisher: the note is still the one of "
                      "version 2024-02-23"));
        }
    CHECK(found);
    CHECK(has(gt_test::read_file(html), "No new change note from the publisher"));

    // Back to the re-issue, with the note covering both changes: complete, in --json and html.
    f.server.set("/media/bbb222/Keeping_learners_safe.pdf",
                 reply(guidance_pdf(true), "application/pdf"));
    f.serve(true, "Page 1, paragraph 2: corrected the email address. Page 1, paragraph 3: "
                  "amended the wording.");
    r = f.check({"--audit", "--json", "--report", html, "--format", "html"});
    INFO(r.out << r.err);
    j = json::parse(r.out);
    for (const auto& d : j["documents"])
        if (d["id"] == kPdfId) {
            REQUIRE(d.contains("audit"));
            CHECK(d["audit"]["complete"] == true);
            CHECK(d["audit"]["official"][0]["found"] == true);
        }
    std::string page = gt_test::read_file(html);
    CHECK(has(page, "<section class=\"audit\">"));
    CHECK(has(page, "The publisher&#39;s note covers every major change (2)."));

    // Without --audit: no audit anywhere.
    f.server.set("/media/bbb222/Keeping_learners_safe.pdf",
                 reply(guidance_pdf(false), "application/pdf"));
    r = f.check({"--report", md});
    CHECK(r.code == 1);
    CHECK(!has(r.out, "publisher's note"));
    CHECK(!has(gt_test::read_file(md), "Audit of the publisher's note"));
}

TEST_CASE("govuk: track --catalog tracks a catalogued publication with its attachments",
          "[govuk][catalog]") {
    Fixture f;
    std::string catalog = (f.tmp / "catalog.json").string();
    {
        std::ofstream out(catalog);
        json pub{{"id", "kls"},
                 {"title", "Keeping learners safe (catalogue title)"},
                 {"govuk", kPath},
                 {"attachments", "*statutory guidance*"},
                 {"publisher", "Department for Education"}};
        json plain{{"id", "plain"}, {"title", "A plain page"}, {"url", f.server.url("/plain")}};
        out << json{{"documents", {pub, plain}}}.dump(2);
    }
    auto r = f.cli({"track", "--catalog", "--catalog-file", catalog});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "Tracking kls: Keeping learners safe (GOV.UK publication " + kPath +
                         ")\n"
                         "  Last updated 10 January 2024: First published.\n"
                         "  attachment " +
                         kPdfId +
                         ": Keeping learners safe: statutory guidance (pdf)\n"
                         "  not tracked (does not match *statutory guidance*): Quick guide\n"));
    CHECK(has(r.out, "Tracking plain: A plain page (" + f.server.url("/plain") + ")"));
    CHECK(r.err.empty());
    auto docs = f.documents();
    REQUIRE(docs.size() == 3);
    for (const auto& d : docs)
        if (d.id == "kls")
            CHECK(d.attachment_glob == "*statutory guidance*");

    // check records the guidance with the publisher's date; the re-issue's new attachment does
    // not match the pattern either, so it is not tracked.
    f.server.set("/plain", reply("just text", "text/plain"));
    r = f.check();
    INFO(r.out << r.err);
    CHECK(has(r.out, "3 documents: 0 changed, 3 new"));
    CHECK(f.versions(kPdfId).at(0).date == "2024-01-10");
    f.serve(true);
    r = f.check();
    CHECK(r.code == 1);
    CHECK(has(r.out, kPdfId + "  changed: 2 items"));
    CHECK(!has(r.out, "Annex B"));
    CHECK(f.documents().size() == 3);

    // Tracked again: already tracked, GOV.UK not asked.
    r = f.cli({"track", "--catalog", "--catalog-file", catalog, "kls"});
    CHECK(r.code == 0);
    CHECK(has(r.out, "Already tracked kls"));
}

TEST_CASE("govuk: track --catalog when GOV.UK does not answer tracks the publication alone; "
          "check adds its attachments",
          "[govuk][catalog]") {
    Fixture f;
    std::string catalog = (f.tmp / "catalog.json").string();
    {
        std::ofstream out(catalog);
        out << json{{"documents",
                     {{{"id", "kls"}, {"title", "Keeping learners safe"}, {"govuk", kPath}}}}}
                   .dump();
    }
    HttpReply down;
    down.status = 503;
    down.body = "down for maintenance";
    f.server.set("/api/content" + kPath, down);
    auto r = f.cli({"track", "--catalog", "--catalog-file", catalog});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "Tracking kls: Keeping learners safe (GOV.UK publication " + kPath + ")"));
    CHECK(has(r.err, "guidetrack: warning: kls: "));
    CHECK(has(r.err, "503"));
    CHECK(has(r.err, "(its attachments are tracked by the first `guidetrack check`)"));
    REQUIRE(f.documents().size() == 1);

    f.serve(false);
    r = f.check();
    INFO(r.out << r.err);
    CHECK(has(r.out, "kls  new attachment 'Keeping learners safe: statutory guidance' tracked as " +
                         kPdfId));
    CHECK(has(r.out, "kls  new attachment 'Quick guide' tracked as " + kGuideId));
    CHECK(has(r.out, "3 documents: 0 changed, 3 new"));
    CHECK(f.versions(kPdfId).at(0).publisher_note == "First published.");
}

TEST_CASE("govuk: bad API answers fail alone, one line each, store untouched", "[govuk]") {
    Fixture f;
    HttpServer other; // a second host: "localhost" is not the API's host
    const std::string good = "/government/publications/good";
    auto good_json = [&] {
        json j = json::parse(publication_json(f.server, false));
        j["base_path"] = good;
        j["details"]["attachments"].erase(1); // the PDF only
        return j.dump();
    };
    f.server.set("/api/content" + good, reply(good_json(), "application/json"));
    REQUIRE(f.cli({"track", "good", "--govuk", good}).code == 0);
    REQUIRE(f.cli({"track", "kls", "--govuk", kPath}).code == 0);

    // Bad answers at track time: nothing tracked.
    struct Case {
        std::string name;
        HttpReply answer;
        std::string expect;
    };
    HttpReply not_json = reply("<html>Sorry</html>", "text/html");
    HttpReply bad_json = reply("{\"title\": ", "application/json");
    HttpReply no_title = reply(R"({"details": {}})", "application/json");
    HttpReply bad_attachment = reply(
        R"({"title": "T", "details": {"attachments": [{"attachment_type": "file", "content_type": "application/pdf", "id": "1"}]}})",
        "application/json");
    HttpReply missing;
    missing.status = 404;
    missing.body = "not found";
    HttpReply off_host;
    off_host.status = 302;
    off_host.location = "http://localhost:" + std::to_string(other.port()) + "/api/content/x";
    other.set("/api/content/x", reply(publication_json(f.server, false), "application/json"));
    std::vector<Case> cases{{"not-json", not_json, "not JSON"},
                            {"bad-json", bad_json, "not JSON"},
                            {"no-title", no_title, "has no 'title'"},
                            {"no-url", bad_attachment, "attachment 1 has no 'url'"},
                            {"missing", missing, "404"},
                            {"off-host", off_host, "redirected off GOV.UK"}};
    for (const auto& c : cases) {
        SECTION(c.name) {
            f.server.set("/api/content/government/publications/" + c.name, c.answer);
            auto r = f.cli({"track", c.name, "--govuk", "/government/publications/" + c.name});
            INFO(r.out << r.err);
            CHECK(r.code == 3);
            CHECK(has(r.err, c.expect));
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
            CHECK(f.documents().size() == 5);

            // The same answer at check time: that publication fails, the other goes on.
            f.server.set("/api/content" + kPath, c.answer);
            r = f.check();
            INFO(r.out << r.err);
            CHECK(r.code == 3);
            std::string line;
            for (std::size_t pos = 0; pos < r.out.size();) {
                std::size_t end = r.out.find('\n', pos);
                std::string l = r.out.substr(pos, end - pos);
                if (l.rfind("kls ", 0) == 0)
                    line = l;
                pos = end == std::string::npos ? r.out.size() : end + 1;
            }
            CHECK(has(line, "failed: "));
            CHECK(has(line, c.expect));
            CHECK(f.versions("kls").empty());
            CHECK(f.versions("good").size() == 1);
            // Its attachments are still checked at their known addresses.
            CHECK(f.versions(kPdfId).size() == 1);
            CHECK(f.documents().size() == 5);
        }
    }
}

TEST_CASE("govuk: an attachment served as HTML where a PDF was promised fails alone", "[govuk]") {
    Fixture f;
    f.server.set("/media/aaa111/Keeping_learners_safe.pdf",
                 reply("<html><body><p>Please log in</p></body></html>", "text/html"));
    REQUIRE(f.cli({"track", "kls", "--govuk", kPath}).code == 0);
    auto r = f.check();
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK(has(r.out, "3 documents: 0 changed, 2 new, 0 unchanged, 1 failed"));
    CHECK(f.versions(kPdfId).empty());
    CHECK(f.versions(kGuideId).size() == 1);
    CHECK(f.versions("kls").size() == 1);
}

TEST_CASE("govuk: --attachment picks attachments by title", "[govuk]") {
    Fixture f;
    auto r = f.cli({"track", "kls", "--govuk", kPath, "--attachment", "*statutory*"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(has(r.out, "not tracked (does not match --attachment): Quick guide"));
    CHECK(f.documents().size() == 2);
    // A new attachment that does not match is not tracked either.
    f.serve(true);
    r = f.check();
    INFO(r.out << r.err);
    CHECK(!has(r.out, "new attachment"));
    CHECK(f.documents().size() == 2);
    CHECK(f.versions(kPdfId).size() == 1);
    CHECK(f.versions(kPdfId)[0].date == "2024-02-23");
}
