// The terminal views of a change set: inline (default), side by side, and --stat.
//
// Text is laid out as words made of styled pieces, so that wrapping measures only what is
// visible (text::display_width; colour codes and markers are added per piece) and so that a
// marker such as "[-" always sticks to the word it opens. Colour codes are closed at the end of
// every line, which keeps `less -R` and copy-and-paste sane. Changes are grouped under a section
// header ("§ Appendix A: Glossary") that is printed again only when the section changes.
#include "guidetrack/render/diff.hpp"

#include "guidetrack/text/text.hpp"

#include <algorithm>
#include <cctype>
#include <fnmatch.h>
#include <map>
#include <optional>
#include <ostream>
#include <set>

namespace guidetrack::render {
namespace {

using diff::Change;
using diff::ChangeKind;
using diff::EditOp;

enum class Style {
    plain,
    removed,
    added,
    dim,
    location,
    section,
    kind_added,
    kind_removed,
    kind_amended,
    kind_moved,
    kind_renumbered
};

// The SGR sequence of a style in a theme ("" for plain).
std::string sgr(const Theme& t, Style style) {
    const std::string* p = nullptr;
    switch (style) {
    case Style::plain:
        return "";
    case Style::removed:
        p = &t.removed;
        break;
    case Style::added:
        p = &t.added;
        break;
    case Style::dim:
        p = &t.dim;
        break;
    case Style::location:
        p = &t.location;
        break;
    case Style::section:
        p = &t.section;
        break;
    case Style::kind_added:
        p = &t.kind_added;
        break;
    case Style::kind_removed:
        p = &t.kind_removed;
        break;
    case Style::kind_amended:
        p = &t.kind_amended;
        break;
    case Style::kind_moved:
        p = &t.kind_moved;
        break;
    case Style::kind_renumbered:
        p = &t.kind_renumbered;
        break;
    }
    if (!p || p->empty())
        return "";
    return "\x1b[" + *p + "m";
}

Style kind_style(ChangeKind kind) {
    switch (kind) {
    case ChangeKind::added:
        return Style::kind_added;
    case ChangeKind::removed:
        return Style::kind_removed;
    case ChangeKind::amended:
        return Style::kind_amended;
    case ChangeKind::moved:
        return Style::kind_moved;
    case ChangeKind::renumbered:
        return Style::kind_renumbered;
    }
    return Style::location;
}

// The colour theme to paint with, or null for no colour at all.
const Theme* painter(const DiffStyle& style) {
    return style.color ? &style.theme : nullptr;
}
bool use_markers(const DiffStyle& style) {
    return !style.color || style.theme.markers;
}

struct Piece {
    std::string text;
    Style style = Style::plain;
};

struct Word {
    std::vector<Piece> pieces;
    std::size_t width() const {
        std::size_t w = 0;
        for (const Piece& p : pieces)
            w += text::display_width(p.text);
        return w;
    }
};

struct Line {
    std::vector<Piece> pieces;
    std::size_t width = 0;
};

// Builds words from runs of text; a run that does not start with a space glues onto the word
// before it ("DSL" + "’s").
class WordBuilder {
  public:
    explicit WordBuilder(bool markers) : markers_(markers) {}

    void text(std::string_view s, Style style) {
        std::size_t i = 0;
        while (i < s.size()) {
            if (s[i] == ' ') {
                pending_space_ = true;
                ++i;
                continue;
            }
            std::size_t j = s.find(' ', i);
            if (j == std::string_view::npos)
                j = s.size();
            piece(std::string(s.substr(i, j - i)), style);
            i = j;
        }
    }

    // A removed or added run: styled, and wrapped in [- -] / {+ +} markers when markers are on.
    void change(std::string_view s, EditOp op) {
        std::size_t lead = s.find_first_not_of(' ');
        if (lead == std::string_view::npos) {
            pending_space_ = pending_space_ || !s.empty();
            return;
        }
        std::size_t last = s.find_last_not_of(' ');
        std::string_view core = s.substr(lead, last - lead + 1);
        if (lead > 0)
            pending_space_ = true;
        // Without markers, a replacement would read as one word ("forlead"): keep the two apart.
        if (!markers_ && op == EditOp::added && !words_.empty() &&
            words_.back().pieces.back().style == Style::removed)
            pending_space_ = true;
        Style style = op == EditOp::removed ? Style::removed : Style::added;
        // The opening marker starts the word and the run's first word glues on.
        if (markers_)
            piece(op == EditOp::removed ? "[-" : "{+", Style::plain);
        text(core, style);
        if (markers_)
            glue(op == EditOp::removed ? "-]" : "+}", Style::plain);
        if (last + 1 < s.size())
            pending_space_ = true;
    }

