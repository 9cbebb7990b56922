#include "extract/pdf/links.hpp"

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFAnnotationObjectHelper.hh>
#include <qpdf/QPDFNameTreeObjectHelper.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <algorithm>
#include <exception>

namespace guidetrack::extract::pdf {

namespace {

// Trim ASCII white space (some writers pad /URI strings).
std::string trim(std::string s) {
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0; };
    while (!s.empty() && space(s.back()))
        s.pop_back();
    std::size_t b = 0;
    while (b < s.size() && space(s[b]))
        ++b;
    return s.substr(b);
}

// The 1-based page number of an explicit destination array ([page /XYZ ...]), or 0.
int destination_page(QPDF& pdf, QPDFObjectHandle dest) {
    if (dest.isDictionary() && dest.hasKey("/D")) // a named destination's value << /D [...] >>
        dest = dest.getKey("/D");
    if (!dest.isArray() || dest.getArrayNItems() < 1)
        return 0;
    QPDFObjectHandle page = dest.getArrayItem(0);
    if (page.isInteger()) // a page index (used for remote destinations, tolerated here)
        return page.getIntValueAsInt() + 1;
    if (!page.isDictionary())
        return 0;
    int index = pdf.findPage(page);
    return index < 0 ? 0 : index + 1;
}

// Resolve a named destination (a name or a string) through the catalog's /Dests dictionary or
// its /Names /Dests name tree.
QPDFObjectHandle named_destination(QPDF& pdf, QPDFObjectHandle name) {
    QPDFObjectHandle root = pdf.getRoot();
    if (name.isName()) {
        QPDFObjectHandle dests = root.getKey("/Dests");
        if (dests.isDictionary())
            return dests.getKey(name.getName());
        return QPDFObjectHandle::newNull();
    }
    if (!name.isString())
        return QPDFObjectHandle::newNull();
    QPDFObjectHandle names = root.getKey("/Names");
    if (!names.isDictionary())
        return QPDFObjectHandle::newNull();
    QPDFObjectHandle tree = names.getKey("/Dests");
    if (!tree.isDictionary())
        return QPDFObjectHandle::newNull();
    QPDFNameTreeObjectHelper helper(tree, pdf, false);
    QPDFObjectHandle out;
    if (helper.findObject(name.getUTF8Value(), out))
        return out;
    return QPDFObjectHandle::newNull();
}

std::string link_target(QPDF& pdf, QPDFObjectHandle annot) {
    QPDFObjectHandle dest;
    QPDFObjectHandle action = annot.getKey("/A");
    if (action.isDictionary()) {
        QPDFObjectHandle kind = action.getKey("/S");
        if (kind.isNameAndEquals("/URI")) {
            QPDFObjectHandle uri = action.getKey("/URI");
            return uri.isString() ? trim(uri.getUTF8Value()) : std::string();
        }
        if (kind.isNameAndEquals("/GoTo"))
            dest = action.getKey("/D");
        else
            return {}; // remote files, launch, JavaScript: not kept
    } else {
        dest = annot.getKey("/Dest");
    }
    if (dest.isName() || dest.isString())
        dest = named_destination(pdf, dest);
    int page = destination_page(pdf, dest);
    return page > 0 ? "#page=" + std::to_string(page) : std::string();
}

} // namespace

std::vector<std::vector<PageLink>> read_links(std::string_view bytes) {
    std::vector<std::vector<PageLink>> out;
    try {
        QPDF pdf;
        pdf.setSuppressWarnings(true);
        pdf.processMemoryFile("input.pdf", bytes.data(), bytes.size());
        auto pages = QPDFPageDocumentHelper(pdf).getAllPages();
        out.resize(pages.size());
        for (std::size_t p = 0; p < pages.size(); ++p) {
            auto& page = pages[p];
            QPDFObjectHandle box_obj = page.getCropBox();
            if (!box_obj.isRectangle())
                box_obj = page.getMediaBox();
            if (!box_obj.isRectangle())
                continue;
            auto box = box_obj.getArrayAsRectangle();
            double bx0 = std::min(box.llx, box.urx), bx1 = std::max(box.llx, box.urx);
            double by0 = std::min(box.lly, box.ury), by1 = std::max(box.lly, box.ury);
            int rotate = 0;
            if (QPDFObjectHandle r = page.getAttribute("/Rotate", false); r.isInteger())
                rotate = ((r.getIntValueAsInt() % 360) + 360) % 360;
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
            for (auto& annot : page.getAnnotations("/Link")) {
                std::string target = link_target(pdf, annot.getObjectHandle());
                if (target.empty())
                    continue;
                auto r = annot.getRect();
                double ax, ay, bx, by;
                convert(r.llx, r.lly, ax, ay);
                convert(r.urx, r.ury, bx, by);
                PageLink link;
                link.x0 = std::min(ax, bx);
                link.x1 = std::max(ax, bx);
                link.y0 = std::min(ay, by);
                link.y1 = std::max(ay, by);
                link.target = std::move(target);
                out[p].push_back(std::move(link));
            }
        }
    } catch (const std::exception&) {
        return {};
    }
    return out;
}

} // namespace guidetrack::extract::pdf
