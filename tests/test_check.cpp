// `check` against a real HTTP server on 127.0.0.1 and a real store: documents that change between
// requests, conditional requests, and every fault with the other documents still checked.
#include "guidetrack/app/check.hpp"
#include "guidetrack/store/store.hpp"
#include "http_server.hpp"
#include "testutil.hpp"

#include "app.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sstream>

using namespace guidetrack;
using gt_test::HttpReply;
using gt_test::HttpServer;
using gt_test::TempDir;

namespace {

std::string sample(const std::string& name) {
    return gt_test::read_file(gt_test::source_dir() / "snapshots" / "sample" / name);
}

HttpReply markdown(const std::string& body, const std::string& etag = "") {
    HttpReply r;
    r.body = body;
    r.content_type = "text/markdown; charset=utf-8";
    r.etag = etag;
    return r;
}

struct Fixture {
    TempDir tmp;
    std::string dir = (tmp / "store").string();
    HttpServer server;

    Fixture() { REQUIRE(store::Store::init(dir).ok()); }

    void track(const std::string& id, const std::string& path, const std::string& format = "md") {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        store::DocumentInfo d;
        d.id = id;
        d.title = "Document " + id;
        d.url = path.empty() ? "" : server.url(path);
        d.format = format;
        REQUIRE(s->track(d).ok());
    }
    std::size_t versions(const std::string& id) {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        auto v = s->versions(id);
        REQUIRE(v.ok());
        return v->size();
    }
    store::DocumentInfo info(const std::string& id) {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        auto d = s->document(id);
        REQUIRE(d.ok());
        return *d;
    }
    gt_test::CliResult check(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--store",   dir, "check",         "--timeout", "1",
                                      "--retries", "1", "--retry-delay", "10"};
        args.insert(args.end(), extra.begin(), extra.end());
        return gt_test::run_cli(args);
    }
};

// The line of the output that starts with this document's ID.
std::string line_of(const std::string& out, const std::string& id) {
    std::size_t pos = 0;
    while (pos < out.size()) {
        std::size_t end = out.find('\n', pos);
        std::string line = out.substr(pos, end - pos);
        if (line.rfind(id + " ", 0) == 0)
            return line;
        if (end == std::string::npos)
            break;
        pos = end + 1;
    }
    return "";
}

} // namespace

TEST_CASE("check: first versions, changes, 304s and exit codes", "[check]") {
    Fixture f;
    f.server.script("/a.md", {markdown(sample("v1.md")), markdown(sample("v2.md"))});
    f.server.set("/b.md", markdown(sample("v1.md"), "\"b1\""));
    f.track("alpha", "/a.md");
    f.track("beta", "/b.md");

    // First versions are "new", not changes: exit 0 (1 with --fail-on-new).
    auto r = f.check();
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(line_of(r.out, "alpha").find("new: first version recorded") != std::string::npos);
    CHECK(line_of(r.out, "beta").find("new: first version recorded") != std::string::npos);
    CHECK(r.out.find("2 documents: 0 changed, 2 new, 0 unchanged, 0 failed") != std::string::npos);
    CHECK(f.info("beta").etag == "\"b1\"");

    r = f.check();
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    std::string alpha = line_of(r.out, "alpha");
    CHECK(alpha.find("changed: ") != std::string::npos);
    CHECK(alpha.find("changed: 0 items") == std::string::npos);
    CHECK(line_of(r.out, "beta") == "beta   unchanged");
    // Fetches run in parallel, so requests arrive in any order: count them instead.
    CHECK(f.server.count("/b.md") == 2);
    auto beta_requests = f.server.requests();
    std::size_t conditional = 0;
    for (const auto& q : beta_requests)
        if (q.path == "/b.md" && q.headers.count("if-none-match") && q.status == 304)
            ++conditional;
    CHECK(conditional == 1);
    CHECK(f.versions("alpha") == 2);
    CHECK(f.versions("beta") == 1);

    // Nothing new: exit 0.
    r = f.check({"alpha", "beta"});
    CHECK(r.code == 0);
    CHECK(line_of(r.out, "alpha") == "alpha  unchanged");
    CHECK(f.versions("alpha") == 2);

    // Only the named document is fetched.
    f.server.set("/a.md", markdown(sample("v3.md")));
    std::size_t before = f.server.count("/b.md");
    r = f.check({"alpha"});
    CHECK(r.code == 1);
    CHECK(f.server.count("/b.md") == before);
    CHECK(f.versions("alpha") == 3);
}

