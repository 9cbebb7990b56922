// Word tokens for the diff, and the word-level edit runs built from them.
//
// Tokens follow what a reader treats as one unit: a changed digit in "2,000" or a changed domain
// in an email address is shown as that whole number or address replaced, not as a stray comma or
// dot. Categories come from utf8proc so that accented and non-Latin words are words too.
#include "diff/internal.hpp"

#include "guidetrack/text/text.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace guidetrack::diff::detail {
namespace {

struct CodePoint {
    char32_t cp = 0;
    std::size_t size = 1; // bytes
};

CodePoint decode(std::string_view s, std::size_t i) {
    if (auto b = static_cast<unsigned char>(s[i]); b < 0x80)
        return {b, 1}; // ASCII, most of any English text: no call into utf8proc
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0)
        return {0xFFFD, 1};
    return {static_cast<char32_t>(cp), static_cast<std::size_t>(n)};
}

bool is_space_cp(char32_t cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
        return true;
    if (cp < 0x80)
        return false;
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

bool is_word_cp(char32_t cp) {
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '_';
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_PC:
        return true;
    default:
        return false;
    }
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_ascii_alnum(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Characters that join two word parts into one token ("DSL's", "DSL’s", "well-being").
bool is_joiner(char32_t cp) {
    return cp == '\'' || cp == U'\u2019' || cp == '-' || cp == U'\u2010' || cp == U'\u2011';
}

bool starts_with_ci(std::string_view s, std::size_t i, std::string_view prefix) {
    if (s.size() - i < prefix.size())
        return false;
    for (std::size_t k = 0; k < prefix.size(); ++k) {
        char c = s[i + k];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[k])
            return false;
    }
    return true;
}

// Trailing characters that end a sentence rather than a URL or address.
bool is_trailing_punct(char c) {
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
           c == '"' || c == '-';
}

// End of a URL starting at i, or 0.
std::size_t url_end(std::string_view s, std::size_t i) {
    if (!starts_with_ci(s, i, "http://") && !starts_with_ci(s, i, "https://") &&
        !starts_with_ci(s, i, "www."))
        return 0;
    std::size_t j = i;
    while (j < s.size()) {
        auto [cp, size] = decode(s, j);
        if (is_space_cp(cp) || cp == '<' || cp == '>' || cp == '"' || cp == U'\u201D' ||
            cp == U'\u2019' || cp == U'\u201C')
            break;
        j += size;
    }
    // Drop sentence punctuation, and closing brackets without an opening one inside the URL.
    for (;;) {
        if (j > i && is_trailing_punct(s[j - 1])) {
            --j;
            continue;
        }
        if (j > i && (s[j - 1] == ')' || s[j - 1] == ']')) {
            char open = s[j - 1] == ')' ? '(' : '[';
            auto body = s.substr(i, j - i);
            if (std::count(body.begin(), body.end(), open) <
                std::count(body.begin(), body.end(), s[j - 1])) {
                --j;
                continue;
            }
        }
        break;
    }
    std::size_t min_len = starts_with_ci(s, i, "www.") ? 5 : 9;
    return j - i >= min_len ? j : 0;
}

bool is_email_local(char c) {
    return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// End of an email address starting at i, or 0.
std::size_t email_end(std::string_view s, std::size_t i) {
    std::size_t j = i;
    while (j < s.size() && is_email_local(s[j]))
        ++j;
    if (j == i || j >= s.size() || s[j] != '@')
        return 0;
    std::size_t domain = ++j;
    while (j < s.size() && (is_ascii_alnum(s[j]) || s[j] == '.' || s[j] == '-'))
        ++j;
    while (j > domain && (s[j - 1] == '.' || s[j - 1] == '-'))
        --j;
    auto host = s.substr(domain, j - domain);
    auto dot = host.find('.');
    if (host.empty() || dot == std::string_view::npos || dot == 0 || host.find("..") != host.npos)
        return 0;
    return j;
}

// End of a number with inner separators ("2,000", "1.5", "2024-01-10", "10:30", "3/4")
// starting at i (a digit), continued by letters ("12a", "1990s").
std::size_t number_end(std::string_view s, std::size_t i) {
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j]))
        ++j;
    while (j + 1 < s.size() &&
           (s[j] == ',' || s[j] == '.' || s[j] == ':' || s[j] == '/' || s[j] == '-') &&
           is_digit(s[j + 1])) {
        ++j;
        while (j < s.size() && is_digit(s[j]))
            ++j;
    }
    return j;
}

