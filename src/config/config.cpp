// The configuration file (TOML, read with toml++, which stays private to this file).
#include "guidetrack/config/config.hpp"
#include "guidetrack/text/text.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace guidetrack::config {
namespace {

// Collects the first error with its place: "FILE:LINE: key: message".
class Reader {
  public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    bool failed() const { return error_.has_value(); }
    Error error() const { return *error_; }

    void fail(const toml::node* node, const std::string& key, const std::string& message) {
        if (error_)
            return;
        std::string where = file_;
        if (node && node->source().begin.line > 0)
            where += ":" + std::to_string(node->source().begin.line);
        error_ = input_error(where + ": " + key + ": " + message);
    }

    std::optional<std::string> string(const toml::node& n, const std::string& key) {
        if (auto v = n.value<std::string>(); v && n.is_string())
            return *v;
        fail(&n, key, "expected a string, not " + type_of(n));
        return std::nullopt;
    }
    std::optional<std::string> nonempty(const toml::node& n, const std::string& key) {
        auto s = string(n, key);
        if (s && s->empty()) {
            fail(&n, key, "must not be empty");
            return std::nullopt;
        }
        return s;
    }
    std::optional<bool> boolean(const toml::node& n, const std::string& key) {
        if (n.is_boolean())
            return n.as_boolean()->get();
        fail(&n, key, "expected true or false, not " + type_of(n));
        return std::nullopt;
    }
    std::optional<long> integer(const toml::node& n, const std::string& key, long lo, long hi) {
        if (!n.is_integer()) {
            fail(&n, key, "expected a whole number, not " + type_of(n));
            return std::nullopt;
        }
        std::int64_t v = n.as_integer()->get();
        if (v < lo || v > hi) {
            fail(&n, key,
                 "expected " + std::to_string(lo) + " to " + std::to_string(hi) + ", not " +
                     std::to_string(v));
            return std::nullopt;
        }
        return static_cast<long>(v);
    }
    std::optional<double> number(const toml::node& n, const std::string& key, double lo,
                                 double hi) {
        double v = 0;
        if (n.is_integer())
            v = static_cast<double>(n.as_integer()->get());
        else if (n.is_floating_point())
            v = n.as_floating_point()->get();
        else {
            fail(&n, key, "expected a number, not " + type_of(n));
            return std::nullopt;
        }
        if (!(v >= lo && v <= hi)) {
            std::ostringstream msg;
            msg << "expected " << lo << " to " << hi << ", not " << v;
            fail(&n, key, msg.str());
            return std::nullopt;
        }
        return v;
    }
    // An array of non-empty strings (a single string is accepted as a one-element list).
    std::optional<std::vector<std::string>> strings(const toml::node& n, const std::string& key) {
        std::vector<std::string> out;
        if (n.is_string()) {
            auto s = nonempty(n, key);
            if (!s)
                return std::nullopt;
            out.push_back(*s);
            return out;
        }
        if (!n.is_array()) {
            fail(&n, key, "expected a list of strings, not " + type_of(n));
            return std::nullopt;
        }
        const toml::array& a = *n.as_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            auto s = nonempty(a[i], key + "[" + std::to_string(i) + "]");
            if (!s)
                return std::nullopt;
            out.push_back(*s);
        }
        return out;
    }

    static std::string type_of(const toml::node& n) {
        switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "a whole number";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "true/false";
        case toml::node_type::array:
            return "a list";
        case toml::node_type::table:
            return "a table";
        default:
            return "a date or time";
        }
    }

  private:
    std::string file_;
    std::optional<Error> error_;
};

std::string url_scheme(std::string_view url) {
    auto colon = url.find("://");
    if (colon == std::string_view::npos)
        return "";
    return text::ascii_lower(url.substr(0, colon));
}

bool valid_env_name(std::string_view s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
        return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > 64)
        return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

// A rough address check: something@something, no spaces or angle brackets (they would break the
// SMTP envelope and the headers).
bool valid_address(std::string_view s) {
    auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == s.size())
        return false;
    for (char c : s)
        if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == '"')
            return false;
    return true;
}

