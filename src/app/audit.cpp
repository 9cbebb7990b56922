#include "guidetrack/app/audit.hpp"
#include "guidetrack/text/text.hpp"

#include "guidetrack/diff/diff.hpp"
#include "guidetrack/render/notice.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

namespace guidetrack::audit {
namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
    return text::ascii_lower(s);
}

std::string trim(std::string_view s) {
    return std::string(text::trim(s));
}

// A bullet, dash or number at the start of a line.
std::string strip_bullet(const std::string& line) {
    static const std::regex bullet(std::string(R"(^\s*(?:[-*+]|)") + "\xE2\x80\xA2|\xE2\x80\x93" +
                                   R"(|\d{1,3}[.)])\s+)");
    return trim(std::regex_replace(line, bullet, "", std::regex_constants::format_first_only));
}

// Lines that are only a heading date ("February 2022", "23 February 2024:").
bool only_a_date(const std::string& s) {
    static const std::regex date(
        R"(^(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}:?$)",
        std::regex::icase);
    return std::regex_match(s, date);
}

// Split a line before each sentence that starts with a place and a colon ("... . Paragraph 36:").
std::vector<std::string> split_sentences(const std::string& line) {
    static const std::regex starts_place(
        R"(^(?:Pages?|Paragraphs?|Paras?|Sections?|Annex|Chapter|Footnotes?)\s[^.:]{0,80}:)",
        std::regex::icase);
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t i = 0; i + 2 < line.size(); ++i) {
        if ((line[i] == '.' || line[i] == ';') && line[i + 1] == ' ') {
            std::string rest = line.substr(i + 2);
            if (std::regex_search(rest, starts_place, std::regex_constants::match_continuous)) {
                out.push_back(trim(line.substr(start, i + 1 - start)));
                start = i + 2;
            }
        }
    }
    out.push_back(trim(line.substr(start)));
    std::erase_if(out, [](const std::string& s) { return s.empty(); });
    return out;
}

const std::string kNum = R"((\d+(?:\.\d+)*[a-z]?))";
const std::string kTo =
    std::string(R"((?:\s*(?:to|-|)") + "\xE2\x80\x93" + R"(|and)\s*)" + kNum + ")?";

void read_places(OfficialItem& item) {
    const std::string& t = item.text;
    static const std::regex page(R"(\bpages?\s+)" + kNum + kTo, std::regex::icase);
    static const std::regex para(R"(\b(?:paragraphs?|paras?)\.?\s+)" + kNum + kTo,
                                 std::regex::icase);
    static const std::regex footnote(R"(\bfootnotes?\b(?:\s+(\d+))?)", std::regex::icase);
    for (auto it = std::sregex_iterator(t.begin(), t.end(), page); it != std::sregex_iterator();
         ++it)
        item.pages.push_back({(*it)[1].str(), (*it)[2].str()});
    for (auto it = std::sregex_iterator(t.begin(), t.end(), para); it != std::sregex_iterator();
         ++it)
        item.paragraphs.push_back({(*it)[1].str(), (*it)[2].str()});
    std::smatch m;
    if (std::regex_search(t, m, footnote)) {
        item.footnote = true;
        item.footnote_mark = m[1].str();
    }
    // Quoted names (sections, headings, defined terms), short ones only: a long quote is the new
    // wording, not a name.
    static const std::regex quoted(
        std::string("(?:'([^']{2,120})'|\xE2\x80\x98(.{2,120}?)\xE2\x80\x99|\"([^\"]{2,120})\"|"
                    "\xE2\x80\x9C(.{2,120}?)\xE2\x80\x9D)"));
    for (auto it = std::sregex_iterator(t.begin(), t.end(), quoted); it != std::sregex_iterator();
         ++it) {
        std::string name;
        for (int g = 1; g <= 4; ++g)
            if ((*it)[g].matched)
                name = (*it)[g].str();
        name = trim(name);
        std::size_t words = static_cast<std::size_t>(std::count(name.begin(), name.end(), ' ')) + 1;
        if (!name.empty() && words <= 12)
            item.names.push_back(name);
    }
}

void read_kinds(OfficialItem& item) {
    std::string t = lower(item.text);
    auto has = [&](std::initializer_list<const char*> words) {
        return std::any_of(words.begin(), words.end(),
                           [&](const char* w) { return t.find(w) != std::string::npos; });
    };
    if (has({"email", "e-mail", "@"}))
        item.kinds.push_back("email");
    if (has({"link", "url", "web address", "latest version", "signpost"}))
        item.kinds.push_back("link");
    if (has({"glossary", "definition", "defined"}))
        item.kinds.push_back("glossary");
    if (has({"heading", "renamed", "title"}))
        item.kinds.push_back("heading");
    if (has({"wording", "amended", "clarif", "reworded", "clarity", "corrected", "updated"}))
        item.kinds.push_back("wording");
    if (has({"added", "new paragraph", "new section", "inserted"}))
        item.kinds.push_back("added");
    if (has({"removed", "deleted", "withdrawn"}))
        item.kinds.push_back("removed");
}

