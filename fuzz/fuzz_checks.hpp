// The properties every fuzz target checks, shared by the libFuzzer targets (fuzz/fuzz_*.cpp) and
// the Catch2 replay of the kept inputs (tests/test_regressions.cpp).
//
// Each check_* function runs one component on arbitrary bytes and returns an empty string when
// every property holds, else a one-line description of the violated property. Crashes and
// sanitizer reports need no description: they stop the process. Keeping the properties here,
// header-only, means a kept input is replayed against exactly what the fuzzer checked, without
// the test build having to compile anything from fuzz/.
#pragma once

#include "guidetrack/app/record.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/diff_json.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace gt_fuzz {

namespace model = guidetrack::model;

// Inputs larger than this are skipped by the content checks: the fuzzer's job is finding
// malformed structure, not measuring speed, and a huge input would only trip its timeout.
constexpr std::size_t kMaxInput = 256 * 1024;

// Properties named in $GT_FUZZ_SKIP (comma-separated) are not checked: a long fuzzing run can set
// it for a finding already reported, so that inputs showing that finding still join the corpus
// and the search goes on past it. Never set in CI: the replays check everything.
inline bool skipped(std::string_view property) {
    const char* env = std::getenv("GT_FUZZ_SKIP");
    if (!env)
        return false;
    std::string_view list(env);
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        if (list.substr(0, comma) == property)
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

// Properties of any document an extractor returns: valid UTF-8 on one line per block, links
// inside their block, JSON that serialises, and an exact stored-text round trip (what
// `snapshot` writes must read back to what the extractor produced).
inline std::string check_document(const model::Document& doc, std::string_view who) {
    std::string w(who);
    for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
        const model::Block& b = doc.blocks[i];
        std::string at = w + ": block " + std::to_string(i);
        if (!guidetrack::text::is_valid_utf8(b.text))
            return at + " has invalid UTF-8 text";
        if (b.text.find('\n') != std::string::npos)
            return at + " has a newline in its text";
        if (b.text.empty())
            return at + " is empty";
        for (const model::Link& l : b.links)
            if (l.begin > l.end || l.end > b.text.size())
                return at + " has a link outside its text";
        if (!guidetrack::text::is_valid_utf8(b.page) || !guidetrack::text::is_valid_utf8(b.number))
            return at + " has an invalid UTF-8 anchor";
    }
    try {
        (void)model::to_json(doc).dump();
    } catch (const std::exception& e) {
        return w + ": to_json threw: " + e.what();
    }
    std::string stored = model::write_stored_text(doc);
    auto back = model::parse_stored_text(stored);
    if (!back.ok())
        return w + ": its stored text does not parse back: " + back.error().message;
    if (!(*back == doc)) {
        for (std::size_t i = 0; i < std::min(back->blocks.size(), doc.blocks.size()); ++i)
            if (!(back->blocks[i] == doc.blocks[i]))
                return w + ": stored-text round trip changes block " + std::to_string(i) + " '" +
                       doc.blocks[i].text.substr(0, 80) + "'";
        return w + ": stored-text round trip changes the number of blocks (" +
               std::to_string(doc.blocks.size()) + " -> " + std::to_string(back->blocks.size()) +
               ")";
    }
    return {};
}

// An extractor's result: either a document with the properties above, or an error whose message
// is one valid-UTF-8 line (it goes straight to the user's terminal).
inline std::string check_extracted(const guidetrack::Result<model::Document>& r,
                                   std::string_view who) {
    if (!r.ok()) {
        const std::string& m = r.error().message;
        if (m.empty())
            return std::string(who) + ": empty error message";
        if (m.find('\n') != std::string::npos)
            return std::string(who) + ": error message has a newline: " + m.substr(0, 120);
        if (!guidetrack::text::is_valid_utf8(m))
            return std::string(who) + ": error message is not valid UTF-8";
        return {};
    }
    return check_document(*r, who);
}

inline std::string check_extract_pdf(std::string_view data) {
    if (data.size() > kMaxInput)
        return {};
    return check_extracted(guidetrack::extract::extract_pdf(data), "extract_pdf");
}

inline std::string check_extract_html(std::string_view data) {
    if (data.size() > kMaxInput)
        return {};
    return check_extracted(guidetrack::extract::extract_html(data), "extract_html");
}

inline std::string check_extract_markdown(std::string_view data) {
    if (data.size() > kMaxInput)
        return {};
    if (auto v = check_extracted(guidetrack::extract::extract_markdown(data), "extract_markdown");
        !v.empty())
        return v;
    return check_extracted(guidetrack::extract::extract_text(data), "extract_text");
}

