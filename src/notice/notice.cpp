#include "guidetrack/notice/notice.hpp"

#include "guidetrack/text/text.hpp"

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

// Words quoted from an added or removed paragraph (its first sentence, up to this many words).
constexpr std::size_t kExcerptWords = 25;

const std::string kArrow = " \u2192 ";

std::string lower_ascii(std::string_view s) {
    return text::ascii_lower(s);
}

std::string trim(std::string_view s) {
    return std::string(text::trim(s));
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

// Comparison key that ignores typography, punctuation, spacing and case: what is left are the
// letters and digits a reader would notice changing.
// Private-use characters (U+E000 to U+F8FF) are glyphs of a font, such as Word's U+F02D bullet,
// not text, and are left out too.
std::string letters_key(std::string_view s) {
    std::string folded = text::fold_case(text::fold_typography(text::repair_utf8(s)));
    std::string out;
    out.reserve(folded.size());
    for (std::size_t i = 0; i < folded.size(); ++i) {
        auto u = static_cast<unsigned char>(folded[i]);
        if ((u == 0xee || (u == 0xef && i + 1 < folded.size() &&
                           static_cast<unsigned char>(folded[i + 1]) <= 0xa3)) &&
            i + 2 < folded.size()) {
            i += 2; // a three-byte private-use character
            continue;
        }
        if (u >= 0x80 || std::isalnum(u))
            out.push_back(folded[i]);
    }
    return out;
}

// The text without private-use glyphs and with single spaces: what is left when only the block
// structure changed.
std::string structure_key(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if ((u == 0xee ||
             (u == 0xef && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0xa3)) &&
            i + 2 < s.size()) {
            i += 2;
            continue;
        }
        if (std::isspace(u)) {
            if (!out.empty() && out.back() != ' ')
                out.push_back(' ');
            continue;
        }
        out.push_back(s[i]);
    }
    return trim(out);
}

