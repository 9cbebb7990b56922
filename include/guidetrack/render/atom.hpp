// An Atom 1.0 feed document (RFC 4287): the data of a feed and its rendering. Pure functions; the
// feed of a store is built in app/feed.hpp.
//
// Everything from the documents is escaped with the one markup escaper (render/escape.hpp), which
// also drops the characters XML 1.0 forbids, since one stray control character would make the
// whole feed unreadable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::render {

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

// "2024-02-23" -> "2024-02-23T00:00:00Z"; an RFC 3339 time is kept; anything else gives "".
std::string atom_time(std::string_view date_or_time);

} // namespace guidetrack::render
