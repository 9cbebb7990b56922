// `guidetrack sync [--remote URL]`: share the store through a git remote (a path, ssh or https).
//
// One line per document says what happened to it. Divergent documents are listed with what each
// side holds and left alone on both sides; then the exit code is 3, so a scheduled job notices.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/store/sync.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace guidetrack::cli {
namespace {

struct SyncOptions {
    std::string remote;
    bool pull_only = false;
    bool push_only = false;
    bool json = false;
    bool force = false;
};

std::string describe(const sync::DocumentSync& d) {
    std::string commits = std::to_string(d.commits) + (d.commits == 1 ? " commit" : " commits");
    switch (d.action) {
    case sync::Action::up_to_date:
        return "up to date";
    case sync::Action::pulled:
        return "pulled " + commits;
    case sync::Action::pulled_new:
        return "pulled: new from the remote (" + commits + ")";
    case sync::Action::pushed:
        return "pushed " + commits;
    case sync::Action::pushed_new:
        return "pushed: new on the remote (" + commits + ")";
    case sync::Action::diverged:
        return "DIVERGED: " + d.detail;
    case sync::Action::rejected:
        return "REJECTED: " + d.detail;
    case sync::Action::skipped:
        return "skipped (out of sync in the direction turned off)";
    case sync::Action::locked:
        return "LOCKED: " + d.detail;
    }
    return "";
}

Result<int> run_sync(Context& ctx, const SyncOptions& opts) {
    if (opts.pull_only && opts.push_only)
        return input_error("--pull-only and --push-only exclude each other");
    GT_TRY(auto store, store::Store::open(store_location(ctx)));
    sync::Options options;
    options.remote = opts.remote;
    options.pull = !opts.push_only;
    options.push = !opts.pull_only;
    options.force = opts.force;
    GT_TRY(auto report, sync::sync(store, options));
    int code = report.ok() ? exit_code::success : exit_code::runtime_error;
    if (opts.json) {
        ctx.out << sync::to_json(report).dump(2) << "\n";
        return code;
    }
    std::size_t width = 0;
    for (const auto& d : report.documents)
        width = std::max(width, d.id.size());
    std::size_t diverged = 0, moved = 0, locked = 0;
    for (const auto& d : report.documents) {
        ctx.out << d.id << std::string(width - d.id.size(), ' ') << "  " << describe(d) << "\n";
        if (d.action == sync::Action::locked)
            ++locked;
        else if (d.action == sync::Action::diverged || d.action == sync::Action::rejected)
            ++diverged;
        else if (d.action != sync::Action::up_to_date && d.action != sync::Action::skipped)
            ++moved;
    }
    for (const auto& c : report.tag_conflicts)
        ctx.out << "tag conflict: " << c << "\n";
    ctx.out << "synced with " << report.remote << ": " << moved << " updated, " << diverged
            << " diverged, " << (locked ? std::to_string(locked) + " locked, " : "")
            << report.tags_pulled << " tags pulled, " << report.tags_pushed << " tags pushed\n";
    return code;
}

} // namespace

void setup_sync(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<SyncOptions>();
    CLI::App* sub = app.add_subcommand(
        "sync", "Pull and push the store through a git remote (a path, ssh:// or https://): new "
                "documents and fast-forwards both ways; divergent histories are reported, never "
                "overwritten (exit 3). The push is git's own (git push, reusing the store's "
                "deltas) when git is installed, libgit2's otherwise or with "
                "GUIDETRACK_SYNC_TRANSPORT=libgit2; https credentials: $GUIDETRACK_GIT_USERNAME "
                "and $GUIDETRACK_GIT_PASSWORD, else git's own configuration.");
    sub->add_option("--remote", opts->remote,
                    "The remote (remembered in the store as 'origin' for next time)")
        ->type_name("URL");
    sub->add_flag("--pull-only", opts->pull_only, "Only bring the remote's versions here");
    sub->add_flag("--push-only", opts->push_only, "Only send this store's versions");
    sub->add_flag("--json", opts->json, "Print what happened as JSON");
    sub->add_flag("--force", opts->force,
                  "Push even to a repository that holds refs other than guidetrack documents "
                  "(they are left alone)");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_sync(ctx, *opts); }; });
}

} // namespace guidetrack::cli
