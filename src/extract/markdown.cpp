// Markdown and plain-text extraction.
//
// Guidance written in Markdown numbers its paragraphs as "48. " at the start of a line, which
// CommonMark would read as an ordered list; here a number at column 0 is a numbered paragraph
// (the anchor a change notice cites) and only indented or bracketed markers ("  1. ", "a) ")
// are list items. The parser is line-based with one open block at a time, which is all the
// structure the document model keeps; inline markup is reduced to its words, except links,
// whose targets are kept because a changed target is a real change (markdown_inline.cpp, the
// second parser: this file finds the blocks, that one reads the text inside each).
//
// Stored texts (document.hpp) are Markdown of this dialect, so "<!-- page N -->" markers are
// honoured: re-extracting a stored text keeps its pages.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/text/text.hpp"

#include "extract/common.hpp"
#include "extract/markdown_inline.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace guidetrack::extract {
namespace {

using detail::is_digit;
using detail::is_space;
using detail::References;
using detail::trim;
using model::Block;
using model::BlockKind;
using model::Document;

std::vector<std::string_view> split_lines(std::string_view s) {
    std::vector<std::string_view> lines;
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t end = s.find('\n', pos);
        if (end == std::string_view::npos)
            end = s.size();
        std::string_view line = s.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        pos = end + 1;
    }
    return lines;
}

// Columns of leading indentation (tabs to the next multiple of 4) and the rest of the line.
std::pair<std::size_t, std::string_view> split_indent(std::string_view line) {
    std::size_t cols = 0;
    std::size_t i = 0;
    for (; i < line.size() && is_space(line[i]); ++i)
        cols = line[i] == '\t' ? (cols / 4 + 1) * 4 : cols + 1;
    return {cols, line.substr(i)};
}

bool is_thematic_break(std::string_view content) {
    content = trim(content);
    if (content.size() < 3)
        return false;
    char c = content[0];
    if (c != '-' && c != '*' && c != '_')
        return false;
    std::size_t count = 0;
    for (char d : content) {
        if (d == c)
            ++count;
        else if (!is_space(d))
            return false;
    }
    return count >= 3;
}

// "===" or "---" under a paragraph line: a setext heading of level 1 or 2 (0 if not).
int setext_level(std::string_view content) {
    content = trim(content);
    if (content.empty())
        return 0;
    char c = content[0];
    if (c != '=' && c != '-')
        return 0;
    for (char d : content)
        if (d != c)
            return 0;
    return c == '=' ? 1 : 2;
}

// "#".."######" then a space or the end: the heading level and its text.
int atx_heading(std::string_view content, std::string_view& text) {
    std::size_t n = 0;
    while (n < content.size() && content[n] == '#')
        ++n;
    if (n == 0 || n > 6 || (n < content.size() && !is_space(content[n])))
        return 0;
    std::string_view rest = trim(content.substr(n));
    // An optional closing sequence of #s, preceded by a space.
    std::size_t end = rest.size();
    while (end > 0 && rest[end - 1] == '#')
        --end;
    if (end == 0)
        rest = {};
    else if (end < rest.size() && is_space(rest[end - 1]))
        rest = trim(rest.substr(0, end));
    text = rest;
    return static_cast<int>(n);
}

bool is_table_separator(std::string_view content) {
    bool dash = false;
    for (char c : content) {
        if (c == '-')
            dash = true;
        else if (c != '|' && c != ':' && !is_space(c))
            return false;
    }
    return dash;
}

// Split "| a | b |" into its cells on unescaped pipes outside code spans.
std::vector<std::string_view> table_cells(std::string_view content) {
    content = trim(content);
    if (content.starts_with("|"))
        content.remove_prefix(1);
    if (content.ends_with("|") && !content.ends_with("\\|"))
        content.remove_suffix(1);
    std::vector<std::string_view> cells;
    std::size_t start = 0;
    bool code = false;
    for (std::size_t i = 0; i < content.size(); ++i) {
        if (content[i] == '\\') {
            ++i;
        } else if (content[i] == '`') {
            code = !code;
        } else if (content[i] == '|' && !code) {
            cells.push_back(trim(content.substr(start, i - start)));
            start = i + 1;
        }
    }
    cells.push_back(trim(content.substr(start)));
    return cells;
}

