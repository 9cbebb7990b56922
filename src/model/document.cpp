#include "guidetrack/model/document.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace guidetrack::model {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Length of a paragraph number followed by ". " at the start of s ("48. ", "2.3. ", "12a. "),
// or 0. Number grammar: digits ("." digits)* [letter].
std::size_t number_prefix(std::string_view s) {
    std::size_t i = 0;
    auto digits = [&] {
        std::size_t start = i;
        while (i < s.size() && i - start < 12 && is_digit(s[i]))
            ++i;
        return i > start;
    };
    if (!digits())
        return 0;
    while (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        ++i;
        digits();
    }
    if (i < s.size() && is_alpha(s[i]))
        ++i;
    if (i + 1 < s.size() && s[i] == '.' && s[i + 1] == ' ')
        return i;
    return 0;
}

// Where a line's leading "[^mark" ends: the index of its unescaped "]", or 0 when the line does
// not start with a footnote mark or the mark is not closed.
std::size_t leading_mark_close(std::string_view line) {
    if (!line.starts_with("[^"))
        return 0;
    std::size_t i = 2;
    for (; i < line.size() && line[i] != ']'; ++i)
        if (line[i] == '\\' && i + 1 < line.size())
            ++i;
    return i < line.size() ? i : 0;
}

// A footnote definition "[^mark]: text": where its mark's "]" is, else 0.
std::size_t footnote_mark_end(std::string_view line) {
    std::size_t close = leading_mark_close(line);
    return close != 0 && line.substr(close, 3) == "]: " ? close : 0;
}

// A paragraph that starts with a footnote reference followed by ':' would read as a footnote
// definition: the colon is escaped ("[^3]\\: ..."), as CommonMark allows any punctuation to be
// (fuzz: extract_markdown, finding 23).
void protect_leading_reference(std::string& line) {
    std::size_t close = leading_mark_close(line);
    if (close != 0 && close + 1 < line.size() && line[close + 1] == ':')
        line.insert(close + 1, 1, '\\');
}

bool needs_leading_escape(std::string_view content) {
    if (content.empty())
        return false;
    switch (content.front()) {
    case '#':
    case '-':
    case '|':
    case '<':
    case '>':
    case '*':
    case '+':
    case ' ':
        return true;
    default:
        return number_prefix(content) != 0;
    }
}

void escape_inline(std::string& out, std::string_view s) {
    for (char c : s) {
        if (c == '\\' || c == '[' || c == ']')
            out.push_back('\\');
        out.push_back(c);
    }
}

void escape_target(std::string& out, std::string_view s) {
    for (char c : s) {
        if (c == '\\' || c == '>')
            out.push_back('\\');
        out.push_back(c);
    }
}

// A GFM table delimiter row's cells: "---", ":--", "--:", ... separated by " | ".
bool is_delimiter_row(std::string_view cells) {
    bool dash = false;
    for (char c : cells) {
        if (c == '-')
            dash = true;
        else if (c != ':' && c != ' ' && c != '|')
            return false;
    }
    return dash;
}

// The block's text with its links written inline as [text](<target>) and its footnote
// references as [^mark] (a literal "[" is always escaped, so "[^" is unambiguous).
std::string write_content(const Block& block) {
    std::string out;
    std::vector<Link> links = block.links;
    std::sort(links.begin(), links.end(),
              [](const Link& a, const Link& b) { return a.begin < b.begin; });
    std::size_t ref = 0;
    auto text_until = [&](std::size_t pos, std::size_t end) {
        // Text [pos, end) with the references that fall inside it (at its end included).
        while (ref < block.footnote_refs.size() && block.footnote_refs[ref].offset <= end) {
            std::size_t at = std::clamp(block.footnote_refs[ref].offset, pos, end);
            escape_inline(out, std::string_view(block.text).substr(pos, at - pos));
            out += "[^";
            escape_inline(out, block.footnote_refs[ref].mark);
            out += "]";
            pos = at;
            ++ref;
        }
        escape_inline(out, std::string_view(block.text).substr(pos, end - pos));
    };
    std::size_t pos = 0;
    for (const Link& link : links) {
        if (link.begin < pos || link.end < link.begin || link.end > block.text.size())
            continue; // overlapping or out of range: the link cannot be written, drop it
        text_until(pos, link.begin);
        out.push_back('[');
        if (block.text.compare(link.begin, 1, "^") == 0 &&
            (ref >= block.footnote_refs.size() || block.footnote_refs[ref].offset > link.begin))
            out.push_back('\\'); // "[^" would start a footnote reference (fuzz: extract_markdown)
        text_until(link.begin, link.end); // with the footnote references inside the link's text
        out += "](<";
        escape_target(out, link.target);
        out += ">)";
        pos = link.end;
    }
    text_until(pos, block.text.size());
    while (ref < block.footnote_refs.size()) { // offsets past the end (not normalised)
        out += "[^";
        escape_inline(out, block.footnote_refs[ref++].mark);
        out += "]";
    }
    // A block whose text would read as markup at the start of a line is escaped there, the
    // CommonMark way: "12\\. looks numbered", "\\# not a heading". (Stores written before wrote
    // "\\12. ..."; the reader takes both.) Text behind a link or a footnote reference at its start
    // needs nothing: the line starts with "[". What is looked at is the line as written, so that
    // a reference inside a number-like start ("5[^6. ...]6. All") is not split by the escape
    // (fuzz: stored_text).
    if (needs_leading_escape(out)) {
        std::size_t dot = number_prefix(out);
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(dot), '\\');
    }
    return out;
}

