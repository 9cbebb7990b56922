#include "guidetrack/text/text.hpp"

#include <ctime>
#include <openssl/evp.h>
#include <utf8proc.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace guidetrack::text {
namespace {

// Decode one code point at s[i]; returns its length, or 0 if the sequence is invalid.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    utf8proc_int32_t c = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &c);
    if (n <= 0)
        return 0;
    cp = static_cast<char32_t>(c);
    return static_cast<std::size_t>(n);
}

bool is_dropped(char32_t cp) {
    switch (cp) {
    case 0x00AD: // soft hyphen
    case 0x200B: // zero width space
    case 0x200C: // zero width non-joiner
    case 0x200D: // zero width joiner
    case 0x2060: // word joiner
    case 0xFEFF: // byte order mark / zero width no-break space
        return true;
    default:
        return false;
    }
}

bool is_space(char32_t cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
        return true;
    if (cp < 0x80)
        return false;
    auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP || cp == 0x0085;
}

bool is_control(char32_t cp) {
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp < 0xA0);
}

// A code point that NFC leaves alone wherever it stands, and before which a text can be cut
// without changing its NFC: combining class 0, no canonical decomposition, never part of a
// canonical composition (utf8proc's comb_index), not a Hangul jamo or syllable (composed
// algorithmically). ASCII, the typographic quotes and dashes, bullets, U+FFFD ...
bool nfc_inert(char32_t cp) {
    if (cp < 0x80)
        return true;
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0xA960 && cp <= 0xA97F) ||
        (cp >= 0xAC00 && cp <= 0xD7FF))
        return false;
    const utf8proc_property_t* p = utf8proc_get_property(static_cast<utf8proc_int32_t>(cp));
    bool canonical_decomposition = p->decomp_seqindex != UINT16_MAX && p->decomp_type == 0;
    return p->combining_class == 0 && !canonical_decomposition && p->comb_index == UINT16_MAX;
}

std::string nfc_map(std::string_view s) {
    utf8proc_uint8_t* out = nullptr;
    auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                          static_cast<utf8proc_ssize_t>(s.size()), &out,
                          static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0)
        return std::string(s);
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

// NFC. The text is cut before every inert code point (see nfc_inert); only the pieces that hold
// another code point go through utf8proc (decompose, reorder, recompose), the rest is copied.
// Same result as normalising the whole text at once, since no normalisation step crosses a cut.
std::string nfc(std::string_view s) {
    std::string out;
    std::size_t flushed = 0; // s[flushed, piece) is inert and still to be copied
    std::size_t piece = 0;   // start of the current piece (an inert code point or the start)
    bool dirty = false;      // the current piece holds a code point that is not inert
    std::size_t i = 0;
    auto finish_piece = [&](std::size_t end) {
        if (flushed == 0 && out.empty())
            out.reserve(s.size());
        out.append(s.substr(flushed, piece - flushed));
        out += nfc_map(s.substr(piece, end - piece));
        flushed = end;
        dirty = false;
    };
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (dirty)
                finish_piece(i);
            piece = i;
            ++i;
            while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80)
                ++i;
            piece = i - 1;
            continue;
        }
        char32_t cp = 0;
        std::size_t n = decode(s, i, cp);
        if (n == 0) { // invalid: cannot happen after validation; leave the rest as it is
            dirty = false;
            break;
        }
        if (nfc_inert(cp)) {
            if (dirty)
                finish_piece(i);
            piece = i;
        } else {
            dirty = true;
        }
        i += n;
    }
    if (dirty)
        finish_piece(s.size());
    if (flushed == 0)
        return std::string(s);
    out.append(s.substr(flushed));
    return out;
}

