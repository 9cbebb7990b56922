// Unicode text utilities shared by the extractors and the diff (util layer: depends on nothing
// project-specific but Result).
#pragma once

#include "guidetrack/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace guidetrack::text {

// True if s is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
// On failure, *bad_offset (if given) is the byte offset of the first bad sequence.
bool is_valid_utf8(std::string_view s, std::size_t* bad_offset = nullptr);

// Normalise one block's text: Unicode NFC; soft hyphens and zero-width characters dropped; every
// run of white space (including no-break and other Unicode spaces, tabs and newlines) becomes one
// ASCII space; leading and trailing space trimmed. Quotes and dashes are kept as written.
// Invalid UTF-8 is an input error.
Result<std::string> normalise(std::string_view s);

// normalise() for text already known to be valid UTF-8 (invalid sequences are replaced by U+FFFD).
std::string normalise_lossy(std::string_view s);

// Fold typographic variants for comparisons that ignore typography: curly single and double
// quotes and primes to ' and ", dashes and minus signs to -, ellipsis to "...", Unicode spaces
// to a space (runs collapsed). Input must be valid UTF-8.
std::string fold_typography(std::string_view s);

// Unicode case folding (for --ignore-case). Input must be valid UTF-8.
std::string fold_case(std::string_view s);

// Append the UTF-8 encoding of a code point (a Unicode scalar value) to out.
void append_utf8(std::string& out, char32_t cp);

// Replace invalid UTF-8 sequences by U+FFFD, for messages and lenient callers.
std::string repair_utf8(std::string_view s);

// Number of display columns a UTF-8 string takes on a terminal (wide characters count 2).
std::size_t display_width(std::string_view s);

// s made safe to print on a terminal or into a text or Markdown file, one line: invalid UTF-8
// repaired; C0 controls (newline and tab included), DEL and C1 controls shown as \xHH; the
// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) shown as \uHHHH. So a
// title, URL, note or server message can neither move the cursor, retitle the window nor
// reorder what follows it.
std::string visible(std::string_view s);

// ASCII letters lower-cased, every other byte kept (for names, media types, schemes).
std::string ascii_lower(std::string_view s);

// s without leading and trailing ASCII white space (space, tab, CR, LF, FF, VT).
std::string_view trim(std::string_view s);

// The words of s: the runs of bytes between ASCII white space (space, tab, CR, LF, FF, VT). This
// is what "word" means everywhere (word counts, log's +added -removed, the notice's word rules);
// in normalised text the separators are single spaces.
std::vector<std::string_view> split_words(std::string_view s);
std::size_t count_words(std::string_view s);
// Words added and removed between two texts, counted as a multiset difference of
// whitespace-separated words: cheap, order-blind, good enough for a log line.
std::pair<std::size_t, std::size_t> word_delta(std::string_view before, std::string_view after);

// The parts with sep between each two.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Now, in UTC, as ISO 8601 to the second: "2026-12-03T09:40:03Z" (retrieval times, report and
// state timestamps).
std::string utc_now_iso8601();

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

} // namespace guidetrack::text
