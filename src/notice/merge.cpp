// Merging and summaries: neighbouring drafts of the same kind become one item; sweeps over many
// places and sections with many items are summarised.
#include "internal.hpp"

namespace guidetrack::notice::detail {

namespace {

long as_number(std::string_view s) {
    return is_integer(s) ? std::atol(std::string(s).c_str()) : -1;
}

std::string last_paragraph(const Location& w) {
    return w.paragraph_last.empty() ? w.paragraph : w.paragraph_last;
}

} // namespace

bool mergeable(const Draft& a, const Draft& b) {
    if (a.item.kind != b.item.kind || a.item.major != b.item.major)
        return false;
    if (a.item.kind == ItemKind::definition_updated)
        return a.term == b.term;
    const Location& wa = a.item.where;
    const Location& wb = b.item.where;
    // The paragraphs (and subsections) of a section added or removed with its heading.
    if ((a.item.kind == ItemKind::paragraph_added || a.item.kind == ItemKind::paragraph_removed) &&
        !a.whole_section.empty() &&
        std::find(wb.section.begin(), wb.section.end(), a.whole_section) != wb.section.end())
        return true;
    if (!wa.footnote.empty() || !wb.footnote.empty() ||
        wa.previous_numbering != wb.previous_numbering)
        return false;
    if (a.item.kind == ItemKind::paragraph_added || a.item.kind == ItemKind::paragraph_removed) {
        // A paragraph and its bullet points; consecutive paragraphs.
        if (!wb.paragraph.empty() && wb.paragraph == last_paragraph(wa))
            return true;
        if (!b.whole_section.empty())
            return false;
    }
    long last = as_number(last_paragraph(wa)), next = as_number(wb.paragraph);
    if (last < 0 || next != last + 1)
        return false;
    switch (a.item.kind) {
    case ItemKind::paragraph_added:
    case ItemKind::paragraph_removed:
        return true;
    case ItemKind::wording_amended:
        return false;
    default:
        return a.item.description == b.item.description;
    }
}

void merge_into(Draft& a, Draft& b) {
    Location& wa = a.item.where;
    const Location& wb = b.item.where;
    if (!wb.paragraph.empty() && wb.paragraph != wa.paragraph && wb.footnote.empty()) {
        std::string last = wb.paragraph_last.empty() ? wb.paragraph : wb.paragraph_last;
        if (wa.paragraph.empty()) {
            wa.paragraph = wb.paragraph;
            wa.paragraph_last = wb.paragraph_last;
            wa.previous_numbering = wb.previous_numbering;
        } else if (!is_integer(last) || !is_integer(last_paragraph(wa)) ||
                   std::atol(last.c_str()) > std::atol(last_paragraph(wa).c_str())) {
            wa.paragraph_last = last;
        }
    }
    std::string last_page = wa.page_last.empty() ? wa.page : wa.page_last;
    if (!wb.page.empty() && wb.page != last_page && !wa.page.empty())
        wa.page_last = wb.page;
    if (wa.page_last == wa.page)
        wa.page_last.clear();
    if (wa.paragraph_last == wa.paragraph)
        wa.paragraph_last.clear();
    if (wb.bullet != wa.bullet || wb.paragraph != wa.paragraph)
        wa.bullet = 0;
    if (wb.row != wa.row)
        wa.row.clear();
    a.bullets = a.bullets && b.bullets;
    std::size_t n = a.item.parts.size() + b.item.parts.size();
    std::string what = a.bullets ? std::to_string(n) + " bullet points" : "new paragraphs";
    switch (a.item.kind) {
    case ItemKind::paragraph_added:
        if (a.whole_section.empty())
            a.item.description =
                "added " + what + " (" + excerpt(a.item.parts.front().new_text) + ")";
        break;
    case ItemKind::paragraph_removed:
        if (a.whole_section.empty())
            a.item.description = "removed " + (a.bullets ? what : std::string("paragraphs")) +
                                 " (" + excerpt(a.item.parts.front().old_text) + ")";
        break;
    default:
        break;
    }
    for (auto& p : b.item.parts)
        a.item.parts.push_back(std::move(p));
}

namespace {

// ---- summaries --------------------------------------------------------------------------

// A change of the same words made in at least this many blocks is one item.
constexpr std::size_t kSweepPlaces = 3;

std::string places_text(const std::vector<Location>& places) {
    bool numbered = std::all_of(places.begin(), places.end(), [](const Location& w) {
        return !w.paragraph.empty() && w.page.empty();
    });
    std::vector<std::string> names;
    if (numbered && std::all_of(places.begin(), places.end(), [](const Location& w) {
            return is_integer(w.paragraph) && w.paragraph_last.empty();
        })) {
        // Consecutive numbers as ranges: "paragraphs 5 to 9, 15".
        std::vector<long> nums;
        for (const auto& w : places)
            nums.push_back(std::atol(w.paragraph.c_str()));
        std::sort(nums.begin(), nums.end());
        nums.erase(std::unique(nums.begin(), nums.end()), nums.end());
        for (std::size_t i = 0; i < nums.size();) {
            std::size_t j = i;
            while (j + 1 < nums.size() && nums[j + 1] == nums[j] + 1)
                ++j;
            names.push_back(j > i ? std::to_string(nums[i]) + " to " + std::to_string(nums[j])
                                  : std::to_string(nums[i]));
            i = j + 1;
        }
        return (nums.size() == 1 ? "paragraph " : "paragraphs ") + join(names, ", ");
    }
    for (const auto& w : places) {
        std::string name = numbered ? w.paragraph : location_text(w);
        if (!name.empty() && !numbered)
            name[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end())
            names.push_back(name);
    }
    constexpr std::size_t kMaxNames = 10;
    std::size_t more = names.size() > kMaxNames ? names.size() - kMaxNames : 0;
    if (more)
        names.resize(kMaxNames);
    std::string out = join(names, numbered ? ", " : "; ");
    if (more)
        out += " and " + std::to_string(more) + " more";
    return (numbered ? (names.size() + more == 1 ? "paragraph " : "paragraphs ") : "") + out;
}

} // namespace

void summarise_sweeps(std::vector<Draft>& drafts) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::size_t>> by_key;
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        if (drafts[i].item.kind != ItemKind::wording_amended)
            continue;
        std::vector<std::string> seen;
        for (const auto& h : drafts[i].hunks.list) {
            bool replacement = !h.core_removed.empty() && !h.core_added.empty();
            if (h.key.empty() ||
                (replacement &&
                 (count_words(h.core_removed) > 6 || count_words(h.core_added) > 6)) ||
                (!has_content_word(h.core_removed) && !has_content_word(h.core_added)))
                continue;
            if (std::find(seen.begin(), seen.end(), h.key) != seen.end())
                continue;
            seen.push_back(h.key);
            if (!by_key.count(h.key))
                order.push_back(h.key);
            by_key[h.key].push_back(i);
        }
    }
    std::vector<bool> gone(drafts.size(), false);
    std::vector<std::pair<std::size_t, Draft>> inserts;
    for (const auto& key : order) {
        const auto& where = by_key[key];
        if (where.size() < kSweepPlaces)
            continue;
        Draft sweep;
        sweep.item.kind = ItemKind::term_replaced;
        std::string removed, added;
        std::vector<Location> places;
        for (std::size_t i : where) {
            Draft& d = drafts[i];
            for (const auto& h : d.hunks.list)
                if (h.key == key && removed.empty()) {
                    removed = h.core_removed;
                    added = h.core_added;
                }
            places.push_back(d.item.where);
            NoticeItem detail = d.item;
            detail.details.clear();
            sweep.item.details.push_back(detail);
            for (const auto& p : d.item.parts)
                sweep.item.parts.push_back(p);
            // What is left of the block's own item.
            std::vector<std::size_t> rest;
            for (std::size_t k = 0; k < d.hunks.list.size(); ++k)
                if (d.hunks.list[k].key != key)
                    rest.push_back(k);
            if (rest.empty()) {
                gone[i] = true;
                continue;
            }
            d.item.description = describe_hunks(d.hunks, rest);
            std::vector<Hunk> kept;
            for (std::size_t k : rest)
                kept.push_back(d.hunks.list[k]);
            d.hunks.list = std::move(kept);
        }
        std::string count = std::to_string(where.size()) + " places: " + places_text(places);
        if (!removed.empty() && !added.empty())
            sweep.item.description = "replaced " + quoted(removed) + " with " + quoted(added) +
                                     " throughout (" + count + ")";
        else if (!added.empty())
            sweep.item.description =
                "added " + quoted(shorten(added, kSentenceWords)) + " in " + count;
        else
            sweep.item.description =
                "removed " + quoted(shorten(removed, kSentenceWords)) + " in " + count;
        inserts.emplace_back(where.front(), std::move(sweep));
    }
    if (inserts.empty())
        return;
    std::vector<Draft> out;
    for (std::size_t i = 0; i < drafts.size(); ++i) {
        for (auto& [at, d] : inserts)
            if (at == i)
                out.push_back(std::move(d));
        if (!gone[i])
            out.push_back(std::move(drafts[i]));
    }
    drafts = std::move(out);
}