// The text without spaces and private-use glyphs (Word's bullet characters): what a reader sees
// whatever the block structure.
std::string glyphs_key(std::string_view s) {
    std::string out;
    for (char c : structure_key(s))
        if (c != ' ')
            out.push_back(c);
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
    // Whole numbers only: "8am" -> "9am" is a wording change, not "changed 8 to 9".
    static const std::regex re(R"(\b\d+([.,]\d+)*\b)");
    return re;
}
const std::regex& edition_re() {
    static const std::regex re(R"(\(((19|20)\d{2})\))");
    return re;
}
const std::regex& metadata_re() {
    static const std::regex re(
        R"(^((first\s+)?published|updated|last\s+updated|page\s+updated|updated\s+on)\b.{0,80}\d{4}\.?$|^(©\s*)?crown\s+copyright(\s+\d{4})?\.?$|^©.{0,60}$|^print\s+or\s+save\s+to\s+pdf$|^print\s+this\s+page$|^contents$|^applies\s+to\s+(england|wales|scotland|northern\s+ireland)((,\s*|\s+and\s+)(england|wales|scotland|northern\s+ireland))*(\s*\(see\s+detailed\s+guidance\s+for\s+.{0,60}\))?$)",
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
//
// A change inside a block is quoted as a reader would quote it: the changed words widened to
// whole words, then to a phrase that reads on its own (never a lone "the" or "for", never half a
// bracket), and for long additions to the whole sentence.

// One change region: bytes [ob, oe) of the old text and [nb, ne) of the new one.
struct Hunk {
    std::size_t ob = 0, oe = 0, nb = 0, ne = 0;
    std::string removed, added;           // the quoted phrases (widened)
    std::string core_removed, core_added; // the changed words alone
    std::string key;                      // the words changed, folded ("replaced ... throughout")
};

struct Hunks {
    std::string old_text, new_text;
    std::vector<Hunk> list;
};

// Changes separated by at most this many unchanged words are one.
constexpr std::size_t kJoinWords = 2;
// A phrase quoted whole when each side has at most this many words.
constexpr std::size_t kShortWords = 12;
// Longer text is quoted as its sentence, shortened to this many words.
constexpr std::size_t kSentenceWords = 25;
// At most this many separate changes are described in one item.
constexpr std::size_t kMaxQuotedHunks = 3;

bool is_function_word(std::string_view w) {
    static const std::array<std::string_view, 64> words = {
        "a",    "an",    "the",    "of",    "for",   "to",  "in",   "on",    "at",    "by",
        "with", "and",   "or",     "but",   "as",    "is",  "are",  "be",    "been",  "was",
        "were", "that",  "this",   "these", "those", "it",  "its",  "their", "they",  "from",
        "into", "than",  "then",   "so",    "if",    "not", "no",   "we",    "our",   "you",
        "your", "will",  "should", "must",  "can",   "may", "has",  "have",  "had",   "which",
        "who",  "whom",  "whose",  "also",  "all",   "any", "such", "there", "where", "when",
        "what", "would", "could",  "do"};
    return std::find(words.begin(), words.end(), w) != words.end();
}

// The word folded for the rules above: lower case, without surrounding punctuation.
std::string bare_word(std::string_view w) {
    std::size_t b = 0, e = w.size();
    auto punct = [](unsigned char c) { return c < 0x80 && !std::isalnum(c); };
    while (b < e && punct(static_cast<unsigned char>(w[b])))
        ++b;
    while (e > b && punct(static_cast<unsigned char>(w[e - 1])))
        --e;
    return lower_ascii(w.substr(b, e - b));
}

bool has_content_word(std::string_view s) {
    for (const auto& w : split_words(s)) {
        std::string b = bare_word(w);
        if (!b.empty() && !is_function_word(b))
            return true;
    }
    return false;
}

// Words that leave a phrase hanging when it ends with them ("of the", "for"); verbs such as
// "should" do not.
bool is_dangling(std::string_view w) {
    static const std::array<std::string_view, 34> words = {
        "a",    "an",    "the",   "of",    "for",   "to",  "in",   "on",   "at",
        "by",   "with",  "and",   "or",    "but",   "as",  "from", "into", "than",
        "that", "this",  "these", "those", "their", "its", "our",  "your", "which",
        "who",  "whose", "such",  "any",   "all",   "no",  "where"};
    return std::find(words.begin(), words.end(), w) != words.end();
}

bool ends_in_function_word(std::string_view s) {
    auto words = split_words(s);
    return !words.empty() && is_dangling(bare_word(words.back()));
}

// Open minus closed brackets.
int bracket_balance(std::string_view s) {
    int n = 0;
    for (char c : s) {
        if (c == '(' || c == '[')
            ++n;
        else if (c == ')' || c == ']')
            --n;
    }
    return n;
}

// Widen [b, e) of s by one word to the left / right; false at the edge.
bool widen_left(std::string_view s, std::size_t& b) {
    std::size_t i = b;
    while (i > 0 && s[i - 1] == ' ')
        --i;
    if (i == 0)
        return false;
    while (i > 0 && s[i - 1] != ' ')
        --i;
    b = i;
    return true;
}
bool widen_right(std::string_view s, std::size_t& e) {
    std::size_t i = e;
    while (i < s.size() && s[i] == ' ')
        ++i;
    if (i >= s.size())
        return false;
    while (i < s.size() && s[i] != ' ')
        ++i;
    e = i;
    return true;
}

void to_word_edges(std::string_view s, std::size_t& b, std::size_t& e) {
    // Only a boundary inside a word moves (to the word's edge).
    if (b > 0 && b < s.size() && s[b - 1] != ' ' && s[b] != ' ')
        while (b > 0 && s[b - 1] != ' ')
            --b;
    if (e > 0 && e < s.size() && s[e - 1] != ' ' && s[e] != ' ')
        while (e < s.size() && s[e] != ' ')
            ++e;
    while (b < e && s[b] == ' ')
        ++b;
    while (e > b && s[e - 1] == ' ')
        --e;
}

// [b, e) widened only where it cuts through a word's letters or digits; spaces trimmed.
void to_letter_edges(std::string_view s, std::size_t& b, std::size_t& e) {
    // Bytes of non-ASCII characters count as letters: "’s" belongs to its word.
    auto alnum = [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || std::isalnum(u) != 0;
    };
    while (b > 0 && b < s.size() && alnum(s[b - 1]) && alnum(s[b]))
        --b;
    while (e > 0 && e < s.size() && alnum(s[e - 1]) && alnum(s[e]))
        ++e;
    while (b < e && s[b] == ' ')
        ++b;
    while (e > b && s[e - 1] == ' ')
        --e;
}

std::string slice(std::string_view s, std::size_t b, std::size_t e) {
    return trim(s.substr(b, e > b ? e - b : 0));
}

// Both sides widened together (they share the unchanged words around the change).
bool widen_both_left(Hunk& h, std::string_view o, std::string_view n) {
    std::size_t ob = h.ob, nb = h.nb;
    if (!widen_left(o, ob) || !widen_left(n, nb))
        return false;
    h.ob = ob;
    h.nb = nb;
    return true;
}
bool widen_both_right(Hunk& h, std::string_view o, std::string_view n) {
    std::size_t oe = h.oe, ne = h.ne;
    if (!widen_right(o, oe) || !widen_right(n, ne))
        return false;
    h.oe = oe;
    h.ne = ne;
    return true;
}

// Widen a change until each side reads on its own.
void widen_to_phrase(Hunk& h, std::string_view o, std::string_view n) {
    bool completed_right = false;
    for (int step = 0; step < 24; ++step) {
        std::string r = slice(o, h.ob, h.oe), a = slice(n, h.nb, h.ne);
        int br = bracket_balance(r), ba = bracket_balance(a);
        if (br > 0 || ba > 0) {
            if (!widen_both_right(h, o, n))
                break;
            continue;
        }
        if (br < 0 || ba < 0) {
            if (!widen_both_left(h, o, n))
                break;
            continue;
        }
        if (step >= 8)
            break;
        bool empty_side = r.empty() || a.empty();
        bool short_insert = empty_side && count_words(r) + count_words(a) <= 3;
        if ((!r.empty() && !has_content_word(r)) || (!a.empty() && !has_content_word(a)) ||
            short_insert) {
            bool left = widen_both_left(h, o, n);
            bool right = false;
            if (!left || (!has_content_word(slice(o, h.ob, h.oe)) &&
                          !has_content_word(slice(n, h.nb, h.ne))))
                right = widen_both_right(h, o, n);
            if (!left && !right)
                break;
            if (short_insert && (left || right) && step == 0)
                continue;
            continue;
        }
        if ((!r.empty() && ends_in_function_word(r)) || (!a.empty() && ends_in_function_word(a))) {
            if (!widen_both_right(h, o, n))
                break;
            completed_right = true;
            continue;
        }
        break;
    }
    // Widened past "of the" to the next word: finish the noun it starts ("of the safeguarding"
    // -> "of the safeguarding partners"), at most two more words, never past punctuation.
    for (int extra = 0; completed_right && extra < 2; ++extra) {
        std::string last = slice(n, h.nb, h.ne);
        if (last.empty() || !std::isalnum(static_cast<unsigned char>(last.back())))
            break;
        std::size_t oe = h.oe, ne = h.ne;
        if (!widen_right(o, oe) || !widen_right(n, ne))
            break;
        std::string next = trim(std::string_view(n).substr(h.ne, ne - h.ne));
        std::string bare = bare_word(next);
        if (bare.empty() || is_function_word(bare) ||
            !std::isalpha(static_cast<unsigned char>(next.front())))
            break;
        h.oe = oe;
        h.ne = ne;
    }
    // A change right after "in", "the", "for" ... reads better with it: "in March" -> "in time
    // for September".
    if (!split_words(slice(o, h.ob, h.oe)).empty() &&
        !is_function_word(bare_word(split_words(slice(o, h.ob, h.oe)).front()))) {
        std::size_t ob = h.ob, nb = h.nb;
        if (widen_left(o, ob) && widen_left(n, nb)) {
            std::string before = bare_word(slice(o, ob, h.ob));
            if (is_dangling(before) && bracket_balance(slice(o, ob, h.ob)) == 0) {
                h.ob = ob;
                h.nb = nb;
            }
        }
    }
    h.removed = slice(o, h.ob, h.oe);
    h.added = slice(n, h.nb, h.ne);
}

std::string fold_key(std::string_view s) {
    std::string out;
    for (const auto& w : split_words(s)) {
        std::string b = bare_word(w);
        if (b.empty())
            continue;
        if (!out.empty())
            out += ' ';
        out += b;
    }
    return out;
}

// A change that only puts words in (or takes them out) while the punctuation beside them moves
// along ("default." -> "default (with the exception of ...)."): narrowed to the words put in, so
// that it is described as an addition rather than a replacement of "default.". Only narrowed at
// a word boundary: "cat" -> "cats" stays a replacement.
void to_insertion(Hunk& h, std::string_view o, std::string_view n) {
    std::string_view r = o.substr(h.ob, h.oe - h.ob), a = n.substr(h.nb, h.ne - h.nb);
    std::size_t p = 0;
    while (p < r.size() && p < a.size() && r[p] == a[p])
        ++p;
    std::size_t q = 0;
    while (q < r.size() - p && q < a.size() - p && r[r.size() - 1 - q] == a[a.size() - 1 - q])
        ++q;
    std::size_t rm = r.size() - p - q, am = a.size() - p - q;
    if ((rm == 0) == (am == 0))
        return; // both sides changed, or neither
    std::string_view side = rm ? r : a;
    std::size_t len = rm ? rm : am;
    auto alnum = [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || std::isalnum(u) != 0; // "’s" is part of its word
    };
    bool left_ok = p == 0 || !alnum(side[p - 1]) || !alnum(side[p]);
    bool right_ok = p + len == side.size() || !alnum(side[p + len - 1]) || !alnum(side[p + len]);
    if (!left_ok || !right_ok || trim(side.substr(p, len)).empty())
        return;
    if (count_words(side.substr(p, len)) < 2)
        return; // a word and its punctuation: the whole word reads better
    h.ob += p;
    h.oe = h.ob + rm;
    h.nb += p;
    h.ne = h.nb + am;
    // Keep the boundaries off the spaces.
    std::size_t& b = rm ? h.ob : h.nb;
    std::size_t& e = rm ? h.oe : h.ne;
    std::string_view full = rm ? o : n;
    while (b < e && full[b] == ' ')
        ++b;
    while (e > b && full[e - 1] == ' ')
        --e;
    if (rm)
        h.nb = h.ne = std::min(h.nb, n.size());
    else
        h.ob = h.oe = std::min(h.ob, o.size());
}

// Both sides of a change widened over the same unchanged letters: when the old side was widened
// to the start of "language," (the diff changed ", as" to "because"), the new side takes in
// "language" too, so that later widening moves both sides over the same words.
void same_widening(std::string_view o, std::string_view n, std::size_t ob0, std::size_t oe0,
                   std::size_t nb0, std::size_t ne0, Hunk& h) {
    auto grown = [](std::size_t from, std::size_t to) { return to > from ? to - from : 0; };
    std::size_t left = std::max(grown(h.ob, ob0), grown(h.nb, nb0));
    if (left > 0 && left <= ob0 && left <= nb0 &&
        o.substr(ob0 - left, left) == n.substr(nb0 - left, left)) {
        h.ob = std::min(h.ob, ob0 - left);
        h.nb = std::min(h.nb, nb0 - left);
    }
    std::size_t right = std::max(grown(oe0, h.oe), grown(ne0, h.ne));
    if (right > 0 && oe0 + right <= o.size() && ne0 + right <= n.size() &&
        o.substr(oe0, right) == n.substr(ne0, right)) {
        h.oe = std::max(h.oe, oe0 + right);
        h.ne = std::max(h.ne, ne0 + right);
    }
    while (h.ob < h.oe && o[h.ob] == ' ')
        ++h.ob;
    while (h.nb < h.ne && n[h.nb] == ' ')
        ++h.nb;
    while (h.oe > h.ob && o[h.oe - 1] == ' ')
        --h.oe;
    while (h.ne > h.nb && n[h.ne - 1] == ' ')
        --h.ne;
}

// The change regions of an edit script, widened to whole words and phrases.
Hunks hunks_from_edits(const std::vector<diff::WordEdit>& edits) {
    Hunks hs;
    std::vector<Hunk> raw;
    bool open = false;
    for (const auto& e : edits) {
        if (e.op == diff::EditOp::equal) {
            if (open) {
                raw.back().oe = hs.old_text.size();
                raw.back().ne = hs.new_text.size();
                open = false;
            }
            hs.old_text += e.text;
            hs.new_text += e.text;
            continue;
        }
        if (!open) {
            Hunk h;
            h.ob = hs.old_text.size();
            h.nb = hs.new_text.size();
            raw.push_back(h);
            open = true;
        }
        (e.op == diff::EditOp::removed ? hs.old_text : hs.new_text) += e.text;
    }
    if (open) {
        raw.back().oe = hs.old_text.size();
        raw.back().ne = hs.new_text.size();
    }
    const std::string& o = hs.old_text;
    const std::string& n = hs.new_text;
    // Join changes close together, then widen to words.
    std::vector<Hunk> joined;
    for (auto& h : raw) {
        if (!joined.empty() && count_words(std::string_view(n).substr(
                                   joined.back().ne, h.nb - joined.back().ne)) <= kJoinWords) {
            joined.back().oe = h.oe;
            joined.back().ne = h.ne;
        } else {
            joined.push_back(h);
        }
    }
    for (auto& h : joined) {
        if ((h.ob == h.oe) != (h.nb == h.ne)) {
            // Words only put in or only taken out: the empty side stays empty (widening it would
            // make "default {+(with ...)+}." a replacement of "default."), and the other widens
            // only to the letters of a word it cuts through.
            bool insert = h.ob == h.oe;
            std::size_t& b = insert ? h.nb : h.ob;
            std::size_t& e = insert ? h.ne : h.oe;
            std::size_t& ob = insert ? h.ob : h.nb; // the empty side
            std::size_t& oe = insert ? h.oe : h.ne;
            std::string_view full = insert ? std::string_view(n) : std::string_view(o);
            std::string_view other = insert ? std::string_view(o) : std::string_view(n);
            std::size_t b0 = b, e0 = e;
            to_letter_edges(full, b, e);
            // Cut through a word ("individual{-’s needs-}"): the word's unchanged letters
            // are on both sides, so the change is a replacement of the whole word.
            std::size_t left = b < b0 ? b0 - b : 0, right = e > e0 ? e - e0 : 0;
            if (left && left <= ob && other.substr(ob - left, left) == full.substr(b, left))
                ob -= left;
            if (right && oe + right <= other.size() &&
                other.substr(oe, right) == full.substr(e0, right))
                oe += right;
        } else {
            std::size_t ob0 = h.ob, oe0 = h.oe, nb0 = h.nb, ne0 = h.ne;
            to_word_edges(o, h.ob, h.oe);
            to_word_edges(n, h.nb, h.ne);
            same_widening(o, n, ob0, oe0, nb0, ne0, h);
            to_insertion(h, o, n);
        }
        std::string r = slice(o, h.ob, h.oe), a = slice(n, h.nb, h.ne);
        if (r == a)
            continue;
        h.core_removed = r;
        h.core_added = a;
        h.key = fold_key(r) + "\x1f" + fold_key(a);
        widen_to_phrase(h, o, n);
        if (!hs.list.empty() && (h.ob < hs.list.back().oe || h.nb < hs.list.back().ne)) {
            Hunk& prev = hs.list.back();
            prev.oe = std::max(prev.oe, h.oe);
            prev.ne = std::max(prev.ne, h.ne);
            prev.removed = slice(o, prev.ob, prev.oe);
            prev.added = slice(n, prev.nb, prev.ne);
            prev.key.clear();
            continue;
        }
        hs.list.push_back(std::move(h));
    }
    return hs;
}

// Word-level edits between two texts (words split at spaces, longest common subsequence), for
// blocks the diff left as a removal and an addition.
std::vector<diff::WordEdit> word_diff(std::string_view a, std::string_view b) {
    auto wa = split_words(a), wb = split_words(b);
    std::vector<diff::WordEdit> out;
    auto push = [&out](diff::EditOp op, std::string text) {
        if (text.empty())
            return;
        if (!out.empty() && out.back().op == op)
            out.back().text += text;
        else
            out.push_back({op, std::move(text)});
    };
    std::size_t n = wa.size(), m = wb.size();
    if (n * m > 4'000'000 || n == 0 || m == 0) {
        push(diff::EditOp::removed, join(wa, " "));
        push(diff::EditOp::added, join(wb, " "));
        return out;
    }
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = wa[i] == wb[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && wa[i] == wb[j]) {
            if (i > 0 && j > 0)
                push(diff::EditOp::equal, " ");
            else if (i > 0)
                push(diff::EditOp::removed, " ");
            else if (j > 0)
                push(diff::EditOp::added, " ");
            push(diff::EditOp::equal, wa[i]);
            ++i;
            ++j;
        } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
            push(diff::EditOp::added, (j > 0 ? " " : "") + wb[j]);
            ++j;
        } else {
            push(diff::EditOp::removed, (i > 0 ? " " : "") + wa[i]);
            ++i;
        }
    }
    return out;
}

