// Patterns: e-mail addresses, URLs, dates, numbers and editions masked out of a text to tell
// what kind of change a paragraph had; links, referenced documents and defined terms.
#include "internal.hpp"

namespace guidetrack::notice::detail {

const std::regex& email_re() {
    static const std::regex re(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+)");
    return re;
}

const std::regex& url_re() {
    static const std::regex re(R"((https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]])", std::regex::icase);
    return re;
}

const std::regex& date_re() {
    static const std::regex re(
        R"(\b(\d{1,2}(st|nd|rd|th)?\s+)?(January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(19|20)\d{2}\b)",
        std::regex::icase);
    return re;
}

const std::regex& full_date_re() {
    static const std::regex re(
        R"((\d{1,2})\s+(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{4}))",
        std::regex::icase);
    return re;
}

const std::regex& number_re() {
    // Whole numbers only: "8am" -> "9am" is a wording change, not "changed 8 to 9".
    static const std::regex re(R"(\b\d+([.,]\d+)*\b)");
    return re;
}

const std::regex& edition_re() {
    static const std::regex re(R"(\(((19|20)\d{2})\))");
    return re;
}

const std::regex& metadata_re() {
    static const std::regex re(
        R"(^((first\s+)?published|updated|last\s+updated|page\s+updated|updated\s+on)\b.{0,80}\d{4}\.?$|^(©\s*)?crown\s+copyright(\s+\d{4})?\.?$|^©.{0,60}$|^print\s+or\s+save\s+to\s+pdf$|^print\s+this\s+page$|^contents$|^applies\s+to\s+(england|wales|scotland|northern\s+ireland)((,\s*|\s+and\s+)(england|wales|scotland|northern\s+ireland))*(\s*\(see\s+detailed\s+guidance\s+for\s+.{0,60}\))?$)",
        std::regex::icase);
    return re;
}

namespace {

const std::regex& glossary_heading_re() {
    static const std::regex re(
        R"(\b(glossary|definitions?|key\s+terms|terms\s+used|terminology|interpretation)\b)",
        std::regex::icase);
    return re;
}

// The text with every match of re replaced by a marker, and the matches in order.
struct Masked {
    std::string text;
    std::vector<std::string> values;
};

Masked mask(std::string_view s, const std::regex& re) {
    Masked m;
    std::string str(s);
    std::size_t last = 0;
    for (auto it = std::sregex_iterator(str.begin(), str.end(), re); it != std::sregex_iterator();
         ++it) {
        auto pos = static_cast<std::size_t>(it->position(0));
        m.text.append(str, last, pos - last);
        m.text += '\x01';
        m.values.push_back(it->str(0));
        last = pos + static_cast<std::size_t>(it->length(0));
    }
    m.text.append(str, last, std::string::npos);
    return m;
}

} // namespace

std::optional<std::vector<std::pair<std::string, std::string>>>
only_matches_differ(std::string_view old_text, std::string_view new_text, const std::regex& re) {
    Masked a = mask(old_text, re), b = mask(new_text, re);
    if (a.values.size() != b.values.size() || typo_key(a.text) != typo_key(b.text))
        return std::nullopt;
    std::vector<std::pair<std::string, std::string>> diffs;
    for (std::size_t i = 0; i < a.values.size(); ++i)
        if (a.values[i] != b.values[i])
            diffs.emplace_back(a.values[i], b.values[i]);
    if (diffs.empty())
        return std::nullopt;
    return diffs;
}

std::string describe_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::vector<std::string> parts;
    for (const auto& [a, b] : pairs)
        parts.push_back(a + kArrow + b);
    return join(parts, "; ");
}

std::string document_name(std::string_view link_text) {
    std::string s = trim(link_text);
    static const std::regex year_suffix(
        R"(\s*(\(|,)\s*((January|February|March|April|May|June|July|August|September|October|November|December)\s+)?(19|20)\d{2}\s*\)?\s*$)");
    s = std::regex_replace(s, year_suffix, "");
    static const std::regex quotes(R"(^("|'|‘|“)+|("|'|’|”)+$)");
    s = std::regex_replace(s, quotes, "");
    return trim(s);
}

int latest_year(std::string_view s) {
    static const std::regex year(R"((19|20)\d{2})");
    int best = 0;
    std::string str(s);
    for (auto it = std::sregex_iterator(str.begin(), str.end(), year); it != std::sregex_iterator();
         ++it)
        best = std::max(best, std::atoi(it->str(0).c_str()));
    return best;
}

std::string title_before(std::string_view s, std::size_t pos) {
    std::string before = trim(s.substr(0, pos));
    for (std::string_view sep : {": ", ". ", "see ", "See "}) {
        auto at = before.rfind(sep);
        if (at != std::string::npos && count_words(before.substr(at + sep.size())) >= 3)
            before = before.substr(at + sep.size());
    }
    auto words = split_words(before);
    if (words.size() > 15)
        words.erase(words.begin(), words.end() - 15);
    return document_name(join(words, " "));
}

bool in_glossary(const Block& block) {
    for (const auto& h : block.section)
        if (std::regex_search(h, glossary_heading_re()))
            return true;
    return false;
}

std::string strip_term(std::string s) {
    static const std::regex edges(R"(^(\s|\*|_|"|'|‘|“)+|(\s|\*|_|"|'|’|”|:)+$)");
    return trim(std::regex_replace(s, edges, ""));
}

bool plausible_term(std::string_view term) {
    std::size_t n = count_words(term);
    if (n < 1 || n > 10 || term.size() > 100)
        return false;
    // "Parent Info is a collaboration between ..." is a sentence, not a term.
    for (const auto& w : split_words(term)) {
        std::string b = bare_word(w);
        if (b == "is" || b == "are" || b == "has" || b == "have" || b == "was" || b == "were" ||
            b == "will" || b == "can")
            return false;
    }
    return true;
}

} // namespace guidetrack::notice::detail