TEST_CASE("check: every fault fails alone, records nothing, and exits 3", "[check]") {
    Fixture f;
    f.server.set("/good.md", markdown(sample("v1.md")));
    HttpReply fail;
    fail.status = 500;
    f.server.script("/flaky.md", {fail, markdown(sample("v2.md"))});
    HttpReply slow = markdown(sample("v1.md"));
    slow.delay_ms = 3000;
    f.server.set("/slow.md", slow);
    HttpReply cut = markdown(sample("v1.md"));
    cut.truncate_to = 100;
    f.server.set("/cut.md", cut);
    HttpReply loop;
    loop.status = 302;
    loop.location = "/loop";
    f.server.set("/loop", loop);
    HttpReply html;
    html.body = "<!DOCTYPE html><html><body><p>Sorry, this page has moved.</p></body></html>";
    f.server.set("/guide.pdf", html);
    HttpReply big = markdown(std::string(3u << 20, 'a'));
    f.server.set("/big.md", big);
    HttpReply blank = markdown("   \n\n  ");
    f.server.set("/blank.md", blank);

    f.track("good", "/good.md");
    f.track("flaky", "/flaky.md");
    f.track("missing", "/missing.md");
    f.track("slow", "/slow.md");
    f.track("cut", "/cut.md");
    f.track("loop", "/loop", "html");
    f.track("wrong-type", "/guide.pdf", "pdf");
    f.track("big", "/big.md");
    f.track("blank", "/blank.md");
    f.track("no-url", "");

    auto r = f.check({"--max-size", "1", "--timeout", "0.5"});
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    CHECK(line_of(r.out, "good").find("new: first version recorded") != std::string::npos);
    CHECK(line_of(r.out, "flaky").find("new: first version recorded") != std::string::npos);
    auto failed = [&](const std::string& id, const std::string& path, const std::string& why) {
        std::string line = line_of(r.out, id);
        INFO(line);
        CHECK(line.find("failed: " + f.server.url(path) + ": " + why) != std::string::npos);
        CHECK(f.versions(id) == 0);
        CHECK(f.info(id).etag.empty());
    };
    // A 404 is "gone", not a failure of the run's machinery.
    CHECK(line_of(r.out, "missing")
              .find("gone: " + f.server.url("/missing.md") +
                    ": HTTP 404 Not Found; no version recorded") != std::string::npos);
    failed("slow", "/slow.md", "timed out (limit 0.5 s) (after 2 attempts)");
    failed("cut", "/cut.md", "truncated body: received 100 bytes");
    failed("loop", "/loop", "too many redirects (more than 5)");
    failed("wrong-type", "/guide.pdf", "expected PDF but the server sent HTML (text/html)");
    failed("big", "/big.md", "the document is larger than the limit of 1 MiB");
    failed("blank", "/blank.md", "");
    CHECK(line_of(r.out, "blank").find("empty") != std::string::npos);
    CHECK(line_of(r.out, "no-url") == "no-url      skipped: no URL tracked");
    CHECK(r.out.find("10 documents: 0 changed, 2 new, 0 unchanged, 6 failed, 1 gone, 1 without "
                     "a URL") != std::string::npos);
    CHECK(f.versions("good") == 1);
    CHECK(f.versions("flaky") == 1);
}

TEST_CASE("check: JSON tells failures from changes", "[check]") {
    Fixture f;
    f.server.script("/a.md", {markdown(sample("v1.md")), markdown(sample("v2.md"))});
    f.track("alpha", "/a.md");
    f.track("gone", "/gone.md");

    auto r = f.check({"--json", "alpha"});
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["result"] == "unchanged");
    CHECK(j["exit_code"] == 0);
    CHECK(j["documents"][0]["status"] == "first");

    r = f.check({"--json", "alpha"});
    REQUIRE(r.code == 1);
    j = nlohmann::json::parse(r.out);
    CHECK(j["documents"][0]["status"] == "changed");
    CHECK(j["documents"][0]["items"].get<int>() > 0);
    CHECK(j["documents"][0]["previous"]["commit"] != j["documents"][0]["version"]["commit"]);

    r = f.check({"--json"});
    REQUIRE(r.code == 3);
    j = nlohmann::json::parse(r.out);
    CHECK(j["result"] == "failed");
    CHECK(j["counts"]["gone"] == 1);
    CHECK(j["counts"]["unchanged"] == 1);
    CHECK(j["documents"][1]["id"] == "gone");
    CHECK(j["documents"][1]["status"] == "gone");
    CHECK(j["documents"][1]["reported_before"] == false);
    CHECK(j["documents"][1]["reason"] == f.server.url("/gone.md") + ": HTTP 404 Not Found");

    // Gone is reported (exit 3) the first time only, or every time with --strict.
    r = f.check({"--json"});
    REQUIRE(r.code == 0);
    j = nlohmann::json::parse(r.out);
    CHECK(j["documents"][1]["reported_before"] == true);
    CHECK(f.check({"--strict"}).code == 3);
    CHECK(f.check({}).code == 0);
}

