// Structure-aware diff: the change model every output renders.
//
// compare() aligns the blocks of two documents in four passes, so that a reader sees the changes
// a careful person would list, not a line diff:
//   1. identical blocks (same normalised text and link targets, paragraph numbers ignored) by an
//      LCS over 64-bit block hashes;
//   2. exact moves: an unmatched old block identical to an unmatched new block elsewhere;
//   3. amended blocks, paired by word similarity (Dice over token multisets) inside each gap
//      between the identical anchors, keeping reading order;
//   4. similar moves among what is left (moved and edited).
// Inside every amended or moved-and-edited pair the words are diffed (Unicode-aware tokens
// interned to ints; an O(NP) search for ordinary sizes, a linear-space Myers diff for huge pairs).
// Paragraph number changes of matched blocks become ONE renumbered change with ranges; a moved
// block's own number change is part of its move.
#pragma once

#include "guidetrack/model/document.hpp"

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace guidetrack::diff {

enum class ChangeKind { added, removed, amended, moved, renumbered };

std::string_view kind_name(ChangeKind kind);

// Where a block stands in one version.
struct Anchor {
    std::size_t block_index = 0; // index into Document::blocks
    std::string page;            // page label, may be empty
    std::string number;          // paragraph number, may be empty
    std::vector<std::string> section;
    // A footnote is found where it is cited: for a footnote block whose mark appears in a
    // paragraph's text as "[footnote N]" (GOV.UK's marker), the number of the first such
    // paragraph, and `section` is that paragraph's. Empty otherwise.
    bool footnote = false;
    std::string cited_in;
};

enum class EditOp { equal, removed, added };

std::string_view op_name(EditOp op);

// The shortest edit script turning sequence a into b (interned ints: lines, tokens), one op per
// element. The engine the word diff uses, for renderers that diff lines (the unified view).
std::vector<EditOp> edit_script(std::span<const int> a, std::span<const int> b);

// One run of the word-level edit script; text includes the spaces between its words.
// Concatenating the equal and removed runs gives the old block's text, the equal and added runs
// the new block's text (with ignore_typography / ignore_case, equal runs hold the new version's
// spelling).
struct WordEdit {
    EditOp op = EditOp::equal;
    std::string text;

    bool operator==(const WordEdit&) const = default;
};

// A renumbering range: paragraphs old_first..old_last are now new_first..new_last (first == last
// for a single paragraph).
struct Renumbering {
    std::string old_first, old_last, new_first, new_last;

    bool operator==(const Renumbering&) const = default;
};

struct Change {
    ChangeKind kind = ChangeKind::amended;
    std::optional<Anchor> old_anchor; // absent for added (and for renumbered: first range's start)
    std::optional<Anchor> new_anchor; // absent for removed
    std::optional<model::Block> old_block; // absent for added and renumbered
    std::optional<model::Block> new_block; // absent for removed and renumbered
    // Word-level edit script (amended; moved when amended_too). For a link-only change every run
    // is equal and links_changed is set.
    std::vector<WordEdit> edits;
    bool amended_too = false;             // a moved block whose words or links also changed
    bool links_changed = false;           // amended / moved: the link targets differ
    std::vector<Renumbering> renumbering; // for ChangeKind::renumbered, in reading order
};

struct Options {
    bool ignore_typography = false; // quotes, dashes, spacing (text::fold_typography)
    bool ignore_case = false;       // text::fold_case
};

struct ChangeSet {
    std::vector<Change> changes; // in reading order of the new version (removed: where they were)
    Options options;
    bool empty() const { return changes.empty(); }
};

ChangeSet compare(const model::Document& old_doc, const model::Document& new_doc,
                  const Options& options = {});

// Counts for summaries (--stat, the store's words_added / words_removed).
struct Stats {
    std::size_t added = 0, removed = 0, amended = 0, moved = 0, renumbered = 0;
    // Words in added runs / added blocks, and in removed runs / removed blocks.
    std::size_t words_added = 0, words_removed = 0;
    std::size_t renumbered_paragraphs = 0; // paragraphs covered by the renumbering ranges
};
Stats stats(const ChangeSet& changes);

// "paragraphs 3-4 are now 4-5; paragraph 8 is now 9" (no trailing full stop).
std::string describe_renumbering(const std::vector<Renumbering>& ranges);

} // namespace guidetrack::diff