bool is_int(const std::string& s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// Do the two ranges share a number? Non-numeric labels compare equal or not at all.
bool overlaps(const std::string& a1, const std::string& a2, const std::string& b1,
              const std::string& b2) {
    if (a1.empty() || b1.empty())
        return false;
    std::string ae = a2.empty() ? a1 : a2, be = b2.empty() ? b1 : b2;
    if (is_int(a1) && is_int(ae) && is_int(b1) && is_int(be)) {
        long lo1 = std::stol(a1), hi1 = std::stol(ae), lo2 = std::stol(b1), hi2 = std::stol(be);
        if (lo1 > hi1)
            std::swap(lo1, hi1);
        if (lo2 > hi2)
            std::swap(lo2, hi2);
        return lo1 <= hi2 && lo2 <= hi1;
    }
    return lower(a1) == lower(b1) || lower(ae) == lower(be);
}

// Every location an item touches: its own and its parts'.
std::vector<const notice::Location*> locations(const notice::NoticeItem& item) {
    std::vector<const notice::Location*> out{&item.where};
    for (const auto& p : item.parts)
        out.push_back(&p.where);
    return out;
}

bool kind_is(const notice::NoticeItem& item, const std::string& kind) {
    using K = notice::ItemKind;
    switch (item.kind) {
    case K::email_corrected:
        return kind == "email";
    case K::link_added:
    case K::link_removed:
    case K::link_updated:
        return kind == "link";
    case K::definition_updated:
        return kind == "glossary";
    case K::heading_renamed:
        return kind == "heading";
    case K::paragraph_added:
        return kind == "added";
    case K::paragraph_removed:
        return kind == "removed";
    default:
        return kind == "wording";
    }
}

bool matches(const OfficialItem& o, const notice::NoticeItem& item) {
    auto locs = locations(item);
    if (!o.paragraphs.empty()) {
        for (const auto* l : locs)
            for (const auto& r : o.paragraphs)
                if (overlaps(l->paragraph, l->paragraph_last, r.first, r.last) &&
                    (!o.footnote || !l->footnote.empty()) &&
                    (o.footnote_mark.empty() || l->footnote == o.footnote_mark))
                    return true;
        return false;
    }
    if (!o.pages.empty()) {
        for (const auto* l : locs)
            for (const auto& r : o.pages)
                if (overlaps(l->page, l->page_last, r.first, r.last) &&
                    (o.footnote_mark.empty() || l->footnote == o.footnote_mark))
                    return true;
        return false;
    }
    if (!o.footnote_mark.empty()) {
        for (const auto* l : locs)
            if (l->footnote == o.footnote_mark)
                return true;
        return false;
    }
    if (!o.names.empty()) {
        std::string desc = lower(item.description);
        for (const auto& name : o.names) {
            std::string n = lower(name);
            if (desc.find(n) != std::string::npos)
                return true;
            for (const auto* l : locs)
                for (const auto& s : l->section)
                    if (lower(s) == n)
                        return true;
        }
        return false;
    }
    // No place at all: only a specific kind can say which change it means.
    for (const auto& k : o.kinds)
        if (k != "wording" && kind_is(item, k))
            return true;
    return false;
}

std::string range_text(const char* one, const char* many, const Range& r) {
    return r.last.empty() ? std::string(one) + " " + r.first
                          : std::string(many) + " " + r.first + " to " + r.last;
}

} // namespace

std::string OfficialItem::place_text() const {
    std::vector<std::string> bits;
    for (const auto& p : pages)
        bits.push_back(range_text("page", "pages", p));
    for (const auto& p : paragraphs)
        bits.push_back(range_text("paragraph", "paragraphs", p));
    if (footnote)
        bits.push_back(footnote_mark.empty() ? "a footnote" : "footnote " + footnote_mark);
    if (bits.empty())
        for (const auto& n : names)
            bits.push_back("'" + n + "'");
    std::string out;
    for (const auto& b : bits)
        out += (out.empty() ? "" : ", ") + b;
    return out;
}

std::vector<OfficialItem> parse_note(std::string_view note) {
    std::vector<OfficialItem> out;
    std::string s(note);
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t end = s.find('\n', pos);
        if (end == std::string::npos)
            end = s.size();
        std::string line = strip_bullet(s.substr(pos, end - pos));
        pos = end + 1;
        if (line.empty() || only_a_date(line))
            continue;
        for (auto& sentence : split_sentences(line)) {
            OfficialItem item;
            item.text = sentence;
            read_places(item);
            read_kinds(item);
            out.push_back(std::move(item));
        }
    }
    return out;
}

