#include "extract/pdf/links.hpp"

#include "guidetrack/text/text.hpp"

#include <poppler/Annot.h>
#include <poppler/Link.h>
#include <poppler/PDFDoc.h>
#include <poppler/Page.h>
#include <poppler/UTF.h>
#include <poppler/goo/GooString.h>

#include <algorithm>

namespace guidetrack::extract::pdf {

namespace {

// A /URI string, trimmed of ASCII white space (some writers pad them).
std::string uri_text(const std::string& raw) {
    std::string s = text_string_utf8(raw);
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0; };
    while (!s.empty() && space(s.back()))
        s.pop_back();
    std::size_t b = 0;
    while (b < s.size() && space(s[b]))
        ++b;
    return s.substr(b);
}

// The 1-based page a destination points to, or 0.
int destination_page(PDFDoc& doc, const LinkDest* dest) {
    if (!dest || !dest->isOk())
        return 0;
    if (!dest->isPageRef()) // a page index (used for remote destinations, tolerated here)
        return dest->getPageNum() >= 1 && dest->getPageNum() <= doc.getNumPages()
                   ? dest->getPageNum()
                   : 0;
    return doc.findPage(dest->getPageRef()); // 0 when the reference is not a page
}

std::string link_target(PDFDoc& doc, const LinkAction* action) {
    if (!action || !action->isOk())
        return {};
    if (action->getKind() == actionURI)
        return uri_text(static_cast<const LinkURI*>(action)->getURI());
    if (action->getKind() != actionGoTo)
        return {}; // remote files, launch, JavaScript: not kept
    const auto* go = static_cast<const LinkGoTo*>(action);
    int page = 0;
    if (go->getDest()) {
        page = destination_page(doc, go->getDest());
    } else if (go->getNamedDest()) {
        std::unique_ptr<LinkDest> named = doc.findDest(go->getNamedDest());
        page = destination_page(doc, named.get());
    }
    return page > 0 ? "#page=" + std::to_string(page) : std::string();
}

} // namespace

std::string text_string_utf8(const std::string& raw) {
    Unicode* u = nullptr;
    int n = TextStringToUCS4(raw, &u);
    std::string s;
    for (int i = 0; i < n; ++i) {
        char32_t c = u[i];
        text::append_utf8(s, c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c);
    }
    gfree(u);
    return s;
}

std::vector<PageLink> page_links(PDFDoc& doc, int page_number) {
    std::vector<PageLink> out;
    ::Page* page = doc.getPage(page_number);
    if (!page)
        return out;
    const PDFRectangle* box = page->getCropBox();
    double bx0 = std::min(box->x1, box->x2), bx1 = std::max(box->x1, box->x2);
    double by0 = std::min(box->y1, box->y2), by1 = std::max(box->y1, box->y2);
    int rotate = ((page->getRotate() % 360) + 360) % 360;
    // PDF user space (origin bottom left, y up) -> poppler's top-left coordinates.
    auto convert = [&](double x, double y, double& X, double& Y) {
        switch (rotate) {
        case 90:
            X = y - by0, Y = x - bx0;
            break;
        case 180:
            X = bx1 - x, Y = y - by0;
            break;
        case 270:
            X = by1 - y, Y = bx1 - x;
            break;
        default:
            X = x - bx0, Y = by1 - y;
        }
    };
    std::unique_ptr<Links> links = page->getLinks();
    if (!links)
        return out;
    for (AnnotLink* annot : links->getLinks()) {
        if (!annot)
            continue;
        std::string target = link_target(doc, annot->getAction());
        if (target.empty())
            continue;
        double rx0, ry0, rx1, ry1;
        annot->getRect(&rx0, &ry0, &rx1, &ry1);
        double ax, ay, bx, by;
        convert(rx0, ry0, ax, ay);
        convert(rx1, ry1, bx, by);
        PageLink link;
        link.x0 = std::min(ax, bx);
        link.x1 = std::max(ax, bx);
        link.y0 = std::min(ay, by);
        link.y1 = std::max(ay, by);
        link.target = std::move(target);
        out.push_back(std::move(link));
    }
    return out;
}

} // namespace guidetrack::extract::pdf
