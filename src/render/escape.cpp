#include "guidetrack/render/escape.hpp"

#include "guidetrack/text/text.hpp"

namespace guidetrack::render {

std::string html_escape(std::string_view s) {
    std::string in = text::repair_utf8(s);
    std::string out;
    out.reserve(in.size() + in.size() / 8);
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto u = static_cast<unsigned char>(in[i]);
        switch (in[i]) {
        case '&':
            out += "&amp;";
            continue;
        case '<':
            out += "&lt;";
            continue;
        case '>':
            out += "&gt;";
            continue;
        case '"':
            out += "&quot;";
            continue;
        case '\'':
            out += "&#39;";
            continue;
        default:
            break;
        }
        if (u < 0x20 && in[i] != '\n' && in[i] != '\t')
            continue;
        if (u == 0x7f)
            continue;
        // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML 1.0 characters.
        if (u == 0xef && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xbf &&
            (static_cast<unsigned char>(in[i + 2]) == 0xbe ||
             static_cast<unsigned char>(in[i + 2]) == 0xbf)) {
            i += 2;
            continue;
        }
        // C1 controls (U+0080-U+009F) are C2 80..C2 9F in UTF-8.
        if (u == 0xc2 && i + 1 < in.size()) {
            auto next = static_cast<unsigned char>(in[i + 1]);
            if (next >= 0x80 && next <= 0x9f) {
                ++i;
                continue;
            }
        }
        out.push_back(in[i]);
    }
    return out;
}

bool is_safe_href(std::string_view url) {
    for (char c : url) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\')
            return false;
    }
    std::string lower = text::ascii_lower(url);
    auto starts = [&](std::string_view p) { return lower.rfind(p, 0) == 0; };
    std::size_t scheme = starts("https://") ? 8 : starts("http://") ? 7 : 0;
    return scheme != 0 && lower.size() > scheme;
}

std::string markdown_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (std::string_view("\\`*_[]<>|~#").find(c) != std::string_view::npos)
            out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

} // namespace guidetrack::render
