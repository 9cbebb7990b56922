// The metadata codec (see metadata.hpp).
#include "store/metadata.hpp"

#include <cctype>
#include <string_view>
#include <utility>
#include <vector>

namespace guidetrack::store::detail {
namespace {

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

std::uint64_t to_u64(std::string_view s) {
    std::uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            break;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

// The trailers that make a version commit readable without its version.json: the word count and
// the version's number. Left out (so readers fall back to version.json) when a field would not
// survive the trip through a trailer: an empty or multi-line source, padding spaces.
std::string version_count_trailers(const VersionInfo& v, std::size_t number) {
    auto one_line_exact = [](const std::string& s) {
        return !s.empty() && s.find_first_of("\r\n") == std::string::npos &&
               !std::isspace(static_cast<unsigned char>(s.front())) &&
               !std::isspace(static_cast<unsigned char>(s.back()));
    };
    std::string out = "Version-count: " + std::to_string(number) + "\n";
    if (one_line_exact(v.source) && one_line_exact(v.retrieved_at) &&
        (v.date.empty() || one_line_exact(v.date)) && one_line_exact(v.format) &&
        one_line_exact(v.tool_version) && v.label.find_first_of("\r\n") == std::string::npos &&
        v.publisher_note.empty()) // its paragraph is not part of the note: read version.json
        out += "Word-count: " + std::to_string(v.words) + "\n";
    return out;
}

} // namespace

ojson document_json(const DocumentInfo& d) {
    ojson j;
    j["id"] = d.id;
    j["title"] = d.title;
    j["url"] = d.url;
    j["origin"] = d.origin;
    j["format"] = d.format;
    j["publisher"] = d.publisher;
    j["etag"] = d.etag;
    j["last_modified"] = d.last_modified;
    // Written only when set, so stores without publications keep their exact bytes.
    if (!d.govuk_path.empty())
        j["govuk_path"] = d.govuk_path;
    if (!d.attachment.empty())
        j["attachment"] = d.attachment;
    if (!d.attachment_glob.empty())
        j["attachment_glob"] = d.attachment_glob;
    return j;
}

DocumentInfo document_from_json(const nlohmann::json& j) {
    DocumentInfo d;
    auto get = [&](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
    };
    d.id = get("id");
    d.title = get("title");
    d.url = get("url");
    d.origin = get("origin");
    d.format = get("format");
    d.publisher = get("publisher");
    d.etag = get("etag");
    d.last_modified = get("last_modified");
    d.govuk_path = get("govuk_path");
    d.attachment = get("attachment");
    d.attachment_glob = get("attachment_glob");
    return d;
}

ojson version_json(const VersionInfo& v, std::string_view original_name) {
    ojson j;
    j["label"] = v.label;
    j["date"] = v.date;
    j["retrieved_at"] = v.retrieved_at;
    j["source"] = v.source;
    j["format"] = v.format;
    j["original"] = original_name;
    j["size"] = v.size;
    j["sha256"] = v.sha256;
    j["words"] = v.words;
    j["words_added"] = v.words_added;
    j["words_removed"] = v.words_removed;
    j["note"] = v.note;
    // Written only when set (older stores have neither and read as empty).
    if (!v.publisher_note.empty())
        j["publisher_note"] = v.publisher_note;
    if (!v.date_source.empty())
        j["date_source"] = v.date_source;
    j["tool_version"] = v.tool_version;
    return j;
}

VersionInfo version_from_json(const nlohmann::json& j) {
    VersionInfo v;
    auto str = [&](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
    };
    auto num = [&](const char* key) -> std::uint64_t {
        return j.contains(key) && j[key].is_number() ? j[key].get<std::uint64_t>() : 0;
    };
    v.label = str("label");
    v.date = str("date");
    v.retrieved_at = str("retrieved_at");
    v.source = str("source");
    v.format = str("format");
    v.sha256 = str("sha256");
    v.note = str("note");
    v.publisher_note = str("publisher_note");
    v.date_source = str("date_source");
    v.tool_version = str("tool_version");
    v.size = num("size");
    v.words = num("words");
    v.words_added = num("words_added");
    v.words_removed = num("words_removed");
    return v;
}

std::string json_text(const ojson& j) {
    return j.dump(2) + "\n";
}

std::optional<CommitFields> parse_commit(std::string_view bytes) {
    CommitFields fields;
    bool tree = false;
    while (!bytes.empty()) {
        std::size_t eol = bytes.find('\n');
        std::string_view line = bytes.substr(0, eol);
        bytes = eol == std::string_view::npos ? std::string_view() : bytes.substr(eol + 1);
        if (line.empty())
            break; // the message follows
        if (line.starts_with("tree ") && line.size() == 45) {
            if (git_oid_fromstrn(&fields.tree, line.data() + 5, 40) < 0)
                return std::nullopt;
            tree = true;
        } else if (line.starts_with("parent ") && line.size() == 47 && !fields.parent) {
            git_oid parent;
            if (git_oid_fromstrn(&parent, line.data() + 7, 40) < 0)
                return std::nullopt;
            fields.parent = parent;
        }
    }
    if (!tree)
        return std::nullopt;
    while (!bytes.empty() && bytes.front() == '\n')
        bytes.remove_prefix(1);
    fields.message = bytes;
    return fields;
}

Trailers read_trailers(const git_commit* commit) {
    const char* msg = git_commit_message(commit);
    return msg ? read_trailers(std::string_view(msg)) : Trailers{};
}

Trailers read_trailers(std::string_view msg) {
    Trailers t;
    bool has_words = false;
    auto take = [&](std::string_view key, std::string_view value) {
        if (key == "Version")
            t.version = value;
        else if (key == "Technical-upgrade")
            t.technical = value == "yes";
        else if (key == "Date")
            t.info.date = value;
        else if (key == "Date-source")
            t.info.date_source = value;
        else if (key == "Retrieved-at")
            t.info.retrieved_at = value;
        else if (key == "Source")
            t.info.source = value;
        else if (key == "Format")
            t.info.format = value;
        else if (key == "Size")
            t.info.size = to_u64(value);
        else if (key == "SHA-256")
            t.info.sha256 = value;
        else if (key == "Tool-version")
            t.info.tool_version = value;
        else if (key == "Version-count")
            t.count = to_u64(value);
        else if (key == "Word-count") {
            t.info.words = to_u64(value);
            has_words = true;
        } else if (key == "Words") { // "+12 -3"
            std::size_t minus = value.find(" -");
            if (value.size() > 1 && value[0] == '+')
                t.info.words_added = to_u64(value.substr(1));
            if (minus != std::string_view::npos)
                t.info.words_removed = to_u64(value.substr(minus + 2));
        }
    };
    // The trailers this store writes (version_message): the last paragraph, from "Document: ",
    // one "Key: value" line each. Read directly (log reads thousands of commits: libgit2's
    // general trailer parser was a tenth of its time); anything else goes to libgit2.
    std::string_view all = msg;
    std::size_t block = all.rfind("\n\nDocument: ");
    bool fast = block != std::string_view::npos;
    std::vector<std::pair<std::string_view, std::string_view>> found;
    if (fast) {
        std::string_view rest = all.substr(block + 2);
        while (!rest.empty() && fast) {
            std::size_t eol = rest.find('\n');
            std::string_view line = rest.substr(0, eol);
            rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
            if (line.empty()) {
                fast = rest.find_first_not_of('\n') == std::string_view::npos; // only at the end
                break;
            }
            std::size_t colon = line.find(": ");
            if (colon == std::string_view::npos || colon == 0 ||
                line.substr(0, colon).find_first_of(" \t") != std::string_view::npos) {
                fast = false;
                break;
            }
            std::string_view value = line.substr(colon + 2);
            while (!value.empty() &&
                   (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
                value.remove_suffix(1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            found.emplace_back(line.substr(0, colon), value);
        }
    }
    if (fast) {
        for (auto [key, value] : found)
            take(key, value);
    } else {
        git_message_trailer_array arr{};
        if (git_message_trailers(&arr, std::string(msg).c_str()) < 0)
            return t;
        for (std::size_t i = 0; i < arr.count; ++i)
            take(arr.trailers[i].key, arr.trailers[i].value);
        git_message_trailer_array_free(&arr);
    }
    t.info.label = t.version;
    if (has_words && !t.version.empty()) {
        // The note is the paragraph(s) between the subject and the trailers.
        std::string_view m = msg;
        std::string marker = "\n\nDocument: ";
        std::size_t subject_end = m.find("\n\n");
        std::size_t trailers_at = m.rfind(marker);
        if (subject_end != std::string_view::npos && trailers_at != std::string_view::npos) {
            if (trailers_at > subject_end)
                t.info.note = std::string(m.substr(subject_end + 2, trailers_at - subject_end - 2));
            t.complete = true;
        }
    }
    return t;
}

std::string version_message(const std::string& id, const VersionInfo& v, std::size_t number) {
    std::string shown_date = !v.date.empty() ? v.date : v.retrieved_at.substr(0, 10);
    std::string msg = id + ": record version " + v.label + " (" + shown_date + ")\n\n";
    if (!v.note.empty())
        msg += v.note + "\n\n";
    if (!v.publisher_note.empty())
        msg += "Publisher's note: " + one_line(v.publisher_note) + "\n\n";
    msg += "Document: " + id + "\nVersion: " + v.label + "\n";
    if (!v.date.empty())
        msg += "Date: " + v.date + "\n";
    if (!v.date_source.empty())
        msg += "Date-source: " + v.date_source + "\n";
    msg += "Retrieved-at: " + v.retrieved_at + "\n";
    msg += "Source: " + one_line(v.source.empty() ? std::string("-") : v.source) + "\n";
    msg += "Format: " + v.format + "\n";
    msg += "Size: " + std::to_string(v.size) + "\n";
    msg += "SHA-256: " + v.sha256 + "\n";
    msg +=
        "Words: +" + std::to_string(v.words_added) + " -" + std::to_string(v.words_removed) + "\n";
    msg += "Tool-version: " + v.tool_version + "\n";
    msg += version_count_trailers(v, number);
    return msg;
}

std::string document_message(const DocumentInfo& info, bool update) {
    std::string msg = update ? info.id + ": update document metadata"
                             : info.id + ": track \"" + one_line(info.title) + "\"";
    msg += "\n\nTitle: " + one_line(info.title) + "\n";
    if (!info.url.empty())
        msg += "Source: " + one_line(info.url) + "\n";
    msg += "Document: " + info.id + "\n";
    return msg;
}

} // namespace guidetrack::store::detail
