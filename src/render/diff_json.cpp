// The change model as JSON (docs/json.md): one more renderer of a diff::ChangeSet.
#include "guidetrack/render/diff_json.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace guidetrack::render {
namespace {

nlohmann::json anchor_json(const std::optional<diff::Anchor>& a) {
    if (!a)
        return nullptr;
    nlohmann::json j = {{"block", a->block_index},
                        {"page", a->page},
                        {"number", a->number},
                        {"section", a->section}};
    if (a->footnote) {
        j["footnote"] = true;
        j["cited_in"] = a->cited_in;
    }
    return j;
}

// Invalid UTF-8 (which normalised text never has) becomes U+FFFD rather than an exception.
std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json json_head(const diff::ChangeSet& changes) {
    nlohmann::json out;
    out["schema_version"] = kDiffSchemaVersion;
    out["options"] = {{"ignore_typography", changes.options.ignore_typography},
                      {"ignore_case", changes.options.ignore_case}};
    diff::Stats s = diff::stats(changes);
    out["summary"] = {{"changes", changes.changes.size()},
                      {"added", s.added},
                      {"removed", s.removed},
                      {"amended", s.amended},
                      {"moved", s.moved},
                      {"renumbered", s.renumbered},
                      {"renumbered_paragraphs", s.renumbered_paragraphs},
                      {"words_added", s.words_added},
                      {"words_removed", s.words_removed}};
    return out;
}

nlohmann::json change_json(const diff::Change& c) {
    nlohmann::json j;
    j["kind"] = diff::kind_name(c.kind);
    j["old"] = anchor_json(c.old_anchor);
    j["new"] = anchor_json(c.new_anchor);
    j["old_block"] = c.old_block ? model::to_json(*c.old_block) : nlohmann::json(nullptr);
    j["new_block"] = c.new_block ? model::to_json(*c.new_block) : nlohmann::json(nullptr);
    nlohmann::json edits = nlohmann::json::array();
    for (const diff::WordEdit& e : c.edits)
        edits.push_back({{"op", diff::op_name(e.op)}, {"text", e.text}});
    j["edits"] = std::move(edits);
    j["amended_too"] = c.amended_too;
    j["links_changed"] = c.links_changed;
    nlohmann::json ranges = nlohmann::json::array();
    for (const diff::Renumbering& r : c.renumbering)
        ranges.push_back({{"old_first", r.old_first},
                          {"old_last", r.old_last},
                          {"new_first", r.new_first},
                          {"new_last", r.new_last}});
    j["renumbering"] = std::move(ranges);
    if (c.kind == diff::ChangeKind::renumbered)
        j["description"] = diff::describe_renumbering(c.renumbering);
    return j;
}

} // namespace

nlohmann::json diff_json(const diff::ChangeSet& changes) {
    nlohmann::json out = json_head(changes);
    nlohmann::json list = nlohmann::json::array();
    for (const diff::Change& c : changes.changes)
        list.push_back(change_json(c));
    out["changes"] = std::move(list);
    return out;
}

void write_diff_json(std::ostream& out, const diff::ChangeSet& changes,
                     const nlohmann::json& extra) {
    nlohmann::json head = json_head(changes);
    if (extra.is_object())
        for (const auto& [key, value] : extra.items())
            head[key] = value;
    out << "{\n";
    for (const auto& [key, value] : head.items())
        out << "  " << nlohmann::json(key).dump() << ": " << dump(value) << ",\n";
    out << "  \"changes\": [";
    bool first = true;
    for (const diff::Change& c : changes.changes) {
        out << (first ? "\n    " : ",\n    ") << dump(change_json(c));
        first = false;
    }
    out << (first ? "]\n}\n" : "\n  ]\n}\n");
}

} // namespace guidetrack::render
