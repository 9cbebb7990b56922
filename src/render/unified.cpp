// A unified diff of two texts in git's format, so that `git apply` and `patch` accept it.
//
// Lines are interned to ints and diffed with the same engine as words (diff::edit_script), so a
// long stored text costs no more than its number of lines. A last line without a newline is a
// different line from the same text with one, and is followed by git's "\ No newline at end of
// file" marker.
#include "guidetrack/render/diff.hpp"

#include <cctype>
#include <unordered_map>

namespace guidetrack::render {
namespace {

struct Lines {
    std::vector<std::string_view> lines; // without their newline
    bool last_has_newline = true;
};

Lines split_lines(std::string_view s) {
    Lines out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        std::size_t nl = s.find('\n', pos);
        if (nl == std::string_view::npos) {
            out.lines.push_back(s.substr(pos));
            out.last_has_newline = false;
            break;
        }
        out.lines.push_back(s.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return out;
}

std::string range(std::size_t start, std::size_t count) {
    // git writes "-5" for one line and "-4,0" (the line before) for none.
    std::size_t first = count == 0 ? start : start + 1;
    if (count == 1)
        return std::to_string(first);
    return std::to_string(first) + "," + std::to_string(count);
}

// git's default hunk-header context: the nearest line above the hunk that starts with a
// letter, '_' or '$' (a heading in Markdown starts with '#', so it is a paragraph's opening
// words), at most 80 bytes, trailing spaces trimmed.
std::string function_context(const Lines& l, std::size_t first) {
    for (std::size_t i = first; i > 0; --i) {
        std::string_view line = l.lines[i - 1];
        if (line.empty())
            continue;
        unsigned char c = static_cast<unsigned char>(line[0]);
        if (!(std::isalpha(c) || c == '_' || c == '$'))
            continue;
        std::string_view cut = line.substr(0, 80);
        while (!cut.empty() && (cut.back() == ' ' || cut.back() == '\t'))
            cut.remove_suffix(1);
        return " " + std::string(cut);
    }
    return {};
}

} // namespace

std::string unified_diff(std::string_view old_text, std::string_view new_text,
                         std::string_view old_label, std::string_view new_label,
                         std::size_t context, bool color) {
    if (old_text == new_text)
        return {};
    Lines a = split_lines(old_text), b = split_lines(new_text);
    std::unordered_map<std::string, int> ids;
    auto intern = [&](const Lines& l) {
        std::vector<int> out;
        out.reserve(l.lines.size());
        for (std::size_t i = 0; i < l.lines.size(); ++i) {
            std::string key(l.lines[i]);
            if (i + 1 == l.lines.size() && !l.last_has_newline)
                key += '\0'; // no newline: not the same line
            out.push_back(
                ids.try_emplace(std::move(key), static_cast<int>(ids.size())).first->second);
        }
        return out;
    };
    std::vector<int> ia = intern(a), ib = intern(b);
    std::vector<diff::EditOp> ops = diff::edit_script(ia, ib);

    // Old and new line index at each op.
    std::vector<std::size_t> at_old(ops.size() + 1), at_new(ops.size() + 1);
    for (std::size_t k = 0, i = 0, j = 0; k <= ops.size(); ++k) {
        at_old[k] = i;
        at_new[k] = j;
        if (k == ops.size())
            break;
        if (ops[k] != diff::EditOp::added)
            ++i;
        if (ops[k] != diff::EditOp::removed)
            ++j;
    }

    auto paint = [&](std::string_view code, const std::string& line) {
        return color ? std::string(code) + line + "\x1b[0m" : line;
    };
    std::string out;
    out += paint("\x1b[1m", "--- " + std::string(old_label)) + "\n";
    out += paint("\x1b[1m", "+++ " + std::string(new_label)) + "\n";

    std::size_t k = 0;
    while (k < ops.size()) {
        if (ops[k] == diff::EditOp::equal) {
            ++k;
            continue;
        }
        // A hunk: from `context` lines before this change to `context` lines after the last
        // change that is at most 2 * context equal lines from the one before it.
        std::size_t begin = k >= context ? k - context : 0;
        std::size_t end = k;
        for (;;) {
            while (end < ops.size() && ops[end] != diff::EditOp::equal)
                ++end;
            std::size_t next = end;
            while (next < ops.size() && ops[next] == diff::EditOp::equal)
                ++next;
            if (next < ops.size() && next - end <= 2 * context) {
                end = next;
                continue;
            }
            end = std::min(ops.size(), end + context);
            break;
        }
        std::size_t old_count = at_old[end] - at_old[begin];
        std::size_t new_count = at_new[end] - at_new[begin];
        out += paint("\x1b[36m", "@@ -" + range(at_old[begin], old_count) + " +" +
                                     range(at_new[begin], new_count) + " @@") +
               function_context(a, at_old[begin]) + "\n";
        for (std::size_t q = begin; q < end; ++q) {
            std::size_t i = at_old[q], j = at_new[q];
            bool no_newline = false;
            switch (ops[q]) {
            case diff::EditOp::equal:
                out += " " + std::string(a.lines[i]) + "\n";
                no_newline = i + 1 == a.lines.size() && !a.last_has_newline;
                break;
            case diff::EditOp::removed:
                out += paint("\x1b[31m", "-" + std::string(a.lines[i])) + "\n";
                no_newline = i + 1 == a.lines.size() && !a.last_has_newline;
                break;
            case diff::EditOp::added:
                out += paint("\x1b[32m", "+" + std::string(b.lines[j])) + "\n";
                no_newline = j + 1 == b.lines.size() && !b.last_has_newline;
                break;
            }
            if (no_newline)
                out += "\\ No newline at end of file\n";
        }
        k = end;
    }
    return out;
}

} // namespace guidetrack::render
