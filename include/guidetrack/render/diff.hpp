// Terminal renderers of a diff::ChangeSet, and a git-compatible unified diff of two texts.
//
// Renderers do no I/O of their own: they write to the stream they are given (or return a string),
// so the CLI decides about pagers and terminals and the tests read exactly what a user sees.
// Colour is an option, never detected here. Without colour, word changes are marked as
// [-removed-]{+added+} (git's --word-diff=plain markers), so the output stays readable in a file.
#pragma once

#include "guidetrack/diff/diff.hpp"

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

namespace guidetrack::render {

struct DiffStyle {
    bool color = false;
    std::size_t width = 80;        // terminal columns; text is wrapped to fit
    std::size_t context_words = 8; // words kept either side of a change in the default view
};

// "Page 26 - paragraph 48 - Section 1 > Lead safeguarding partners"; empty parts are left out.
std::string location(const diff::Anchor& anchor);

// The default view: each change under its location header, words removed and added inline, a
// few words of context around small changes, wrapped to the width.
void render_inline(std::ostream& out, const diff::ChangeSet& changes, const DiffStyle& style);

// Old and new text in two wrapped columns, change by change.
void render_side_by_side(std::ostream& out, const diff::ChangeSet& changes, const DiffStyle& style);

// Counts by kind, words added and removed, the pages touched, and one line per change.
void render_stat(std::ostream& out, const diff::ChangeSet& changes, const DiffStyle& style);

// A unified diff (git's format: ---/+++ headers, @@ hunks) of two texts, line by line, with
// `context` lines of context; empty when the texts are equal. Labels are used as written
// ("a/doc.md", "b/doc.md"). Colour only adds SGR codes around the lines.
std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         std::string_view old_label, std::string_view new_label,
                         std::size_t context = 3, bool color = false);

} // namespace guidetrack::render
