// An Atom 1.0 feed (RFC 4287) of recorded changes: one entry per pair of consecutive versions of
// each tracked document, with the change notice as its content.
//
// Entry ids are tag URIs built from the document ID and the newer version's commit
// ("tag:guidetrack,2024:sample/<commit>"), so a feed reader sees the same entry as the same entry
// however often the feed is rewritten, and the feed itself is a pure function of the store (no
// clock in it). Versions marked technical (a re-extraction, not a change to the guidance) make
// no entry. Everything from the documents is XML-escaped, and characters XML 1.0 forbids are
// dropped, since one stray control character would make the whole feed unreadable.
#pragma once

#include "guidetrack/result.hpp"
#include "guidetrack/store.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::feed {

struct Entry {
    std::string id;
    std::string title;
    std::string updated;   // RFC 3339
    std::string published; // RFC 3339, may be empty
    std::string link;      // alternate link (http/https only), may be empty
    std::string content_html;
};

struct Feed {
    std::string id;
    std::string title;
    std::string self;    // where the feed is published (rel="self", http/https only), may be empty
    std::string updated; // RFC 3339
    std::vector<Entry> entries;
};

// The Atom document.
std::string to_atom(const Feed& feed);

// Text for XML content or attributes: & < > " ' escaped, invalid UTF-8 repaired, characters
// outside XML 1.0's Char production dropped.
std::string xml_escape(std::string_view s);

// "2024-02-23" -> "2024-02-23T00:00:00Z"; an RFC 3339 time is kept; anything else gives "".
std::string atom_time(std::string_view date_or_time);

// The feed of the given documents (all tracked documents when ids is empty), newest entry first.
Result<Feed> build_feed(const store::Store& store, const std::vector<std::string>& ids);

} // namespace guidetrack::feed
