// `guidetrack check [ID...]`: fetch tracked documents from their URLs, record what changed, and
// say so in one line per document; made for CI schedules as much as for a terminal.
//
// Exit codes: 0 nothing changed (first versions are "new", not changes, unless --fail-on-new),
// 1 something changed, 3 a fetch failed, a document went gone (404/410: the first run that sees
// it, or every run with --strict), or a notification could not be sent (it is retried by the next
// run), so that a scheduled job fails on real failures only. --json carries the same distinction
// in "result" and "counts". Lines come in document ID order once every document is done, so two
// runs over an unchanged set print the same bytes.
#include "commands.hpp"
#include "help.hpp"
#include "io.hpp"

#include "guidetrack/app/audit.hpp"
#include "guidetrack/app/check.hpp"
#include "guidetrack/app/feed.hpp"
#include "guidetrack/app/publications.hpp"
#include "guidetrack/config/config.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/notify/notify.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

namespace guidetrack::cli {
namespace {

struct CheckOptions {
    std::vector<std::string> ids;
    std::size_t jobs = 4;
    double timeout = 120;
    double connect_timeout = 15;
    int retries = 3;
    long retry_delay_ms = 1000;
    std::size_t max_size_mib = extract::default_max_input_bytes >> 20;
    double extract_timeout = 120;
    bool json = false;
    bool minor = false;
    bool fail_on_new = false, strict = false, quiet = false, verbose = false, no_notify = false;
    bool audit = false;
    std::string report, report_format = "md", feed, feed_url;
    std::string shard; // "K/N"
};

// "K/N" with 1 <= K <= N <= 10000: (K - 1, N).
Result<std::pair<std::size_t, std::size_t>> parse_shard(const std::string& s) {
    auto bad = [&] {
        return input_error("invalid --shard '" + s + "' (expected K/N, 1 <= K <= N, e.g. 2/4)");
    };
    std::size_t slash = s.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == s.size() || slash > 5 ||
        s.size() - slash - 1 > 5)
        return bad();
    for (std::size_t i = 0; i < s.size(); ++i)
        if (i != slash && !std::isdigit(static_cast<unsigned char>(s[i])))
            return bad();
    std::size_t k = std::stoul(s.substr(0, slash)), n = std::stoul(s.substr(slash + 1));
    if (k < 1 || n < 1 || k > n || n > 10000)
        return bad();
    return std::pair{k - 1, n};
}

// Settings from the [check] table of the configuration file, where the command line gave none.
void apply_defaults(CLI::App& sub, const config::CheckDefaults& d, CheckOptions& o) {
    auto unset = [&](const char* name) { return sub.get_option(name)->count() == 0; };
    if (d.jobs && unset("--jobs"))
        o.jobs = static_cast<std::size_t>(*d.jobs);
    if (d.timeout && unset("--timeout"))
        o.timeout = *d.timeout;
    if (d.connect_timeout && unset("--connect-timeout"))
        o.connect_timeout = *d.connect_timeout;
    if (d.retries && unset("--retries"))
        o.retries = static_cast<int>(*d.retries);
    if (d.retry_delay && unset("--retry-delay"))
        o.retry_delay_ms = *d.retry_delay;
    if (d.max_size && unset("--max-size"))
        o.max_size_mib = static_cast<std::size_t>(*d.max_size);
    if (d.minor && unset("--include-minor"))
        o.minor = *d.minor;
    if (d.fail_on_new && unset("--fail-on-new"))
        o.fail_on_new = *d.fail_on_new;
    if (d.strict && unset("--strict"))
        o.strict = *d.strict;
    if (d.notify && !*d.notify && unset("--no-notify"))
        o.no_notify = true;
    if (d.feed_url && unset("--feed-url"))
        o.feed_url = *d.feed_url;
}

// Append to $GITHUB_STEP_SUMMARY (GitHub Actions shows it on the run's page).
Result<void> append_step_summary(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    if (out)
        out << text;
    if (!out)
        return runtime_error("cannot write the step summary '" + path + "'");
    return {};
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string describe(const check::Outcome& o) {
    switch (o.status) {
    case check::Status::unchanged:
        return "unchanged";
    case check::Status::changed: {
        std::string s = "changed: " + plural(o.items, "item", "items");
        if (o.current)
            s += " (new version " + o.current->label + ")";
        return s;
    }
    case check::Status::first:
        return "new: first version recorded" + (o.current ? " (" + o.current->label + ")" : "");
    case check::Status::failed:
        return "failed: " + o.reason;
    case check::Status::skipped:
        return "skipped: " + o.reason;
    case check::Status::gone: {
        std::string s = "gone: " + o.reason;
        s += o.previous ? "; last good version " + o.previous->label : "; no version recorded";
        if (o.gone_before)
            s += " (reported before)";
        return s;
    }
    }
    return "";
}

// --quiet prints only what someone must act on.
bool worth_printing(const check::Outcome& o, const check::ExitPolicy& policy) {
    switch (o.status) {
    case check::Status::changed:
    case check::Status::first:
    case check::Status::failed:
        return true;
    case check::Status::gone:
        return !o.gone_before || policy.strict;
    case check::Status::unchanged:
    case check::Status::skipped:
        return false;
    }
    return true;
}

// --verbose: how each outcome came about, and the notice items of each change.
std::string details(const check::Outcome& o) {
    std::string out;
    if (o.status == check::Status::unchanged)
        out += o.not_modified ? "    not modified (the server answered 304)\n"
                              : "    fetched; the text is the same as the latest version\n";
    if (o.attempts > 1)
        out += "    " + std::to_string(o.attempts) + " attempts\n";
    if (o.status == check::Status::changed && o.notice)
        for (const auto& item : o.notice->items)
            out += "    - " + render::item_line(item) + "\n";
    return out;
}

std::vector<notify::Change> changes_of(const std::vector<check::Outcome>& outcomes) {
    std::vector<notify::Change> out;
    for (const auto& o : outcomes) {
        if (o.status != check::Status::changed || !o.notice || !o.previous || !o.current)
            continue;
        notify::Change c;
        c.id = o.id;
        c.title = o.title;
        c.url = o.url;
        c.groups = notify::groups_of(o.id);
        c.notice = *o.notice;
        c.old_commit = o.previous->commit;
        c.new_commit = o.current->commit;
        out.push_back(std::move(c));
    }
    return out;
}

std::string join_ids(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : ", ") + id;
    return out;
}

std::string progress_bar(std::size_t done, std::size_t total) {
    constexpr std::size_t width = 30;
    std::size_t filled = total == 0 ? width : done * width / total;
    return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
           std::to_string(done) + "/" + std::to_string(total);
}

Result<int> run_check(Context& ctx, const CheckOptions& opts) {
    GT_TRY(auto report_format, check::parse_report_format(opts.report_format));
    if (!opts.feed_url.empty() && opts.feed.empty())
        return input_error("--feed-url needs --feed FILE");
    if (!opts.feed_url.empty())
        GT_CHECK(fetch::validate_url(opts.feed_url));
    if (opts.quiet && opts.verbose)
        return input_error("--quiet and --verbose cannot be used together");
    std::pair<std::size_t, std::size_t> shard{0, 1};
    if (!opts.shard.empty()) {
        GT_TRY(shard, parse_shard(opts.shard));
    }
    GT_TRY(auto store, store::Store::open(store_location(ctx)));
    check::Options options;
    options.shard = shard.first;
    options.shards = shard.second;
    options.jobs = opts.jobs;
    options.include_minor = opts.minor;
    options.fetch.timeout_ms = static_cast<long>(opts.timeout * 1000);
    options.fetch.connect_timeout_ms = static_cast<long>(opts.connect_timeout * 1000);
    options.fetch.retries = opts.retries;
    options.fetch.retry_delay_ms = opts.retry_delay_ms;
    options.fetch.max_bytes = opts.max_size_mib << 20;
    options.extract_time_limit = opts.extract_timeout;
    check::ExitPolicy policy{opts.fail_on_new, opts.strict};

    // Only a progress bar while fetching (on a terminal): the lines come afterwards, in ID order.
    bool bar = ctx.out_is_terminal && !opts.json;
    if (bar) {
        options.progress = [&](const check::Outcome&, std::size_t done, std::size_t total) {
            ctx.out << "\r\033[K" << progress_bar(done, total) << std::flush;
        };
        ctx.out << progress_bar(0, 1) << std::flush;
    }
    // GOV.UK publications first: new addresses, new and withdrawn attachments, the publisher's
    // date and note for what is recorded.
    GT_TRY(auto pubs, publications::refresh(store, opts.ids, options.fetch));
    publications::apply(pubs, options);
    GT_TRY(auto outcomes, check::run(store, opts.ids.empty() ? opts.ids : pubs.ids, options));
    if (bar)
        ctx.out << "\r\033[K" << std::flush;
    GT_CHECK(check::mark_gone(store, outcomes));
    if (opts.audit) {
        std::set<std::string> pages;
        for (const auto& [id, page] : pubs.pages)
            pages.insert(id);
        check::add_audits(outcomes, pages);
    }
    if (!opts.json)
        for (const auto& e : pubs.events)
            if (e.kind != publications::EventKind::failed) // the publication's own line says so
                ctx.out << e.publication << "  " << text::visible(publications::describe(e))
                        << "\n";
    check::Summary s = check::summarise(outcomes);

    // Notifications: this run's changes and the sends still pending from earlier runs.
    static const config::Config no_config;
    const config::Config& cfg = ctx.config ? *ctx.config : no_config;
    std::optional<notify::RunReport> sent;
    if (!opts.no_notify && !cfg.notify.empty()) {
        GT_TRY(auto r, notify::check_notify(store, cfg, changes_of(outcomes), opts.minor));
        sent = std::move(r);
    }

    // Reports and feeds are written whatever happened, so a failed fetch still publishes them.
    if (!opts.report.empty())
        GT_CHECK(write_file_atomically(
            opts.report, check::render_report(outcomes, report_format, text::utc_now_iso8601())));
    if (!opts.feed.empty()) {
        GT_TRY(auto atom, check::store_feed(store, opts.feed_url));
        GT_CHECK(write_file_atomically(opts.feed, atom, store.path().string()));
    }
    int code = s.exit_code(policy);
    if (sent && sent->failed())
        code = exit_code::runtime_error;
    if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
        std::string text = check::step_summary(outcomes, policy);
        if (sent && !sent->sends.empty()) {
            text += "| Notification | Documents | Result |\n| --- | --- | --- |\n";
            for (const auto& n : sent->sends)
                text += "| " + n.target + " | " + join_ids(n.documents) + " | " +
                        (n.error.empty() ? std::string(n.retry ? "sent (retry)" : "sent")
                                         : "**failed**, will retry") +
                        " |\n";
            text += "\n";
        }
        GT_CHECK(append_step_summary(summary, text));
    }
    if (sent) {
        for (const auto& w : sent->warnings)
            ctx.err << "guidetrack: warning: " << w << "\n";
        for (const auto& n : sent->sends)
            if (!n.error.empty())
                ctx.err << "guidetrack: " << n.error << " (kept; sent again by the next check)\n";
    }
    for (const auto& o : outcomes)
        if (!o.warning.empty())
            ctx.err << "guidetrack: " << o.id << ": warning: " << o.warning << "\n";

