// The fetch client against a real HTTP server on 127.0.0.1 (tests/support/http_server).
#include "guidetrack/app/fetch_document.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/fetch/fetch.hpp"
#include "http_server.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

using namespace guidetrack;
using gt_test::HttpReply;
using gt_test::HttpServer;

namespace {

const std::string kHtml = "<!DOCTYPE html><html><head><title>Guidance</title></head><body>"
                          "<main><h1>Guidance</h1><p>1. Paragraph one.</p></main></body></html>";

fetch::Options quick() {
    fetch::Options o;
    o.connect_timeout_ms = 1000;
    o.timeout_ms = 1500;
    o.retries = 2;
    o.retry_delay_ms = 10;
    return o;
}

store::DocumentInfo doc_at(const std::string& url, const std::string& format = "html") {
    store::DocumentInfo d;
    d.id = "guide";
    d.title = "Guidance";
    d.url = url;
    d.format = format;
    return d;
}

// A TCP server on 127.0.0.1 that answers every connection with the same bytes, whatever the
// request: for servers that do not speak HTTP.
class RawServer {
  public:
    explicit RawServer(std::string reply) : reply_(std::move(reply)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        ::listen(fd_, 8);
        thread_ = std::thread([this] {
            for (;;) {
                int c = ::accept(fd_, nullptr, nullptr);
                if (c < 0 || stop_)
                    break;
                char buf[4096];
                (void)::recv(c, buf, sizeof buf, 0);
                (void)::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
                ::close(c);
            }
        });
    }
    ~RawServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

