#include "guidetrack/app/notice.hpp"
#include "guidetrack/text/text.hpp"

#include <cstdlib>
#include <ctime>

namespace guidetrack::app {

Result<VersionPair> resolve_versions(const store::Store& store, std::string_view id,
                                     const std::optional<std::string>& from,
                                     const std::optional<std::string>& to) {
    GT_TRY(std::vector<store::VersionInfo> versions, store.versions(id));
    std::string name(id);
    if (versions.empty())
        return input_error(name + ": no versions recorded yet");
    VersionPair pair;
    if (to) {
        GT_TRY(pair.to, store.resolve(id, *to));
    } else {
        pair.to = versions.front();
    }
    if (from) {
        GT_TRY(pair.from, store.resolve(id, *from));
        return pair;
    }
    if (versions.size() < 2)
        return input_error(name + " has 1 recorded version: nothing to compare yet");
    // versions are newest first: the one recorded just before TO.
    for (std::size_t i = 0; i + 1 < versions.size(); ++i)
        if (versions[i].commit == pair.to.commit) {
            pair.from = versions[i + 1];
            return pair;
        }
    return input_error(name + ": no version before " + pair.to.label + " to compare with");
}

Result<VersionNotice> notice_between(const store::Store& store, const store::DocumentInfo& doc,
                                     const VersionPair& pair, const NoticeRequest& request) {
    GT_TRY(model::Document old_doc, store.stored_document(doc.id, pair.from));
    GT_TRY(model::Document new_doc, store.stored_document(doc.id, pair.to));
    notice::Versions v;
    v.title = !request.title.empty() ? request.title
              : !doc.title.empty()   ? doc.title
                                     : notice::document_title(new_doc);
    if (v.title.empty())
        v.title = doc.id;
    v.old_label = pair.from.label;
    v.new_label = pair.to.label;
    v.date = pair.to.date;
    v.fallback_date = pair.to.retrieved_at.substr(0, 10);
    diff::ChangeSet changes = diff::compare(old_doc, new_doc);
    VersionNotice out;
    out.changes = changes.changes.size();
    out.notice = notice::build_notice(old_doc, new_doc, changes, v, request.options);
    out.notice.source = !doc.url.empty() ? doc.url : pair.to.source;
    out.notice.publisher = doc.publisher;
    out.notice.old_date = pair.from.date;
    out.notice.publisher_note = pair.to.publisher_note;
    out.notice.note = pair.to.note;
    out.notice.generated_at = request.generated_at.empty() ? report_time() : request.generated_at;
    return out;
}

std::string report_time() {
    if (const char* now = std::getenv("GUIDETRACK_NOW"); now && *now)
        return now;
    return text::utc_now_iso8601();
}

} // namespace guidetrack::app
