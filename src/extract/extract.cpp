// Format detection and dispatch, and the helpers every text-based extractor shares.
//
// Detection trusts content over names: PDF magic and HTML markup are unambiguous, the file's
// extension settles what content alone cannot (a .md file without Markdown markers), and plain
// text is the fallback. Input checks that apply to every format (size, binary data, empty input)
// happen here once, so the extractors only see input they can work on.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/text/text.hpp"

#include "extract/common.hpp"
#include "extract/pdf/plugin.hpp"
#include "guidetrack/plugin/plugin.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

namespace guidetrack::extract {
namespace detail {

void TextBuilder::text(std::string_view raw) {
    if (raw.empty())
        return;
    if (segments_.empty() || segments_.back().link != in_link_)
        segments_.push_back(Segment{{}, {}, in_link_, {}});
    segments_.back().raw.append(raw);
}

void TextBuilder::begin_link(std::string target) {
    if (in_link_)
        return;
    in_link_ = true;
    // As URL parsers do: control characters (a PDF annotation's "mail:\n\0\0...") are no part
    // of an address, and one on its own line would break the stored text's link.
    std::erase_if(target, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
    segments_.push_back(Segment{{}, std::move(target), true, {}});
}

void TextBuilder::end_link() {
    if (!in_link_)
        return;
    in_link_ = false;
    segments_.push_back(Segment{{}, {}, false, {}});
}

void TextBuilder::footnote_ref(std::string mark) {
    if (mark.empty())
        return;
    // The text after the mark goes to a fresh segment (in the same link, if any).
    std::string target = in_link_ && !segments_.empty() ? segments_.back().target : std::string();
    segments_.push_back(Segment{{}, {}, in_link_, std::move(mark)});
    segments_.push_back(Segment{{}, std::move(target), in_link_, {}});
}

bool TextBuilder::blank() const {
    for (const Segment& s : segments_)
        if (!text::normalise_lossy(s.raw).empty())
            return false;
    return true;
}

void TextBuilder::clear() {
    segments_.clear();
    in_link_ = false;
}

namespace {

// Whether a segment whose normalised text is not empty starts and ends with white space once
// normalised between two other letters: normalise("x" + raw) has a space after the x, and
// normalise(raw + "x") one before it. When raw starts (ends) with an ASCII byte that answers
// directly: white space or a control character is a space, a printable character is not (an
// ASCII character never composes with its neighbour); otherwise the two are normalised.
std::pair<bool, bool> edge_spaces(const std::string& raw) {
    auto ascii_space = [](unsigned char c) { return c <= 0x20 || c == 0x7F; };
    auto front = static_cast<unsigned char>(raw.front());
    auto back = static_cast<unsigned char>(raw.back());
    bool lead, trail;
    if (front < 0x80) {
        lead = ascii_space(front);
    } else {
        std::string x = text::normalise_lossy("x" + raw);
        lead = x.size() > 1 && x[1] == ' ';
    }
    if (back < 0x80) {
        trail = ascii_space(back);
    } else {
        std::string x = text::normalise_lossy(raw + "x");
        trail = x.size() > 1 && x[x.size() - 2] == ' ';
    }
    return {lead, trail};
}

} // namespace

void TextBuilder::finish_into(model::Block& block) {
    block.text.clear();
    block.links.clear();
    block.footnote_refs.clear();
    // Each segment is normalised alone; a space between two segments survives if either side
    // had white space at the join, exactly as if the whole text had been normalised at once.
    bool pending_space = false;
    bool after_note = false;
    for (const Segment& seg : segments_) {
        if (!seg.note.empty()) {
            block.footnote_refs.push_back(model::FootnoteRef{block.text.size(), seg.note});
            after_note = true;
            continue;
        }
        std::string norm = text::normalise_lossy(seg.raw);
        if (norm.empty()) {
            if (text::normalise_lossy("x" + seg.raw + "x") != "xx")
                pending_space = true; // white space only
            continue;
        }
        auto [lead_space, trail_space] = edge_spaces(seg.raw);
        if (!block.text.empty() && (pending_space || lead_space))
            block.text.push_back(' ');
        std::size_t begin = block.text.size();
        block.text += norm;
        if (seg.link && !seg.target.empty()) {
            // A link split by a footnote mark inside it stays one link.
            if (after_note && !block.links.empty() && block.links.back().target == seg.target &&
                block.links.back().end + 1 >= begin)
                block.links.back().end = block.text.size();
            else
                block.links.push_back(model::Link{begin, block.text.size(), seg.target});
        }
        after_note = false;
        pending_space = trail_space;
    }
    clear();
}

std::size_t paragraph_number_prefix(std::string_view s, std::string* number) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0;
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i]))
        ++i;
    // Three digits at most: "2021. " at the start of a sentence is a year, not a paragraph.
    if (i == start || i - start > 3)
        return 0;
    while (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        std::size_t part = ++i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        if (i - part > 3)
            return 0;
    }
    if (i < s.size() && s[i] >= 'a' && s[i] <= 'z')
        ++i;
    if (i + 1 < s.size() && s[i] == '.' && s[i + 1] == ' ') {
        if (number)
            *number = std::string(s.substr(0, i));
        return i + 2;
    }
    return 0;
}

