// `guidetrack reextract [ID...]`: rebuild every version's text from its stored original with the
// current extractor, after an upgrade of guidetrack. Where a text changes, one commit marked
// "Technical-upgrade: yes" records the new texts; history is never rewritten, and diffs and
// notices from then on compare the re-extracted texts.
#include "commands.hpp"

#include "guidetrack/app/record.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <memory>

namespace guidetrack::cli {
namespace {

struct ReextractOptions {
    std::vector<std::string> ids;
};

Result<int> run_reextract(Context& ctx, const ReextractOptions& opts) {
    for (const auto& id : opts.ids)
        GT_CHECK(store::validate_id(id));
    GT_TRY(auto store, open_store(ctx));
    std::vector<std::string> ids = opts.ids;
    if (ids.empty()) {
        GT_TRY(auto docs, store.documents());
        for (const auto& d : docs)
            ids.push_back(d.id);
    } else {
        for (const auto& id : ids) {
            GT_TRY(auto d, store.document(id)); // unknown IDs fail before anything is written
            (void)d;
        }
    }
    for (const auto& id : ids) {
        GT_TRY(auto r, app::reextract(store, id));
        ctx.out << id << ": ";
        if (r.changed.empty()) {
            ctx.out << r.versions << " version" << (r.versions == 1 ? "" : "s")
                    << " checked, text unchanged\n";
        } else {
            ctx.out << "re-extracted " << r.changed.size() << " of " << r.versions << " versions (";
            for (std::size_t i = 0; i < r.changed.size(); ++i)
                ctx.out << (i ? ", " : "") << r.changed[i];
            ctx.out << "), technical-upgrade commit " << r.commit.substr(0, 8) << "\n";
        }
        for (const auto& f : r.failed)
            ctx.out << "  could not re-extract " << f << " (its text is kept)\n";
    }
    return exit_code::success;
}

} // namespace

void setup_reextract(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<ReextractOptions>();
    CLI::App* sub = app.add_subcommand(
        "reextract",
        "Re-extract the text of every stored version from its original with this version of "
        "guidetrack. Changed texts are recorded in one commit per document marked as a "
        "technical upgrade (Technical-upgrade: yes); no history is rewritten.");
    sub->add_option("ids", opts->ids, "Document IDs (default: all)")->type_name("ID...");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_reextract(ctx, *opts); }; });
}

} // namespace guidetrack::cli