// Dice similarity of two texts' word multisets (folded), 0..1.
double word_similarity(std::string_view a, std::string_view b) {
    std::vector<std::string> wa, wb;
    for (const auto& w : split_words(a))
        if (auto f = bare_word(w); !f.empty())
            wa.push_back(f);
    for (const auto& w : split_words(b))
        if (auto f = bare_word(w); !f.empty())
            wb.push_back(f);
    if (wa.empty() || wb.empty())
        return 0.0;
    std::sort(wa.begin(), wa.end());
    std::sort(wb.begin(), wb.end());
    std::vector<std::string> common;
    std::set_intersection(wa.begin(), wa.end(), wb.begin(), wb.end(), std::back_inserter(common));
    return 2.0 * static_cast<double>(common.size()) / static_cast<double>(wa.size() + wb.size());
}

// s shortened to max_words at a word boundary, with " ..." when cut.
std::string shorten(std::string_view s, std::size_t max_words) {
    auto words = split_words(s);
    if (words.size() <= max_words)
        return join(words, " ");
    words.resize(max_words);
    while (words.size() > 3 && is_function_word(bare_word(words.back())))
        words.pop_back();
    std::string out = join(words, " ");
    while (!out.empty() && (out.back() == ',' || out.back() == ';' || out.back() == ':'))
        out.pop_back();
    return out + " ...";
}

