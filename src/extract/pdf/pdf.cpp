// PDF extraction: poppler-cpp word boxes -> the document model.
//
// poppler gives no paragraph structure, only words with a position, a font and a size, in
// reading order. The layout is rebuilt in passes, each using one kind of evidence:
//   1. words -> lines (poppler order, split where a word leaves the line's band or moves left);
//      lone footnote marks, paragraph numbers and bullets that poppler put in their own flow are
//      attached to the line beside them;
//   2. page furniture is dropped: text repeated at the same place in the top or bottom margin of
//      several pages (digits masked, so "Page 3 of 9" repeats), and bare page numbers at the very
//      top or bottom of a page;
//   3. footnotes: the run of small-print lines below the last body-size line of a page, split at
//      lines that start with a mark;
//   4. body lines -> blocks, across page breaks: a block starts at a heading style (bold or larger
//      than the body size), a paragraph number followed by a tab-like gap, a bullet or list label,
//      a vertical gap larger than the document's line spacing, a change of indentation, or after a
//      line that ends a sentence while the next line's first word would have fit on it (or a
//      contents entry ending in its page number). A line with gaps far wider than a space starts
//      a table row; lines below it in the row's other columns are its cells' wrapped text;
//   5. text: words joined with poppler's spacing, lines joined with a space, and a word broken
//      by a hyphen at a line end is rejoined unless the hyphenated form is the document's own
//      spelling (decided from the words seen inside lines, then a short list of prefixes that keep
//      their hyphen, then the document's majority habit).
// Quotes and dashes are kept as printed; every block is normalised with text::normalise_lossy.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/text/text.hpp"

#include "extract/common.hpp"
#include "extract/pdf/links.hpp"
#include "extract/pdf/plugin.hpp"
#include "guidetrack/plugin/plugin.hpp"

// poppler's core API (libpoppler-private-dev), as pdftotext uses it: poppler-cpp's text_list()
// copied the whole cross-reference table twice per page and scanned each page's fonts again to
// name them, which made a 10,000-page PDF quadratic (4x pdftotext's time).
#include <poppler/Catalog.h>
#include <poppler/Error.h>
#include <poppler/GlobalParams.h>
#include <poppler/PDFDoc.h>
#include <poppler/Page.h>
#include <poppler/Stream.h>
#include <poppler/TextOutputDev.h>
#include <poppler/UTF.h>
#include <poppler/goo/GooString.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace guidetrack::extract {

namespace {

using model::BlockKind;

struct Word {
    std::string text;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    double size = 0;
    bool bold = false;
    bool space_after = false;
    int link = -1;         // index of the link target the word is under, or -1
    bool note_ref = false; // a footnote reference mark (superscript digits after a word)
};

struct Line {
    std::vector<Word> words;
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    double size = 0;   // the size most of the line's characters have
    bool bold = false; // nearly all letters bold
    std::size_t page = 0;
};

struct Page {
    std::string label;
    double height = 0;
    std::vector<Line> lines;
};

// Words [begin, end) of a line.
struct Segment {
    const Line* line = nullptr;
    std::size_t begin = 0, end = 0;
};

// A block under construction: the lines it is made of, and what the text should drop from them.
struct Draft {
    BlockKind kind = BlockKind::paragraph;
    int level = 0;
    std::string number;
    std::size_t page = 0;
    double size = 0;
    bool bold = false;
    double first_x0 = 0;        // x of the block's first line
    double text_x0 = 0;         // x of the first word after a number, bullet or mark
    double cont_x0 = -1;        // x of continuation lines once known
    std::size_t skip_first = 0; // leading words of the first line not part of the text
    std::vector<const Line*> lines;
    // Table rows: where each cell starts, and the words of each cell as (line, first, end).
    std::vector<double> cell_x;
    std::vector<std::vector<Segment>> cells;
};

// ---- small text helpers ------------------------------------------------------------------------

// Decode the first code point of a UTF-8 string (0 if empty or invalid).
char32_t first_code_point(std::string_view s) {
    if (s.empty())
        return 0;
    auto c = static_cast<unsigned char>(s[0]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || s.size() < static_cast<std::size_t>(len))
        return 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int i = 1; i < len; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(s[static_cast<std::size_t>(i)]) & 0x3F);
    return cp;
}

