// `guidetrack check [ID...]`: fetch tracked documents from their URLs, record what changed, and
// say so in one line per document; made for CI schedules as much as for a terminal.
//
// Exit codes: 0 nothing changed, 1 something changed (or a first version was recorded), 3 a fetch
// failed (whatever else happened), so that a scheduled job can fail on fetch errors only. --json
// carries the same distinction in "result" and "counts".
#include "commands.hpp"

#include "guidetrack/app/publications.hpp"
#include "guidetrack/check.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/feed.hpp"
#include "guidetrack/store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

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
    bool json = false;
    bool minor = false;
    std::string report, report_format = "md", feed;
};

// Write through a temporary file and a rename, so a published report is never half written.
Result<void> write_atomically(const std::string& path, const std::string& content) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            return runtime_error("cannot write '" + path + "'");
        out << content;
        out.flush();
        if (!out)
            return runtime_error("cannot write '" + path + "'");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        return runtime_error("cannot write '" + path + "': " + ec.message());
    return {};
}

std::string now_utc() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
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
        return "recorded: first version" + (o.current ? " (" + o.current->label + ")" : "");
    case check::Status::failed:
        return "failed: " + o.reason;
    case check::Status::skipped:
        return "skipped: " + o.reason;
    }
    return "";
}

std::string progress_bar(std::size_t done, std::size_t total) {
    constexpr std::size_t width = 30;
    std::size_t filled = total == 0 ? width : done * width / total;
    return "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " +
           std::to_string(done) + "/" + std::to_string(total);
}

Result<int> run_check(Context& ctx, const CheckOptions& opts) {
    GT_TRY(auto report_format, check::parse_report_format(opts.report_format));
    GT_TRY(auto store, store::Store::open(store_location(ctx)));
    check::Options options;
    options.jobs = opts.jobs;
    options.include_minor = opts.minor;
    options.fetch.timeout_ms = static_cast<long>(opts.timeout * 1000);
    options.fetch.connect_timeout_ms = static_cast<long>(opts.connect_timeout * 1000);
    options.fetch.retries = opts.retries;
    options.fetch.retry_delay_ms = opts.retry_delay_ms;
    options.fetch.max_bytes = opts.max_size_mib << 20;

    // Width of the ID column: known before the first line is printed.
    std::size_t width = 0;
    if (opts.ids.empty()) {
        GT_TRY(auto docs, store.documents());
        for (const auto& d : docs)
            width = std::max(width, d.id.size());
    } else {
        for (const auto& id : opts.ids)
            width = std::max(width, id.size());
    }
    bool bar = ctx.out_is_terminal && !opts.json;
    if (!opts.json) {
        options.progress = [&](const check::Outcome& o, std::size_t done, std::size_t total) {
            std::string id = o.id + std::string(width > o.id.size() ? width - o.id.size() : 0, ' ');
            if (bar)
                ctx.out << "\r\033[K";
            ctx.out << id << "  " << describe(o) << "\n";
            if (!o.warning.empty())
                ctx.err << "guidetrack: " << o.id << ": warning: " << o.warning << "\n";
            if (bar && done < total)
                ctx.out << progress_bar(done, total) << std::flush;
        };
        if (bar)
            ctx.out << progress_bar(0, 1) << std::flush;
    }
    // GOV.UK publications first: new addresses, new and withdrawn attachments, the publisher's
    // date and note for what is recorded.
    GT_TRY(auto pubs, publications::refresh(store, opts.ids, options.fetch));
    publications::apply(pubs, options);
    if (!opts.json)
        for (const auto& e : pubs.events)
            if (e.kind != publications::EventKind::failed) // the publication's own line says so
                ctx.out << e.publication << "  " << publications::describe(e) << "\n";
    if (!pubs.events.empty()) {
        GT_TRY(auto docs, store.documents());
        for (const auto& d : docs)
            if (opts.ids.empty() || std::count(pubs.ids.begin(), pubs.ids.end(), d.id))
                width = std::max(width, d.id.size());
    }
    GT_TRY(auto outcomes, check::run(store, opts.ids.empty() ? opts.ids : pubs.ids, options));
    check::Summary s = check::summarise(outcomes);
    // Reports and feeds are written whatever happened, so a failed fetch still publishes them.
    if (!opts.report.empty())
        GT_CHECK(write_atomically(opts.report,
                                  check::render_report(outcomes, report_format, now_utc())));
    if (!opts.feed.empty()) {
        GT_TRY(auto feed, feed::build_feed(store, {}));
        GT_CHECK(write_atomically(opts.feed, feed::to_atom(feed)));
    }
    if (opts.json) {
        auto j = check::to_json(outcomes);
        if (!pubs.events.empty())
            j["publications"] = publications::to_json(pubs.events);
        ctx.out << j.dump(2) << "\n";
        return s.exit_code();
    }
    if (bar)
        ctx.out << "\r\033[K";
    if (outcomes.empty()) {
        ctx.out << "no documents are tracked (add some with `guidetrack track --catalog`)\n";
        return exit_code::success;
    }
    std::string summary = plural(outcomes.size(), "document", "documents") + ": " +
                          std::to_string(s.changed + s.first) + " changed, " +
                          std::to_string(s.unchanged) + " unchanged, " + std::to_string(s.failed) +
                          " failed";
    if (s.skipped)
        summary += ", " + std::to_string(s.skipped) + " without a URL";
    ctx.out << summary << "\n";
    return s.exit_code();
}

} // namespace

