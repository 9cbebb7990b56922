#include "guidetrack/fetch/govuk.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>

namespace guidetrack::fetch::govuk {
namespace {

using nlohmann::json;

constexpr std::string_view kDefaultApi = "https://www.gov.uk/api/content";

std::string lower(std::string_view s) {
    return text::ascii_lower(s);
}

std::string trim(std::string_view s) {
    return std::string(text::trim(s));
}

// "https://host:port/x" -> "host" (lower case, no user info or port); "" when not absolute.
std::string host_of(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return "";
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = rest.rfind('@'); at != std::string_view::npos)
        rest = rest.substr(at + 1);
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        return lower(rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1));
    }
    return lower(rest.substr(0, rest.find(':')));
}

// "scheme://host[:port]" of an absolute URL.
std::string origin_of(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return "";
    auto end = url.find_first_of("/?#", scheme + 3);
    return std::string(url.substr(0, end));
}

std::string html_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

// The few entities GOV.UK's generated attachment HTML uses.
std::string html_unescape(std::string s) {
    static const std::pair<const char*, const char*> entities[] = {{"&amp;", "&"}, {"&lt;", "<"},
                                                                   {"&gt;", ">"},  {"&quot;", "\""},
                                                                   {"&#39;", "'"}, {"&nbsp;", " "}};
    for (const auto& [from, to] : entities) {
        std::size_t pos = 0;
        std::string f = from;
        while ((pos = s.find(f, pos)) != std::string::npos) {
            s.replace(pos, f.size(), to);
            pos += std::string_view(to).size();
        }
    }
    return s;
}

std::string strip_tags(std::string_view s) {
    std::string out;
    bool in_tag = false;
    for (char c : s) {
        if (c == '<')
            in_tag = true;
        else if (c == '>')
            in_tag = false;
        else if (!in_tag)
            out.push_back(c);
    }
    // Collapse white space.
    std::string collapsed;
    for (char c : out) {
        bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (space && (collapsed.empty() || collapsed.back() == ' '))
            continue;
        collapsed.push_back(space ? ' ' : c);
    }
    return trim(html_unescape(collapsed));
}

// A relative URL made absolute against the web site.
std::string absolute(std::string_view url, std::string_view web_base) {
    if (url.find("://") != std::string_view::npos)
        return std::string(url);
    if (url.substr(0, 2) == "//") {
        auto scheme = web_base.find("://");
        return std::string(web_base.substr(0, scheme + 1)) + std::string(url);
    }
    std::string origin = origin_of(web_base);
    return origin + (url.empty() || url.front() != '/' ? "/" : "") + std::string(url);
}

Result<std::string> string_field(const json& j, const char* key, const std::string& what,
                                 bool required) {
    if (!j.contains(key) || j[key].is_null()) {
        if (required)
            return runtime_error(what + " has no '" + key + "'");
        return std::string();
    }
    if (!j[key].is_string())
        return runtime_error(what + ": '" + key + "' is not a string");
    return j[key].get<std::string>();
}

bool looks_like_timestamp(std::string_view s) {
    static const std::regex re(R"(^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$)");
    return std::regex_match(s.begin(), s.end(), re);
}

