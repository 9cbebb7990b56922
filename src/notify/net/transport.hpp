// The table of guidetrack-notify.so: one SMTP send or HTTP POST through libcurl, loaded by
// send.cpp on first use (guidetrack/plugin/plugin.hpp says why). Private to src/notify; the
// messages, headers and errors are made in send.cpp, the plugin only moves bytes.
#pragma once

#include <string>
#include <vector>

namespace guidetrack::notify::detail {

struct Transfer {
    std::string url;
    std::string protocols; // "smtp,smtps" or "http,https"
    double timeout = 0;    // seconds, the whole transfer
    std::string ca_file;   // "" for the system's
    bool login = false;    // send user and password
    std::string user, password;
    std::vector<std::string> headers;
    // SMTP (mail_from set): envelope, and a multipart/alternative body of text and HTML parts,
    // quoted-printable. STARTTLS is tried on smtp://.
    std::string mail_from;
    std::vector<std::string> mail_rcpt;
    std::string text, html;
    // HTTP: a POST of body, no redirects followed.
    std::string body;
};

struct Outcome {
    bool ok = false;
    std::string reason; // libcurl's message, when not ok
    long status = 0;    // the last response code (SMTP or HTTP), 0 if none
    std::string reply;  // the first 4 KiB of an HTTP reply
};

struct NotifyPlugin {
    Outcome (*perform)(const Transfer& transfer);
};

} // namespace guidetrack::notify::detail