bool sentence_end(std::string_view s, std::size_t i) {
    // s[i] is a space after ". ", "? " or "! " (not "e.g. " or "para. 5").
    if (i == 0 || s[i] != ' ')
        return false;
    char c = s[i - 1];
    if (c != '.' && c != '?' && c != '!')
        return false;
    std::size_t w = s.rfind(' ', i - 1);
    std::string_view word = s.substr(w == std::string_view::npos ? 0 : w + 1,
                                     i - (w == std::string_view::npos ? 0 : w + 1));
    return word != "e.g." && word != "i.e." && word != "etc." && word.size() > 2;
}

// [b, e) of s widened to the sentences it touches.
std::string sentences_around(std::string_view s, std::size_t b, std::size_t e) {
    while (b > 0 && !sentence_end(s, b - 1))
        --b;
    while (e < s.size() && !sentence_end(s, e))
        ++e;
    return trim(s.substr(b, e - b));
}

// "the sentence" or the quoted phrase, shortened.
std::string quote_side(std::string_view full, std::size_t b, std::size_t e,
                       std::string_view phrase) {
    if (count_words(phrase) <= kShortWords)
        return quoted(phrase);
    return quoted(shorten(sentences_around(full, b, e), kSentenceWords));
}

std::string describe_hunk(const Hunk& h, std::string_view o, std::string_view n) {
    // Words put in or taken out and nothing else: quote just them (a whole sentence when they
    // are one).
    if (h.core_removed.empty() && count_words(h.core_added) > kShortWords)
        return "added " + quoted(shorten(h.core_added, kSentenceWords));
    if (h.core_added.empty() && count_words(h.core_removed) > kShortWords)
        return "removed " + quoted(shorten(h.core_removed, kSentenceWords));
    bool long_r = count_words(h.removed) > kShortWords, long_a = count_words(h.added) > kShortWords;
    if (!h.removed.empty() && !h.added.empty()) {
        if (long_r && long_a)
            return "rewrote the text, which now reads " + quote_side(n, h.nb, h.ne, h.added);
        if (long_r || long_a)
            return "replaced " + quoted(shorten(sentences_around(o, h.ob, h.oe), kSentenceWords)) +
                   " with " + quoted(shorten(sentences_around(n, h.nb, h.ne), kSentenceWords));
        // A few words put in or taken out, quoted with the phrase they sit in now.
        if (h.core_removed.empty() && !h.core_added.empty() && count_words(h.core_added) <= 3 &&
            h.added != h.core_added)
            return "added " + quoted(h.core_added) + " (now " + quoted(h.added) + ")";
        if (h.core_added.empty() && !h.core_removed.empty() && count_words(h.core_removed) <= 3 &&
            h.removed != h.core_removed)
            return "removed " + quoted(h.core_removed) + " from " + quoted(h.removed);
        return "replaced " + quoted(h.removed) + " with " + quoted(h.added);
    }
    if (!h.added.empty())
        return "added " + quote_side(n, h.nb, h.ne, h.added);
    return "removed " + quote_side(o, h.ob, h.oe, h.removed);
}

