#include "guidetrack/render/notice.hpp"
#include "guidetrack/render/escape.hpp"

#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

namespace guidetrack::render {
namespace {

using notice::ItemKind;
using notice::Notice;
using notice::NoticeItem;

std::string capitalise(std::string s) {
    if (!s.empty())
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

// A few words a reader understands for each kind (the HTML report's item labels).
std::string_view kind_label(ItemKind kind) {
    switch (kind) {
    case ItemKind::email_corrected:
        return "Email address corrected";
    case ItemKind::link_added:
        return "Link added";
    case ItemKind::link_removed:
        return "Link removed";
    case ItemKind::link_updated:
        return "Link updated";
    case ItemKind::date_changed:
        return "Date changed";
    case ItemKind::number_changed:
        return "Number changed";
    case ItemKind::definition_updated:
        return "Definition updated";
    case ItemKind::heading_renamed:
        return "Heading renamed";
    case ItemKind::paragraph_added:
        return "Added";
    case ItemKind::paragraph_removed:
        return "Removed";
    case ItemKind::paragraph_moved:
        return "Moved";
    case ItemKind::renumbered:
        return "Renumbered";
    case ItemKind::cross_references_updated:
        return "Cross-references updated";
    case ItemKind::typographic:
        return "Typographic";
    case ItemKind::wording_amended:
        return "Wording amended";
    }
    return "Changed";
}

std::string minor_note(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " minor change" : " minor changes") +
           " (typographic or punctuation only) not listed; use --include-minor to see " +
           (n == 1 ? "it." : "them.");
}

std::string heading_line(const Notice& n) {
    return n.date.empty() ? std::string() : "Last updated " + notice::display_date(n.date);
}

// The optional note lines under the heading: {label, note}, publisher's first.
std::vector<std::pair<std::string, std::string>> note_lines(const Notice& n) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!n.publisher_note.empty())
        out.emplace_back("Publisher's note", n.publisher_note);
    if (!n.note.empty())
        out.emplace_back("Our note", n.note);
    return out;
}

// Markdown: backslash-escape what could become markup.
std::string md_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '<':
        case '>':
        case '|':
        case '~':
        case '#':
            out.push_back('\\');
            out.push_back(c);
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

std::string text_line(std::string_view s) {
    // Terminal output: no control characters from the documents.
    std::string repaired = text::repair_utf8(s);
    std::string out;
    for (char c : repaired) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            out.push_back(' ');
        else
            out.push_back(c);
    }
    return out;
}