// Parse inline content (escapes and links) into block.text and block.links.
Result<void> parse_content(std::string_view s, Block& block, std::size_t line_no) {
    auto fail = [&](const char* what) {
        return input_error("stored text line " + std::to_string(line_no) + ": " + what);
    };
    std::string& text = block.text;
    bool in_link = false;
    std::size_t link_begin = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\\' && i + 1 < s.size()) {
            text.push_back(s[++i]);
        } else if (c == '[' && i + 1 < s.size() && s[i + 1] == '^') {
            std::string mark;
            std::size_t j = i + 2;
            for (; j < s.size() && s[j] != ']'; ++j) {
                if (s[j] == '\\' && j + 1 < s.size())
                    ++j;
                mark.push_back(s[j]);
            }
            if (j >= s.size())
                return fail("unterminated footnote reference");
            block.footnote_refs.push_back(FootnoteRef{text.size(), std::move(mark)});
            i = j;
        } else if (c == '[' && !in_link) {
            in_link = true;
            link_begin = text.size();
        } else if (c == ']' && in_link) {
            if (s.substr(i + 1, 2) != "(<")
                return fail("a link is not followed by (<target>)");
            std::string target;
            std::size_t j = i + 3;
            for (; j < s.size() && s[j] != '>'; ++j) {
                if (s[j] == '\\' && j + 1 < s.size())
                    ++j;
                target.push_back(s[j]);
            }
            if (j + 1 >= s.size() || s[j + 1] != ')')
                return fail("unterminated link target");
            block.links.push_back(Link{link_begin, text.size(), std::move(target)});
            in_link = false;
            i = j + 1;
        } else {
            text.push_back(c);
        }
    }
    if (in_link)
        return fail("unterminated link");
    return {};
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

} // namespace

std::string_view kind_name(BlockKind kind) {
    switch (kind) {
    case BlockKind::heading:
        return "heading";
    case BlockKind::paragraph:
        return "paragraph";
    case BlockKind::list_item:
        return "list_item";
    case BlockKind::table_row:
        return "table_row";
    case BlockKind::footnote:
        return "footnote";
    }
    return "paragraph";
}

std::string_view link_text(const Block& block, const Link& link) {
    if (link.begin > link.end || link.end > block.text.size())
        return {};
    return std::string_view(block.text).substr(link.begin, link.end - link.begin);
}

void assign_sections(Document& doc) {
    std::vector<std::pair<int, std::string>> stack; // (level, title)
    for (Block& block : doc.blocks) {
        if (block.kind == BlockKind::list_item)
            block.level = std::clamp(block.level, 0, max_list_level);
        if (block.kind == BlockKind::heading) {
            while (!stack.empty() && stack.back().first >= block.level)
                stack.pop_back();
        }
        block.section.clear();
        for (const auto& entry : stack)
            block.section.push_back(entry.second);
        if (block.kind == BlockKind::heading)
            stack.emplace_back(block.level, block.text);
    }
}

std::string write_stored_text(const Document& doc) {
    std::string out;
    std::string page;
    bool first = true;
    bool previous_row = false;
    for (const Block& block : doc.blocks) {
        // Rows of one table are written on adjacent lines, the first followed by a GFM
        // delimiter row, so that Markdown renders them as a table; a page marker between rows
        // starts a new one.
        bool continues_table =
            previous_row && block.kind == BlockKind::table_row && block.page == page;
        if (!first && !continues_table)
            out.push_back('\n');
        if (block.page != page) {
            out += "<!-- page " + block.page + " -->\n\n";
            page = block.page;
        }
        first = false;
        previous_row = block.kind == BlockKind::table_row;
        std::string number = block.number.empty() ? "" : block.number + ". ";
        switch (block.kind) {
        case BlockKind::heading:
            out.append(static_cast<std::size_t>(std::clamp(block.level, 1, 6)), '#');
            out += ' ' + number + write_content(block);
            break;
        case BlockKind::paragraph: {
            std::string content = write_content(block);
            if (number.empty())
                protect_leading_reference(content);
            out += number + content;
            break;
        }
        case BlockKind::list_item:
            out.append(static_cast<std::size_t>(std::clamp(block.level, 0, max_list_level)) * 2,
                       ' ');
            out += "- " + number + write_content(block);
            break;
        case BlockKind::table_row: {
            std::string cells = write_content(block);
            if (is_delimiter_row(cells)) // a row of dashes that is text, not a delimiter
                cells.insert(cells.find('-'), 1, '\\');
            out += "| " + cells + " |";
            if (!continues_table) {
                out += "\n|";
                std::size_t columns = 1;
                for (std::size_t at = cells.find(" | "); at != std::string::npos;
                     at = cells.find(" | ", at + 3))
                    ++columns;
                for (std::size_t c = 0; c < columns; ++c)
                    out += " --- |";
            }
            break;
        }
        case BlockKind::footnote: {
            std::string mark;
            escape_inline(mark, block.number);
            out += "[^" + mark + "]: " + write_content(block);
            break;
        }
        }
        out.push_back('\n');
    }
    return out;
}

