// Word-level changes: text helpers, the word diff of two paragraphs and the hunks a notice
// item quotes ("replaced X with Y"), widened to whole words and phrases.
#include "internal.hpp"

namespace guidetrack::notice::detail {

namespace {

// Words quoted from an added or removed paragraph (its first sentence, up to this many words).
constexpr std::size_t kExcerptWords = 25;

} // namespace

std::string lower_ascii(std::string_view s) {
    return text::ascii_lower(s);
}

std::string trim(std::string_view s) {
    return std::string(text::trim(s));
}

std::vector<std::string> split_words(std::string_view s) {
    auto words = text::split_words(s);
    return {words.begin(), words.end()};
}

std::size_t count_words(std::string_view s) {
    return text::count_words(s);
}

std::string quoted(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

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

namespace {

// Changes separated by at most this many unchanged words are one.
constexpr std::size_t kJoinWords = 2;

} // namespace

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

namespace {

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

} // namespace

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

namespace {

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

} // namespace

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

std::string excerpt(std::string_view s) {
    return quoted(
        shorten(sentences_around(s, 0, std::min<std::size_t>(1, s.size())), kExcerptWords));
}

} // namespace guidetrack::notice::detail
