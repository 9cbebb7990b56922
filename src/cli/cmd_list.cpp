// `guidetrack list [--json]`: the tracked documents with their latest version.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace guidetrack::cli {
namespace {

struct ListOptions {
    bool json = false;
};

std::string pad(const std::string& s, std::size_t width) {
    return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

Result<int> run_list(Context& ctx, const ListOptions& opts) {
    GT_TRY(auto store, open_store(ctx));
    GT_TRY(auto listing, store.scan());
    struct Row {
        store::DocumentInfo doc;
        store::Store::Summary summary;
    };
    std::vector<Row> rows;
    std::vector<store::DamagedDocument> damaged = std::move(listing.damaged);
    for (auto& d : listing.documents) {
        auto summary = store.summary(d.id);
        if (!summary.ok()) {
            damaged.push_back({d.id, summary.error().message});
            continue;
        }
        rows.push_back({std::move(d), std::move(*summary)});
    }
    std::sort(damaged.begin(), damaged.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    // A damaged document is listed, never skipped, and makes the exit code 3.
    const int code = damaged.empty() ? exit_code::success : exit_code::runtime_error;
    auto report_damage = [&] {
        bool hinted = false;
        for (const auto& d : damaged) {
            ctx.err << "guidetrack: " << store::damaged_message(d) << "\n";
            hinted = hinted || d.problem.find("guidetrack fsck") != std::string::npos;
        }
        if (!damaged.empty() && !hinted)
            ctx.err << "guidetrack: run guidetrack fsck to check the whole store\n";
    };
    if (opts.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& r : rows) {
            nlohmann::json e = {{"id", r.doc.id},
                                {"title", r.doc.title},
                                {"url", r.doc.url},
                                {"origin", r.doc.origin},
                                {"format", r.doc.format},
                                {"publisher", r.doc.publisher},
                                {"versions", r.summary.versions},
                                {"latest", nullptr}};
            if (r.summary.latest)
                e["latest"] = version_to_json(*r.summary.latest);
            j.push_back(std::move(e));
        }
        for (const auto& d : damaged)
            j.push_back({{"id", d.id}, {"damaged", d.problem}});
        ctx.out << j.dump(2) << "\n";
        report_damage();
        return code;
    }
    if (rows.empty() && damaged.empty()) {
        ctx.out << "No documents tracked yet: add one with guidetrack track ID --title TITLE\n";
        return exit_code::success;
    }
    std::size_t wi = 2, wl = 6;
    for (const auto& d : damaged)
        wi = std::max(wi, d.id.size());
    for (const auto& r : rows) {
        wi = std::max(wi, r.doc.id.size());
        if (r.summary.latest)
            wl = std::max(wl, r.summary.latest->label.size());
    }
    ctx.out << pad("ID", wi + 2) << pad("LATEST", wl + 2) << pad("DATE", 12) << pad("VERSIONS", 10)
            << "TITLE\n";
    for (const auto& r : rows) {
        std::string label = "-", date = "-";
        if (r.summary.latest) {
            const auto& v = *r.summary.latest;
            label = v.label;
            date = v.date.empty() ? v.retrieved_at.substr(0, 10) : v.date;
        }
        ctx.out << pad(r.doc.id, wi + 2) << pad(label, wl + 2) << pad(date, 12)
                << pad(std::to_string(r.summary.versions), 10) << text::visible(r.doc.title)
                << "\n";
    }
    for (const auto& d : damaged)
        ctx.out << pad(d.id, wi + 2) << pad("DAMAGED", wl + 2) << pad("-", 12) << pad("-", 10)
                << "(see guidetrack fsck)\n";
    report_damage();
    return code;
}

} // namespace

void setup_list(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<ListOptions>();
    CLI::App* sub = app.add_subcommand(
        "list", "List the tracked documents with their latest version and number of versions.");
    sub->add_flag("--json", opts->json, "Print the list as JSON");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_list(ctx, *opts); }; });
}

} // namespace guidetrack::cli
