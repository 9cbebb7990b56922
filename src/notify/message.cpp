// What a notification says: filtering a change for a target, the subject, the texts (from the
// notice renderers) and the Slack and Teams payloads.
#include "guidetrack/notify/notify.hpp"
#include "guidetrack/text/text.hpp"

#include "guidetrack/app/check.hpp"
#include "guidetrack/render/notice.hpp"

#include <algorithm>

namespace guidetrack::notify {
namespace {

using nlohmann::json;

bool any_glob(const std::vector<std::string>& globs, const std::string& s) {
    return std::any_of(globs.begin(), globs.end(),
                       [&](const std::string& g) { return config::glob_match(g, s); });
}

std::string title_of(const Change& c) {
    return c.title.empty() ? c.id : c.title;
}

std::size_t item_count(const std::vector<Change>& changes) {
    std::size_t n = 0;
    for (const auto& c : changes)
        n += c.notice.items.size();
    return n;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::vector<std::string> all_sections(const std::vector<Change>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes)
        for (const auto& s : c.sections)
            if (std::find(out.begin(), out.end(), s) == out.end())
                out.push_back(s);
    return out;
}

using text::join;

// One line, for headers and chat titles: control characters become spaces.
std::string one_line(std::string s) {
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    return s;
}

// Slack mrkdwn: only &, < and > are special.
std::string slack_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

// Cut at a UTF-8 boundary, with an ellipsis.
std::string clip(const std::string& s, std::size_t max) {
    if (s.size() <= max)
        return s;
    std::size_t n = max > 3 ? max - 3 : 0;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n) + "...";
}

std::string versions_line(const Change& c) {
    std::string s;
    if (!c.notice.old_label.empty() && !c.notice.new_label.empty())
        s = "Version " + c.notice.old_label + " to " + c.notice.new_label;
    if (!c.url.empty())
        s += (s.empty() ? "From " : ", from ") + c.url;
    return s.empty() ? s : s + ".";
}

std::string sections_note(const std::vector<Change>& changes) {
    auto sections = all_sections(changes);
    if (sections.empty())
        return "";
    return "Only changes inside " + join(sections, "; ") + " are listed.";
}

std::string html_report(const std::vector<Change>& changes, const std::string& subject) {
    using render::html_escape;
    if (changes.size() == 1 && changes.front().sections.empty())
        return render::notice_html(changes.front().notice);
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
        "'unsafe-inline'; img-src 'none'; form-action 'none'; base-uri 'none'\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>" +
        html_escape(subject) +
        "</title>\n<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 "
        "1em;line-height:1.5}del{color:#a00}ins{color:#060}.meta{color:#555}</style>\n"
        "</head>\n<body>\n<main>\n<h1>" +
        html_escape(subject) + "</h1>\n";
    if (auto note = sections_note(changes); !note.empty())
        out += "<p class=\"meta\">" + html_escape(note) + "</p>\n";
    for (const auto& c : changes) {
        out += "<section>\n<h2>" + html_escape(title_of(c)) + "</h2>\n";
        if (auto v = versions_line(c); !v.empty())
            out += "<p class=\"meta\">" + html_escape(v) + "</p>\n";
        out += render::notice_html_fragment(c.notice);
        out += "</section>\n";
    }
    out += "</main>\n</body>\n</html>\n";
    return out;
}

} // namespace

bool selects(const config::NotifyTarget& t, const std::string& id,
             const std::vector<std::string>& groups) {
    if (!t.documents.empty() && !any_glob(t.documents, id))
        return false;
    if (!t.groups.empty() && std::none_of(groups.begin(), groups.end(), [&](const std::string& g) {
            return std::find(t.groups.begin(), t.groups.end(), g) != t.groups.end();
        }))
        return false;
    return true;
}