// A list marker: "-", "*", "+", or an ordered marker "3)" "a)", or when indented "3." "a."
// "iv." (at column 0 "3." is a numbered paragraph, and "e. g." can start a line of prose). Returns
// the marker length including the following space, and the ordered marker's label in *label.
std::size_t list_marker(std::string_view content, bool indented, std::string* label) {
    if (content.size() >= 2 && (content[0] == '-' || content[0] == '*' || content[0] == '+') &&
        is_space(content[1])) {
        label->clear();
        return 2;
    }
    std::size_t i = 0;
    bool digits = false;
    while (i < content.size() && i < 9 && is_digit(content[i]))
        ++i;
    digits = i > 0;
    if (!digits) {
        while (i < content.size() && i < 6 && content[i] >= 'a' && content[i] <= 'z')
            ++i;
        if (i == 0)
            return 0;
        // One letter, or a roman numeral.
        if (i > 1 && content.substr(0, i).find_first_not_of("ivxlc") != std::string_view::npos)
            return 0;
    }
    if (i + 1 >= content.size() || !is_space(content[i + 1]))
        return 0;
    char delim = content[i];
    if (delim != ')' && !(delim == '.' && indented))
        return 0;
    *label = std::string(content.substr(0, i));
    return i + 2;
}

// A footnote definition "[^mark]: text": the mark and the offset of the text.
std::size_t footnote_definition(std::string_view content, std::string* mark) {
    if (!content.starts_with("[^"))
        return 0;
    std::size_t close = content.find("]:");
    if (close == std::string_view::npos || close <= 2)
        return 0;
    std::string_view m = content.substr(2, close - 2);
    if (m.find_first_of("[] \t") != std::string_view::npos)
        return 0;
    *mark = std::string(m);
    return close + 2;
}

// "[label]: target" reference definitions; footnotes excluded.
bool reference_definition(std::string_view content, std::string* label, std::string* target) {
    if (!content.starts_with("[") || content.starts_with("[^"))
        return false;
    std::size_t close = content.find("]:");
    if (close == std::string_view::npos || close < 2)
        return false;
    std::string_view rest = trim(content.substr(close + 2));
    if (rest.empty())
        return false;
    std::size_t end = rest.find_first_of(" \t");
    std::string_view url = rest.substr(0, end);
    if (url.starts_with("<") && url.ends_with(">") && url.size() >= 2)
        url = url.substr(1, url.size() - 2);
    *label = text::ascii_lower(trim(content.substr(1, close - 1)));
    *target = std::string(url);
    return true;
}

// "<!-- page N -->": the page marker of stored texts.
std::optional<std::string> page_marker(std::string_view line) {
    line = trim(line);
    if (line.starts_with("<!-- page ") && line.ends_with(" -->") && line.size() >= 14)
        return std::string(line.substr(10, line.size() - 14));
    if (line == "<!-- page  -->" || line == "<!-- page -->")
        return std::string();
    return std::nullopt;
}

class MarkdownParser {
  public:
    MarkdownParser(std::vector<std::string_view> lines, const Deadline& deadline)
        : lines_(std::move(lines)), deadline_(deadline) {}

    Result<Document> run() {
        collect_references();
        for (std::size_t n = 0; n < lines_.size(); ++n) {
            if (n % 1024 == 0)
                GT_CHECK(deadline_.check());
            if (skip_[n])
                continue;
            line(lines_[n], n);
        }
        flush();
        GT_CHECK(deadline_.check());
        return detail::finish_document(std::move(doc_));
    }

  private:
    enum class Open { none, paragraph, list_item, footnote };

    void collect_references() {
        skip_.assign(lines_.size(), false);
        bool fence = false;
        for (std::size_t n = 0; n < lines_.size(); ++n) {
            auto [indent, content] = split_indent(lines_[n]);
            if (content.starts_with("```") || content.starts_with("~~~"))
                fence = !fence;
            std::string label, target;
            if (!fence && indent < 4 && reference_definition(content, &label, &target)) {
                refs_.emplace(label, target);
                skip_[n] = true;
            }
        }
    }

