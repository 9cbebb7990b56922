// The GOV.UK Content API: what a publication says about itself.
//
// GET <base>/<path> (base: $GUIDETRACK_GOVUK_API, else https://www.gov.uk/api/content) returns the
// publication as JSON (alphagov/publishing-api content schemas, "publication" format). We read
// the title, description, public_updated_at, the organisations (links.organisations[].title), the
// change history (details.change_history[]: public_timestamp, note) and the publication's
// documents: details.attachments[] (url, title, content_type, attachment_type, filename) when
// present, else the links inside the details.documents[] HTML.
//
// The answer is checked before anything uses it: an HTTP error, a body that is not JSON, a
// missing or mistyped field, a "gone" or "redirect" item, or an answer (or an attachment) from a
// host that is neither the API's own nor GOV.UK's is a runtime error with a one-line message.
// Nothing here writes anywhere.
#pragma once

#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::fetch::govuk {

struct Attachment {
    std::string title;           // as the publisher gives it (may be empty)
    std::string url;             // absolute
    std::string content_type;    // "application/pdf", "text/html", ... (may be empty)
    std::string attachment_type; // "file", "html", "external" (empty from documents[] HTML)
    std::string filename;        // the file name, else the URL's last segment
};

struct Change {
    std::string timestamp; // public_timestamp, ISO 8601
    std::string note;
};

struct Publication {
    std::string path;    // "/government/publications/..."
    std::string api_url; // where it was read
    std::string web_url; // the page a reader opens
    std::string title, description, document_type;
    std::string public_updated_at; // ISO 8601, may be empty (nullable in the schema)
    std::string body;              // details.body (HTML), may be empty
    std::vector<std::string> organisations;
    std::vector<Change> change_history; // newest first
    std::vector<Attachment> attachments;

    // public_updated_at as YYYY-MM-DD (the publisher's local date, as GOV.UK shows it); empty
    // when there is none.
    std::string updated_date() const;
    // The change note for the publication's current date: the change-history entry with the
    // same timestamp, else the newest one on the same day; empty when there is none.
    std::string current_note() const;
};

// $GUIDETRACK_GOVUK_API without a trailing '/', else "https://www.gov.uk/api/content".
std::string api_base();
// The web site the API describes: the API base without "/api/content" ("https://www.gov.uk").
std::string web_base(std::string_view api_base);

// "/government/publications/x" from "https://www.gov.uk/government/publications/x", from the
// path itself (with or without the leading '/'), or from the API address. Query and fragment are
// dropped. Input error for another host or an empty or unsafe path.
Result<std::string> path_of(std::string_view url_or_path, std::string_view web_base = "");

// Parse a Content API answer for path. Runtime errors: not JSON, missing or mistyped fields,
// a gone or redirect item, attachments off GOV.UK (see allowed_host).
Result<Publication> parse(std::string_view json_text, std::string_view path,
                          std::string_view api_base, std::string_view web_base);

// True when url's host is the API's own host, gov.uk or a subdomain of gov.uk.
bool allowed_host(std::string_view url, std::string_view api_base);

// Read a publication from the API (api_base()). Errors: "API-URL: reason" on one line.
Result<Publication> get_publication(std::string_view url_or_path, const Options& options = {});

// A stable key for matching an attachment across re-issues: its title, lower case, letters and
// digits only; the file name's stem when it has no title.
std::string attachment_key(std::string_view title, std::string_view url_or_filename);
// The stem of a URL's or file name's last segment, lower case, letters and digits only.
std::string filename_stem(std::string_view url_or_filename);

// The tracked format of an attachment: "pdf", "html" or "" (detect).
std::string attachment_format(const Attachment& a);

// The publication page as stored (HTML): title, description, organisations, the "Updated" line,
// the documents with their addresses, the body and the change history.
std::string render_page(const Publication& p);

} // namespace guidetrack::fetch::govuk