std::optional<Change> filter(const config::NotifyTarget& t, const Change& change) {
    if (!selects(t, change.id, change.groups))
        return std::nullopt;
    Change out = change;
    out.notice.items.clear();
    out.sections.clear();
    for (const auto& item : change.notice.items) {
        if (!item.major && !t.minor)
            continue;
        if (!t.sections.empty()) {
            std::string matched;
            auto look = [&](const notice::Location& where) {
                for (const auto& h : where.section)
                    if (matched.empty() && any_glob(t.sections, h))
                        matched = h;
            };
            look(item.where);
            for (const auto& p : item.parts)
                look(p.where);
            if (matched.empty())
                continue;
            if (std::find(out.sections.begin(), out.sections.end(), matched) == out.sections.end())
                out.sections.push_back(matched);
        }
        out.notice.items.push_back(item);
    }
    if (out.notice.items.empty())
        return std::nullopt;
    if (!t.sections.empty())
        out.notice.minor_omitted = 0; // counted over the whole document, not these sections
    return out;
}

std::string subject(const config::NotifyTarget& t, const std::vector<Change>& changes) {
    std::string s = t.subject_prefix.empty() ? "" : t.subject_prefix + " ";
    std::size_t items = item_count(changes);
    auto sections = all_sections(changes);
    std::string count = plural(items, "change", "changes");
    if (!sections.empty())
        count += " in " + join(sections, "; ");
    if (changes.size() == 1) {
        const Change& c = changes.front();
        s += title_of(c) + ": updated";
        if (!c.notice.date.empty())
            s += " " + notice::display_date(c.notice.date);
        s += " (" + count + ")";
    } else {
        s += "Guidance updated: " + plural(changes.size(), "document", "documents") + " (" + count +
             ")";
    }
    return one_line(s);
}

Message compose(const config::NotifyTarget& t, const std::vector<Change>& changes) {
    Message m;
    m.changes = changes;
    m.subject = subject(t, changes);
    if (auto note = sections_note(changes); !note.empty())
        m.text += note + "\n\n";
    for (std::size_t i = 0; i < changes.size(); ++i) {
        if (i > 0)
            m.text += "\n";
        m.text += render::notice_text(changes[i].notice);
        if (auto v = versions_line(changes[i]); !v.empty())
            m.text += v + "\n";
    }
    m.html = html_report(changes, m.subject);
    json docs = json::array();
    for (const auto& c : changes) {
        json d{{"id", c.id},
               {"title", c.title},
               {"url", c.url},
               {"old_commit", c.old_commit},
               {"new_commit", c.new_commit},
               {"notice", render::notice_json(c.notice)}};
        if (!t.sections.empty())
            d["sections"] = c.sections;
        docs.push_back(std::move(d));
    }
    m.json = json{{"schema_version", 1},
                  {"subject", m.subject},
                  {"target", t.name},
                  {"test", false},
                  {"documents", std::move(docs)}};
    return m;
}

Message test_message(const config::NotifyTarget& t) {
    Change c;
    c.id = "guidetrack-test";
    c.title = "guidetrack test message";
    c.notice.title = c.title;
    notice::NoticeItem item;
    item.kind = notice::ItemKind::wording_amended;
    item.description =
        "this is a test of the notification target '" + t.name + "'; no guidance changed";
    item.parts.push_back({});
    c.notice.items.push_back(item);
    Message m = compose(t, {c});
    m.subject = one_line((t.subject_prefix.empty() ? "" : t.subject_prefix + " ") +
                         "guidetrack: test message to " + t.name);
    m.json["subject"] = m.subject;
    m.json["test"] = true;
    m.test = true;
    return m;
}

