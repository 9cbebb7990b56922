// The names a user gives: document IDs, version labels, publication dates
// (guidetrack/store/store.hpp). Each refusal says what is wrong and what is allowed.
#include "guidetrack/store/store.hpp"

#include "guidetrack/text/text.hpp"
#include "store/git.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace guidetrack::store {

namespace detail {

bool looks_like_commit_id(std::string_view s) {
    return s.size() >= 4 && s.size() <= 40 && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
           });
}

} // namespace detail

Result<void> validate_date(std::string_view date) {
    auto bad = [&] {
        return input_error("invalid date '" + std::string(date) + "' (expected YYYY-MM-DD)");
    };
    if (date.size() != 10 || date[4] != '-' || date[7] != '-')
        return bad();
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(date[i])))
            return bad();
    int y = std::stoi(std::string(date.substr(0, 4)));
    int m = std::stoi(std::string(date.substr(5, 2)));
    int d = std::stoi(std::string(date.substr(8, 2)));
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return bad();
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return bad();
    return {};
}

Result<void> validate_id(std::string_view id) {
    auto bad = [&](const std::string& why) {
        return input_error("invalid document ID '" + text::repair_utf8(id) + "': " + why);
    };
    if (id.empty())
        return bad("empty");
    if (id.size() > 64)
        return bad("longer than 64 characters");
    if (id.front() == '-')
        return bad("starts with '-'");
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return bad("use lowercase letters, digits and hyphens only");
    return {};
}

Result<void> validate_label(std::string_view label) {
    auto bad = [&](const std::string& why) {
        return input_error("invalid version label '" + text::repair_utf8(label) + "': " + why);
    };
    if (label.empty())
        return bad("empty");
    if (label.size() > 64)
        return bad("longer than 64 characters");
    if (label.front() == '-' || label.front() == '.')
        return bad("starts with '-' or '.'");
    if (label.back() == '.')
        return bad("ends with '.'");
    if (label.find("..") != std::string_view::npos)
        return bad("contains '..'");
    if (label.size() >= 5 && label.substr(label.size() - 5) == ".lock")
        return bad("ends with '.lock'");
    if (label == "latest")
        return bad("'latest' is reserved");
    if (detail::looks_like_commit_id(label))
        return bad("it looks like a commit id (add a letter outside a-f, e.g. 'v" +
                   std::string(label) + "')");
    for (char c : label)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return bad("use letters, digits, '.', '_' and '-' only");
    return {};
}

} // namespace guidetrack::store
