#include "guidetrack/notice.hpp"

#include "guidetrack/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>

namespace guidetrack::notice {
namespace {

using model::Block;
using model::BlockKind;
using model::Document;

constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// A quoted excerpt is kept when each side is at most this many words.
constexpr std::size_t kShortWords = 12;
// At most this many separate word changes are quoted in one description.
constexpr std::size_t kMaxQuotedHunks = 3;
// Words quoted from an added or removed paragraph.
constexpr std::size_t kExcerptWords = 10;

const std::string kArrow = " \u2192 ";

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
        ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
        --e;
    return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ')
            ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] != ' ')
            ++i;
        if (i > start)
            words.emplace_back(s.substr(start, i - start));
    }
    return words;
}

std::size_t count_words(std::string_view s) {
    return split_words(s).size();
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i)
            out += sep;
        out += parts[i];
    }
    return out;
}

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

// The first few words of a paragraph, for "added a new paragraph ("Each school should ...")".
std::string excerpt(std::string_view s) {
    auto words = split_words(s);
    if (words.size() <= kExcerptWords)
        return quoted(join(words, " "));
    words.resize(kExcerptWords);
    return quoted(join(words, " ") + " ...");
}

// Comparison key that ignores typography, punctuation, spacing and case: what is left are the
// letters and digits a reader would notice changing.
std::string letters_key(std::string_view s) {
    std::string folded = text::fold_case(text::fold_typography(text::repair_utf8(s)));
    std::string out;
    out.reserve(folded.size());
    for (char c : folded) {
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || std::isalnum(u))
            out.push_back(c);
    }
    return out;
}

std::string typo_key(std::string_view s) {
    return text::fold_typography(text::repair_utf8(s));
}

// ---- patterns -------------------------------------------------------------------------------

const std::regex& email_re() {
    static const std::regex re(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)");
    return re;
}
const std::regex& url_re() {
    static const std::regex re(R"((https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]])", std::regex::icase);
    return re;
}
const std::regex& date_re() {
    static const std::regex re(
        R"(\b(\d{1,2}(st|nd|rd|th)?\s+)?(January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(19|20)\d{2}\b)",
        std::regex::icase);
    return re;
}
const std::regex& full_date_re() {
    static const std::regex re(
        R"((\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4}))",
        std::regex::icase);
    return re;
}
const std::regex& number_re() {
    static const std::regex re(R"(\d+([.,]\d+)*)");
    return re;
}
const std::regex& edition_re() {
    static const std::regex re(R"(\(((19|20)\d{2})\))");
    return re;
}
const std::regex& metadata_re() {
    static const std::regex re(
        R"(^((first\s+)?published|updated|last\s+updated|page\s+updated|updated\s+on)\b.{0,80}\d{4}\.?$|^(©\s*)?crown\s+copyright(\s+\d{4})?\.?$|^©.{0,60}$|^print\s+or\s+save\s+to\s+pdf$|^print\s+this\s+page$|^contents$)",
        std::regex::icase);
    return re;
}
const std::regex& glossary_heading_re() {
    static const std::regex re(
        R"(\b(glossary|definitions?|key\s+terms|terms\s+used|terminology|interpretation)\b)",
        std::regex::icase);
    return re;
}

// The text with every match of re replaced by a marker, and the matches in order.
struct Masked {
    std::string text;
    std::vector<std::string> values;
};

Masked mask(std::string_view s, const std::regex& re) {
    Masked m;
    std::string str(s);
    std::size_t last = 0;
    for (auto it = std::sregex_iterator(str.begin(), str.end(), re); it != std::sregex_iterator();
         ++it) {
        auto pos = static_cast<std::size_t>(it->position(0));
        m.text.append(str, last, pos - last);
        m.text += '\x01';
        m.values.push_back(it->str(0));
        last = pos + static_cast<std::size_t>(it->length(0));
    }
    m.text.append(str, last, std::string::npos);
    return m;
}

// The pairs of values that differ when old and new are the same outside the matches of re;
// nullopt when the texts differ elsewhere too (or nothing matched differs).
std::optional<std::vector<std::pair<std::string, std::string>>>
only_matches_differ(std::string_view old_text, std::string_view new_text, const std::regex& re) {
    Masked a = mask(old_text, re), b = mask(new_text, re);
    if (a.values.size() != b.values.size() || typo_key(a.text) != typo_key(b.text))
        return std::nullopt;
    std::vector<std::pair<std::string, std::string>> diffs;
    for (std::size_t i = 0; i < a.values.size(); ++i)
        if (a.values[i] != b.values[i])
            diffs.emplace_back(a.values[i], b.values[i]);
    if (diffs.empty())
        return std::nullopt;
    return diffs;
}