json slack_payload(const Message& m) {
    json blocks = json::array();
    blocks.push_back(
        json{{"type", "header"},
             {"text", {{"type", "plain_text"}, {"text", clip(m.subject, 150)}, {"emoji", false}}}});
    for (const auto& c : m.changes) {
        if (blocks.size() >= 46) {
            blocks.push_back(json{{"type", "context"},
                                  {"elements", json::array({json{{"type", "mrkdwn"},
                                                                 {"text", "More documents "
                                                                          "changed: see the "
                                                                          "report."}}})}});
            break;
        }
        std::string head = "*" + slack_escape(title_of(c)) + "*";
        if (render::is_safe_href(c.url))
            head = "*<" + slack_escape(c.url) + "|" + slack_escape(title_of(c)) + ">*";
        std::string body;
        std::size_t shown = 0;
        for (const auto& item : c.notice.items) {
            std::string line = "\u2022 " + slack_escape(one_line(render::item_line(item))) + "\n";
            if (head.size() + body.size() + line.size() > 2800)
                break;
            body += line;
            ++shown;
        }
        if (shown < c.notice.items.size())
            body += "\u2026 and " + std::to_string(c.notice.items.size() - shown) + " more\n";
        blocks.push_back(json{{"type", "section"},
                              {"text", {{"type", "mrkdwn"}, {"text", head + "\n" + body}}}});
        std::string meta = versions_line(c);
        if (!c.sections.empty())
            meta += (meta.empty() ? "" : " ") + std::string("Only changes inside ") +
                    join(c.sections, "; ") + ".";
        if (!meta.empty())
            blocks.push_back(
                json{{"type", "context"},
                     {"elements", json::array({json{{"type", "mrkdwn"},
                                                    {"text", clip(slack_escape(meta), 2900)}}})}});
    }
    return json{{"text", m.subject}, {"blocks", std::move(blocks)}};
}

json teams_payload(const Message& m) {
    json body = json::array();
    body.push_back(json{{"type", "TextBlock"},
                        {"text", m.subject},
                        {"weight", "Bolder"},
                        {"size", "Medium"},
                        {"wrap", true}});
    json actions = json::array();
    for (const auto& c : m.changes) {
        body.push_back(json{{"type", "TextBlock"},
                            {"text", title_of(c)},
                            {"weight", "Bolder"},
                            {"separator", true},
                            {"wrap", true}});
        json facts = json::array();
        for (const auto& item : c.notice.items) {
            if (facts.size() >= 40)
                break;
            std::string where = notice::location_text(item.where);
            facts.push_back(json{{"title", where.empty() ? "Whole document" : where},
                                 {"value", item.description}});
        }
        body.push_back(json{{"type", "FactSet"}, {"facts", std::move(facts)}});
        if (c.notice.items.size() > 40)
            body.push_back(json{{"type", "TextBlock"},
                                {"text", "... and " + std::to_string(c.notice.items.size() - 40) +
                                             " more (see the report)"},
                                {"wrap", true}});
        std::string meta = versions_line(c);
        if (!c.sections.empty())
            meta += (meta.empty() ? "" : " ") + std::string("Only changes inside ") +
                    join(c.sections, "; ") + ".";
        if (!meta.empty())
            body.push_back(json{{"type", "TextBlock"},
                                {"text", meta},
                                {"isSubtle", true},
                                {"size", "Small"},
                                {"wrap", true}});
        if (render::is_safe_href(c.url) && actions.size() < 5)
            actions.push_back(
                json{{"type", "Action.OpenUrl"}, {"title", "Open " + title_of(c)}, {"url", c.url}});
    }
    json card{{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
              {"type", "AdaptiveCard"},
              {"version", "1.4"},
              {"body", std::move(body)}};
    if (!actions.empty())
        card["actions"] = std::move(actions);
    return json{{"type", "message"},
                {"summary", m.subject},
                {"attachments",
                 json::array({json{{"contentType", "application/vnd.microsoft.card.adaptive"},
                                   {"contentUrl", nullptr},
                                   {"content", std::move(card)}}})}};
}

std::vector<std::string> groups_of(const std::string& id) {
    for (const auto& e : check::builtin_catalog().entries)
        if (e.info.id == id)
            return e.groups;
    return {};
}

} // namespace guidetrack::notify