    void ellipsis() {
        pending_space_ = true;
        piece("...", Style::dim);
        pending_space_ = true;
    }

    void space() { pending_space_ = true; }

    std::vector<Word> take() { return std::move(words_); }

  private:
    bool markers_;
    bool pending_space_ = false;
    std::vector<Word> words_;

    void piece(std::string s, Style style) {
        if (words_.empty() || pending_space_)
            words_.emplace_back();
        words_.back().pieces.push_back({std::move(s), style});
        pending_space_ = false;
    }
    void glue(std::string s, Style style) {
        if (words_.empty())
            words_.emplace_back();
        words_.back().pieces.push_back({std::move(s), style});
    }
};

std::size_t utf8_length(unsigned char c) {
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

// Split a piece list at display width `width` (for words longer than a line).
std::vector<Word> hard_break(const Word& word, std::size_t width) {
    std::vector<Word> out(1);
    std::size_t used = 0;
    for (const Piece& p : word.pieces) {
        std::size_t i = 0;
        std::string chunk;
        while (i < p.text.size()) {
            std::size_t len =
                std::min(utf8_length(static_cast<unsigned char>(p.text[i])), p.text.size() - i);
            std::string_view cp(p.text.data() + i, len);
            std::size_t w = text::display_width(cp);
            if (used + w > width && used > 0) {
                if (!chunk.empty())
                    out.back().pieces.push_back({chunk, p.style});
                chunk.clear();
                out.emplace_back();
                used = 0;
            }
            chunk += cp;
            used += w;
            i += len;
        }
        if (!chunk.empty())
            out.back().pieces.push_back({chunk, p.style});
    }
    return out;
}

std::vector<Line> wrap(const std::vector<Word>& words, std::size_t width) {
    width = std::max<std::size_t>(width, 8);
    std::vector<Line> lines(1);
    auto add = [&](const Word& w, std::size_t ww) {
        Line& line = lines.back();
        if (line.width > 0) {
            line.pieces.push_back({" ", Style::plain});
            line.width += 1;
        }
        for (const Piece& p : w.pieces)
            line.pieces.push_back(p);
        line.width += ww;
    };
    for (const Word& w : words) {
        std::size_t ww = w.width();
        if (lines.back().width > 0 && lines.back().width + 1 + ww > width)
            lines.emplace_back();
        if (ww > width) {
            for (const Word& part : hard_break(w, width)) {
                if (lines.back().width > 0)
                    lines.emplace_back();
                add(part, part.width());
            }
            continue;
        }
        add(w, ww);
    }
    if (lines.size() > 1 && lines.back().width == 0)
        lines.pop_back();
    return lines;
}

// One line's pieces; neighbouring pieces in the same style share one SGR sequence (so an added
// phrase is underlined across its spaces), closed before the next style and at the line's end.
void write_line(std::ostream& out, const Line& line, const Theme* theme) {
    std::string open;
    bool space = false;
    for (const Piece& p : line.pieces) {
        if (p.style == Style::plain && p.text == " ") {
            if (space)
                out << ' ';
            space = true;
            continue;
        }
        std::string code = theme ? sgr(*theme, p.style) : "";
        if (code != open) {
            if (!open.empty())
                out << "\x1b[0m";
            if (space)
                out << ' ';
            out << code;
            open = code;
        } else if (space) {
            out << ' ';
        }
        space = false;
        out << text::visible(p.text); // no control or bidirectional override reaches the terminal
    }
    if (!open.empty())
        out << "\x1b[0m";
    if (space)
        out << ' ';
}

void write_wrapped(std::ostream& out, const std::vector<Word>& words, const DiffStyle& style,
                   std::string_view indent) {
    std::size_t avail = style.width > indent.size() ? style.width - indent.size() : 8;
    for (const Line& line : wrap(words, avail)) {
        out << indent;
        write_line(out, line, painter(style));
        out << '\n';
    }
}

// Byte offset where the last n words of s begin (s has more than n words).
std::size_t tail_start(std::string_view s, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = s.size(); i > 0; --i) {
        if (s[i - 1] != ' ' && (i == 1 || s[i - 2] == ' ')) {
            if (++seen == n)
                return i - 1;
        }
    }
    return 0;
}

// Byte offset just past the first n words of s.
std::size_t head_end(std::string_view s, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != ' ' && (i + 1 == s.size() || s[i + 1] == ' ')) {
            if (++seen == n)
                return i + 1;
        }
    }
    return s.size();
}