std::string describe_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> parts;
    for (const auto& [a, b] : pairs)
        parts.push_back(a + kArrow + b);
    return join(parts, "; ");
}

// ---- word changes -------------------------------------------------------------------------

struct Hunk {
    std::string removed, added;
};

// Word changes as a reader quotes them: changes separated by at most kJoinWords unchanged words
// become one ("The LSPs for safeguarding partners" -> "The lead safeguarding partners (LSPs)"), and
// a short change takes the word before it as context.
constexpr std::size_t kJoinWords = 2;

std::vector<Hunk> hunks_from_edits(const std::vector<diff::WordEdit>& edits) {
    // Runs keep their own spacing, so that "language, as" is quoted as written.
    struct Seg {
        diff::EditOp op;
        std::string text;
    };
    std::vector<Seg> segs;
    for (const auto& e : edits) {
        if (e.text.empty())
            continue;
        if (!segs.empty() && segs.back().op == e.op)
            segs.back().text += e.text;
        else
            segs.push_back({e.op, e.text});
    }
    std::vector<Hunk> out;
    std::size_t i = 0;
    while (i < segs.size()) {
        if (segs[i].op == diff::EditOp::equal) {
            ++i;
            continue;
        }
        std::string removed, added;
        std::size_t j = i;
        while (j < segs.size()) {
            const Seg& sg = segs[j];
            if (sg.op == diff::EditOp::equal) {
                bool joins = count_words(sg.text) <= kJoinWords && j + 1 < segs.size();
                if (!joins)
                    break;
                removed += sg.text;
                added += sg.text;
            } else {
                (sg.op == diff::EditOp::removed ? removed : added) += sg.text;
            }
            ++j;
        }
        if (i > 0 && (count_words(removed) <= 3 || count_words(added) <= 3)) {
            const std::string& before = segs[i - 1].text;
            std::size_t end_of_word = before.find_last_not_of(' ');
            if (end_of_word != std::string::npos) {
                std::size_t start = before.rfind(' ', end_of_word);
                std::string context = before.substr(start == std::string::npos ? 0 : start + 1);
                removed = context + removed;
                added = context + added;
            }
        }
        out.push_back({join(split_words(removed), " "), join(split_words(added), " ")});
        i = j;
    }
    return out;
}

std::string describe_hunk(const Hunk& h) {
    if (!h.removed.empty() && !h.added.empty())
        return quoted(h.removed) + kArrow + quoted(h.added);
    if (!h.added.empty())
        return "added " + quoted(h.added);
    return "removed " + quoted(h.removed);
}

// Without an edit script: the words between the common prefix and suffix, as one change.
std::vector<Hunk> hunks_by_affixes(std::string_view old_text, std::string_view new_text) {
    auto a = split_words(old_text), b = split_words(new_text);
    std::size_t p = 0;
    while (p < a.size() && p < b.size() && a[p] == b[p])
        ++p;
    std::size_t s = 0;
    while (s < a.size() - p && s < b.size() - p && a[a.size() - 1 - s] == b[b.size() - 1 - s])
        ++s;
    Hunk h;
    h.removed = join(
        std::vector<std::string>(a.begin() + static_cast<long>(p), a.end() - static_cast<long>(s)),
        " ");
    h.added = join(
        std::vector<std::string>(b.begin() + static_cast<long>(p), b.end() - static_cast<long>(s)),
        " ");
    if (h.removed.empty() && h.added.empty())
        return {};
    return {h};
}

std::vector<diff::WordEdit> edits_or_whole(const std::vector<diff::WordEdit>& edits,
                                           std::string_view old_text, std::string_view new_text) {
    if (!edits.empty())
        return edits;
    std::vector<diff::WordEdit> out;
    if (!old_text.empty())
        out.push_back({diff::EditOp::removed, std::string(old_text)});
    if (!new_text.empty())
        out.push_back({diff::EditOp::added, std::string(new_text)});
    return out;
}

