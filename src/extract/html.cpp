// HTML extraction (GOV.UK pages first) with libxml2's HTML parser.
//
// The text of a page is the text a reader reads as guidance: the <main> element (else the
// govspeak body, else <body>) without page chrome (contents lists, print links, "Updated" lines,
// logos, related links, cookie banners, scripts, forms). Only element names, text and link
// targets are read, never ids or asset paths, so markup churn (attribute order, asset hashes,
// template changes) leaves the extracted text unchanged.
//
// The input is converted to UTF-8 before parsing (libxml2 otherwise falls back to Latin-1 at the
// first bad byte) and the tree is walked through parent/sibling pointers with an explicit
// context stack: no recursion, so 100,000 nested elements cost memory, not the call stack.
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/text/text.hpp"

#include "extract/common.hpp"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

namespace guidetrack::extract {
namespace {

using model::Block;
using model::BlockKind;
using model::Document;

constexpr const char* kBaseUrl = "https://www.gov.uk/";

// ---- Encoding ---------------------------------------------------------------------------------

// The charset declared in a <meta> tag within the first 8 KiB ("" if none).
std::string declared_charset(std::string_view bytes) {
    std::string head = text::ascii_lower(bytes.substr(0, 8192));
    std::size_t pos = 0;
    while ((pos = head.find("<meta", pos)) != std::string::npos) {
        std::size_t end = head.find('>', pos);
        if (end == std::string::npos)
            break;
        std::string_view tag = std::string_view(head).substr(pos, end - pos);
        pos = end;
        std::size_t cs = tag.find("charset");
        if (cs == std::string_view::npos)
            continue;
        std::size_t i = cs + 7;
        while (i < tag.size() && (tag[i] == ' ' || tag[i] == '\t'))
            ++i;
        if (i >= tag.size() || tag[i] != '=')
            continue;
        ++i;
        while (i < tag.size() && (tag[i] == ' ' || tag[i] == '"' || tag[i] == '\''))
            ++i;
        std::size_t start = i;
        while (i < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[i])) ||
                                  tag[i] == '-' || tag[i] == '_' || tag[i] == ':' || tag[i] == '.'))
            ++i;
        if (i > start)
            return std::string(tag.substr(start, i - start));
    }
    return {};
}

// The iconv name for a declared charset, following the HTML standard's aliases (Latin-1 and
// ASCII labels mean windows-1252 in practice).
std::string iconv_name(const std::string& charset) {
    if (charset == "utf-8" || charset == "utf8" || charset == "unicode-1-1-utf-8")
        return "UTF-8";
    if (charset == "iso-8859-1" || charset == "iso8859-1" || charset == "latin1" ||
        charset == "l1" || charset == "us-ascii" || charset == "ascii" ||
        charset == "windows-1252" || charset == "cp1252" || charset == "x-cp1252")
        return "WINDOWS-1252";
    return charset;
}

