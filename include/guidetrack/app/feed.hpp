// The Atom feed of a store's recorded changes: one entry per pair of consecutive versions of each
// tracked document, with the change notice as its content (rendered by render/atom.hpp).
//
// Entry ids are tag URIs built from the document ID and the newer version's commit
// ("tag:guidetrack,2024:sample/<commit>"), so a feed reader sees the same entry as the same entry
// however often the feed is rewritten, and the feed itself is a pure function of the store (no
// clock in it). Versions marked technical (a re-extraction, not a change to the guidance) make
// no entry.
#pragma once

#include "guidetrack/render/atom.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <string>
#include <vector>

namespace guidetrack::app {

// The feed of the given documents (all tracked documents when ids is empty), newest entry first.
Result<render::Feed> build_feed(const store::Store& store, const std::vector<std::string>& ids);

} // namespace guidetrack::app