  private:
    std::string reply_;
    int fd_ = -1, port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace

TEST_CASE("fetch: a document with its validators, user agent and format", "[fetch]") {
    HttpServer server;
    HttpReply r;
    r.body = kHtml;
    r.etag = "\"v1\"";
    r.last_modified = "Tue, 20 Feb 2024 10:00:00 GMT";
    server.set("/guide", r);

    auto got = app::fetch_document(doc_at(server.url("/guide")), quick());
    REQUIRE(got.ok());
    CHECK_FALSE(got->not_modified());
    CHECK(got->response.body == kHtml);
    CHECK(got->response.http_status == 200);
    CHECK(got->response.content_type == "text/html");
    CHECK(got->response.validators.etag == "\"v1\"");
    CHECK(got->response.validators.last_modified == "Tue, 20 Feb 2024 10:00:00 GMT");
    CHECK(got->format == extract::Format::html);
    CHECK(got->response.attempts == 1);

    auto log = server.requests();
    REQUIRE(log.size() == 1);
    CHECK(log[0].headers["user-agent"].rfind("guidetrack/", 0) == 0);
    CHECK(log[0].headers.count("if-none-match") == 0);
}

TEST_CASE("fetch: conditional requests give 304 not modified", "[fetch]") {
    HttpServer server;
    HttpReply r;
    r.body = kHtml;
    r.etag = "\"abc\"";
    server.set("/etag", r);
    HttpReply lm;
    lm.body = kHtml;
    lm.last_modified = "Wed, 21 Feb 2024 09:00:00 GMT";
    server.set("/lm", lm);

    auto d = doc_at(server.url("/etag"));
    d.etag = "\"abc\"";
    auto got = app::fetch_document(d, quick());
    REQUIRE(got.ok());
    CHECK(got->not_modified());
    CHECK(got->response.body.empty());
    CHECK(got->response.validators.etag == "\"abc\"");
    CHECK(server.requests().back().headers["if-none-match"] == "\"abc\"");

    // A stale ETag: the server sends the whole document again.
    d.etag = "\"old\"";
    got = app::fetch_document(d, quick());
    REQUIRE(got.ok());
    CHECK_FALSE(got->not_modified());
    CHECK(got->response.body == kHtml);

    auto l = doc_at(server.url("/lm"));
    l.last_modified = "Wed, 21 Feb 2024 09:00:00 GMT";
    got = app::fetch_document(l, quick());
    REQUIRE(got.ok());
    CHECK(got->not_modified());
    CHECK(got->response.validators.last_modified == "Wed, 21 Feb 2024 09:00:00 GMT");
    CHECK(server.requests().back().headers["if-modified-since"] == l.last_modified);
}

TEST_CASE("fetch: HTTP errors fail and name the document, the URL and the status", "[fetch]") {
    HttpServer server;
    auto got = app::fetch_document(doc_at(server.url("/missing")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().kind == ErrorKind::runtime);
    CHECK(got.error().message == "guide: " + server.url("/missing") + ": HTTP 404 Not Found");
    CHECK(server.count("/missing") == 1); // a 404 is not retried
}

TEST_CASE("fetch: a 500 is retried and the next 200 succeeds", "[fetch]") {
    HttpServer server;
    HttpReply fail;
    fail.status = 500;
    fail.body = "oops";
    HttpReply ok;
    ok.body = kHtml;
    server.script("/flaky", {fail, ok});
    auto got = app::fetch_document(doc_at(server.url("/flaky")), quick());
    REQUIRE(got.ok());
    CHECK(got->response.attempts == 2);
    CHECK(got->response.body == kHtml);

    server.set("/down", fail);
    got = app::fetch_document(doc_at(server.url("/down")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message ==
          "guide: " + server.url("/down") + ": HTTP 500 Internal Server Error (after 3 attempts)");
    CHECK(server.count("/down") == 3);
}

TEST_CASE("fetch: a slow response past the timeout fails", "[fetch]") {
    HttpServer server;
    HttpReply slow;
    slow.body = kHtml;
    slow.delay_ms = 3000;
    server.set("/slow", slow);
    auto o = quick();
    o.timeout_ms = 300;
    o.retries = 1;
    auto start = std::chrono::steady_clock::now();
    auto got = app::fetch_document(doc_at(server.url("/slow")), o);
    auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message ==
          "guide: " + server.url("/slow") + ": timed out (limit 0.3 s) (after 2 attempts)");
    CHECK(took < std::chrono::milliseconds(2000));
}

TEST_CASE("fetch: a truncated body is a failure", "[fetch]") {
    HttpServer server;
    HttpReply cut;
    cut.body = std::string(10000, 'x');
    cut.content_type = "text/plain";
    cut.truncate_to = 4000;
    server.set("/cut", cut);
    auto o = quick();
    o.retries = 0;
    auto got = app::fetch_document(doc_at(server.url("/cut"), "txt"), o);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("guide: " + server.url("/cut") + ": truncated body") == 0);
    CHECK(got.error().message.find("10000") != std::string::npos);
}

TEST_CASE("fetch: redirects are followed, loops are cut", "[fetch]") {
    HttpServer server;
    HttpReply moved;
    moved.status = 301;
    moved.location = "/new";
    moved.body = "moved";
    server.set("/old", moved);
    HttpReply page;
    page.body = kHtml;
    server.set("/new", page);
    auto got = app::fetch_document(doc_at(server.url("/old")), quick());
    REQUIRE(got.ok());
    CHECK(got->response.effective_url == server.url("/new"));

    HttpReply loop;
    loop.status = 302;
    loop.location = "/loop";
    server.set("/loop", loop);
    got = app::fetch_document(doc_at(server.url("/loop")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message ==
          "guide: " + server.url("/loop") + ": too many redirects (more than 5)");
    CHECK(server.count("/loop") == 6);

    HttpReply elsewhere;
    elsewhere.status = 302;
    elsewhere.location = "file:///etc/passwd";
    server.set("/file", elsewhere);
    got = app::fetch_document(doc_at(server.url("/file")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("not http or https") != std::string::npos);
}

TEST_CASE("fetch: a format other than the tracked one is an error", "[fetch]") {
    HttpServer server;
    HttpReply html;
    html.body = kHtml;
    server.set("/report.pdf", html);
    auto got = app::fetch_document(doc_at(server.url("/report.pdf"), "pdf"), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message == "guide: " + server.url("/report.pdf") +
                                     ": expected PDF but the server sent HTML (text/html)");

    HttpReply lying;
    lying.body = kHtml;
    lying.content_type = "application/pdf";
    server.set("/lying.pdf", lying);
    got = app::fetch_document(doc_at(server.url("/lying.pdf"), "pdf"), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("served as application/pdf but the body is not a PDF") !=
          std::string::npos);

    HttpReply pdf;
    pdf.body = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
    pdf.content_type = "application/pdf";
    server.set("/doc.pdf", pdf);
    got = app::fetch_document(doc_at(server.url("/doc.pdf"), "html"), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("expected HTML but the server sent PDF") != std::string::npos);
    got = app::fetch_document(doc_at(server.url("/doc.pdf"), "pdf"), quick());
    REQUIRE(got.ok());
    CHECK(got->format == extract::Format::pdf);

    // Markdown served as text/plain (raw files on code hosts) keeps its tracked format.
    HttpReply md;
    md.body = "# Title\n\nSome text.\n";
    md.content_type = "text/plain; charset=utf-8";
    server.set("/guide.md", md);
    got = app::fetch_document(doc_at(server.url("/guide.md"), "md"), quick());
    REQUIRE(got.ok());
    CHECK(got->format == extract::Format::markdown);
}

TEST_CASE("fetch: a body over the size limit is abandoned", "[fetch]") {
    HttpServer server;
    HttpReply big;
    big.body = std::string(200000, 'a');
    big.content_type = "text/plain";
    server.set("/announced", big);
    big.chunked = true;
    server.set("/streamed", big);
    auto o = quick();
    o.max_bytes = 100000;
    for (const char* path : {"/announced", "/streamed"}) {
        auto got = app::fetch_document(doc_at(server.url(path), "txt"), o);
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().message == "guide: " + server.url(path) +
                                         ": the document is larger than the limit of 100000 bytes");
        CHECK(server.count(path) == 1);
    }
}

TEST_CASE("fetch: URLs other than http and https are refused", "[fetch]") {
    for (const char* url : {"ftp://example.org/a.pdf", "file:///etc/passwd", "gopher://x/",
                            "www.gov.uk/guidance", "https://", "http:///path"}) {
        INFO(url);
        auto ok = fetch::validate_url(url);
        REQUIRE_FALSE(ok.ok());
        CHECK(ok.error().kind == ErrorKind::input);
    }
    CHECK(fetch::validate_url("https://www.gov.uk/government/publications/x").ok());
    auto got = app::fetch_document(doc_at("ftp://example.org/a.pdf"), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("guide: refused URL scheme 'ftp'") == 0);
    auto none = doc_at("");
    got = app::fetch_document(none, quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().kind == ErrorKind::input);
}

TEST_CASE("fetch: an empty body and a refused connection fail", "[fetch]") {
    HttpServer server;
    HttpReply empty;
    empty.body = "";
    server.set("/empty", empty);
    auto got = app::fetch_document(doc_at(server.url("/empty")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("empty body") != std::string::npos);

    std::string closed;
    {
        HttpServer gone;
        closed = gone.url("/x");
    }
    auto o = quick();
    o.retries = 1;
    got = app::fetch_document(doc_at(closed), o);
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("guide: " + closed + ": ") == 0);
    CHECK(got.error().message.find("(after 2 attempts)") != std::string::npos);
}

TEST_CASE("fetch: url_filename and content types", "[fetch]") {
    CHECK(fetch::url_filename("https://a.gov.uk/media/x/Working_together.pdf?x=1#p") ==
          "Working_together.pdf");
    CHECK(fetch::url_filename("https://www.gov.uk") == "");
    CHECK(fetch::url_filename("https://www.gov.uk/") == "");
    CHECK(app::format_from_content_type("Application/PDF") == extract::Format::pdf);
    CHECK(app::format_from_content_type("text/html; charset=utf-8") == extract::Format::html);
    CHECK(app::format_from_content_type("application/octet-stream") == extract::Format::automatic);
}

TEST_CASE("fetch: address kinds", "[fetch]") {
    using fetch::AddressKind;
    auto kind = [](const char* ip) { return fetch::address_kind(ip); };
    CHECK(kind("8.8.8.8") == AddressKind::public_address);
    CHECK(kind("127.0.0.1") == AddressKind::loopback);
    CHECK(kind("127.3.4.5") == AddressKind::loopback);
    CHECK(kind("10.1.2.3") == AddressKind::private_address);
    CHECK(kind("172.16.0.1") == AddressKind::private_address);
    CHECK(kind("172.32.0.1") == AddressKind::public_address);
    CHECK(kind("192.168.1.1") == AddressKind::private_address);
    CHECK(kind("100.64.0.1") == AddressKind::private_address);
    CHECK(kind("169.254.169.254") == AddressKind::link_local);
    CHECK(kind("0.0.0.0") == AddressKind::unspecified);
    CHECK(kind("224.0.0.1") == AddressKind::multicast);
    CHECK(kind("::1") == AddressKind::loopback);
    CHECK(kind("[::1]") == AddressKind::loopback);
    CHECK(kind("::") == AddressKind::unspecified);
    CHECK(kind("fe80::1") == AddressKind::link_local);
    CHECK(kind("fd00::1") == AddressKind::private_address);
    CHECK(kind("2001:db8::1") == AddressKind::public_address);
    CHECK(kind("::ffff:169.254.1.1") == AddressKind::link_local);
    CHECK(kind("::ffff:127.0.0.1") == AddressKind::loopback);
    CHECK_FALSE(kind("example.org").has_value());
}

TEST_CASE("fetch: redirects to link-local or unspecified addresses are refused before "
          "connecting; loopback to loopback is followed",
          "[fetch]") {
    HttpServer server;
    HttpServer other("127.0.0.2");
    HttpReply page;
    page.body = kHtml;
    other.set("/page", page);
    auto redirect = [](std::string to) {
        HttpReply r;
        r.status = 302;
        r.location = std::move(to);
        return r;
    };
    // A tracked loopback URL may redirect to another loopback address.
    server.set("/to-other", redirect(other.url("/page")));
    auto got = app::fetch_document(doc_at(server.url("/to-other")), quick());
    INFO((got.ok() ? "" : got.error().message));
    REQUIRE(got.ok());
    CHECK(got->response.effective_url == other.url("/page"));

    // A cloud metadata address: never connected to (the socket is not even opened), not retried.
    server.set("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/"));
    got = app::fetch_document(doc_at(server.url("/to-metadata")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message ==
          "guide: " + server.url("/to-metadata") +
              ": refused to connect to 169.254.169.254 (link-local address)");
    CHECK(server.count("/to-metadata") == 1);

    server.set("/to-zero", redirect("http://0.0.0.0:" + std::to_string(other.port()) + "/page"));
    got = app::fetch_document(doc_at(server.url("/to-zero")), quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("refused to connect to 0.0.0.0 (unspecified address)") !=
          std::string::npos);
    CHECK(other.count("/page") == 1); // only the first, allowed request reached it

    // The tracked URL itself at an unspecified address.
    got = app::fetch_document(doc_at("http://0.0.0.0:" + std::to_string(other.port()) + "/page"),
                              quick());
    REQUIRE_FALSE(got.ok());
    CHECK(got.error().message.find("(unspecified address)") != std::string::npos);
    CHECK(other.count("/page") == 1);
}

TEST_CASE("fetch: servers that do not speak HTTP, giant headers and UTF-16 pages get clear "
          "messages",
          "[fetch]") {
    {
        RawServer ssh("SSH-2.0-OpenSSH_9.2\r\n");
        auto got = app::fetch_document(doc_at(ssh.url("/x")), quick());
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().message == "guide: " + ssh.url("/x") +
                                         ": the server did not answer in HTTP (no status line: "
                                         "another protocol, or HTTP/0.9)");
    }
    {
        RawServer big("HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'a') +
                      "\r\nContent-Length: 2\r\n\r\nhi");
        auto got = app::fetch_document(doc_at(big.url("/x")), quick());
        REQUIRE_FALSE(got.ok());
        CHECK(got.error().message.find("a header larger than libcurl's 100 KB limit") !=
              std::string::npos);
        CHECK(got.error().message.find("Out of memory") == std::string::npos);
    }
    // UTF-16 said only by the Content-Type: read as such, and the stored original gets the byte
    // order mark that makes it read the same alone.
    HttpServer server;
    std::string page = "<html><body><main><p>Hello from a UTF-16 page.</p></main></body></html>";
    std::string le;
    for (char c : page) {
        le.push_back(c);
        le.push_back('\0');
    }
    HttpReply r;
    r.body = le;
    r.content_type = "text/html; charset=UTF-16LE";
    server.set("/utf16", r);
    auto got = app::fetch_document(doc_at(server.url("/utf16")), quick());
    INFO((got.ok() ? "" : got.error().message));
    REQUIRE(got.ok());
    CHECK(got->response.charset == "utf-16le");
    CHECK(got->response.body.substr(0, 2) == "\xFF\xFE");
    auto doc = extract::extract(got->response.body, {});
    REQUIRE(doc.ok());
    CHECK(doc->blocks.at(0).text == "Hello from a UTF-16 page.");
}
