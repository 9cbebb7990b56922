#include "guidetrack/render/notice.hpp"
#include "guidetrack/render/escape.hpp"

#include "guidetrack/text/text.hpp"

#include <algorithm>

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
    case ItemKind::term_replaced:
        return "Wording replaced throughout";
    case ItemKind::section_revised:
        return "Section revised";
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
    return text::visible(out); // C1 controls and bidirectional overrides shown, not obeyed
}

// Generated text that quotes the documents (item descriptions) in HTML: an override inside a
// quoted phrase would reorder the rest of the sentence, so it is shown (\u202e), not obeyed.
// The document's own text (the redline, links) is isolated by the style sheet instead.
std::string html_description(std::string_view s) {
    return html_escape(text::visible(s));
}

constexpr const char* kStyle = R"css(
* { box-sizing: border-box; }
body { font-family: Georgia, "Times New Roman", serif; color: #0b0c0c; background: #fff;
       margin: 0; line-height: 1.5; overflow-wrap: anywhere; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
h1, .doc-title { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .5rem; }
.part-title { font-size: 1.3rem; margin: 1.8rem 0 .6rem; border-bottom: 2px solid #0b0c0c; }
.item-title { font-size: 1.05rem; margin: 0 0 .3rem; break-after: avoid; }
section.doc + section.doc { margin-top: 3rem; border-top: 4px solid #0b0c0c; padding-top: 1rem; }
section.doc .doc-title { font-size: 1.45rem; }
.meta { color: #383f43; margin: 0 0 .2rem; }
dl.about { margin: 0 0 1rem; display: grid; grid-template-columns: max-content 1fr;
           gap: .1rem .8rem; }
dl.about dt { font-weight: bold; }
dl.about dd { margin: 0; }
ul.notice { padding-left: 1.3rem; }
ul.notice li { margin: .35rem 0; }
ul.details { padding-left: 1.2rem; font-size: .95rem; }
.where { font-weight: bold; }
.minor { color: #505a5f; font-style: italic; }
section.item { border: 1px solid #b1b4b6; border-left: 5px solid #1d70b8; padding: .7rem .8rem;
               margin: 1rem 0; }
section.item.is-minor { border-left-color: #b1b4b6; }
.kind { font-size: .85rem; text-transform: uppercase; letter-spacing: .04em; color: #505a5f;
        margin: 0 0 .4rem; }
.part-where { font-size: .9rem; color: #383f43; margin: .6rem 0 .1rem; }
.redline { margin: 0; }
del { text-decoration: line-through; text-decoration-thickness: 2px; background: #fbe3e0;
      color: #6b1d12; }
ins { text-decoration: underline; text-decoration-thickness: 2px; background: #dff1e4;
      color: #0a4d23; }
/* Document text keeps its bidirectional controls to itself: an override in one quoted phrase
   cannot reorder what follows it. */
del, ins, q, a, code, span, strong, em { unicode-bidi: isolate; }
.links { font-size: .9rem; }
.key { font-size: .9rem; }
footer { margin-top: 2.5rem; font-size: .85rem; color: #505a5f; }
@media (max-width: 30rem) { dl.about { grid-template-columns: 1fr; }
                            dl.about dd { margin-bottom: .3rem; } }
@media print { body { font-size: 11pt; } main { max-width: none; padding: 0; }
               section.item { border-left-width: 3px; padding: .4rem .6rem; break-inside: avoid; }
               section.doc + section.doc { break-before: page; border-top: none; }
               del, ins { background: none; color: #000; } a { color: #000; } }
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

// "1 September 2021" for a date, else the text as it is.
std::string display_when(std::string_view date) {
    return notice::display_date(date.substr(0, std::min<std::size_t>(10, date.size())));
}

// "version 2024-02 (published 23 February 2024)".
std::string version_text(const std::string& label, const std::string& date, bool file) {
    std::string out =
        label.empty() ? std::string("a version") : (file ? "the file " : "version ") + label;
    if (!date.empty() && display_when(date) != label)
        out += " (" + display_when(date) + ")";
    return out;
}

// "2024-06-01T12:00:00Z" -> "1 June 2024 at 12:00 UTC".
std::string display_time(std::string_view iso) {
    std::string out = display_when(iso);
    if (iso.size() >= 16 && iso[10] == 'T')
        out += " at " + std::string(iso.substr(11, 5)) + " UTC";
    return out;
}

// The report's header: what was compared, from where, by whom published, and when it was made.
std::string about_list(const Notice& n) {
    std::string out = "<dl class=\"about\">\n";
    if (!n.source.empty())
        out += "<dt>Source</dt><dd>" +
               (is_safe_href(n.source)
                    ? "<a href=\"" + html_escape(n.source) + "\">" + html_escape(n.source) + "</a>"
                    : html_escape(n.source)) +
               "</dd>\n";
    if (!n.publisher.empty())
        out += "<dt>Publisher</dt><dd>" + html_escape(n.publisher) + "</dd>\n";
    if (!n.old_label.empty() || !n.old_date.empty())
        out += "<dt>Earlier version</dt><dd>" +
               html_escape(version_text(n.old_label, n.old_date, n.files)) + "</dd>\n";
    if (!n.new_label.empty() || !n.date.empty())
        out += "<dt>Later version</dt><dd>" +
               html_escape(version_text(n.new_label, n.date, n.files)) + "</dd>\n";
    if (!n.generated_at.empty())
        out += "<dt>Report made</dt><dd>" + html_escape(display_time(n.generated_at)) + "</dd>\n";
    out += "</dl>\n";
    return out;
}

std::string html_item_list(const Notice& n) {
    std::string out = "<ul class=\"notice\">\n";
    for (const auto& item : n.items) {
        std::string where = notice::location_text(item.where);
        out += "<li>";
        if (!where.empty())
            out += "<span class=\"where\">" + html_escape(where) +
                   "</span>: " + html_description(item.description);
        else
            out += html_description(capitalise(item.description));
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
    j["bullet"] = w.bullet;
    j["row"] = w.row;
    j["after_paragraph"] = w.after_paragraph;
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
        out += "# " + markdown_escape(text_line(n.title)) + "\n\n";
    if (auto h = heading_line(n); !h.empty())
        out += h + "\n\n";
    for (const auto& [label, note] : note_lines(n))
        out += "**" + label + ":** " + markdown_escape(text_line(note)) + "\n\n";
    if (n.items.empty()) {
        out += "No changes to the text.\n";
    } else if (table) {
        out += "| Where | What |\n| --- | --- |\n";
        for (const auto& item : n.items) {
            out += "| " + markdown_escape(text_line(notice::location_text(item.where))) + " | " +
                   markdown_escape(text_line(capitalise(item.description))) +
                   (item.major ? "" : " (minor)") + " |\n";
        }
    } else {
        for (const auto& item : n.items) {
            std::string where = notice::location_text(item.where);
            out += "- ";
            if (!where.empty())
                out += "**" + markdown_escape(text_line(where)) +
                       "**: " + markdown_escape(text_line(item.description));
            else
                out += markdown_escape(text_line(capitalise(item.description)));
            out += std::string(item.major ? "" : " (minor)") + "\n";
        }
    }
    if (n.minor_omitted)
        out += "\n_" + markdown_escape(minor_note(n.minor_omitted)) + "_\n";
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

std::string html_page(std::string_view title, std::string_view body) {
    std::string out;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
    out += "<title>" + html_escape(title) + "</title>\n";
    out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main>\n";
    out += body;
    out += "<footer>Written by guidetrack from the two versions' text, by fixed rules. Check the "
           "published document before relying on it.</footer>\n";
    out += "</main>\n</body>\n</html>\n";
    return out;
}

std::string notice_report_section(const Notice& n, int level) {
    level = std::clamp(level, 1, 4);
    auto h = [&](int extra, std::string_view cls, const std::string& text) {
        std::string tag = "h" + std::to_string(level + extra);
        return "<" + tag + " class=\"" + std::string(cls) + "\">" + text + "</" + tag + ">\n";
    };
    std::string title = n.title.empty() ? "Change notice" : n.title;
    std::string out = "<section class=\"doc\">\n";
    out += h(0, "doc-title", html_escape(title));
    if (auto line = heading_line(n); !line.empty())
        out += "<p class=\"meta\">" + html_escape(line) + "</p>\n";
    for (const auto& [label, note] : note_lines(n))
        out += "<p class=\"meta\"><strong>" + html_escape(label) + ":</strong> " +
               html_escape(note) + "</p>\n";
    out += about_list(n);
    out += h(1, "part-title", "What changed");
    if (n.items.empty())
        out += "<p>No changes to the text.</p>\n";
    else
        out += html_item_list(n);
    if (n.minor_omitted)
        out += "<p class=\"minor\">" + html_escape(minor_note(n.minor_omitted)) + "</p>\n";

    if (!n.items.empty()) {
        out += h(1, "part-title", "The changes in full");
        out += "<p class=\"key\">Words removed are <del>struck through</del>; words added are "
               "<ins>underlined</ins>.</p>\n";
        std::size_t index = 0;
        for (const auto& item : n.items) {
            ++index;
            std::string where = notice::location_text(item.where);
            out += std::string("<section class=\"item") + (item.major ? "" : " is-minor") + "\">\n";
            out += h(2, "item-title",
                     std::to_string(index) + ". " +
                         html_description(where.empty() ? capitalise(item.description) : where));
            out += "<p class=\"kind\">" + html_escape(kind_label(item.kind)) +
                   (item.major ? "" : " (minor)") + "</p>\n";
            if (!where.empty())
                out += "<p>" + html_description(capitalise(item.description)) + "</p>\n";
            if (!item.details.empty()) {
                out += "<ul class=\"details\">\n";
                for (const auto& d : item.details)
                    out += "<li>" + html_escape(item_line(d)) + "</li>\n";
                out += "</ul>\n";
            }
            for (const auto& part : item.parts) {
                if (part.edits.empty() && part.old_link.empty() && part.new_link.empty())
                    continue;
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
    out += "</section>\n";
    return out;
}

std::string notice_html(const Notice& n) {
    std::string title = n.title.empty() ? "Change notice" : n.title;
    return html_page("Changes to " + title, notice_report_section(n, 1));
}

nlohmann::json notice_json(const Notice& n) {
    nlohmann::json j;
    j["schema_version"] = kNoticeSchemaVersion;
    j["title"] = n.title;
    j["date"] = n.date;
    j["from"] = n.old_label;
    j["to"] = n.new_label;
    j["from_date"] = n.old_date;
    j["source"] = n.source;
    j["publisher"] = n.publisher;
    j["generated_at"] = n.generated_at;
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
        if (!item.details.empty()) {
            ij["details"] = nlohmann::json::array();
            for (const auto& d : item.details)
                ij["details"].push_back({{"kind", notice::kind_name(d.kind)},
                                         {"major", d.major},
                                         {"location", location_json(d.where)},
                                         {"description", d.description},
                                         {"line", item_line(d)}});
        }
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
