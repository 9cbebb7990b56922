// Inside the notice module: what its parts share. Not a public header.
//   words.cpp     text helpers, the word diff of a paragraph and the quoted hunks
//   patterns.cpp  emails, URLs, dates, numbers, editions; linked documents; defined terms
//   locate.cpp    where a change is, as a reader names it
//   classify.cpp  each change of the diff as a draft item of one kind
//   merge.cpp     neighbouring drafts merged; sweeps and crowded sections summarised
//   notice.cpp    build_notice and the module's other public calls (notice.hpp)
#pragma once

#include "guidetrack/notice/notice.hpp"
#include "guidetrack/text/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>

namespace guidetrack::notice::detail {

using model::Block;
using model::BlockKind;
using model::Document;

inline constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

inline const std::string kArrow = " \u2192 ";

// A phrase quoted whole when each side has at most this many words.
inline constexpr std::size_t kShortWords = 12;

// Longer text is quoted as its sentence, shortened to this many words.
inline constexpr std::size_t kSentenceWords = 25;

// At most this many separate changes are described in one item.
inline constexpr std::size_t kMaxQuotedHunks = 3;

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

std::string lower_ascii(std::string_view s);

std::string trim(std::string_view s);

std::vector<std::string> split_words(std::string_view s);

std::size_t count_words(std::string_view s);

using text::join;

std::string quoted(std::string_view s);

// Comparison key that ignores typography, punctuation, spacing and case: what is left are the
// letters and digits a reader would notice changing.
// Private-use characters (U+E000 to U+F8FF) are glyphs of a font, such as Word's U+F02D bullet,
// not text, and are left out too.
std::string letters_key(std::string_view s);

// The text without private-use glyphs and with single spaces: what is left when only the block
// structure changed.
std::string structure_key(std::string_view s);

// The text without spaces and private-use glyphs (Word's bullet characters): what a reader sees
// whatever the block structure.
std::string glyphs_key(std::string_view s);

std::string typo_key(std::string_view s);

bool is_function_word(std::string_view w);

// The word folded for the rules above: lower case, without surrounding punctuation.
std::string bare_word(std::string_view w);

bool has_content_word(std::string_view s);

// The change regions of an edit script, widened to whole words and phrases.
Hunks hunks_from_edits(const std::vector<diff::WordEdit>& edits);

// Word-level edits between two texts (words split at spaces, longest common subsequence), for
// blocks the diff left as a removal and an addition.
std::vector<diff::WordEdit> word_diff(std::string_view a, std::string_view b);

// Dice similarity of two texts' word multisets (folded), 0..1.
double word_similarity(std::string_view a, std::string_view b);

// s shortened to max_words at a word boundary, with " ..." when cut.
std::string shorten(std::string_view s, std::size_t max_words);

// The description of a block's word changes: each change quoted (at most kMaxQuotedHunks, the
// largest first in reading order), the rest counted.
std::string describe_hunks(const Hunks& hs, const std::vector<std::size_t>& which_all);

std::string describe_hunks(const Hunks& hs);

std::vector<diff::WordEdit> edits_or_whole(const std::vector<diff::WordEdit>& edits,
                                           std::string_view old_text, std::string_view new_text);

// A paragraph's first sentence, shortened: "added a new paragraph ("Each school should ...")".
std::string excerpt(std::string_view s);

// ---- patterns -------------------------------------------------------------------------------
const std::regex& email_re();

const std::regex& url_re();

const std::regex& date_re();

const std::regex& full_date_re();

const std::regex& number_re();

const std::regex& edition_re();

const std::regex& metadata_re();

// The pairs of values that differ when old and new are the same outside the matches of re;
// nullopt when the texts differ elsewhere too (or nothing matched differs).
std::optional<std::vector<std::pair<std::string, std::string>>>
only_matches_differ(std::string_view old_text, std::string_view new_text, const std::regex& re);

std::string describe_pairs(const std::vector<std::pair<std::string, std::string>>& pairs);

// ---- links and references -------------------------------------------------------------------
// A linked document's name from its link text: "Good practice guidance ... (2016)" loses the
// edition year; surrounding quotes go.
std::string document_name(std::string_view link_text);

// The largest year-like number in a URL or name (0 when none): editions usually carry one.
int latest_year(std::string_view s);

// The title a parenthesised edition year follows: "... Network: Good practice guidance on X
// (2021)" -> "Good practice guidance on X".
std::string title_before(std::string_view s, std::size_t pos);

// ---- definitions --------------------------------------------------------------------------
bool in_glossary(const Block& block);

std::string strip_term(std::string s);

bool plausible_term(std::string_view term);

// ---- locations ----------------------------------------------------------------------------
bool is_integer(std::string_view s);

Location locate(const diff::Anchor& anchor, const Document& doc);

// Neighbouring paragraphs changed the same way become one item with a range.
bool mergeable(const Draft& a, const Draft& b);

void merge_into(Draft& a, Draft& b);

// "replaced "fixed-term exclusion" with "suspension" throughout (23 places: paragraphs ...)":
// one item for a wording change repeated in many blocks, which leaves the blocks' items (or
// what else changed in them).
void summarise_sweeps(std::vector<Draft>& drafts);

// Past max_items, the items of the sections with most changes become one item per section
// (deepest sections first, then their parents), the items kept as its details. The section's
// item stands where its first item stood.
void summarise_sections(std::vector<NoticeItem>& items, std::size_t max_items,
                        const std::string& title);

// classify.cpp: the draft items of a diff, one per change it reports (before merging).
std::vector<Draft> classify(const Document& old_doc, const Document& new_doc,
                            const diff::ChangeSet& changes, Detail detail);

} // namespace guidetrack::notice::detail