// Split one input into two documents: at the first NUL byte, else in the middle.
inline std::pair<std::string_view, std::string_view> split_two(std::string_view data) {
    std::size_t cut = data.find('\0');
    if (cut == std::string_view::npos)
        return {data.substr(0, data.size() / 2), data.substr(data.size() / 2)};
    return {data.substr(0, cut), data.substr(cut + 1)};
}

inline std::string concat_runs(const std::vector<guidetrack::diff::WordEdit>& edits,
                               guidetrack::diff::EditOp skip) {
    std::string s;
    for (const auto& e : edits)
        if (e.op != skip)
            s += e.text;
    return s;
}

// Properties of a change set between two documents: anchors inside their documents, word edits
// that rebuild both texts, JSON that serialises, and a notice that builds and renders.
inline std::string check_changes(const model::Document& a, const model::Document& b,
                                 const guidetrack::diff::ChangeSet& cs, bool exact_texts) {
    using guidetrack::diff::ChangeKind;
    using guidetrack::diff::EditOp;
    for (std::size_t i = 0; i < cs.changes.size(); ++i) {
        const auto& c = cs.changes[i];
        std::string at = "diff: change " + std::to_string(i) + " (" +
                         std::string(guidetrack::diff::kind_name(c.kind)) + ")";
        if (c.old_anchor && c.old_anchor->block_index >= a.blocks.size() &&
            c.kind != ChangeKind::renumbered)
            return at + " has an old anchor past the old document";
        if (c.new_anchor && c.new_anchor->block_index >= b.blocks.size() &&
            c.kind != ChangeKind::renumbered)
            return at + " has a new anchor past the new document";
    }
    try {
        (void)guidetrack::render::diff_json(cs).dump();
        (void)guidetrack::diff::stats(cs);
        guidetrack::notice::Options no;
        no.include_minor = true;
        auto n = guidetrack::notice::build_notice(a, b, cs, {"Title <x>", "v1", "v2", "", ""}, no);
        (void)guidetrack::render::notice_text(n);
        (void)guidetrack::render::notice_markdown(n, false);
        (void)guidetrack::render::notice_markdown(n, true);
        (void)guidetrack::render::notice_html(n);
        (void)guidetrack::render::notice_json_text(n);
    } catch (const std::exception& e) {
        return std::string("diff/notice threw: ") + e.what();
    }
    // Last, so that inputs violating it still exercise everything above.
    for (std::size_t i = 0; i < cs.changes.size(); ++i) {
        const auto& c = cs.changes[i];
        std::string at = "diff: change " + std::to_string(i) + " (" +
                         std::string(guidetrack::diff::kind_name(c.kind)) + ")";
        if (exact_texts && !c.edits.empty() && c.old_block && c.new_block &&
            !skipped("edit-runs")) {
            if (concat_runs(c.edits, EditOp::added) != c.old_block->text)
                return at + ": equal+removed runs do not rebuild the old text '" +
                       c.old_block->text.substr(0, 80) + "'";
            if (concat_runs(c.edits, EditOp::removed) != c.new_block->text)
                return at + ": equal+added runs do not rebuild the new text '" +
                       c.new_block->text.substr(0, 80) + "'";
        }
    }
    return {};
}