constexpr const char* kStyle = R"css(
body { font-family: Georgia, "Times New Roman", serif; color: #0b0c0c; background: #fff;
       margin: 0; line-height: 1.5; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.8rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #0b0c0c; }
h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
.meta { color: #383f43; margin: 0 0 .2rem; }
ul.notice { padding-left: 1.3rem; }
ul.notice li { margin: .35rem 0; }
.where { font-weight: bold; }
.minor { color: #505a5f; font-style: italic; }
section.item { border: 1px solid #b1b4b6; border-left: 5px solid #1d70b8; padding: .8rem 1rem;
               margin: 1rem 0; break-inside: avoid; }
section.item.is-minor { border-left-color: #b1b4b6; }
.kind { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: #505a5f;
        margin: 0 0 .4rem; }
.part-where { font-size: .9rem; color: #383f43; margin: .6rem 0 .1rem; }
.redline { margin: 0; overflow-wrap: anywhere; }
del { text-decoration: line-through; text-decoration-thickness: 2px; background: #fbe3e0;
      color: #6b1d12; }
ins { text-decoration: underline; text-decoration-thickness: 2px; background: #dff1e4;
      color: #0a4d23; }
.links { font-size: .9rem; overflow-wrap: anywhere; }
.key { font-size: .9rem; }
footer { margin-top: 2.5rem; font-size: .85rem; color: #505a5f; }
@media print { body { font-size: 11pt; } section.item { border-left-width: 3px; }
               del, ins { background: none; color: #000; } }
)css";

std::string html_href_or_text(std::string_view url) {
    if (url.empty())
        return "(none)";
    if (is_safe_href(url))
        return "<a href=\"" + html_escape(url) + "\">" + html_escape(url) + "</a>";
    return "<code>" + html_escape(url) + "</code>";
}

std::string html_redline(const notice::Part& p) {
    std::string out;
    const diff::WordEdit* prev = nullptr;
    for (const auto& e : p.edits) {
        // A replacement's old and new words would otherwise touch ("LSPs forlead").
        if (prev && prev->op == diff::EditOp::removed && e.op == diff::EditOp::added &&
            !prev->text.empty() && prev->text.back() != ' ' && !e.text.empty() &&
            e.text.front() != ' ')
            out += ' ';
        prev = &e;
        switch (e.op) {
        case diff::EditOp::equal:
            out += html_escape(e.text);
            break;
        case diff::EditOp::removed:
            out += "<del>" + html_escape(e.text) + "</del>";
            break;
        case diff::EditOp::added:
            out += "<ins>" + html_escape(e.text) + "</ins>";
            break;
        }
    }
    return out;
}

std::string html_item_list(const Notice& n) {
    std::string out = "<ul class=\"notice\">\n";
    for (const auto& item : n.items) {
        std::string where = notice::location_text(item.where);
        out += "<li>";
        if (!where.empty())
            out += "<span class=\"where\">" + html_escape(where) +
                   "</span>: " + html_escape(item.description);
        else
            out += html_escape(capitalise(item.description));
        if (!item.major)
            out += " <span class=\"minor\">(minor)</span>";
        out += "</li>\n";
    }
    out += "</ul>\n";
    return out;
}

nlohmann::json location_json(const notice::Location& w) {
    nlohmann::json j;
    j["text"] = notice::location_text(w);
    j["page"] = w.page;
    j["page_last"] = w.page_last;
    j["paragraph"] = w.paragraph;
    j["paragraph_last"] = w.paragraph_last;
    j["section"] = w.section;
    j["ordinal"] = w.ordinal;
    j["footnote"] = w.footnote;
    j["previous_numbering"] = w.previous_numbering;
    return j;
}

} // namespace

std::string item_line(const NoticeItem& item) {
    std::string where = notice::location_text(item.where);
    if (where.empty())
        return capitalise(item.description);
    return where + ": " + item.description;
}

std::string notice_text(const Notice& n) {
    std::string out;
    if (!n.title.empty())
        out += text_line(n.title) + "\n";
    if (auto h = heading_line(n); !h.empty())
        out += h + "\n";
    for (const auto& [label, note] : note_lines(n))
        out += label + ": " + text_line(note) + "\n";
    for (const auto& item : n.items)
        out += "- " + text_line(item_line(item)) + (item.major ? "" : " (minor)") + "\n";
    if (n.items.empty())
        out += "No changes to the text.\n";
    if (n.minor_omitted)
        out += "(" + minor_note(n.minor_omitted) + ")\n";
    return out;
}

std::string notice_markdown(const Notice& n, bool table) {
    std::string out;
    if (!n.title.empty())
        out += "# " + md_escape(text_line(n.title)) + "\n\n";
    if (auto h = heading_line(n); !h.empty())
        out += h + "\n\n";
    for (const auto& [label, note] : note_lines(n))
        out += "**" + label + ":** " + md_escape(text_line(note)) + "\n\n";
    if (n.items.empty()) {
        out += "No changes to the text.\n";
    } else if (table) {
        out += "| Where | What |\n| --- | --- |\n";
        for (const auto& item : n.items) {
            out += "| " + md_escape(text_line(notice::location_text(item.where))) + " | " +
                   md_escape(text_line(capitalise(item.description))) +
                   (item.major ? "" : " (minor)") + " |\n";
        }
    } else {
        for (const auto& item : n.items) {
            std::string where = notice::location_text(item.where);
            out += "- ";
            if (!where.empty())
                out += "**" + md_escape(text_line(where)) +
                       "**: " + md_escape(text_line(item.description));
            else
                out += md_escape(text_line(capitalise(item.description)));
            out += std::string(item.major ? "" : " (minor)") + "\n";
        }
    }
    if (n.minor_omitted)
        out += "\n_" + md_escape(minor_note(n.minor_omitted)) + "_\n";
    return out;
}

std::string notice_html_fragment(const Notice& n) {
    std::string out;
    if (auto h = heading_line(n); !h.empty())
        out += "<p>" + html_escape(h) + "</p>\n";
    for (const auto& [label, note] : note_lines(n))
        out += "<p><strong>" + html_escape(label) + ":</strong> " + html_escape(note) + "</p>\n";
    if (n.items.empty())
        out += "<p>No changes to the text.</p>\n";
    else
        out += html_item_list(n);
    if (n.minor_omitted)
        out += "<p>" + html_escape(minor_note(n.minor_omitted)) + "</p>\n";
    return out;
}

std::string notice_html(const Notice& n) {
    std::string title = n.title.empty() ? "Change notice" : n.title;
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    out += "<title>Changes to " + html_escape(title) + "</title>\n";
    out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n";
    out += "<h1>" + html_escape(title) + "</h1>\n";
    if (auto h = heading_line(n); !h.empty())
        out += "<p class=\"meta\">" + html_escape(h) + "</p>\n";
    for (const auto& [label, note] : note_lines(n))
        out += "<p class=\"meta\"><strong>" + html_escape(label) + ":</strong> " +
               html_escape(note) + "</p>\n";
    if (!n.old_label.empty() || !n.new_label.empty())
        out += "<p class=\"meta\">Compared version " + html_escape(n.old_label) + " with version " +
               html_escape(n.new_label) + ".</p>\n";
    out += "<h2>What changed</h2>\n";
    if (n.items.empty())
        out += "<p>No changes to the text.</p>\n";
    else
        out += html_item_list(n);
    if (n.minor_omitted)
        out += "<p class=\"minor\">" + html_escape(minor_note(n.minor_omitted)) + "</p>\n";

    if (!n.items.empty()) {
        out += "<h2>The changes in full</h2>\n";
        out += "<p class=\"key\">Words removed are <del>struck through</del>; words added are "
               "<ins>underlined</ins>.</p>\n";
        std::size_t index = 0;
        for (const auto& item : n.items) {
            ++index;
            std::string where = notice::location_text(item.where);
            out += std::string("<section class=\"item") + (item.major ? "" : " is-minor") + "\">\n";
            out += "<h3>" + std::to_string(index) + ". " +
                   html_escape(where.empty() ? capitalise(item.description) : where) + "</h3>\n";
            out += "<p class=\"kind\">" + html_escape(kind_label(item.kind)) +
                   (item.major ? "" : " (minor)") + "</p>\n";
            if (!where.empty())
                out += "<p>" + html_escape(capitalise(item.description)) + "</p>\n";
            for (const auto& part : item.parts) {
                std::string pw = notice::location_text(part.where);
                if (item.parts.size() > 1 && !pw.empty())
                    out += "<p class=\"part-where\">" + html_escape(pw) + "</p>\n";
                if (!part.edits.empty())
                    out += "<p class=\"redline\">" + html_redline(part) + "</p>\n";
                if (!part.old_link.empty() || !part.new_link.empty())
                    out += "<p class=\"links\">Link target: " + html_href_or_text(part.new_link) +
                           " (was " + html_href_or_text(part.old_link) + ")</p>\n";
            }
            out += "</section>\n";
        }
    }
    out += "<footer>Written by guidetrack from the two versions' text, by fixed rules. Check the "
           "published document before relying on it.</footer>\n";
    out += "</main>\n</body>\n</html>\n";
    return out;
}

nlohmann::json notice_json(const Notice& n) {
    nlohmann::json j;
    j["schema_version"] = kNoticeSchemaVersion;
    j["title"] = n.title;
    j["date"] = n.date;
    j["from"] = n.old_label;
    j["to"] = n.new_label;
    j["minor_omitted"] = n.minor_omitted;
    if (!n.publisher_note.empty())
        j["publisher_note"] = n.publisher_note;
    if (!n.note.empty())
        j["note"] = n.note;
    j["items"] = nlohmann::json::array();
    for (const auto& item : n.items) {
        nlohmann::json ij;
        ij["kind"] = notice::kind_name(item.kind);
        ij["major"] = item.major;
        ij["severity"] = item.major ? "major" : "minor";
        ij["location"] = location_json(item.where);
        ij["description"] = item.description;
        ij["line"] = item_line(item);
        ij["old_text"] = item.parts.empty() ? "" : item.parts.front().old_text;
        ij["new_text"] = item.parts.empty() ? "" : item.parts.front().new_text;
        ij["parts"] = nlohmann::json::array();
        for (const auto& p : item.parts) {
            nlohmann::json pj;
            pj["location"] = location_json(p.where);
            pj["old_text"] = p.old_text;
            pj["new_text"] = p.new_text;
            pj["old_link"] = p.old_link;
            pj["new_link"] = p.new_link;
            pj["edits"] = nlohmann::json::array();
            for (const auto& e : p.edits)
                pj["edits"].push_back({{"op", e.op == diff::EditOp::equal     ? "equal"
                                              : e.op == diff::EditOp::removed ? "removed"
                                                                              : "added"},
                                       {"text", e.text}});
            ij["parts"].push_back(std::move(pj));
        }
        j["items"].push_back(std::move(ij));
    }
    return j;
}

std::string notice_json_text(const Notice& n) {
    return notice_json(n).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace guidetrack::render