// "amended the wording ("a" -> "b"; added "c")", or with counts when the changes are long.
// generic is set when nothing was quoted (such items may merge with their neighbours).
std::string wording_description(const std::vector<Hunk>& hunks, bool* generic = nullptr) {
    bool short_enough = !hunks.empty() && hunks.size() <= kMaxQuotedHunks;
    for (const auto& h : hunks)
        if (count_words(h.removed) > kShortWords || count_words(h.added) > kShortWords)
            short_enough = false;
    if (generic)
        *generic = !short_enough;
    if (short_enough) {
        std::vector<std::string> parts;
        for (const auto& h : hunks)
            parts.push_back(describe_hunk(h));
        return "amended the wording (" + join(parts, "; ") + ")";
    }
    std::size_t removed = 0, added = 0;
    for (const auto& h : hunks) {
        removed += count_words(h.removed);
        added += count_words(h.added);
    }
    if (removed == 0 && added == 0)
        return "amended the wording";
    return "amended the wording (" + std::to_string(removed) + " words removed, " +
           std::to_string(added) + " added)";
}

// ---- links and references -------------------------------------------------------------------

// A linked document's name from its link text: "Good practice guidance ... (2016)" loses the
// edition year; surrounding quotes go.
std::string document_name(std::string_view link_text) {
    std::string s = trim(link_text);
    static const std::regex year_suffix(
        R"(\s*(\(|,)\s*((January|February|March|April|May|June|July|August|September|October|November|December)\s+)?(19|20)\d{2}\s*\)?\s*$)");
    s = std::regex_replace(s, year_suffix, "");
    static const std::regex quotes(R"(^("|'|‘|“)+|("|'|’|”)+$)");
    s = std::regex_replace(s, quotes, "");
    return trim(s);
}

// The largest year-like number in a URL or name (0 when none): editions usually carry one.
int latest_year(std::string_view s) {
    static const std::regex year(R"((19|20)\d{2})");
    int best = 0;
    std::string str(s);
    for (auto it = std::sregex_iterator(str.begin(), str.end(), year); it != std::sregex_iterator();
         ++it)
        best = std::max(best, std::atoi(it->str(0).c_str()));
    return best;
}

// The title a parenthesised edition year follows: "... Network: Good practice guidance on X
// (2021)" -> "Good practice guidance on X".
std::string title_before(std::string_view s, std::size_t pos) {
    std::string before = trim(s.substr(0, pos));
    for (std::string_view sep : {": ", ". ", "see ", "See "}) {
        auto at = before.rfind(sep);
        if (at != std::string::npos && count_words(before.substr(at + sep.size())) >= 3)
            before = before.substr(at + sep.size());
    }
    auto words = split_words(before);
    if (words.size() > 15)
        words.erase(words.begin(), words.end() - 15);
    return document_name(join(words, " "));
}

// ---- definitions --------------------------------------------------------------------------

bool in_glossary(const Block& block) {
    for (const auto& h : block.section)
        if (std::regex_search(h, glossary_heading_re()))
            return true;
    return false;
}

std::string strip_term(std::string s) {
    static const std::regex edges(R"(^(\s|\*|_|"|'|‘|“)+|(\s|\*|_|"|'|’|”|:)+$)");
    return trim(std::regex_replace(s, edges, ""));
}

bool plausible_term(std::string_view term) {
    std::size_t n = count_words(term);
    return n >= 1 && n <= 12 && term.size() <= 120;
}

// ---- locations ----------------------------------------------------------------------------

bool is_integer(std::string_view s) {
    return !s.empty() && s.size() < 9 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

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
    // belong to.
    std::size_t ordinal = 1;
    bool owner_found = !where.paragraph.empty();
    for (std::size_t i = anchor.block_index; i-- > 0;) {
        const Block& b = doc.blocks[i];
        if (b.kind == BlockKind::heading)
            break;
        if (!owner_found && block.kind == BlockKind::list_item && !b.number.empty() &&
            b.kind != BlockKind::footnote) {
            where.paragraph = b.number;
            owner_found = true;
        }
        if (b.kind != BlockKind::footnote)
            ++ordinal;
    }
    where.ordinal = ordinal;
    return where;
}

// ---- the classification -------------------------------------------------------------------

struct Draft {
    NoticeItem item;
    bool generic = false; // a description without quotes: may merge with neighbours
    std::string term;     // definition_updated: the term
    bool skip = false;
    bool bullets = false;      // added / removed: bullet points only
    std::string whole_section; // added / removed: the heading of a whole section added or removed
};

