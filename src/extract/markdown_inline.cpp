// The inline parser (see markdown_inline.hpp).
#include "extract/markdown_inline.hpp"

#include "guidetrack/text/text.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace guidetrack::extract::detail {
namespace {

bool is_ascii_punct(char c) {
    return std::ispunct(static_cast<unsigned char>(c)) != 0;
}
// Non-ASCII bytes count as word characters: they are letters far more often than not.
bool is_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           static_cast<unsigned char>(c) >= 0x80;
}

// The few named entities that appear in hand-written Markdown, and numeric references.
std::size_t decode_entity(std::string_view s, std::string& out) {
    std::size_t semi = s.substr(0, 12).find(';'); // entities are short: never scan further
    if (semi == std::string_view::npos || semi > 10)
        return 0;
    std::string_view name = s.substr(1, semi - 1);
    static const std::map<std::string_view, std::string_view> kNamed = {
        {"amp", "&"},  {"lt", "<"},  {"gt", ">"},    {"quot", "\""}, {"apos", "'"},
        {"nbsp", " "}, {"#39", "'"}, {"ndash", "–"}, {"mdash", "—"}, {"hellip", "…"}};
    if (auto it = kNamed.find(name); it != kNamed.end()) {
        out += it->second;
        return semi + 1;
    }
    if (name.size() >= 2 && name[0] == '#') {
        unsigned long cp = 0;
        bool hex = name[1] == 'x' || name[1] == 'X';
        std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty())
            return 0;
        for (char c : digits) {
            int v = is_digit(c) ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c))
                        ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                        : -1;
            if (v < 0 || cp > 0x10FFFF)
                return 0;
            cp = cp * (hex ? 16 : 10) + static_cast<unsigned long>(v);
        }
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        char buf[4];
        std::size_t n = 0;
        if (cp < 0x80) {
            buf[n++] = static_cast<char>(cp);
        } else if (cp < 0x800) {
            buf[n++] = static_cast<char>(0xC0 | (cp >> 6));
            buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf[n++] = static_cast<char>(0xE0 | (cp >> 12));
            buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            buf[n++] = static_cast<char>(0xF0 | (cp >> 18));
            buf[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            buf[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            buf[n++] = static_cast<char>(0x80 | (cp & 0x3F));
        }
        out.append(buf, n);
        return semi + 1;
    }
    return 0;
}

// Inline Markdown to text and links. Emphasis and code markers go, their words stay.
class InlineParser {
  public:
    InlineParser(const References& refs, TextBuilder& out) : refs_(refs), out_(out) {}

