// A tiny PDF writer for tests: real PDF files, written by hand, with the standard Type1 fonts
// Helvetica and Helvetica-Bold, so that the PDF extractor can be tested on known layouts without
// checking binary fixtures into the repository.
//
// Two levels: Page/Run/Rect place text and rectangles at absolute positions (y measured from the
// top of an A4 page to the text's baseline), and Flow lays out headings, numbered paragraphs,
// list items and footnotes down the pages with a running header and a page-number footer, the
// way a word processor would.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pdfgen {

constexpr double page_width = 595;
constexpr double page_height = 842;

enum class Font { regular, bold };

struct Run {
    double x = 0;
    double y = 0; // baseline, from the top of the page
    double size = 11;
    Font font = Font::regular;
    std::string text; // UTF-8; characters outside ASCII limited to bullets, dashes and quotes
};

struct Rect {
    double x = 0, y = 0, w = 0, h = 0; // y from the top of the page to the rectangle's top
};

// A link annotation: a rectangle (same coordinates as Rect) pointing at a web address, or at a
// page of the document (page >= 0, 0-based) when uri is empty.
struct Link {
    Rect rect;
    std::string uri;
    int page = -1;
};

struct Page {
    std::vector<Run> runs;
    std::vector<Rect> rects;
    std::vector<Link> links;
};

struct Options {
    // /PageLabels ranges: (first page index, style) with style "D" (1, 2, ...) or "r" (i, ii).
    std::vector<std::pair<int, std::string>> labels;
    // Add a Standard security handler that needs a user password (the document is locked).
    bool password = false;
};

// Width of text in points with the standard font metrics.
double text_width(std::string_view text, double size, Font font = Font::regular);

// Greedy line breaking at spaces to lines no wider than width.
std::vector<std::string> wrap(std::string_view text, double width, double size,
                              Font font = Font::regular);

// The bytes of a PDF file with these pages.
std::string write(const std::vector<Page>& pages, const Options& options = {});

// Flowing layout with page breaks, a running header and a centred page number in the footer.
class Flow {
  public:
    explicit Flow(std::string header = {}, double body_size = 11);

    void heading(const std::string& text, double size, Font font = Font::bold);
    // A paragraph: the number (if any) at the left margin, the text after a tab-like gap, the
    // following lines at the left margin. Words "^N" are superscript footnote references.
    void paragraph(const std::string& text, const std::string& number = {});
    // The same with explicit line breaks (to put a hyphen at a line end).
    void paragraph_lines(const std::vector<std::string>& lines, const std::string& number = {},
                         double gap_before = -1);
    // A list item: label ("•", "a)") indented, the text after it, continuation under the text.
    void item(const std::string& text, const std::string& label = "\u2022", int depth = 0);
    // A footnote at the bottom of the current page.
    void footnote(const std::string& mark, const std::string& text);
    void page_break();

    std::vector<Page> pages() const;
    std::string pdf(const Options& options = {}) const;

    double left = 72, right = 523, top = 80, bottom = 740;

  private:
    void line(double x, const std::string& text, double size, Font font);
    void space(double points);
    Page& current();

    std::string header_;
    double body_size_;
    double y_ = 0;
    std::vector<Page> pages_;
    std::vector<std::vector<std::pair<std::string, std::string>>> notes_;
};

} // namespace pdfgen