    void flush() {
        if (open_ == Open::none)
            return;
        Block block;
        block.page = page_;
        block.level = open_level_;
        block.number = open_number_;
        block.kind = open_ == Open::list_item  ? BlockKind::list_item
                     : open_ == Open::footnote ? BlockKind::footnote
                                               : BlockKind::paragraph;
        emit(std::move(block), raw_);
        open_ = Open::none;
        raw_.clear();
        open_number_.clear();
        open_level_ = 0;
    }

    void emit(Block block, std::string_view raw, bool literal = false) {
        detail::TextBuilder builder;
        if (literal)
            builder.text(raw);
        else
            detail::parse_inline(raw, refs_, builder);
        builder.finish_into(block);
        if (!block.text.empty())
            doc_.blocks.push_back(std::move(block));
    }

    void start(Open kind, std::string_view text, int level = 0, std::string number = {}) {
        flush();
        open_ = kind;
        open_level_ = level;
        open_number_ = std::move(number);
        raw_ = std::string(text);
    }

    int list_level(std::size_t indent) {
        while (!list_indents_.empty() && list_indents_.back() > indent)
            list_indents_.pop_back();
        if (list_indents_.empty() || list_indents_.back() < indent)
            list_indents_.push_back(indent);
        return static_cast<int>(list_indents_.size()) - 1;
    }

    void line(std::string_view line, std::size_t n) {
        if (fence_) {
            if (trim(line).starts_with(fence_marker_)) {
                fence_ = false;
                Block block;
                block.page = page_;
                emit(std::move(block), raw_, true);
                raw_.clear();
            } else {
                raw_ += line;
                raw_ += '\n';
            }
            return;
        }
        if (comment_) {
            if (line.find("-->") != std::string_view::npos)
                comment_ = false;
            return;
        }
        auto [indent, content] = split_indent(line);
        // Block quotes: the quoted text is the guidance's text; the markers are markup.
        while (indent < 4 && content.starts_with(">")) {
            content.remove_prefix(1);
            auto [more, rest] = split_indent(content);
            indent += 1 + more;
            content = rest;
        }
        if (trim(content).empty()) {
            flush();
            blank_ = true;
            return;
        }
        bool after_blank = blank_;
        blank_ = false;
        if (auto page = page_marker(content)) {
            flush();
            page_ = *page;
            return;
        }
        if (content.starts_with("<!--")) {
            flush();
            if (content.find("-->") == std::string_view::npos)
                comment_ = true;
            return;
        }
        if (indent < 4 && (content.starts_with("```") || content.starts_with("~~~"))) {
            flush();
            fence_ = true;
            fence_marker_ = content.substr(0, 3);
            raw_.clear();
            return;
        }
        std::string_view heading_text;
        if (indent < 4) {
            if (int level = atx_heading(content, heading_text)) {
                flush();
                list_indents_.clear();
                Block block;
                block.kind = BlockKind::heading;
                block.level = level;
                block.page = page_;
                emit(std::move(block), heading_text);
                if (!doc_.blocks.empty() && doc_.blocks.back().kind == BlockKind::heading)
                    detail::take_paragraph_number(doc_.blocks.back());
                return;
            }
            if (open_ == Open::paragraph && open_number_.empty()) {
                if (int level = setext_level(content)) {
                    Block block;
                    block.kind = BlockKind::heading;
                    block.level = level;
                    block.page = page_;
                    std::string raw = std::move(raw_);
                    open_ = Open::none;
                    raw_.clear();
                    list_indents_.clear();
                    emit(std::move(block), raw);
                    return;
                }
            }
            if (is_thematic_break(content)) {
                flush();
                return;
            }
            if (content.starts_with("|")) {
                flush();
                list_indents_.clear();
                if (is_table_separator(content))
                    return;
                detail::TextBuilder builder;
                bool first = true;
                for (std::string_view cell : table_cells(content)) {
                    if (!first)
                        builder.text(" | ");
                    first = false;
                    detail::parse_inline(cell, refs_, builder);
                }
                Block block;
                block.kind = BlockKind::table_row;
                block.page = page_;
                builder.finish_into(block);
                if (!block.text.empty())
                    doc_.blocks.push_back(std::move(block));
                return;
            }
            std::string mark;
            if (std::size_t n_def = footnote_definition(content, &mark)) {
                list_indents_.clear();
                start(Open::footnote, content.substr(n_def), 0, mark);
                return;
            }
        }
        std::string number;
        if (indent == 0) {
            if (std::size_t n_num = detail::paragraph_number_prefix(content, &number)) {
                list_indents_.clear();
                start(Open::paragraph, content.substr(n_num), 0, number);
                return;
            }
        }
        if (std::size_t n_mark = list_marker(content, indent > 0, &number)) {
            int level = list_level(indent);
            // A letter or roman label ("c.", "iv)") stays in the item's text as printed: only a
            // number is an anchor, and the stored text reads "- c. ..." back as text (finding 23).
            if (!number.empty() && !is_digit(number[0]))
                start(Open::list_item, content, level, {});
            else
                start(Open::list_item, content.substr(n_mark), level, number);
            return;
        }
        // A continuation line joins the open block; after a blank line it starts a paragraph.
        if (open_ != Open::none && !after_blank) {
            raw_ += '\n';
            raw_ += content;
            return;
        }
        if (indent == 0)
            list_indents_.clear();
        start(Open::paragraph, content);
        (void)n;
    }

