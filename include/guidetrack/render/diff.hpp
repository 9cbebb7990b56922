// Terminal renderers of a diff::ChangeSet, and a git-compatible unified diff of two texts.
//
// Renderers do no I/O of their own: they write to the stream they are given (or return a string),
// so the CLI decides about pagers and terminals and the tests read exactly what a user sees.
// Colour is an option, never detected here. Without colour, word changes are marked as
// [-removed-]{+added+} (git's --word-diff=plain markers), so the output stays readable in a file
// and on a monochrome terminal. With colour, a theme marks added words with underline and a
// colour, removed words with strike-through and a second colour (blue and orange by default, a
// pair colour-blind readers tell apart); the "mono" theme keeps the markers as well.
#pragma once

#include "guidetrack/diff/diff.hpp"
#include "guidetrack/result.hpp"

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::render {

// How changes look in colour: SGR parameters ("4;38;5;33") for each role; empty means plain.
struct Theme {
    std::string name;
    std::string added, removed; // changed words
    std::string dim;            // "...", "from ..." lines
    std::string location;       // the place in a change header
    std::string section;        // the section header over a group of changes
    std::string kind_added, kind_removed, kind_amended, kind_moved, kind_renumbered;
    bool markers = false; // keep [- -] and {+ +} around changes in colour too
};

// The named themes: "default" (blue underline / orange strike, 256 colours), "basic" (the same
// in the 8 basic colours), "classic" (git's green / red, with underline / strike), "mono" (no hue:
// bold underline / dim strike, and the markers).
std::vector<std::string> theme_names();
// The theme called `name`; an input error naming the themes when there is none. Used by --theme
// and by the config file's [diff] theme key.
Result<Theme> theme_by_name(std::string_view name);

struct DiffStyle {
    bool color = false;
    std::size_t width = 80; // terminal columns; text is wrapped to fit
    // Words kept either side of a change (-C). Unset: context adapts to the width, whole
    // sentences where they fit in about a line either side.
    std::optional<std::size_t> context_words;
    Theme theme = *theme_by_name("default");
    // A navigation marker ("» ") at the start of every change header, for the pager's search.
    bool navigate = false;
};

// The marker written before each change header with DiffStyle::navigate, and a pattern (POSIX
// extended regex) that matches exactly those lines, for `less --pattern`.
inline constexpr std::string_view navigate_marker = "\u00bb ";
inline constexpr std::string_view navigate_pattern = "^\u00bb ";

// "Page 26 - paragraph 48 - Section 1 > Lead safeguarding partners"; empty parts are left out.
std::string location(const diff::Anchor& anchor);

// What part of a change set to show: changes under a section matching one of the globs (fnmatch,
// case-insensitive; matched against each heading of the path and against each leading part of
// the path joined by " > "), and with major_only, no typographic or punctuation-only amendments.
struct Scope {
    std::vector<std::string> sections;
    bool major_only = false;
};
bool section_matches(const std::vector<std::string>& section, const std::string& glob);
bool in_section(const std::vector<std::string>& section, const std::vector<std::string>& globs);
// An amendment whose words differ only in typography (quotes, dashes, spacing) or punctuation.
bool is_minor(const diff::Change& change);
diff::ChangeSet scope_changes(const diff::ChangeSet& changes, const Scope& scope);

// The default view: changes grouped under their section (printed once for adjacent changes in
// the same section), each with its page / paragraph, words removed and added inline, context
// around small changes, wrapped to the width. A moved block is shown once, with both places.
void render_inline(std::ostream& out, const diff::ChangeSet& changes, const DiffStyle& style);

// Old and new text in two wrapped columns, change by change, grouped like the inline view.
void render_side_by_side(std::ostream& out, const diff::ChangeSet& changes, const DiffStyle& style);

// Counts by kind, words added and removed, the pages touched, and one line per change (its
// location shortened from the front of the section path, so the distinguishing headings stay).
void render_stat(std::ostream& out, const diff::ChangeSet& changes, const DiffStyle& style);

// A unified diff (git's format: ---/+++ headers, @@ hunks) of two texts, line by line, with
// `context` lines of context; empty when the texts are equal. Labels are used as written
// ("a/doc.md", "b/doc.md"). Colour only adds SGR codes around the lines.
std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         std::string_view old_label, std::string_view new_label,
                         std::size_t context = 3, bool color = false);

} // namespace guidetrack::render
