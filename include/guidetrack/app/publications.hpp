// GOV.UK publications: a publication page and its attachments, tracked as documents.
//
// `track ID --govuk URL-or-path` reads the publication from the Content API and tracks it (ID,
// its page as synthesised from the API: title, description, documents, change history) and each
// attachment (ID-<title slug>), with DocumentInfo::govuk_path tying them together and
// DocumentInfo::attachment naming the attachment.
//
// refresh() runs before `check` fetches anything: it re-reads each publication concerned, and
//   - an attachment whose address changed (matched by title, else by the file name's stem) gets
//     the new address, so the next fetch records a new version of the same document;
//   - an attachment the publication did not have is tracked and reported;
//   - a tracked attachment the publication no longer lists is reported (nothing is deleted);
//   - every document of the publication is given the publisher's date (public_updated_at) and
//     change note for the version `check` records.
// A bad answer (HTTP error, not JSON, missing fields, a redirect off GOV.UK) fails that
// publication only, with a one-line reason: its documents are still checked at their known
// addresses, and nothing about it is written.
#pragma once

#include "guidetrack/app/check.hpp"
#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/fetch/govuk.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::publications {

// True for the publication document itself (not one of its attachments).
bool is_publication(const store::DocumentInfo& d);

struct TrackResult {
    fetch::govuk::Publication publication;
    store::DocumentInfo page;                     // the publication document
    std::vector<store::DocumentInfo> attachments; // tracked now or already
    std::vector<std::string> already;             // IDs that were tracked before
    std::vector<std::string> left_out;            // titles not matching the glob
};

// Track the publication as `id` and its attachments (those whose title matches glob, a
// shell-style pattern, case-insensitive; all when empty). Reads the API before writing anything.
Result<TrackResult> track(store::Store& store, const std::string& id, std::string_view url_or_path,
                          const std::string& glob, const fetch::Options& options = {});

enum class EventKind { added, withdrawn, reissued, failed };

struct Event {
    EventKind kind = EventKind::failed;
    std::string publication; // the publication's ID
    std::string id;          // the attachment's ID (added / withdrawn / reissued)
    std::string title;       // the attachment's title
    std::string url, old_url;
    std::string reason; // failed: "API-URL: reason"
};

std::string_view event_name(EventKind kind); // "added", "withdrawn", "reissued", "failed"
// One line, e.g. "new attachment 'Annex A' tracked as kcsie-annex-a (URL)".
std::string describe(const Event& e);

struct Refresh {
    std::vector<Event> events;
    std::vector<std::string> ids;                       // what check should check ({} = all)
    std::map<std::string, check::VersionFields> fields; // per document ID
    std::map<std::string, app::FetchResult> pages;      // publication ID -> its page
    std::map<std::string, std::string> failures;        // publication ID -> reason
};

// Re-read the publications concerned by ids (every tracked one when ids is empty; else those
// named and those of the attachments named) and update the store as described above. Input error
// for an unknown ID; API failures are events, not errors.
Result<Refresh> refresh(store::Store& store, const std::vector<std::string>& ids,
                        const fetch::Options& options = {});

// Make check::run use what refresh() read: the pages, the failures and the fields.
void apply(const Refresh& r, check::Options& options);

nlohmann::json to_json(const std::vector<Event>& events);

} // namespace guidetrack::publications