// Does the word ending just before byte `end` of s end a sentence ("staff.", "(2021).",
// "said:”")? Closing quotes and brackets after the full stop count.
bool ends_sentence(std::string_view s, std::size_t end) {
    std::size_t i = end;
    while (i > 0) {
        unsigned char c = static_cast<unsigned char>(s[i - 1]);
        if (c == '.' || c == '?' || c == '!' || c == ':' || c == ';')
            return true;
        if (c == ')' || c == ']' || c == '"' || c == '\'') {
            --i;
            continue;
        }
        // ’ and ” (E2 80 99, E2 80 9D)
        if (i >= 3 && static_cast<unsigned char>(s[i - 3]) == 0xE2 &&
            static_cast<unsigned char>(s[i - 2]) == 0x80 && (c == 0x99 || c == 0x9D)) {
            i -= 3;
            continue;
        }
        return false;
    }
    return false;
}

// Start offsets of the words of s.
std::vector<std::size_t> word_starts(std::string_view s) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            out.push_back(i);
    return out;
}

// End offsets (one past the last byte) of the words of s.
std::vector<std::size_t> word_ends(std::string_view s) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (s[i] != ' ' && (i + 1 == s.size() || s[i + 1] == ' '))
            out.push_back(i + 1);
    return out;
}

constexpr std::size_t min_context_words = 3;

// Where the context before a change begins in the equal run s that precedes it, within `budget`
// columns: the start of the change's sentence (or of the sentence before, when the change's own
// sentence has begun only a word or two before it) if that fits, else as many whole words as fit.
std::size_t lead_start(std::string_view s, std::size_t budget) {
    if (text::display_width(s) <= budget)
        return 0;
    std::vector<std::size_t> starts = word_starts(s);
    // Sentence starts, from the last one backwards.
    for (std::size_t k = starts.size(); k-- > 1;) {
        std::size_t st = starts[k];
        if (!ends_sentence(s, st - 1))
            continue;
        if (starts.size() - k < min_context_words)
            continue;
        if (text::display_width(s.substr(st)) <= budget)
            return st;
        break;
    }
    // No sentence start that fits: the words that fit.
    std::size_t best = s.size();
    for (std::size_t k = starts.size(); k-- > 0;) {
        if (text::display_width(s.substr(starts[k])) > budget)
            break;
        best = starts[k];
    }
    return best;
}

// Where the context after a change ends in the equal run s that follows it, within `budget`.
std::size_t trail_end(std::string_view s, std::size_t budget) {
    if (text::display_width(s) <= budget)
        return s.size();
    std::vector<std::size_t> ends = word_ends(s);
    for (std::size_t k = 0; k < ends.size(); ++k) {
        if (!ends_sentence(s, ends[k]) || k + 1 < min_context_words)
            continue;
        if (text::display_width(s.substr(0, ends[k])) <= budget)
            return ends[k];
        break;
    }
    std::size_t best = 0;
    for (std::size_t e : ends) {
        if (text::display_width(s.substr(0, e)) > budget)
            break;
        best = e;
    }
    return best;
}

// Columns of context either side of a change when -C is not given: about a line.
std::size_t context_budget(const DiffStyle& style) {
    return std::max<std::size_t>(style.width > 4 ? style.width - 4 : 0, 30);
}