bool take_paragraph_number(model::Block& block) {
    std::string number;
    std::size_t n = paragraph_number_prefix(block.text, &number);
    if (n == 0 || n >= block.text.size())
        return false;
    block.number = std::move(number);
    block.text.erase(0, n);
    std::vector<model::Link> kept;
    for (model::Link link : block.links) {
        if (link.begin < n)
            continue; // a link around the number itself cannot survive; the number is an anchor
        link.begin -= n;
        link.end -= n;
        kept.push_back(std::move(link));
    }
    block.links = std::move(kept);
    return true;
}

std::string_view strip_bom(std::string_view bytes) {
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF")
        bytes.remove_prefix(3);
    return bytes;
}

Result<void> check_utf8(std::string_view bytes) {
    std::size_t bad = 0;
    if (!text::is_valid_utf8(bytes, &bad))
        return input_error("invalid UTF-8 at byte " + std::to_string(bad) +
                           " (convert the file to UTF-8, or give --format)");
    return {};
}

Result<model::Document> finish_document(model::Document doc) {
    std::erase_if(doc.blocks, [](const model::Block& b) { return b.text.empty(); });
    if (doc.blocks.empty())
        return input_error("the document has no text");
    model::assign_sections(doc);
    return doc;
}

} // namespace detail

namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (lower(s[i]) != lower(prefix[i]))
            return false;
    return true;
}

std::string_view skip_space(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                          s.front() == '\r' || s.front() == '\f'))
        s.remove_prefix(1);
    return s;
}

enum class HtmlSignal { none, fragment, document };

// Does the content start like an HTML document, or like a fragment of HTML? A document (doctype,
// <html>, <head>, <body>, or GOV.UK's saved <main>) is HTML whatever the file is called; a
// fragment ("<div>", "<p>") yields to a .md or .txt name, since Markdown files may start with
// inline HTML. Comments are skipped, but stored texts (Markdown) start with "<!-- page 1 -->"
// and must not be taken for HTML.
HtmlSignal html_signal(std::string_view s) {
    static constexpr std::array<std::string_view, 4> kDocumentTags = {"html", "head", "body",
                                                                      "main"};
    static constexpr std::array<std::string_view, 20> kFragmentTags = {
        "div", "p",       "h1",      "h2",   "h3",   "h4",    "h5",   "h6",  "table",  "ul",
        "ol",  "section", "article", "span", "meta", "title", "link", "nav", "header", "a"};
    auto starts_with_tag = [](std::string_view rest, std::string_view tag) {
        if (!istarts_with(rest, tag) || rest.size() <= tag.size())
            return false;
        char next = rest[tag.size()];
        return next == '>' || next == ' ' || next == '\n' || next == '\t' || next == '\r' ||
               next == '/';
    };
    s = skip_space(detail::strip_bom(s));
    for (int guard = 0; guard < 64; ++guard) {
        if (istarts_with(s, "<!doctype html") || istarts_with(s, "<?xml"))
            return HtmlSignal::document;
        if (istarts_with(s, "<!--")) {
            std::size_t end = s.find("-->");
            if (end == std::string_view::npos)
                return HtmlSignal::none;
            s = skip_space(s.substr(end + 3));
            continue;
        }
        if (s.empty() || s.front() != '<')
            return HtmlSignal::none;
        std::string_view rest = s.substr(1);
        for (std::string_view tag : kDocumentTags)
            if (starts_with_tag(rest, tag))
                return HtmlSignal::document;
        for (std::string_view tag : kFragmentTags)
            if (starts_with_tag(rest, tag))
                return HtmlSignal::fragment;
        return HtmlSignal::none;
    }
    return HtmlSignal::none;
}

// Markdown markers in the first lines: ATX headings, inline links, list items, table rows.
bool looks_like_markdown(std::string_view s) {
    s = s.substr(0, 64 * 1024);
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t end = s.find('\n', pos);
        if (end == std::string_view::npos)
            end = s.size();
        std::string_view line = s.substr(pos, end - pos);
        pos = end + 1;
        std::size_t hashes = 0;
        while (hashes < line.size() && line[hashes] == '#')
            ++hashes;
        if (hashes >= 1 && hashes <= 6 && hashes < line.size() && line[hashes] == ' ')
            return true;
        if (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("| "))
            return true;
        if (std::size_t close = line.find("](");
            close != std::string_view::npos &&
            line.substr(0, close).find('[') != std::string_view::npos)
            return true;
    }
    return false;
}

