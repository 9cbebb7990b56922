// The document model: what every extractor produces and every diff consumes.
//
// A document is an ordered list of blocks. Each block carries the anchors a reader uses to find
// it ("Page 26, paragraph 48, under Section 1 > Lead safeguarding partners") and the links inside
// it, since a changed link target is a real change even when the words stay the same.
//
// The stored text of a version (what `git show` prints) is written from this model by
// write_stored_text() and read back by parse_stored_text(); the two are exact inverses for any
// document whose text is normalised (one line per block, see text.hpp).
#pragma once

#include "guidetrack/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::model {

enum class BlockKind { heading, paragraph, list_item, table_row, footnote };

std::string_view kind_name(BlockKind kind);

// A link inside a block: bytes [begin, end) of the block's text, pointing at target.
struct Link {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string target;

    bool operator==(const Link&) const = default;
};

// A footnote reference inside a block: the mark ("20", "*") printed as a superscript after the
// word that ends at byte `offset` of the block's text. The mark is not part of the text, so
// "Local Authorities 20" reads "Local Authorities" with a reference to footnote 20 at its end.
struct FootnoteRef {
    std::size_t offset = 0;
    std::string mark;

    bool operator==(const FootnoteRef&) const = default;
};

struct Block {
    BlockKind kind = BlockKind::paragraph;
    // Heading level (1-6) for headings; nesting depth (0 = top) for list items; 0 otherwise.
    int level = 0;
    // Normalised UTF-8 text on one line. For table rows, the cells joined by " | ".
    std::string text;
    // Label of the page the block starts on (PDF page label); empty where there are no pages.
    std::string page;
    // The paragraph number printed in the document ("48", "2.3", "12a"), or the footnote's mark;
    // empty for unnumbered blocks. Never includes the trailing full stop.
    std::string number;
    // Titles of the headings above this block, outermost first (for a heading: those above it).
    // Derived from the heading blocks by assign_sections(); kept here for every consumer's use.
    std::vector<std::string> section;
    std::vector<Link> links;
    // Footnote references, in text order (offsets nondecreasing).
    std::vector<FootnoteRef> footnote_refs;

    bool operator==(const Block&) const = default;
};

struct Document {
    std::vector<Block> blocks;

    bool operator==(const Document&) const = default;
};

// The text a link covers.
std::string_view link_text(const Block& block, const Link& link);

// Deepest list nesting the stored text keeps; deeper items are kept at this level.
constexpr int max_list_level = 20;

// Recompute every block's section path from the heading blocks, and bring list levels into the
// range the stored text keeps (0..max_list_level), so that every extractor's model survives the
// round trip through the store. Every extractor calls it last.
void assign_sections(Document& doc);

// Serialise to the stored form: Markdown-like, one block a line, blank lines between blocks,
// "<!-- page N -->" markers where the page changes, "48. " before numbered paragraphs, inline
// links as [text](<target>). Readable in `git show`, and loses no anchor.
std::string write_stored_text(const Document& doc);

// Read a stored text back. parse_stored_text(write_stored_text(d)) == d for normalised d.
Result<Document> parse_stored_text(std::string_view text);

// Plain text of the whole document (blocks separated by blank lines), for word counts and
// plain line diffs.
std::string plain_text(const Document& doc);

// Number of words (whitespace-separated runs) in the document's text.
std::size_t word_count(const Document& doc);

nlohmann::json to_json(const Document& doc);
nlohmann::json to_json(const Block& block);

} // namespace guidetrack::model