Result<Audit> run(const notice::Notice& computed, std::string_view note) {
    Audit a;
    a.notice = computed;
    a.official = parse_note(note);
    if (a.official.empty())
        return input_error("the publisher's note is empty: nothing to audit");
    std::vector<bool> covered(computed.items.size(), false);
    for (auto& o : a.official)
        for (std::size_t i = 0; i < computed.items.size(); ++i)
            if (matches(o, computed.items[i])) {
                o.matched.push_back(i);
                covered[i] = true;
            }
    for (std::size_t i = 0; i < computed.items.size(); ++i)
        if (!covered[i] && computed.items[i].major)
            a.unlisted.push_back(i);
    return a;
}

Result<Format> parse_format(std::string_view name) {
    if (name == "text" || name.empty())
        return Format::text;
    if (name == "md" || name == "markdown")
        return Format::markdown;
    if (name == "json")
        return Format::json;
    return input_error("unknown audit format '" + std::string(name) + "' (text, md or json)");
}

namespace {

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20)
            c = ' ';
    return s;
}

} // namespace

std::string item_line(const Audit& a, std::size_t item) {
    return item < a.notice.items.size() ? one_line(render::item_line(a.notice.items[item])) : "";
}

std::string summary_line(const Audit& a) {
    std::size_t major = 0;
    for (const auto& i : a.notice.items)
        major += i.major ? 1 : 0;
    std::size_t unfound = static_cast<std::size_t>(std::count_if(
        a.official.begin(), a.official.end(), [](const auto& o) { return o.matched.empty(); }));
    std::string out =
        a.complete()
            ? "The publisher's note covers every major change (" + std::to_string(major) + ")."
            : "The publisher's note leaves out " + std::to_string(a.unlisted.size()) + " of " +
                  std::to_string(major) + " major changes.";
    if (unfound)
        out += " " + std::to_string(unfound) + " of its " + std::to_string(a.official.size()) +
               " items found no change.";
    return out;
}

std::string render_text(const Audit& a) {
    std::string out = "Audit of the publisher's note: " + one_line(a.notice.title);
    if (!a.notice.old_label.empty() || !a.notice.new_label.empty())
        out += " (" + a.notice.old_label + " -> " + a.notice.new_label + ")";
    out += "\n";
    std::size_t n = 0;
    for (const auto& o : a.official) {
        out += std::to_string(++n) + ". " + one_line(o.text) + "\n";
        std::string place = o.place_text();
        out += "   place: " + (place.empty() ? std::string("none given") : place) + "\n";
        if (o.matched.empty())
            out +=
                place.empty() ? "   no change found of this kind\n" : "   no change found there\n";
        for (auto i : o.matched)
            out += "   matches: " + one_line(render::item_line(a.notice.items[i])) + "\n";
    }
    for (auto i : a.unlisted)
        out +=
            "not in the publisher's note: " + one_line(render::item_line(a.notice.items[i])) + "\n";
    out += summary_line(a) + "\n";
    return out;
}

std::string render_markdown(const Audit& a, int level) {
    auto esc = [](const std::string& s) { return render::markdown_escape(one_line(s)); };
    std::string h(static_cast<std::size_t>(std::clamp(level, 1, 5)), '#');
    std::string out = h + " Audit of the publisher's note: " + esc(a.notice.title) + "\n\n";
    if (!a.notice.old_label.empty() || !a.notice.new_label.empty())
        out += "Compared version " + esc(a.notice.old_label) + " with version " +
               esc(a.notice.new_label) + ".\n\n";
    out += h + "# The publisher's note\n\n";
    for (const auto& o : a.official) {
        out += "- " + esc(o.text) + "\n";
        if (o.matched.empty())
            out += o.has_place() ? "  - _no change found there_\n"
                                 : "  - _no change found of this kind_\n";
        for (auto i : o.matched)
            out += "  - matches: " + esc(render::item_line(a.notice.items[i])) + "\n";
    }
    out += "\n" + h + "# Not in the publisher's note\n\n";
    if (a.unlisted.empty())
        out += "Nothing: every major change is in the note.\n";
    for (auto i : a.unlisted)
        out += "- not in the publisher's note: " + esc(render::item_line(a.notice.items[i])) + "\n";
    out += "\n" + esc(summary_line(a)) + "\n";
    return out;
}

