// The report of one check run: the notices of every document that changed, in one file, built
// from the notice renderers so that it reads like `guidetrack notice` for each document.
#include "guidetrack/app/check.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

namespace guidetrack::check {
namespace {

using nlohmann::json;

std::string title_of(const Outcome& o) {
    return o.title.empty() ? o.id : o.title;
}

std::string counts_line(const Summary& s) {
    return std::to_string(s.changed) + " changed, " + std::to_string(s.first) +
           " first versions recorded, " + std::to_string(s.unchanged) + " unchanged, " +
           std::to_string(s.failed) + " failed.";
}

std::string markdown(const std::vector<Outcome>& outcomes, const std::string& generated_at) {
    // Titles, labels, addresses and reasons come from documents and servers: no control
    // characters (text::visible) and no Markdown of their own.
    auto md = [](const std::string& v) { return render::markdown_escape(text::visible(v)); };
    Summary s = summarise(outcomes);
    std::string out = "# Changes to tracked guidance\n\n";
    out += "Checked " + generated_at + ": " + counts_line(s) + "\n";
    for (const auto& o : outcomes) {
        if (o.status != Status::changed || !o.notice)
            continue;
        out += "\n## " + md(title_of(o)) + " (`" + o.id + "`)\n\n";
        out += "Version " + md(o.previous->label) + " to " + md(o.current->label) + ", from <" +
               text::visible(o.url) + ">.\n\n";
        out += render::notice_markdown(*o.notice);
        if (o.audit)
            out += "\n" + audit::render_markdown(*o.audit, 3);
        else if (!o.audit_skipped.empty())
            out += "\n_" + render::markdown_escape(o.audit_skipped) + "._\n";
    }
    if (s.first) {
        out += "\n## First versions recorded\n\n";
        for (const auto& o : outcomes)
            if (o.status == Status::first && o.current)
                out += "- " + md(title_of(o)) + " (`" + o.id + "`): version " +
                       md(o.current->label) + "\n";
    }
    if (s.failed || s.gone) {
        out += "\n## Could not be checked\n\n";
        for (const auto& o : outcomes)
            if (o.status == Status::failed || o.status == Status::gone)
                out += "- " + md(title_of(o)) + " (`" + o.id + "`): " + md(o.reason) + "\n";
    }
    return out;
}

std::string html(const std::vector<Outcome>& outcomes, const std::string& generated_at) {
    using render::html_escape;
    Summary s = summarise(outcomes);
    std::string body = "<h1>Changes to tracked guidance</h1>\n";
    body += "<p class=\"meta\">Checked " + html_escape(generated_at) + ": " +
            html_escape(counts_line(s)) + "</p>\n";
    // Each changed document gets the same report `guidetrack notice --format html` writes.
    for (const auto& o : outcomes) {
        if (o.status != Status::changed || !o.notice)
            continue;
        body += render::notice_report_section(*o.notice, 2);
        if (o.audit)
            body += audit::render_html_section(*o.audit, 3);
        else if (!o.audit_skipped.empty())
            body += "<p class=\"meta\">" + html_escape(o.audit_skipped) + ".</p>\n";
    }
    if (s.first) {
        body += "<h2 class=\"part-title\">First versions recorded</h2>\n<ul>\n";
        for (const auto& o : outcomes)
            if (o.status == Status::first && o.current)
                body += "<li>" + html_escape(title_of(o)) + ": version " +
                        html_escape(o.current->label) + "</li>\n";
        body += "</ul>\n";
    }
    if (s.failed || s.gone) {
        body += "<h2 class=\"part-title\">Could not be checked</h2>\n<ul>\n";
        for (const auto& o : outcomes)
            if (o.status == Status::failed || o.status == Status::gone)
                body +=
                    "<li>" + html_escape(title_of(o)) + ": " + html_escape(o.reason) + "</li>\n";
        body += "</ul>\n";
    }
    return render::html_page("Changes to tracked guidance", body);
}

json report_json(const std::vector<Outcome>& outcomes, const std::string& generated_at) {
    json j = to_json(outcomes);
    j["generated_at"] = generated_at;
    json notices = json::array();
    for (const auto& o : outcomes)
        if (o.status == Status::changed && o.notice)
            notices.push_back(json{{"id", o.id}, {"notice", render::notice_json(*o.notice)}});
    j["notices"] = std::move(notices);
    return j;
}

} // namespace

void add_audits(std::vector<Outcome>& outcomes, const std::set<std::string>& not_audited) {
    for (auto& o : outcomes) {
        if (o.status != Status::changed || !o.notice || !o.current || not_audited.count(o.id))
            continue;
        const std::string& note = o.current->publisher_note;
        if (note.empty()) {
            o.audit_skipped = "No change note from the publisher for this version";
            continue;
        }
        if (o.previous && o.previous->publisher_note == note) {
            o.audit_skipped = "No new change note from the publisher: the note is still the one "
                              "of version " +
                              o.previous->label;
            continue;
        }
        auto a = audit::run(*o.notice, note);
        if (a)
            o.audit = std::move(a).value();
        else
            o.audit_skipped = "The publisher's note could not be audited: " + a.error().message;
    }
}

Result<ReportFormat> parse_report_format(std::string_view name) {
    if (name == "md" || name == "markdown")
        return ReportFormat::markdown;
    if (name == "json")
        return ReportFormat::json;
    if (name == "html")
        return ReportFormat::html;
    return input_error("unknown report format '" + std::string(name) + "' (md, json or html)");
}

std::string render_report(const std::vector<Outcome>& outcomes, ReportFormat format,
                          const std::string& generated_at) {
    switch (format) {
    case ReportFormat::markdown:
        return markdown(outcomes, generated_at);
    case ReportFormat::html:
        return html(outcomes, generated_at);
    case ReportFormat::json:
        break;
    }
    // Invalid UTF-8 from a document must not make the whole report unwritable.
    return report_json(outcomes, generated_at).dump(2, ' ', false, json::error_handler_t::replace) +
           "\n";
}

} // namespace guidetrack::check
