#include "guidetrack/app/feed.hpp"
#include "guidetrack/app/notice.hpp"

#include "guidetrack/diff/diff.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/atom.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/text/text.hpp"

#include <algorithm>
#include <regex>

namespace guidetrack::app {
namespace {

constexpr const char* kTagPrefix = "tag:guidetrack,2024:";

using text::join;

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

Result<render::Feed> build_feed(const store::Store& st, const std::vector<std::string>& ids) {
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
    render::Feed feed;
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
            std::string updated = render::atom_time(newer.retrieved_at);
            if (updated.empty())
                updated = render::atom_time(newer.date);
            if (updated > feed.updated)
                feed.updated = updated;
            if (newer.technical)
                continue;
            NoticeRequest request;
            request.title = doc.title.empty() ? doc.id : doc.title;
            GT_TRY(VersionNotice vn, notice_between(st, doc, VersionPair{older, newer}, request));
            const notice::Notice& n = vn.notice;
            render::Entry e;
            e.id = kTagPrefix + doc.id + "/" + newer.commit;
            e.title = entry_title(doc, newer, n);
            e.updated = updated;
            e.published = render::atom_time(newer.date);
            e.link = doc.url;
            e.content_html = render::notice_html_fragment(n);
            feed.entries.push_back(std::move(e));
        }
        if (versions.size() == 1) {
            std::string t = render::atom_time(versions.front().retrieved_at);
            if (t > feed.updated)
                feed.updated = t;
        }
    }
    std::stable_sort(feed.entries.begin(), feed.entries.end(),
                     [](const render::Entry& a, const render::Entry& b) {
                         // Versions recorded in the same second (a batch, a script) keep the
                         // publisher's order.
                         if (a.updated != b.updated)
                             return a.updated > b.updated;
                         return a.published != b.published ? a.published > b.published
                                                           : a.id < b.id;
                     });
    return feed;
}

} // namespace guidetrack::app
