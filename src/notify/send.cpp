// Sending a message: SMTP and HTTP through libcurl (in guidetrack-notify.so, net/curl.cpp),
// programs through posix_spawn (no shell).
#include "guidetrack/notify/notify.hpp"
#include "guidetrack/plugin/plugin.hpp"

#include "notify/net/transport.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <random>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace guidetrack::notify {
namespace {

using nlohmann::json;

std::string label(const config::NotifyTarget& t) {
    return t.name + " (" + std::string(config::type_name(t.type)) + ")";
}

// Where the target sends to, as printed in messages: a URL from the environment stays unnamed
// (it may carry a secret token).
std::string shown_url(const config::NotifyTarget& t, const std::string& url) {
    if (!t.url_env.empty())
        return "$" + t.url_env;
    return url;
}

Result<std::string> url_of(const config::NotifyTarget& t) {
    if (t.url_env.empty())
        return t.url;
    const char* v = std::getenv(t.url_env.c_str());
    if (!v || !*v)
        return input_error(label(t) + ": the environment variable " + t.url_env +
                           " (url_env) is not set");
    std::string url = v;
    std::string scheme = url.substr(0, url.find("://"));
    bool ok = t.type == config::TargetType::email ? (scheme == "smtp" || scheme == "smtps")
                                                  : (scheme == "http" || scheme == "https");
    if (url.find("://") == std::string::npos || !ok)
        return input_error(
            label(t) + ": $" + t.url_env + " is not an " +
            (t.type == config::TargetType::email ? "smtp:// or smtps://" : "http:// or https://") +
            " URL");
    return url;
}

std::string one_line(std::string s) {
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20)
            c = ' ';
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    return s;
}

std::string base64(std::string_view in) {
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += tbl[(v >> 6) & 63];
        out += tbl[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size())
            v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += i + 1 < in.size() ? tbl[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// RFC 2047: a header value as encoded words when it is not plain ASCII.
std::string header_value(const std::string& s) {
    bool ascii = true;
    for (char c : s)
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii)
        return s;
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t n = std::min<std::size_t>(45, s.size() - i);
        while (i + n < s.size() && n > 0 && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
            --n;
        out += (out.empty() ? "" : " ") + std::string("=?UTF-8?B?") + base64(s.substr(i, n)) + "?=";
        i += n;
    }
    return out;
}

std::string rfc2822_now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::string message_id(const std::string& from) {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx.%lld", static_cast<unsigned long long>(gen()),
                  static_cast<long long>(std::time(nullptr)));
    auto at = from.find('@');
    return "<" + std::string(buf) + "@" +
           (at == std::string::npos ? "guidetrack" : from.substr(at + 1)) + ">";
}

// One transfer through guidetrack-notify.so.
Result<detail::Outcome> perform(const detail::Transfer& transfer) {
    GT_TRY(const detail::NotifyPlugin* net,
           plugin::table<detail::NotifyPlugin>("notify", "sending email and webhooks"));
    return net->perform(transfer);
}

Result<void> send_email(const config::NotifyTarget& t, const Message& m) {
    detail::Transfer x;
    GT_TRY(x.url, url_of(t));
    if (!t.password_env.empty()) {
        GT_TRY(x.password, password_of(t));
        x.login = true;
        x.user = t.user.empty() ? t.from : t.user;
    }
    x.protocols = "smtp,smtps";
    x.timeout = t.timeout;
    x.ca_file = t.ca_file;
    x.mail_from = "<" + t.from + ">";
    std::string to_list;
    for (const auto& to : t.to) {
        x.mail_rcpt.push_back("<" + to + ">");
        to_list += (to_list.empty() ? "" : ", ") + to;
    }
    x.headers = {"From: " + t.from,
                 "To: " + to_list,
                 "Subject: " + header_value(m.subject),
                 "Date: " + rfc2822_now(),
                 "Message-ID: " + message_id(t.from),
                 "MIME-Version: 1.0",
                 "Auto-Submitted: auto-generated",
                 "Content-Type: multipart/alternative"};
    x.text = m.text;
    x.html = m.html;
    GT_TRY(detail::Outcome out, perform(x));
    if (!out.ok) {
        std::string msg = label(t) + ": " + shown_url(t, x.url) + ": " + one_line(out.reason);
        if (out.status > 0)
            msg += " (server replied " + std::to_string(out.status) + ")";
        return runtime_error(msg);
    }
    return {};
}

