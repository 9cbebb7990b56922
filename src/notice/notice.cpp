// The notice module's public calls (guidetrack/notice/notice.hpp): build_notice and the
// helpers other modules use. The parts it puts together are in internal.hpp.
#include "internal.hpp"

namespace guidetrack::notice {

using namespace detail;

std::string_view kind_name(ItemKind kind) {
    switch (kind) {
    case ItemKind::email_corrected:
        return "email_corrected";
    case ItemKind::link_added:
        return "link_added";
    case ItemKind::link_removed:
        return "link_removed";
    case ItemKind::link_updated:
        return "link_updated";
    case ItemKind::date_changed:
        return "date_changed";
    case ItemKind::number_changed:
        return "number_changed";
    case ItemKind::definition_updated:
        return "definition_updated";
    case ItemKind::heading_renamed:
        return "heading_renamed";
    case ItemKind::paragraph_added:
        return "paragraph_added";
    case ItemKind::paragraph_removed:
        return "paragraph_removed";
    case ItemKind::paragraph_moved:
        return "paragraph_moved";
    case ItemKind::renumbered:
        return "renumbered";
    case ItemKind::cross_references_updated:
        return "cross_references_updated";
    case ItemKind::typographic:
        return "typographic";
    case ItemKind::wording_amended:
        return "wording_amended";
    case ItemKind::term_replaced:
        return "term_replaced";
    case ItemKind::section_revised:
        return "section_revised";
    }
    return "wording_amended";
}

std::string location_text(const Location& w) {
    std::string out;
    auto add = [&out](const std::string& piece) {
        if (out.empty())
            out = std::string(
                      1, static_cast<char>(std::toupper(static_cast<unsigned char>(piece[0])))) +
                  piece.substr(1);
        else
            out += ", " + piece;
    };
    if (!w.page.empty())
        add(w.page_last.empty() ? "page " + w.page : "pages " + w.page + " to " + w.page_last);
    bool range = !w.paragraph_last.empty();
    if (!w.paragraph.empty()) {
        add(range ? "paragraphs " + w.paragraph + " to " + w.paragraph_last
                  : "paragraph " + w.paragraph);
        if (w.previous_numbering)
            out += " (previous numbering)";
    } else if (!w.after_paragraph.empty()) {
        add("the table after paragraph " + w.after_paragraph);
    }
    if (!w.footnote.empty())
        add("footnote " + w.footnote);
    bool placed = !out.empty();
    if (!placed && !w.section.empty()) {
        add("section '" + w.section.back() + "'");
        placed = true;
    }
    if (!range && w.footnote.empty() &&
        (placed && (w.page.empty() || !w.paragraph.empty() || !w.after_paragraph.empty()))) {
        if (w.bullet > 0)
            add("bullet " + std::to_string(w.bullet));
        else if (!w.row.empty())
            add("row '" + w.row + "'");
    }
    return out;
}

bool is_metadata(std::string_view s) {
    if (s.size() > 200)
        return false;
    return std::regex_search(trim(s), metadata_re());
}

std::string find_date(std::string_view s) {
    std::string str(s), found;
    for (auto it = std::sregex_iterator(str.begin(), str.end(), full_date_re());
         it != std::sregex_iterator(); ++it) {
        int day = std::atoi(it->str(1).c_str());
        std::string month = lower_ascii(it->str(2));
        int m = 0;
        for (std::size_t i = 0; i < kMonths.size(); ++i)
            if (lower_ascii(kMonths[i]) == month)
                m = static_cast<int>(i) + 1;
        if (day < 1 || day > 31 || m == 0)
            continue;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%s-%02d-%02d", it->str(3).c_str(), m, day);
        found = buf;
    }
    return found;
}

std::string display_date(std::string_view iso) {
    static const std::regex re(R"(^(\d{4})-(\d{2})-(\d{2}))");
    std::string s(iso);
    std::smatch m;
    if (!std::regex_search(s, m, re))
        return s;
    int month = std::atoi(m.str(2).c_str()), day = std::atoi(m.str(3).c_str());
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return s;
    return std::to_string(day) + " " + std::string(kMonths[static_cast<std::size_t>(month - 1)]) +
           " " + m.str(1);
}

std::string document_title(const model::Document& doc) {
    const Block* first = nullptr;
    for (const auto& b : doc.blocks) {
        if (b.kind != BlockKind::heading)
            continue;
        if (b.level == 1)
            return b.text;
        if (!first)
            first = &b;
    }
    return first ? first->text : std::string();
}

std::string defined_term(const model::Block& block) {
    if (block.kind == BlockKind::heading || block.kind == BlockKind::table_row)
        return {};
    const std::string& t = block.text;
    std::smatch m;
    static const std::regex bold(R"(^\*\*([^*]{1,120})\*\*\s*(:|–|—|-)?\s)");
    if (std::regex_search(t, m, bold) && plausible_term(m.str(1)))
        return strip_term(m.str(1));
    static const std::regex dash(R"(^([^:.;]{1,120}?)\s+(-|–|—)\s+\S)");
    if (std::regex_search(t, m, dash) && plausible_term(m.str(1)) &&
        std::isupper(static_cast<unsigned char>(m.str(1)[0])))
        return strip_term(m.str(1));
    static const std::regex means(R"(^([^.;]{1,100}?)\s+(means|is defined as|refers to)\s)");
    if (std::regex_search(t, m, means) && plausible_term(m.str(1)))
        return strip_term(m.str(1));
    if (in_glossary(block)) {
        static const std::regex colon(R"(^([^:.;]{1,120}?)\s*:\s)");
        if (std::regex_search(t, m, colon) && plausible_term(m.str(1)))
            return strip_term(m.str(1));
    }
    return {};
}

Notice build_notice(const model::Document& old_doc, const model::Document& new_doc,
                    const diff::ChangeSet& changes, const Versions& versions,
                    const Options& options) {
    Notice notice;
    notice.title = versions.title;
    notice.old_label = versions.old_label;
    notice.new_label = versions.new_label;
    notice.date = versions.date;
    if (notice.date.empty()) {
        for (const auto& b : new_doc.blocks)
            if (is_metadata(b.text))
                notice.date = std::max(notice.date, find_date(b.text));
    }
    if (notice.date.empty())
        notice.date = versions.fallback_date.substr(0, 10);

    std::vector<Draft> drafts = detail::classify(old_doc, new_doc, changes, options.detail);
    std::vector<Draft> merged;
    for (auto& d : drafts) {
        if (!merged.empty() && mergeable(merged.back(), d))
            merge_into(merged.back(), d);
        else
            merged.push_back(std::move(d));
    }
    if (options.detail == Detail::summary)
        summarise_sweeps(merged);
    for (auto& d : merged) {
        if (!d.item.major && !options.include_minor) {
            ++notice.minor_omitted;
            continue;
        }
        notice.items.push_back(std::move(d.item));
    }
    if (options.detail == Detail::summary)
        summarise_sections(notice.items, options.max_items, document_title(new_doc));
    return notice;
}

} // namespace guidetrack::notice