// Word edits with the long unchanged stretches cut down either side of each change: to `-C`
// words, or (by default) to whole sentences that fit in the context budget.
std::vector<Word> edit_words(const std::vector<diff::WordEdit>& edits, const DiffStyle& style,
                             bool elide, EditOp hide = EditOp::equal) {
    WordBuilder b(use_markers(style));
    const std::size_t budget = context_budget(style);
    for (std::size_t k = 0; k < edits.size(); ++k) {
        const diff::WordEdit& e = edits[k];
        if (e.op != EditOp::equal) {
            if (e.op == hide) {
                if (!e.text.empty() && e.text.front() == ' ')
                    b.space();
                continue;
            }
            b.change(e.text, e.op);
            continue;
        }
        std::string_view t = e.text;
        bool first = k == 0, last = k + 1 == edits.size();
        if (!elide || (first && last)) {
            b.text(t, Style::plain);
            continue;
        }
        // [0, head) is kept after the change before, [tail, size) before the change after.
        std::size_t head = 0, tail = t.size();
        if (style.context_words) {
            const std::size_t n = *style.context_words;
            std::size_t words = text::count_words(t);
            if (first) {
                if (words > n)
                    tail = n == 0 ? t.size() : tail_start(t, n);
                else
                    tail = 0;
            } else if (last) {
                head = words > n ? head_end(t, n) : t.size();
            } else if (words > 2 * n + 2) {
                head = head_end(t, n);
                tail = n == 0 ? t.size() : tail_start(t, n);
            } else {
                head = t.size();
            }
        } else {
            if (!first)
                head = trail_end(t, budget);
            if (!last)
                tail = lead_start(t, budget);
            if (first)
                head = 0;
            if (last)
                tail = t.size();
            if (head >= tail)
                head = tail = t.size();
        }
        if (head >= t.size() && !first) {
            b.text(t, Style::plain);
            continue;
        }
        if (first && tail == 0) {
            b.text(t, Style::plain);
            continue;
        }
        if (head > 0)
            b.text(t.substr(0, head), Style::plain);
        if (head < tail && text::count_words(t.substr(head, tail - head)) > 0)
            b.ellipsis();
        // Keep the space before a change that follows directly.
        if (tail < t.size())
            b.text(t.substr(tail), Style::plain);
        else if (!t.empty() && t.back() == ' ')
            b.space();
    }
    return b.take();
}

std::vector<Word> plain_words(std::string_view s, Style style, const DiffStyle& ds) {
    WordBuilder b(use_markers(ds));
    b.text(s, style);
    return b.take();
}

// The beginning of a block, then "...": -C N gives 3N words, else about two lines.
std::vector<Word> excerpt(std::string_view s, const DiffStyle& style) {
    WordBuilder b(use_markers(style));
    std::size_t end = s.size();
    if (style.context_words) {
        std::size_t limit = 3 * *style.context_words;
        if (text::count_words(s) > limit)
            end = head_end(s, limit);
    } else {
        end = trail_end(s, 2 * context_budget(style));
    }
    b.text(s.substr(0, end), Style::plain);
    if (end < s.size() && text::count_words(s.substr(end)) > 0)
        b.ellipsis();
    return b.take();
}

std::string join_section(const std::vector<std::string>& section) {
    std::string out;
    for (const std::string& s : section) {
        if (!out.empty())
            out += " > ";
        out += s;
    }
    return out;
}

// The anchor a change is shown at: the new version's (the old one's for removals).
const diff::Anchor* shown_anchor(const Change& c) {
    if (c.kind == ChangeKind::removed || !c.new_anchor)
        return c.old_anchor ? &*c.old_anchor : nullptr;
    return &*c.new_anchor;
}

// The anchor with "(was 11)" after the number when an amended block was renumbered.
diff::Anchor shown_place(const Change& c) {
    const diff::Anchor* p = shown_anchor(c);
    diff::Anchor a = p ? *p : diff::Anchor{};
    if (c.kind == ChangeKind::amended && c.old_anchor && c.new_anchor && !a.number.empty() &&
        !c.old_anchor->number.empty() && c.old_anchor->number != a.number)
        a.number += " (was " + c.old_anchor->number + ")";
    return a;
}

// The section a change is grouped under; empty for renumbering and unsectioned blocks.
std::vector<std::string> group_of(const Change& c) {
    if (c.kind == ChangeKind::renumbered)
        return {};
    const diff::Anchor* a = shown_anchor(c);
    return a ? a->section : std::vector<std::string>{};
}

void write_words_hanging(std::ostream& out, std::vector<Word> words, const DiffStyle& style,
                         std::string_view first_prefix) {
    std::size_t avail = std::max<std::size_t>(style.width, 10) - 2; // continuation indent
    std::size_t lead = text::display_width(first_prefix);
    bool first = true;
    std::vector<Line> lines = wrap(words, avail > lead + 8 ? avail - lead : avail);
    for (const Line& line : lines) {
        out << (first ? first_prefix : std::string_view("  "));
        first = false;
        write_line(out, line, painter(style));
        out << '\n';
    }
}