std::size_t code_point_count(std::string_view s) {
    std::size_t n = 0;
    for (char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_letter(char c) {
    return is_lower(c) || is_upper(c);
}
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

bool is_bold_font(std::string_view name) {
    auto lower = text::ascii_lower(name);
    for (std::string_view mark : {"bold", "black", "heavy", "semibold", "demi"})
        if (lower.find(mark) != std::string::npos)
            return true;
    return false;
}

bool is_symbol_font(std::string_view name) {
    auto lower = text::ascii_lower(name);
    return lower.find("symbol") != std::string::npos ||
           lower.find("wingding") != std::string::npos ||
           lower.find("dingbat") != std::string::npos;
}

// A printed paragraph number: digits ("." digits)* [letter] "." -> the number without the stop.
std::optional<std::string> paragraph_number(std::string_view w) {
    if (w.size() < 2 || w.back() != '.')
        return std::nullopt;
    std::string_view n = w.substr(0, w.size() - 1);
    std::size_t i = 0, run = 0;
    while (i < n.size() && is_digit(n[i]) && run < 4)
        ++i, ++run;
    if (run == 0)
        return std::nullopt;
    while (i + 1 < n.size() && n[i] == '.' && is_digit(n[i + 1])) {
        ++i;
        run = 0;
        while (i < n.size() && is_digit(n[i]) && run < 3)
            ++i, ++run;
    }
    if (i < n.size() && is_lower(n[i]))
        ++i;
    if (i != n.size())
        return std::nullopt;
    return std::string(n);
}

long leading_integer(std::string_view n) {
    long v = 0;
    for (std::size_t i = 0; i < n.size() && is_digit(n[i]) && i < 9; ++i)
        v = v * 10 + (n[i] - '0');
    return v;
}

bool is_bullet(const Word& w, double gap_after) {
    if (code_point_count(w.text) != 1)
        return false;
    char32_t c = first_code_point(w.text);
    switch (c) {
    case U'•':
    case U'●':
    case U'○':
    case U'◦':
    case U'▪':
    case U'■':
    case U'□':
    case U'‣':
    case U'⁃':
    case U'∙':
    case U'·':
    case U'–':
    case U'—':
    case U'-':
    case U'➢':
    case U'✓':
    case U'✔':
    case U'*':
        return true;
    default:
        break;
    }
    // Private-use glyphs of symbol fonts; "o" set apart from the text (Word's second-level
    // bullet, often in Courier New).
    return (c >= 0xE000 && c <= 0xF8FF) || (c == 'o' && gap_after > 0.5 * w.size);
}

// "a)", "(a)", "iv)", "(iv)", "1)", "(1)": a list label kept in the item's text.
bool is_list_label(std::string_view w) {
    if (w.size() < 2 || w.back() != ')')
        return false;
    std::string_view inner = w.substr(w.front() == '(' ? 1 : 0);
    inner.remove_suffix(1);
    if (inner.empty() || inner.size() > 4)
        return false;
    if (all_digits(inner))
        return inner.size() <= 2;
    if (inner.size() == 1)
        return is_letter(inner[0]);
    return std::all_of(inner.begin(), inner.end(),
                       [](char c) { return c == 'i' || c == 'v' || c == 'x'; });
}

// "i.", "iv.", "b.": a list label with a full stop (set apart from the text by a wide gap).
bool is_dotted_label(std::string_view w) {
    if (w.size() < 2 || w.size() > 5 || w.back() != '.')
        return false;
    std::string_view inner = w.substr(0, w.size() - 1);
    if (inner.size() == 1 && is_lower(inner[0]))
        return true;
    return std::all_of(inner.begin(), inner.end(),
                       [](char c) { return c == 'i' || c == 'v' || c == 'x'; });
}

// "12", "iv", "Page 3", "3 of 10", "- 3 -": what a page number looks like.
bool looks_like_page_number(std::string_view s) {
    auto lower = text::ascii_lower(s);
    std::string_view rest = lower;
    bool numeral = false;
    std::size_t i = 0;
    while (i < rest.size()) {
        char c = rest[i];
        if (is_digit(c)) {
            numeral = true;
            ++i;
        } else if (rest.substr(i, 4) == "page") {
            i += 4;
        } else if (rest.substr(i, 2) == "of") {
            i += 2;
        } else if (c == ' ' || c == '-' || c == '|' || c == '/' || c == '.' || c == '(' ||
                   c == ')') {
            ++i;
        } else if (c == 'i' || c == 'v' || c == 'x') {
            std::size_t j = i;
            while (j < rest.size() && (rest[j] == 'i' || rest[j] == 'v' || rest[j] == 'x'))
                ++j;
            if (j < rest.size() && is_letter(rest[j]))
                return false;
            numeral = true;
            i = j;
        } else if (static_cast<unsigned char>(c) >= 0x80) {
            // dashes around a number ("– 3 –")
            std::string_view tail = rest.substr(i);
            if (tail.rfind("\xE2\x80\x93", 0) == 0 || tail.rfind("\xE2\x80\x94", 0) == 0)
                i += 3;
            else
                return false;
        } else {
            return false;
        }
    }
    return numeral && s.size() <= 24;
}

// ---- pass 1: words and lines -------------------------------------------------------------------

std::string line_text(const Line& line, std::size_t skip = 0, std::size_t end = SIZE_MAX) {
    std::string out;
    end = std::min(end, line.words.size());
    for (std::size_t i = skip; i < end; ++i) {
        const Word& w = line.words[i];
        out += w.text;
        if (i + 1 < end) {
            const Word& next = line.words[i + 1];
            double gap = next.x0 - w.x1;
            if (w.space_after || gap > 0.12 * std::min(w.size, next.size))
                out += ' ';
        }
    }
    return out;
}

void finish_line(Line& line) {
    line.x0 = line.y0 = 1e9;
    line.x1 = line.y1 = -1e9;
    std::map<long, std::size_t> chars_by_size;
    std::size_t letters = 0, bold_letters = 0;
    for (const Word& w : line.words) {
        line.x0 = std::min(line.x0, w.x0);
        line.y0 = std::min(line.y0, w.y0);
        line.x1 = std::max(line.x1, w.x1);
        line.y1 = std::max(line.y1, w.y1);
        std::size_t n = code_point_count(w.text);
        chars_by_size[std::lround(w.size * 10)] += n;
        std::size_t l = static_cast<std::size_t>(std::count_if(
            w.text.begin(), w.text.end(), [](char c) { return is_letter(c) || (c & 0x80); }));
        letters += l;
        if (w.bold)
            bold_letters += l;
    }
    std::size_t best = 0;
    for (auto [size, count] : chars_by_size)
        if (count > best) {
            best = count;
            line.size = static_cast<double>(size) / 10.0;
        }
    if (letters > 0)
        line.bold = bold_letters * 10 >= letters * 9;
    else
        line.bold =
            std::all_of(line.words.begin(), line.words.end(), [](const Word& w) { return w.bold; });
}

void build_lines(Page& page, std::vector<Word>& words, std::size_t page_index) {
    Line current;
    auto flush = [&] {
        if (!current.words.empty()) {
            current.page = page_index;
            finish_line(current);
            page.lines.push_back(std::move(current));
        }
        current = Line{};
    };
    double band0 = 0, band1 = 0;
    for (Word& w : words) {
        if (!current.words.empty()) {
            const Word& last = current.words.back();
            double centre = (w.y0 + w.y1) / 2;
            bool same_band = centre >= band0 - 1 && centre <= band1 + 1;
            bool rightwards = w.x0 >= last.x1 - 2;
            if (!same_band || !rightwards)
                flush();
        }
        if (current.words.empty()) {
            band0 = w.y0;
            band1 = w.y1;
        } else if (w.size >= current.words.back().size) {
            band0 = std::min(band0, w.y0);
            band1 = std::max(band1, w.y1);
        }
        current.words.push_back(std::move(w));
    }
    flush();
}

// A word is under a link when its centre is inside the link's rectangle (the first such link).
void assign_links(std::vector<Word>& words, const std::vector<pdf::PageLink>& links,
                  std::vector<std::string>& targets,
                  std::unordered_map<std::string, int>& target_index) {
    if (links.empty())
        return;
    for (Word& w : words) {
        double cx = (w.x0 + w.x1) / 2, cy = (w.y0 + w.y1) / 2;
        for (const auto& l : links) {
            if (cx < l.x0 - 1 || cx > l.x1 + 1 || cy < l.y0 - 1 || cy > l.y1 + 1)
                continue;
            auto [it, added] = target_index.emplace(l.target, static_cast<int>(targets.size()));
            if (added)
                targets.push_back(l.target);
            w.link = it->second;
            break;
        }
    }
}

bool is_note_mark(std::string_view t) {
    if (all_digits(t))
        return t.size() <= 3;
    char32_t c = first_code_point(t);
    return code_point_count(t) == 1 && (c == U'*' || c == U'†' || c == U'‡');
}

// A footnote reference: digits (or *, dagger) after a word, smaller than it and raised above its
// baseline. Marked on the word; the text pass turns it into a model::FootnoteRef. A mark that
// shares its box with the punctuation after it ("home" "17,") is split from that punctuation,
// which stays text.
void mark_footnote_refs(Page& page) {
    for (Line& l : page.lines)
        for (std::size_t i = 1; i < l.words.size(); ++i) {
            const Word& w = l.words[i];
            const Word& prev = l.words[i - 1];
            std::string_view t = w.text;
            std::size_t keep = t.size();
            while (keep > 1 &&
                   std::string_view(",.;:)").find(t[keep - 1]) != std::string_view::npos)
                --keep;
            if (prev.note_ref || !is_note_mark(t.substr(0, keep)) || w.size > prev.size * 0.85)
                continue;
            if (prev.y1 - w.y1 < 0.15 * prev.size || w.x0 - prev.x1 > prev.size)
                continue;
            if (keep < t.size()) {
                Word tail = w;
                tail.text = std::string(t.substr(keep));
                tail.x0 = w.x0 +
                          (w.x1 - w.x0) * static_cast<double>(keep) / static_cast<double>(t.size());
                Word& mark = l.words[i];
                mark.text.resize(keep);
                mark.x1 = tail.x0;
                mark.space_after = false;
                l.words.insert(l.words.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                               std::move(tail));
            }
            l.words[i].note_ref = true;
        }
}

// poppler sometimes puts a footnote mark, paragraph number or bullet in a flow of its own:
// attach such a lone short word to the line it sits beside.
void attach_lone_marks(Page& page) {
    auto& lines = page.lines;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        Line& mark = lines[i];
        if (mark.words.size() != 1 || code_point_count(mark.words[0].text) > 6)
            continue;
        double centre = (mark.y0 + mark.y1) / 2;
        std::size_t best = lines.size();
        double best_gap = 40;
        for (std::size_t j = 0; j < lines.size(); ++j) {
            if (j == i || lines[j].words.size() < 1)
                continue;
            const Line& target = lines[j];
            double gap = target.x0 - mark.x1;
            if (gap < -1 || gap >= best_gap)
                continue;
            if (centre < target.y0 - 1 || centre > target.y1 + 1)
                continue;
            best = j;
            best_gap = gap;
        }
        if (best != lines.size()) {
            Line& target = lines[best];
            Word w = std::move(mark.words[0]);
            w.space_after = true;
            target.words.insert(target.words.begin(), std::move(w));
            finish_line(target);
            mark.words.clear();
            continue;
        }
        // A page number in a table of contents, set apart from its entry: append it.
        if (!looks_like_page_number(mark.words[0].text))
            continue;
        best_gap = 1e9;
        for (std::size_t j = 0; j < lines.size(); ++j) {
            const Line& target = lines[j];
            double gap = mark.x0 - target.x1;
            if (j == i || target.words.empty() || gap < -1 || gap >= best_gap)
                continue;
            if (centre < target.y0 - 1 || centre > target.y1 + 1)
                continue;
            best = j;
            best_gap = gap;
        }
        if (best == lines.size())
            continue;
        Line& target = lines[best];
        target.words.back().space_after = true;
        target.words.push_back(std::move(mark.words[0]));
        finish_line(target);
        mark.words.clear();
    }
    std::erase_if(lines, [](const Line& l) { return l.words.empty(); });
}

// ---- pass 2: page furniture --------------------------------------------------------------------

std::string masked_key(const Line& line) {
    std::string key;
    bool in_digits = false;
    for (char c : text::normalise_lossy(line_text(line))) {
        if (is_digit(c)) {
            if (!in_digits)
                key += '#';
            in_digits = true;
        } else {
            in_digits = false;
            key += c;
        }
    }
    return key;
}

bool in_margin(const Page& p, const Line& l) {
    return l.y1 <= p.height * 0.12 || l.y0 >= p.height * 0.85;
}

// The margin lines repeated at one height on several pages (digits masked, so that "Page 3 of
// 40" repeats): running headers and footers, as "masked text@rounded height" keys.
std::unordered_set<std::string> furniture_keys(const std::vector<Page>& pages, double body_size) {
    struct Occurrence {
        std::size_t page;
        double y;
    };
    std::unordered_map<std::string, std::vector<Occurrence>> seen;
    for (std::size_t p = 0; p < pages.size(); ++p)
        for (const Line& l : pages[p].lines)
            if (in_margin(pages[p], l) && l.size <= body_size * 1.1)
                seen[masked_key(l)].push_back({p, l.y0});
    std::size_t needed = pages.size() >= 6 ? 3 : 2;
    std::unordered_set<std::string> repeated;
    for (auto& [key, occ] : seen) {
        if (occ.size() < needed)
            continue;
        // Count the pages with an occurrence within 4 points of each occurrence's height: a
        // window sliding over the occurrences in height order, with a count per page in it
        // (linear after the sort; a running footer repeats on every page of a long document).
        std::sort(occ.begin(), occ.end(),
                  [](const Occurrence& a, const Occurrence& b) { return a.y < b.y; });
        std::unordered_map<std::size_t, int> in_window;
        std::size_t lo = 0, hi = 0;
        for (const auto& o : occ) {
            for (; hi < occ.size() && occ[hi].y <= o.y + 4; ++hi)
                ++in_window[occ[hi].page];
            for (; occ[lo].y < o.y - 4; ++lo)
                if (--in_window[occ[lo].page] == 0)
                    in_window.erase(occ[lo].page);
            if (in_window.size() >= needed)
                repeated.insert(key + "@" + std::to_string(std::lround(o.y)));
        }
    }
    return repeated;
}

// Drop a page's running headers and footers, and a bare page number at its top or bottom.
void drop_page_furniture(Page& page, const std::unordered_set<std::string>& repeated) {
    if (!repeated.empty())
        std::erase_if(page.lines, [&](const Line& l) {
            return in_margin(page, l) &&
                   repeated.count(masked_key(l) + "@" + std::to_string(std::lround(l.y0)));
        });
    for (bool changed = true; changed && !page.lines.empty();) {
        changed = false;
        auto top = std::min_element(page.lines.begin(), page.lines.end(),
                                    [](const Line& a, const Line& b) { return a.y0 < b.y0; });
        auto bottom = std::max_element(page.lines.begin(), page.lines.end(),
                                       [](const Line& a, const Line& b) { return a.y1 < b.y1; });
        for (auto it : {bottom, top}) {
            bool margin = it == top ? it->y1 <= page.height * 0.15 : it->y0 >= page.height * 0.82;
            if (margin && looks_like_page_number(line_text(*it))) {
                page.lines.erase(it);
                changed = true;
                break;
            }
        }
    }
}

// ---- document statistics -----------------------------------------------------------------------

struct Stats {
    double body_size = 10;
    double para_gap = 4;   // a vertical gap larger than this starts a new block
    double right_edge = 0; // where full body lines end
};

Stats measure(const std::vector<Page>& pages) {
    Stats s;
    std::map<long, std::size_t> chars_by_size;
    for (const Page& p : pages)
        for (const Line& l : p.lines)
            for (const Word& w : l.words)
                chars_by_size[std::lround(w.size * 10)] += code_point_count(w.text);
    std::size_t best = 0;
    for (auto [size, count] : chars_by_size)
        if (count > best) {
            best = count;
            s.body_size = static_cast<double>(size) / 10.0;
        }
    std::map<long, std::size_t> gaps; // in quarter points
    std::vector<double> rights;
    for (const Page& p : pages) {
        for (std::size_t i = 0; i < p.lines.size(); ++i) {
            const Line& l = p.lines[i];
            if (std::abs(l.size - s.body_size) > 0.3)
                continue;
            rights.push_back(l.x1);
            if (i + 1 < p.lines.size()) {
                const Line& n = p.lines[i + 1];
                double gap = n.y0 - l.y1;
                if (std::abs(n.size - s.body_size) <= 0.3 && gap > -s.body_size &&
                    gap < s.body_size)
                    ++gaps[std::lround(gap * 4)];
            }
        }
    }
    double normal_gap = 0;
    best = 0;
    for (auto [gap, count] : gaps)
        if (count > best) {
            best = count;
            normal_gap = static_cast<double>(gap) / 4.0;
        }
    s.para_gap = normal_gap + 0.3 * s.body_size;
    if (!rights.empty()) {
        std::sort(rights.begin(), rights.end());
        s.right_edge = rights[rights.size() * 9 / 10];
    }
    return s;
}

// ---- pass 3: footnotes -------------------------------------------------------------------------

bool is_mark_word(const Word& w) {
    if (all_digits(w.text))
        return w.text.size() <= 3;
    char32_t c = first_code_point(w.text);
    return code_point_count(w.text) == 1 && (c == U'*' || c == U'†' || c == U'‡' || c == U'§');
}

// Does the line start with a footnote mark (smaller than the text after it, or alone)?
bool starts_with_mark(const Line& l) {
    if (l.words.empty() || !is_mark_word(l.words[0]))
        return false;
    return l.words.size() == 1 || l.words[0].size < l.words[1].size - 0.4;
}

// Split a page's lines into body lines and footnote lines (in vertical order).
void split_footnotes(const Page& page, double body_size, std::vector<const Line*>& body,
                     std::vector<const Line*>& notes) {
    double lowest_body = -1e9;
    for (const Line& l : page.lines)
        if (l.size >= body_size * 0.9)
            lowest_body = std::max(lowest_body, l.y1);
    std::vector<const Line*> region;
    for (const Line& l : page.lines)
        if (l.size < body_size * 0.9 && l.y0 >= lowest_body - 1 && l.y0 > page.height * 0.4)
            region.push_back(&l);
    std::stable_sort(region.begin(), region.end(),
                     [](const Line* a, const Line* b) { return a->y0 < b->y0; });
    auto first_mark = std::find_if(region.begin(), region.end(),
                                   [](const Line* l) { return starts_with_mark(*l); });
    // Small lines above the first mark stay body text (captions, small print); a footnote that
    // runs over from the previous page is therefore read as small body text, not as a footnote.
    std::unordered_set<const Line*> note_set(first_mark, region.end());
    if (first_mark != region.end())
        notes.assign(first_mark, region.end());
    for (const Line& l : page.lines)
        if (!note_set.count(&l))
            body.push_back(&l);
}

// ---- pass 4: blocks ----------------------------------------------------------------------------

struct HeadingStyle {
    long size10;
    bool bold;
    bool operator<(const HeadingStyle& o) const {
        if (size10 != o.size10)
            return size10 > o.size10;
        return bold && !o.bold;
    }
};

class Builder {
  public:
    // Complete drafts go to emit, in document order. The lines of the pages given must stay
    // where they are until oldest_page_in_use() has passed them.
    Builder(const Stats& stats, std::function<void(Draft&&)> emit)
        : s_(stats), emit_(std::move(emit)) {}

    void add_page(const Page& page, std::size_t p) {
        std::vector<const Line*> body, notes;
        split_footnotes(page, s_.body_size, body, notes);
        for (const Line* l : body)
            add_body_line(*l, p);
        add_footnotes(notes, p);
    }

    void finish() {
        close();
        flush_notes();
    }

    // The first page whose lines a draft not yet emitted refers to (SIZE_MAX: none).
    std::size_t oldest_page_in_use() const {
        std::size_t oldest = SIZE_MAX;
        auto visit = [&](const Draft& d) {
            for (const Line* l : d.lines)
                oldest = std::min(oldest, l->page);
            for (const auto& cell : d.cells)
                for (const Segment& seg : cell)
                    oldest = std::min(oldest, seg.line->page);
        };
        if (open_)
            visit(*open_);
        for (const Draft& n : pending_notes_)
            visit(n);
        return oldest;
    }

  private:
    bool heading_style(const Line& l) const {
        if (l.size >= s_.body_size * 1.12)
            return true;
        return l.bold && l.size >= s_.body_size * 0.95;
    }

    bool ends_sentence(const Line& l) const {
        const std::string& t = l.words.back().text;
        for (auto it = t.rbegin(); it != t.rend(); ++it) {
            char c = *it;
            if (c == '.' || c == ':' || c == ';' || c == '!' || c == '?')
                return true;
            if (c == ')' || c == '"' || c == '\'' || (c & 0x80))
                continue; // closing brackets and quotes (UTF-8 bytes of curly quotes)
            return false;
        }
        return false;
    }

    // A table-of-contents entry: a page number after a wide gap or dot leaders.
    bool contents_entry(const Line& l) const {
        std::size_t n = l.words.size();
        if (n == 0 || !looks_like_page_number(l.words[n - 1].text))
            return false;
        if (n == 1) // a page number wrapped below its entry
            return l.x1 >= s_.right_edge - 10;
        const Word& before = l.words[n - 2];
        bool leaders = before.text.find("....") != std::string::npos;
        return leaders || l.words[n - 1].x0 - before.x1 > 1.5 * l.size;
    }

    // The previous line ends a sentence and the next line's first word would have fitted on it.
    bool forced_break(const Line& prev, const Line& next) const {
        if (contents_entry(prev))
            return true;
        if (!ends_sentence(prev) || next.words.empty())
            return false;
        const Word& w = next.words.front();
        double room = s_.right_edge - prev.x1;
        return room > (w.x1 - w.x0) + 0.6 * w.size + 2;
    }

    void start(BlockKind kind, const Line& l, std::size_t page, std::size_t skip = 0,
               std::string number = {}) {
        close();
        Draft d;
        d.kind = kind;
        d.page = page;
        d.size = l.size;
        d.bold = l.bold;
        d.first_x0 = l.x0;
        d.skip_first = skip;
        d.text_x0 = skip < l.words.size() ? l.words[skip].x0 : l.x0;
        d.number = std::move(number);
        d.lines.push_back(&l);
        if (kind == BlockKind::list_item) {
            while (!list_x_.empty() && l.x0 < list_x_.back() - 4)
                list_x_.pop_back();
            if (list_x_.empty() || l.x0 > list_x_.back() + 4)
                list_x_.push_back(l.x0);
            d.level = static_cast<int>(list_x_.size()) - 1;
        } else {
            list_x_.clear();
        }
        open_ = std::move(d);
    }

    void close() {
        if (!open_)
            return;
        Draft done = std::move(*open_);
        open_.reset();
        emit_(std::move(done));
        flush_notes();
    }

    void flush_notes() {
        if (open_)
            return;
        std::vector<Draft> notes = std::move(pending_notes_);
        pending_notes_.clear();
        for (auto& n : notes)
            emit_(std::move(n));
    }

    // Indices of the words that start a new table cell: after a gap far wider than a space.
    std::vector<std::size_t> cell_breaks(const Line& l) const {
        std::vector<std::size_t> breaks;
        for (std::size_t i = 1; i < l.words.size(); ++i)
            if (l.words[i].x0 - l.words[i - 1].x1 > 1.5 * l.size)
                breaks.push_back(i);
        return breaks;
    }

    // The column of a table row a word falls in.
    static std::size_t column(const Draft& d, double x) {
        std::size_t k = 0;
        for (std::size_t c = 0; c < d.cell_x.size(); ++c)
            if (d.cell_x[c] <= x + 6)
                k = c;
        return k;
    }

    void add_to_row(Draft& d, const Line& l) {
        std::size_t begin = 0;
        while (begin < l.words.size()) {
            std::size_t k = column(d, l.words[begin].x0);
            std::size_t end = begin + 1;
            while (end < l.words.size() && column(d, l.words[end].x0) == k)
                ++end;
            d.cells[k].push_back({&l, begin, end});
            begin = end;
        }
        d.lines.push_back(&l);
    }

    void start_row(const Line& l, std::size_t page, const std::vector<std::size_t>& breaks) {
        start(BlockKind::table_row, l, page);
        Draft& d = *open_;
        d.lines.clear();
        d.cell_x.push_back(l.x0);
        for (std::size_t b : breaks)
            d.cell_x.push_back(l.words[b].x0);
        d.cells.resize(d.cell_x.size());
        add_to_row(d, l);
    }

    // A line continues a table row when it sits in the row's columns other than the first
    // (a cell's text wrapping), or on the row's own baseline.
    bool continues_row(const Draft& d, const Line& l, bool new_page) const {
        const Line& prev = *d.lines.back();
        if (!new_page && l.y0 - prev.y1 > s_.para_gap)
            return false;
        if (!new_page && l.y1 < d.lines.front()->y0)
            return false;
        if (std::abs(l.size - d.size) > 0.6 || d.cell_x.size() < 2)
            return false;
        if (l.x0 < d.cell_x[1] - 6) {
            double centre = (l.y0 + l.y1) / 2;
            return !new_page && std::any_of(d.lines.begin(), d.lines.end(), [&](const Line* o) {
                return centre >= o->y0 && centre <= o->y1;
            });
        }
        return std::any_of(d.cell_x.begin() + 1, d.cell_x.end(),
                           [&](double x) { return std::abs(l.x0 - x) <= 6; });
    }

    bool continues(const Draft& d, const Line& l, bool new_page) const {
        const Line& prev = *d.lines.back();
        if (!new_page && l.y0 - prev.y1 > s_.para_gap)
            return false;
        if (!new_page && l.y1 < prev.y0) // moved up: another column or a table cell
            return false;
        if (std::abs(l.size - d.size) > 0.6)
            return false;
        if (d.kind == BlockKind::heading)
            return !new_page && heading_style(l) && l.bold == d.bold && d.lines.size() < 4;
        if (heading_style(l) && !d.bold)
            return false;
        if (forced_break(prev, l))
            return false;
        constexpr double tol = 4;
        if (d.kind == BlockKind::list_item)
            return std::abs(l.x0 - d.text_x0) <= tol;
        if (d.cont_x0 >= 0)
            return std::abs(l.x0 - d.cont_x0) <= tol;
        // The second line: flush with the first line, with the text after its number (hanging
        // indent), or to the left of an indented first line.
        if (std::abs(l.x0 - d.first_x0) <= tol || std::abs(l.x0 - d.text_x0) <= tol)
            return true;
        return !new_page && l.x0 < d.first_x0 && d.first_x0 - l.x0 <= 40 && d.number.empty();
    }

    void add_body_line(const Line& l, std::size_t page) {
        bool new_page = open_ && open_->lines.back()->page != page;
        const Word& first = l.words.front();
        // A footnote reference that wrapped onto a line of its own belongs to the block above.
        // So does a contents entry's page number wrapped below it.
        bool lone_reference = l.words.size() == 1 && all_digits(first.text) &&
                              first.text.size() <= 3 && open_ && l.size < open_->size * 0.8;
        if (open_ && !new_page && l.words.size() == 1 &&
            (lone_reference || (contents_entry(l) && open_->kind == BlockKind::paragraph)) &&
            l.y0 - open_->lines.back()->y1 < open_->size) {
            open_->lines.push_back(&l);
            return;
        }
        // Numbered paragraph: "48." followed by a tab-like gap, or the next number in sequence
        // at an evident block start.
        if (auto number = paragraph_number(first.text); number && l.words.size() > 1) {
            double gap = l.words[1].x0 - first.x1;
            bool tab = gap > 0.6 * first.size;
            bool next_in_sequence = leading_integer(*number) == last_number_ + 1;
            bool block_start = !open_ || !continues(*open_, l, new_page) ||
                               open_->kind != BlockKind::paragraph || !open_->number.empty();
            if (l.size < s_.body_size * 1.12 &&
                (tab || (next_in_sequence && block_start && gap > 0))) {
                last_number_ = leading_integer(*number);
                start(BlockKind::paragraph, l, page, 1, std::move(*number));
                return;
            }
        }
        if (l.words.size() > 1 && (is_bullet(first, l.words[1].x0 - first.x1) ||
                                   is_list_label(first.text) || is_dotted_label(first.text))) {
            double gap = l.words[1].x0 - first.x1;
            bool label = is_list_label(first.text) || is_dotted_label(first.text);
            double needed = is_dotted_label(first.text) ? 0.5 : 0.2;
            if (!label || gap > needed * first.size) {
                start(BlockKind::list_item, l, page, label ? 0 : 1);
                if (label)
                    open_->text_x0 = l.words[1].x0;
                return;
            }
        }
        if (open_ && open_->kind == BlockKind::table_row && continues_row(*open_, l, new_page)) {
            add_to_row(*open_, l);
            return;
        }
        if (auto breaks = cell_breaks(l); !breaks.empty() && !contents_entry(l)) {
            start_row(l, page, breaks);
            return;
        }
        if (open_ && open_->kind != BlockKind::table_row && continues(*open_, l, new_page)) {
            Draft& d = *open_;
            if (d.kind != BlockKind::list_item && d.cont_x0 < 0)
                d.cont_x0 = l.x0;
            d.lines.push_back(&l);
            return;
        }
        if (heading_style(l) && std::any_of(l.words.begin(), l.words.end(), [](const Word& w) {
                return std::any_of(w.text.begin(), w.text.end(),
                                   [](char c) { return is_letter(c) || (c & 0x80); });
            })) {
            start(BlockKind::heading, l, page);
            return;
        }
        start(BlockKind::paragraph, l, page);
    }

    void add_footnotes(const std::vector<const Line*>& notes, std::size_t page) {
        for (const Line* l : notes) {
            if (starts_with_mark(*l)) {
                Draft note;
                note.kind = BlockKind::footnote;
                note.page = page;
                note.number = l->words[0].text;
                note.skip_first = 1;
                note.size = l->size;
                pending_notes_.push_back(std::move(note));
            }
            if (!pending_notes_.empty())
                pending_notes_.back().lines.push_back(l);
        }
        flush_notes();
    }

    const Stats& s_;
    std::function<void(Draft&&)> emit_;
    std::optional<Draft> open_;
    std::vector<Draft> pending_notes_;
    std::vector<double> list_x_;
    long last_number_ = 0;
};

// ---- pass 5: text ------------------------------------------------------------------------------

std::string strip_punctuation(std::string_view w) {
    std::size_t b = 0, e = w.size();
    while (b < e && !is_letter(w[b]) && !is_digit(w[b]) && !(w[b] & 0x80))
        ++b;
    while (e > b && !is_letter(w[e - 1]) && !is_digit(w[e - 1]) && !(w[e - 1] & 0x80))
        --e;
    return text::ascii_lower(w.substr(b, e - b));
}

class Hyphenation {
  public:
    // The words of a page (but each line's last, which may be half a hyphenated word).
    void add(const Page& p) {
        for (const Line& l : p.lines)
            for (std::size_t i = 0; i + 1 < l.words.size(); ++i)
                vocabulary_.insert(strip_punctuation(l.words[i].text));
    }

    enum class Decision { keep, join, unknown };

    // head ends with "-" at a line end, tail starts the next line.
    Decision decide(std::string_view head, std::string_view tail) const {
        std::string stem = strip_punctuation(head.substr(0, head.size() - 1));
        std::size_t n = 0;
        while (n < tail.size() && is_letter(tail[n]))
            ++n;
        if (stem.empty() || n == 0 || !is_letter(stem.back()))
            return Decision::keep;
        if (!is_lower(tail[0]))
            return Decision::keep;
        std::string rest = text::ascii_lower(tail.substr(0, n));
        bool tail_is_word = n == tail.size() || !is_letter(tail[n]);
        std::string joined = stem + rest, hyphened = stem + "-" + rest;
        bool has_joined = vocabulary_.count(joined) > 0;
        bool has_hyphened = vocabulary_.count(hyphened) > 0;
        if (tail_is_word) {
            std::string whole = strip_punctuation(tail);
            has_joined = has_joined || vocabulary_.count(stem + whole) > 0;
            has_hyphened = has_hyphened || vocabulary_.count(stem + "-" + whole) > 0;
        }
        if (has_hyphened && !has_joined)
            return Decision::keep;
        if (has_joined && !has_hyphened)
            return Decision::join;
        static const std::unordered_set<std::string> keep_prefixes = {
            "multi", "non",   "co",   "self",   "cross", "anti", "post",  "pre",    "well",
            "long",  "short", "full", "part",   "so",    "ex",   "semi",  "mid",    "early",
            "high",  "low",   "one",  "two",    "three", "four", "first", "second", "third",
            "e",     "re",    "sub",  "inter",  "intra", "over", "under", "child",  "school",
            "age",   "risk",  "face", "follow", "sign",  "step", "half",  "all",    "up",
            "out",   "in",    "off",  "on"};
        if (keep_prefixes.count(stem))
            return Decision::keep;
        return Decision::unknown;
    }

    void learn(Decision d) {
        if (d == Decision::keep)
            ++kept_;
        else if (d == Decision::join)
            ++joined_;
    }

    // For undecided cases, follow the document's habit: a word processor that never hyphenates
    // breaks lines only at real hyphens.
    bool default_keep() const { return kept_ > 2 * joined_ + 2; }

  private:
    std::unordered_set<std::string> vocabulary_;
    std::size_t kept_ = 0, joined_ = 0;
};

bool ends_with_hyphen(std::string_view w) {
    return w.size() >= 2 && (w.back() == '-') && is_letter(w[w.size() - 2]);
}

// Should a space separate word i from word i + 1 of a line?
bool space_between(const Line& line, std::size_t i) {
    const Word& w = line.words[i];
    const Word& next = line.words[i + 1];
    return w.space_after || next.x0 - w.x1 > 0.12 * std::min(w.size, next.size);
}

// Words [begin, end) of a line into the builder: linked words inside their link, footnote marks
// as references (with no space before them).
void append_words(detail::TextBuilder& tb, const Line& line, std::size_t begin, std::size_t end,
                  const std::vector<std::string>& targets, int& link, bool drop_last_char) {
    for (std::size_t i = begin; i < end; ++i) {
        const Word& w = line.words[i];
        if (w.note_ref) {
            tb.footnote_ref(w.text);
        } else {
            if (w.link != link) {
                tb.end_link();
                if (w.link >= 0)
                    tb.begin_link(targets[static_cast<std::size_t>(w.link)]);
                link = w.link;
            }
            std::string_view t = w.text;
            if (drop_last_char && i + 1 == end)
                t.remove_suffix(1);
            tb.text(t);
        }
        if (i + 1 < end && !line.words[i + 1].note_ref && space_between(line, i))
            tb.text(" ");
    }
}

// Join segments of consecutive lines, rejoining words hyphenated at the line ends.
void join_segments(detail::TextBuilder& tb, const std::vector<Segment>& segments,
                   const Hyphenation& hy, const std::vector<std::string>& targets,
                   double block_size) {
    int link = -1;
    bool any = false, space_next = false;
    for (std::size_t s = 0; s < segments.size(); ++s) {
        const Segment& seg = segments[s];
        std::size_t end = std::min(seg.end, seg.line->words.size());
        if (seg.begin >= end)
            continue;
        // A footnote reference wrapped onto a line of its own (see Builder::add_body_line).
        if (s > 0 && seg.begin == 0 && end == 1 && all_digits(seg.line->words[0].text) &&
            seg.line->words[0].text.size() <= 3 && seg.line->size < block_size * 0.8) {
            tb.footnote_ref(seg.line->words[0].text);
            continue;
        }
        // Is this segment's last word a hyphenated word rejoined with the next segment's?
        bool join = false;
        const Word& last = seg.line->words[end - 1];
        bool hyphen = ends_with_hyphen(last.text) && !last.note_ref;
        if (hyphen) {
            for (std::size_t n = s + 1; n < segments.size(); ++n) {
                std::string t = line_text(*segments[n].line, segments[n].begin, segments[n].end);
                if (t.empty())
                    continue;
                auto decision = hy.decide(last.text, t);
                join = !(decision == Hyphenation::Decision::keep ||
                         (decision == Hyphenation::Decision::unknown && hy.default_keep()));
                break;
            }
        }
        if (any && space_next)
            tb.text(" ");
        append_words(tb, *seg.line, seg.begin, end, targets, link, join);
        any = true;
        space_next = !hyphen; // a hyphen at a line end: kept or dropped, never a space
    }
    tb.end_link();
}

model::Block draft_block(const Draft& d, const Hyphenation& hy,
                         const std::vector<std::string>& targets) {
    model::Block out;
    detail::TextBuilder tb;
    if (d.kind == BlockKind::table_row) {
        for (const auto& cell : d.cells) {
            model::Block c;
            join_segments(tb, cell, hy, targets, d.size);
            tb.finish_into(c);
            if (c.text.empty())
                continue;
            if (!out.text.empty())
                out.text += " | ";
            std::size_t shift = out.text.size();
            for (auto& l : c.links)
                out.links.push_back({l.begin + shift, l.end + shift, std::move(l.target)});
            for (auto& r : c.footnote_refs)
                out.footnote_refs.push_back({r.offset + shift, std::move(r.mark)});
            out.text += c.text;
        }
        return out;
    }
    std::vector<Segment> segments;
    for (std::size_t i = 0; i < d.lines.size(); ++i)
        segments.push_back({d.lines[i], i == 0 ? d.skip_first : 0, d.lines[i]->words.size()});
    join_segments(tb, segments, hy, targets, d.size);
    tb.finish_into(out);
    return out;
}

void learn_hyphenation(const Draft& d, Hyphenation& hy) {
    for (std::size_t i = 0; i + 1 < d.lines.size(); ++i) {
        const Word& head = d.lines[i]->words.back();
        const Line& next = *d.lines[i + 1];
        if (ends_with_hyphen(head.text) && !next.words.empty())
            hy.learn(hy.decide(head.text, next.words.front().text));
    }
}

// Blocks from drafts, in document order. Heading levels go by style rank (the largest size
// first, bold before regular at one size), known once every heading has been seen.
class Assembler {
  public:
    void add(const Draft& d, const Hyphenation& hy, const std::vector<std::string>& targets,
             const std::string& page_label) {
        HeadingStyle style{std::lround(d.size * 2), d.bold};
        if (d.kind == BlockKind::heading)
            ++uses_[style];
        model::Block b = draft_block(d, hy, targets);
        b.kind = d.kind;
        if (b.text.empty())
            return;
        b.page = page_label;
        b.number = d.number;
        if (d.kind == BlockKind::list_item)
            b.level = d.level;
        doc_.blocks.push_back(std::move(b));
        styles_.push_back(style);
    }

    model::Document finish() {
        // Only styles used by several headings get a rank of their own, so that a cover page's
        // one-off title sizes do not push every chapter heading down the levels.
        std::map<HeadingStyle, int> levels;
        for (const auto& [style, count] : uses_) {
            int above = 0;
            for (const auto& [other, other_count] : uses_)
                if (other_count >= 2 && other < style)
                    ++above;
            levels[style] = std::min(above + 1, 6);
        }
        for (std::size_t i = 0; i < doc_.blocks.size(); ++i) {
            model::Block& b = doc_.blocks[i];
            if (b.kind != BlockKind::heading)
                continue;
            b.level = levels[styles_[i]];
            if (b.text.size() > 300) // a bold paragraph, not a title
                b.kind = BlockKind::paragraph, b.level = 0;
        }
        return std::move(doc_);
    }

  private:
    std::map<HeadingStyle, int> uses_;
    std::vector<HeadingStyle> styles_; // one per block
    model::Document doc_;
};

void ignore_poppler_message(ErrorCategory, Goffset, const char*) {}

bool abort_when_passed(void* deadline) {
    return static_cast<const Deadline*>(deadline)->passed();
}

} // namespace