// Collapse white space, drop invisible characters and control characters; s must be valid.
std::string clean(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        if (b > 0x20 && b < 0x7F) { // a run of printable ASCII is copied as it is
            std::size_t j = i + 1;
            while (j < s.size() && static_cast<unsigned char>(s[j]) > 0x20 &&
                   static_cast<unsigned char>(s[j]) < 0x7F)
                ++j;
            if (pending_space) {
                out.push_back(' ');
                pending_space = false;
            }
            out.append(s.substr(i, j - i));
            i = j;
            continue;
        }
        char32_t cp = b;
        std::size_t n = 1;
        if (cp >= 0x80)
            n = decode(s, i, cp);
        if (n == 0) { // cannot happen on validated input; be safe
            cp = 0xFFFD;
            n = 1;
        }
        i += n;
        if (is_dropped(cp))
            continue;
        if (is_space(cp) || is_control(cp)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        append_utf8(out, cp);
    }
    return out;
}

} // namespace

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
        return;
    }
    utf8proc_uint8_t buf[4];
    auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

bool is_valid_utf8(std::string_view s, std::size_t* bad_offset) {
    for (std::size_t i = 0; i < s.size();) {
        // Eight ASCII bytes at a time.
        std::uint64_t word;
        if (i + 8 <= s.size() &&
            (std::memcpy(&word, s.data() + i, 8), (word & 0x8080808080808080ull) == 0)) {
            i += 8;
            continue;
        }
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        char32_t cp = 0;
        std::size_t n = decode(s, i, cp);
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

std::string repair_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::size_t j = i; // ASCII runs are copied at once
        while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80)
            ++j;
        if (j > i) {
            out.append(s.substr(i, j - i));
            i = j;
            continue;
        }
        char32_t cp = 0;
        std::size_t n = decode(s, i, cp);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        out.append(s.substr(i, n));
        i += n;
    }
    return out;
}

namespace {

// ASCII is valid UTF-8 and NFC already: only clean has work to do.
bool all_ascii(std::string_view s) {
    unsigned char any = 0;
    for (char c : s)
        any |= static_cast<unsigned char>(c);
    return any < 0x80;
}

} // namespace

Result<std::string> normalise(std::string_view s) {
    if (all_ascii(s))
        return clean(s);
    std::size_t bad = 0;
    if (!is_valid_utf8(s, &bad))
        return input_error("invalid UTF-8 at byte " + std::to_string(bad));
    return clean(nfc(s));
}

std::string normalise_lossy(std::string_view s) {
    if (all_ascii(s))
        return clean(s);
    return clean(nfc(repair_utf8(s)));
}

std::string fold_typography(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        std::size_t n = decode(s, i, cp);
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        }
        i += n;
        if (is_space(cp)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out.push_back(' ');
            pending_space = false;
        }
        switch (cp) {
        case 0x2018:
        case 0x2019:
        case 0x201A:
        case 0x201B:
        case 0x2032:
        case 0x00B4:
        case 0x0060:
            out.push_back('\'');
            break;
        case 0x201C:
        case 0x201D:
        case 0x201E:
        case 0x201F:
        case 0x2033:
        case 0x00AB:
        case 0x00BB:
            out.push_back('"');
            break;
        case 0x2010:
        case 0x2011:
        case 0x2012:
        case 0x2013:
        case 0x2014:
        case 0x2015:
        case 0x2212:
            out.push_back('-');
            break;
        case 0x2026:
            out += "...";
            break;
        default:
            append_utf8(out, cp);
        }
    }
    return out;
}

std::string fold_case(std::string_view s) {
    utf8proc_uint8_t* out = nullptr;
    auto n = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
        static_cast<utf8proc_ssize_t>(s.size()), &out,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
    if (n < 0)
        return std::string(s);
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        std::size_t n = decode(s, i, cp);
        if (n == 0) {
            ++i;
            ++width;
            continue;
        }
        i += n;
        int w = utf8proc_charwidth(static_cast<utf8proc_int32_t>(cp));
        width += w > 0 ? static_cast<std::size_t>(w) : 0;
    }
    return width;
}

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 0xF]);
    }
    return out;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