// Attachments from details.documents[] (GOV.UK's generated HTML, one string per attachment):
// every link with visible text, in order, without repeats.
std::vector<Attachment> attachments_from_documents(const json& docs, std::string_view web_base) {
    std::vector<Attachment> out;
    static const std::regex link(R"re(<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)</a>)re",
                                 std::regex::icase);
    for (const auto& d : docs) {
        if (!d.is_string())
            continue;
        const std::string html = d.get<std::string>();
        for (auto it = std::sregex_iterator(html.begin(), html.end(), link);
             it != std::sregex_iterator(); ++it) {
            std::string href = html_unescape((*it)[1].str());
            std::string text = strip_tags((*it)[2].str());
            if (href.empty() || text.empty() || href.front() == '#')
                continue;
            if (href.rfind("mailto:", 0) == 0)
                continue;
            Attachment a;
            a.url = absolute(href, web_base);
            if (std::any_of(out.begin(), out.end(),
                            [&](const Attachment& x) { return x.url == a.url; }))
                continue;
            a.title = text;
            a.filename = url_filename(a.url);
            std::string ext =
                lower(a.filename.substr(std::min(a.filename.size(), a.filename.rfind('.') + 1)));
            if (a.filename.find('.') == std::string::npos)
                a.content_type = "text/html";
            else if (ext == "pdf")
                a.content_type = "application/pdf";
            out.push_back(std::move(a));
        }
    }
    return out;
}

} // namespace

std::string Publication::updated_date() const {
    return public_updated_at.size() >= 10 ? public_updated_at.substr(0, 10) : std::string();
}

std::string Publication::current_note() const {
    if (public_updated_at.empty())
        return "";
    for (const auto& c : change_history)
        if (c.timestamp == public_updated_at)
            return c.note;
    std::string day = updated_date();
    for (const auto& c : change_history)
        if (c.timestamp.substr(0, 10) == day)
            return c.note;
    return "";
}

std::string api_base() {
    const char* env = std::getenv("GUIDETRACK_GOVUK_API");
    std::string base = env && *env ? env : std::string(kDefaultApi);
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return base;
}

std::string web_base(std::string_view api) {
    std::string base(api);
    constexpr std::string_view suffix = "/api/content";
    if (base.size() >= suffix.size() &&
        base.compare(base.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0)
        base.erase(base.size() - suffix.size());
    return base;
}

Result<std::string> path_of(std::string_view url_or_path, std::string_view web) {
    std::string s = trim(url_or_path);
    if (s.empty())
        return input_error("a GOV.UK publication needs a URL or path");
    if (s.find("://") != std::string::npos) {
        std::string host = host_of(s);
        std::string web_host = web.empty() ? std::string() : host_of(web);
        if (host != "www.gov.uk" && host != "gov.uk" && (web_host.empty() || host != web_host))
            return input_error("'" + s + "' is not a GOV.UK address (www.gov.uk)");
        auto scheme = s.find("://");
        auto slash = s.find('/', scheme + 3);
        s = slash == std::string::npos ? "/" : s.substr(slash);
    }
    s = s.substr(0, s.find_first_of("?#"));
    if (s.empty() || s.front() != '/')
        s = "/" + s;
    if (s.rfind("/api/content/", 0) == 0)
        s = s.substr(std::string_view("/api/content").size());
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    if (s == "/")
        return input_error("'" + std::string(url_or_path) + "' names no GOV.UK page");
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '\\' || c == '"' || c == '<' || c == '>')
            return input_error("'" + std::string(url_or_path) + "': not a usable GOV.UK path");
    }
    if (s.find("/../") != std::string::npos || s.find("/./") != std::string::npos ||
        s.ends_with("/..") || s.ends_with("/."))
        return input_error("'" + std::string(url_or_path) + "': not a usable GOV.UK path");
    return s;
}

bool allowed_host(std::string_view url, std::string_view api) {
    std::string host = host_of(url);
    if (host.empty())
        return false;
    if (host == host_of(api))
        return true;
    return host == "gov.uk" || (host.size() > 7 && host.ends_with(".gov.uk"));
}

