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
// Failures are runtime errors whose message is one line naming the URL and the reason;
// fetch_document() also names the document. A URL with another scheme is an input error.
#pragma once

#include "guidetrack/extract.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace guidetrack::fetch {

struct Options {
    long connect_timeout_ms = 15'000;
    long timeout_ms = 120'000;   // the whole transfer, per attempt
    int retries = 3;             // further attempts after a network error or a 5xx
    long retry_delay_ms = 1'000; // before the first retry; doubled before each next one
    long max_redirects = 5;
    std::size_t max_bytes = extract::default_max_input_bytes;
    std::string user_agent; // empty: default_user_agent()
};

// Conditional-request state remembered from the last fetch (store::DocumentInfo keeps it).
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
    std::string effective_url; // after redirects
    Validators validators;     // from the final response (kept from the request on a 304)
    int attempts = 0;
};

struct FetchResult {
    Response response;
    // The document's format: from the content and Content-Type, agreeing with the tracked format
    // (automatic when not modified).
    extract::Format format = extract::Format::automatic;
    std::string filename; // the last path segment of the URL, a hint for format detection
    bool not_modified() const { return response.status == FetchStatus::not_modified; }
};

// "guidetrack/<version> (+statutory guidance tracker; libcurl)".
std::string default_user_agent();

// Input error unless url is an absolute http:// or https:// URL with a host.
Result<void> validate_url(std::string_view url);

// The last path segment of a URL ("" when none), without query or fragment.
std::string url_filename(std::string_view url);

// Map a Content-Type to a format: automatic when it says nothing useful (octet-stream, absent).
extract::Format format_from_content_type(std::string_view content_type);

// GET url. Errors: "URL: reason" (runtime), or an input error for a refused URL.
Result<Response> get(const std::string& url, const Validators& validators, const Options& options);

// Decide the format of a fetched body from its content and Content-Type and check it against the
// tracked format (its name, "" or "auto" for any). A mismatch is a runtime error: "reason".
Result<extract::Format> resolve_format(const Response& response, std::string_view tracked_format,
                                       std::string_view filename);

// Fetch a tracked document from its URL, conditionally when it has validators. Errors name the
// document, the URL and the reason on one line: "ID: URL: reason".
Result<FetchResult> fetch_document(const store::DocumentInfo& doc, const Options& options = {});

} // namespace guidetrack::fetch
