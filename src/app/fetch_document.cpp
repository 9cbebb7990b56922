#include "guidetrack/app/fetch_document.hpp"

#include "guidetrack/text/text.hpp"

namespace guidetrack::app {

std::string_view format_family(extract::Format f) {
    switch (f) {
    case extract::Format::pdf:
        return "PDF";
    case extract::Format::html:
        return "HTML";
    default:
        return "text";
    }
}

extract::Format format_from_content_type(std::string_view content_type) {
    std::string ct = text::ascii_lower(text::trim(content_type.substr(0, content_type.find(';'))));
    if (ct == "application/pdf" || ct == "application/x-pdf")
        return extract::Format::pdf;
    if (ct == "text/html" || ct == "application/xhtml+xml")
        return extract::Format::html;
    if (ct == "text/markdown" || ct == "text/x-markdown")
        return extract::Format::markdown;
    if (ct == "text/plain")
        return extract::Format::text;
    return extract::Format::automatic;
}

Result<extract::Format> resolve_format(const fetch::Response& response,
                                       std::string_view tracked_format, std::string_view filename) {
    extract::Format by_type = format_from_content_type(response.content_type);
    extract::Format by_content = extract::detect_format(response.body, filename);
    std::string served = response.content_type.empty() ? "no Content-Type" : response.content_type;

    extract::Format actual = by_content;
    if (by_content == extract::Format::pdf) {
        actual = extract::Format::pdf; // the magic bytes settle it
    } else if (by_type == extract::Format::pdf) {
        return runtime_error("served as " + served + " but the body is not a PDF");
    } else if (by_type == extract::Format::html) {
        actual = extract::Format::html;
    } else if (by_type == extract::Format::markdown && by_content != extract::Format::html) {
        actual = extract::Format::markdown;
    }

    if (tracked_format.empty() || tracked_format == "auto")
        return actual;
    GT_TRY(extract::Format tracked, extract::parse_format(tracked_format));
    if (tracked == extract::Format::automatic)
        return actual;
    if (format_family(tracked) != format_family(actual))
        return runtime_error("expected " + std::string(format_family(tracked)) +
                             " but the server sent " + std::string(format_family(actual)) + " (" +
                             served + ")");
    // Markdown and plain text are one family: keep what the document is tracked as.
    return format_family(tracked) == "text" ? tracked : actual;
}

Result<FetchResult> fetch_document(const store::DocumentInfo& doc, const fetch::Options& options) {
    if (doc.url.empty())
        return input_error(doc.id +
                           ": no URL is tracked for this document (use `guidetrack track " +
                           doc.id + " --url URL`)");
    auto named = [&doc](const Error& e) {
        // get() messages already start with the URL.
        return Error{e.kind, doc.id + ": " + e.message};
    };
    if (auto ok = fetch::validate_url(doc.url); !ok)
        return named(ok.error());
    auto got = fetch::get(doc.url, fetch::Validators{doc.etag, doc.last_modified}, options);
    if (!got)
        return named(got.error());
    FetchResult result;
    result.response = std::move(*got);
    result.filename = fetch::url_filename(result.response.effective_url);
    if (result.not_modified())
        return result;
    // A page served as UTF-16 without a byte order mark says its encoding only in the header:
    // the mark is added, so that the stored original reads (and re-extracts) the same alone.
    std::string& body = result.response.body;
    const std::string& cs = result.response.charset;
    bool bom = body.starts_with("\xFF\xFE") || body.starts_with("\xFE\xFF");
    if (!bom && (cs == "utf-16" || cs == "utf-16le" || cs == "utf-16be") && body.size() >= 2) {
        bool little = cs == "utf-16le" || (cs == "utf-16" && body[0] != '\0' && body[1] == '\0');
        body.insert(0, little ? "\xFF\xFE" : "\xFE\xFF");
    }
    auto format = resolve_format(result.response, doc.format, result.filename);
    if (!format)
        return Error{ErrorKind::runtime, doc.id + ": " + doc.url + ": " + format.error().message};
    result.format = *format;
    return result;
}

} // namespace guidetrack::app