// End of a word (letters, marks, digits, inner joiners) starting at i.
std::size_t word_end(std::string_view s, std::size_t i) {
    std::size_t j = i;
    while (j < s.size()) {
        auto [cp, size] = decode(s, j);
        if (is_word_cp(cp)) {
            j += size;
            continue;
        }
        if (is_joiner(cp) && j > i && j + size < s.size()) {
            auto next = decode(s, j + size);
            if (is_word_cp(next.cp)) {
                j += size + next.size;
                continue;
            }
        }
        break;
    }
    return j;
}

} // namespace

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> tokens;
    tokens.reserve(s.size() / 5 + 1);
    std::size_t i = 0;
    auto push = [&](std::size_t b, std::size_t e) {
        tokens.push_back({static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(e)});
    };
    while (i < s.size()) {
        auto [cp, size] = decode(s, i);
        if (is_space_cp(cp)) {
            i += size;
            continue;
        }
        // Only at the start of a word: "xhttp://" is a word then punctuation, as written.
        bool at_word_start = tokens.empty() || tokens.back().end != i ||
                             !is_word_cp(decode(s, tokens.back().begin).cp);
        std::size_t end = 0;
        if (at_word_start && (cp == 'h' || cp == 'H' || cp == 'w' || cp == 'W'))
            end = url_end(s, i);
        if (!end && at_word_start && cp < 0x80 && is_email_local(static_cast<char>(cp)))
            end = email_end(s, i);
        if (!end && cp < 0x80 && is_digit(static_cast<char>(cp))) {
            end = number_end(s, i);
            std::size_t more = word_end(s, end);
            if (more > end && s[end] != '-' && s[end] != '\'')
                end = more;
        }
        if (!end && is_word_cp(cp))
            end = word_end(s, i);
        if (!end)
            end = i + size;
        push(i, end);
        i = end;
    }
    return tokens;
}

namespace {

// A fast hash of a short string, eight bytes at a time (tokens are mostly under 16 bytes).
std::uint64_t token_hash(std::string_view s) {
    std::uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
    std::size_t i = 0;
    auto mix = [&](std::uint64_t w) {
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    };
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        mix(w);
    }
    if (i < s.size()) {
        std::uint64_t w = 0;
        std::memcpy(&w, s.data() + i, s.size() - i);
        mix(w);
    }
    h ^= h >> 29;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 32);
}

} // namespace

int Interner::find_or_add(std::string_view key) {
    const std::uint64_t h = token_hash(key);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t at = h & mask;; at = (at + 1) & mask) {
        Slot& slot = slots_[at];
        if (slot.id < 0) {
            slot = {h, static_cast<std::uint32_t>(bytes_.size()),
                    static_cast<std::uint32_t>(key.size()), count_++};
            bytes_ += key;
            int id = slot.id;
            if (static_cast<std::size_t>(count_) * 2 > slots_.size())
                grow();
            return id;
        }
        if (slot.hash == h && slot.length == key.size() &&
            std::string_view(bytes_).substr(slot.offset, slot.length) == key)
            return slot.id;
    }
}

void Interner::grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
        if (slot.id < 0)
            continue;
        std::size_t at = slot.hash & mask;
        while (slots_[at].id >= 0)
            at = (at + 1) & mask;
        slots_[at] = slot;
    }
}

int Interner::id(std::string_view token) {
    if (options_.ignore_typography || options_.ignore_case) {
        std::string valid = text::repair_utf8(token);
        std::string key = options_.ignore_typography ? text::fold_typography(valid) : valid;
        if (options_.ignore_case)
            key = text::fold_case(key);
        return find_or_add(key);
    }
    return find_or_add(token);
}

std::vector<int> Interner::ids(std::string_view text, const std::vector<Token>& tokens) {
    std::vector<int> out;
    out.reserve(tokens.size());
    for (const Token& t : tokens)
        out.push_back(id(text.substr(t.begin, t.end - t.begin)));
    return out;
}

