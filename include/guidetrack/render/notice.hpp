// Renderers of a change notice: GOV.UK-style text, Markdown (list or "Where | What" table), one
// self-contained HTML report, and JSON. Pure functions from a Notice to a string: no I/O.
//
// The HTML report is meant to be opened, printed or emailed by someone who did not ask for it,
// so it trusts nothing from the documents: every piece of document text is escaped (including
// quotes and control characters), it carries no scripts and no external assets, a
// Content-Security-Policy forbids both, and only http(s) targets ever become links. Changes are
// marked with strike-through and underline, so the redline reads without colour.
#pragma once

#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/escape.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace guidetrack::render {

// Bumped when a field of the notice JSON changes meaning or goes away.
constexpr int kNoticeSchemaVersion = 2;

// "<Title>\nLast updated 23 February 2024\n- Page 26, paragraph 48: amended ...\n"
std::string notice_text(const notice::Notice& notice);

// A Markdown list, or with table a "Where | What" table.
std::string notice_markdown(const notice::Notice& notice, bool table = false);

// The whole report: the notice, then each item's redline with its location.
std::string notice_html(const notice::Notice& notice);

// One document's report (the header naming source, publisher, dates and when it was made; the
// list; each item's redline) as a <section>, its title at heading level `level`: 1 for a page of
// its own (notice_html), 2 inside a page that reports several documents (check --report).
std::string notice_report_section(const notice::Notice& notice, int level = 1);

// A complete HTML page around body: the report's style (phone width, print), a security policy
// that runs nothing and loads nothing, and the footer.
std::string html_page(std::string_view title, std::string_view body);

// Only the notice's list of items, as an HTML fragment (for feed entries).
std::string notice_html_fragment(const notice::Notice& notice);

// The notice as JSON ("schema_version", "items" with kind, major, location, old/new text, edits).
nlohmann::json notice_json(const notice::Notice& notice);
// notice_json() serialised, invalid UTF-8 replaced.
std::string notice_json_text(const notice::Notice& notice);

// "Page 26, paragraph 48: amended ..." (or the description alone, capitalised, without a place).
std::string item_line(const notice::NoticeItem& item);

} // namespace guidetrack::render
