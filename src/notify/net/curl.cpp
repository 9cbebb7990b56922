// guidetrack-notify.so: SMTP and HTTP POST through libcurl (transport.hpp).
#include "guidetrack/plugin/plugin.hpp"

#include "notify/net/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace guidetrack::notify::detail {
namespace {

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};
struct MimeDeleter {
    void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;
using MimePtr = std::unique_ptr<curl_mime, MimeDeleter>;

void append(SlistPtr& list, const std::string& s) {
    curl_slist* next = curl_slist_append(list.get(), s.c_str());
    if (next) {
        (void)list.release();
        list.reset(next);
    }
}

size_t collect(char* data, size_t size, size_t n, void* user) {
    auto* s = static_cast<std::string*>(user);
    if (s->size() < 4096)
        s->append(data, std::min<std::size_t>(size * n, 4096 - s->size()));
    return size * n;
}

Outcome perform(const Transfer& t) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    Outcome out;
    CurlPtr c(curl_easy_init());
    if (!c) {
        out.reason = "cannot start libcurl";
        return out;
    }
    CURL* h = c.get();
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(t.timeout * 1000));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!t.ca_file.empty())
        curl_easy_setopt(h, CURLOPT_CAINFO, t.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_URL, t.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, t.protocols.c_str());
    if (t.login) {
        curl_easy_setopt(h, CURLOPT_USERNAME, t.user.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, t.password.c_str());
    }
    SlistPtr headers, rcpt;
    for (const auto& line : t.headers)
        append(headers, line);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    MimePtr mime;
    if (!t.mail_from.empty()) {
        if (t.url.rfind("smtp://", 0) == 0)
            curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
        curl_easy_setopt(h, CURLOPT_MAIL_FROM, t.mail_from.c_str());
        for (const auto& to : t.mail_rcpt)
            append(rcpt, to);
        curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
        mime.reset(curl_mime_init(h));
        curl_mimepart* text = curl_mime_addpart(mime.get());
        curl_mime_data(text, t.text.data(), t.text.size());
        curl_mime_type(text, "text/plain; charset=UTF-8");
        curl_mime_encoder(text, "quoted-printable");
        curl_mimepart* html = curl_mime_addpart(mime.get());
        curl_mime_data(html, t.html.data(), t.html.size());
        curl_mime_type(html, "text/html; charset=UTF-8");
        curl_mime_encoder(html, "quoted-printable");
        curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    } else {
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, t.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &out.reply);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out.status);
    out.ok = rc == CURLE_OK;
    if (!out.ok)
        out.reason = *errbuf ? errbuf : curl_easy_strerror(rc); // made one line by send.cpp
    return out;
}

Outcome perform_safely(const Transfer& t) {
    try {
        return perform(t);
    } catch (const std::bad_alloc&) {
        Outcome out;
        out.reason = "out of memory";
        return out;
    }
}

const NotifyPlugin notify_plugin{perform_safely};

} // namespace
} // namespace guidetrack::notify::detail

GUIDETRACK_PLUGIN("notify", guidetrack::notify::detail::notify_plugin)