// poppler inflates compressed streams without a bound, so a small PDF whose streams expand to
// gigabytes (a compression bomb) would take minutes and all memory. Before poppler sees the file,
// inflate every Flate stream into a scratch buffer, counting bytes, and refuse the file once
// the total passes the limit. Streams that are not zlib data are left to poppler.
constexpr std::uint64_t kMaxInflatedBytes = 512ull * 1024 * 1024;

static Result<void> check_inflated_size(std::string_view bytes) {
    std::uint64_t total = 0;
    std::vector<unsigned char> scratch(1 << 16);
    std::size_t pos = 0;
    while ((pos = bytes.find("stream", pos)) != std::string_view::npos) {
        std::size_t body = pos + 6;
        pos = body;
        if (pos >= 9 && bytes.substr(pos - 9, 9) == "endstream")
            continue;
        if (body < bytes.size() && bytes[body] == '\r')
            ++body;
        if (body >= bytes.size() || bytes[body] != '\n')
            continue;
        ++body;
        std::size_t end = bytes.find("endstream", body);
        if (end == std::string_view::npos)
            end = bytes.size();
        z_stream z{};
        if (inflateInit(&z) != Z_OK)
            return runtime_error("zlib could not be initialised");
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + body));
        z.avail_in = static_cast<uInt>(std::min<std::size_t>(end - body, UINT_MAX));
        int rc = Z_OK;
        while (rc == Z_OK) {
            z.next_out = scratch.data();
            z.avail_out = static_cast<uInt>(scratch.size());
            rc = inflate(&z, Z_NO_FLUSH);
            total += scratch.size() - z.avail_out;
            if (total > kMaxInflatedBytes) {
                inflateEnd(&z);
                return input_error("the PDF's compressed streams expand past " +
                                   std::to_string(kMaxInflatedBytes >> 20) +
                                   " MiB (a compression bomb?); refused");
            }
            if (rc == Z_BUF_ERROR && z.avail_out != 0)
                break; // input exhausted
        }
        inflateEnd(&z);
        pos = end;
    }
    return {};
}

