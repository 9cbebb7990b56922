// `guidetrack feed [ID...] [--out FILE]`: an Atom 1.0 feed of the recorded changes of the given
// documents (all tracked documents by default), one entry per change with its notice.
#include "commands.hpp"
#include "io.hpp"

#include "guidetrack/app/feed.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace guidetrack::cli {
namespace {

struct FeedOptions {
    std::vector<std::string> ids;
    std::string out;
};

Result<int> run_feed(Context& ctx, const FeedOptions& opts) {
    GT_TRY(store::Store st, store::Store::open(store_location(ctx)));
    GT_TRY(render::Feed f, app::build_feed(st, opts.ids));
    std::string xml = render::to_atom(f);
    GT_CHECK(write_output(ctx, opts.out, xml, st.path().string()));
    return exit_code::success;
}

} // namespace

void setup_feed(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<FeedOptions>();
    CLI::App* sub = app.add_subcommand(
        "feed", "Write an Atom 1.0 feed of recorded changes: one entry per new version of each "
                "document, with its change notice. Re-extraction upgrades are left out.");
    sub->add_option("ids", opts->ids, "Documents to include (default: every tracked document)")
        ->type_name("ID...");
    sub->add_option("--out", opts->out, "Write to FILE instead of standard output")
        ->type_name("FILE");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_feed(ctx, *opts); }; });
}

} // namespace guidetrack::cli