    std::vector<std::string_view> lines_;
    const Deadline& deadline_;
    std::vector<bool> skip_;
    References refs_;
    Document doc_;
    std::string page_;
    Open open_ = Open::none;
    int open_level_ = 0;
    std::string open_number_;
    std::string raw_;
    std::vector<std::size_t> list_indents_;
    bool blank_ = false;
    bool fence_ = false;
    std::string_view fence_marker_;
    bool comment_ = false;
};

Result<std::string_view> checked_text(std::string_view bytes) {
    bytes = detail::strip_bom(bytes);
    if (std::size_t nul = bytes.find('\0'); nul != std::string_view::npos)
        return input_error("binary data (a NUL byte at byte " + std::to_string(nul) +
                           "), not text");
    GT_CHECK(detail::check_utf8(bytes));
    return bytes;
}

} // namespace

Result<Document> extract_markdown(std::string_view bytes, const Deadline& deadline) {
    GT_TRY(std::string_view text, checked_text(bytes));
    return MarkdownParser(split_lines(text), deadline).run();
}

// Plain text: paragraphs are separated by blank lines; a line starting with a paragraph number
// starts a new paragraph even without a blank line before it (text copied out of PDFs often has
// none). Form feeds (pdftotext's page breaks) give page numbers 1, 2, ...
Result<Document> extract_text(std::string_view bytes, const Deadline& deadline) {
    GT_TRY(std::string_view text, checked_text(bytes));
    bool paged = text.find('\f') != std::string_view::npos;
    int page = 1;
    Document doc;
    Block open;
    std::string raw;
    auto flush = [&] {
        if (!raw.empty()) {
            detail::TextBuilder builder;
            builder.text(raw);
            builder.finish_into(open);
            if (!open.text.empty())
                doc.blocks.push_back(open);
        }
        raw.clear();
        open = Block{};
        open.page = paged ? std::to_string(page) : std::string();
    };
    flush();
    std::size_t line_count = 0;
    for (std::string_view line : split_lines(text)) {
        if (++line_count % 4096 == 0)
            GT_CHECK(deadline.check());
        while (!line.empty() && line.front() == '\f') {
            flush();
            ++page;
            open.page = std::to_string(page);
            line.remove_prefix(1);
        }
        if (trim(line).empty()) {
            flush();
            continue;
        }
        std::string number;
        if (std::size_t n = detail::paragraph_number_prefix(line, &number)) {
            flush();
            open.number = number;
            raw = std::string(line.substr(n));
            continue;
        }
        if (!raw.empty())
            raw += '\n';
        raw += line;
    }
    flush();
    return detail::finish_document(std::move(doc));
}

} // namespace guidetrack::extract