TEST_CASE("check: bad arguments are input errors", "[check]") {
    Fixture f;
    f.track("alpha", "/a.md");
    f.track("local", "");
    auto r = f.check({"nosuch"});
    CHECK(r.code == 2);
    CHECK(r.err.find("nosuch") != std::string::npos);
    r = f.check({"local"});
    CHECK(r.code == 2);
    CHECK(r.err.find("no URL") != std::string::npos);
    r = f.check({"Bad/ID"});
    CHECK(r.code == 2);
    r = f.check({"--jobs", "0"});
    CHECK(r.code == 2);
    TempDir none;
    r = gt_test::run_cli({"--store", (none / "nostore").string(), "check"});
    CHECK(r.code == 2);
}

TEST_CASE("check: many documents are fetched several at a time", "[check]") {
    Fixture f;
    for (int i = 0; i < 12; ++i) {
        std::string path = "/doc" + std::to_string(i) + ".md";
        HttpReply r = markdown("# Document " + std::to_string(i) + "\n\nParagraph " +
                               std::to_string(i) + " of the guidance.\n");
        r.delay_ms = 200;
        f.server.set(path, r);
        f.track("doc-" + std::to_string(i), path);
    }
    auto start = std::chrono::steady_clock::now();
    auto r = f.check({"--jobs", "4"});
    auto took = std::chrono::steady_clock::now() - start;
    INFO(r.out << r.err);
    CHECK(r.code == 0); // first versions: new, not changes
    // 12 x 200 ms one at a time would be 2.4 s; four at a time about 0.6 s.
    CHECK(took < std::chrono::milliseconds(2000));
    for (int i = 0; i < 12; ++i)
        CHECK(f.versions("doc-" + std::to_string(i)) == 1);
}

TEST_CASE("check: the library records through one Store", "[check]") {
    Fixture f;
    f.server.script("/a.md",
                    {markdown(sample("v1.md"), "\"1\""), markdown(sample("v2.md"), "\"2\"")});
    f.track("alpha", "/a.md");
    auto s = store::Store::open(f.dir);
    REQUIRE(s.ok());
    check::Options o;
    o.fetch.timeout_ms = 1000;
    o.fetch.retry_delay_ms = 10;
    std::vector<std::string> seen;
    o.progress = [&](const check::Outcome& out, std::size_t done, std::size_t total) {
        seen.push_back(out.id + " " + std::to_string(done) + "/" + std::to_string(total));
    };
    auto doc = s->document("alpha");
    REQUIRE(doc.ok());
    check::VersionFields fields;
    fields.label = "fetched";
    fields.date = "2024-02-23";
    fields.note = "from the test server";
    auto one = check::check_one(*s, *doc, o, fields);
    CHECK(one.status == check::Status::first);
    REQUIRE(one.current.has_value());
    CHECK(one.current->label == "fetched");
    CHECK(one.current->date == "2024-02-23");
    CHECK(one.current->note == "from the test server");
    CHECK(one.current->source == f.server.url("/a.md"));
    doc = s->document("alpha");
    CHECK(doc->etag == "\"1\"");
    auto all = check::run(*s, {}, o);
    REQUIRE(all.ok());
    REQUIRE(all->size() == 1);
    CHECK((*all)[0].status == check::Status::changed);
    REQUIRE((*all)[0].notice.has_value());
    CHECK((*all)[0].items == (*all)[0].notice->items.size());
    CHECK(seen == std::vector<std::string>{"alpha 1/1"});
    CHECK(check::summarise(*all).exit_code() == 1);
}