Result<void> send_webhook(const config::NotifyTarget& t, const Message& m) {
    detail::Transfer x;
    GT_TRY(x.url, url_of(t));
    if (!t.password_env.empty()) {
        GT_TRY(x.password, password_of(t));
        x.login = true;
        x.user = t.user;
    }
    json payload = t.format == config::WebhookFormat::slack   ? slack_payload(m)
                   : t.format == config::WebhookFormat::teams ? teams_payload(m)
                                                              : m.json;
    x.body = payload.dump(-1, ' ', false, json::error_handler_t::replace);
    x.protocols = "http,https";
    x.timeout = t.timeout;
    x.ca_file = t.ca_file;
    x.headers = {"Content-Type: application/json; charset=utf-8",
                 "User-Agent: guidetrack/" GUIDETRACK_VERSION};
    GT_TRY(detail::Outcome out, perform(x));
    if (!out.ok)
        return runtime_error(label(t) + ": " + shown_url(t, x.url) + ": " + one_line(out.reason));
    if (out.status < 200 || out.status > 299) {
        std::string msg =
            label(t) + ": " + shown_url(t, x.url) + ": HTTP " + std::to_string(out.status);
        std::string said = one_line(out.reply.substr(0, 200));
        if (!said.empty())
            msg += " (" + said + ")";
        return runtime_error(msg);
    }
    return {};
}

Result<void> run_command(const config::NotifyTarget& t, const Message& m) {
    std::string input = m.json.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return runtime_error(label(t) + ": cannot make a pipe: " + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_adddup2(&fa, 2, 1); // its output goes to our stderr, not our report
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> argv;
    for (const auto& a : t.command)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(fds[0]);
    if (rc != 0) {
        ::close(fds[1]);
        return runtime_error(label(t) + ": cannot run '" + t.command[0] +
                             "': " + std::strerror(rc));
    }
    // Write the notice; a program that stops reading early is its own business (EPIPE).
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old);
    std::size_t done = 0;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(t.timeout * 1000));
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    while (done < input.size() && std::chrono::steady_clock::now() < deadline) {
        ssize_t n = ::write(fds[1], input.data() + done, input.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            pollfd p{fds[1], POLLOUT, 0};
            poll(&p, 1, 50);
        } else {
            break;
        }
    }
    ::close(fds[1]);
    sigaction(SIGPIPE, &old, nullptr);
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return runtime_error(label(t) + ": lost '" + t.command[0] + "'");
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return runtime_error(label(t) + ": '" + t.command[0] + "' took longer than " +
                                 std::to_string(static_cast<long>(t.timeout)) + " s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return {};
    if (WIFEXITED(status))
        return runtime_error(label(t) + ": '" + t.command[0] + "' exited with status " +
                             std::to_string(WEXITSTATUS(status)));
    return runtime_error(label(t) + ": '" + t.command[0] + "' was killed by signal " +
                         std::to_string(WTERMSIG(status)));
}

} // namespace

Result<std::string> password_of(const config::NotifyTarget& t) {
    const char* v = std::getenv(t.password_env.c_str());
    if (!v || !*v)
        return input_error(label(t) + ": the environment variable " + t.password_env +
                           " (password_env) is not set");
    return std::string(v);
}

Result<void> send(const config::NotifyTarget& t, const Message& m) {
    switch (t.type) {
    case config::TargetType::email:
        return send_email(t, m);
    case config::TargetType::webhook:
        return send_webhook(t, m);
    case config::TargetType::command:
        return run_command(t, m);
    }
    return runtime_error(label(t) + ": unknown target type");
}

} // namespace guidetrack::notify
