// A small HTTP server on 127.0.0.1 for tests of the fetch client and `check` (cpp-httplib).
//
// Each path has a script of replies: the first request gets the first reply, and so on, the last
// one repeating, so a test can make a document change between requests or fail once and then
// recover. Replies can misbehave on purpose (slow, truncated, over-size, wrong type, redirect
// loops), and ETag / Last-Modified validators are honoured with 304s when a reply carries them.
// The server runs on an ephemeral port in its own thread and stops when the object goes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace gt_test {

struct HttpReply {
    int status = 200;
    std::string body;
    std::string content_type = "text/html; charset=utf-8";
    std::string etag;          // sent, and a matching If-None-Match gets a 304
    std::string last_modified; // sent, and an equal If-Modified-Since gets a 304
    std::string location;      // a Location header (redirects)
    int delay_ms = 0;          // wait before answering (cut short when the server stops)
    // Announce the whole body in Content-Length but send only this many bytes, then close.
    std::size_t truncate_to = static_cast<std::size_t>(-1);
    bool chunked = false; // no Content-Length: chunked transfer of the body
};

struct HttpRequestLog {
    std::string path;
    std::map<std::string, std::string> headers; // lower-case names
    int status = 0;
};

class HttpServer {
  public:
    // host: the loopback address to listen on (127.0.0.2 for a second "host" in redirect tests).
    explicit HttpServer(std::string host = "127.0.0.1");
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    int port() const { return port_; }
    // "http://HOST:PORT" + path
    std::string url(const std::string& path) const;

    // Replace the path's script with one reply (repeated), or with a sequence.
    void set(const std::string& path, HttpReply reply);
    void script(const std::string& path, std::vector<HttpReply> replies);

    // Every request received so far, in order; and the number made for one path.
    std::vector<HttpRequestLog> requests() const;
    std::size_t count(const std::string& path) const;

  private:
    struct Route {
        std::vector<HttpReply> replies;
        std::size_t next = 0;
    };
    HttpReply take(const std::string& path, bool& found);
    bool sleep_ms(int ms);

    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::string host_;
    mutable std::mutex mutex_;
    std::condition_variable stopping_cv_;
    bool stopping_ = false;
    std::map<std::string, Route> routes_;
    std::vector<HttpRequestLog> log_;
};

} // namespace gt_test
