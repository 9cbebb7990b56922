// Structure-aware diff: the change model every output renders.
//
// compare() aligns the blocks of two documents (identical blocks first, by normalised text and
// links, ignoring paragraph numbers; then amended blocks paired by similarity; then moves), and
// diffs words inside each amended pair. Renumbering is summarised, never reported per paragraph.
#pragma once

#include "guidetrack/document.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>
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
};

enum class EditOp { equal, removed, added };

// One run of the word-level edit script; text includes the spaces between its words.
struct WordEdit {
    EditOp op = EditOp::equal;
    std::string text;
};

// A renumbering summary: paragraphs old_first..old_last are now new_first..new_last.
struct Renumbering {
    std::string old_first, old_last, new_first, new_last;
};

struct Change {
    ChangeKind kind = ChangeKind::amended;
    std::optional<Anchor> old_anchor; // absent for added
    std::optional<Anchor> new_anchor; // absent for removed
    std::optional<model::Block> old_block;
    std::optional<model::Block> new_block;
    std::vector<WordEdit> edits; // word-level edit script (amended; moved when also amended)
    bool amended_too = false;    // a moved block whose words also changed
    std::vector<Renumbering> renumbering; // for ChangeKind::renumbered
};

struct Options {
    bool ignore_typography = false; // quotes, dashes, spacing
    bool ignore_case = false;
};

struct ChangeSet {
    std::vector<Change> changes; // in reading order of the new version
    bool empty() const { return changes.empty(); }
};

ChangeSet compare(const model::Document& old_doc, const model::Document& new_doc,
                  const Options& options = {});

// The change model as JSON, with "schema_version" (documented in docs/json.md).
nlohmann::json to_json(const ChangeSet& changes);

} // namespace guidetrack::diff