Result<Publication> parse(std::string_view json_text, std::string_view path, std::string_view api,
                          std::string_view web) {
    json j = json::parse(json_text.begin(), json_text.end(), nullptr, false);
    if (j.is_discarded())
        return runtime_error("the Content API answer is not JSON");
    if (!j.is_object())
        return runtime_error("the Content API answer is not a JSON object");
    Publication p;
    p.path = std::string(path);
    p.api_url = std::string(api) + p.path;
    p.web_url = origin_of(web) + p.path;
    const std::string what = "the Content API answer";
    GT_TRY(std::string schema, string_field(j, "schema_name", what, false));
    GT_TRY(p.document_type, string_field(j, "document_type", what, false));
    if (schema == "gone" || p.document_type == "gone")
        return runtime_error("GOV.UK says the publication is gone (withdrawn or removed)");
    if (schema == "redirect" || p.document_type == "redirect")
        return runtime_error("GOV.UK says the publication has moved (a redirect item): track its "
                             "new address");
    GT_TRY(p.title, string_field(j, "title", what, true));
    if (trim(p.title).empty())
        return runtime_error(what + " has an empty 'title'");
    GT_TRY(p.description, string_field(j, "description", what, false));
    GT_TRY(p.public_updated_at, string_field(j, "public_updated_at", what, false));
    if (!p.public_updated_at.empty() && !looks_like_timestamp(p.public_updated_at))
        return runtime_error(what + ": 'public_updated_at' is not a date-time ('" +
                             p.public_updated_at.substr(0, 40) + "')");
    if (!j.contains("details") || !j["details"].is_object())
        return runtime_error(what + " has no 'details' object");
    const json& details = j["details"];
    GT_TRY(p.body, string_field(details, "body", "details", false));

    if (j.contains("links") && j["links"].is_object() && j["links"].contains("organisations")) {
        const json& orgs = j["links"]["organisations"];
        if (!orgs.is_array())
            return runtime_error(what + ": 'links.organisations' is not an array");
        for (const auto& o : orgs) {
            if (!o.is_object())
                return runtime_error(what + ": an organisation is not an object");
            GT_TRY(std::string t, string_field(o, "title", "an organisation", true));
            p.organisations.push_back(t);
        }
    }

    if (details.contains("change_history") && !details["change_history"].is_null()) {
        const json& ch = details["change_history"];
        if (!ch.is_array())
            return runtime_error("details.change_history is not an array");
        for (const auto& c : ch) {
            if (!c.is_object())
                return runtime_error("a details.change_history entry is not an object");
            Change change;
            GT_TRY(change.timestamp,
                   string_field(c, "public_timestamp", "a change_history entry", true));
            GT_TRY(change.note, string_field(c, "note", "a change_history entry", true));
            if (!looks_like_timestamp(change.timestamp))
                return runtime_error("a change_history entry's 'public_timestamp' is not a "
                                     "date-time ('" +
                                     change.timestamp.substr(0, 40) + "')");
            p.change_history.push_back(std::move(change));
        }
        std::stable_sort(
            p.change_history.begin(), p.change_history.end(),
            [](const Change& a, const Change& b) { return a.timestamp > b.timestamp; });
    }

    if (details.contains("attachments") && !details["attachments"].is_null()) {
        const json& atts = details["attachments"];
        if (!atts.is_array())
            return runtime_error("details.attachments is not an array");
        std::size_t n = 0;
        for (const auto& a : atts) {
            ++n;
            std::string name = "attachment " + std::to_string(n);
            if (!a.is_object())
                return runtime_error(name + " is not an object");
            Attachment att;
            GT_TRY(std::string url, string_field(a, "url", name, true));
            GT_TRY(att.title, string_field(a, "title", name, false));
            GT_TRY(att.attachment_type, string_field(a, "attachment_type", name, true));
            GT_TRY(att.content_type,
                   string_field(a, "content_type", name, att.attachment_type == "file"));
            GT_TRY(att.filename, string_field(a, "filename", name, false));
            if (trim(url).empty())
                return runtime_error(name + " has an empty 'url'");
            att.url = absolute(trim(url), web);
            if (att.filename.empty())
                att.filename = url_filename(att.url);
            att.content_type = lower(att.content_type.substr(0, att.content_type.find(';')));
            if (att.attachment_type == "html" && att.content_type.empty())
                att.content_type = "text/html";
            if (att.attachment_type == "external")
                continue; // another site's page: not GOV.UK's to track here
            if (!allowed_host(att.url, api))
                return runtime_error(name + " ('" + att.title + "') is not on GOV.UK: " + att.url);
            p.attachments.push_back(std::move(att));
        }
    } else if (details.contains("documents") && details["documents"].is_array()) {
        for (auto& a : attachments_from_documents(details["documents"], web))
            if (allowed_host(a.url, api))
                p.attachments.push_back(std::move(a));
    }
    return p;
}

