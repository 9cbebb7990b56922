// The diff's change model as JSON (schema in docs/json.md): kind, both anchors, both blocks, the
// word edits and renumbering ranges of every change. Pure functions; no I/O but the stream given.
#pragma once

#include "guidetrack/diff/diff.hpp"

#include <nlohmann/json_fwd.hpp>

#include <iosfwd>

namespace guidetrack::render {

// Version of the diff JSON (docs/json.md). Bump on incompatible changes.
constexpr int kDiffSchemaVersion = 1;

// The change model as JSON, with "schema_version".
nlohmann::json diff_json(const diff::ChangeSet& changes);

// The same, written change by change (one change per line, so big diffs stream), with the keys
// of `extra` (an object, e.g. the two versions) added at the top level.
void write_diff_json(std::ostream& out, const diff::ChangeSet& changes,
                     const nlohmann::json& extra);

} // namespace guidetrack::render