    void parse(std::string_view s, bool allow_links = true) {
        std::string buf;
        auto flush = [&] {
            out_.text(buf);
            buf.clear();
        };
        for (std::size_t i = 0; i < s.size();) {
            char c = s[i];
            if (c == '\\' && i + 1 < s.size() && is_ascii_punct(s[i + 1])) {
                buf.push_back(s[i + 1]);
                i += 2;
            } else if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
                buf.push_back(' '); // hard line break
                i += 2;
            } else if (c == '`') {
                i = code_span(s, i, buf);
            } else if (c == '&') {
                std::size_t n = decode_entity(s.substr(i), buf);
                if (n == 0)
                    buf.push_back(c);
                i += std::max<std::size_t>(n, 1);
            } else if (c == '*' || c == '_') {
                i = emphasis(s, i, buf);
            } else if (c == '<') {
                std::size_t n = autolink_or_tag(s, i, buf, flush, allow_links);
                if (n == 0)
                    buf.push_back(c);
                i += std::max<std::size_t>(n, 1);
            } else if (c == '[' && i + 1 < s.size() && s[i + 1] == '^') {
                // A footnote reference "[^20]": a reference in the model, not words (as the
                // stored text writes it, so that `show` output reads back the same).
                std::size_t close = s.find(']', i + 2);
                std::string_view mark = close == std::string_view::npos
                                            ? std::string_view()
                                            : s.substr(i + 2, close - i - 2);
                if (mark.empty() || mark.size() > 20 ||
                    mark.find_first_of(" \t\n[") != std::string_view::npos) {
                    buf.push_back(c);
                    ++i;
                    continue;
                }
                flush();
                out_.footnote_ref(std::string(mark));
                i = close + 1;
            } else if (c == '[' || (c == '!' && i + 1 < s.size() && s[i + 1] == '[')) {
                std::size_t n = link(s, i, buf, flush, allow_links);
                if (n == 0) {
                    buf.push_back(c);
                    n = 1;
                }
                i += n;
            } else {
                buf.push_back(c);
                ++i;
            }
        }
        flush();
    }

  private:
    std::size_t code_span(std::string_view s, std::size_t i, std::string& buf) {
        std::size_t run = 0;
        while (i + run < s.size() && s[i + run] == '`')
            ++run;
        std::size_t search = i + run;
        while (search < s.size()) {
            std::size_t open = s.find('`', search);
            if (open == std::string_view::npos)
                break;
            std::size_t close_run = 0;
            while (open + close_run < s.size() && s[open + close_run] == '`')
                ++close_run;
            if (close_run == run) {
                buf.append(s.substr(i + run, open - i - run));
                return open + run;
            }
            search = open + close_run;
        }
        return i + run; // no closing run: the backticks are dropped as markup
    }

    // A run of '*' or '_' is markup (dropped) only when it opens emphasis that a later run closes,
    // or closes one opened before, as in CommonMark: "visit*" at the end of a cell, "2 * 3" and
    // snake_case keep their characters.
    std::size_t emphasis(std::string_view s, std::size_t i, std::string& buf) {
        char c = s[i];
        std::size_t run = 0;
        while (i + run < s.size() && s[i + run] == c)
            ++run;
        char prev = i > 0 ? s[i - 1] : ' ';
        char next = i + run < s.size() ? s[i + run] : ' ';
        bool prev_space = is_space(prev) || prev == '\n';
        bool next_space = is_space(next) || next == '\n';
        bool can_open = !next_space && (c == '*' || !is_word(prev));
        bool can_close = !prev_space && (c == '*' || !is_word(next));
        int& open = c == '*' ? open_stars_ : open_underscores_;
        if (can_close && open > 0) {
            --open;
            return i + run;
        }
        if (can_open && s.find(c, i + run) != std::string_view::npos) {
            ++open;
            return i + run;
        }
        buf.append(s.substr(i, run));
        return i + run;
    }

    template <class Flush>
    std::size_t autolink_or_tag(std::string_view s, std::size_t i, std::string& buf, Flush flush,
                                bool allow_links) {
        // An autolink or a tag is short: a line of '<' must not scan to its end from each one.
        constexpr std::size_t kMaxTag = 2048;
        std::size_t close = s.substr(0, std::min(s.size(), i + kMaxTag)).find('>', i);
        if (close == std::string_view::npos)
            return 0;
        std::string_view inner = s.substr(i + 1, close - i - 1);
        if (inner.empty() || inner.find_first_of(" \t\n<") != std::string_view::npos) {
            // An HTML tag with attributes: "<a href=...>" or "<br />".
            if (!inner.empty() &&
                (std::isalpha(static_cast<unsigned char>(inner[0])) ||
                 (inner[0] == '/' && inner.size() > 1)) &&
                inner.find('<') == std::string_view::npos)
                return close - i + 1;
            return 0;
        }
        bool is_url = inner.find("://") != std::string_view::npos || inner.starts_with("mailto:");
        bool is_email = !is_url && inner.find('@') != std::string_view::npos;
        if (is_url || is_email) {
            if (allow_links) {
                flush();
                out_.begin_link(is_email ? "mailto:" + std::string(inner) : std::string(inner));
                out_.text(inner);
                out_.end_link();
            } else {
                buf.append(inner);
            }
            return close - i + 1;
        }
        // A bare tag "<br>", "</sup>": markup, dropped.
        if (std::isalpha(static_cast<unsigned char>(inner[0])) ||
            (inner[0] == '/' && inner.size() > 1 &&
             std::isalpha(static_cast<unsigned char>(inner[1]))))
            return close - i + 1;
        return 0;
    }

    // [text](target "title"), [text][ref], [ref]; ![alt](src) keeps only the alt text.
    template <class Flush>
    std::size_t link(std::string_view s, std::size_t i, std::string& buf, Flush flush,
                     bool allow_links) {
        bool image = s[i] == '!';
        std::size_t open = image ? i + 1 : i;
        int depth = 0;
        std::size_t close = std::string_view::npos;
        // Link text is bounded (CommonMark caps labels near 1,000 characters), so a line of
        // unmatched '[' costs linear time, not quadratic.
        constexpr std::size_t kMaxLinkText = 2000;
        const std::size_t limit = std::min(s.size(), open + kMaxLinkText);
        for (std::size_t j = open; j < limit; ++j) {
            if (s[j] == '\\') {
                ++j;
                continue;
            }
            if (s[j] == '[')
                ++depth;
            else if (s[j] == ']' && --depth == 0) {
                close = j;
                break;
            }
        }
        if (close == std::string_view::npos)
            return 0;
        std::string_view label = s.substr(open + 1, close - open - 1);
        std::optional<std::string> target;
        std::size_t end = close + 1;
        if (end < s.size() && s[end] == '(') {
            // The destination and title are bounded too: "[a](" repeated on one line would
            // otherwise scan to the line's end from every bracket (quadratic).
            constexpr std::size_t kMaxDestination = 2048;
            const std::string_view t = s.substr(0, std::min(s.size(), end + kMaxDestination));
            std::size_t j = end + 1;
            while (j < t.size() && is_space(t[j]))
                ++j;
            std::string dest;
            if (j < t.size() && t[j] == '<') {
                std::size_t gt = t.find('>', j);
                if (gt == std::string_view::npos)
                    return 0;
                for (std::size_t k = j + 1; k < gt; ++k) {
                    if (t[k] == '\\' && k + 1 < gt)
                        ++k;
                    dest.push_back(t[k]);
                }
                j = gt + 1;
            } else {
                int parens = 0;
                for (; j < t.size() && !is_space(t[j]) && t[j] != '\n'; ++j) {
                    if (t[j] == '\\' && j + 1 < t.size() && is_ascii_punct(t[j + 1])) {
                        dest.push_back(t[++j]);
                        continue;
                    }
                    if (t[j] == '(')
                        ++parens;
                    if (t[j] == ')' && parens-- == 0)
                        break;
                    dest.push_back(t[j]);
                }
            }
            while (j < t.size() && (is_space(t[j]) || t[j] == '\n'))
                ++j;
            if (j < t.size() && (t[j] == '"' || t[j] == '\'' || t[j] == '(')) {
                char quote = t[j] == '(' ? ')' : t[j];
                std::size_t q = t.find(quote, j + 1);
                if (q == std::string_view::npos)
                    return 0;
                j = q + 1;
                while (j < t.size() && (is_space(t[j]) || t[j] == '\n'))
                    ++j;
            }
            if (j >= t.size() || t[j] != ')')
                return 0;
            target = dest;
            end = j + 1;
        } else if (end < s.size() && s[end] == '[') {
            std::size_t rclose = s.find(']', end);
            if (rclose == std::string_view::npos || rclose - end > kMaxLinkText)
                return 0;
            std::string ref = text::ascii_lower(trim(s.substr(end + 1, rclose - end - 1)));
            if (ref.empty())
                ref = text::ascii_lower(trim(label));
            auto it = refs_.find(ref);
            if (it == refs_.end())
                return 0;
            target = it->second;
            end = rclose + 1;
        } else {
            auto it = refs_.find(text::ascii_lower(trim(label)));
            if (it == refs_.end())
                return 0;
            target = it->second;
        }
        if (image || !allow_links) {
            parse_nested(label, buf, flush);
            return end - i;
        }
        flush();
        out_.begin_link(*target);
        InlineParser(refs_, out_).parse(label, false);
        out_.end_link();
        return end - i;
    }

    template <class Flush> void parse_nested(std::string_view label, std::string&, Flush flush) {
        flush();
        InlineParser(refs_, out_).parse(label, false);
    }

    const References& refs_;
    TextBuilder& out_;
    int open_stars_ = 0, open_underscores_ = 0; // emphasis runs opened and not yet closed
};

} // namespace

void parse_inline(std::string_view s, const References& refs, TextBuilder& out, bool allow_links) {
    InlineParser(refs, out).parse(s, allow_links);
}

} // namespace guidetrack::extract::detail