// "§ Chapter 2: ... > Strategic leadership", once for a run of changes in that section.
void write_section_header(std::ostream& out, const std::vector<std::string>& section,
                          const DiffStyle& style) {
    WordBuilder b(false);
    b.text("\u00a7 " + join_section(section), Style::section);
    write_words_hanging(out, b.take(), style, "");
}

// "amended: Page 26 - paragraph 48" (the section is in the group header when `grouped`), or
// "amended" alone when the change has no place of its own.
void write_header(std::ostream& out, const Change& c, const DiffStyle& style, bool grouped) {
    std::string kind(diff::kind_name(c.kind));
    std::string rest;
    if (c.kind == ChangeKind::renumbered) {
        rest = diff::describe_renumbering(c.renumbering);
    } else {
        diff::Anchor a = shown_place(c);
        if (grouped)
            a.section.clear();
        rest = location(a);
    }
    // A change with no page or paragraph of its own (under a GOV.UK page's title) is headed by
    // its kind alone: "amended", not "amended:" with nothing after it.
    WordBuilder b(false);
    b.text(rest.empty() ? kind : kind + ":", kind_style(c.kind));
    if (!rest.empty()) {
        b.space();
        b.text(rest, Style::location);
    }
    write_words_hanging(out, b.take(), style, style.navigate ? navigate_marker : "");
    if (c.kind == ChangeKind::moved && c.old_anchor) {
        WordBuilder from(false);
        from.text("from " + location(*c.old_anchor), Style::dim);
        write_wrapped(out, from.take(), style, "  ");
    }
}

// Section headers and change headers for a list of changes, in order: calls body(change) after
// each change's header.
template <typename Body>
void write_grouped(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style,
                   Body body) {
    std::optional<std::vector<std::string>> current;
    for (const Change& c : set.changes) {
        std::vector<std::string> group = group_of(c);
        out << '\n';
        bool grouped = !group.empty();
        if (grouped && (!current || *current != group))
            write_section_header(out, group, style);
        current = grouped ? std::optional(group) : std::nullopt;
        write_header(out, c, style, grouped);
        body(c);
    }
}

void write_link_changes(std::ostream& out, const Change& c, const DiffStyle& style) {
    if (!c.links_changed || !c.old_block || !c.new_block)
        return;
    const auto& a = c.old_block->links;
    const auto& b = c.new_block->links;
    for (std::size_t k = 0; k < std::max(a.size(), b.size()); ++k) {
        if (k < a.size() && k < b.size() && a[k].target == b[k].target)
            continue;
        WordBuilder w(use_markers(style));
        std::string label = k < b.size() ? std::string(model::link_text(*c.new_block, b[k]))
                                         : std::string(model::link_text(*c.old_block, a[k]));
        w.text("link \"" + label + "\":", Style::dim);
        w.space();
        if (k < a.size())
            w.change(a[k].target, EditOp::removed);
        if (k < b.size()) {
            w.space();
            w.change(b[k].target, EditOp::added);
        }
        write_wrapped(out, w.take(), style, "  ");
    }
}

std::string summary_line(const diff::ChangeSet& set) {
    diff::Stats s = diff::stats(set);
    std::size_t n = set.changes.size();
    std::string out = std::to_string(n) + (n == 1 ? " change" : " changes");
    std::vector<std::string> parts;
    auto add = [&](std::size_t count, const char* name) {
        if (count)
            parts.push_back(std::to_string(count) + " " + name);
    };
    add(s.added, "added");
    add(s.removed, "removed");
    add(s.amended, "amended");
    add(s.moved, "moved");
    if (s.renumbered)
        parts.push_back("renumbering of " + std::to_string(s.renumbered_paragraphs) +
                        (s.renumbered_paragraphs == 1 ? " paragraph" : " paragraphs"));
    for (std::size_t k = 0; k < parts.size(); ++k)
        out += (k == 0 ? ": " : ", ") + parts[k];
    return out;
}

