// The configuration file's parser (src/config): every setting read, every mistake one line that
// names the file, the line and the key, and `config show`'s TOML read back the same.
#include "guidetrack/config/config.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace guidetrack;

namespace {

const char* kFull = R"(store = "/srv/guidance-store"

[check]
jobs = 3
timeout = 20.5
retries = 2
fail_on_new = true
feed_url = "https://school.example/guidance.xml"

[diff]
theme = "mono"

[[notify]]
name = "dsl-mail"
type = "email"
url = "smtp://127.0.0.1:2525"
from = "guidetrack@school.example"
to = ["dsl@school.example", "deputy@school.example"]
password_env = "GT_SMTP_PASSWORD"
documents = ["working-together-*"]
sections = ["Part one*"]

[[notify]]
type = "webhook"
url = "https://hooks.example/abc"
format = "teams"
digest = true
)";

std::string error_of(const std::string& text) {
    auto c = config::parse(text, "config.toml");
    REQUIRE_FALSE(c.ok());
    return c.error().message;
}

} // namespace

TEST_CASE("config: every setting of a full file is read", "[config]") {
    auto c = config::parse(kFull, "/etc/gt/config.toml");
    REQUIRE(c.ok());
    CHECK(c->found);
    REQUIRE(c->store);
    CHECK(*c->store == "/srv/guidance-store");
    CHECK(c->check.jobs == 3);
    CHECK(c->check.timeout == Approx(20.5));
    CHECK(c->check.retries == 2);
    CHECK(c->check.fail_on_new == true);
    CHECK_FALSE(c->check.strict);
    CHECK(c->check.feed_url == "https://school.example/guidance.xml");
    CHECK(c->diff.theme == "mono");
    REQUIRE(c->notify.size() == 2);
    const config::NotifyTarget& mail = c->notify[0];
    CHECK(mail.name == "dsl-mail");
    CHECK(mail.type == config::TargetType::email);
    CHECK(mail.to == std::vector<std::string>{"dsl@school.example", "deputy@school.example"});
    CHECK(mail.password_env == "GT_SMTP_PASSWORD");
    CHECK(mail.documents == std::vector<std::string>{"working-together-*"});
    CHECK(mail.line == 13);
    const config::NotifyTarget& hook = c->notify[1];
    CHECK(hook.name == "notify-2"); // unnamed: numbered in file order
    CHECK(hook.type == config::TargetType::webhook);
    CHECK(hook.format == config::WebhookFormat::teams);
    CHECK(hook.digest);
    CHECK(c->target("dsl-mail") == &mail);
    CHECK(c->target("nobody") == nullptr);
}

TEST_CASE("config: what config show prints reads back as the same settings", "[config]") {
    auto c = config::parse(kFull, "config.toml");
    REQUIRE(c.ok());
    std::string shown = config::to_toml(*c);
    auto again = config::parse(shown, "config.toml");
    INFO(shown);
    REQUIRE(again.ok());
    CHECK(config::to_toml(*again) == shown);
    CHECK(again->store == c->store);
    CHECK(again->check.jobs == c->check.jobs);
    CHECK(again->diff.theme == c->diff.theme);
    REQUIRE(again->notify.size() == 2);
    CHECK(again->notify[0].to == c->notify[0].to);
    CHECK(again->notify[1].format == c->notify[1].format);
}

TEST_CASE("config: a relative store is relative to the file's folder", "[config]") {
    auto c = config::parse("store = \"stores/main\"\n", "/home/dsl/.config/guidetrack/config.toml");
    REQUIRE(c.ok());
    CHECK(*c->store == "/home/dsl/.config/guidetrack/stores/main");
}

TEST_CASE("config: mistakes are one line naming the file, the line and the key", "[config]") {
    CHECK(error_of("[check]\njobs = \"four\"\n") ==
          "config.toml:2: check.jobs: expected a whole number, not a string");
    CHECK(error_of("colour = \"red\"\n")
              .find("config.toml:1: colour: unknown key (known: store, "
                    "check, diff, notify)") == 0);
    std::string fmt = error_of("[[notify]]\ntype = \"webhook\"\nurl = \"https://h.example/x\"\n"
                               "format = \"discord\"\n");
    CHECK(fmt.find("config.toml:4: notify[0].format: expected slack, teams or json, not "
                   "'discord'") == 0);
    CHECK(error_of("[[notify]]\ntype = \"pigeon\"\n").find("expected email, webhook or command") !=
          std::string::npos);
    CHECK(error_of("[[notify]]\ntype = \"email\"\nurl = \"http://mail.example\"\n")
              .find("smtp:// or smtps://") != std::string::npos);
    CHECK(error_of("[[notify]]\nname = \"a\"\ntype = \"webhook\"\nurl = \"https://h/x\"\n"
                   "format = \"json\"\n[[notify]]\nname = \"a\"\ntype = \"webhook\"\n"
                   "url = \"https://h/y\"\nformat = \"json\"\n")
              .find("notify name 'a' is used twice") != std::string::npos);
    std::string syntax = error_of("[check\njobs = 1\n");
    CHECK(syntax.rfind("config.toml:1: ", 0) == 0);
    for (const std::string& e :
         {error_of("[check]\njobs = \"four\"\n"), error_of("[diff]\ntheme = \"a b\"\n"), syntax})
        CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("config: a missing file is an empty configuration unless it is required", "[config]") {
    auto c = config::load("/nonexistent/guidetrack/config.toml", false);
    REQUIRE(c.ok());
    CHECK_FALSE(c->found);
    CHECK_FALSE(c->store);
    CHECK(c->notify.empty());
    auto required = config::load("/nonexistent/guidetrack/config.toml", true);
    REQUIRE_FALSE(required.ok());
    CHECK(required.error().kind == ErrorKind::input);
}

TEST_CASE("config: globs match whole names, '*' any run, '?' one character", "[config]") {
    CHECK(config::glob_match("working-together-*", "working-together-2023"));
    CHECK(config::glob_match("*", ""));
    CHECK(config::glob_match("kcsie-202?", "kcsie-2024"));
    CHECK_FALSE(config::glob_match("kcsie-202?", "kcsie-20245"));
    CHECK_FALSE(config::glob_match("Part one*", "part one: duties")); // case-sensitive
    CHECK(config::glob_match("*one*", "Part one: duties"));
    CHECK_FALSE(config::glob_match("working-*", "kcsie"));
}