void setup_check(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<CheckOptions>();
    CLI::App* sub = app.add_subcommand(
        "check", "Fetch tracked documents from their URLs (several at a time), record those whose "
                 "text changed, and print one line per document: unchanged, changed: N items, "
                 "or failed: reason. Exit 0 nothing changed, 1 something changed, 3 a fetch "
                 "failed.");
    sub->add_option("ids", opts->ids, "Documents to check (default: every tracked document)")
        ->type_name("ID");
    sub->add_option("-j,--jobs", opts->jobs, "Fetches at once")
        ->check(CLI::Range(1, 32))
        ->default_str("4");
    sub->add_option("--timeout", opts->timeout, "Seconds allowed for each download")
        ->check(CLI::Range(0.1, 3600.0))
        ->default_str("120");
    sub->add_option("--connect-timeout", opts->connect_timeout, "Seconds allowed to connect")
        ->check(CLI::Range(0.1, 600.0))
        ->default_str("15");
    sub->add_option("--retries", opts->retries,
                    "Further attempts after a network error or a 5xx response")
        ->check(CLI::Range(0, 10))
        ->default_str("3");
    sub->add_option("--retry-delay", opts->retry_delay_ms,
                    "Milliseconds before the first retry (doubled before each next one)")
        ->check(CLI::Range(0L, 600000L))
        ->default_str("1000");
    sub->add_option("--max-size", opts->max_size_mib, "Largest document accepted, in MiB")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
        ->default_str("256");
    sub->add_option("--report", opts->report,
                    "Write the notices of everything that changed in this run to FILE")
        ->type_name("FILE");
    sub->add_option("--format", opts->report_format,
                    "Format of the --report file: md, json or html")
        ->check(CLI::IsMember({"md", "markdown", "json", "html"}))
        ->default_str("md");
    sub->add_option("--feed", opts->feed,
                    "Write the Atom feed of every recorded change (all documents) to FILE")
        ->type_name("FILE");
    sub->add_flag("--minor", opts->minor, "Count minor (typographic) notice items too");
    sub->add_flag("--json", opts->json,
                  "Print the outcome as JSON (result: unchanged, changed or failed)");
    // A later value wins, so a wrapper script's defaults can be overridden on its command line.
    for (const char* name :
         {"--jobs", "--timeout", "--connect-timeout", "--retries", "--retry-delay", "--max-size"})
        sub->get_option(name)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_check(ctx, *opts); }; });
}

} // namespace guidetrack::cli
