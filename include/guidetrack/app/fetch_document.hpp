// Fetching a tracked document: HTTP from fetch/, the format decision from extract/, the
// document's URL and validators from the store.
//
// A document served in another format than the one tracked (an HTML error page where a PDF was
// expected) is an error, not a version.
#pragma once

#include "guidetrack/extract/extract.hpp"
#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <string>
#include <string_view>

namespace guidetrack::app {

struct FetchResult {
    fetch::Response response;
    // The document's format: from the content and Content-Type, agreeing with the tracked format
    // (automatic when not modified).
    extract::Format format = extract::Format::automatic;
    std::string filename; // the last path segment of the URL, a hint for format detection
    bool not_modified() const { return response.status == fetch::FetchStatus::not_modified; }
};

// Map a Content-Type to a format: automatic when it says nothing useful (octet-stream, absent).
extract::Format format_from_content_type(std::string_view content_type);

// A format's family: "PDF", "HTML" or "text" (Markdown and plain text are one family, read by
// the same rules of paragraphs and numbers). Automatic is "text".
std::string_view format_family(extract::Format f);

// Decide the format of a fetched body from its content and Content-Type and check it against the
// tracked format (its name, "" or "auto" for any). A mismatch is a runtime error: "reason".
Result<extract::Format> resolve_format(const fetch::Response& response,
                                       std::string_view tracked_format, std::string_view filename);

// Fetch a tracked document from its URL, conditionally when it has validators. Errors name the
// document, the URL and the reason on one line: "ID: URL: reason".
Result<FetchResult> fetch_document(const store::DocumentInfo& doc,
                                   const fetch::Options& options = {});

} // namespace guidetrack::app
