// `guidetrack init`: create an empty store (a bare git repository) where the store option points.
//
// Also home of the helpers the store commands share (declared in commands.hpp): opening the store
// with a message that says how to create one, and reading a document from a file or stdin with a
// size limit checked before anything is read.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace guidetrack::cli {

Result<store::Store> open_store(const Context& ctx) {
    return store::Store::open(store_location(ctx));
}

namespace {

Result<int> run_init(Context& ctx) {
    std::string where = store_location(ctx);
    if (store::Store::open(where).ok()) {
        ctx.out << "A guidetrack store already exists at " << where << " (left as it is)\n";
        return exit_code::success;
    }
    GT_TRY(auto store, store::Store::init(where));
    ctx.out << "Created an empty guidetrack store at " << store.path().string() << "\n";
    return exit_code::success;
}

} // namespace

void setup_init(CLI::App& app, Context& ctx, Action& action) {
    CLI::App* sub = app.add_subcommand(
        "init", "Create an empty store: a bare git repository (one branch per document, one tag "
                "per version) at --store, else $GUIDETRACK_STORE, else "
                "~/.local/share/guidetrack/store. Does nothing if a store is already there. "
                "(`track` also creates the store when it is missing.)");
    sub->callback([&ctx, &action] { action = [&ctx] { return run_init(ctx); }; });
}

} // namespace guidetrack::cli