    if (opts.json) {
        nlohmann::json j = check::to_json(outcomes, policy);
        j["exit_code"] = code;
        if (!pubs.events.empty())
            j["publications"] = publications::to_json(pubs.events);
        if (code == exit_code::runtime_error)
            j["result"] = "failed";
        if (sent) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& n : sent->sends) {
                nlohmann::json e{{"target", n.target},
                                 {"documents", n.documents},
                                 {"retry", n.retry},
                                 {"sent", n.error.empty()}};
                if (!n.error.empty())
                    e["error"] = n.error;
                list.push_back(std::move(e));
            }
            j["notifications"] = std::move(list);
            j["notifications_pending"] = sent->pending;
        }
        ctx.out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return code;
    }
    if (outcomes.empty()) {
        if (!opts.quiet)
            ctx.out << "no documents are tracked (add some with `guidetrack track --catalog`)\n";
        return code;
    }
    std::size_t width = 0;
    for (const auto& o : outcomes)
        width = std::max(width, o.id.size());
    for (const auto& o : outcomes) {
        if (opts.quiet && !worth_printing(o, policy))
            continue;
        ctx.out << o.id << std::string(width - o.id.size(), ' ') << "  "
                << text::visible(describe(o)) << "\n";
        if (opts.verbose)
            ctx.out << details(o);
        if (o.audit) {
            ctx.out << "  " << audit::summary_line(*o.audit) << "\n";
            for (auto i : o.audit->unlisted)
                ctx.out << "  not in the publisher's note: " << audit::item_line(*o.audit, i)
                        << "\n";
        } else if (!o.audit_skipped.empty()) {
            ctx.out << "  " << o.audit_skipped << "\n";
        }
    }
    if (sent)
        for (const auto& n : sent->sends)
            if (n.error.empty() && !opts.quiet)
                ctx.out << "notified " << n.target << ": " << join_ids(n.documents)
                        << (n.retry ? " (sent again)" : "") << "\n";
    if (opts.quiet)
        return code;
    std::string summary = plural(outcomes.size(), "document", "documents") + ": " +
                          std::to_string(s.changed) + " changed, " + std::to_string(s.first) +
                          " new, " + std::to_string(s.unchanged) + " unchanged, " +
                          std::to_string(s.failed) + " failed";
    if (s.gone)
        summary += ", " + std::to_string(s.gone) + " gone";
    if (s.skipped)
        summary += ", " + std::to_string(s.skipped) + " without a URL";
    if (sent && sent->pending)
        summary += "; " + plural(sent->pending, "notification", "notifications") + " pending";
    ctx.out << summary << "\n";
    return code;
}

} // namespace

