// PDF extraction with poppler-cpp (first version: page text split into paragraphs at blank lines;
// the word-box layout analysis replaces it).
#include "guidetrack/extract.hpp"
#include "guidetrack/text.hpp"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>
#include <sstream>

namespace guidetrack::extract {

namespace {

void ignore_poppler_message(const std::string&, void*) {}

std::string to_utf8(const poppler::ustring& s) {
    auto bytes = s.to_utf8();
    return std::string(bytes.begin(), bytes.end());
}

} // namespace

Result<model::Document> extract_pdf(std::string_view bytes) {
    poppler::set_debug_error_function(ignore_poppler_message, nullptr);
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        return input_error("the PDF is too large");
    std::unique_ptr<poppler::document> pdf(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!pdf)
        return input_error("not a readable PDF (truncated or corrupt)");
    if (pdf->is_locked())
        return input_error("the PDF is encrypted; guidetrack cannot extract it");
    model::Document doc;
    for (int i = 0; i < pdf->pages(); ++i) {
        std::unique_ptr<poppler::page> page(pdf->create_page(i));
        if (!page)
            continue;
        std::string label = to_utf8(page->label());
        if (label.empty())
            label = std::to_string(i + 1);
        std::istringstream lines(to_utf8(page->text()));
        std::string line, para;
        auto flush = [&] {
            auto t = text::normalise_lossy(para);
            if (!t.empty())
                doc.blocks.push_back(
                    model::Block{model::BlockKind::paragraph, 0, t, label, {}, {}, {}});
            para.clear();
        };
        while (std::getline(lines, line)) {
            if (text::normalise_lossy(line).empty())
                flush();
            else
                para += line + " ";
        }
        flush();
    }
    if (doc.blocks.empty())
        return input_error("the PDF has no text layer (scanned?); guidetrack cannot extract it");
    model::assign_sections(doc);
    return doc;
}

} // namespace guidetrack::extract