std::string render_html_section(const Audit& a, int level) {
    using render::html_escape;
    auto esc = [](const std::string& s) { return html_escape(one_line(s)); };
    std::string h = std::to_string(std::clamp(level, 1, 6));
    std::string out =
        "<section class=\"audit\">\n<h" + h + ">The publisher's note, audited</h" + h + ">\n<ul>\n";
    for (const auto& o : a.official) {
        out += "<li>" + esc(o.text);
        if (o.matched.empty())
            out += o.has_place() ? "<br><em>no change found there</em>"
                                 : "<br><em>no change found of this kind</em>";
        for (auto i : o.matched)
            out += "<br>matches: " + esc(render::item_line(a.notice.items[i]));
        out += "</li>\n";
    }
    out += "</ul>\n";
    if (!a.unlisted.empty()) {
        out += "<p>Not in the publisher's note:</p>\n<ul>\n";
        for (auto i : a.unlisted)
            out += "<li>" + esc(render::item_line(a.notice.items[i])) + "</li>\n";
        out += "</ul>\n";
    }
    out += "<p class=\"meta\">" + esc(summary_line(a)) + "</p>\n</section>\n";
    return out;
}

json to_json(const Audit& a) {
    auto item_json = [&](std::size_t i) {
        const auto& item = a.notice.items[i];
        return json{{"line", render::item_line(item)},
                    {"kind", notice::kind_name(item.kind)},
                    {"location", notice::location_text(item.where)},
                    {"description", item.description}};
    };
    json official = json::array();
    for (const auto& o : a.official) {
        json m = json::array();
        for (auto i : o.matched)
            m.push_back(item_json(i));
        json pages = json::array(), paras = json::array();
        for (const auto& r : o.pages)
            pages.push_back(json{{"first", r.first}, {"last", r.last}});
        for (const auto& r : o.paragraphs)
            paras.push_back(json{{"first", r.first}, {"last", r.last}});
        official.push_back(json{{"text", o.text},
                                {"place", o.place_text()},
                                {"pages", pages},
                                {"paragraphs", paras},
                                {"footnote", o.footnote},
                                {"names", o.names},
                                {"kinds", o.kinds},
                                {"found", !o.matched.empty()},
                                {"matches", m}});
    }
    json unlisted = json::array();
    for (auto i : a.unlisted)
        unlisted.push_back(item_json(i));
    return json{{"schema_version", 1},        {"title", a.notice.title},
                {"from", a.notice.old_label}, {"to", a.notice.new_label},
                {"complete", a.complete()},   {"exit_code", a.exit_code()},
                {"official", official},       {"not_in_note", unlisted}};
}

std::string render(const Audit& a, Format f) {
    switch (f) {
    case Format::markdown:
        return render_markdown(a);
    case Format::json:
        return to_json(a).dump(2) + "\n";
    case Format::text:
        break;
    }
    return render_text(a);
}

Result<Stored> load(const store::Store& st, const std::string& id, const std::string& from,
                    const std::string& to) {
    GT_CHECK(store::validate_id(id));
    GT_TRY(store::DocumentInfo info, st.document(id));
    GT_TRY(std::vector<store::VersionInfo> versions, st.versions(id));
    if (versions.empty())
        return input_error(id + ": no versions recorded yet");
    Stored s;
    s.to = versions.front();
    if (!to.empty()) {
        GT_TRY(s.to, st.resolve(id, to));
    }
    std::size_t to_index = versions.size(), from_index = versions.size();
    for (std::size_t i = 0; i < versions.size(); ++i)
        if (versions[i].commit == s.to.commit)
            to_index = i;
    if (!from.empty()) {
        GT_TRY(s.from, st.resolve(id, from));
        for (std::size_t i = 0; i < versions.size(); ++i)
            if (versions[i].commit == s.from.commit)
                from_index = i;
    } else {
        if (to_index + 1 >= versions.size())
            return input_error(id + ": no version before " + s.to.label + " to compare with");
        from_index = to_index + 1;
        s.from = versions[from_index];
    }
    // The publisher's notes of the versions after FROM up to TO (versions are newest first).
    std::vector<std::string> notes;
    for (std::size_t i = to_index; i < from_index && i < versions.size(); ++i)
        if (!versions[i].publisher_note.empty() &&
            std::find(notes.begin(), notes.end(), versions[i].publisher_note) == notes.end())
            notes.push_back(versions[i].publisher_note);
    for (const auto& n : notes)
        s.publisher_note += (s.publisher_note.empty() ? "" : "\n") + n;

    GT_TRY(model::Document old_doc, st.stored_document(id, s.from));
    GT_TRY(model::Document new_doc, st.stored_document(id, s.to));
    notice::Versions v;
    v.title = !info.title.empty() ? info.title : notice::document_title(new_doc);
    if (v.title.empty())
        v.title = id;
    v.old_label = s.from.label;
    v.new_label = s.to.label;
    v.date = s.to.date;
    v.fallback_date = s.to.retrieved_at;
    s.notice = notice::build_notice(old_doc, new_doc, diff::compare(old_doc, new_doc), v);
    return s;
}

} // namespace guidetrack::audit
