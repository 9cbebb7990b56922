// The escapers for markup: HTML reports and fragments and XML (the Atom feed) share one;
// Markdown (notices, reports, audits) has the other.
#pragma once

#include <string>
#include <string_view>

namespace guidetrack::render {

// Text for HTML or XML content and attribute values: & < > " ' become entities (&#39; for the
// apostrophe, valid in both); invalid UTF-8 is repaired (U+FFFD); control characters other than
// tab and newline, DEL, the C1 controls and U+FFFE/U+FFFF are dropped, so the result is valid
// XML 1.0 and inert HTML.
std::string html_escape(std::string_view s);

// Text for Markdown: a backslash before each character that could become markup
// (\ ` * _ [ ] < > | ~ #). Newlines are kept; callers make one-line fields one line first.
std::string markdown_escape(std::string_view s);

// True for an absolute http: or https: URL without spaces or control characters: the only
// targets the report turns into links.
bool is_safe_href(std::string_view url);

} // namespace guidetrack::render
