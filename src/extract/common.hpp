// Helpers shared by the HTML, Markdown and text extractors (private to src/).
//
// Every extractor produces a block's text as a sequence of raw pieces, some inside links. The
// TextBuilder normalises the pieces (text::normalise rules) and keeps each link's byte range in
// the normalised text, so no extractor has to track offsets through whitespace collapsing.
#pragma once

#include "guidetrack/model/document.hpp"
#include "guidetrack/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::extract::detail {

class TextBuilder {
  public:
    // Append raw UTF-8 text (white space is collapsed later).
    void text(std::string_view raw);
    // Start a link to target; text until end_link() is the link's text. Links do not nest: a
    // begin_link() inside a link is ignored.
    void begin_link(std::string target);
    void end_link();
    bool in_link() const { return in_link_; }
    // A footnote reference (not part of the text) at the current end of the text.
    void footnote_ref(std::string mark);
    // True if nothing but white space has been appended.
    bool blank() const;
    // Normalise into block.text and block.links (replacing them); the builder is cleared.
    void finish_into(model::Block& block);
    void clear();

  private:
    struct Segment {
        std::string raw;
        std::string target;
        bool link = false;
        std::string note; // a footnote reference's mark (raw is empty)
    };
    std::vector<Segment> segments_;
    bool in_link_ = false;
};

// The byte length of a leading paragraph number and its full stop followed by a space ("48. ",
// "2.3. ", "12a. "), with the number (without the full stop) in *number; 0 if there is none.
std::size_t paragraph_number_prefix(std::string_view s, std::string* number);

// If block.text starts with a paragraph number, move it into block.number (links shifted).
bool take_paragraph_number(model::Block& block);

// Drop a UTF-8 byte order mark.
std::string_view strip_bom(std::string_view bytes);

// Input error naming the first invalid byte, or success.
Result<void> check_utf8(std::string_view bytes);

// Assign sections; an input error "the document has no text" when there are no blocks.
Result<model::Document> finish_document(model::Document doc);

} // namespace guidetrack::extract::detail
