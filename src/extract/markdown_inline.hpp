// Inline Markdown: a block's raw text to words and links in a TextBuilder, read by cmark-gfm
// (CommonMark's inline rules). Emphasis and code markers go, their words stay; entities and
// escapes are decoded; raw HTML tags go; links keep their targets (inline, reference-style,
// autolinks); "[^N]" is a footnote reference (guidetrack's, not CommonMark's).
#pragma once

#include "extract/common.hpp"

#include <map>
#include <string>
#include <string_view>

namespace guidetrack::extract::detail {

// Reference-style link definitions, by label (lower case): "[label]: target".
using References = std::map<std::string, std::string>;

// Append s, parsed as inline Markdown, to out. allow_links false: link text only (inside a
// link's own text, where links do not nest).
void parse_inline(std::string_view s, const References& refs, TextBuilder& out,
                  bool allow_links = true);
// The same, always through cmark (parse_inline skips it for text with no inline markup at all,
// or none but links written as guidetrack writes them; a test holds the two to the same result).
void parse_inline_cmark(std::string_view s, const References& refs, TextBuilder& out,
                        bool allow_links = true);
// Whether parse_inline reads s without cmark (for tests).
bool reads_without_parser(std::string_view s);

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

inline bool is_space(char c) {
    return c == ' ' || c == '\t';
}

// Without surrounding spaces, tabs and carriage returns.
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (is_space(s.front()) || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (is_space(s.back()) || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace guidetrack::extract::detail
