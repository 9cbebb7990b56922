// The table of guidetrack-pdf.so: the PDF reader, loaded by extract_pdf on first use
// (guidetrack/plugin/plugin.hpp says why). Private to src/extract.
#pragma once

#include "guidetrack/extract/extract.hpp"

namespace guidetrack::extract::detail {

struct PdfPlugin {
    Result<model::Document> (*read)(std::string_view bytes, const PdfPaging& paging,
                                    const Deadline& deadline);
};

// The reader itself (pdf.cpp), inside the plugin only.
Result<model::Document> read_pdf(std::string_view bytes, const PdfPaging& paging,
                                 const Deadline& deadline);

} // namespace guidetrack::extract::detail