// A change of spelling only: case, punctuation or typography.
bool spelling_only(const Hunk& h) {
    return letters_key(h.removed) == letters_key(h.added);
}

std::size_t hunk_words(const Hunk& h) {
    return count_words(h.removed) + count_words(h.added);
}

// The description of a block's word changes: each change quoted (at most kMaxQuotedHunks, the
// largest first in reading order), the rest counted.
std::string describe_hunks(const Hunks& hs, const std::vector<std::size_t>& which_all) {
    // Punctuation and case fixes beside a real change are left to the redline.
    std::vector<std::size_t> which;
    for (std::size_t i : which_all)
        if (!spelling_only(hs.list[i]))
            which.push_back(i);
    if (which.empty())
        which = which_all;
    if (which.empty())
        return "amended the wording";
    std::vector<std::size_t> shown = which;
    std::size_t rest_removed = 0, rest_added = 0, rest = 0;
    if (shown.size() > kMaxQuotedHunks) {
        std::vector<std::size_t> by_size = shown;
        std::stable_sort(by_size.begin(), by_size.end(), [&](std::size_t a, std::size_t b) {
            return hunk_words(hs.list[a]) > hunk_words(hs.list[b]);
        });
        by_size.resize(kMaxQuotedHunks - 1);
        std::sort(by_size.begin(), by_size.end());
        for (std::size_t i : shown)
            if (!std::binary_search(by_size.begin(), by_size.end(), i)) {
                ++rest;
                rest_removed += count_words(hs.list[i].removed);
                rest_added += count_words(hs.list[i].added);
            }
        shown = by_size;
    }
    std::vector<std::string> parts;
    for (std::size_t i : shown)
        parts.push_back(describe_hunk(hs.list[i], hs.old_text, hs.new_text));
    std::string out = join(parts, "; ");
    if (rest)
        out += "; and " + std::to_string(rest) +
               (rest == 1 ? " other change (" : " other changes (") + std::to_string(rest_removed) +
               " words removed, " + std::to_string(rest_added) + " added)";
    return out;
}

