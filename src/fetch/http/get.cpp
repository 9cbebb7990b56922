// HTTP(S) GET with libcurl: the part of fetch.hpp in guidetrack-fetch.so (plugin.hpp).
#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/plugin/plugin.hpp"
#include "guidetrack/text/text.hpp"

#include "fetch/http/plugin.hpp"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace guidetrack::fetch {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string human_bytes(std::uint64_t n) {
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        return std::to_string(n >> 20) + " MiB";
    if (n >= (1u << 20))
        return std::to_string(n / (1u << 20)) + "." + std::to_string((n % (1u << 20)) * 10 >> 20) +
               " MiB";
    return std::to_string(n) + " bytes";
}

std::string seconds(long ms) {
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + " s";
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// What one transfer saw, filled in by libcurl's callbacks.
struct Transfer {
    std::string body;
    std::size_t max_bytes = 0;
    bool over_limit = false;
    std::string status_line;
    std::string content_type, charset, etag, last_modified;
    // The address policy (fetch.hpp, AddressKind): the first connection is to the tracked URL's
    // own address, and decides whether loopback and private addresses may follow.
    bool connected = false, allow_local = false;
    std::string refused; // why a connection was refused
};

std::string address_text(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
    return buf;
}

std::optional<AddressKind> kind_of(const sockaddr* sa) {
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
        return std::nullopt;
    return address_kind(address_text(sa));
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(user);
    if (purpose == CURLSOCKTYPE_IPCXN) {
        auto kind = kind_of(&address->addr);
        bool local = kind == AddressKind::loopback || kind == AddressKind::private_address;
        if (!t->connected) {
            t->connected = true;
            t->allow_local = local;
        }
        bool never = !kind || *kind == AddressKind::link_local ||
                     *kind == AddressKind::unspecified || *kind == AddressKind::multicast;
        if (never || (local && !t->allow_local)) {
            t->refused = "refused to connect to " + address_text(&address->addr) + " (" +
                         std::string(kind ? address_kind_name(*kind) : "unknown") + " address" +
                         (never ? "" : ", and the tracked URL's is public") + ")";
            return CURL_SOCKET_BAD;
        }
    }
    return socket(address->family, address->socktype, address->protocol);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    if (t->body.size() + n > t->max_bytes) {
        t->over_limit = true;
        return 0; // makes libcurl abort with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.substr(0, 5) == "HTTP/") {
        // A new response (after a redirect or a 100 Continue): forget the previous one's headers.
        t->status_line = std::string(text::trim(line));
        t->content_type.clear();
        t->charset.clear();
        t->etag.clear();
        t->last_modified.clear();
        t->body.clear();
        return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return n;
    std::string name = text::ascii_lower(text::trim(line.substr(0, colon)));
    std::string value(text::trim(line.substr(colon + 1)));
    if (name == "content-type") {
        t->content_type =
            text::ascii_lower(text::trim(std::string_view(value).substr(0, value.find(';'))));
        std::string lower = text::ascii_lower(value);
        if (auto at = lower.find("charset="); at != std::string::npos) {
            std::string_view cs = std::string_view(lower).substr(at + 8);
            cs = cs.substr(0, cs.find(';'));
            cs = text::trim(cs);
            if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"')
                cs = cs.substr(1, cs.size() - 2);
            t->charset = std::string(cs);
        }
    } else if (name == "etag")
        t->etag = value;
    else if (name == "last-modified")
        t->last_modified = value;
    return n;
}

// "404 Not Found" from "HTTP/1.1 404 Not Found"; "404" for HTTP/2 (no reason phrase).
std::string status_text(long code, const std::string& status_line) {
    std::string out = "HTTP " + std::to_string(code);
    auto first = status_line.find(' ');
    if (first != std::string::npos) {
        auto second = status_line.find(' ', first + 1);
        if (second != std::string::npos) {
            std::string_view reason = text::trim(std::string_view(status_line).substr(second + 1));
            if (!reason.empty())
                out += " " + std::string(reason);
        }
    }
    return out;
}

struct Attempt {
    bool ok = false;
    bool retry = false;
    std::string reason;
    Response response;
};

struct EasyDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

Attempt attempt_get(const std::string& url, const Validators& validators, const Options& options) {
    Attempt a;
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    if (!curl) {
        a.reason = "could not start libcurl";
        return a;
    }
    Transfer t;
    t.max_bytes = options.max_bytes;
    char errbuf[CURL_ERROR_SIZE] = {0};

    std::unique_ptr<curl_slist, ListDeleter> headers;
    auto add_header = [&headers](const std::string& h) {
        curl_slist* l = curl_slist_append(headers.get(), h.c_str());
        if (l) {
            (void)headers.release();
            headers.reset(l);
        }
    };
    if (!validators.etag.empty())
        add_header("If-None-Match: " + validators.etag);
    if (!validators.last_modified.empty())
        add_header("If-Modified-Since: " + validators.last_modified);
    std::string agent = options.user_agent.empty() ? default_user_agent() : options.user_agent;

    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, options.max_redirects);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options.timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); // threads: no SIGALRM-based DNS timeouts
    curl_easy_setopt(h, CURLOPT_USERAGENT, agent.c_str());
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); // whatever this libcurl can decode
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &t);
    if (headers)
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    char* effective = nullptr;
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
    std::string detail = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));

    if (rc != CURLE_OK && !t.refused.empty()) {
        a.reason = t.refused; // not retried: the address will not change its kind
        return a;
    }
    switch (rc) {
    case CURLE_OK:
        break;
    case CURLE_OUT_OF_MEMORY: // what libcurl says of a header over its 100 KB limit
        a.reason = "the server's response could not be read (a header larger than libcurl's "
                   "100 KB limit, or out of memory)";
        return a;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        if (rc == CURLE_FILESIZE_EXCEEDED || t.over_limit) {
            a.reason = "the document is larger than the limit of " + human_bytes(options.max_bytes);
            return a;
        }
        a.reason = detail;
        return a;
    case CURLE_OPERATION_TIMEDOUT:
        a.reason = "timed out (limit " + seconds(options.timeout_ms) + ")";
        a.retry = true;
        return a;
    case CURLE_PARTIAL_FILE: {
        curl_off_t expected = -1;
        curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
        a.reason = "truncated body: received " + std::to_string(t.body.size()) + " bytes";
        if (expected >= 0)
            a.reason += " of the " + std::to_string(expected) + " announced by Content-Length";
        a.retry = true;
        return a;
    }
    case CURLE_TOO_MANY_REDIRECTS:
        a.reason = "too many redirects (more than " + std::to_string(options.max_redirects) + ")";
        return a;
    case CURLE_UNSUPPORTED_PROTOCOL:
        a.reason = detail.find("HTTP/0.9") != std::string::npos
                       ? "the server did not answer in HTTP (no status line: another protocol, "
                         "or HTTP/0.9)"
                       : "redirected to a URL that is not http or https (" + detail + ")";
        return a;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        a.reason = "TLS certificate verification failed: " + detail;
        return a;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        a.reason = detail;
        a.retry = true;
        return a;
    default:
        a.reason = detail;
        return a;
    }

    Response& r = a.response;
    r.http_status = code;
    r.effective_url = effective ? effective : url;
    r.content_type = t.content_type;
    r.charset = t.charset;
    r.validators = {t.etag, t.last_modified};
    if (code == 304) {
        if (validators.etag.empty() && validators.last_modified.empty()) {
            a.reason = "HTTP 304 Not Modified to an unconditional request";
            return a;
        }
        r.status = FetchStatus::not_modified;
        // A 304 need not repeat the validators; keep the ones that matched.
        if (r.validators.etag.empty())
            r.validators.etag = validators.etag;
        if (r.validators.last_modified.empty())
            r.validators.last_modified = validators.last_modified;
        a.ok = true;
        return a;
    }
    if (code < 200 || code >= 300) {
        a.reason = status_text(code, t.status_line);
        if (code >= 300 && code < 400)
            a.reason += " without a usable Location";
        a.retry = code >= 500 || code == 408 || code == 429;
        return a;
    }
    if (t.body.empty()) {
        a.reason = "the server sent an empty body (" + status_text(code, t.status_line) + ")";
        return a;
    }
    r.body = std::move(t.body);
    a.ok = true;
    return a;
}

Result<Response> curl_get(const std::string& url, const Validators& validators,
                          const Options& options) {
    global_init();
    long delay = options.retry_delay_ms;
    int attempts = 0;
    for (;;) {
        ++attempts;
        Attempt a = attempt_get(url, validators, options);
        if (a.ok) {
            a.response.attempts = attempts;
            return std::move(a.response);
        }
        if (!a.retry || attempts > options.retries) {
            std::string msg = url + ": " + a.reason;
            if (attempts > 1)
                msg += " (after " + std::to_string(attempts) + " attempts)";
            return runtime_error(msg);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        delay *= 2;
    }
}

Result<Response> curl_get_safely(const std::string& url, const Validators& validators,
                                 const Options& options) {
    try {
        return curl_get(url, validators, options);
    } catch (const std::bad_alloc&) {
        return runtime_error(url + ": out of memory");
    }
}

const detail::FetchPlugin fetch_plugin{curl_get_safely};

} // namespace
} // namespace guidetrack::fetch

GUIDETRACK_PLUGIN("fetch", guidetrack::fetch::fetch_plugin)
