// The store's metadata codec: document.json and version.json, and the commit messages whose
// trailers carry the same fields (so `log` and `list` read commits only). What is written here
// is read back here: keep each writer beside its reader.
#pragma once

#include "guidetrack/store/store.hpp"

#include <git2.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace guidetrack::store::detail {

using ojson = nlohmann::ordered_json;

// document.json. Fields a document does not use (the GOV.UK ones) are written only when set, so
// stores without publications keep their exact bytes; missing or mistyped fields read as empty.
ojson document_json(const DocumentInfo& d);
DocumentInfo document_from_json(const nlohmann::json& j);

// version.json (original_name: "original.pdf", ...); missing fields read as empty or 0.
ojson version_json(const VersionInfo& v, std::string_view original_name);
VersionInfo version_from_json(const nlohmann::json& j);

// The bytes written for a JSON file: two-space indent, a final newline.
std::string json_text(const ojson& j);

// Messages name the commit kind through trailers, which is how the history is read back. A
// version commit also carries its metadata as trailers (the same fields as its version.json), so
// `log` and `list` read commits only; commits written before the Word-count trailer existed are
// read from their version.json.
struct Trailers {
    std::string version;
    bool technical = false;
    bool complete = false; // every VersionInfo field is in the message (Word-count present)
    VersionInfo info;      // label, dates, source, format, size, sha256, words, note, tool
    std::size_t count = 0; // Version-count: versions up to and including this one (0: unknown)
};

// A commit's tree, first parent and message, read from its bytes ("tree HEX\nparent HEX\n...
// \n\nMESSAGE"; the message without leading newlines, as git_commit_message gives it); nullopt
// when there is no valid tree line or a parent line is not an id. For walks over thousands of
// commits (log, merges), where parsing each as a libgit2 commit costs more than reading it.
struct CommitFields {
    git_oid tree{};
    std::optional<git_oid> parent;
    std::string_view message; // into the bytes given
};
std::optional<CommitFields> parse_commit(std::string_view bytes);

// A commit's trailers, read back from its message.
Trailers read_trailers(const git_commit* commit);
// The same from the message itself (a raw commit's text after its headers).
Trailers read_trailers(std::string_view message);

// The commit message of a version: subject, note, trailers (read back by read_trailers).
// number: the version's number on its branch (Version-count).
std::string version_message(const std::string& id, const VersionInfo& v, std::size_t number);

// The commit message of `track`: the first one of a document, or a metadata update.
std::string document_message(const DocumentInfo& info, bool update);

} // namespace guidetrack::store::detail