// Cut s to at most `room` columns, keeping its end: "... > Part 2 > How we inspect".
std::string keep_end(const std::string& s, std::size_t room) {
    if (text::display_width(s) <= room)
        return s;
    // Drop whole leading headings first.
    std::size_t at = 0;
    while ((at = s.find(" > ", at)) != std::string::npos) {
        at += 3;
        std::string cut = "... > " + s.substr(at);
        if (text::display_width(cut) <= room)
            return cut;
    }
    // A single long heading: its last whole words.
    for (std::size_t sp = s.find(' '); sp != std::string::npos; sp = s.find(' ', sp + 1)) {
        std::string cut = "..." + s.substr(sp);
        if (text::display_width(cut) <= room)
            return cut;
    }
    // One word longer than the room: its last characters.
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < s.size();) {
        starts.push_back(i);
        i += std::min(utf8_length(static_cast<unsigned char>(s[i])), s.size() - i);
    }
    for (std::size_t st : starts) {
        std::string cut = "..." + s.substr(st);
        if (text::display_width(cut) <= room)
            return cut;
    }
    return "...";
}

// Plain lower-case letters and digits of s, for the minor-change test.
std::string letters_only(std::string_view s) {
    std::string folded = text::fold_case(text::fold_typography(s));
    std::string out;
    for (std::size_t i = 0; i < folded.size();) {
        unsigned char c = static_cast<unsigned char>(folded[i]);
        std::size_t len = std::min(utf8_length(c), folded.size() - i);
        if (c >= 0x80 || std::isalnum(c))
            out.append(folded, i, len);
        i += len;
    }
    return out;
}

} // namespace

std::vector<std::string> theme_names() {
    return {"default", "basic", "classic", "mono"};
}

Result<Theme> theme_by_name(std::string_view name) {
    Theme t;
    t.name = std::string(name);
    t.dim = "2";
    t.location = "1";
    t.section = "1;4";
    if (name == "default") {
        // Blue and orange: told apart with every common colour-vision deficiency.
        t.added = "4;38;5;33";
        t.removed = "9;38;5;208";
        t.kind_added = "1;38;5;33";
        t.kind_removed = "1;38;5;208";
        t.kind_amended = "1";
        t.kind_moved = "1;35";
        t.kind_renumbered = "1;36";
        return t;
    }
    if (name == "basic") {
        t.added = "4;34";
        t.removed = "9;33";
        t.kind_added = "1;34";
        t.kind_removed = "1;33";
        t.kind_amended = "1";
        t.kind_moved = "1;35";
        t.kind_renumbered = "1;36";
        return t;
    }
    if (name == "classic") {
        t.added = "4;32";
        t.removed = "9;31";
        t.kind_added = "1;32";
        t.kind_removed = "1;31";
        t.kind_amended = "1;33";
        t.kind_moved = "1;36";
        t.kind_renumbered = "1;35";
        return t;
    }
    if (name == "mono") {
        t.added = "1;4";
        t.removed = "2;9";
        t.kind_added = t.kind_removed = t.kind_amended = t.kind_moved = t.kind_renumbered = "1";
        t.markers = true;
        return t;
    }
    std::string names;
    for (const std::string& n : theme_names())
        names += (names.empty() ? "" : ", ") + n;
    return input_error("unknown theme '" + std::string(name) + "' (themes: " + names + ")");
}

std::string location(const diff::Anchor& anchor) {
    std::vector<std::string> parts;
    if (!anchor.page.empty())
        parts.push_back("Page " + anchor.page);
    if (anchor.footnote) {
        std::string where = anchor.cited_in.empty() ? "" : "paragraph " + anchor.cited_in + ", ";
        where += "footnote " + anchor.number;
        if (parts.empty())
            where[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(where[0])));
        parts.push_back(where);
    } else if (!anchor.number.empty()) {
        parts.push_back((parts.empty() ? "Paragraph " : "paragraph ") + anchor.number);
    }
    std::string section = join_section(anchor.section);
    if (!section.empty())
        parts.push_back(section);
    std::string out;
    for (const std::string& p : parts) {
        if (!out.empty())
            out += " - ";
        out += p;
    }
    return out;
}

bool section_matches(const std::vector<std::string>& section, const std::string& glob) {
    std::string path;
    for (const std::string& heading : section) {
        if (::fnmatch(glob.c_str(), heading.c_str(), FNM_CASEFOLD) == 0)
            return true;
        path += (path.empty() ? "" : " > ") + heading;
        if (::fnmatch(glob.c_str(), path.c_str(), FNM_CASEFOLD) == 0)
            return true;
    }
    return false;
}

bool in_section(const std::vector<std::string>& section, const std::vector<std::string>& globs) {
    if (globs.empty())
        return true;
    for (const std::string& g : globs)
        if (section_matches(section, g))
            return true;
    return false;
}

