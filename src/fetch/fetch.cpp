#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/plugin/plugin.hpp"
#include "guidetrack/text/text.hpp"

#include "fetch/http/plugin.hpp"

#include <curl/curlver.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>

namespace guidetrack::fetch {
namespace {

AddressKind kind_of_v4(std::uint32_t a) { // host byte order
    auto in = [a](std::uint32_t net, int bits) {
        return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits));
    };
    if (a == 0)
        return AddressKind::unspecified;
    if (in(0x7F000000, 8))
        return AddressKind::loopback;
    if (in(0xA9FE0000, 16))
        return AddressKind::link_local;
    if (in(0xE0000000, 4))
        return AddressKind::multicast;
    if (in(0x00000000, 8))
        return AddressKind::unspecified; // 0.0.0.0/8: "this network"
    if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) || in(0x64400000, 10))
        return AddressKind::private_address;
    return AddressKind::public_address;
}

AddressKind kind_of_v6(const unsigned char* b) {
    static const unsigned char zero[16] = {};
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::equal(b, b + 12, mapped))
        return kind_of_v4((std::uint32_t(b[12]) << 24) | (std::uint32_t(b[13]) << 16) |
                          (std::uint32_t(b[14]) << 8) | b[15]);
    if (std::equal(b, b + 16, zero))
        return AddressKind::unspecified;
    if (std::equal(b, b + 15, zero) && b[15] == 1)
        return AddressKind::loopback;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        return AddressKind::link_local;
    if (b[0] == 0xFF)
        return AddressKind::multicast;
    if ((b[0] & 0xFE) == 0xFC)
        return AddressKind::private_address;
    return AddressKind::public_address;
}

} // namespace

std::string default_user_agent() {
    return std::string("guidetrack/") + GUIDETRACK_VERSION +
           " (+statutory guidance tracker; libcurl/" LIBCURL_VERSION ")";
}

Result<void> validate_url(std::string_view url) {
    auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0)
        return input_error("not an absolute URL: '" + std::string(url) +
                           "' (expected http:// or https://)");
    std::string scheme = text::ascii_lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https")
        return input_error("refused URL scheme '" + scheme + "' in '" + std::string(url) +
                           "': only http and https are fetched");
    std::string_view rest = url.substr(sep + 3);
    std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
    if (host.empty())
        return input_error("URL without a host: '" + std::string(url) + "'");
    for (char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return input_error("URL with spaces or control characters: '" + std::string(url) + "'");
    return {};
}

std::string url_filename(std::string_view url) {
    auto sep = url.find("://");
    std::string_view rest = sep == std::string_view::npos ? url : url.substr(sep + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    auto slash = rest.find('/');
    if (slash == std::string_view::npos)
        return {};
    rest = rest.substr(slash);
    auto last = rest.rfind('/');
    return std::string(rest.substr(last + 1));
}

// The transfer itself is in guidetrack-fetch.so (http/get.cpp), with libcurl.
Result<Response> get(const std::string& url, const Validators& validators, const Options& options) {
    GT_CHECK(validate_url(url));
    GT_TRY(const detail::FetchPlugin* http,
           plugin::table<detail::FetchPlugin>("fetch", "fetching URLs"));
    return http->get(url, validators, options);
}

std::optional<AddressKind> address_kind(std::string_view ip) {
    std::string s(ip);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']')
        s = s.substr(1, s.size() - 2);
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1)
        return kind_of_v4(ntohl(v4.s_addr));
    in6_addr v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1)
        return kind_of_v6(v6.s6_addr);
    return std::nullopt;
}

std::string_view address_kind_name(AddressKind kind) {
    switch (kind) {
    case AddressKind::public_address:
        return "public";
    case AddressKind::loopback:
        return "loopback";
    case AddressKind::private_address:
        return "private";
    case AddressKind::link_local:
        return "link-local";
    case AddressKind::unspecified:
        return "unspecified";
    case AddressKind::multicast:
        return "multicast";
    }
    return "unknown";
}

} // namespace guidetrack::fetch
