// Auditing a publisher's change note against the changes computed from the two versions.
//
// Publishers' notes name places ("Page 26, paragraph 48:", "Paragraphs 24-35:", "the footnote
// in paragraph 6", "(page 161)", a quoted section or term) and kinds of change (an email address,
// a link, a glossary definition, a heading, the wording). parse_note() splits a note into its
// items (lines, bullet points, sentences that start with a place) and reads each item's places
// and kinds by fixed rules. audit() pairs each official item with the computed notice items at
// its places (or, for an item naming no place, of its kind), and lists every major computed item
// no official item covers: the changes the publisher did not mention.
//
// complete() is what `guidetrack audit` exits on: 0 when every major change is covered, 1 when
// the note leaves some out. Official items whose place did not change are reported ("no change
// found there") but do not decide the exit code.
#pragma once

#include "guidetrack/notice/notice.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::audit {

struct Range {
    std::string first, last; // last empty for a single page or paragraph
};

struct OfficialItem {
    std::string text; // as the publisher wrote it (bullet removed)
    std::vector<Range> pages, paragraphs;
    bool footnote = false;            // "the footnote in paragraph 6", "footnote 99"
    std::string footnote_mark;        // "99" when given
    std::vector<std::string> names;   // quoted names: sections, headings, defined terms
    std::vector<std::string> kinds;   // "email", "link", "glossary", "heading", "wording", ...
    std::vector<std::size_t> matched; // indexes into the notice's items
    bool has_place() const {
        return !pages.empty() || !paragraphs.empty() || !footnote_mark.empty() || !names.empty();
    }
    // "page 26, paragraph 48", "paragraphs 24 to 35", "footnote in paragraph 6"; "" when none.
    std::string place_text() const;
};

struct Audit {
    notice::Notice notice;              // the computed changes
    std::vector<OfficialItem> official; // the publisher's items, each with what matched
    std::vector<std::size_t> unlisted;  // major notice items no official item covers
    bool complete() const { return unlisted.empty(); }
    int exit_code() const { return complete() ? 0 : 1; }
};

// The note's items. Lines that are only a date ("February 2022") or empty are skipped.
std::vector<OfficialItem> parse_note(std::string_view note);

// Input error when the note has no items.
Result<Audit> run(const notice::Notice& computed, std::string_view note);

enum class Format { text, markdown, json };
Result<Format> parse_format(std::string_view name); // "text", "md" / "markdown", "json"

// "The publisher's note leaves out 2 of 5 major changes." (and how many of its items found none)
std::string summary_line(const Audit& a);
// One line for a notice item ("Paragraph 25: amended the wording ...").
std::string item_line(const Audit& a, std::size_t item);

std::string render_text(const Audit& a);
// level: the heading level of the title (1 for `audit --format md`, deeper inside a report).
std::string render_markdown(const Audit& a, int level = 1);
// An HTML <section> for the check report: the note's items with their matches, the changes
// left out and the summary line; everything escaped. level: its heading's level.
std::string render_html_section(const Audit& a, int level = 3);
nlohmann::json to_json(const Audit& a);
std::string render(const Audit& a, Format f);

// The computed notice between two stored versions (from: "" = the version before to; to: "" =
// latest), with the publisher's notes of every version after from up to to, newest first.
struct Stored {
    notice::Notice notice;
    store::VersionInfo from, to;
    std::string publisher_note; // may be empty
};
Result<Stored> load(const store::Store& st, const std::string& id, const std::string& from,
                    const std::string& to);

} // namespace guidetrack::audit