void setup_check(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<CheckOptions>();
    CLI::App* sub = app.add_subcommand(
        "check", "Fetch tracked documents from their URLs (several at a time), record those whose "
                 "text changed, notify the configuration file's targets, and print one line per "
                 "document in ID order: unchanged, changed: N items, new, gone, or failed: "
                 "reason. Exit 0 nothing changed (new documents included, unless "
                 "--fail-on-new), 1 something changed, 3 a fetch or a notification failed or a "
                 "document is gone for the first time (every time with --strict). Writes a "
                 "Markdown table to $GITHUB_STEP_SUMMARY when it is set.");
    sub->add_option("ids", opts->ids, "Documents to check (default: every tracked document)")
        ->type_name("ID");
    sub->add_option("-j,--jobs", opts->jobs, "Fetches at once")
        ->check(between(1, 32))
        ->default_str("4");
    sub->add_option("--timeout", opts->timeout, "Seconds allowed for each download")
        ->check(between(0, 3600))
        ->default_str("120");
    sub->add_option("--connect-timeout", opts->connect_timeout, "Seconds allowed to connect")
        ->check(between(0, 600))
        ->default_str("15");
    sub->add_option("--retries", opts->retries,
                    "Further attempts after a network error or a 5xx response")
        ->check(between(0, 10))
        ->default_str("3");
    sub->add_option("--retry-delay", opts->retry_delay_ms,
                    "Milliseconds before the first retry (doubled before each next one)")
        ->check(between(0, 600000))
        ->default_str("1000");
    sub->add_option("--max-size", opts->max_size_mib, "Largest document accepted, in MiB")
        ->check(between(1, 1024))
        ->default_str("256");
    sub->add_option("--extract-timeout", opts->extract_timeout,
                    "Seconds one document's text extraction may take before that document "
                    "fails (0: no limit)")
        ->check(CLI::Range(0.0, 86400.0))
        ->default_str("120");
    sub->add_option("--report", opts->report,
                    "Write the notices of everything that changed in this run to FILE")
        ->type_name("FILE");
    sub->add_option("--format", opts->report_format,
                    "Format of the --report file: md, json or html")
        ->check(CLI::IsMember({"md", "markdown", "json", "html"}))
        ->default_str("md");
    sub->add_option("--feed", opts->feed,
                    "Write the Atom feed of every recorded change of this store's documents to "
                    "FILE (its id names this store)")
        ->type_name("FILE");
    sub->add_option("--feed-url", opts->feed_url,
                    "Where the --feed file is published: its rel=\"self\" link")
        ->type_name("URL");
    sub->add_flag("--fail-on-new", opts->fail_on_new,
                  "Exit 1 when a first version was recorded (default: new documents exit 0)");
    sub->add_flag("--strict", opts->strict,
                  "Exit 3 on every run that finds a document gone (404/410), not only the first");
    sub->add_flag("-q,--quiet", opts->quiet,
                  "Print only changes, new documents and failures (no summary line)");
    sub->add_flag("-v,--verbose", opts->verbose,
                  "Also say how each document was found unchanged, and list each change's items");
    sub->add_flag("--no-notify", opts->no_notify,
                  "Send no notifications (the configuration file's [[notify]] targets)");
    sub->add_option("--shard", opts->shard,
                    "Check only share K of N (a stable hash of the document ID), so that N "
                    "runners (e.g. a CI matrix) each check their share and sync to one remote")
        ->type_name("K/N");
    sub->add_flag("--include-minor", opts->minor, "Count minor (typographic) notice items too");
    sub->add_flag("--audit", opts->audit,
                  "Audit the publisher's change note of each changed document (as `guidetrack "
                  "audit` does): print the changes it leaves out, and add the audit to --report "
                  "and --json");
    add_renamed_flag(sub, ctx, "--minor", "--include-minor", opts->minor);
    sub->add_flag("--json", opts->json,
                  "Print the outcome as JSON (result: unchanged, changed or failed)");
    // A later value wins, so a wrapper script's defaults can be overridden on its command line.
    for (const char* name :
         {"--jobs", "--timeout", "--connect-timeout", "--retries", "--retry-delay", "--max-size"})
        sub->get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    sub->callback([&ctx, &action, opts, sub] {
        action = [&ctx, opts, sub] {
            if (ctx.config)
                apply_defaults(*sub, ctx.config->check, *opts);
            return run_check(ctx, *opts);
        };
    });
}

} // namespace guidetrack::cli
