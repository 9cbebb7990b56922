// `guidetrack track ID --title T [--url URL] [--format F] [--publisher P]`: add a document to the
// store, or update its metadata. It is listed from then on, before any version is recorded.
// `guidetrack track --catalog [NAME...]` adds the catalogued guidance (snapshots/catalog.json,
// built in) by ID or group; documents already tracked are left as they are. Catalogued GOV.UK
// publications are tracked as by `track ID --govuk PATH`, with their attachments.
//
// The first `track` on a machine creates the store when there is none: tracking a document is the
// first thing anyone does, and a separate `init` step would only be one more thing to forget.
#include "commands.hpp"
#include "help.hpp"

#include "guidetrack/app/check.hpp"
#include "guidetrack/app/publications.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/store/store.hpp"

#include "guidetrack/notice/notice.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

namespace guidetrack::cli {
namespace {

struct TrackOptions {
    std::vector<std::string> ids;
    std::string id, title, url, format, publisher, origin, catalog_file;
    std::string govuk, attachment;
    bool catalog = false;
};

Result<store::Store> open_or_create(Context& ctx) {
    std::string where = store_location(ctx);
    std::error_code ec;
    if (!std::filesystem::exists(where, ec)) {
        GT_TRY(auto fresh, store::Store::init(where));
        (void)fresh;
        ctx.out << "Created a new store at " << where << "\n";
    }
    return store::Store::open(where);
}

// What `track --govuk` (and `track --catalog` for a publication) tracked.
void print_publication(Context& ctx, const publications::TrackResult& r, const std::string& glob) {
    const auto& p = r.publication;
    auto already = [&](const std::string& id) {
        return std::find(r.already.begin(), r.already.end(), id) != r.already.end();
    };
    ctx.out << (already(r.page.id) ? "Updated " : "Tracking ") << r.page.id << ": " << p.title
            << " (GOV.UK publication " << p.path << ")\n";
    if (!p.updated_date().empty())
        ctx.out << "  Last updated " << notice::display_date(p.updated_date())
                << (p.current_note().empty() ? "" : ": " + p.current_note()) << "\n";
    for (const auto& a : r.attachments)
        ctx.out << "  " << (already(a.id) ? "already tracked " : "attachment ") << a.id << ": "
                << a.title << (a.format.empty() ? "" : " (" + a.format + ")") << "\n";
    for (const auto& t : r.left_out)
        ctx.out << "  not tracked (does not match " << (glob.empty() ? "--attachment" : glob)
                << "): " << t << "\n";
    if (r.attachments.empty())
        ctx.out << "  no attachments" << (glob.empty() ? "" : " match " + glob) << "\n";
}

// A catalogued publication: read from the Content API with its attachments. When GOV.UK cannot
// be read now (offline, say), the publication alone is tracked: the first `check` reads it again
// and tracks its attachments then.
Result<void> track_catalogued_publication(Context& ctx, store::Store& store,
                                          const store::DocumentInfo& d) {
    // No retries: a failure costs nothing but waiting, and `check` retries anyway.
    fetch::Options once;
    once.retries = 0;
    auto r = publications::track(store, d.id, d.govuk_path, d.attachment_glob, once);
    if (r.ok()) {
        print_publication(ctx, *r, d.attachment_glob);
        return {};
    }
    if (r.error().kind == ErrorKind::input)
        return r.error();
    GT_CHECK(store.track(d));
    ctx.out << "Tracking " << d.id << ": " << d.title << " (GOV.UK publication " << d.govuk_path
            << ")\n";
    ctx.err << "guidetrack: warning: " << r.error().message
            << " (its attachments are tracked by the first `guidetrack check`)\n";
    return {};
}

Result<int> run_catalog(Context& ctx, const TrackOptions& opts) {
    if (!opts.title.empty() || !opts.url.empty() || !opts.origin.empty() ||
        !opts.publisher.empty() || !opts.format.empty() || !opts.attachment.empty())
        return input_error("--catalog takes catalogue names only (no --title, --url, ...)");
    check::Catalog loaded;
    const check::Catalog* catalog = &check::builtin_catalog();
    if (!opts.catalog_file.empty()) {
        GT_TRY(auto c, check::load_catalog(opts.catalog_file));
        loaded = std::move(c);
        catalog = &loaded;
    }
    GT_TRY(auto docs, check::select(*catalog, opts.ids));
    GT_TRY(auto store, open_or_create(ctx));
    for (const auto& d : docs) {
        GT_TRY(bool known, store.has_document(d.id));
        if (known) {
            ctx.out << "Already tracked " << d.id << ": " << d.title << "\n";
            continue;
        }
        if (publications::is_publication(d)) {
            GT_CHECK(track_catalogued_publication(ctx, store, d));
            continue;
        }
        GT_CHECK(store.track(d));
        ctx.out << "Tracking " << d.id << ": " << d.title << " (" << d.url << ")\n";
    }
    return exit_code::success;
}

Result<int> run_govuk(Context& ctx, const TrackOptions& opts) {
    if (opts.ids.size() != 1)
        return input_error("track --govuk takes one document ID for the publication");
    if (!opts.title.empty() || !opts.url.empty() || !opts.origin.empty() ||
        !opts.publisher.empty() || !opts.format.empty())
        return input_error("--govuk reads the title, address and publisher from GOV.UK: no "
                           "--title, --url, --origin, --publisher or --format");
    GT_CHECK(store::validate_id(opts.ids.front()));
    GT_TRY(auto store, open_or_create(ctx));
    GT_TRY(auto r, publications::track(store, opts.ids.front(), opts.govuk, opts.attachment));
    print_publication(ctx, r, opts.attachment.empty() ? "" : "--attachment");
    ctx.out << "Record their first versions with `guidetrack check " << r.page.id << "`\n";
    return exit_code::success;
}

Result<int> run_track(Context& ctx, TrackOptions opts) {
    if (opts.catalog || !opts.catalog_file.empty())
        return run_catalog(ctx, opts);
    if (!opts.govuk.empty())
        return run_govuk(ctx, opts);
    if (!opts.attachment.empty())
        return input_error("--attachment goes with --govuk");
    if (opts.ids.size() != 1)
        return input_error(opts.ids.empty() ? "track needs a document ID (or --catalog)"
                                            : "track takes one document ID (or --catalog NAME...)");
    opts.id = opts.ids.front();
    GT_CHECK(store::validate_id(opts.id));
    if (!opts.url.empty())
        GT_CHECK(fetch::validate_url(opts.url));
    if (!opts.format.empty()) {
        GT_TRY(auto f, extract::parse_format(opts.format));
        (void)f;
    }
    GT_TRY(auto store, open_or_create(ctx));
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
        "track", "Add a document to the store (or update its details), or with --catalog the "
                 "catalogued guidance. The store is created if it does not exist yet. Record "
                 "versions with `snapshot`, or fetch them with `check`.");
    sub->add_option("id", opts->ids,
                    "Document ID: lowercase letters, digits and hyphens, 1-64 characters; with "
                    "--catalog, catalogue IDs or groups (dsl, schools, early-years, "
                    "social-care, send; none: all)")
        ->type_name("ID");
    sub->add_flag("--catalog", opts->catalog,
                  "Track the catalogued guidance (snapshots/catalog.json, built in) named, or "
                  "all; GOV.UK publications with their attachments (read from the Content API; "
                  "when it cannot be read, the first `check` adds them)");
    sub->add_option("--catalog-file", opts->catalog_file,
                    "With --catalog: read this catalogue instead of the built-in one")
        ->type_name("FILE");
    sub->add_option("--govuk", opts->govuk,
                    "Track a GOV.UK publication (its www.gov.uk address or path) and each of its "
                    "attachments, read from the GOV.UK Content API ($GUIDETRACK_GOVUK_API)")
        ->type_name("URL-OR-PATH");
    sub->add_option("--attachment", opts->attachment,
                    "With --govuk: only the attachments whose title matches this pattern "
                    "(shell-style, case-insensitive, e.g. '*statutory guidance*')")
        ->type_name("TITLE-GLOB");
    sub->add_option("--title", opts->title, "Title (required for a new document)")
        ->type_name("TEXT");
    sub->add_option("--url", opts->url, "Where the document is published")->type_name("URL");
    sub->add_option("--origin", opts->origin, "Where it came from, when there is no URL")
        ->type_name("TEXT");
    sub->add_option("--input-format", opts->format,
                    "Format of its originals: auto (detect each time), pdf, html, md or txt")
        ->type_name("FORMAT");
    add_renamed_option(sub, ctx, "--format", "--input-format", opts->format);
    sub->add_option("--publisher", opts->publisher, "Publisher (e.g. Department for Education)")
        ->type_name("TEXT");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_track(ctx, *opts); }; });
}

} // namespace guidetrack::cli