namespace {
bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}
} // namespace

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_ascii_space(s[i]))
            ++i;
        std::size_t start = i;
        while (i < s.size() && !is_ascii_space(s[i]))
            ++i;
        if (i > start)
            words.push_back(s.substr(start, i - start));
    }
    return words;
}

// The words the two texts share at the start and at the end cancel out, so only what lies
// between is counted: the common prefix is cut after a white-space byte, the common suffix
// before one, so that no word is cut in two. (Most versions change a few words: counting all of
// them was a quarter of an import's CPU.)
std::pair<std::size_t, std::size_t> word_delta(std::string_view before, std::string_view after) {
    auto space = is_ascii_space;
    std::size_t n = std::min(before.size(), after.size());
    std::size_t p = 0;
    while (p < n && before[p] == after[p])
        ++p;
    while (p > 0 && !space(before[p - 1]))
        --p;
    std::size_t q = 0;
    while (q < n - p && before[before.size() - 1 - q] == after[after.size() - 1 - q])
        ++q;
    while (q > 0 && !space(before[before.size() - q]))
        --q;
    before = before.substr(p, before.size() - p - q);
    after = after.substr(p, after.size() - p - q);
    std::unordered_map<std::string_view, long> counts;
    for (std::string_view w : split_words(after))
        ++counts[w];
    for (std::string_view w : split_words(before))
        --counts[w];
    std::size_t added = 0, removed = 0;
    for (const auto& [w, n] : counts) {
        if (n > 0)
            added += static_cast<std::size_t>(n);
        else
            removed += static_cast<std::size_t>(-n);
    }
    return {added, removed};
}

std::size_t count_words(std::string_view s) {
    std::size_t n = 0;
    bool in_word = false;
    for (char c : s) {
        bool word = !is_ascii_space(c);
        n += word && !in_word ? 1 : 0;
        in_word = word;
    }
    return n;
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

std::string visible(std::string_view s) {
    std::string in = repair_utf8(s);
    std::string out;
    out.reserve(in.size());
    auto hex = [](unsigned v, int digits) {
        static const char* d = "0123456789abcdef";
        std::string h;
        for (int i = digits - 1; i >= 0; --i)
            h.push_back(d[(v >> (4 * i)) & 0xF]);
        return h;
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto c = static_cast<unsigned char>(in[i]);
        if (c < 0x20 || c == 0x7F) {
            out += "\\x" + hex(c, 2);
        } else if (c == 0xC2 && i + 1 < in.size() &&
                   static_cast<unsigned char>(in[i + 1]) < 0xA0) { // U+0080-U+009F
            out += "\\x" + hex(static_cast<unsigned char>(in[i + 1]), 2);
            ++i;
        } else if (c == 0xE2 && i + 2 < in.size() && in[i + 1] == '\x80' &&
                   static_cast<unsigned char>(in[i + 2]) >= 0xAA &&
                   static_cast<unsigned char>(in[i + 2]) <= 0xAE) { // U+202A-U+202E
            out += "\\u202" + std::string(1, "abcde"[static_cast<unsigned char>(in[i + 2]) - 0xAA]);
            i += 2;
        } else if (c == 0xE2 && i + 2 < in.size() && in[i + 1] == '\x81' &&
                   static_cast<unsigned char>(in[i + 2]) >= 0xA6 &&
                   static_cast<unsigned char>(in[i + 2]) <= 0xA9) { // U+2066-U+2069
            out += "\\u206" + std::string(1, "6789"[static_cast<unsigned char>(in[i + 2]) - 0xA6]);
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

std::string utc_now_iso8601() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string_view trim(std::string_view s) {
    constexpr std::string_view space = " \t\r\n\f\v";
    auto b = s.find_first_not_of(space);
    if (b == std::string_view::npos)
        return {};
    return s.substr(b, s.find_last_not_of(space) - b + 1);
}

} // namespace guidetrack::text
