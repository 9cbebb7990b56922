// Link annotations of a PDF (private to the PDF extractor).
//
// Every /Link annotation of a page, read with poppler, that goes to a web address
// (/A << /S /URI >>) or to a page of the document itself (/Dest, or /A << /S /GoTo /D >>, an
// explicit array or a named destination). Rectangles are converted to the coordinates of
// poppler's text boxes (points, origin at the top left of the crop box, y pointing down, after
// the page's /Rotate), so that a word is under a link when its centre is inside the rectangle.
#pragma once

#include <string>
#include <vector>

class PDFDoc;

namespace guidetrack::extract::pdf {

struct PageLink {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0; // poppler text-box coordinates
    // "https://..." for a web address; "#page=N" (N = 1-based physical page) for a link to a
    // page of the document itself.
    std::string target;
};

// A PDF text string (UTF-16 with a byte order mark, or PDFDocEncoding) as UTF-8.
std::string text_string_utf8(const std::string& raw);

// The links of page `page_number` (1-based) of an open document; none for a page poppler
// cannot read. Never throws.
std::vector<PageLink> page_links(PDFDoc& doc, int page_number);

} // namespace guidetrack::extract::pdf