std::vector<WordEdit> word_edits(std::string_view old_text, const std::vector<Token>& old_tokens,
                                 const std::vector<int>& old_ids, std::string_view new_text,
                                 const std::vector<Token>& new_tokens,
                                 const std::vector<int>& new_ids) {
    std::vector<EditOp> ops = edit_script(old_ids, new_ids);
    std::vector<WordEdit> runs;
    // The change region being collected: all its removed text, then all its added text.
    std::string removed, added;
    auto push = [&](EditOp op, std::string_view text) {
        if (text.empty())
            return;
        if (!runs.empty() && runs.back().op == op)
            runs.back().text += text;
        else
            runs.push_back({op, std::string(text)});
    };
    auto flush_region = [&] {
        if (!removed.empty() && !added.empty()) {
            std::size_t common = 0;
            while (common < removed.size() && common < added.size() &&
                   removed[common] == added[common] && removed[common] == ' ')
                ++common;
            push(EditOp::equal, removed.substr(0, common));
            removed.erase(0, common);
            added.erase(0, common);
        }
        push(EditOp::removed, removed);
        push(EditOp::added, added);
        removed.clear();
        added.clear();
    };
    // Each token carries the spaces before it.
    std::size_t ia = 0, ib = 0, pa = 0, pb = 0;
    for (EditOp op : ops) {
        switch (op) {
        case EditOp::equal: {
            std::string_view space_a = old_text.substr(pa, old_tokens[ia].begin - pa);
            std::string_view space_b = new_text.substr(pb, new_tokens[ib].begin - pb);
            if (space_a != space_b) {
                // Spacing differs before an equal word (one side starts a text): the spaces
                // belong to the change, so that both texts are still reconstructed exactly.
                removed += space_a;
                added += space_b;
            }
            flush_region();
            push(EditOp::equal,
                 new_text.substr(space_a == space_b ? pb : new_tokens[ib].begin,
                                 new_tokens[ib].end -
                                     (space_a == space_b ? pb : new_tokens[ib].begin)));
            pa = old_tokens[ia++].end;
            pb = new_tokens[ib++].end;
            break;
        }
        case EditOp::removed:
            removed += old_text.substr(pa, old_tokens[ia].end - pa);
            pa = old_tokens[ia++].end;
            break;
        case EditOp::added:
            added += new_text.substr(pb, new_tokens[ib].end - pb);
            pb = new_tokens[ib++].end;
            break;
        }
    }
    std::string_view old_tail = old_text.substr(pa), new_tail = new_text.substr(pb);
    if (old_tail == new_tail) {
        flush_region();
        push(EditOp::equal, new_tail);
    } else {
        removed += old_tail;
        added += new_tail;
        flush_region();
    }
    return runs;
}

double dice(const std::vector<int>& a, const std::vector<int>& b, double at_least,
            std::size_t shared_at_most) {
    if (a.empty() && b.empty())
        return 1.0 >= at_least ? 1.0 : 0.0;
    const double sum = static_cast<double>(a.size() + b.size());
    auto value = [&](std::size_t common) { return 2.0 * static_cast<double>(common) / sum; };
    // The fewest common elements that reach at_least, by the same expression as the result.
    std::size_t need = 0;
    if (at_least > 0.0) {
        double estimate = std::ceil(at_least * sum / 2.0);
        need = estimate > 0.0 ? static_cast<std::size_t>(estimate) : 0;
        while (need > 0 && value(need - 1) >= at_least)
            --need;
        while (need <= a.size() + b.size() && value(need) < at_least)
            ++need;
    }
    if (need > std::min({a.size(), b.size(), shared_at_most}))
        return 0.0;
    std::size_t i = 0, j = 0, common = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] < b[j]) {
            ++i;
        } else if (b[j] < a[i]) {
            ++j;
        } else {
            ++common;
            ++i;
            ++j;
            continue;
        }
        // A miss: give up once even matching everything left cannot reach at_least.
        if (common + std::min(a.size() - i, b.size() - j) < need)
            return 0.0;
    }
    return common >= need ? value(common) : 0.0;
}

} // namespace guidetrack::diff::detail
