// Link annotations of a PDF (private to the PDF extractor).
//
// poppler-cpp has no link API, so the PDF's /Annots are read with qpdf: every /Link annotation
// with a web address (/A << /S /URI >>) or a destination inside the document (/Dest, or
// /A << /S /GoTo /D >>, an explicit array or a named destination). Rectangles are converted to
// the coordinates of poppler's text boxes (points, origin at the top left of the crop box, y
// pointing down, after the page's /Rotate), so that a word is under a link when its centre is
// inside the rectangle.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::extract::pdf {

struct PageLink {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0; // poppler text-box coordinates
    // "https://..." for a web address; "#page=N" (N = 1-based physical page) for a link to a
    // page of the document itself.
    std::string target;
};

// The links of every page (index = page index). Returns an empty vector when qpdf cannot read
// the file (the text is still extracted; only the links are missing). Never throws.
std::vector<std::vector<PageLink>> read_links(std::string_view bytes);

} // namespace guidetrack::extract::pdf
