// The configuration file: where the store is, default options, notification targets and the diff
// viewer's settings, in TOML.
//
// Found at $GUIDETRACK_CONFIG, else $XDG_CONFIG_HOME/guidetrack/config.toml, else
// ~/.config/guidetrack/config.toml. A missing file at a default place is an empty configuration;
// a file named by $GUIDETRACK_CONFIG must exist. Every key is checked: an unknown key, a value of
// the wrong type or a bad value is an input error of one line naming the file, the line and the
// key ("config.toml:7: notify[0].format: expected slack, teams or json, not 'discord'").
// Secrets never live in the file: a target names the environment variable that holds its password.
//
//     store = "~/guidance-store"
//     [check]
//     jobs = 4
//     fail_on_new = false
//     [diff]
//     theme = "mono"
//     [[notify]]
//     type = "email"
//     url = "smtp://127.0.0.1:2525"
//     from = "guidetrack@school.example"
//     to = ["dsl@school.example"]
//     password_env = "GT_SMTP_PASSWORD"
//     documents = ["working-together-*"]
//     sections = ["Part one*"]
#pragma once

#include "guidetrack/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace guidetrack::config {

enum class TargetType { email, webhook, command };
enum class WebhookFormat { slack, teams, json };

std::string_view type_name(TargetType type);
std::string_view format_name(WebhookFormat format);

struct NotifyTarget {
    std::string name; // `name = "..."`, else "notify-N" (1-based, in file order)
    TargetType type = TargetType::email;
    int line = 0; // where the [[notify]] table starts in the file
    // email: smtp:// or smtps:// URL; webhook: http:// or https:// URL.
    std::string url;
    std::string url_env; // or: the environment variable holding the URL (a webhook's secret URL)
    std::string from;
    std::vector<std::string> to;
    std::string user;         // SMTP / HTTP user name (not secret)
    std::string password_env; // the environment variable holding the password, or empty
    std::string subject_prefix;
    std::string ca_file; // extra CA certificates (PEM) for TLS, or empty
    WebhookFormat format = WebhookFormat::json;
    std::vector<std::string> command; // command: the program and its arguments (no shell)
    // Filters: document ID globs, catalogue groups, section heading globs. Empty: everything.
    std::vector<std::string> documents, groups, sections;
    bool minor = false;  // also notify on changes that have minor (typographic) items only
    bool digest = false; // one message for the whole run instead of one per document
    double timeout = 60; // seconds per send
};

struct CheckDefaults {
    std::optional<long> jobs, retries, retry_delay, max_size;
    std::optional<double> timeout, connect_timeout;
    std::optional<bool> minor, fail_on_new, strict, notify;
    std::optional<std::string> feed_url;
};

struct DiffSettings {
    std::optional<std::string> theme; // a theme name, read by the diff viewer
};

struct Config {
    std::filesystem::path path; // the file read (or that would be read)
    bool found = false;         // false: no file, every setting is the default
    std::optional<std::string> store;
    CheckDefaults check;
    DiffSettings diff;
    std::vector<NotifyTarget> notify;

    // The target with this name; nullptr if none.
    const NotifyTarget* target(std::string_view name) const;
};

// Where the configuration file is (or would be).
std::filesystem::path config_path();
// True when $GUIDETRACK_CONFIG names the file (it must then exist).
bool path_from_environment();

// Parse TOML text; `file` names it in messages.
Result<Config> parse(std::string_view text, const std::filesystem::path& file);
// Read the file at path; missing is an empty config unless required.
Result<Config> load(const std::filesystem::path& path, bool required);
// load(config_path(), path_from_environment()).
Result<Config> load_default();

// The configuration as TOML (what `guidetrack config show` prints): every setting that is set.
std::string to_toml(const Config& config);

// Shell-style glob: '*' any run of characters, '?' one character; case-sensitive.
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace guidetrack::config