Result<Publication> get_publication(std::string_view url_or_path, const Options& options) {
    const std::string api = api_base();
    const std::string web = web_base(api);
    GT_TRY(std::string path, path_of(url_or_path, web));
    const std::string url = api + path;
    GT_CHECK(validate_url(url));
    auto response = get(url, Validators{}, options);
    if (!response.ok())
        return response.error();
    if (!allowed_host(response->effective_url.empty() ? url : response->effective_url, api))
        return runtime_error(url + ": redirected off GOV.UK, to " + response->effective_url);
    const std::string& ct = response->content_type;
    if (!ct.empty() && ct != "application/json" && !ct.ends_with("+json"))
        return runtime_error(url + ": the Content API answered " + ct + ", not JSON");
    auto parsed = parse(response->body, path, api, web);
    if (!parsed.ok())
        return runtime_error(url + ": " + parsed.error().message);
    return parsed;
}

std::string filename_stem(std::string_view url_or_filename) {
    std::string name = url_or_filename.find('/') != std::string_view::npos
                           ? url_filename(url_or_filename)
                           : std::string(url_or_filename);
    if (auto dot = name.rfind('.'); dot != std::string::npos && dot > 0)
        name.erase(dot);
    std::string out;
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
}

std::string attachment_key(std::string_view title, std::string_view url_or_filename) {
    std::string out;
    for (char c : title)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out.empty() ? filename_stem(url_or_filename) : out;
}

std::string attachment_format(const Attachment& a) {
    if (a.content_type == "application/pdf")
        return "pdf";
    if (a.attachment_type == "html" || a.content_type == "text/html")
        return "html";
    return "";
}

std::string render_page(const Publication& p) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>" +
                      html_escape(p.title) + "</title></head>\n<body>\n<main>\n";
    out += "<h1>" + html_escape(p.title) + "</h1>\n";
    if (!p.description.empty())
        out += "<p>" + html_escape(p.description) + "</p>\n";
    if (!p.organisations.empty()) {
        std::string orgs;
        for (const auto& o : p.organisations)
            orgs += (orgs.empty() ? "" : ", ") + o;
        out += "<p>From: " + html_escape(orgs) + "</p>\n";
    }
    out += "<h2>Documents</h2>\n<ul>\n";
    for (const auto& a : p.attachments) {
        std::string kind = attachment_format(a) == "pdf"    ? " (PDF)"
                           : attachment_format(a) == "html" ? " (HTML)"
                                                            : "";
        out += "<li><a href=\"" + html_escape(a.url) + "\">" +
               html_escape(a.title.empty() ? a.filename : a.title) + "</a>" + kind + "</li>\n";
    }
    if (p.attachments.empty())
        out += "<li>No documents listed.</li>\n";
    out += "</ul>\n";
    if (!p.body.empty())
        out += "<h2>Details</h2>\n" + p.body + "\n";
    if (!p.change_history.empty()) {
        out += "<h2>Updates to this page</h2>\n<ul>\n";
        for (const auto& c : p.change_history)
            out += "<li>" + html_escape(c.timestamp.substr(0, 10)) + ": " + html_escape(c.note) +
                   "</li>\n";
        out += "</ul>\n";
    }
    out += "</main>\n</body>\n</html>\n";
    return out;
}

} // namespace guidetrack::fetch::govuk