struct Classified {
    ItemKind kind = ItemKind::wording_amended;
    bool major = true;
    std::string description;
    bool generic = false;
    std::string term;
    std::string old_link, new_link;
};

class Builder {
  public:
    Builder(const Document& old_doc, const Document& new_doc, const diff::ChangeSet& changes)
        : old_doc_(old_doc), new_doc_(new_doc), changes_(changes) {
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
        std::vector<Draft> drafts;
        for (const auto& c : changes_.changes) {
            Draft d = classify(c);
            if (!d.skip)
                drafts.push_back(std::move(d));
        }
        return drafts;
    }

  private:
    void add_renumbering(const diff::Renumbering& r) {
        if (!is_integer(r.old_first) || !is_integer(r.old_last) || !is_integer(r.new_first))
            return;
        long of = std::atol(r.old_first.c_str()), ol = std::atol(r.old_last.c_str());
        long nf = std::atol(r.new_first.c_str());
        if (ol < of || ol - of > 100000)
            return;
        for (long i = of; i <= ol; ++i)
            renumber_[std::to_string(i)] = std::to_string(nf + (i - of));
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

    Draft renumbered(const diff::Change& c) {
        Draft d;
        d.item.kind = ItemKind::renumbered;
        d.item.major = true;
        std::vector<std::string> ranges;
        for (const auto& r : c.renumbering) {
            std::string from =
                r.old_first == r.old_last ? r.old_first : r.old_first + " to " + r.old_last;
            std::string to =
                r.new_first == r.new_last ? r.new_first : r.new_first + " to " + r.new_last;
            ranges.push_back(from + " as " + to);
        }
        if (ranges.empty()) {
            d.skip = true;
            return d;
        }
        if (c.renumbering.size() == 1) {
            const auto& r = c.renumbering.front();
            d.item.where.paragraph = r.old_first;
            if (r.old_last != r.old_first)
                d.item.where.paragraph_last = r.old_last;
            d.item.where.previous_numbering = true;
            std::string to =
                r.new_first == r.new_last ? r.new_first : r.new_first + " to " + r.new_last;
            d.item.description = "renumbered as " + to;
        } else {
            d.item.description = "renumbered paragraphs " + join(ranges, ", ");
        }
        Part p;
        p.where = d.item.where;
        d.item.parts.push_back(std::move(p));
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
        d.item.where.previous_numbering = !added && !d.item.where.paragraph.empty();
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
        if (b.kind == BlockKind::heading) {
            d.whole_section = b.text;
            d.item.where.previous_numbering = !added;
        }
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
        std::string desc = "re-ordered: moved ";
        desc += from.empty() ? "the paragraph " + excerpt(c.old_block->text) : "paragraph " + from;
        if (c.new_anchor->section != c.old_anchor->section && !c.new_anchor->section.empty())
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
        d.item.kind = k.kind;
        d.item.major = k.major;
        d.item.description = k.description;
        d.generic = k.generic;
        d.term = k.term;
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
        std::vector<Hunk> hunks =
            edits.empty() ? hunks_by_affixes(ob.text, nb.text) : hunks_from_edits(edits);

        // Links first: a target can change while every word stays the same.
        if (auto link = link_change(ob, nb)) {
            k = *link;
            if (letters_key(ob.text) != letters_key(nb.text) &&
                latest_year(ob.text) == latest_year(nb.text))
                k.description += "; " + wording_description(hunks);
            return k;
        }
        if (letters_key(ob.text) == letters_key(nb.text)) {
            k.kind = ItemKind::typographic;
            k.major = false;
            std::string what = typo_key(ob.text) == typo_key(nb.text) ? "typographic correction"
                                                                      : "corrected the punctuation";
            bool short_enough = !hunks.empty() && hunks.size() <= kMaxQuotedHunks;
            for (const auto& h : hunks)
                if (count_words(h.removed) > kShortWords || count_words(h.added) > kShortWords)
                    short_enough = false;
            if (short_enough) {
                std::vector<std::string> parts;
                for (const auto& h : hunks)
                    parts.push_back(describe_hunk(h));
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
                k.description = (in_glossary(nb) ? "updated the glossary definition of '"
                                                 : "updated the definition of '") +
                                term + "'";
                return k;
            }
        }
        if (nb.kind == BlockKind::heading && ob.kind == BlockKind::heading) {
            k.kind = ItemKind::heading_renamed;
            k.description = "renamed the heading '" + ob.text + "' to '" + nb.text + "'";
            return k;
        }
        k.kind = ItemKind::wording_amended;
        k.description = wording_description(hunks, &k.generic);
        if (nb.kind == BlockKind::footnote && !nb.number.empty()) {
            k.description = "amended footnote " + nb.number +
                            k.description.substr(std::string("amended").size());
            std::string prefix = "amended footnote " + nb.number + " the wording";
            if (k.description.rfind(prefix, 0) == 0)
                k.description = "amended the wording of footnote " + nb.number +
                                k.description.substr(prefix.size());
        }
        return k;
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
    std::map<std::string, std::string> renumber_;
    std::vector<std::string> old_headings_, new_headings_;
};

long as_number(std::string_view s) {
    return is_integer(s) ? std::atol(std::string(s).c_str()) : -1;
}

std::string last_paragraph(const Location& w) {
    return w.paragraph_last.empty() ? w.paragraph : w.paragraph_last;
}

// Neighbouring paragraphs changed the same way become one item with a range.
bool mergeable(const Draft& a, const Draft& b) {
    if (a.item.kind != b.item.kind || a.item.major != b.item.major)
        return false;
    if (a.item.kind == ItemKind::definition_updated)
        return a.term == b.term;
    const Location& wa = a.item.where;
    const Location& wb = b.item.where;
    if (!wa.footnote.empty() || !wb.footnote.empty() ||
        wa.previous_numbering != wb.previous_numbering)
        return false;
    if (a.item.kind == ItemKind::paragraph_added || a.item.kind == ItemKind::paragraph_removed) {
        // The paragraphs of a section added or removed with its heading; a paragraph and its
        // bullet points; consecutive paragraphs.
        if (!a.whole_section.empty() &&
            std::find(wb.section.begin(), wb.section.end(), a.whole_section) != wb.section.end())
            return true;
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
        return a.generic && b.generic;
    default:
        return a.item.description == b.item.description;
    }
}

void merge_into(Draft& a, Draft& b) {
    Location& wa = a.item.where;
    const Location& wb = b.item.where;
    if (!wb.paragraph.empty() && wb.paragraph != wa.paragraph) {
        if (wa.paragraph.empty())
            wa.paragraph = wb.paragraph;
        else
            wa.paragraph_last = wb.paragraph;
    }
    std::string last_page = wa.page_last.empty() ? wa.page : wa.page_last;
    if (!wb.page.empty() && wb.page != last_page && !wa.page.empty())
        wa.page_last = wb.page;
    if (wa.page_last == wa.page)
        wa.page_last.clear();
    if (wa.paragraph_last == wa.paragraph)
        wa.paragraph_last.clear();
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
    case ItemKind::wording_amended:
        a.item.description = "amended the wording";
        break;
    default:
        break;
    }
    for (auto& p : b.item.parts)
        a.item.parts.push_back(std::move(p));
}

} // namespace

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
    }
    return "wording_amended";
}