void read_check(Reader& r, const toml::table& t, const std::string& prefix, CheckDefaults& c) {
    for (const auto& [k, node] : t) {
        std::string key = prefix + std::string(k.str());
        std::string_view name = k.str();
        if (name == "jobs")
            c.jobs = r.integer(node, key, 1, 32);
        else if (name == "retries")
            c.retries = r.integer(node, key, 0, 10);
        else if (name == "retry_delay")
            c.retry_delay = r.integer(node, key, 0, 600000);
        else if (name == "max_size")
            c.max_size = r.integer(node, key, 1, 1024);
        else if (name == "timeout")
            c.timeout = r.number(node, key, 0.1, 3600);
        else if (name == "connect_timeout")
            c.connect_timeout = r.number(node, key, 0.1, 600);
        else if (name == "minor")
            c.minor = r.boolean(node, key);
        else if (name == "fail_on_new")
            c.fail_on_new = r.boolean(node, key);
        else if (name == "strict")
            c.strict = r.boolean(node, key);
        else if (name == "notify")
            c.notify = r.boolean(node, key);
        else if (name == "feed_url") {
            c.feed_url = r.nonempty(node, key);
            if (c.feed_url && url_scheme(*c.feed_url) != "https" &&
                url_scheme(*c.feed_url) != "http")
                r.fail(&node, key, "expected an http:// or https:// URL");
        } else
            r.fail(&node, key,
                   "unknown key (known: jobs, timeout, connect_timeout, retries, retry_delay, "
                   "max_size, minor, fail_on_new, strict, notify, feed_url)");
        if (r.failed())
            return;
    }
}