// Two documents from one input; the first byte picks the extractor and the diff options.
inline std::string check_diff(std::string_view data) {
    if (data.size() > kMaxInput || data.empty())
        return {};
    unsigned char flags = static_cast<unsigned char>(data[0]);
    auto [left, right] = split_two(data.substr(1));
    auto extract = [&](std::string_view s) {
        return (flags & 1) ? guidetrack::extract::extract_text(s)
                           : guidetrack::extract::extract_markdown(s);
    };
    auto a = extract(left);
    auto b = extract(right);
    if (!a.ok() || !b.ok())
        return {};
    guidetrack::diff::Options opts;
    opts.ignore_typography = (flags & 2) != 0;
    opts.ignore_case = (flags & 4) != 0;
    bool exact = !opts.ignore_typography && !opts.ignore_case;
    auto same = guidetrack::diff::compare(*a, *a, opts);
    if (!same.empty())
        return "diff: a document compared with itself has " + std::to_string(same.changes.size()) +
               " change(s)";
    auto cs = guidetrack::diff::compare(*a, *b, opts);
    if (auto v = check_changes(*a, *b, cs, exact); !v.empty())
        return v;
    auto back = guidetrack::diff::compare(*b, *a, opts);
    return check_changes(*b, *a, back, exact);
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The HTML report is safe to open: every tag in it is one the renderer writes (document text can
// add none), no tag has an event-handler attribute, every link is http(s) or in-page, and a
// Content-Security-Policy is set. Returns the first violation.
inline std::string check_report_html(std::string_view html) {
    static const char* allowed[] = {
        "!doctype", "html",       "head",    "meta",  "title",  "style", "body", "main", "header",
        "footer",   "section",    "article", "nav",   "h1",     "h2",    "h3",   "h4",   "h5",
        "h6",       "p",          "ul",      "ol",    "li",     "dl",    "dt",   "dd",   "del",
        "ins",      "a",          "span",    "div",   "strong", "em",    "b",    "i",    "code",
        "pre",      "table",      "thead",   "tbody", "tr",     "th",    "td",   "br",   "hr",
        "small",    "blockquote", "q",       "mark",  "s",      "u",     "abbr", "time", "caption",
        "details",  "summary",    "sup",     "sub",   "figure", "kbd"};
    if (lower(html).find("content-security-policy") == std::string::npos)
        return "report: the HTML has no Content-Security-Policy";
    std::size_t pos = 0;
    while ((pos = html.find('<', pos)) != std::string_view::npos) {
        std::size_t end = html.find('>', pos);
        if (end == std::string_view::npos)
            return "report: unterminated tag at byte " + std::to_string(pos);
        if (html.substr(pos, 4) == "<!--") { // a comment: skip it whole
            std::size_t close = html.find("-->", pos);
            if (close == std::string_view::npos)
                return "report: unterminated comment";
            pos = close + 3;
            continue;
        }
        std::string tag = lower(html.substr(pos + 1, end - pos - 1));
        pos = end + 1;
        if (!tag.empty() && tag[0] == '/')
            tag.erase(0, 1);
        std::size_t name_end = tag.find_first_of(" \t\r\n/");
        std::string name = tag.substr(0, name_end);
        if (std::none_of(std::begin(allowed), std::end(allowed),
                         [&](const char* a) { return name == a; }))
            return "report: unexpected tag <" + name.substr(0, 40) + "> in the HTML";
        if (name == "style") { // skip the style sheet's body
            std::size_t close = lower(html.substr(pos)).find("</style>");
            pos = close == std::string::npos ? html.size() : pos + close;
            continue;
        }
        // Attributes: no on* event handlers; link targets only http(s) or in-page.
        std::size_t i = name.size();
        auto space = [&](std::size_t k) {
            return std::isspace(static_cast<unsigned char>(tag[k])) != 0;
        };
        while (i < tag.size()) {
            while (i < tag.size() && (space(i) || tag[i] == '/'))
                ++i;
            std::size_t a = i;
            while (i < tag.size() && tag[i] != '=' && !space(i))
                ++i;
            std::string attr = tag.substr(a, i - a);
            std::string value;
            if (i < tag.size() && tag[i] == '=') {
                ++i;
                if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
                    char q = tag[i++];
                    std::size_t v = i;
                    while (i < tag.size() && tag[i] != q)
                        ++i;
                    value = tag.substr(v, i - v);
                    ++i;
                } else {
                    std::size_t v = i;
                    while (i < tag.size() && !space(i))
                        ++i;
                    value = tag.substr(v, i - v);
                }
            }
            if (attr.size() > 2 && attr.compare(0, 2, "on") == 0)
                return "report: event-handler attribute " + attr + " in <" + name + ">";
            if ((attr == "href" || attr == "src" || attr == "action" || attr == "formaction") &&
                !(value.compare(0, 7, "http://") == 0 || value.compare(0, 8, "https://") == 0 ||
                  value.compare(0, 1, "#") == 0))
                return "report: unsafe " + attr + " target '" + value.substr(0, 40) + "' in <" +
                       name + ">";
        }
    }
    return {};
}

// Change notices rendered from two documents: the HTML report passes check_report_html, the JSON
// parses, and every output is valid UTF-8 without raw control characters.
inline std::string check_report(std::string_view data) {
    if (data.size() > kMaxInput || data.empty())
        return {};
    auto [left, right] = split_two(data);
    auto a = guidetrack::extract::extract_markdown(left);
    auto b = guidetrack::extract::extract_markdown(right);
    if (!a.ok() || !b.ok())
        return {};
    auto cs = guidetrack::diff::compare(*a, *b);
    guidetrack::notice::Options no;
    no.include_minor = true;
    std::string title = b->blocks.empty() ? "" : b->blocks.front().text;
    auto n = guidetrack::notice::build_notice(*a, *b, cs, {title, "v1", "v2", "", ""}, no);
    std::string html = guidetrack::render::notice_html(n);
    if (auto v = check_report_html(html); !v.empty())
        return v;
    std::string json = guidetrack::render::notice_json_text(n);
    if (!nlohmann::json::accept(json))
        return "report: notice JSON does not parse";
    for (const std::string* out : {&html, &json}) {
        if (!guidetrack::text::is_valid_utf8(*out))
            return "report: output is not valid UTF-8";
        for (char c : *out)
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                return "report: raw control character in an output";
    }
    return {};
}

// Reading a stored text back: never crashes; when it parses, writing it out is a fixed point
// (write(parse(write(parse(x)))) == write(parse(x))), and for normalised text the model
// survives the round trip exactly.
inline std::string check_stored_text(std::string_view data) {
    if (data.size() > kMaxInput)
        return {};
    auto doc = model::parse_stored_text(data);
    if (!doc.ok())
        return {};
    std::string once = model::write_stored_text(*doc);
    auto again = model::parse_stored_text(once);
    if (!again.ok())
        return "stored_text: written text does not parse back: " + again.error().message;
    std::string twice = model::write_stored_text(*again);
    if (twice != once)
        return "stored_text: write(parse(x)) is not stable";
    bool normalised = true;
    for (const auto& b : doc->blocks) {
        auto n = guidetrack::text::normalise(b.text);
        if (!n.ok() || *n != b.text || b.text.empty() || !guidetrack::text::is_valid_utf8(b.page) ||
            !guidetrack::text::is_valid_utf8(b.number))
            normalised = false;
    }
    if (normalised && !(*again == *doc))
        return "stored_text: a normalised document changes in the round trip";
    return {};
}

// A small store with one document in three versions (the sample in snapshots/sample), for the
// selector target. Built once per process.
struct SelectorStore {
    std::filesystem::path dir;
    std::optional<guidetrack::store::Store> store;
    std::vector<guidetrack::store::VersionInfo> versions;
    std::string error; // why the store could not be built
};

inline std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline SelectorStore build_selector_store(const std::filesystem::path& dir,
                                          const std::filesystem::path& sample_dir) {
    namespace gs = guidetrack::store;
    SelectorStore s;
    s.dir = dir;
    std::filesystem::remove_all(dir);
    auto st = gs::Store::init(dir);
    if (!st.ok()) {
        s.error = st.error().message;
        return s;
    }
    gs::DocumentInfo info;
    info.id = "sample";
    info.title = "Sample guidance";
    info.format = "md";
    if (auto r = st->track(info); !r.ok()) {
        s.error = r.error().message;
        return s;
    }
    const char* dates[] = {"2023-01-10", "2023-06-01", "2024-02-23"};
    for (int i = 1; i <= 3; ++i) {
        gs::SnapshotRequest req;
        req.id = "sample";
        req.original = read_all(sample_dir / ("v" + std::to_string(i) + ".md"));
        req.source = "v" + std::to_string(i) + ".md";
        req.filename = req.source;
        req.label = "v" + std::to_string(i);
        req.date = dates[i - 1];
        req.retrieved_at = std::string(dates[i - 1]) + "T10:00:00Z";
        auto r = guidetrack::app::snapshot(*st, req);
        if (!r.ok()) {
            s.error = r.error().message;
            return s;
        }
    }
    auto vs = st->versions("sample");
    if (!vs.ok()) {
        s.error = vs.error().message;
        return s;
    }
    s.versions = *vs;
    s.store.emplace(std::move(*st));
    return s;
}

// Version selectors and IDs: resolve() never crashes, a resolved version is one of the
// document's, an exact label selects that label, and an ID that fails validation never reaches
// the repository.
inline std::string check_selector(const SelectorStore& s, std::string_view data) {
    namespace gs = guidetrack::store;
    if (!s.store)
        return "selector: fixture store not built: " + s.error;
    if (data.size() > 4096)
        return {};
    auto r = s.store->resolve("sample", data);
    if (r.ok()) {
        bool known = std::any_of(s.versions.begin(), s.versions.end(),
                                 [&](const gs::VersionInfo& v) { return v.commit == r->commit; });
        if (!known)
            return "selector: resolved to a commit that is not a version";
        for (const auto& v : s.versions)
            if (v.label == data && r->commit != v.commit)
                return "selector: label '" + v.label + "' resolved to another version";
    } else if ((r.error().message.find('\n') != std::string::npos ||
                !guidetrack::text::is_valid_utf8(r.error().message)) &&
               !skipped("error-lines")) {
        return "selector: error message is not one valid UTF-8 line";
    }
    bool id_ok = gs::validate_id(data).ok();
    auto by_id = s.store->resolve(data, "latest");
    if (by_id.ok() && data != "sample")
        return "selector: an unknown ID resolved";
    if (!id_ok && by_id.ok())
        return "selector: an invalid ID resolved";
    (void)gs::validate_label(data);
    return {};
}

} // namespace gt_fuzz