std::string location_text(const Location& w) {
    std::string out;
    if (!w.page.empty())
        out = w.page_last.empty() ? "Page " + w.page : "Pages " + w.page + " to " + w.page_last;
    if (!w.paragraph.empty()) {
        std::string para = w.paragraph_last.empty()
                               ? "paragraph " + w.paragraph
                               : "paragraphs " + w.paragraph + " to " + w.paragraph_last;
        out += out.empty()
                   ? std::string(1, static_cast<char>(std::toupper(para[0]))) + para.substr(1)
                   : ", " + para;
        if (w.previous_numbering)
            out += " (previous numbering)";
    }
    if (!w.footnote.empty())
        out += out.empty() ? "Footnote " + w.footnote : ", footnote " + w.footnote;
    if (out.empty() && !w.section.empty()) {
        out = "Section '" + w.section.back() + "'";
        if (w.ordinal > 0)
            out += ", paragraph " + std::to_string(w.ordinal);
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

    std::vector<Draft> drafts = Builder(old_doc, new_doc, changes).run();
    std::vector<Draft> merged;
    for (auto& d : drafts) {
        if (!merged.empty() && mergeable(merged.back(), d))
            merge_into(merged.back(), d);
        else
            merged.push_back(std::move(d));
    }
    for (auto& d : merged) {
        if (!d.item.major && !options.include_minor) {
            ++notice.minor_omitted;
            continue;
        }
        notice.items.push_back(std::move(d.item));
    }
    return notice;
}

} // namespace guidetrack::notice
