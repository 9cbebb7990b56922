#include "http_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace gt_test {

HttpServer::HttpServer(std::string host)
    : server_(std::make_unique<httplib::Server>()), host_(std::move(host)) {
    server_->set_keep_alive_max_count(1); // one request per connection: simple, predictable logs
    server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
        HttpRequestLog entry;
        entry.path = req.path;
        for (const auto& [name, value] : req.headers) {
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            entry.headers[lower] = value;
        }
        bool found = false;
        HttpReply reply = take(req.path, found);
        if (!found) {
            reply.status = 404;
            reply.body = "<html><body><h1>Not found</h1></body></html>";
        }
        if (reply.delay_ms > 0 && !sleep_ms(reply.delay_ms)) {
            res.status = 503;
            return;
        }
        auto header = [&](const char* name) {
            auto it = entry.headers.find(name);
            return it == entry.headers.end() ? std::string() : it->second;
        };
        bool not_modified = reply.status == 200 &&
                            ((!reply.etag.empty() && header("if-none-match") == reply.etag) ||
                             (reply.etag.empty() && !reply.last_modified.empty() &&
                              header("if-modified-since") == reply.last_modified));
        if (!reply.etag.empty())
            res.set_header("ETag", reply.etag);
        if (!reply.last_modified.empty())
            res.set_header("Last-Modified", reply.last_modified);
        if (!reply.location.empty())
            res.set_header("Location", reply.location);
        if (not_modified) {
            res.status = 304;
        } else {
            res.status = reply.status;
            auto body = std::make_shared<std::string>(reply.body);
            if (reply.truncate_to < body->size()) {
                std::size_t keep = reply.truncate_to;
                res.set_content_provider(
                    body->size(), reply.content_type,
                    [body, keep](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                        if (offset < keep)
                            sink.write(body->data() + offset, keep - offset);
                        return offset >= keep ? false : true;
                    });
            } else if (reply.chunked) {
                res.set_chunked_content_provider(
                    reply.content_type, [body](std::size_t offset, httplib::DataSink& sink) {
                        std::size_t n = std::min<std::size_t>(65536, body->size() - offset);
                        if (n > 0)
                            sink.write(body->data() + offset, n);
                        if (offset + n >= body->size())
                            sink.done();
                        return true;
                    });
            } else if (!body->empty()) {
                res.set_content(*body, reply.content_type);
            }
        }
        entry.status = res.status;
        std::lock_guard lock(mutex_);
        log_.push_back(std::move(entry));
    });
    port_ = server_->bind_to_any_port(host_);
    if (port_ <= 0)
        throw std::runtime_error("test HTTP server: could not bind " + host_);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

HttpServer::~HttpServer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stopping_cv_.notify_all();
    server_->stop();
    if (thread_.joinable())
        thread_.join();
}

std::string HttpServer::url(const std::string& path) const {
    return "http://" + host_ + ":" + std::to_string(port_) + path;
}

void HttpServer::set(const std::string& path, HttpReply reply) {
    script(path, {std::move(reply)});
}

void HttpServer::script(const std::string& path, std::vector<HttpReply> replies) {
    std::lock_guard lock(mutex_);
    routes_[path] = Route{std::move(replies), 0};
}

std::vector<HttpRequestLog> HttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return log_;
}

std::size_t HttpServer::count(const std::string& path) const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(
        log_.begin(), log_.end(), [&](const HttpRequestLog& r) { return r.path == path; }));
}

HttpReply HttpServer::take(const std::string& path, bool& found) {
    std::lock_guard lock(mutex_);
    auto it = routes_.find(path);
    if (it == routes_.end() || it->second.replies.empty()) {
        found = false;
        return {};
    }
    found = true;
    Route& route = it->second;
    std::size_t i = std::min(route.next, route.replies.size() - 1);
    ++route.next;
    return route.replies[i];
}

bool HttpServer::sleep_ms(int ms) {
    std::unique_lock lock(mutex_);
    return !stopping_cv_.wait_for(lock, std::chrono::milliseconds(ms),
                                  [this] { return stopping_; });
}

} // namespace gt_test
