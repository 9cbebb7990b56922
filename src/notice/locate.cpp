// Locations: where a change is, as a reader names it (page, paragraph, section, footnote).
#include "internal.hpp"

namespace guidetrack::notice::detail {

bool is_integer(std::string_view s) {
    return !s.empty() && s.size() < 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

// The paragraph a footnote hangs from: the block with a link to "#fn:N" or the text
// "[footnote N]".
const Block* footnote_owner(const Document& doc, std::string_view mark) {
    std::string ref = "[footnote " + std::string(mark) + "]";
    for (const auto& b : doc.blocks) {
        if (b.kind == BlockKind::footnote)
            continue;
        for (const auto& l : b.links) {
            std::string_view t = l.target;
            auto hash = t.rfind('#');
            if (hash == std::string_view::npos)
                continue;
            std::string_view frag = t.substr(hash + 1);
            if (frag == "fn:" + std::string(mark) || frag == "fn" + std::string(mark) ||
                frag == "footnote-" + std::string(mark))
                return &b;
        }
        if (b.text.find(ref) != std::string::npos)
            return &b;
    }
    return nullptr;
}

} // namespace

Location locate(const diff::Anchor& anchor, const Document& doc) {
    Location where;
    where.page = anchor.page;
    where.paragraph = anchor.number;
    where.section = anchor.section;
    if (anchor.block_index >= doc.blocks.size())
        return where;
    const Block& block = doc.blocks[anchor.block_index];
    if (block.kind == BlockKind::heading) {
        // Under the document's title only: the heading itself says where it is.
        if (where.section.size() == 1 && block.level > 1 &&
            where.section.front() == document_title(doc))
            where.section.clear();
        return where;
    }
    if (block.kind == BlockKind::footnote) {
        where.footnote = block.number;
        where.paragraph.clear();
        if (const Block* owner = footnote_owner(doc, block.number)) {
            where.paragraph = owner->number;
            if (!owner->page.empty())
                where.page = owner->page;
            where.section = owner->section;
        }
        return where;
    }
    // Position under the nearest heading, and (for bullet points) the numbered paragraph they
    // belong to and their place in the list; for table rows, the numbered paragraph the table
    // follows and the row's first cell.
    std::size_t ordinal = 1;
    bool owner_found = !where.paragraph.empty();
    bool in_list = block.kind == BlockKind::list_item;
    std::size_t bullet = 1;
    bool in_table = block.kind == BlockKind::table_row;
    for (std::size_t i = anchor.block_index; i-- > 0;) {
        const Block& b = doc.blocks[i];
        if (b.kind == BlockKind::heading)
            break;
        if (in_list) {
            if (b.kind == BlockKind::list_item) {
                if (b.level == block.level)
                    ++bullet;
                else if (b.level < block.level)
                    in_list = false;
            } else if (b.kind != BlockKind::footnote) {
                in_list = false;
            }
        }
        if (in_table && b.kind != BlockKind::table_row && b.kind != BlockKind::footnote) {
            in_table = false;
            if (!b.number.empty())
                where.after_paragraph = b.number;
            else {
                // The table follows an unnumbered block: the nearest printed number before it
                // under the same heading, if any.
                for (std::size_t k = i; k-- > 0;) {
                    if (doc.blocks[k].kind == BlockKind::heading)
                        break;
                    if (!doc.blocks[k].number.empty() &&
                        doc.blocks[k].kind != BlockKind::footnote) {
                        where.after_paragraph = doc.blocks[k].number;
                        break;
                    }
                }
            }
        }
        if (!owner_found && block.kind == BlockKind::list_item && !b.number.empty() &&
            b.kind != BlockKind::footnote) {
            where.paragraph = b.number;
            owner_found = true;
        }
        if (b.kind != BlockKind::footnote)
            ++ordinal;
    }
    where.ordinal = ordinal;
    if (block.kind == BlockKind::list_item)
        where.bullet = bullet;
    if (block.kind == BlockKind::table_row) {
        std::string first = block.text.substr(0, block.text.find(" | "));
        where.row = shorten(trim(first), 6);
        if (where.row.empty())
            where.row.clear();
    }
    return where;
}

} // namespace guidetrack::notice::detail
