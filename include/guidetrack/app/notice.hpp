// The notice between two recorded versions: the use case that `notice`, `check`, the feed and the
// notifications share, so that each says the same thing about the same change.
//
// It resolves which versions to compare (FROM and TO as the user names them, or the latest and
// the one recorded before it), diffs their stored text, builds the notice and fills in the
// report's header (source, publisher, both dates, when it was made) from the store.
#pragma once

#include "guidetrack/diff/diff.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace guidetrack::app {

struct VersionPair {
    store::VersionInfo from, to;
};

// FROM and TO (selectors as `log` prints them: labels, dates, commits); without TO the latest
// version, without FROM the version recorded just before TO. Input error when there is nothing
// to compare (fewer than two versions, or TO is the first).
Result<VersionPair> resolve_versions(const store::Store& store, std::string_view id,
                                     const std::optional<std::string>& from = std::nullopt,
                                     const std::optional<std::string>& to = std::nullopt);

struct NoticeRequest {
    notice::Options options;
    std::string title;        // overrides the document's title when set
    std::string generated_at; // the report's time; empty: report_time()
};

struct VersionNotice {
    notice::Notice notice;
    std::size_t changes = 0; // the diff's changes (before the notice merged and dropped any)
};

// The notice of what changed from pair.from to pair.to of document `doc`.
Result<VersionNotice> notice_between(const store::Store& store, const store::DocumentInfo& doc,
                                     const VersionPair& pair, const NoticeRequest& request = {});

// When a report is made: $GUIDETRACK_NOW when set (reproducible reports and golden files), else
// the clock, as ISO 8601 UTC ("2024-06-01T12:00:00Z").
std::string report_time();

} // namespace guidetrack::app