void read_target(Reader& r, const toml::table& t, std::size_t index, NotifyTarget& n) {
    std::string prefix = "notify[" + std::to_string(index) + "].";
    n.name = "notify-" + std::to_string(index + 1);
    n.line = static_cast<int>(t.source().begin.line);
    const toml::node* type_node = t.get("type");
    if (!type_node) {
        r.fail(&t, prefix + "type", "missing (email, webhook or command)");
        return;
    }
    auto type = r.string(*type_node, prefix + "type");
    if (!type)
        return;
    if (*type == "email")
        n.type = TargetType::email;
    else if (*type == "webhook")
        n.type = TargetType::webhook;
    else if (*type == "command")
        n.type = TargetType::command;
    else {
        r.fail(type_node, prefix + "type",
               "expected email, webhook or command, not '" + *type + "'");
        return;
    }
    bool has_format = false;
    for (const auto& [k, node] : t) {
        std::string_view name = k.str();
        std::string key = prefix + std::string(name);
        // clang 14 cannot capture a structured binding: capture a pointer to it.
        const auto* node_ptr = &node;
        auto only_for = [&](TargetType want) {
            if (n.type != want)
                r.fail(node_ptr, key,
                       "only for type = \"" + std::string(type_name(want)) + "\" targets");
        };
        if (name == "type") {
        } else if (name == "name") {
            if (auto s = r.string(node, key)) {
                if (!valid_name(*s))
                    r.fail(&node, key,
                           "a name is 1-64 letters, digits, '-', '_' or '.', not '" + *s + "'");
                n.name = *s;
            }
        } else if (name == "url") {
            if (auto s = r.nonempty(node, key))
                n.url = *s;
        } else if (name == "url_env") {
            if (auto s = r.nonempty(node, key)) {
                if (!valid_env_name(*s))
                    r.fail(&node, key, "not an environment variable name: '" + *s + "'");
                n.url_env = *s;
            }
        } else if (name == "from") {
            only_for(TargetType::email);
            if (auto s = r.nonempty(node, key)) {
                if (!valid_address(*s))
                    r.fail(&node, key, "not an email address: '" + *s + "'");
                n.from = *s;
            }
        } else if (name == "to") {
            only_for(TargetType::email);
            if (auto v = r.strings(node, key)) {
                for (const auto& a : *v)
                    if (!valid_address(a))
                        r.fail(&node, key, "not an email address: '" + a + "'");
                n.to = *v;
            }
        } else if (name == "user") {
            if (auto s = r.nonempty(node, key))
                n.user = *s;
        } else if (name == "password_env") {
            if (auto s = r.nonempty(node, key)) {
                if (!valid_env_name(*s))
                    r.fail(&node, key, "not an environment variable name: '" + *s + "'");
                n.password_env = *s;
            }
        } else if (name == "password") {
            r.fail(&node, key,
                   "passwords never go in the file: put it in an environment variable and name "
                   "that variable with password_env");
        } else if (name == "subject_prefix") {
            only_for(TargetType::email);
            if (auto s = r.string(node, key))
                n.subject_prefix = *s;
        } else if (name == "ca_file") {
            if (auto s = r.nonempty(node, key))
                n.ca_file = *s;
        } else if (name == "format") {
            only_for(TargetType::webhook);
            has_format = true;
            if (auto s = r.string(node, key)) {
                if (*s == "slack")
                    n.format = WebhookFormat::slack;
                else if (*s == "teams")
                    n.format = WebhookFormat::teams;
                else if (*s == "json")
                    n.format = WebhookFormat::json;
                else
                    r.fail(&node, key, "expected slack, teams or json, not '" + *s + "'");
            }
        } else if (name == "command") {
            only_for(TargetType::command);
            if (auto v = r.strings(node, key))
                n.command = *v;
        } else if (name == "documents") {
            if (auto v = r.strings(node, key))
                n.documents = *v;
        } else if (name == "groups") {
            if (auto v = r.strings(node, key))
                n.groups = *v;
        } else if (name == "sections") {
            if (auto v = r.strings(node, key))
                n.sections = *v;
        } else if (name == "minor") {
            if (auto b = r.boolean(node, key))
                n.minor = *b;
        } else if (name == "digest") {
            if (auto b = r.boolean(node, key))
                n.digest = *b;
        } else if (name == "timeout") {
            if (auto d = r.number(node, key, 1, 600))
                n.timeout = *d;
        } else {
            r.fail(&node, key,
                   "unknown key (known: name, type, url, url_env, from, to, user, password_env, "
                   "subject_prefix, ca_file, format, command, documents, groups, sections, minor, "
                   "digest, timeout)");
        }
        if (r.failed())
            return;
    }
    if (r.failed())
        return;
    // What each type needs. A URL from the environment is checked when it is used.
    if (!n.url.empty() && !n.url_env.empty()) {
        r.fail(t.get("url_env"), prefix + "url_env", "give url or url_env, not both");
        return;
    }
    std::string scheme = url_scheme(n.url);
    bool from_env = !n.url_env.empty();
    switch (n.type) {
    case TargetType::email:
        if (n.url.empty() && !from_env)
            r.fail(&t, prefix + "url", "missing (smtp://HOST:PORT or smtps://HOST:PORT)");
        else if (!from_env && scheme != "smtp" && scheme != "smtps")
            r.fail(t.get("url"), prefix + "url",
                   "an email target needs an smtp:// or smtps:// URL, not '" + n.url + "'");
        else if (n.from.empty())
            r.fail(&t, prefix + "from", "missing (the sender's address)");
        else if (n.to.empty())
            r.fail(&t, prefix + "to", "missing (a list of recipients' addresses)");
        break;
    case TargetType::webhook:
        if (n.url.empty() && !from_env)
            r.fail(&t, prefix + "url",
                   "missing (the webhook's http:// or https:// URL, or url_env)");
        else if (!from_env && scheme != "http" && scheme != "https")
            r.fail(t.get("url"), prefix + "url",
                   "a webhook needs an http:// or https:// URL, not '" + n.url + "'");
        else if (!has_format)
            r.fail(&t, prefix + "format", "missing (slack, teams or json)");
        break;
    case TargetType::command:
        if (n.command.empty())
            r.fail(&t, prefix + "command",
                   "missing (the program and its arguments, e.g. [\"/usr/local/bin/post\", "
                   "\"--quiet\"])");
        else if (!n.url.empty() || from_env)
            r.fail(t.get(from_env ? "url_env" : "url"), prefix + (from_env ? "url_env" : "url"),
                   "a command target has no url");
        break;
    }
    if (!n.user.empty() && n.password_env.empty() && !r.failed())
        r.fail(t.get("user"), prefix + "user",
               "a user needs password_env (the environment variable holding the password)");
}