Result<model::Document> detail::read_pdf(std::string_view bytes, const PdfPaging& paging,
                                         const Deadline& deadline) {
    static std::once_flag init;
    std::call_once(init, [] {
        if (!globalParams)
            globalParams = std::make_unique<GlobalParams>();
        setErrorCallback(ignore_poppler_message);
    });
    if (bytes.empty())
        return input_error("the PDF is empty");
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
        return input_error("the PDF is too large to read");
    if (bytes.substr(0, 1024).find("%PDF-") == std::string_view::npos)
        return input_error("not a PDF file (no %PDF header)");
    // poppler rebuilds a damaged cross-reference table and would return whatever pages survive
    // a cut-off download; a missing end-of-file marker says the file is incomplete.
    if (bytes.substr(bytes.size() > 4096 ? bytes.size() - 4096 : 0).find("%%EOF") ==
        std::string_view::npos)
        return input_error("the PDF is truncated (no end-of-file marker)");
    GT_CHECK(check_inflated_size(bytes));
    // The stream reads the caller's bytes in place; PDFDoc owns (and deletes) the stream.
    auto pdf = std::make_unique<PDFDoc>(
        new MemStream(bytes.data(), 0, static_cast<Goffset>(bytes.size()), Object(objNull)));
    if (!pdf->isOk()) {
        if (pdf->getErrorCode() == errEncrypted)
            return input_error(
                "the PDF is encrypted with a password; guidetrack cannot extract it");
        return input_error("the PDF cannot be read (truncated, corrupt or encrypted)");
    }
    int count = pdf->getNumPages();
    if (count <= 0)
        return input_error("the PDF has no pages");

    std::vector<std::string> targets; // link targets, by index
    std::unordered_map<std::string, int> target_index;
    std::unordered_map<std::string, std::pair<bool, bool>> fonts; // name -> (bold, symbol)
    std::vector<Word> words;
    std::size_t word_total = 0;
    auto read_page = [&](int i) {
        Page out;
        out.label = std::to_string(i + 1);
        ::Page* page = pdf->getPage(i + 1);
        if (!page)
            return out;
        if (GooString label; pdf->getCatalog()->indexToLabel(i, &label))
            if (std::string text = text::normalise_lossy(pdf::text_string_utf8(label.toStr()));
                !text.empty())
                out.label = text;
        out.height = page->getCropHeight();
        // Word boxes in reading order, at 72 dpi (points) and without rotation, as pdftotext.
        TextOutputDev dev(nullptr, false, 0, false, false);
        // poppler asks between drawing operations whether to stop (a page of millions).
        pdf->displayPage(&dev, i + 1, 72, 72, 0, false, false, false, abort_when_passed,
                         const_cast<Deadline*>(&deadline));
        std::unique_ptr<TextWordList> list = dev.makeWordList();
        words.clear();
        for (int k = 0; list && k < list->getLength(); ++k) {
            const TextWord* box = list->get(k);
            // Blank words and text too small to read (hidden tags of some PDF writers).
            if (box->getFontSize() < 3)
                continue;
            Word w;
            std::unique_ptr<GooString> text(box->getText());
            w.text = text ? text->toStr() : std::string();
            if (text::normalise_lossy(w.text).empty())
                continue;
            box->getBBox(&w.x0, &w.y0, &w.x1, &w.y1);
            w.size = box->getFontSize();
            w.space_after = box->hasSpaceAfter();
            const GooString* name = box->getLength() > 0 ? box->getFontName(0) : nullptr;
            std::string font = name ? name->toStr() : std::string();
            auto it = fonts.find(font);
            if (it == fonts.end())
                it = fonts.emplace(font, std::pair{is_bold_font(font), is_symbol_font(font)}).first;
            w.bold = it->second.first;
            if (it->second.second && code_point_count(w.text) == 1)
                w.text = "\xE2\x80\xA2"; // a symbol-font bullet glyph ("o", "§") reads as "•"
            words.push_back(std::move(w));
        }
        assign_links(words, pdf::page_links(*pdf, i + 1), targets, target_index);
        word_total += words.size();
        build_lines(out, words, static_cast<std::size_t>(i));
        attach_lone_marks(out);
        mark_footnote_refs(out);
        return out;
    };

    // The document's measures (body size, paragraph gap, line length) and running headers come
    // from all its pages, or for a long document from pages spread evenly through it, so that
    // memory holds one page's word boxes at a time rather than the whole document's.
    auto pages_total = static_cast<std::size_t>(count);
    bool whole = pages_total <= paging.keep_all_pages || paging.sample_pages >= pages_total;
    std::vector<Page> pages;
    std::vector<std::size_t> page_index; // of each page read, in the document
    std::size_t sample = whole ? pages_total : std::max<std::size_t>(paging.sample_pages, 1);
    for (std::size_t k = 0; k < sample; ++k) {
        page_index.push_back(whole ? k : k * pages_total / sample);
        pages.push_back(read_page(static_cast<int>(page_index.back())));
        GT_CHECK(deadline.check());
    }
    if (whole && word_total == 0)
        return input_error("the PDF has no text layer (scanned?); guidetrack cannot extract it");
    Stats stats = measure(pages);
    std::unordered_set<std::string> furniture = furniture_keys(pages, stats.body_size);
    for (Page& page : pages)
        drop_page_furniture(page, furniture);
    stats = measure(pages);

    // The drafts of the pages read so far, each page's words in the hyphenation vocabulary, and
    // the hyphenation habit learnt from the drafts.
    Hyphenation hyphenation;
    std::vector<Draft> drafts;
    {
        Builder builder(stats, [&](Draft&& d) { drafts.push_back(std::move(d)); });
        for (std::size_t p = 0; p < pages.size(); ++p) {
            hyphenation.add(pages[p]);
            builder.add_page(pages[p], page_index[p]); // as its lines know it
        }
        builder.finish();
        for (const Draft& d : drafts)
            learn_hyphenation(d, hyphenation);
    }
    Assembler assembler;
    if (whole) {
        for (const Draft& d : drafts)
            assembler.add(d, hyphenation, targets, pages[d.page].label);
    } else {
        // The sample taught the habit; its drafts are not the document's. The vocabulary grows
        // with every page read. Each draft becomes a block once complete, and a page is freed
        // once no draft still open refers to it.
        drafts = {};
        pages = {};
        word_total = 0;
        std::vector<std::string> labels(pages_total);
        std::deque<Page> held; // pages first_held, first_held + 1, ...
        std::size_t first_held = 0;
        Builder builder(stats,
                        [&](Draft&& d) { assembler.add(d, hyphenation, targets, labels[d.page]); });
        for (std::size_t p = 0; p < pages_total; ++p) {
            Page page = read_page(static_cast<int>(p));
            GT_CHECK(deadline.check());
            drop_page_furniture(page, furniture);
            labels[p] = page.label;
            hyphenation.add(page);
            held.push_back(std::move(page));
            builder.add_page(held.back(), p);
            for (std::size_t keep = std::min(builder.oldest_page_in_use(), p + 1);
                 first_held < keep; ++first_held)
                held.pop_front();
        }
        builder.finish();
        if (word_total == 0)
            return input_error(
                "the PDF has no text layer (scanned?); guidetrack cannot extract it");
    }
    pdf.reset();

    model::Document doc = assembler.finish();
    if (doc.blocks.empty())
        return input_error("the PDF has no text layer (scanned?); guidetrack cannot extract it");
    model::assign_sections(doc);
    return doc;
}

namespace {

Result<model::Document> read_pdf_safely(std::string_view bytes, const PdfPaging& paging,
                                        const Deadline& deadline) {
    try {
        return detail::read_pdf(bytes, paging, deadline);
    } catch (const std::bad_alloc&) {
        return runtime_error("out of memory while reading the PDF");
    } catch (const std::exception& e) {
        return runtime_error(std::string("cannot read the PDF: ") + e.what());
    }
}

const detail::PdfPlugin pdf_plugin{read_pdf_safely};

} // namespace

} // namespace guidetrack::extract

GUIDETRACK_PLUGIN("pdf", guidetrack::extract::pdf_plugin)
