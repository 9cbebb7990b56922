// `guidetrack show ID[@VERSION] [--original]`: print a version's stored text, or its original.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <memory>

namespace guidetrack::cli {
namespace {

struct ShowOptions {
    std::string spec;
    bool original = false;
};

Result<int> run_show(Context& ctx, const ShowOptions& opts) {
    std::string id = opts.spec, selector = "latest";
    if (auto at = opts.spec.find('@'); at != std::string::npos) {
        id = opts.spec.substr(0, at);
        selector = opts.spec.substr(at + 1);
        if (selector.empty())
            return input_error("no version after '@' in '" + opts.spec + "'");
    }
    GT_CHECK(store::validate_id(id));
    GT_TRY(auto store, open_store(ctx));
    GT_TRY(auto doc, store.document(id));
    GT_TRY(auto version, store.resolve(id, selector));
    if (opts.original) {
        GT_TRY(auto bytes, store.original(id, version));
        ctx.out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    } else {
        GT_TRY(auto text, store.stored_text(id, version));
        ctx.out << text;
    }
    (void)doc;
    return exit_code::success;
}

} // namespace

void setup_show(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<ShowOptions>();
    CLI::App* sub = app.add_subcommand(
        "show", "Print the stored text of a version (default: the latest). VERSION is a label, "
                "a publication date (YYYY-MM-DD), a commit id (at least 4 hex digits), latest or "
                "latest~N (N versions before the latest).");
    sub->add_option("document", opts->spec, "The document and optionally the version")
        ->required()
        ->type_name("ID[@VERSION]");
    sub->add_flag("--original", opts->original,
                  "Write the original bytes as retrieved (PDF, HTML, ...) instead of the text");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_show(ctx, *opts); }; });
}

} // namespace guidetrack::cli
