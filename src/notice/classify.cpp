// The classification: each change of the diff becomes a draft notice item of one kind
// (wording amended, email corrected, link updated, definition updated, added, removed, moved,
// renumbered ...), with its description.
#include "internal.hpp"

namespace guidetrack::notice::detail {

namespace {

struct Classified {
    ItemKind kind = ItemKind::wording_amended;
    bool major = true;
    std::string description;
    std::string term;
    std::string old_link, new_link;
    bool structure_only = false; // the same words, only the block structure changed: no item
    Hunks hunks;                 // wording_amended: the changes described
    std::string footnote;        // wording_amended in a footnote: its mark
};

class Builder {
  public:
    Builder(const Document& old_doc, const Document& new_doc, const diff::ChangeSet& changes,
            Detail detail)
        : old_doc_(old_doc), new_doc_(new_doc), changes_(changes), detail_(detail) {
        for (const auto& b : old_doc.blocks)
            if (b.kind != BlockKind::footnote && is_integer(b.number))
                last_old_number_ = b.number;
        for (const auto& c : changes.changes) {
            if (c.kind == diff::ChangeKind::renumbered)
                for (const auto& r : c.renumbering)
                    add_renumbering(r);
            // A moved paragraph's new number is followed by references to it too.
            if (c.kind == diff::ChangeKind::moved && c.old_anchor && c.new_anchor &&
                !c.old_anchor->number.empty() && !c.new_anchor->number.empty())
                renumber_[c.old_anchor->number] = c.new_anchor->number;
        }
        for (const auto& b : old_doc.blocks)
            if (b.kind == BlockKind::heading)
                old_headings_.push_back(b.text);
        for (const auto& b : new_doc.blocks)
            if (b.kind == BlockKind::heading)
                new_headings_.push_back(b.text);
    }

    std::vector<Draft> run() {
        std::vector<diff::Change> changes = changes_.changes;
        std::vector<bool> dropped(changes.size(), false);
        drop_structure_only(changes, dropped);
        std::map<std::size_t, std::size_t> splits = join_splits(changes, dropped);
        pair_replacements(changes, dropped);
        std::vector<Draft> drafts;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (dropped[i])
                continue;
            Draft d = classify(changes[i]);
            if (auto it = splits.find(i); it != splits.end() && !d.skip) {
                bool bullet =
                    changes[i].new_block && changes[i].new_block->kind == BlockKind::list_item;
                d.item.description = std::string(bullet ? "split the bullet point into "
                                                        : "split the paragraph into ") +
                                     std::to_string(it->second) + " and " + d.item.description;
                d.item.kind = ItemKind::wording_amended;
            }
            if (!d.skip)
                drafts.push_back(std::move(d));
        }
        return drafts;
    }

  private:
    static bool is_block_change(const diff::Change& c) {
        return c.kind == diff::ChangeKind::added || c.kind == diff::ChangeKind::removed ||
               c.kind == diff::ChangeKind::amended;
    }

    // Neighbouring changes whose old blocks and new blocks hold the same words and links (three
    // paragraphs merged into one, one split in two, a glyph bullet made a real list item): the
    // structure changed, not the guidance. They give no item.
    void drop_structure_only(const std::vector<diff::Change>& changes,
                             std::vector<bool>& dropped) const {
        constexpr std::size_t kWindow = 12;
        for (std::size_t s = 0; s < changes.size(); ++s) {
            if (!is_block_change(changes[s]))
                continue;
            std::vector<std::pair<std::size_t, const Block*>> olds, news;
            for (std::size_t e = s; e < changes.size() && e < s + kWindow; ++e) {
                const diff::Change& c = changes[e];
                if (!is_block_change(c))
                    break;
                if (c.old_block && c.old_anchor)
                    olds.emplace_back(c.old_anchor->block_index, &*c.old_block);
                if (c.new_block && c.new_anchor)
                    news.emplace_back(c.new_anchor->block_index, &*c.new_block);
                if (e == s || olds.empty() || news.empty())
                    continue;
                auto sorted_olds = olds, sorted_news = news;
                std::sort(sorted_olds.begin(), sorted_olds.end());
                std::sort(sorted_news.begin(), sorted_news.end());
                auto contiguous = [](const auto& v) {
                    for (std::size_t i = 1; i < v.size(); ++i)
                        if (v[i].first != v[i - 1].first + 1)
                            return false;
                    return true;
                };
                if (!contiguous(sorted_olds) || !contiguous(sorted_news))
                    continue;
                std::string ot, nt;
                std::vector<std::string> ol, nl;
                // The same characters (case and punctuation included: those changes are minor
                // items, not nothing), whatever the spaces and block boundaries between them.
                for (const auto& [_, b] : sorted_olds) {
                    ot += glyphs_key(b->text);
                    for (const auto& l : b->links)
                        ol.push_back(l.target);
                }
                for (const auto& [_, b] : sorted_news) {
                    nt += glyphs_key(b->text);
                    for (const auto& l : b->links)
                        nl.push_back(l.target);
                }
                std::sort(ol.begin(), ol.end());
                std::sort(nl.begin(), nl.end());
                if (ot.empty() || ot != nt || ol != nl)
                    continue;
                for (std::size_t k = s; k <= e; ++k)
                    dropped[k] = true;
                s = e;
                break;
            }
        }
    }

