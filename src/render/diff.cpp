// The terminal views of a change set: inline (default), side by side, and --stat.
//
// Text is laid out as words made of styled pieces, so that wrapping measures only what is
// visible (text::display_width; colour codes and markers are added per piece) and so that a
// marker such as "[-" always sticks to the word it opens. Colour codes are closed at the end of
// every line, which keeps `less -R` and copy-and-paste sane.
#include "guidetrack/render/diff.hpp"

#include "guidetrack/text/text.hpp"

#include <algorithm>
#include <cctype>
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
    bold,
    kind_added,
    kind_removed,
    kind_amended,
    kind_moved,
    kind_renumbered
};

std::string_view sgr(Style style) {
    switch (style) {
    case Style::plain:
        return "";
    case Style::removed:
        return "\x1b[31;9m";
    case Style::added:
        return "\x1b[32m";
    case Style::dim:
        return "\x1b[2m";
    case Style::bold:
        return "\x1b[1m";
    case Style::kind_added:
        return "\x1b[1;32m";
    case Style::kind_removed:
        return "\x1b[1;31m";
    case Style::kind_amended:
        return "\x1b[1;33m";
    case Style::kind_moved:
        return "\x1b[1;36m";
    case Style::kind_renumbered:
        return "\x1b[1;35m";
    }
    return "";
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
    return Style::bold;
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
    explicit WordBuilder(bool color) : color_(color) {}

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

    // A removed or added run: coloured, or wrapped in [- -] / {+ +} markers without colour.
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
        // In colour, a replacement would read as one word ("forlead"): keep the two apart.
        if (color_ && op == EditOp::added && !words_.empty() &&
            words_.back().pieces.back().style == Style::removed)
            pending_space_ = true;
        Style style = op == EditOp::removed ? Style::removed : Style::added;
        // Without colour, the opening marker starts the word and the run's first word glues on.
        if (!color_)
            piece(op == EditOp::removed ? "[-" : "{+", Style::plain);
        text(core, style);
        if (!color_)
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
    bool color_;
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

// Split a piece list at display width `width` (for words longer than a line).
std::vector<Word> hard_break(const Word& word, std::size_t width) {
    std::vector<Word> out(1);
    std::size_t used = 0;
    for (const Piece& p : word.pieces) {
        std::size_t i = 0;
        std::string chunk;
        while (i < p.text.size()) {
            std::size_t len = 1;
            unsigned char c = static_cast<unsigned char>(p.text[i]);
            if (c >= 0xF0)
                len = 4;
            else if (c >= 0xE0)
                len = 3;
            else if (c >= 0xC0)
                len = 2;
            len = std::min(len, p.text.size() - i);
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

void write_line(std::ostream& out, const Line& line, bool color) {
    for (const Piece& p : line.pieces) {
        std::string_view code = color ? sgr(p.style) : "";
        if (!code.empty())
            out << code << p.text << "\x1b[0m";
        else
            out << p.text;
    }
}

void write_wrapped(std::ostream& out, const std::vector<Word>& words, const DiffStyle& style,
                   std::string_view indent) {
    std::size_t avail = style.width > indent.size() ? style.width - indent.size() : 8;
    for (const Line& line : wrap(words, avail)) {
        out << indent;
        write_line(out, line, style.color);
        out << '\n';
    }
}

std::size_t count_words(std::string_view s) {
    std::size_t n = 0;
    bool in = false;
    for (char c : s) {
        bool word = c != ' ';
        if (word && !in)
            ++n;
        in = word;
    }
    return n;
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

// Word edits with the long unchanged stretches cut down to `context` words either side.
std::vector<Word> edit_words(const std::vector<diff::WordEdit>& edits, const DiffStyle& style,
                             bool elide, EditOp hide = EditOp::equal) {
    WordBuilder b(style.color);
    const std::size_t n = style.context_words;
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
        std::size_t words = count_words(t);
        if (!elide || (first && last)) {
            b.text(t, Style::plain);
        } else if (first) {
            if (words > n) {
                b.ellipsis();
                b.text(t.substr(tail_start(t, n)), Style::plain);
            } else {
                b.text(t, Style::plain);
            }
        } else if (last) {
            if (words > n) {
                b.text(t.substr(0, head_end(t, n)), Style::plain);
                b.ellipsis();
            } else {
                b.text(t, Style::plain);
            }
        } else if (words > 2 * n + 2) {
            b.text(t.substr(0, head_end(t, n)), Style::plain);
            b.ellipsis();
            b.text(t.substr(tail_start(t, n)), Style::plain);
        } else {
            b.text(t, Style::plain);
        }
    }
    return b.take();
}

std::vector<Word> plain_words(std::string_view s, Style style, bool color) {
    WordBuilder b(color);
    b.text(s, style);
    return b.take();
}

// The first `limit` words of a block, then "...".
std::vector<Word> excerpt(std::string_view s, std::size_t limit, bool color) {
    WordBuilder b(color);
    if (count_words(s) > limit) {
        b.text(s.substr(0, head_end(s, limit)), Style::plain);
        b.ellipsis();
    } else {
        b.text(s, Style::plain);
    }
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

// The location of a change's block in the new version (old for removed); "paragraph 12 (was 11)"
// when an amended block was renumbered.
std::string change_location(const Change& c) {
    if (c.kind == ChangeKind::removed || !c.new_anchor)
        return c.old_anchor ? location(*c.old_anchor) : "";
    diff::Anchor a = *c.new_anchor;
    if (c.kind == ChangeKind::amended && c.old_anchor && !a.number.empty() &&
        !c.old_anchor->number.empty() && c.old_anchor->number != a.number)
        a.number += " (was " + c.old_anchor->number + ")";
    return location(a);
}

void write_header(std::ostream& out, const Change& c, const DiffStyle& style) {
    std::string kind(diff::kind_name(c.kind));
    std::string rest = c.kind == ChangeKind::renumbered ? diff::describe_renumbering(c.renumbering)
                                                        : change_location(c);
    WordBuilder b(style.color);
    b.text(kind + ":", kind_style(c.kind));
    if (!rest.empty()) {
        b.space();
        b.text(rest, Style::bold);
    }
    auto words = b.take();
    std::size_t avail = std::max<std::size_t>(style.width, 10) - 2; // continuation indent
    bool first = true;
    for (const Line& line : wrap(words, avail)) {
        if (!first)
            out << "  ";
        first = false;
        write_line(out, line, style.color);
        out << '\n';
    }
    if (c.kind == ChangeKind::moved && c.old_anchor) {
        WordBuilder from(style.color);
        from.text("from " + location(*c.old_anchor), Style::dim);
        write_wrapped(out, from.take(), style, "  ");
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
        WordBuilder w(style.color);
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

} // namespace

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

void render_inline(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style) {
    if (set.empty()) {
        out << "No changes.\n";
        return;
    }
    out << summary_line(set) << "\n";
    for (const Change& c : set.changes) {
        out << '\n';
        write_header(out, c, style);
        switch (c.kind) {
        case ChangeKind::added:
            write_wrapped(out, plain_words(c.new_block->text, Style::added, style.color), style,
                          "+ ");
            break;
        case ChangeKind::removed:
            write_wrapped(out, plain_words(c.old_block->text, Style::removed, style.color), style,
                          "- ");
            break;
        case ChangeKind::amended:
            write_wrapped(out, edit_words(c.edits, style, true), style, "  ");
            write_link_changes(out, c, style);
            break;
        case ChangeKind::moved:
            if (c.amended_too && !c.edits.empty())
                write_wrapped(out, edit_words(c.edits, style, true), style, "  ");
            else
                write_wrapped(out, excerpt(c.new_block->text, 3 * style.context_words, style.color),
                              style, "  ");
            write_link_changes(out, c, style);
            break;
        case ChangeKind::renumbered:
            break;
        }
    }
}

void render_side_by_side(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style) {
    if (set.empty()) {
        out << "No changes.\n";
        return;
    }
    out << summary_line(set) << "\n";
    const std::size_t column =
        std::max<std::size_t>(8, (std::max<std::size_t>(style.width, 19) - 3) / 2);
    for (const Change& c : set.changes) {
        out << '\n';
        write_header(out, c, style);
        if (c.kind == ChangeKind::renumbered)
            continue;
        std::vector<Word> left, right;
        switch (c.kind) {
        case ChangeKind::added:
            right = plain_words(c.new_block->text, Style::added, style.color);
            break;
        case ChangeKind::removed:
            left = plain_words(c.old_block->text, Style::removed, style.color);
            break;
        default:
            if (!c.edits.empty()) {
                left = edit_words(c.edits, style, false, EditOp::added);
                right = edit_words(c.edits, style, false, EditOp::removed);
            } else {
                left = plain_words(c.old_block->text, Style::plain, style.color);
                right = plain_words(c.new_block->text, Style::plain, style.color);
            }
            break;
        }
        std::vector<Line> l = left.empty() ? std::vector<Line>{} : wrap(left, column);
        std::vector<Line> r = right.empty() ? std::vector<Line>{} : wrap(right, column);
        for (std::size_t k = 0; k < std::max(l.size(), r.size()); ++k) {
            std::size_t used = 0;
            if (k < l.size()) {
                write_line(out, l[k], style.color);
                used = l[k].width;
            }
            if (k < r.size()) {
                out << std::string(column > used ? column - used : 0, ' ') << " | ";
                write_line(out, r[k], style.color);
            } else {
                out << std::string(column > used ? column - used : 0, ' ') << " |";
            }
            out << '\n';
        }
        write_link_changes(out, c, style);
    }
}

void render_stat(std::ostream& out, const diff::ChangeSet& set, const DiffStyle& style) {
    diff::Stats s = diff::stats(set);
    out << summary_line(set) << "\n";
    out << "words: " << s.words_added << " added, " << s.words_removed << " removed\n";
    // Pages in the order they first appear, numerically where they are numbers.
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
    out << '\n';
    for (const Change& c : set.changes) {
        std::string kind(diff::kind_name(c.kind));
        std::string where = c.kind == ChangeKind::renumbered
                                ? diff::describe_renumbering(c.renumbering)
                                : change_location(c);
        std::size_t plus = 0, minus = 0;
        diff::ChangeSet one;
        one.changes.push_back(c);
        diff::Stats cs = diff::stats(one);
        plus = cs.words_added;
        minus = cs.words_removed;
        std::string counts;
        if (c.kind != ChangeKind::renumbered && (plus || minus))
            counts = "+" + std::to_string(plus) + " -" + std::to_string(minus);
        // Keep each line within the width: cut the location, not the counts.
        std::size_t fixed = 2 + 11 + (counts.empty() ? 0 : counts.size() + 2);
        std::size_t room = style.width > fixed + 10 ? style.width - fixed : 10;
        if (text::display_width(where) > room) {
            std::string cut;
            std::size_t w = 0;
            for (std::size_t i = 0; i < where.size();) {
                std::size_t len = 1;
                unsigned char ch = static_cast<unsigned char>(where[i]);
                len = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
                std::string_view cp(where.data() + i, std::min(len, where.size() - i));
                std::size_t cw = text::display_width(cp);
                if (w + cw + 3 > room)
                    break;
                cut += cp;
                w += cw;
                i += cp.size();
            }
            where = cut + "...";
        }
        out << "  ";
        std::string padded = kind + std::string(kind.size() < 11 ? 11 - kind.size() : 1, ' ');
        if (style.color)
            out << sgr(kind_style(c.kind)) << padded << "\x1b[0m";
        else
            out << padded;
        out << where;
        if (!counts.empty()) {
            std::size_t used = text::display_width(where);
            out << std::string(room > used ? room - used + 2 : 2, ' ');
            if (style.color)
                out << "\x1b[32m+" << plus << "\x1b[0m \x1b[31m-" << minus << "\x1b[0m";
            else
                out << counts;
        }
        out << '\n';
    }
}

} // namespace guidetrack::render
