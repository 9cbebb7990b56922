// `guidetrack log ID [--json]`: a document's versions, newest first.
//
// Word counts were computed when each version was recorded (version.json), so the log reads one
// small blob per version and never diffs anything.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace guidetrack::cli {

std::string human_size(std::uint64_t bytes) {
    char buf[32];
    if (bytes < 1024)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
    else
        std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024 * 1024));
    return buf;
}

nlohmann::json version_to_json(const store::VersionInfo& v) {
    return {{"label", v.label},
            {"date", v.date},
            {"commit", v.commit},
            {"retrieved_at", v.retrieved_at},
            {"size", v.size},
            {"sha256", v.sha256},
            {"source", v.source},
            {"format", v.format},
            {"words", v.words},
            {"words_added", v.words_added},
            {"words_removed", v.words_removed},
            {"note", v.note},
            {"publisher_note", v.publisher_note},
            {"date_source", v.date_source},
            {"tool_version", v.tool_version},
            {"technical", v.technical}};
}

namespace {

struct LogOptions {
    std::string id;
    bool json = false;
};

// A note's lines as one line; any other control character is then shown by text::visible.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

Result<int> run_log(Context& ctx, const LogOptions& opts) {
    GT_CHECK(store::validate_id(opts.id));
    GT_TRY(auto store, open_store(ctx));
    GT_TRY(auto doc, store.document(opts.id));
    GT_TRY(auto versions, store.versions(opts.id));
    if (opts.json) {
        nlohmann::json j = {
            {"id", doc.id}, {"title", doc.title}, {"versions", nlohmann::json::array()}};
        for (const auto& v : versions)
            j["versions"].push_back(version_to_json(v));
        ctx.out << j.dump(2) << "\n";
        return exit_code::success;
    }
    ctx.out << doc.id << ": " << text::visible(doc.title) << " (" << versions.size() << " version"
            << (versions.size() == 1 ? "" : "s") << ")\n";
    if (versions.empty()) {
        ctx.out << "No versions yet: record one with guidetrack snapshot " << doc.id << " FILE\n";
        return exit_code::success;
    }
    std::size_t wl = 5;
    for (const auto& v : versions)
        wl = std::max(wl, v.label.size());
    ctx.out << pad("LABEL", wl + 2) << pad("DATE", 12) << pad("COMMIT", 10) << pad("SIZE", 11)
            << "WORDS\n";
    for (const auto& v : versions) {
        std::string date = v.date.empty() ? v.retrieved_at.substr(0, 10) + "*"
                           : (v.date_source == "page" || v.date_source == "http") ? v.date + "~"
                                                                                  : v.date;
        std::string words =
            "+" + std::to_string(v.words_added) + " -" + std::to_string(v.words_removed);
        ctx.out << pad(v.label, wl + 2) << pad(date, 12) << pad(v.commit.substr(0, 8), 10)
                << pad(human_size(v.size), 11) << words
                << (v.technical ? "  (text re-extracted)" : "") << "\n";
        // The notes, indented under their version: the publisher's first.
        if (!v.publisher_note.empty())
            ctx.out << "    Publisher's note: " << text::visible(one_line(v.publisher_note))
                    << "\n";
        if (!v.note.empty())
            ctx.out << "    Our note: " << text::visible(one_line(v.note)) << "\n";
    }
    bool any_retrieved = false, any_derived = false;
    for (const auto& v : versions) {
        any_retrieved = any_retrieved || v.date.empty();
        any_derived = any_derived || v.date_source == "page" || v.date_source == "http";
    }
    if (any_retrieved)
        ctx.out << "* no publication date given: the date it was recorded\n";
    if (any_derived)
        ctx.out << "~ the page's \"Updated\" line or the server's Last-Modified: no date from the "
                   "publisher's API\n";
    return exit_code::success;
}

} // namespace

void setup_log(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<LogOptions>();
    CLI::App* sub = app.add_subcommand(
        "log", "List a document's versions, newest first: label, publication date, commit, "
               "size of the original and words added/removed against the previous version.");
    sub->add_option("id", opts->id, "Document ID")->required()->type_name("ID");
    sub->add_flag("--json", opts->json, "Print the versions as JSON");
    sub->callback([&ctx, &action, opts] { action = [&ctx, opts] { return run_log(ctx, *opts); }; });
}

} // namespace guidetrack::cli