std::string extension_of(std::string_view filename) {
    std::size_t slash = filename.find_last_of('/');
    std::string_view base = slash == std::string_view::npos ? filename : filename.substr(slash + 1);
    std::size_t dot = base.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0)
        return {};
    std::string ext(base.substr(dot + 1));
    for (char& c : ext)
        c = lower(c);
    return ext;
}

bool is_blank(std::string_view s) {
    return skip_space(detail::strip_bom(s)).empty();
}

bool has_utf16_bom(std::string_view s) {
    return s.starts_with("\xFF\xFE") || s.starts_with("\xFE\xFF");
}

} // namespace

Result<Format> parse_format(std::string_view name) {
    if (name == "auto")
        return Format::automatic;
    if (name == "pdf")
        return Format::pdf;
    if (name == "html" || name == "htm")
        return Format::html;
    if (name == "md" || name == "markdown")
        return Format::markdown;
    if (name == "txt" || name == "text")
        return Format::text;
    return input_error("unknown format '" + std::string(name) +
                       "' (expected auto, pdf, html, md or txt)");
}

std::string_view format_name(Format format) {
    switch (format) {
    case Format::automatic:
        return "auto";
    case Format::pdf:
        return "pdf";
    case Format::html:
        return "html";
    case Format::markdown:
        return "md";
    case Format::text:
        return "txt";
    }
    return "auto";
}

Format detect_format(std::string_view bytes, std::string_view filename) {
    // PDF readers accept junk before the header; so do we, within the first kilobyte.
    if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos)
        return Format::pdf;
    HtmlSignal html = html_signal(bytes);
    if (has_utf16_bom(bytes)) {
        // Only HTML is read in UTF-16 (it declares itself); look at the ASCII half of each unit.
        std::string ascii;
        bool little_endian = bytes[0] == '\xFF';
        for (std::size_t i = little_endian ? 2 : 3; i < std::min<std::size_t>(bytes.size(), 2048);
             i += 2)
            ascii.push_back(bytes[i]);
        html = html_signal(ascii);
    }
    if (html == HtmlSignal::document)
        return Format::html;
    std::string ext = extension_of(filename);
    if (ext == "pdf")
        return Format::pdf;
    if (ext == "html" || ext == "htm" || ext == "xhtml")
        return Format::html;
    if (ext == "md" || ext == "markdown")
        return Format::markdown;
    if (ext == "txt" || ext == "text")
        return Format::text;
    if (html == HtmlSignal::fragment)
        return Format::html;
    if (looks_like_markdown(detail::strip_bom(bytes)))
        return Format::markdown;
    return Format::text;
}

Deadline Deadline::after(double seconds) {
    Deadline d;
    if (seconds > 0) {
        d.seconds_ = seconds;
        d.at_ = std::chrono::steady_clock::now() +
                std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(seconds));
    }
    return d;
}

bool Deadline::passed() const {
    return at_ && std::chrono::steady_clock::now() >= *at_;
}

Result<void> Deadline::check() const {
    if (!passed())
        return {};
    std::ostringstream s;
    s << seconds_;
    return input_error("extraction took longer than the time limit of " + s.str() +
                       " s; refused (see --extract-timeout)");
}

Result<model::Document> extract_pdf(std::string_view bytes, const PdfPaging& paging,
                                    const Deadline& deadline) {
    GT_TRY(const detail::PdfPlugin* pdf,
           plugin::table<detail::PdfPlugin>("pdf", "reading PDF files"));
    return pdf->read(bytes, paging, deadline);
}

Result<model::Document> extract(std::string_view bytes, const Options& options) {
    Deadline deadline = Deadline::after(options.time_limit);
    if (bytes.size() > default_max_input_bytes)
        return input_error("the input is " + std::to_string(bytes.size() >> 20) +
                           " MiB, over the limit of " +
                           std::to_string(default_max_input_bytes >> 20) + " MiB");
    if (is_blank(bytes))
        return input_error("the document is empty");
    Format format = options.format == Format::automatic ? detect_format(bytes, options.filename)
                                                        : options.format;
    if (format == Format::pdf)
        return extract_pdf(bytes, {}, deadline);
    // Text formats: NUL bytes mean binary data, whatever the name says (UTF-16 HTML aside, which
    // the HTML extractor converts).
    if (!(format == Format::html && has_utf16_bom(bytes))) {
        if (std::size_t nul = bytes.find('\0'); nul != std::string_view::npos)
            return input_error("binary data (a NUL byte at byte " + std::to_string(nul) +
                               "), not " + std::string(format_name(format)) + " text");
    }
    switch (format) {
    case Format::html:
        return extract_html(bytes, deadline);
    case Format::markdown:
        return extract_markdown(bytes, deadline);
    default:
        return extract_text(bytes, deadline);
    }
}

} // namespace guidetrack::extract