TEST_CASE("catalog: the built-in copy is snapshots/catalog.json and it parses",
          "[check][catalog]") {
    std::string file = gt_test::read_file(gt_test::source_dir() / "snapshots" / "catalog.json");
    CHECK(std::string(check::builtin_catalog_json()) == file);
    auto c = check::load_catalog(gt_test::source_dir() / "snapshots" / "catalog.json");
    REQUIRE(c.ok());
    CHECK(c->entries.size() == check::builtin_catalog().entries.size());
    CHECK(c->entries.size() >= 10);
    bool wt = false, kcsie = false;
    for (const auto& e : c->entries) {
        CHECK(e.info.url.rfind("https://", 0) == 0);
        CHECK(e.info.url.find("gov.uk/") != std::string::npos);
        CHECK_FALSE(e.info.title.empty());
        CHECK_FALSE(e.info.publisher.empty());
        if (e.info.id == "working-together-2023") {
            // A publication: its page, and its statutory guidance followed to each re-issue.
            wt = e.info.url == "https://www.gov.uk/government/publications/"
                               "working-together-to-safeguard-children--2";
            CHECK(e.info.govuk_path ==
                  "/government/publications/working-together-to-safeguard-children--2");
            CHECK(e.info.attachment_glob == "*statutory guidance*");
            CHECK(e.info.format == "html");
        }
        kcsie = kcsie || e.info.id == "kcsie";
    }
    CHECK(wt);
    CHECK(kcsie);

    auto dsl = check::select(*c, {"dsl"});
    REQUIRE(dsl.ok());
    CHECK(dsl->size() == 2);
    auto two = check::select(*c, {"kcsie", "dsl", "sccif-childrens-homes"});
    REQUIRE(two.ok());
    CHECK(two->size() == 3); // no duplicates
    auto all = check::select(*c, {});
    REQUIRE(all.ok());
    CHECK(all->size() == c->entries.size());
    auto bad = check::select(*c, {"nosuch"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().kind == ErrorKind::input);
    CHECK(bad.error().message.find("known: ") != std::string::npos);
}

TEST_CASE("catalog: bad catalogues are input errors naming the entry", "[check][catalog]") {
    CHECK_FALSE(check::parse_catalog("not json").ok());
    CHECK_FALSE(check::parse_catalog("{}").ok());
    auto r = check::parse_catalog(R"({"documents":[{"id":"ok","title":"T","url":"ftp://x/y"}]})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("catalogue entry 'ok'") == 0);
    r = check::parse_catalog(R"({"documents":[{"id":"Bad ID","title":"T","url":"https://x/"}]})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("catalogue entry 1") == 0);
    r = check::parse_catalog(R"({"documents":[{"id":"a","title":"T","url":"https://x/"},
                                               {"id":"a","title":"T","url":"https://x/"}]})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("listed twice") != std::string::npos);
    r = check::parse_catalog(
        R"({"documents":[{"id":"a","title":"T","url":"https://x/","format":"docx"}]})");
    CHECK_FALSE(r.ok());
    // Publications: a GOV.UK path, no url or format beside it, "attachments" only with it.
    auto bad = [](const char* entry) {
        auto c = check::parse_catalog(std::string(R"({"documents":[)") + entry + "]}");
        INFO(entry);
        CHECK_FALSE(c.ok());
        return c.ok() ? std::string() : c.error().message;
    };
    CHECK(bad(R"({"id":"a","title":"T","govuk":"/government/publications/x","url":"https://x/"})")
              .find("not both") != std::string::npos);
    CHECK(bad(R"({"id":"a","title":"T","govuk":"https://example.com/x"})").find("GOV.UK path") !=
          std::string::npos);
    CHECK(bad(R"({"id":"a","title":"T","govuk":"/government/../x"})") != "");
    CHECK(bad(R"({"id":"a","title":"T","url":"https://x/","attachments":"*"})").find("goes with") !=
          std::string::npos);
    CHECK(bad(R"({"id":"a","title":"T","govuk":"/government/publications/x","format":"pdf"})")
              .find("no \"format\"") != std::string::npos);
    CHECK(bad(R"({"id":"a","title":"T"})").find("missing \"url\"") != std::string::npos);
    auto good = check::parse_catalog(
        R"({"documents":[{"id":"a","title":"T","govuk":"/government/publications/x/","attachments":"*PDF*"}]})");
    REQUIRE(good.ok());
    CHECK(good->entries[0].info.govuk_path == "/government/publications/x");
    CHECK(good->entries[0].info.url == "https://www.gov.uk/government/publications/x");
    CHECK(good->entries[0].info.attachment_glob == "*PDF*");
    TempDir tmp;
    CHECK(check::load_catalog(tmp / "none.json").error().kind == ErrorKind::input);
}

TEST_CASE("check: --report in md, json and html, and --feed", "[check]") {
    Fixture f;
    f.server.script("/a.md", {markdown(sample("v1.md")), markdown(sample("v2.md"))});
    f.track("alpha", "/a.md");
    f.track("gone", "/gone.md");
    auto md = (f.tmp / "report.md").string();
    auto js = (f.tmp / "report.json").string();
    auto html = (f.tmp / "report.html").string();
    auto atom = (f.tmp / "feed.xml").string();

    REQUIRE(f.check({"--report", md, "--feed", atom}).code == 3);
    std::string text = gt_test::read_file(md);
    CHECK(text.find("# Changes to tracked guidance") == 0);
    CHECK(text.find("## First versions recorded") != std::string::npos);
    CHECK(text.find("`gone`): " + f.server.url("/gone.md") + ": HTTP 404 Not Found") !=
          std::string::npos);

    auto r = f.check({"alpha", "--report", js, "--format", "json", "--feed", atom});
    REQUIRE(r.code == 1);
    auto j = nlohmann::json::parse(gt_test::read_file(js));
    CHECK(j["result"] == "changed");
    REQUIRE(j["notices"].size() == 1);
    CHECK(j["notices"][0]["id"] == "alpha");
    CHECK(j["notices"][0]["notice"]["items"].size() == j["documents"][0]["items"]);
    std::string feed = gt_test::read_file(atom);
    CHECK(feed.find("<feed") != std::string::npos);
    CHECK(feed.find("<entry>") != std::string::npos);

    // The same run rendered as Markdown and HTML names the document and its versions.
    f.server.set("/a.md", markdown(sample("v3.md")));
    REQUIRE(f.check({"alpha", "--report", html, "--format", "html"}).code == 1);
    std::string page = gt_test::read_file(html);
    CHECK(page.find("<!DOCTYPE html>") == 0);
    CHECK(page.find("Content-Security-Policy") != std::string::npos);
    // Each document gets the report `notice --format html` writes: its header (source, both
    // versions, when made), the list and the redlines, one heading level down.
    CHECK(page.find("<h2 class=\"doc-title\">Document alpha</h2>") != std::string::npos);
    CHECK(page.find("<dt>Source</dt><dd><a href=\"http://127.0.0.1") != std::string::npos);
    CHECK(page.find("<dt>Later version</dt>") != std::string::npos);
    CHECK(page.find("<dt>Report made</dt>") != std::string::npos);
    CHECK(page.find("<h3 class=\"part-title\">What changed</h3>") != std::string::npos);
    CHECK(page.find("<h3 class=\"part-title\">The changes in full</h3>") != std::string::npos);
    CHECK(page.find("<del>") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);

    CHECK(f.check({"--report", md, "--format", "docx"}).code == 2);
}

TEST_CASE("check: a progress bar on a terminal, plain lines otherwise", "[check]") {
    Fixture f;
    f.server.set("/a.md", markdown(sample("v1.md")));
    f.server.set("/b.md", markdown(sample("v2.md")));
    f.track("alpha", "/a.md");
    f.track("beta", "/b.md");
    std::istringstream in;
    std::ostringstream out, err;
    guidetrack::cli::Context ctx{in, out, err, true, {}};
    std::vector<const char*> argv{"guidetrack", "--store",   f.dir.c_str(),
                                  "check",      "--timeout", "1"};
    int code = guidetrack::cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
    CHECK(code == 0);                // two first versions: new, not changes
    CHECK(out.str().find("[") == 0); // the bar comes first
    CHECK(out.str().find("/2") != std::string::npos);
    CHECK(out.str().find("\r\033[K") != std::string::npos);
    auto plain = f.check();
    CHECK(plain.out.find('\r') == std::string::npos);
    CHECK(plain.out.find("\033") == std::string::npos);
}
