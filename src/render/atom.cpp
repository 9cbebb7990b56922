#include "guidetrack/render/atom.hpp"

#include "guidetrack/render/escape.hpp"

#include <regex>

namespace guidetrack::render {
namespace {

constexpr const char* kEpoch = "1970-01-01T00:00:00Z";

} // namespace

std::string atom_time(std::string_view s) {
    static const std::regex date(R"(^\d{4}-\d{2}-\d{2}$)");
    static const std::regex time(
        R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)");
    std::string str(s);
    if (std::regex_match(str, date))
        return str + "T00:00:00Z";
    if (std::regex_match(str, time))
        return str;
    return {};
}

std::string to_atom(const Feed& feed) {
    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
    out += "  <id>" + html_escape(feed.id) + "</id>\n";
    out += "  <title>" + html_escape(feed.title) + "</title>\n";
    if (!feed.self.empty() && is_safe_href(feed.self))
        out += "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" +
               html_escape(feed.self) + "\"/>\n";
    out +=
        "  <updated>" + html_escape(feed.updated.empty() ? kEpoch : feed.updated) + "</updated>\n";
    out += "  <author><name>guidetrack</name></author>\n";
    out += "  <generator>guidetrack</generator>\n";
    for (const auto& e : feed.entries) {
        out += "  <entry>\n";
        out += "    <id>" + html_escape(e.id) + "</id>\n";
        out += "    <title>" + html_escape(e.title) + "</title>\n";
        out +=
            "    <updated>" + html_escape(e.updated.empty() ? kEpoch : e.updated) + "</updated>\n";
        if (!e.published.empty())
            out += "    <published>" + html_escape(e.published) + "</published>\n";
        if (!e.link.empty() && render::is_safe_href(e.link))
            out += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + html_escape(e.link) +
                   "\"/>\n";
        out += "    <content type=\"html\">" + html_escape(e.content_html) + "</content>\n";
        out += "  </entry>\n";
    }
    out += "</feed>\n";
    return out;
}

} // namespace guidetrack::render