bool is_minor(const Change& c) {
    if (c.kind != ChangeKind::amended || c.links_changed || !c.old_block || !c.new_block)
        return false;
    return letters_only(c.old_block->text) == letters_only(c.new_block->text);
}

diff::ChangeSet scope_changes(const diff::ChangeSet& set, const Scope& scope) {
    diff::ChangeSet out;
    out.options = set.options;
    for (const Change& c : set.changes) {
        if (scope.major_only && is_minor(c))
            continue;
        if (!scope.sections.empty()) {
            bool in = (c.old_anchor && in_section(c.old_anchor->section, scope.sections)) ||
                      (c.new_anchor && in_section(c.new_anchor->section, scope.sections));
            if (!in)
                continue;
        }
        out.changes.push_back(c);
    }
    return out;
}

void render_inline(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style) {
    if (set.empty()) {
        out << "No changes.\n";
        return;
    }
    out << summary_line(set) << "\n";
    write_grouped(out, set, style, [&](const Change& c) {
        switch (c.kind) {
        case ChangeKind::added:
            write_wrapped(out, plain_words(c.new_block->text, Style::added, style), style, "+ ");
            break;
        case ChangeKind::removed:
            write_wrapped(out, plain_words(c.old_block->text, Style::removed, style), style, "- ");
            break;
        case ChangeKind::amended:
            write_wrapped(out, edit_words(c.edits, style, true), style, "  ");
            write_link_changes(out, c, style);
            break;
        case ChangeKind::moved:
            if (c.amended_too && !c.edits.empty())
                write_wrapped(out, edit_words(c.edits, style, true), style, "  ");
            else
                write_wrapped(out, excerpt(c.new_block->text, style), style, "  ");
            write_link_changes(out, c, style);
            break;
        case ChangeKind::renumbered:
            break;
        }
    });
}

void render_side_by_side(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style) {
    if (set.empty()) {
        out << "No changes.\n";
        return;
    }
    out << summary_line(set) << "\n";
    const std::size_t column =
        std::max<std::size_t>(8, (std::max<std::size_t>(style.width, 19) - 3) / 2);
    write_grouped(out, set, style, [&](const Change& c) {
        if (c.kind == ChangeKind::renumbered)
            return;
        std::vector<Word> left, right;
        switch (c.kind) {
        case ChangeKind::added:
            right = plain_words(c.new_block->text, Style::added, style);
            break;
        case ChangeKind::removed:
            left = plain_words(c.old_block->text, Style::removed, style);
            break;
        default:
            if (!c.edits.empty()) {
                left = edit_words(c.edits, style, false, EditOp::added);
                right = edit_words(c.edits, style, false, EditOp::removed);
            } else {
                left = plain_words(c.old_block->text, Style::plain, style);
                right = plain_words(c.new_block->text, Style::plain, style);
            }
            break;
        }
        std::vector<Line> l = left.empty() ? std::vector<Line>{} : wrap(left, column);
        std::vector<Line> r = right.empty() ? std::vector<Line>{} : wrap(right, column);
        for (std::size_t k = 0; k < std::max(l.size(), r.size()); ++k) {
            std::size_t used = 0;
            if (k < l.size()) {
                write_line(out, l[k], painter(style));
                used = l[k].width;
            }
            if (k < r.size()) {
                out << std::string(column > used ? column - used : 0, ' ') << " | ";
                write_line(out, r[k], painter(style));
            } else {
                out << std::string(column > used ? column - used : 0, ' ') << " |";
            }
            out << '\n';
        }
        write_link_changes(out, c, style);
    });
}