    static bool compatible_kinds(const Block& a, const Block& b) {
        if (a.kind == BlockKind::heading || b.kind == BlockKind::heading)
            return a.kind == b.kind;
        if (a.kind == b.kind)
            return true;
        auto prose = [](BlockKind k) {
            return k == BlockKind::paragraph || k == BlockKind::list_item;
        };
        return prose(a.kind) && prose(b.kind);
    }

    static double content_similarity(std::string_view a, std::string_view b) {
        auto content = [](std::string_view s) {
            std::string out;
            for (const auto& w : split_words(s)) {
                std::string f = bare_word(w);
                if (!f.empty() && !is_function_word(f))
                    out += (out.empty() ? "" : " ") + f;
            }
            return out;
        };
        return word_similarity(content(a), content(b));
    }

    // A block removed and a block added at the same place (same section, a few changes apart)
    // that share most of their words, or define the same term, are one block amended.
    // A paragraph split in two or more with some words changed on the way: the paragraph lost
    // its tail and the next added paragraphs hold (nearly) those words. One item, the split
    // named, the word changes quoted: not an amendment plus N new paragraphs. Returns, for each
    // amended change that absorbed added ones, how many paragraphs it became.
    std::map<std::size_t, std::size_t> join_splits(std::vector<diff::Change>& changes,
                                                   std::vector<bool>& dropped) const {
        constexpr double kSameWords = 0.85, kGain = 0.15;
        constexpr std::size_t kMaxPieces = 12;
        std::map<std::size_t, std::size_t> out;
        auto joins = [&](std::size_t j, const diff::Change& c) {
            const diff::Change& a = changes[j];
            return !dropped[j] && a.kind == diff::ChangeKind::added && a.new_block &&
                   a.new_anchor && a.new_anchor->section == c.new_anchor->section &&
                   a.new_block->kind == c.new_block->kind;
        };
        for (std::size_t i = 0; i < changes.size(); ++i) {
            diff::Change& c = changes[i];
            if (dropped[i] || c.kind != diff::ChangeKind::amended || !c.old_block || !c.new_block ||
                !c.new_anchor)
                continue;
            const std::string& old_text = c.old_block->text;
            std::size_t lo = i, hi = i; // the added pieces joined: [lo, hi]
            auto merged_text = [&](std::size_t l, std::size_t h) {
                std::string t;
                for (std::size_t k = l; k <= h; ++k)
                    t += (t.empty() ? "" : " ") + changes[k].new_block->text;
                return t;
            };
            double score = word_similarity(old_text, c.new_block->text);
            const double alone = score;
            // Grow towards whichever neighbour brings the texts closer, while one does.
            while (hi - lo + 1 < kMaxPieces) {
                double before = -1, after = -1;
                if (lo > 0 && joins(lo - 1, c))
                    before = word_similarity(old_text, merged_text(lo - 1, hi));
                if (hi + 1 < changes.size() && joins(hi + 1, c))
                    after = word_similarity(old_text, merged_text(lo, hi + 1));
                if (std::max(before, after) <= score)
                    break;
                if (before >= after) {
                    --lo;
                    score = before;
                } else {
                    ++hi;
                    score = after;
                }
            }
            if (lo == hi || score < kSameWords || score - alone < kGain)
                continue;
            model::Block merged;
            for (std::size_t k = lo; k <= hi; ++k) {
                const model::Block& part = *changes[k].new_block;
                std::size_t offset = merged.text.empty() ? 0 : merged.text.size() + 1;
                if (k == lo)
                    merged = part;
                else
                    merged.text += " " + part.text;
                if (k != lo)
                    for (auto link : part.links) {
                        link.begin += offset;
                        link.end += offset;
                        merged.links.push_back(std::move(link));
                    }
            }
            // The item takes the first piece's place.
            diff::Change joined = c;
            joined.new_block = std::move(merged);
            joined.new_anchor = changes[lo].new_anchor;
            joined.edits = word_diff(old_text, joined.new_block->text);
            std::vector<std::string> ol, nl;
            for (const auto& l : c.old_block->links)
                ol.push_back(l.target);
            for (const auto& l : joined.new_block->links)
                nl.push_back(l.target);
            joined.links_changed = ol != nl;
            for (std::size_t k = lo; k <= hi; ++k)
                dropped[k] = true;
            changes[lo] = std::move(joined);
            dropped[lo] = false;
            out[lo] = hi - lo + 1;
            i = hi;
        }
        return out;
    }