std::string describe_hunks(const Hunks& hs) {
    std::vector<std::size_t> all(hs.list.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return describe_hunks(hs, all);
}

std::vector<diff::WordEdit> edits_or_whole(const std::vector<diff::WordEdit>& edits,
                                           std::string_view old_text, std::string_view new_text) {
    if (!edits.empty())
        return edits;
    return word_diff(old_text, new_text);
}

// A paragraph's first sentence, shortened: "added a new paragraph ("Each school should ...")".
std::string excerpt(std::string_view s) {
    return quoted(
        shorten(sentences_around(s, 0, std::min<std::size_t>(1, s.size())), kExcerptWords));
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
    if (n < 1 || n > 10 || term.size() > 100)
        return false;
    // "Parent Info is a collaboration between ..." is a sentence, not a term.
    for (const auto& w : split_words(term)) {
        std::string b = bare_word(w);
        if (b == "is" || b == "are" || b == "has" || b == "have" || b == "was" || b == "were" ||
            b == "will" || b == "can")
            return false;
    }
    return true;
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

// ---- the classification -------------------------------------------------------------------

struct Draft {
    NoticeItem item;
    std::string term;     // definition_updated: the term
    Hunks hunks;          // wording_amended: the word changes (for "replaced ... throughout")
    std::string footnote; // wording_amended in a footnote
    bool skip = false;
    bool bullets = false;      // added / removed: bullet points only
    std::string whole_section; // added / removed: the heading of a whole section added or removed
};

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

// "replaced "fixed-term exclusion" with "suspension" throughout (23 places: paragraphs ...)":
// one item for a wording change repeated in many blocks, which leaves the blocks' items (or
// what else changed in them).
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

// Past max_items, the items of the sections with most changes become one item per section
// (deepest sections first, then their parents), the items kept as its details. The section's
// item stands where its first item stood.
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

    std::vector<Draft> drafts = Builder(old_doc, new_doc, changes, options.detail).run();
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
