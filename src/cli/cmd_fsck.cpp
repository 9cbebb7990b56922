// `guidetrack fsck [--quick] [--json]`: check the whole store and say what to do about each
// problem (exit 0 clean, 3 damaged). Leftover temporary packs of failed writes are removed.
#include "commands.hpp"

#include "guidetrack/app/record.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace guidetrack::cli {
namespace {

struct FsckOptions {
    bool quick = false;
    bool json = false;
};

Result<int> run_fsck(Context& ctx, const FsckOptions& opts) {
    GT_TRY(auto store, open_store(ctx));
    GT_TRY(auto r, app::fsck(store, !opts.quick));
    const int code = r.problems.empty() ? exit_code::success : exit_code::runtime_error;
    if (opts.json) {
        auto list = [](const std::vector<store::FsckProblem>& ps) {
            nlohmann::json a = nlohmann::json::array();
            for (const auto& p : ps)
                a.push_back({{"where", p.where}, {"problem", p.what}, {"advice", p.advice}});
            return a;
        };
        nlohmann::json j = {{"ok", r.problems.empty()},     {"documents", r.documents},
                            {"versions", r.versions},       {"tags", r.tags},
                            {"reextracted", r.reextracted}, {"problems", list(r.problems)},
                            {"notes", list(r.notes)},       {"removed", r.removed}};
        ctx.out << j.dump(2) << "\n";
        return code;
    }
    for (const auto& f : r.removed)
        ctx.out << "removed " << f << " (left by a write that failed)\n";
    for (const auto& p : r.problems) {
        ctx.out << "DAMAGED " << p.where << ": " << p.what << "\n";
        if (!p.advice.empty())
            ctx.out << "  what to do: " << p.advice << "\n";
    }
    for (const auto& p : r.notes)
        ctx.out << "note " << p.where << ": " << p.what << (p.advice.empty() ? "" : "; " + p.advice)
                << "\n";
    ctx.out << "checked " << r.documents << " document" << (r.documents == 1 ? "" : "s") << ", "
            << r.versions << " version" << (r.versions == 1 ? "" : "s") << ", " << r.tags << " tag"
            << (r.tags == 1 ? "" : "s");
    if (!opts.quick)
        ctx.out << " (" << r.reextracted << " re-extracted)";
    ctx.out << ": "
            << (r.problems.empty() ? std::string("no problems")
                                   : std::to_string(r.problems.size()) + " problem" +
                                         (r.problems.size() == 1 ? "" : "s"))
            << "\n";
    return code;
}

} // namespace

void setup_fsck(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<FsckOptions>();
    CLI::App* sub = app.add_subcommand(
        "fsck", "Check the whole store: branches, tags, commits, trees, metadata, and that every "
                "version's original still extracts. Says what to do about each problem (exit 3 "
                "when there is one). Removes temporary packs left by failed writes.");
    sub->add_flag("--quick", opts->quick, "Do not extract the originals again");
    sub->add_flag("--json", opts->json, "Print the findings as JSON");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_fsck(ctx, *opts); }; });
}

} // namespace guidetrack::cli
