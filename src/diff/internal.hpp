// Internals of the diff module shared by its .cpp files and its tests: the tokeniser, the
// edit-script engine on interned ints, and the word-level edit builder.
#pragma once

#include "guidetrack/diff/diff.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::diff::detail {

// A token is bytes [begin, end) of a block's text. Spaces are never tokens.
struct Token {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

// Unicode-aware word tokens (utf8proc categories): a run of letters, marks and digits (with
// inner apostrophes and hyphens) is one token; so is an email address, a URL, and a number with
// inner separators ("2,000", "1.5", "2024-01-10", "10:30"). Every other non-space character
// (punctuation, symbols) is a token of its own. Input must be valid UTF-8 (invalid bytes become
// one-byte tokens).
std::vector<Token> tokenize(std::string_view text);

// Maps token strings to small ints so that diffs compare ints, not strings. With the comparison
// options, tokens are folded before interning (so "DSL’s" and "DSL's" get the same id).
class Interner {
  public:
    explicit Interner(const Options& options) : options_(options) {}
    int id(std::string_view token);
    // Interned ids of a text's tokens.
    std::vector<int> ids(std::string_view text, const std::vector<Token>& tokens);

  private:
    // Open addressing on a power-of-two table; the keys' bytes sit end to end in one string.
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        int id = -1; // -1: empty
    };
    int find_or_add(std::string_view key);
    void grow();
    Options options_;
    std::vector<Slot> slots_ = std::vector<Slot>(1024);
    std::string bytes_;
    int count_ = 0;
};

// The shortest edit script turning a into b, one op per element (equal consumes one element of
// each, removed one of a, added one of b). Pieces with at most onp_limit elements go to the
// O(NP) search (whose path memory is then bounded); bigger ones are split in linear space by
// Myers' middle snake until they are that small. onp_limit = 0 uses Myers alone.
constexpr std::size_t default_onp_limit = 1800;
std::vector<EditOp> edit_script(std::span<const int> a, std::span<const int> b,
                                std::size_t onp_limit = default_onp_limit);

// The raw O(NP) script (Wu, Manber, Myers and Miller 1990) appended to out, op for op the one
// dtl::Diff::compose() gives below its path cap: removals and additions may interleave.
// a.size() + b.size() must be at most 65535 (edit_script splits bigger pieces first).
void onp_script(std::span<const int> a, std::span<const int> b, std::vector<EditOp>& out);

// Word-level edit runs between two block texts, given their tokens and interned ids: each region
// of change becomes one removed run then one added run; spaces shared by both sides of a region
// go to the equal run before it.
std::vector<WordEdit> word_edits(std::string_view old_text, const std::vector<Token>& old_tokens,
                                 const std::vector<int>& old_ids, std::string_view new_text,
                                 const std::vector<Token>& new_tokens,
                                 const std::vector<int>& new_ids);

// Dice coefficient of two sorted multisets of ints: 2 |A ∩ B| / (|A| + |B|); 1 for two empties.
// Below at_least the result is 0 (and found sooner: the merge stops once it cannot get there,
// or never starts when shared_at_most, a bound on |A ∩ B|, rules it out); from at_least up it
// is exact.
double dice(const std::vector<int>& sorted_a, const std::vector<int>& sorted_b,
            double at_least = 0.0,
            std::size_t shared_at_most = std::numeric_limits<std::size_t>::max());

} // namespace guidetrack::diff::detail