Result<std::string> convert(std::string_view bytes, const std::string& from) {
    iconv_t cd = iconv_open("UTF-8", from.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
        return input_error("the HTML declares an unknown character set '" + from + "'");
    std::unique_ptr<void, int (*)(iconv_t)> guard(cd, &iconv_close);
    std::string out;
    out.resize(bytes.size() * 2 + 16);
    char* in = const_cast<char*>(bytes.data());
    std::size_t in_left = bytes.size();
    std::size_t done = 0;
    while (in_left > 0) {
        char* out_ptr = out.data() + done;
        std::size_t out_left = out.size() - done;
        std::size_t r = iconv(cd, &in, &in_left, &out_ptr, &out_left);
        done = out.size() - out_left;
        if (r != static_cast<std::size_t>(-1))
            break;
        if (errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        std::size_t offset = bytes.size() - in_left;
        return input_error("the HTML is not valid " + from + " at byte " + std::to_string(offset));
    }
    out.resize(done);
    return out;
}

// UTF-8 text of the page: BOM, else the declared charset, else UTF-8 if it is valid, else
// windows-1252 (what browsers assume for undeclared Western pages).
Result<std::string> to_utf8(std::string_view bytes) {
    if (bytes.starts_with("\xEF\xBB\xBF"))
        bytes.remove_prefix(3);
    else if (bytes.starts_with("\xFF\xFE"))
        return convert(bytes.substr(2), "UTF-16LE");
    else if (bytes.starts_with("\xFE\xFF"))
        return convert(bytes.substr(2), "UTF-16BE");
    else if (std::string charset = declared_charset(bytes); !charset.empty()) {
        std::string name = iconv_name(charset);
        if (name != "UTF-8")
            return convert(bytes, name);
        GT_CHECK(detail::check_utf8(bytes));
        return std::string(bytes);
    }
    if (text::is_valid_utf8(bytes))
        return std::string(bytes);
    return convert(bytes, "WINDOWS-1252");
}

// libxml2 compares each attribute of an element with the ones before it, so one element with
// 200,000 attributes takes minutes. No real page comes near the cap: such an element is refused
// before parsing, by one linear scan (attributes counted as the words of a tag, outside quotes).
Result<void> check_attribute_counts(std::string_view s) {
    constexpr std::size_t kMaxAttributes = 2000;
    std::size_t i = 0;
    while ((i = s.find('<', i)) != std::string_view::npos) {
        std::size_t j = i + 1;
        if (j < s.size() && (s[j] == '!' || s[j] == '?' || s[j] == '/')) {
            i = j; // a comment, declaration or end tag: no attributes
            continue;
        }
        std::size_t words = 0;
        char quote = 0;
        bool in_word = false;
        for (; j < s.size(); ++j) {
            char c = s[j];
            if (quote) {
                quote = c == quote ? 0 : quote;
                continue;
            }
            if (c == '>' || c == '<')
                break;
            if (c == '"' || c == '\'') {
                quote = c;
                continue;
            }
            bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
            words += !space && !in_word ? 1 : 0;
            in_word = !space;
        }
        if (words > kMaxAttributes + 1)
            return input_error("the HTML has an element with more than " +
                               std::to_string(kMaxAttributes) +
                               " attributes; no real page has one (refused before parsing)");
        i = j;
    }
    return {};
}

// Control characters (other than white space) in what claims to be HTML mean binary data.
Result<void> check_not_binary(std::string_view utf8) {
    std::size_t controls = 0;
    std::size_t first = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        auto c = static_cast<unsigned char>(utf8[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) {
            if (controls++ == 0)
                first = i;
        }
    }
    // A stray control character or two happen in real pages; a few percent do not.
    if (controls > 0 && (utf8[first] == '\0' || (controls >= 4 && controls * 100 > utf8.size())))
        return input_error("binary data (control byte at byte " + std::to_string(first) +
                           "), not HTML");
    return {};
}

// ---- The tree ---------------------------------------------------------------------------------

struct DocFree {
    void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

bool is_element(const xmlNode* node, const char* name) {
    return node->type == XML_ELEMENT_NODE &&
           xmlStrcasecmp(node->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

std::string attribute(const xmlNode* node, const char* name) {
    xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
    if (!value)
        return {};
    std::string out(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return out;
}

bool has_attribute(const xmlNode* node, const char* name) {
    return xmlHasProp(node, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

std::vector<std::string> classes(const xmlNode* node) {
    std::vector<std::string> out;
    std::string value = attribute(node, "class");
    std::size_t pos = 0;
    while (pos < value.size()) {
        while (pos < value.size() && std::isspace(static_cast<unsigned char>(value[pos])))
            ++pos;
        std::size_t end = pos;
        while (end < value.size() && !std::isspace(static_cast<unsigned char>(value[end])))
            ++end;
        if (end > pos)
            out.push_back(value.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

bool has_class(const xmlNode* node, std::string_view name) {
    for (const std::string& c : classes(node))
        if (c == name)
            return true;
    return false;
}

// Elements that never hold guidance text.
bool is_dropped_tag(std::string_view tag) {
    static constexpr std::array<std::string_view, 22> kTags = {
        "script",   "style", "noscript", "template", "nav",   "footer", "aside",  "button",
        "form",     "svg",   "iframe",   "object",   "embed", "canvas", "select", "input",
        "textarea", "img",   "head",     "meta",     "link",  "dialog"};
    return std::find(kTags.begin(), kTags.end(), tag) != kTags.end();
}

// GOV.UK page chrome, by class name prefix: navigation, print furniture, publication metadata
// (dates that change with every edition), the nations a page applies to, logos, feedback and
// cookie banners.
bool is_chrome_class(std::string_view c) {
    static constexpr std::array<std::string_view, 31> kPrefixes = {
        "gem-c-contents-list",
        "gem-c-devolved-nations", // the "Applies to England" banner
        "app-c-contents-list-with-body__link",
        "gem-c-print-link",
        "govuk-sticky-element",
        "sticky-element",
        "print-wrapper",
        "print-meta-data",
        "publication-header__last-changed",
        "gem-c-metadata",
        "app-c-published-dates",
        "app-c-publisher-metadata",
        "gem-c-related-navigation",
        "gem-c-contextual-footer",
        "gem-c-contextual-sidebar",
        "gem-c-single-page-notification-button",
        "app-c-back-to-top",
        "organisation-logos",
        "gem-c-organisation-logo",
        "publication-external",
        "gem-c-breadcrumbs",
        "govuk-breadcrumbs",
        "govuk-skip-link",
        "gem-c-cookie-banner",
        "govuk-cookie-banner",
        "gem-c-title__context",
        "govuk-visually-hidden",
        "gem-c-feedback",
        "gem-c-share-links",
        "gem-c-step-nav-header",
        "gem-c-layout-super-navigation",
    };
    for (std::string_view p : kPrefixes)
        if (c.starts_with(p))
            return true;
    return c.find("cookie") != std::string_view::npos;
}

bool is_chrome(const xmlNode* node) {
    if (has_attribute(node, "hidden"))
        return true;
    for (const std::string& c : classes(node))
        if (is_chrome_class(c))
            return true;
    std::string id = text::ascii_lower(attribute(node, "id"));
    if (id.find("cookie") != std::string::npos || id == "global-header" || id == "footer" ||
        id == "skiplink-container")
        return true;
    std::string role = attribute(node, "role");
    if (role == "navigation" || role == "banner" || role == "contentinfo" ||
        role == "doc-backlink" || role == "search")
        return true;
    // The "Print this page" / "Print or save to PDF" links.
    if (is_element(node, "a")) {
        std::string href = attribute(node, "href");
        if (href.starts_with("#fnref") || href.find("/print") != std::string::npos)
            return true;
    }
    return false;
}

int heading_level(std::string_view tag) {
    if (tag.size() == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6')
        return tag[1] - '0';
    return 0;
}

// Elements after whose start and end a new block begins.
bool is_block_tag(std::string_view tag) {
    static constexpr std::array<std::string_view, 30> kTags = {
        "p",       "div",     "section",    "article", "main",   "header",     "ul",      "ol",
        "li",      "dl",      "dt",         "dd",      "table",  "thead",      "tbody",   "tfoot",
        "tr",      "caption", "blockquote", "pre",     "figure", "figcaption", "address", "hr",
        "details", "summary", "fieldset",   "legend",  "center", "body"};
    return heading_level(tag) != 0 || std::find(kTags.begin(), kTags.end(), tag) != kTags.end();
}

const xmlNode* find_first(const xmlNode* root, auto&& pred) {
    const xmlNode* node = root;
    while (node) {
        if (node->type == XML_ELEMENT_NODE && pred(node))
            return node;
        if (node->children && node->type == XML_ELEMENT_NODE) {
            node = node->children;
            continue;
        }
        while (node && node != root && !node->next)
            node = node->parent;
        if (!node || node == root)
            return nullptr;
        node = node->next;
    }
    return nullptr;
}

std::string resolve(const std::string& href) {
    std::string h(text::normalise_lossy(href));
    if (h.empty() || h.front() == '#')
        return {}; // in-page anchors: navigation, and their ids churn
    std::string scheme = text::ascii_lower(h.substr(0, 11));
    if (scheme.starts_with("javascript:"))
        return {};
    xmlChar* uri = xmlBuildURI(reinterpret_cast<const xmlChar*>(h.c_str()),
                               reinterpret_cast<const xmlChar*>(kBaseUrl));
    if (!uri)
        return h;
    std::string out(reinterpret_cast<const char*>(uri));
    xmlFree(uri);
    return out;
}

// ---- The walk ---------------------------------------------------------------------------------

class Walker {
  public:
    explicit Walker(const Deadline& deadline) : deadline_(deadline) {}

    Result<Document> run(const xmlNode* root) {
        contexts_.push_back(Context{});
        const xmlNode* node = root;
        std::size_t visited = 0;
        // Pre-order walk with explicit exits; `root` itself is entered and left like any node.
        while (node) {
            if (++visited % 4096 == 0)
                GT_CHECK(deadline_.check());
            bool descend = enter(node);
            if (descend && node->children) {
                node = node->children;
                continue;
            }
            if (descend)
                leave(node);
            while (node != root && !node->next) {
                node = node->parent;
                leave(node);
            }
            if (node == root)
                break;
            node = node->next;
        }
        flush();
        return Result<Document>(std::move(doc_));
    }

  private:
    const Deadline& deadline_;
    struct Context {
        BlockKind kind = BlockKind::paragraph;
        int level = 0;
        std::string number;
        const xmlNode* owner = nullptr;
        bool row = false;           // a table row: inner blocks are cells, not blocks
        bool first_cell = true;     // for the " | " separators
        bool headings_only = false; // inside <header>: only its headings are content
        int lists = 0;              // <ul>/<ol> contexts open here, this one included
    };

    Context& top() { return contexts_.back(); }

    void flush() {
        Context& ctx = top();
        if (ctx.row)
            return; // a row is emitted when it ends
        emit(ctx);
    }

    void emit(Context& ctx) {
        if (builder_.blank()) {
            builder_.clear();
            return;
        }
        Block block;
        block.kind = ctx.kind;
        block.level =
            ctx.kind == BlockKind::heading || ctx.kind == BlockKind::list_item ? ctx.level : 0;
        builder_.finish_into(block);
        if (block.kind == BlockKind::paragraph || block.kind == BlockKind::heading)
            detail::take_paragraph_number(block);
        if (!ctx.number.empty() && block.number.empty())
            block.number = ctx.number;
        ctx.number.clear();
        if (!block.text.empty())
            doc_.blocks.push_back(std::move(block));
    }

    // Kept per context, so that deeply nested lists cost linear time, not quadratic.
    int list_depth() const { return contexts_.empty() ? 0 : contexts_.back().lists; }

    bool in_footnotes() const { return footnotes_depth_ > 0; }

    // Returns whether to walk the node's children.
    bool enter(const xmlNode* node) {
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            if (!node->content)
                return false;
            const Context& ctx = top();
            if (ctx.headings_only && ctx.kind != BlockKind::heading)
                return false;
            builder_.text(reinterpret_cast<const char*>(node->content));
            return false;
        }
        if (node->type != XML_ELEMENT_NODE || !node->name)
            return false;
        std::string tag = text::ascii_lower(reinterpret_cast<const char*>(node->name));
        if (is_dropped_tag(tag) || is_chrome(node))
            return false;
        if (tag == "br") {
            builder_.text(" ");
            return false;
        }
        if (tag == "a") {
            std::string target = resolve(attribute(node, "href"));
            if (!target.empty() && !builder_.in_link()) {
                builder_.begin_link(target);
                open_links_.push_back(node);
            }
            return true;
        }
        if (has_class(node, "footnotes") || attribute(node, "role") == "doc-endnotes")
            ++footnotes_depth_;
        if (top().row) {
            // Inside a table row everything is inline; cells are separated by " | ".
            if (tag == "td" || tag == "th") {
                if (!top().first_cell)
                    builder_.text(" | ");
                top().first_cell = false;
            } else if (is_block_tag(tag)) {
                builder_.text(" ");
            }
            return true;
        }
        if (!is_block_tag(tag) && tag != "td" && tag != "th")
            return true;
        flush();
        Context ctx;
        ctx.owner = node;
        ctx.headings_only = top().headings_only;
        ctx.lists = top().lists + ((tag == "ul" || tag == "ol") ? 1 : 0);
        const Context& parent = top();
        if (int level = heading_level(tag)) {
            ctx.kind = BlockKind::heading;
            ctx.level = level;
        } else if (tag == "header") {
            ctx.headings_only = true;
        } else if (tag == "tr") {
            ctx.kind = BlockKind::table_row;
            ctx.row = true;
        } else if (tag == "li") {
            if (in_footnotes()) {
                ctx.kind = BlockKind::footnote;
                ctx.number = std::to_string(++footnote_count_);
            } else {
                ctx.kind = BlockKind::list_item;
                ctx.level = std::max(0, list_depth() - 1);
                ctx.number = list_number(node);
            }
        } else if (parent.kind == BlockKind::list_item || parent.kind == BlockKind::footnote) {
            // A paragraph inside a list item or footnote continues it.
            ctx.kind = parent.kind;
            ctx.level = parent.level;
            ctx.number = std::exchange(top().number, std::string());
        }
        contexts_.push_back(std::move(ctx));
        return true;
    }

    void leave(const xmlNode* node) {
        if (node->type != XML_ELEMENT_NODE)
            return;
        if (!open_links_.empty() && open_links_.back() == node) {
            builder_.end_link();
            open_links_.pop_back();
            return;
        }
        if (has_class(node, "footnotes") || attribute(node, "role") == "doc-endnotes")
            footnotes_depth_ = std::max(0, footnotes_depth_ - 1);
        if (contexts_.size() > 1 && top().owner == node) {
            emit(top());
            contexts_.pop_back();
        } else if (!top().row &&
                   is_block_tag(text::ascii_lower(reinterpret_cast<const char*>(node->name)))) {
            flush();
        }
    }

    // The number an <ol> gives this item ("start" and "value" honoured); empty in a <ul>.
    std::string list_number(const xmlNode* li) {
        const xmlNode* list = li->parent;
        if (!list || !is_element(list, "ol"))
            return {};
        if (std::string type = attribute(list, "type"); !type.empty() && type != "1")
            return {}; // letters and roman numerals are written by the browser, not the text
        long n = 1;
        if (std::string start = attribute(list, "start"); !start.empty())
            n = std::strtol(start.c_str(), nullptr, 10);
        for (const xmlNode* sib = list->children; sib; sib = sib->next) {
            if (!is_element(sib, "li"))
                continue;
            if (std::string value = attribute(sib, "value"); !value.empty())
                n = std::strtol(value.c_str(), nullptr, 10);
            if (sib == li)
                return std::to_string(n);
            ++n;
        }
        return {};
    }

    std::vector<Context> contexts_;
    std::vector<const xmlNode*> open_links_;
    detail::TextBuilder builder_;
    Document doc_;
    int footnotes_depth_ = 0;
    int footnote_count_ = 0;
};

// GOV.UK's help block on HTML publications, the same on every one: a "Print or save to PDF"
// section saying how to print the page. Its template sentences are dropped (and the heading, when
// nothing else is left under it); anything a publisher wrote there stays.
void drop_print_help(Document& doc) {
    static constexpr std::array<std::string_view, 6> kTemplate = {
        "to print this content you can",
        "use the 'print this page' button",
        "right-click or secondary click on the page and choose 'print'",
        "press ctrl + p on a windows keyboard or command + p on a mac",
        "you can also use these options and change the printer destination to save the content",
        "instructions may vary depending on which internet browser you use",
    };
    auto folded = [](const std::string& s) { return text::ascii_lower(text::fold_typography(s)); };
    std::vector<Block> kept;
    for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
        const Block& h = doc.blocks[i];
        if (h.kind != BlockKind::heading || folded(h.text) != "print or save to pdf") {
            kept.push_back(h);
            continue;
        }
        std::size_t end = i + 1;
        while (end < doc.blocks.size() && doc.blocks[end].kind != BlockKind::heading &&
               doc.blocks[end].kind != BlockKind::footnote)
            ++end;
        std::vector<Block> real;
        for (std::size_t j = i + 1; j < end; ++j) {
            std::string t = folded(doc.blocks[j].text);
            bool help = std::any_of(kTemplate.begin(), kTemplate.end(),
                                    [&](std::string_view p) { return t.starts_with(p); });
            if (!help)
                real.push_back(doc.blocks[j]);
        }
        if (!real.empty())
            kept.push_back(h);
        kept.insert(kept.end(), real.begin(), real.end());
        i = end - 1;
    }
    doc.blocks = std::move(kept);
}

} // namespace

Result<Document> extract_html(std::string_view bytes, const Deadline& deadline) {
    if (bytes.size() > static_cast<std::size_t>(INT32_MAX))
        return input_error("the HTML is too large to parse");
    // C0 control bytes are the same in every ASCII-compatible encoding: check before decoding.
    if (!bytes.starts_with("\xFF\xFE") && !bytes.starts_with("\xFE\xFF"))
        GT_CHECK(check_not_binary(bytes));
    GT_TRY(std::string utf8, to_utf8(bytes));
    GT_CHECK(check_not_binary(utf8));
    GT_CHECK(detail::check_utf8(utf8));
    GT_CHECK(check_attribute_counts(utf8));
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                  HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE;
    std::unique_ptr<xmlDoc, DocFree> doc(
        htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), kBaseUrl, "UTF-8", options));
    if (!doc)
        return input_error("the HTML could not be parsed");
    GT_CHECK(deadline.check());
    const xmlNode* html = xmlDocGetRootElement(doc.get());
    if (!html)
        return input_error("the document has no text");
    const xmlNode* root = find_first(html, [](const xmlNode* n) { return is_element(n, "main"); });
    if (!root)
        root = find_first(html, [](const xmlNode* n) {
            return has_class(n, "gem-c-govspeak") || has_class(n, "govspeak") ||
                   attribute(n, "id") == "contents";
        });
    if (!root)
        root = find_first(html, [](const xmlNode* n) { return is_element(n, "body"); });
    if (!root)
        root = html;
    GT_TRY(Document result, Walker(deadline).run(root));
    drop_print_help(result);
    return detail::finish_document(std::move(result));
}

} // namespace guidetrack::extract
