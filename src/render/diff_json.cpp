// The change model as JSON (docs/json.md): one more renderer of a diff::ChangeSet.
#include "guidetrack/render/diff_json.hpp"
#include "guidetrack/text/text.hpp"

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

// The same JSON as dump(change_json(c)), written straight into a string: building the tree
// first took a third of a large diff's time. Keys come in the order nlohmann's object (a
// std::map) prints them, strings are escaped as its dump escapes them (ensure_ascii off), and a
// string that is not valid UTF-8 goes through nlohmann itself. A test holds the two equal.
class Writer {
  public:
    explicit Writer(std::string& out) : out_(out) {}

    void string(std::string_view s) {
        if (!text::is_valid_utf8(s)) {
            out_ += dump(nlohmann::json(std::string(s)));
            return;
        }
        out_.push_back('"');
        std::size_t run = 0; // start of the bytes not yet copied
        for (std::size_t i = 0; i < s.size(); ++i) {
            auto c = static_cast<unsigned char>(s[i]);
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
            out_.append(s.substr(run, i - run));
            run = i + 1;
            switch (c) {
            case '"':
                out_ += "\\\"";
                break;
            case '\\':
                out_ += "\\\\";
                break;
            case '\b':
                out_ += "\\b";
                break;
            case '\f':
                out_ += "\\f";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\r':
                out_ += "\\r";
                break;
            case '\t':
                out_ += "\\t";
                break;
            default: {
                static const char hex[] = "0123456789abcdef";
                out_ += "\\u00";
                out_.push_back(hex[c >> 4]);
                out_.push_back(hex[c & 15]);
            }
            }
        }
        out_.append(s.substr(run));
        out_.push_back('"');
    }
    void key(std::string_view k) { // a literal key: nothing to escape
        if (out_.back() != '{')
            out_.push_back(',');
        out_.push_back('"');
        out_ += k;
        out_ += "\":";
    }
    void number(std::size_t n) { out_ += std::to_string(n); }
    void integer(long long n) { out_ += std::to_string(n); }
    void boolean(bool b) { out_ += b ? "true" : "false"; }
    void null() { out_ += "null"; }
    void open(char c) { out_.push_back(c); }
    void close(char c) { out_.push_back(c); }
    // [each(item), ...]
    template <class T, class Each> void array(const std::vector<T>& items, Each each) {
        open('[');
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i)
                out_.push_back(',');
            each(items[i]);
        }
        close(']');
    }
    void strings(const std::vector<std::string>& list) {
        array(list, [&](const std::string& s) { string(s); });
    }

    void anchor(const std::optional<diff::Anchor>& a) {
        if (!a)
            return null();
        open('{');
        key("block");
        number(a->block_index);
        if (a->footnote) {
            key("cited_in");
            string(a->cited_in);
            key("footnote");
            boolean(true);
        }
        key("number");
        string(a->number);
        key("page");
        string(a->page);
        key("section");
        strings(a->section);
        close('}');
    }

    // model::to_json(block), key for key.
    void block(const model::Block* b) {
        if (!b)
            return null();
        open('{');
        if (!b->footnote_refs.empty()) {
            key("footnote_refs");
            array(b->footnote_refs, [&](const model::FootnoteRef& r) {
                open('{');
                key("mark");
                string(r.mark);
                key("offset");
                number(r.offset);
                close('}');
            });
        }
        key("kind");
        string(model::kind_name(b->kind));
        if (b->kind == model::BlockKind::heading || b->kind == model::BlockKind::list_item) {
            key("level");
            integer(b->level);
        }
        key("links");
        array(b->links, [&](const model::Link& l) {
            open('{');
            key("target");
            string(l.target);
            key("text");
            string(model::link_text(*b, l));
            close('}');
        });
        if (!b->number.empty()) {
            key("number");
            string(b->number);
        }
        if (!b->page.empty()) {
            key("page");
            string(b->page);
        }
        key("section");
        strings(b->section);
        key("text");
        string(b->text);
        close('}');
    }

    void change(const diff::Change& c) {
        open('{');
        key("amended_too");
        boolean(c.amended_too);
        if (c.kind == diff::ChangeKind::renumbered) {
            key("description");
            string(diff::describe_renumbering(c.renumbering));
        }
        key("edits");
        array(c.edits, [&](const diff::WordEdit& e) {
            open('{');
            key("op");
            string(diff::op_name(e.op));
            key("text");
            string(e.text);
            close('}');
        });
        key("kind");
        string(diff::kind_name(c.kind));
        key("links_changed");
        boolean(c.links_changed);
        key("new");
        anchor(c.new_anchor);
        key("new_block");
        block(c.new_block ? &*c.new_block : nullptr);
        key("old");
        anchor(c.old_anchor);
        key("old_block");
        block(c.old_block ? &*c.old_block : nullptr);
        key("renumbering");
        array(c.renumbering, [&](const diff::Renumbering& r) {
            open('{');
            key("new_first");
            string(r.new_first);
            key("new_last");
            string(r.new_last);
            key("old_first");
            string(r.old_first);
            key("old_last");
            string(r.old_last);
            close('}');
        });
        close('}');
    }

  private:
    std::string& out_;
};

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
    std::string line;
    for (const diff::Change& c : changes.changes) {
        line = first ? "\n    " : ",\n    ";
        Writer(line).change(c);
        out << line;
        first = false;
    }
    out << (first ? "]\n}\n" : "\n  ]\n}\n");
}

} // namespace guidetrack::render
