// Fetching documents over HTTP(S) with libcurl.
//
// One request per call, on its own easy handle, so calls are safe from several threads at once.
// The client is deliberately strict, because whatever it returns is about to become a recorded
// version of statutory guidance: only http and https (on redirects too), TLS always verified, an
// HTTP error status is a failure (libcurl would otherwise hand back a 404 page as a document), a
// body shorter than its Content-Length is a failure, a body over the size limit is abandoned as
// soon as the limit is passed (or as soon as Content-Length announces it), and a document served
// in another format than the one tracked (an HTML error page where a PDF was expected) is an
// error, not a version. Network errors and 5xx responses are retried with exponential backoff.
// Conditional requests (If-None-Match / If-Modified-Since) make an unchanged document cost one
// small request: a 304 comes back as FetchStatus::not_modified.
//
// Failures are runtime errors whose message is one line naming the URL and the reason. A URL
// with another scheme is an input error. The module knows HTTP, not documents: deciding a
// fetched body's format and fetching a tracked document are in app/fetch_document.hpp.
#pragma once

#include "guidetrack/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace guidetrack::fetch {

struct Options {
    long connect_timeout_ms = 15'000;
    long timeout_ms = 120'000;   // the whole transfer, per attempt
    int retries = 3;             // further attempts after a network error or a 5xx
    long retry_delay_ms = 1'000; // before the first retry; doubled before each next one
    long max_redirects = 5;
    std::size_t max_bytes = 256u << 20; // the extractor's input limit
    std::string user_agent;             // empty: default_user_agent()
};

// Conditional-request state remembered from the last fetch (the store keeps it per document).
struct Validators {
    std::string etag;          // sent as If-None-Match
    std::string last_modified; // sent as If-Modified-Since
};

enum class FetchStatus { fetched, not_modified };

struct Response {
    FetchStatus status = FetchStatus::fetched;
    long http_status = 0;
    std::string body;          // empty when not modified
    std::string content_type;  // media type only, lower case ("application/pdf")
    std::string charset;       // the Content-Type's charset parameter, lower case ("utf-16le")
    std::string effective_url; // after redirects
    Validators validators;     // from the final response (kept from the request on a 304)
    int attempts = 0;
};

// "guidetrack/<version> (+statutory guidance tracker; libcurl)".
std::string default_user_agent();

// Input error unless url is an absolute http:// or https:// URL with a host.
Result<void> validate_url(std::string_view url);

// Where an address is. The fetch checks every address it connects to, after name resolution
// and on every redirect: link-local (169.254.0.0/16, fe80::/10: cloud metadata services),
// unspecified (0.0.0.0, ::) and multicast addresses are never connected to; loopback and
// private ones (127/8, 10/8, 172.16/12, 192.168/16, 100.64/10, ::1, fc00::/7) only when the
// tracked URL's own address is loopback or private, so that a public page cannot redirect
// guidetrack into the network it runs in. IPv4-mapped IPv6 addresses count as their IPv4.
enum class AddressKind {
    public_address,
    loopback,
    private_address,
    link_local,
    unspecified,
    multicast
};
// The kind of a numeric IPv4 or IPv6 address; nullopt when ip is not one.
std::optional<AddressKind> address_kind(std::string_view ip);
std::string_view address_kind_name(AddressKind kind); // "link-local", "private", ...

// The last path segment of a URL ("" when none), without query or fragment.
std::string url_filename(std::string_view url);

// GET url. Errors: "URL: reason" (runtime), or an input error for a refused URL.
Result<Response> get(const std::string& url, const Validators& validators, const Options& options);

} // namespace guidetrack::fetch