std::string home_dir() {
    const char* home = std::getenv("HOME");
    return home && *home ? home : "";
}

// "~/x" -> "$HOME/x".
std::string expand_home(const std::string& path) {
    if (path == "~" || path.rfind("~/", 0) == 0) {
        std::string home = home_dir();
        if (!home.empty())
            return home + path.substr(1);
    }
    return path;
}

} // namespace

std::string_view type_name(TargetType type) {
    switch (type) {
    case TargetType::email:
        return "email";
    case TargetType::webhook:
        return "webhook";
    case TargetType::command:
        return "command";
    }
    return "email";
}

std::string_view format_name(WebhookFormat format) {
    switch (format) {
    case WebhookFormat::slack:
        return "slack";
    case WebhookFormat::teams:
        return "teams";
    case WebhookFormat::json:
        return "json";
    }
    return "json";
}

const NotifyTarget* Config::target(std::string_view name) const {
    for (const auto& t : notify)
        if (t.name == name)
            return &t;
    return nullptr;
}

bool path_from_environment() {
    const char* env = std::getenv("GUIDETRACK_CONFIG");
    return env && *env;
}

std::filesystem::path config_path() {
    if (const char* env = std::getenv("GUIDETRACK_CONFIG"); env && *env)
        return env;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "guidetrack" / "config.toml";
    std::string home = home_dir();
    if (!home.empty())
        return std::filesystem::path(home) / ".config" / "guidetrack" / "config.toml";
    return ".guidetrack.toml";
}

Result<Config> parse(std::string_view text, const std::filesystem::path& file) {
    Config config;
    config.path = file;
    config.found = true;
    std::string name = file.string();
    toml::table root;
    try {
        root = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        return input_error(name + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
    }
    Reader r(name);
    for (const auto& [k, node] : root) {
        std::string_view key = k.str();
        if (key == "store") {
            if (auto s = r.nonempty(node, "store")) {
                // A relative path is relative to the file's folder, not to wherever the
                // command runs.
                std::filesystem::path p = expand_home(*s);
                if (p.is_relative() && !file.parent_path().empty())
                    p = file.parent_path() / p;
                config.store = p.string();
            }
        } else if (key == "check") {
            if (!node.is_table())
                r.fail(&node, "check", "expected a table ([check])");
            else
                read_check(r, *node.as_table(), "check.", config.check);
        } else if (key == "diff") {
            if (!node.is_table()) {
                r.fail(&node, "diff", "expected a table ([diff])");
            } else {
                for (const auto& [dk, dn] : *node.as_table()) {
                    std::string dkey = "diff." + std::string(dk.str());
                    if (dk.str() == "theme") {
                        if (auto s = r.nonempty(dn, dkey)) {
                            if (!valid_name(*s))
                                r.fail(&dn, dkey,
                                       "a theme name is letters, digits, '-', '_' or '.', not '" +
                                           *s + "'");
                            config.diff.theme = *s;
                        }
                    } else {
                        r.fail(&dn, dkey, "unknown key (known: theme)");
                    }
                }
            }
        } else if (key == "notify") {
            if (!node.is_array_of_tables()) {
                r.fail(&node, "notify", "expected [[notify]] tables");
            } else {
                const toml::array& a = *node.as_array();
                for (std::size_t i = 0; i < a.size() && !r.failed(); ++i) {
                    NotifyTarget t;
                    read_target(r, *a[i].as_table(), i, t);
                    config.notify.push_back(std::move(t));
                }
            }
        } else {
            r.fail(&node, std::string(key), "unknown key (known: store, check, diff, notify)");
        }
        if (r.failed())
            return r.error();
    }
    std::set<std::string> names;
    for (const auto& t : config.notify)
        if (!names.insert(t.name).second)
            return input_error(name + ":" + std::to_string(t.line) + ": notify name '" + t.name +
                               "' is used twice");
    return config;
}

Result<Config> load(const std::filesystem::path& path, bool required) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        if (required)
            return input_error("configuration file '" + path.string() +
                               "' does not exist (named by $GUIDETRACK_CONFIG)");
        Config empty;
        empty.path = path;
        return empty;
    }
    if (std::filesystem::is_directory(path, ec))
        return input_error("configuration file '" + path.string() + "' is a folder");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return input_error("cannot read the configuration file '" + path.string() + "'");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > (1u << 20))
        return input_error("configuration file '" + path.string() + "' is over 1 MiB");
    return parse(text.str(), path);
}

