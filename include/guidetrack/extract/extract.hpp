// Extraction: input bytes (PDF, HTML, Markdown, plain text) -> the document model.
//
// Every extractor normalises block text with text::normalise, drops page furniture and markup
// churn, and reports bad input (corrupt or encrypted PDF, no text layer, binary data, invalid
// UTF-8, empty documents) as an input error with a one-line message. None of them throws.
#pragma once

#include "guidetrack/model/document.hpp"
#include "guidetrack/result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace guidetrack::extract {

enum class Format { automatic, pdf, html, markdown, text };

// "auto", "pdf", "html", "md" / "markdown", "txt" / "text".
Result<Format> parse_format(std::string_view name);
// The canonical short name: "auto", "pdf", "html", "md", "txt".
std::string_view format_name(Format format);

// Detect the format from the content first (magic bytes, markup), then from the file name's
// extension. Never returns Format::automatic.
Format detect_format(std::string_view bytes, std::string_view filename = {});

struct Options {
    Format format = Format::automatic; // automatic: detect_format(bytes, filename)
    std::string filename;              // a hint for detection and messages only
    // Give up with an input error once extraction has taken this long (seconds; 0: no limit),
    // so that one hostile document cannot hold up a check of many.
    double time_limit = 0;
};

// When extraction gives up. Checked between pages, lines and nodes, and inside poppler while it
// draws a page; an expired deadline is an input error naming the limit.
class Deadline {
  public:
    Deadline() = default; // never expires
    static Deadline after(double seconds);
    bool passed() const;
    Result<void> check() const; // an input error once passed
  private:
    std::optional<std::chrono::steady_clock::time_point> at_;
    double seconds_ = 0;
};

// The default limit on the size of an input (256 MiB); callers may pass their own.
constexpr std::size_t default_max_input_bytes = 256u * 1024u * 1024u;

Result<model::Document> extract(std::string_view bytes, const Options& options = {});

// How extract_pdf holds a document's pages. A PDF of up to keep_all_pages pages is read whole;
// a longer one one page at a time, its measures (body text size, paragraph spacing, running
// headers and footers, hyphenation habit) taken from sample_pages pages spread evenly through
// it, so that memory holds a few pages' word boxes and the document model, not every page's.
struct PdfPaging {
    std::size_t keep_all_pages = 2000;
    std::size_t sample_pages = 400;
};

Result<model::Document> extract_pdf(std::string_view bytes, const PdfPaging& paging = {},
                                    const Deadline& deadline = {});
Result<model::Document> extract_html(std::string_view bytes, const Deadline& deadline = {});
Result<model::Document> extract_markdown(std::string_view bytes, const Deadline& deadline = {});
Result<model::Document> extract_text(std::string_view bytes, const Deadline& deadline = {});

} // namespace guidetrack::extract
