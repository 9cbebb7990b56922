#include "pdfgen.hpp"

#include <cstdio>
#include <stdexcept>

namespace pdfgen {

namespace {

// Advance widths (1/1000 em) of Helvetica for ASCII 32..126, from the font's published metrics.
constexpr int helvetica[95] = {
    278,  278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
    556,  556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48-63
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 64-79
    667,  778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80-95
    333,  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 96-111
    556,  556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};     // 112-126

// One character of UTF-8 text: its WinAnsi code and width; advances i.
std::pair<unsigned char, int> next_char(std::string_view s, std::size_t& i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        ++i;
        int w = c >= 32 && c <= 126 ? helvetica[c - 32] : 278;
        return {c, w};
    }
    // Three-byte sequences for the few punctuation marks the tests use.
    std::string_view seq = s.substr(i, 3);
    i += 3;
    if (seq == "\u2022")
        return {0x95, 350};
    if (seq == "\u2013")
        return {0x96, 556};
    if (seq == "\u2014")
        return {0x97, 1000};
    if (seq == "\u2018")
        return {0x91, 222};
    if (seq == "\u2019")
        return {0x92, 222};
    if (seq == "\u201C")
        return {0x93, 333};
    if (seq == "\u201D")
        return {0x94, 333};
    throw std::invalid_argument("pdfgen: unsupported character");
}

std::string pdf_string(std::string_view text) {
    std::string out = "(";
    for (std::size_t i = 0; i < text.size();) {
        auto [code, width] = next_char(text, i);
        (void)width;
        if (code == '(' || code == ')' || code == '\\') {
            out += '\\';
            out += static_cast<char>(code);
        } else if (code >= 0x80) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\%03o", code);
            out += buf;
        } else {
            out += static_cast<char>(code);
        }
    }
    return out + ")";
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

} // namespace

double text_width(std::string_view text, double size, Font font) {
    double units = 0;
    for (std::size_t i = 0; i < text.size();)
        units += next_char(text, i).second;
    // Helvetica-Bold is a little wider; close enough for line breaking.
    return units * size / 1000.0 * (font == Font::bold ? 1.06 : 1.0);
}

std::vector<std::string> wrap(std::string_view text, double width, double size, Font font) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = text.find(' ', i);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view word = text.substr(i, end - i);
        i = end + 1;
        if (word.empty())
            continue;
        std::string candidate = line.empty() ? std::string(word) : line + " " + std::string(word);
        if (!line.empty() && text_width(candidate, size, font) > width) {
            lines.push_back(line);
            line = std::string(word);
        } else {
            line = candidate;
        }
    }
    if (!line.empty())
        lines.push_back(line);
    return lines;
}

std::string write(const std::vector<Page>& pages, const Options& options) {
    std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
    std::vector<std::size_t> offsets; // offsets[i] = object i + 1
    auto object = [&](const std::string& body) {
        offsets.push_back(out.size());
        out += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
    };
    const std::size_t n = pages.size();
    // 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, then page i: 5 + 2i, content 6 + 2i.
    std::string catalog = "<< /Type /Catalog /Pages 2 0 R";
    if (!options.labels.empty()) {
        catalog += " /PageLabels << /Nums [";
        for (const auto& [start, style] : options.labels)
            catalog += " " + std::to_string(start) + " << /S /" + style + " >>";
        catalog += " ] >>";
    }
    object(catalog + " >>");
    std::string kids;
    for (std::size_t i = 0; i < n; ++i)
        kids += std::to_string(5 + 2 * i) + " 0 R ";
    object("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(n) + " >>");
    object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding "
           ">>");
    // Link annotations are numbered after the pages and their contents.
    std::size_t next_annot = 5 + 2 * n;
    for (std::size_t i = 0; i < n; ++i) {
        std::string annots;
        if (!pages[i].links.empty()) {
            annots = " /Annots [";
            for (std::size_t k = 0; k < pages[i].links.size(); ++k)
                annots += " " + std::to_string(next_annot++) + " 0 R";
            annots += " ]";
        }
        object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + number(page_width) + " " +
               number(page_height) + "] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> " +
               "/Contents " + std::to_string(6 + 2 * i) + " 0 R" + annots + " >>");
        std::string content;
        for (const Rect& r : pages[i].rects)
            content += number(r.x) + " " + number(page_height - r.y - r.h) + " " + number(r.w) +
                       " " + number(r.h) + " re f\n";
        for (const Run& run : pages[i].runs)
            content += std::string("BT /") + (run.font == Font::bold ? "F2 " : "F1 ") +
                       number(run.size) + " Tf " + number(run.x) + " " +
                       number(page_height - run.y) + " Td " + pdf_string(run.text) + " Tj ET\n";
        object("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
               "\nendstream");
    }
    for (std::size_t i = 0; i < n; ++i)
        for (const Link& link : pages[i].links) {
            const Rect& r = link.rect;
            std::string rect = "[" + number(r.x) + " " + number(page_height - r.y - r.h) + " " +
                               number(r.x + r.w) + " " + number(page_height - r.y) + "]";
            std::string action =
                link.uri.empty()
                    ? "/Dest [" + std::to_string(5 + 2 * static_cast<std::size_t>(link.page)) +
                          " 0 R /XYZ 0 " + number(page_height) + " 0]"
                    : "/A << /S /URI /URI " + pdf_string(link.uri) + " >>";
            object("<< /Type /Annot /Subtype /Link /Rect " + rect + " /Border [0 0 0] " + action +
                   " >>");
        }
    std::string trailer_extra;
    if (options.password) {
        // Owner and user password hashes that match no password: readers must ask for one.
        std::string o(64, 'A'), u(64, 'B');
        object("<< /Filter /Standard /V 1 /R 2 /O <" + o + "> /U <" + u + "> /P -44 >>");
        trailer_extra = " /Encrypt " + std::to_string(offsets.size()) +
                        " 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> "
                        "<0123456789ABCDEF0123456789ABCDEF>]";
    }
    std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n";
    for (std::size_t off : offsets) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
        out += buf;
    }
    out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) + " /Root 1 0 R" +
           trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

