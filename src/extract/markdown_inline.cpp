// The inline parser (see markdown_inline.hpp), on cmark-gfm: CommonMark's inline rules
// (emphasis, code spans, links and their destinations, autolinks, entities, escapes, raw HTML)
// are the library's, not ours. What is ours is around it: the block's text is handed over as one
// paragraph that cannot start a block of its own, with the reference definitions it uses, and
// guidetrack's footnote references "[^N]" (which CommonMark does not have) are taken out before
// and put back as references after.
#include "extract/markdown_inline.hpp"

#include "guidetrack/text/text.hpp"

#include <cmark-gfm.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace guidetrack::extract::detail {
namespace {

// Footnote references stand in the text cmark sees as U+FDD0 N U+FDD1 (noncharacters: never in
// real text), N the reference's index.
constexpr std::string_view kOpen = "\xEF\xB7\x90", kClose = "\xEF\xB7\x91";
// A no-break space first: the paragraph cannot open as a heading, list, quote or reference
// definition, and it counts as white space for emphasis. It is dropped again afterwards.
constexpr std::string_view kLead = "\xC2\xA0";

struct Prepared {
    std::string source;             // what cmark parses
    std::vector<std::string> marks; // the footnote references, in order
};

// The text on one line (a hard break or a line end is a space in the model anyway), the
// footnote references replaced, the reference definitions it may use appended.
Prepared prepare(std::string_view s, const References& refs) {
    Prepared p;
    p.source = kLead;
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\\' && i + 1 < s.size()) {
            if (s[i + 1] == '\n') {
                p.source.push_back(' ');
            } else {
                p.source.push_back(c);
                p.source.push_back(s[i + 1]);
            }
            ++i;
        } else if (c == '\n' || c == '\r') {
            p.source.push_back(' ');
        } else if (c == '[' && i + 1 < s.size() && s[i + 1] == '^') {
            std::size_t close = s.find(']', i + 2);
            std::string_view mark = close == std::string_view::npos
                                        ? std::string_view()
                                        : s.substr(i + 2, close - i - 2);
            if (mark.empty() || mark.size() > 20 ||
                mark.find_first_of(" \t\n[\\") != std::string_view::npos) {
                p.source.push_back(c);
                continue;
            }
            p.source += std::string(kOpen) + std::to_string(p.marks.size()) + std::string(kClose);
            p.marks.emplace_back(mark);
            i = close;
        } else {
            if (c == '[' && !refs.empty()) {
                std::size_t close = s.find(']', i + 1);
                if (close != std::string_view::npos && close - i < 1000)
                    labels.push_back(text::ascii_lower(trim(s.substr(i + 1, close - i - 1))));
            }
            p.source.push_back(c);
        }
    }
    // The definitions of the labels bracketed here (not all of them: a document with many
    // definitions would make every paragraph's parse as long as the whole list).
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    std::string defs;
    for (const auto& label : labels) {
        auto it = refs.find(label);
        if (it == refs.end() || label.empty())
            continue;
        defs += "\n\n[";
        for (char c : label) {
            if (c == '[' || c == ']' || c == '\\')
                defs.push_back('\\');
            defs.push_back(c);
        }
        defs += "]: <";
        for (char c : it->second) {
            if (c == '<' || c == '>' || c == '\\')
                defs.push_back('\\');
            defs.push_back(c == '\n' ? ' ' : c);
        }
        defs += ">";
    }
    p.source += defs;
    return p;
}

