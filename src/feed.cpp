#include "guidetrack/feed.hpp"

#include "guidetrack/diff.hpp"
#include "guidetrack/notice.hpp"
#include "guidetrack/render_notice.hpp"
#include "guidetrack/text.hpp"

#include <algorithm>
#include <regex>

namespace guidetrack::feed {
namespace {

constexpr const char* kTagPrefix = "tag:guidetrack,2024:";
constexpr const char* kEpoch = "1970-01-01T00:00:00Z";

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i)
            out += sep;
        out += parts[i];
    }
    return out;
}

std::string entry_title(const store::DocumentInfo& doc, const store::VersionInfo& v,
                        const notice::Notice& n) {
    std::string title = doc.title.empty() ? doc.id : doc.title;
    std::string when = n.date.empty() ? v.label : "updated " + notice::display_date(n.date);
    std::string count =
        std::to_string(n.items.size()) + (n.items.size() == 1 ? " change" : " changes");
    if (n.items.empty())
        count = "minor changes only";
    return title + ": " + when + " (" + count + ")";
}

} // namespace

std::string xml_escape(std::string_view s) {
    std::string in = text::repair_utf8(s);
    std::string out;
    out.reserve(in.size() + in.size() / 8);
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '&':
            out += "&amp;";
            continue;
        case '<':
            out += "&lt;";
            continue;
        case '>':
            out += "&gt;";
            continue;
        case '"':
            out += "&quot;";
            continue;
        case '\'':
            out += "&apos;";
            continue;
        default:
            break;
        }
        // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r')
            continue;
        // U+FFFE and U+FFFF are EF BF BE / EF BF BF.
        if (u == 0xef && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xbf &&
            (static_cast<unsigned char>(in[i + 2]) == 0xbe ||
             static_cast<unsigned char>(in[i + 2]) == 0xbf)) {
            i += 2;
            continue;
        }
        out.push_back(c);
    }
    return out;
}

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
    out += "  <id>" + xml_escape(feed.id) + "</id>\n";
    out += "  <title>" + xml_escape(feed.title) + "</title>\n";
    out +=
        "  <updated>" + xml_escape(feed.updated.empty() ? kEpoch : feed.updated) + "</updated>\n";
    out += "  <author><name>guidetrack</name></author>\n";
    out += "  <generator>guidetrack</generator>\n";
    for (const auto& e : feed.entries) {
        out += "  <entry>\n";
        out += "    <id>" + xml_escape(e.id) + "</id>\n";
        out += "    <title>" + xml_escape(e.title) + "</title>\n";
        out +=
            "    <updated>" + xml_escape(e.updated.empty() ? kEpoch : e.updated) + "</updated>\n";
        if (!e.published.empty())
            out += "    <published>" + xml_escape(e.published) + "</published>\n";
        if (!e.link.empty() && render::is_safe_href(e.link))
            out += "    <link rel=\"alternate\" type=\"text/html\" href=\"" + xml_escape(e.link) +
                   "\"/>\n";
        out += "    <content type=\"html\">" + xml_escape(e.content_html) + "</content>\n";
        out += "  </entry>\n";
    }
    out += "</feed>\n";
    return out;
}

Result<Feed> build_feed(const store::Store& st, const std::vector<std::string>& ids) {
    std::vector<store::DocumentInfo> docs;
    if (ids.empty()) {
        GT_TRY(docs, st.documents());
    } else {
        for (const auto& id : ids) {
            GT_CHECK(store::validate_id(id));
            GT_TRY(store::DocumentInfo info, st.document(id));
            docs.push_back(std::move(info));
        }
    }
    Feed feed;
    feed.id = kTagPrefix + std::string("feed");
    if (!ids.empty())
        feed.id += "/" + join(ids, "+");
    feed.title = docs.size() == 1 && !docs.front().title.empty()
                     ? "Changes to " + docs.front().title
                     : "Changes to tracked guidance";
    for (const auto& doc : docs) {
        GT_TRY(std::vector<store::VersionInfo> versions, st.versions(doc.id));
        // versions are newest first: pair each with the one recorded before it.
        for (std::size_t i = 0; i + 1 < versions.size(); ++i) {
            const store::VersionInfo& newer = versions[i];
            const store::VersionInfo& older = versions[i + 1];
            std::string updated = atom_time(newer.retrieved_at);
            if (updated.empty())
                updated = atom_time(newer.date);
            if (updated > feed.updated)
                feed.updated = updated;
            if (newer.technical)
                continue;
            GT_TRY(model::Document old_doc, st.stored_document(doc.id, older));
            GT_TRY(model::Document new_doc, st.stored_document(doc.id, newer));
            notice::Versions v;
            v.title = doc.title.empty() ? doc.id : doc.title;
            v.old_label = older.label;
            v.new_label = newer.label;
            v.date = newer.date;
            v.fallback_date = newer.retrieved_at;
            notice::Notice n =
                notice::build_notice(old_doc, new_doc, diff::compare(old_doc, new_doc), v);
            n.publisher_note = newer.publisher_note;
            n.note = newer.note;
            Entry e;
            e.id = kTagPrefix + doc.id + "/" + newer.commit;
            e.title = entry_title(doc, newer, n);
            e.updated = updated;
            e.published = atom_time(newer.date);
            e.link = doc.url;
            e.content_html = render::notice_html_fragment(n);
            feed.entries.push_back(std::move(e));
        }
        if (versions.size() == 1) {
            std::string t = atom_time(versions.front().retrieved_at);
            if (t > feed.updated)
                feed.updated = t;
        }
    }
    std::stable_sort(feed.entries.begin(), feed.entries.end(), [](const Entry& a, const Entry& b) {
        return a.updated != b.updated ? a.updated > b.updated : a.id < b.id;
    });
    return feed;
}

} // namespace guidetrack::feed