Flow::Flow(std::string header, double body_size)
    : header_(std::move(header)), body_size_(body_size) {
    page_break();
}

Page& Flow::current() {
    return pages_.back();
}

void Flow::page_break() {
    pages_.emplace_back();
    notes_.emplace_back();
    y_ = top;
}

void Flow::space(double points) {
    if (y_ > top)
        y_ += points;
}

void Flow::line(double x, const std::string& text, double size, Font font) {
    double height = size * 1.3;
    if (y_ + height > bottom - 12.0 * static_cast<double>(notes_.back().size()))
        page_break();
    y_ += height;
    // Words "^N" are superscript references: smaller, raised, no space before.
    double cx = x;
    std::string pending;
    auto flush = [&] {
        if (pending.empty())
            return;
        current().runs.push_back(Run{x, y_, size, font, pending});
        cx = x + text_width(pending, size, font);
        pending.clear();
    };
    std::size_t i = 0;
    while (i <= text.size()) {
        std::size_t end = text.find(' ', i);
        if (end == std::string::npos)
            end = text.size();
        std::string word = text.substr(i, end - i);
        i = end + 1;
        if (word.empty())
            continue;
        if (word.size() > 1 && word[0] == '^') {
            flush();
            std::string mark = word.substr(1);
            current().runs.push_back(Run{cx + 0.5, y_ - size * 0.35, size * 0.6, font, mark});
            x = cx + 0.5 + text_width(mark, size * 0.6, font) + text_width(" ", size, font);
            cx = x;
            continue;
        }
        if (!pending.empty())
            pending += ' ';
        pending += word;
    }
    flush();
}

void Flow::heading(const std::string& text, double size, Font font) {
    space(size * 0.8);
    for (const auto& l : wrap(text, right - left, size, font))
        line(left, l, size, font);
    space(4);
}

void Flow::paragraph(const std::string& text, const std::string& number) {
    double indent = number.empty() ? 0 : 28;
    // The first line is narrower by the number's indent; wrap it apart from the rest.
    auto first = wrap(text, right - left - indent, body_size_);
    if (first.empty())
        return;
    std::vector<std::string> lines{first[0]};
    std::string rest = text.substr(std::min(text.size(), first[0].size() + 1));
    for (auto& l : wrap(rest, right - left, body_size_))
        lines.push_back(l);
    paragraph_lines(lines, number);
}

void Flow::paragraph_lines(const std::vector<std::string>& lines, const std::string& number,
                           double gap_before) {
    space(gap_before >= 0 ? gap_before : body_size_ * 0.9);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i == 0 && !number.empty()) {
            line(left + 28, lines[0], body_size_, Font::regular);
            current().runs.push_back(
                Run{left, y_, body_size_, Font::regular, number + (number.empty() ? "" : ".")});
        } else {
            line(left, lines[i], body_size_, Font::regular);
        }
    }
}

void Flow::item(const std::string& text, const std::string& label, int depth) {
    double label_x = left + 18 + 18 * depth;
    double text_x = label_x + 18;
    space(3);
    auto lines = wrap(text, right - text_x, body_size_);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        line(text_x, lines[i], body_size_, Font::regular);
        if (i == 0)
            current().runs.push_back(Run{label_x, y_, body_size_, Font::regular, label});
    }
}

void Flow::footnote(const std::string& mark, const std::string& text) {
    notes_.back().emplace_back(mark, text);
}

std::vector<Page> Flow::pages() const {
    std::vector<Page> out = pages_;
    for (std::size_t p = 0; p < out.size(); ++p) {
        Page& page = out[p];
        if (!header_.empty())
            page.runs.push_back(Run{left, 40, 9, Font::regular, header_});
        std::string folio = std::to_string(p + 1);
        page.runs.push_back(
            Run{(page_width - text_width(folio, 9)) / 2, 810, 9, Font::regular, folio});
        double y = bottom + 10;
        for (const auto& [mark, text] : notes_[p]) {
            page.runs.push_back(Run{left, y - 2, 6, Font::regular, mark});
            page.runs.push_back(Run{left + 6, y, 8, Font::regular, text});
            y += 11;
        }
    }
    return out;
}

std::string Flow::pdf(const Options& options) const {
    return write(pages(), options);
}

} // namespace pdfgen

// The PDFs written here use the standard fonts without embedding them, so poppler asks
// fontconfig for a substitute, and fontconfig keeps its configuration for the life of the
// process: LeakSanitizer would report that as a leak of every test process that reads one.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\n";
}