    // The same section in both versions: the same heading path, or one whose headings were
    // reworded ("Handbook for ..." -> "Handbook for ... for September 2022").
    static bool same_section(const std::vector<std::string>& a, const std::vector<std::string>& b) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (a[i] != b[i] && content_similarity(a[i], b[i]) < 0.7)
                return false;
        return true;
    }

    void pair_replacements(std::vector<diff::Change>& changes, std::vector<bool>& dropped) const {
        constexpr std::size_t kReach = 4;
        constexpr double kShared = 0.4;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            const diff::Change& r = changes[i];
            if (dropped[i] || r.kind != diff::ChangeKind::removed || !r.old_block || !r.old_anchor)
                continue;
            std::size_t best = changes.size();
            double best_score = 0;
            std::size_t lo = i > kReach ? i - kReach : 0;
            for (std::size_t j = lo; j < changes.size() && j <= i + kReach; ++j) {
                const diff::Change& a = changes[j];
                if (j == i || dropped[j] || a.kind != diff::ChangeKind::added || !a.new_block ||
                    !a.new_anchor)
                    continue;
                if (!compatible_kinds(*r.old_block, *a.new_block) ||
                    !same_section(r.old_anchor->section, a.new_anchor->section))
                    continue;
                double score = content_similarity(r.old_block->text, a.new_block->text);
                std::string term = defined_term(*r.old_block);
                if (!term.empty() && lower_ascii(term) == lower_ascii(defined_term(*a.new_block)))
                    score = std::max(score, 0.99);
                if (score >= kShared && score > best_score) {
                    best = j;
                    best_score = score;
                }
            }
            if (best == changes.size())
                continue;
            diff::Change amended;
            amended.kind = diff::ChangeKind::amended;
            amended.old_block = r.old_block;
            amended.old_anchor = r.old_anchor;
            amended.new_block = changes[best].new_block;
            amended.new_anchor = changes[best].new_anchor;
            amended.edits = word_diff(r.old_block->text, amended.new_block->text);
            std::vector<std::string> ol, nl;
            for (const auto& l : amended.old_block->links)
                ol.push_back(l.target);
            for (const auto& l : amended.new_block->links)
                nl.push_back(l.target);
            amended.links_changed = ol != nl;
            changes[best] = std::move(amended);
            dropped[i] = true;
        }
    }

    // True when paragraph `number` of the old version, or one after it, has another number now:
    // an old number then needs "(previous numbering)".
    bool renumbered_from(const std::string& number) const {
        if (number.empty() || renumbered_.empty())
            return false;
        if (!is_integer(number))
            return true;
        long n = std::atol(number.c_str());
        for (const auto& [from, to] : renumbered_)
            if (is_integer(from) && std::atol(from.c_str()) >= n)
                return true;
        return false;
    }

    void add_renumbering(const diff::Renumbering& r) {
        if (!is_integer(r.old_first) || !is_integer(r.old_last) || !is_integer(r.new_first))
            return;
        long of = std::atol(r.old_first.c_str()), ol = std::atol(r.old_last.c_str());
        long nf = std::atol(r.new_first.c_str());
        if (ol < of || ol - of > 100000)
            return;
        for (long i = of; i <= ol; ++i) {
            renumber_[std::to_string(i)] = std::to_string(nf + (i - of));
            renumbered_[std::to_string(i)] = std::to_string(nf + (i - of));
        }
    }

    bool is_furniture(const Block& b) const {
        if (is_metadata(b.text))
            return true;
        // Footnotes sit after the last heading, whatever it is ("Print or save to PDF").
        if (b.kind == BlockKind::footnote)
            return false;
        for (const auto& h : b.section)
            if (is_metadata(h))
                return true;
        return false;
    }

    // A table-of-contents line repeats a heading: the heading's own change is the item.
    static bool is_heading_copy(const Block& b, const std::vector<std::string>& headings) {
        return b.kind != BlockKind::heading &&
               std::find(headings.begin(), headings.end(), b.text) != headings.end();
    }

    // The term a block's definition is about: its own, or (for a bullet point) that of the
    // paragraph introducing the list.
    static std::string term_in(const Document& doc, std::size_t index) {
        if (index >= doc.blocks.size())
            return {};
        const Block& b = doc.blocks[index];
        std::string own = defined_term(b);
        if (!own.empty() || b.kind != BlockKind::list_item)
            return own;
        for (std::size_t i = index; i-- > 0;) {
            const Block& p = doc.blocks[i];
            if (p.kind == BlockKind::list_item)
                continue;
            if (p.kind == BlockKind::paragraph)
                return defined_term(p);
            break;
        }
        return {};
    }

    Draft classify(const diff::Change& c) {
        Draft d;
        switch (c.kind) {
        case diff::ChangeKind::renumbered:
            return renumbered(c);
        case diff::ChangeKind::added:
        case diff::ChangeKind::removed:
            return added_or_removed(c);
        case diff::ChangeKind::moved:
            return moved(c);
        case diff::ChangeKind::amended:
            return amended(c);
        }
        d.skip = true;
        return d;
    }

    // "paragraphs 3 to 4 are now 4 to 5", "paragraphs 24 onwards are renumbered +15 (now 39
    // onwards)": ranges moved by the same amount are one phrase; many ranges are summarised, with
    // each range a detail.
    Draft renumbered(const diff::Change& c) {
        Draft d;
        d.item.kind = ItemKind::renumbered;
        d.item.major = true;
        if (c.renumbering.empty()) {
            d.skip = true;
            return d;
        }
        auto span = [](const std::string& first, const std::string& last) {
            return first == last ? first : first + " to " + last;
        };
        auto offset_of = [](const diff::Renumbering& r) -> std::optional<long> {
            if (!is_integer(r.old_first) || !is_integer(r.new_first))
                return std::nullopt;
            return std::atol(r.new_first.c_str()) - std::atol(r.old_first.c_str());
        };
        std::vector<std::vector<const diff::Renumbering*>> groups;
        for (const auto& r : c.renumbering) {
            if (!groups.empty() && offset_of(r) && offset_of(*groups.back().front()) &&
                *offset_of(r) == *offset_of(*groups.back().front()))
                groups.back().push_back(&r);
            else
                groups.push_back({&r});
        }
        auto signed_offset = [](long k) { return (k > 0 ? "+" : "") + std::to_string(k); };
        std::vector<std::string> texts;
        for (const auto& g : groups) {
            const diff::Renumbering& last = *g.back();
            auto k = offset_of(*g.front());
            if (g.size() == 1 && k && last.old_last == last_old_number_ &&
                last.old_first != last.old_last) {
                texts.push_back("paragraphs " + last.old_first + " onwards are renumbered " +
                                signed_offset(*k) + " (now " + last.new_first + " onwards)");
                continue;
            }
            for (const auto* r : g) {
                bool plural = r->old_first != r->old_last;
                texts.push_back((plural ? "paragraphs " : "paragraph ") +
                                span(r->old_first, r->old_last) + " as " +
                                span(r->new_first, r->new_last));
            }
        }
        constexpr std::size_t kMaxPhrases = 3;
        if (texts.size() <= kMaxPhrases || detail_ == Detail::full) {
            // "renumbered paragraphs 3 to 4 as 4 to 5, and 8 to 16 as 9 to 17"
            std::string text;
            for (std::size_t i = 0; i < texts.size(); ++i) {
                std::string t = texts[i];
                if (i > 0 && t.rfind("paragraphs ", 0) == 0)
                    t = t.substr(11);
                else if (i > 0 && t.rfind("paragraph ", 0) == 0)
                    t = t.substr(10);
                if (i > 0)
                    text += i + 1 == texts.size() ? ", and " : ", ";
                text += t;
            }
            bool onwards = texts.size() == 1 && text.find(" onwards") != std::string::npos;
            d.item.description = onwards ? text : "renumbered " + text;
        } else {
            long lo = 0, hi = 0;
            bool any = false;
            for (const auto& r : c.renumbering)
                if (auto k = offset_of(r)) {
                    lo = any ? std::min(lo, *k) : *k;
                    hi = any ? std::max(hi, *k) : *k;
                    any = true;
                }
            std::string first = c.renumbering.front().old_first,
                        last = c.renumbering.front().old_last;
            for (const auto& r : c.renumbering) {
                if (is_integer(r.old_first) && is_integer(first) &&
                    std::atol(r.old_first.c_str()) < std::atol(first.c_str()))
                    first = r.old_first;
                if (is_integer(r.old_last) && is_integer(last) &&
                    std::atol(r.old_last.c_str()) > std::atol(last.c_str()))
                    last = r.old_last;
            }
            d.item.description =
                "paragraphs " + first + " to " + last + " are renumbered in " +
                std::to_string(groups.size()) + " ranges" +
                (any ? " (by " + signed_offset(lo) + " to " + signed_offset(hi) + ")"
                     : std::string()) +
                "; each range is in the full report";
            for (const auto& t : texts) {
                NoticeItem detail;
                detail.kind = ItemKind::renumbered;
                detail.description = t;
                d.item.details.push_back(std::move(detail));
            }
        }
        for (const auto& r : c.renumbering) {
            Part p;
            p.where.paragraph = r.new_first;
            if (r.new_last != r.new_first)
                p.where.paragraph_last = r.new_last;
            d.item.parts.push_back(std::move(p));
        }
        return d;
    }

    Draft added_or_removed(const diff::Change& c) {
        Draft d;
        bool added = c.kind == diff::ChangeKind::added;
        const auto& block_opt = added ? c.new_block : c.old_block;
        const auto& anchor_opt = added ? c.new_anchor : c.old_anchor;
        const Document& doc = added ? new_doc_ : old_doc_;
        if (!block_opt || !anchor_opt) {
            d.skip = true;
            return d;
        }
        const Block& b = *block_opt;
        if (is_furniture(b) || is_heading_copy(b, added ? new_headings_ : old_headings_)) {
            d.skip = true;
            return d;
        }
        d.item.where = locate(*anchor_opt, doc);
        d.item.where.previous_numbering = !added && renumbered_from(d.item.where.paragraph);
        Part p;
        p.where = d.item.where;
        (added ? p.new_text : p.old_text) = b.text;
        p.edits.push_back({added ? diff::EditOp::added : diff::EditOp::removed, b.text});
        d.item.parts.push_back(std::move(p));

        std::string term =
            b.kind == BlockKind::heading ? "" : term_in(doc, anchor_opt->block_index);
        if (!term.empty() && (b.kind == BlockKind::list_item || in_glossary(b))) {
            d.item.kind = ItemKind::definition_updated;
            d.term = term;
            d.item.description = "updated the glossary definition of '" + term + "'";
            return d;
        }
        d.item.kind = added ? ItemKind::paragraph_added : ItemKind::paragraph_removed;
        d.bullets = b.kind == BlockKind::list_item;
        if (b.kind == BlockKind::heading)
            d.whole_section = b.text;
        if (letters_key(b.text).empty()) {
            // A stray "*" or rule: formatting, not guidance.
            d.item.kind = ItemKind::typographic;
            d.item.major = false;
            d.item.description = (added ? "added " : "removed ") + quoted(b.text);
            return d;
        }
        std::string what;
        switch (b.kind) {
        case BlockKind::heading:
            d.item.description =
                (added ? "added the section '" : "removed the section '") + b.text + "'";
            return d;
        case BlockKind::list_item:
            what = "a bullet point";
            break;
        case BlockKind::table_row:
            what = "a table row";
            break;
        case BlockKind::footnote:
            what = "footnote " + b.number;
            break;
        case BlockKind::paragraph:
            what = added ? "a new paragraph" : "the paragraph";
            break;
        }
        d.item.description = (added ? "added " : "removed ") + what + " (" + excerpt(b.text) + ")";
        return d;
    }

    Draft moved(const diff::Change& c) {
        Draft d;
        if (!c.old_block || !c.new_block || !c.old_anchor || !c.new_anchor) {
            d.skip = true;
            return d;
        }
        if (is_furniture(*c.new_block)) {
            d.skip = true;
            return d;
        }
        d.item.kind = ItemKind::paragraph_moved;
        d.item.where = locate(*c.new_anchor, new_doc_);
        const auto& from = c.old_anchor->number;
        const auto& to = c.new_anchor->number;
        std::string desc = "moved ";
        desc += from.empty() ? "the paragraph " + quoted(shorten(c.old_block->text, 10))
                             : "paragraph " + from;
        bool same_section = !c.new_anchor->section.empty() && !c.old_anchor->section.empty() &&
                            c.new_anchor->section.back() == c.old_anchor->section.back();
        if (same_section)
            desc += " within the section";
        else if (!c.new_anchor->section.empty())
            desc += " to the '" + c.new_anchor->section.back() + "' section";
        if (!to.empty() && to != from)
            desc += " (now paragraph " + to + ")";
        Part p;
        p.where = d.item.where;
        p.old_text = c.old_block->text;
        p.new_text = c.new_block->text;
        if (c.amended_too) {
            Classified inner =
                classify_pair(*c.old_block, *c.new_block, c.edits, c.new_anchor->block_index);
            if (inner.kind != ItemKind::typographic)
                desc += "; " + inner.description;
            p.edits = edits_or_whole(c.edits, c.old_block->text, c.new_block->text);
        } else {
            p.edits.push_back({diff::EditOp::equal, c.new_block->text});
        }
        d.item.description = desc;
        d.item.parts.push_back(std::move(p));
        return d;
    }

    Draft amended(const diff::Change& c) {
        Draft d;
        if (!c.old_block || !c.new_block || !c.new_anchor) {
            d.skip = true;
            return d;
        }
        const Block& ob = *c.old_block;
        const Block& nb = *c.new_block;
        if (is_furniture(ob) || is_furniture(nb) ||
            (is_heading_copy(ob, old_headings_) && is_heading_copy(nb, new_headings_))) {
            d.skip = true;
            return d;
        }
        d.item.where = locate(*c.new_anchor, new_doc_);
        Classified k = classify_pair(ob, nb, c.edits, c.new_anchor->block_index);
        if (k.structure_only) {
            d.skip = true;
            return d;
        }
        d.item.kind = k.kind;
        d.item.major = k.major;
        d.item.description = k.description;
        d.term = k.term;
        d.footnote = k.footnote;
        d.hunks = std::move(k.hunks);
        Part p;
        p.where = d.item.where;
        p.old_link = k.old_link;
        p.new_link = k.new_link;
        p.old_text = ob.text;
        p.new_text = nb.text;
        p.edits = edits_or_whole(c.edits, ob.text, nb.text);
        d.item.parts.push_back(std::move(p));
        return d;
    }

    Classified classify_pair(const Block& ob, const Block& nb,
                             const std::vector<diff::WordEdit>& edits, std::size_t new_index) {
        Classified k;
        Hunks hunks = hunks_from_edits(edits_or_whole(edits, ob.text, nb.text));

        // An email address corrected, with the mailto: link under it following it: the address
        // is the change, not the link.
        if (only_mail_links_differ(ob, nb))
            if (auto pairs = only_matches_differ(ob.text, nb.text, email_re())) {
                k.kind = ItemKind::email_corrected;
                k.description =
                    std::string(pairs->size() == 1 ? "corrected the email address ("
                                                   : "corrected the email addresses (") +
                    describe_pairs(*pairs) + ")";
                return k;
            }
        // Links first: a target can change while every word stays the same.
        if (auto link = link_change(ob, nb)) {
            k = *link;
            // The words changed too, other than the edition's year the link's name carries.
            if (letters_key(ob.text) != letters_key(nb.text) && !edition_change(ob.text, nb.text))
                k.description += "; " + describe_hunks(hunks);
            return k;
        }
        if (letters_key(ob.text) == letters_key(nb.text)) {
            k.kind = ItemKind::typographic;
            k.major = false;
            if (structure_key(ob.text) == structure_key(nb.text)) {
                k.structure_only = true;
                return k;
            }
            bool case_only =
                typo_key(ob.text) != typo_key(nb.text) &&
                text::fold_case(typo_key(ob.text)) == text::fold_case(typo_key(nb.text));
            std::string what = case_only ? "changed the capitalisation"
                               : typo_key(ob.text) == typo_key(nb.text)
                                   ? "typographic correction"
                                   : "corrected the punctuation";
            bool short_enough = !hunks.list.empty() && hunks.list.size() <= kMaxQuotedHunks;
            for (const auto& h : hunks.list)
                if (count_words(h.removed) > kShortWords || count_words(h.added) > kShortWords)
                    short_enough = false;
            if (short_enough) {
                std::vector<std::string> parts;
                for (const auto& h : hunks.list)
                    parts.push_back(quoted(h.removed) + kArrow + quoted(h.added));
                what += " (" + join(parts, "; ") + ")";
            }
            k.description = what;
            return k;
        }
        if (auto pairs = only_matches_differ(ob.text, nb.text, email_re())) {
            k.kind = ItemKind::email_corrected;
            k.description = std::string(pairs->size() == 1 ? "corrected the email address ("
                                                           : "corrected the email addresses (") +
                            describe_pairs(*pairs) + ")";
            return k;
        }
        if (auto pairs = only_matches_differ(ob.text, nb.text, url_re())) {
            k.kind = ItemKind::link_updated;
            k.description = "updated the web address (" + describe_pairs(*pairs) + ")";
            return k;
        }
        if (auto ed = edition_change(ob.text, nb.text)) {
            k.kind = ItemKind::link_updated;
            k.description = *ed;
            return k;
        }
        if (auto pairs = only_matches_differ(ob.text, nb.text, date_re())) {
            k.kind = ItemKind::date_changed;
            k.description = pairs->size() == 1
                                ? "changed the date from " + pairs->front().first + " to " +
                                      pairs->front().second
                                : "changed the dates (" + describe_pairs(*pairs) + ")";
            return k;
        }
        if (auto pairs = only_matches_differ(ob.text, nb.text, number_re())) {
            bool follows = !renumber_.empty();
            for (const auto& [a, b] : *pairs) {
                auto it = renumber_.find(a);
                if (it == renumber_.end() || it->second != b)
                    follows = false;
            }
            if (follows) {
                k.kind = ItemKind::cross_references_updated;
                std::vector<std::string> refs;
                for (const auto& [a, b] : *pairs)
                    refs.push_back("paragraph " + a + kArrow + b);
                k.description =
                    "updated cross-references to follow the renumbering (" + join(refs, "; ") + ")";
            } else {
                k.kind = ItemKind::number_changed;
                k.description =
                    pairs->size() == 1
                        ? "changed " + pairs->front().first + " to " + pairs->front().second
                        : "changed the figures (" + describe_pairs(*pairs) + ")";
            }
            return k;
        }
        if (nb.kind != BlockKind::heading) {
            std::string term = term_in(new_doc_, new_index);
            std::string old_term = defined_term(ob);
            bool same_term = !term.empty() && (old_term.empty() || old_term == term ||
                                               nb.kind == BlockKind::list_item);
            if (same_term &&
                (in_glossary(nb) || !defined_term(nb).empty() || nb.kind == BlockKind::list_item)) {
                k.kind = ItemKind::definition_updated;
                k.term = term;
                static const std::regex defines(R"(\s(means|is defined as|refers to)\s)");
                if (in_glossary(nb))
                    k.description = "updated the glossary definition of '" + term + "'";
                else
                    k.description =
                        (std::regex_search(nb.text, defines) ? "updated the definition of '"
                                                             : "updated the entry for '") +
                        term + "': " + describe_hunks(hunks);
                return k;
            }
        }
        if (nb.kind == BlockKind::heading && ob.kind == BlockKind::heading) {
            k.kind = ItemKind::heading_renamed;
            k.description = "renamed the heading '" + ob.text + "' to '" + nb.text + "'";
            return k;
        }
        k.kind = ItemKind::wording_amended;
        k.description = describe_hunks(hunks);
        k.hunks = std::move(hunks);
        if (nb.kind == BlockKind::footnote && !nb.number.empty())
            k.footnote = nb.number;
        return k;
    }

    // The blocks' links differ, and only in mailto: targets (added, removed or changed).
    static bool only_mail_links_differ(const Block& ob, const Block& nb) {
        auto web = [](const Block& b) {
            std::vector<std::string> out;
            for (const auto& l : b.links)
                if (!text::ascii_lower(l.target).starts_with("mailto:"))
                    out.push_back(l.target);
            return out;
        };
        std::vector<std::string> ot, nt;
        for (const auto& l : ob.links)
            ot.push_back(l.target);
        for (const auto& l : nb.links)
            nt.push_back(l.target);
        return ot != nt && web(ob) == web(nb);
    }

    // A link pointed elsewhere, added or removed (by target, in order).
    static std::optional<Classified> link_change(const Block& ob, const Block& nb) {
        std::vector<std::string> ot, nt;
        for (const auto& l : ob.links)
            ot.push_back(l.target);
        for (const auto& l : nb.links)
            nt.push_back(l.target);
        if (ot == nt)
            return std::nullopt;
        Classified k;
        if (ot.size() == nt.size()) {
            std::vector<std::string> names;
            bool latest = true;
            for (std::size_t i = 0; i < nt.size(); ++i) {
                if (ot[i] == nt[i])
                    continue;
                if (k.new_link.empty()) {
                    k.old_link = ot[i];
                    k.new_link = nt[i];
                }
                names.push_back("'" + document_name(model::link_text(nb, nb.links[i])) + "'");
                if (latest_year(nt[i]) <= latest_year(ot[i]) &&
                    latest_year(model::link_text(nb, nb.links[i])) <=
                        latest_year(model::link_text(ob, ob.links[i])))
                    latest = false;
            }
            k.kind = ItemKind::link_updated;
            k.description = latest ? "linked to the latest version of " + join(names, " and ")
                                   : "updated the link to " + join(names, " and ");
            return k;
        }
        // Different numbers of links: name those whose targets are new (or gone).
        std::vector<std::string> names;
        const Block& from = nt.size() > ot.size() ? nb : ob;
        const auto& others = nt.size() > ot.size() ? ot : nt;
        for (const auto& l : from.links)
            if (std::find(others.begin(), others.end(), l.target) == others.end()) {
                names.push_back("'" + document_name(model::link_text(from, l)) + "'");
                (nt.size() > ot.size() ? k.new_link : k.old_link) = l.target;
            }
        if (nt.size() > ot.size()) {
            k.kind = ItemKind::link_added;
            k.description = "added a link to " + join(names, " and ");
        } else {
            k.kind = ItemKind::link_removed;
            k.description = "removed the link to " + join(names, " and ");
        }
        return k;
    }

    // A reference to a newer edition of a publication, in text without link targets (PDFs):
    // "... with a learning disability (2016)" -> "(2021)".
    static std::optional<std::string> edition_change(std::string_view old_text,
                                                     std::string_view new_text) {
        auto pairs = only_matches_differ(old_text, new_text, edition_re());
        if (!pairs || pairs->size() != 1)
            return std::nullopt;
        std::string o = pairs->front().first.substr(1, 4), n = pairs->front().second.substr(1, 4);
        if (std::atoi(n.c_str()) <= std::atoi(o.c_str()))
            return std::nullopt;
        std::string nt(new_text);
        auto pos = nt.find(pairs->front().second);
        std::string name = title_before(nt, pos);
        if (count_words(name) < 2)
            return std::nullopt;
        return "referred to the latest version of '" + name + "' (" + n + ", was " + o + ")";
    }

    const Document& old_doc_;
    const Document& new_doc_;
    const diff::ChangeSet& changes_;
    Detail detail_;
    std::string last_old_number_;                 // the old version's last printed paragraph number
    std::map<std::string, std::string> renumber_; // old -> new, renumbering and moves
    std::map<std::string, std::string> renumbered_; // old -> new, the renumbering ranges only
    std::vector<std::string> old_headings_, new_headings_;
};

} // namespace

std::vector<Draft> classify(const Document& old_doc, const Document& new_doc,
                            const diff::ChangeSet& changes, Detail detail) {
    return Builder(old_doc, new_doc, changes, detail).run();
}

} // namespace guidetrack::notice::detail
