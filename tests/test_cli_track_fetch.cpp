// `snapshot ID` without a file fetches the tracked URL; `track --url` refuses other schemes;
// `track --catalog` adds the catalogued guidance.
#include "http_server.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

using gt_test::run_cli;

namespace {

std::string sample(const char* name) {
    return gt_test::read_file(gt_test::source_dir() / "snapshots" / "sample" / name);
}

} // namespace

TEST_CASE("snapshot without a file fetches the tracked URL", "[cli][fetch]") {
    gt_test::TempDir dir;
    std::string store = (dir / "store").string();
    gt_test::HttpServer server;
    gt_test::HttpReply reply;
    reply.body = sample("v1.md");
    reply.content_type = "text/markdown; charset=utf-8";
    reply.etag = "\"v1\"";
    server.set("/doc.md", reply);

    REQUIRE(run_cli({"--store", store, "track", "doc", "--title", "Doc", "--url",
                     server.url("/doc.md"), "--input-format", "md"})
                .code == 0);
    auto first = run_cli({"--store", store, "snapshot", "doc", "--label", "one"});
    INFO(first.err);
    REQUIRE(first.code == 0);
    CHECK(first.out.find("recorded version one") != std::string::npos);

    // Unchanged: answered by a conditional request, nothing recorded.
    auto again = run_cli({"--store", store, "snapshot", "doc"});
    CHECK(again.code == 0);
    CHECK(again.out.find("unchanged") != std::string::npos);
    CHECK(server.requests().back().headers.count("if-none-match") == 1);

    reply.body = sample("v2.md");
    reply.etag = "\"v2\"";
    server.set("/doc.md", reply);
    REQUIRE(run_cli({"--store", store, "snapshot", "doc", "--label", "two"}).code == 0);
    auto log = run_cli({"--store", store, "log", "doc"});
    CHECK(log.out.find("two") != std::string::npos);
    CHECK(log.out.find("one") != std::string::npos);

    // A failing server records nothing and exits 3 naming the URL.
    gt_test::HttpReply missing;
    missing.status = 404;
    missing.body = "gone";
    server.set("/doc.md", missing);
    auto failed = run_cli({"--store", store, "snapshot", "doc"});
    CHECK(failed.code == 3);
    CHECK(failed.err.find(server.url("/doc.md")) != std::string::npos);
    CHECK(failed.err.find("404") != std::string::npos);
    auto log_after = run_cli({"--store", store, "log", "doc"});
    CHECK(log_after.out == log.out);
}

TEST_CASE("snapshot without a file or URL is an input error", "[cli][fetch]") {
    gt_test::TempDir dir;
    std::string store = (dir / "store").string();
    REQUIRE(run_cli({"--store", store, "track", "doc", "--title", "Doc"}).code == 0);
    auto r = run_cli({"--store", store, "snapshot", "doc"});
    CHECK(r.code == 2);
    CHECK(r.err.find("has no URL") != std::string::npos);
}

TEST_CASE("track refuses URLs that are not http or https", "[cli][fetch]") {
    gt_test::TempDir dir;
    std::string store = (dir / "store").string();
    auto r = run_cli(
        {"--store", store, "track", "doc", "--title", "Doc", "--url", "file:///etc/passwd"});
    CHECK(r.code == 2);
    CHECK(r.err.find("only http and https") != std::string::npos);
}

TEST_CASE("track --catalog adds the catalogued guidance by group", "[cli][fetch]") {
    gt_test::TempDir dir;
    std::string store = (dir / "store").string();
    // Its entries are GOV.UK publications; the test's Content API (tests/support/main.cpp: a
    // closed port on 127.0.0.1) does not answer, so each publication is tracked alone and its
    // attachments are left to the first check.
    auto r = run_cli({"--store", store, "track", "--catalog", "dsl"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Tracking working-together-2023: Working together to safeguard children "
                     "2023 (GOV.UK publication /government/publications/"
                     "working-together-to-safeguard-children--2)") != std::string::npos);
    CHECK(r.err.find("guidetrack: warning: working-together-2023: http://127.0.0.1:9/") == 0);
    CHECK(r.err.find("(its attachments are tracked by the first `guidetrack check`)") !=
          std::string::npos);
    auto list = run_cli({"--store", store, "list"});
    CHECK(list.out.find("working-together-2023") != std::string::npos);
    CHECK(list.out.find("kcsie") != std::string::npos);
    // Again: nothing changes, documents already tracked are said so.
    auto again = run_cli({"--store", store, "track", "--catalog", "dsl"});
    CHECK(again.code == 0);
    CHECK(again.out.find("Already tracked") != std::string::npos);
    CHECK(run_cli({"--store", store, "track", "--catalog", "no-such-group"}).code == 2);
}