Result<Config> load_default() {
    return load(config_path(), path_from_environment());
}

std::string to_toml(const Config& c) {
    toml::table root;
    if (c.store)
        root.insert("store", *c.store);
    toml::table check;
    auto put = [&](const char* k, const auto& opt) {
        if (opt)
            check.insert(k, *opt);
    };
    put("jobs", c.check.jobs);
    put("timeout", c.check.timeout);
    put("connect_timeout", c.check.connect_timeout);
    put("retries", c.check.retries);
    put("retry_delay", c.check.retry_delay);
    put("max_size", c.check.max_size);
    put("minor", c.check.minor);
    put("fail_on_new", c.check.fail_on_new);
    put("strict", c.check.strict);
    put("notify", c.check.notify);
    put("feed_url", c.check.feed_url);
    if (!check.empty())
        root.insert("check", std::move(check));
    if (c.diff.theme) {
        toml::table diff;
        diff.insert("theme", *c.diff.theme);
        root.insert("diff", std::move(diff));
    }
    auto list = [](const std::vector<std::string>& v) {
        toml::array a;
        for (const auto& s : v)
            a.push_back(s);
        return a;
    };
    toml::array targets;
    for (const auto& t : c.notify) {
        toml::table n;
        n.insert("name", t.name);
        n.insert("type", std::string(type_name(t.type)));
        if (!t.url.empty())
            n.insert("url", t.url);
        if (!t.url_env.empty())
            n.insert("url_env", t.url_env);
        if (t.type == TargetType::webhook)
            n.insert("format", std::string(format_name(t.format)));
        if (!t.from.empty())
            n.insert("from", t.from);
        if (!t.to.empty())
            n.insert("to", list(t.to));
        if (!t.user.empty())
            n.insert("user", t.user);
        if (!t.password_env.empty())
            n.insert("password_env", t.password_env);
        if (!t.subject_prefix.empty())
            n.insert("subject_prefix", t.subject_prefix);
        if (!t.ca_file.empty())
            n.insert("ca_file", t.ca_file);
        if (!t.command.empty())
            n.insert("command", list(t.command));
        if (!t.documents.empty())
            n.insert("documents", list(t.documents));
        if (!t.groups.empty())
            n.insert("groups", list(t.groups));
        if (!t.sections.empty())
            n.insert("sections", list(t.sections));
        n.insert("minor", t.minor);
        n.insert("digest", t.digest);
        n.insert("timeout", t.timeout);
        targets.push_back(std::move(n));
    }
    if (!targets.empty())
        root.insert("notify", std::move(targets));
    std::ostringstream out;
    out << root;
    std::string s = out.str();
    if (!s.empty() && s.back() != '\n')
        s += "\n";
    return s;
}

bool glob_match(std::string_view p, std::string_view s) {
    // Iterative matcher with one backtrack point (the last '*').
    std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
    while (si < s.size()) {
        if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
            ++pi;
            ++si;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*')
        ++pi;
    return pi == p.size();
}

} // namespace guidetrack::config