void render_stat(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style) {
    diff::Stats s = diff::stats(set);
    out << summary_line(set) << "\n";
    out << "words: " << s.words_added << " added, " << s.words_removed << " removed\n";
    // Pages in the order they first appear.
    std::vector<std::string> pages;
    std::set<std::string> seen;
    for (const Change& c : set.changes) {
        if (c.kind == ChangeKind::renumbered)
            continue;
        const auto& a = c.kind == ChangeKind::removed ? c.old_anchor : c.new_anchor;
        if (a && !a->page.empty() && seen.insert(a->page).second)
            pages.push_back(a->page);
    }
    if (!pages.empty()) {
        std::string line = "pages touched:";
        for (std::size_t k = 0; k < pages.size(); ++k)
            line += (k == 0 ? " " : ", ") + pages[k];
        out << line << "\n";
    }
    if (set.empty())
        return;
    // A heading every change shares (a GOV.UK page's title) says nothing about any one of them:
    // it is printed once above the list and left out of the lines.
    std::vector<std::string> common;
    bool first_change = true;
    for (const Change& c : set.changes) {
        if (c.kind == ChangeKind::renumbered)
            continue;
        std::vector<std::string> g = group_of(c);
        if (first_change) {
            common = g;
            first_change = false;
            continue;
        }
        std::size_t k = 0;
        while (k < common.size() && k < g.size() && common[k] == g[k])
            ++k;
        common.resize(k);
    }
    out << '\n';
    if (!common.empty())
        out << "in " << keep_end(join_section(common), style.width > 3 ? style.width - 3 : 10)
            << ":\n";
    const Theme* theme = painter(style);
    // The counts of every line start in one column.
    std::size_t counts_width = 0;
    for (const Change& c : set.changes) {
        diff::ChangeSet one;
        one.changes.push_back(c);
        diff::Stats cs = diff::stats(one);
        if (c.kind != ChangeKind::renumbered && (cs.words_added || cs.words_removed))
            counts_width = std::max(counts_width, std::to_string(cs.words_added).size() +
                                                      std::to_string(cs.words_removed).size() + 3);
    }
    // First every line's location and counts, then the lines, with the counts in one column just
    // after the longest location (not at the far edge of a wide terminal).
    struct StatLine {
        const Change* change;
        std::string where;
        std::size_t plus, minus;
        bool counts;
    };
    std::vector<StatLine> lines;
    std::size_t longest = 0;
    std::size_t fixed = 2 + 11 + (counts_width ? counts_width + 2 : 0);
    std::size_t room = style.width > fixed + 10 ? style.width - fixed : 10;
    for (const Change& c : set.changes) {
        std::string kind(diff::kind_name(c.kind));
        std::string where, head_part, tail_part;
        if (c.kind == ChangeKind::renumbered) {
            where = diff::describe_renumbering(c.renumbering);
        } else {
            diff::Anchor a = shown_place(c);
            // Leave out the shared headings, but keep the deepest one of each change.
            std::size_t trim =
                a.section.empty() ? 0 : std::min(common.size(), a.section.size() - 1);
            a.section.erase(a.section.begin(),
                            a.section.begin() + static_cast<std::ptrdiff_t>(trim));
            where = location(a);
            tail_part = join_section(a.section);
            a.section.clear();
            head_part = location(a);
            if (!head_part.empty() && !tail_part.empty())
                head_part += " - ";
        }
        diff::ChangeSet one;
        one.changes.push_back(c);
        diff::Stats cs = diff::stats(one);
        std::size_t plus = cs.words_added, minus = cs.words_removed;
        bool counts = c.kind != ChangeKind::renumbered && (plus || minus);
        // Keep each line within the width: shorten the location from the front of its section
        // path (the headings nearest the change tell changes apart), never the counts.
        if (text::display_width(where) > room) {
            std::size_t hw = text::display_width(head_part);
            if (!tail_part.empty() && hw + 16 <= room)
                where = head_part + keep_end(tail_part, room - hw);
            else
                where = keep_end(where, room);
        }
        if (counts)
            longest = std::max(longest, text::display_width(where));
        lines.push_back({&c, std::move(where), plus, minus, counts});
    }
    for (const StatLine& line : lines) {
        const Change& c = *line.change;
        std::string kind(diff::kind_name(c.kind));
        const std::string& where = line.where;
        std::size_t plus = line.plus, minus = line.minus;
        out << "  ";
        std::string padded = kind + std::string(kind.size() < 11 ? 11 - kind.size() : 1, ' ');
        std::string code = theme ? sgr(*theme, kind_style(c.kind)) : "";
        if (!code.empty())
            out << code << padded << "\x1b[0m";
        else
            out << padded;
        out << where;
        if (line.counts) {
            std::size_t used = text::display_width(where);
            out << std::string(longest > used ? longest - used + 2 : 2, ' ');
            if (theme)
                out << sgr(*theme, Style::kind_added) << "+" << plus << "\x1b[0m "
                    << sgr(*theme, Style::kind_removed) << "-" << minus << "\x1b[0m";
            else
                out << "+" << plus << " -" << minus;
        }
        out << '\n';
    }
}

} // namespace guidetrack::render