Result<Document> parse_stored_text(std::string_view text) {
    Document doc;
    std::string page;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.empty())
            continue;
        if (starts_with(line, "<!-- page ") && line.size() >= 14 &&
            line.substr(line.size() - 4) == " -->") {
            page = std::string(line.substr(10, line.size() - 14));
            continue;
        }
        if (line == "<!-- page  -->") {
            page.clear();
            continue;
        }
        Block block;
        block.page = page;
        std::string_view content = line;
        bool may_number = true;
        if (line.front() == '#') {
            std::size_t level = 0;
            while (level < line.size() && line[level] == '#')
                ++level;
            if (level > 6 || level >= line.size() || line[level] != ' ')
                return input_error("stored text line " + std::to_string(line_no) +
                                   ": malformed heading");
            block.kind = BlockKind::heading;
            block.level = static_cast<int>(level);
            content = line.substr(level + 1);
        } else if (line.front() == ' ' || starts_with(line, "- ")) {
            std::size_t spaces = 0;
            while (spaces < line.size() && line[spaces] == ' ')
                ++spaces;
            if (spaces % 2 != 0 || !starts_with(line.substr(spaces), "- "))
                return input_error("stored text line " + std::to_string(line_no) +
                                   ": malformed list item");
            block.kind = BlockKind::list_item;
            block.level = static_cast<int>(spaces / 2);
            content = line.substr(spaces + 2);
        } else if (starts_with(line, "| ") && line.size() >= 4 &&
                   line.substr(line.size() - 2) == " |") {
            block.kind = BlockKind::table_row;
            content = line.substr(2, line.size() - 4);
            may_number = false;
            if (is_delimiter_row(content)) // the GFM delimiter under a table's first row
                continue;
        } else if (std::size_t end = footnote_mark_end(line); end != 0) {
            // "[^mark]: text" (a paragraph that starts with a reference has no ": " there).
            std::string mark;
            for (std::size_t i = 2; i < end; ++i) {
                if (line[i] == '\\' && i + 1 < end)
                    ++i;
                mark.push_back(line[i]);
            }
            block.kind = BlockKind::footnote;
            block.number = std::move(mark);
            content = line.substr(end + 3);
            may_number = false;
        } else {
            block.kind = BlockKind::paragraph;
        }
        if (may_number) {
            if (std::size_t n = number_prefix(content); n != 0) {
                block.number = std::string(content.substr(0, n));
                content = content.substr(n + 2);
            }
        }
        GT_CHECK(parse_content(content, block, line_no));
        doc.blocks.push_back(std::move(block));
    }
    assign_sections(doc);
    return doc;
}

std::string plain_text(const Document& doc) {
    std::string out;
    for (const Block& block : doc.blocks) {
        if (!out.empty())
            out += "\n\n";
        if (!block.number.empty() && block.kind != BlockKind::footnote)
            out += block.number + ". ";
        out += block.text;
    }
    if (!out.empty())
        out.push_back('\n');
    return out;
}

std::size_t word_count(const Document& doc) {
    std::size_t words = 0;
    for (const Block& block : doc.blocks)
        words += text::count_words(block.text);
    return words;
}

nlohmann::json to_json(const Block& block) {
    nlohmann::json j;
    j["kind"] = kind_name(block.kind);
    if (block.kind == BlockKind::heading || block.kind == BlockKind::list_item)
        j["level"] = block.level;
    j["text"] = block.text;
    if (!block.page.empty())
        j["page"] = block.page;
    if (!block.number.empty())
        j["number"] = block.number;
    j["section"] = block.section;
    auto links = nlohmann::json::array();
    for (const Link& link : block.links)
        links.push_back({{"text", link_text(block, link)}, {"target", link.target}});
    j["links"] = std::move(links);
    if (!block.footnote_refs.empty()) {
        auto refs = nlohmann::json::array();
        for (const FootnoteRef& r : block.footnote_refs)
            refs.push_back({{"offset", r.offset}, {"mark", r.mark}});
        j["footnote_refs"] = std::move(refs);
    }
    return j;
}

nlohmann::json to_json(const Document& doc) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const Block& block : doc.blocks)
        blocks.push_back(to_json(block));
    return {{"schema_version", 1}, {"blocks", std::move(blocks)}};
}

} // namespace guidetrack::model
