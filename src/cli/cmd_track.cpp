// `guidetrack track ID --title T [--url URL] [--format F] [--publisher P]`: add a document to the
// store, or update its metadata. It is listed from then on, before any version is recorded.
//
// The first `track` on a machine creates the store when there is none: tracking a document is the
// first thing anyone does, and a separate `init` step would only be one more thing to forget.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store.hpp"

#include <filesystem>
#include <memory>

namespace guidetrack::cli {
namespace {

struct TrackOptions {
    std::string id, title, url, format, publisher, origin;
};

Result<int> run_track(Context& ctx, const TrackOptions& opts) {
    GT_CHECK(store::validate_id(opts.id));
    if (!opts.format.empty()) {
        GT_TRY(auto f, extract::parse_format(opts.format));
        (void)f;
    }
    std::string where = store_location(ctx);
    std::error_code ec;
    bool created = false;
    if (!std::filesystem::exists(where, ec)) {
        GT_TRY(auto fresh, store::Store::init(where));
        (void)fresh;
        created = true;
    }
    GT_TRY(auto store, store::Store::open(where));
    if (created)
        ctx.out << "Created a new store at " << where << "\n";
    GT_TRY(bool known, store.has_document(opts.id));
    store::DocumentInfo info;
    if (known) {
        GT_TRY(auto current, store.document(opts.id));
        info = current;
    }
    info.id = opts.id;
    if (!opts.title.empty())
        info.title = opts.title;
    if (!opts.url.empty())
        info.url = opts.url;
    if (!opts.origin.empty())
        info.origin = opts.origin;
    if (!opts.publisher.empty())
        info.publisher = opts.publisher;
    if (!opts.format.empty()) {
        GT_TRY(auto f, extract::parse_format(opts.format));
        info.format = std::string(extract::format_name(f));
    }
    if (info.title.empty())
        return input_error("'" + opts.id + "' is a new document: give it a --title");
    GT_CHECK(store.track(info));
    ctx.out << (known ? "Updated " : "Tracking ") << info.id << ": " << info.title << "\n";
    return exit_code::success;
}

} // namespace

void setup_track(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<TrackOptions>();
    CLI::App* sub = app.add_subcommand(
        "track", "Add a document to the store (or update its details). The store is created "
                 "if it does not exist yet. Record versions with `snapshot`.");
    sub->add_option("id", opts->id,
                    "Document ID: lowercase letters, digits and hyphens, 1-64 characters")
        ->required()
        ->type_name("ID");
    sub->add_option("--title", opts->title, "Title (required for a new document)")
        ->type_name("TEXT");
    sub->add_option("--url", opts->url, "Where the document is published")->type_name("URL");
    sub->add_option("--origin", opts->origin, "Where it came from, when there is no URL")
        ->type_name("TEXT");
    sub->add_option("--format", opts->format,
                    "Format of its originals: auto (detect each time), pdf, html, md or txt")
        ->type_name("FORMAT");
    sub->add_option("--publisher", opts->publisher, "Publisher (e.g. Department for Education)")
        ->type_name("TEXT");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_track(ctx, *opts); }; });
}

} // namespace guidetrack::cli