struct NodeFree {
    void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterFree {
    void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

// What parse_inline_cmark tells a TextBuilder, recorded. The calls depend only on the text cmark
// parses (which holds the definitions it uses), the footnote marks and allow_links, so a block
// seen before (the same paragraph in the next version of a document, in an import or a diff)
// replays them without cmark.
struct Op {
    enum Kind : char { text, footnote, begin_link, end_link } kind;
    std::string arg;
};
using Ops = std::vector<Op>;

void replay(const Ops& ops, TextBuilder& out) {
    for (const Op& op : ops) {
        switch (op.kind) {
        case Op::text:
            out.text(op.arg);
            break;
        case Op::footnote:
            out.footnote_ref(op.arg);
            break;
        case Op::begin_link:
            out.begin_link(op.arg);
            break;
        case Op::end_link:
            out.end_link();
            break;
        }
    }
}

// The recorded calls by block, per thread, up to a budget: past it, forgotten all at once.
class Memo {
  public:
    const Ops* find(const std::string& key) const {
        auto it = map_.find(key);
        return it == map_.end() ? nullptr : &it->second;
    }
    void put(std::string key, Ops ops) {
        std::size_t size = key.size() + sizeof(Op) * ops.size();
        for (const Op& op : ops)
            size += op.arg.size();
        if (bytes_ + size > kBudget) {
            map_.clear();
            bytes_ = 0;
        }
        bytes_ += size;
        map_.emplace(std::move(key), std::move(ops));
    }

  private:
    static constexpr std::size_t kBudget = 32u << 20;
    std::unordered_map<std::string, Ops> map_;
    std::size_t bytes_ = 0;
};

thread_local Memo memo;

// A text node's literal; each U+FDD0 N U+FDD1 stand-in (see kOpen) becomes footnote reference
// N again.
void emit_text(std::string_view t, const std::vector<std::string>& marks, Ops& out) {
    std::size_t pos = 0;
    while (pos < t.size()) {
        std::size_t open = t.find(kOpen, pos);
        if (open == std::string_view::npos) {
            out.push_back({Op::text, std::string(t.substr(pos))});
            return;
        }
        std::size_t close = t.find(kClose, open);
        if (close == std::string_view::npos) {
            out.push_back({Op::text, std::string(t.substr(pos))});
            return;
        }
        out.push_back({Op::text, std::string(t.substr(pos, open - pos))});
        std::string_view n = t.substr(open + kOpen.size(), close - open - kOpen.size());
        std::size_t index = marks.size();
        if (!n.empty() && n.size() < 8 && std::all_of(n.begin(), n.end(), is_digit))
            index = std::stoul(std::string(n));
        if (index < marks.size())
            out.push_back({Op::footnote, marks[index]});
        pos = close + kClose.size();
    }
}

bool markup_byte(char c) {
    auto b = static_cast<unsigned char>(c);
    return b < 0x20 || c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' ||
           c == '<' || c == '&';
}

// No footnote marks of ours and valid UTF-8: the checks plain and simple_links share.
bool unmarked_utf8(std::string_view s) {
    return s.find(kOpen) == std::string_view::npos && s.find(kClose) == std::string_view::npos &&
           text::is_valid_utf8(s);
}

// Text in which those rules find nothing to do (and no invalid UTF-8, which cmark replaces).
// Most paragraphs of guidance are like this, and reading them needs no parser.
bool plain(std::string_view s) {
    return std::none_of(s.begin(), s.end(), markup_byte) && unmarked_utf8(s);
}

// What cmark gives for the end of a paragraph's plain text: no spaces after it.
std::string_view trim_end_spaces(std::string_view s) {
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// One piece of a text read by simple_links: plain text, or a link's text and its target.
struct Piece {
    std::string_view text;
    std::string_view target;
    bool link = false;
};

// Plain text with links written as guidetrack writes them: "[TEXT](<TARGET>)", TEXT plain and
// not starting "^" (a footnote reference), TARGET without "<", ">", "\\" or "&" (which cmark would
// unescape or decode), nothing between ">" and ")", no "!" before "[" (an image). cmark reads
// that as the plain runs and the links, each link's text its children and its target verbatim.
// Stored text is written this way, so a diff of two stored versions needs no parser for it.
// False (and pieces left unfinished) for anything else.
bool simple_links(std::string_view s, std::vector<Piece>& pieces) {
    if (!unmarked_utf8(s))
        return false;
    std::size_t start = 0; // of the plain run being read
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (!markup_byte(c))
            continue;
        if (c != '[' || (i > 0 && s[i - 1] == '!'))
            return false;
        std::size_t close = i + 1;
        while (close < s.size() && !markup_byte(s[close]))
            ++close;
        if (close + 2 >= s.size() || s[close] != ']' || s[close + 1] != '(' ||
            s[close + 2] != '<' || (close > i + 1 && s[i + 1] == '^'))
            return false;
        std::size_t end = close + 3;
        while (end < s.size() && s[end] != '>') {
            char d = s[end];
            if (static_cast<unsigned char>(d) < 0x20 || d == '<' || d == '\\' || d == '&')
                return false;
            ++end;
        }
        if (end + 1 >= s.size() || s[end + 1] != ')')
            return false;
        // cmark trims the spaces around a destination; leave such links to it.
        if (end > close + 3 && (s[close + 3] == ' ' || s[end - 1] == ' '))
            return false;
        if (i > start)
            pieces.push_back({s.substr(start, i - start), {}, false});
        pieces.push_back(
            {s.substr(i + 1, close - i - 1), s.substr(close + 3, end - close - 3), true});
        i = end + 1;
        start = end + 2;
    }
    if (start < s.size())
        pieces.push_back({s.substr(start), {}, false});
    return true;
}

} // namespace

bool reads_without_parser(std::string_view s) {
    std::vector<Piece> pieces;
    return plain(s) || simple_links(s, pieces);
}

void parse_inline(std::string_view s, const References& refs, TextBuilder& out, bool allow_links) {
    if (plain(s)) {
        out.text(trim_end_spaces(s));
        return;
    }
    std::vector<Piece> pieces;
    if (simple_links(s, pieces)) {
        if (!pieces.empty() && !pieces.back().link)
            pieces.back().text = trim_end_spaces(pieces.back().text);
        for (const Piece& piece : pieces) {
            if (piece.link && allow_links) {
                out.begin_link(std::string(piece.target));
                out.text(piece.text);
                out.end_link();
            } else {
                out.text(piece.text);
            }
        }
        return;
    }
    parse_inline_cmark(s, refs, out, allow_links);
}

void parse_inline_cmark(std::string_view s, const References& refs, TextBuilder& out,
                        bool allow_links) {
    Prepared p = prepare(s, refs);
    std::string key = p.source;
    key.push_back('\0');
    key.push_back(allow_links ? 'L' : 'T');
    for (const auto& mark : p.marks) {
        key.push_back('\0');
        key += mark;
    }
    if (const Ops* seen = memo.find(key)) {
        replay(*seen, out);
        return;
    }
    Ops ops;
    std::unique_ptr<cmark_node, NodeFree> doc(
        cmark_parse_document(p.source.data(), p.source.size(), CMARK_OPT_DEFAULT));
    if (!doc) {
        out.text(s);
        return;
    }
    bool lead = true; // the no-break space in front is still to be dropped
    int in_link = 0;
    std::unique_ptr<cmark_iter, IterFree> it(cmark_iter_new(doc.get()));
    for (cmark_event_type ev; (ev = cmark_iter_next(it.get())) != CMARK_EVENT_DONE;) {
        cmark_node* node = cmark_iter_get_node(it.get());
        switch (cmark_node_get_type(node)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE: {
            const char* lit = cmark_node_get_literal(node);
            std::string_view t = lit ? lit : "";
            if (lead && t.starts_with(kLead))
                t.remove_prefix(kLead.size());
            lead = false;
            emit_text(t, p.marks, ops);
            break;
        }
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            ops.push_back({Op::text, " "});
            break;
        case CMARK_NODE_LINK:
            if (!allow_links)
                break;
            if (ev == CMARK_EVENT_ENTER) {
                if (in_link++ == 0) {
                    const char* url = cmark_node_get_url(node);
                    ops.push_back({Op::begin_link, url ? url : ""});
                }
            } else if (--in_link == 0) {
                ops.push_back({Op::end_link, {}});
            }
            break;
        default:
            break; // emphasis, images (their alt text is their children), raw HTML: markup only
        }
    }
    replay(ops, out);
    memo.put(std::move(key), std::move(ops));
}

} // namespace guidetrack::extract::detail