namespace {

bool summarisable(const NoticeItem& item) {
    return item.kind != ItemKind::renumbered && item.kind != ItemKind::term_replaced &&
           !item.where.section.empty();
}

std::string count_phrase(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// One item standing for the items of one section.
NoticeItem section_item(std::vector<NoticeItem>& group, const std::vector<std::string>& section) {
    NoticeItem s;
    s.kind = ItemKind::section_revised;
    s.major = false;
    s.where.section = section;
    std::size_t added = 0, removed = 0, amended = 0, moved = 0, refs = 0;
    long lo = -1, hi = -1;
    std::string page_lo, page_hi;
    std::string whole;
    std::vector<NoticeItem> details;
    for (auto& item : group) {
        s.major = s.major || item.major;
        std::vector<NoticeItem> flat;
        if (item.kind == ItemKind::section_revised)
            flat = std::move(item.details);
        else
            flat.push_back(item);
        for (auto& d : flat) {
            switch (d.kind) {
            case ItemKind::paragraph_added:
                ++added;
                break;
            case ItemKind::paragraph_removed:
                ++removed;
                break;
            case ItemKind::paragraph_moved:
                ++moved;
                break;
            case ItemKind::cross_references_updated:
                ++refs;
                break;
            default:
                ++amended;
            }
            if (whole.empty() &&
                (d.kind == ItemKind::paragraph_added || d.kind == ItemKind::paragraph_removed) &&
                d.description.find("the section '") != std::string::npos)
                whole = d.description;
            for (const auto& p : d.parts) {
                const Location& w = p.where;
                if (!w.previous_numbering && is_integer(w.paragraph)) {
                    long a = std::atol(w.paragraph.c_str());
                    long b = is_integer(w.paragraph_last) ? std::atol(w.paragraph_last.c_str()) : a;
                    lo = lo < 0 ? a : std::min(lo, a);
                    hi = std::max(hi, b);
                }
                if (!w.page.empty()) {
                    if (page_lo.empty())
                        page_lo = w.page;
                    page_hi = w.page_last.empty() ? w.page : w.page_last;
                }
            }
            for (auto& p : d.parts)
                s.parts.push_back(p);
            details.push_back(std::move(d));
        }
    }
    s.details = std::move(details);
    s.where.page = page_lo;
    if (page_hi != page_lo)
        s.where.page_last = page_hi;
    if (lo >= 0) {
        s.where.paragraph = std::to_string(lo);
        if (hi > lo)
            s.where.paragraph_last = std::to_string(hi);
    }
    std::vector<std::string> counts;
    if (added)
        counts.push_back(count_phrase(added, "addition", "additions"));
    if (amended)
        counts.push_back(count_phrase(amended, "amendment", "amendments"));
    if (removed)
        counts.push_back(count_phrase(removed, "removal", "removals"));
    if (moved)
        counts.push_back(count_phrase(moved, "move", "moves"));
    if (refs)
        counts.push_back(count_phrase(refs, "cross-reference update", "cross-reference updates"));
    std::string what =
        count_phrase(s.details.size(), "change", "changes") + ": " + join(counts, ", ");
    bool located = !s.where.page.empty() || !s.where.paragraph.empty();
    s.description =
        (located ? "revised the section '" + section.back() + "' (" : "revised (") + what + ")";
    if (!whole.empty())
        s.description += ", including: " + whole;
    // A few short blocks all removed (or all added), such as the sub-labels 'Intent',
    // 'Implementation' and 'Impact': named, not counted.
    constexpr std::size_t kNamed = 6, kShortLabel = 6;
    bool all_removed = removed == s.details.size(), all_added = added == s.details.size();
    if ((all_removed || all_added) && s.details.size() <= kNamed && whole.empty()) {
        std::vector<std::string> names;
        for (const auto& d : s.details) {
            const std::string& t = d.parts.empty() ? std::string()
                                                   : (all_removed ? d.parts.front().old_text
                                                                  : d.parts.front().new_text);
            if (t.empty() || count_words(t) > kShortLabel)
                break;
            names.push_back(quoted(t));
        }
        if (names.size() == s.details.size()) {
            std::string list = names.front();
            for (std::size_t i = 1; i < names.size(); ++i)
                list += (i + 1 == names.size() ? " and " : ", ") + names[i];
            s.description = std::string(all_removed ? "removed " : "added ") + list;
        }
    }
    return s;
}

} // namespace

void summarise_sections(std::vector<NoticeItem>& items, std::size_t max_items,
                        const std::string& title) {
    constexpr std::size_t kMinGroup = 3;
    std::size_t depth = 0;
    for (const auto& item : items)
        depth = std::max(depth, item.where.section.size());
    for (std::size_t level = depth; level >= 1 && items.size() > max_items; --level) {
        using Prefix = std::vector<std::string>;
        auto prefix_of = [&](const NoticeItem& item) -> std::optional<Prefix> {
            const auto& sec = item.where.section;
            if (!summarisable(item) || sec.size() < level || (level == 1 && sec.front() == title))
                return std::nullopt;
            return Prefix(sec.begin(), sec.begin() + static_cast<long>(level));
        };
        std::map<Prefix, std::size_t> counts;
        for (const auto& item : items)
            if (auto p = prefix_of(item))
                ++counts[*p];
        std::map<Prefix, std::vector<NoticeItem>> groups;
        std::vector<NoticeItem> singles;
        std::vector<NoticeItem> out;
        std::vector<std::pair<bool, std::size_t>> order; // (is group, index)
        std::vector<Prefix> group_order;
        for (auto& item : items) {
            auto p = prefix_of(item);
            if (p && counts[*p] >= kMinGroup) {
                if (!groups.count(*p)) {
                    group_order.push_back(*p);
                    order.emplace_back(true, group_order.size() - 1);
                }
                groups[*p].push_back(std::move(item));
            } else {
                singles.push_back(std::move(item));
                order.emplace_back(false, singles.size() - 1);
            }
        }
        for (const auto& [is_group, index] : order) {
            if (is_group)
                out.push_back(section_item(groups[group_order[index]], group_order[index]));
            else
                out.push_back(std::move(singles[index]));
        }
        items = std::move(out);
    }
}

} // namespace guidetrack::notice::detail
