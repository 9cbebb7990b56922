// `guidetrack notice ID [FROM [TO]]` and `guidetrack notice --files OLD NEW`: the change notice
// between two versions, as GOV.UK-style text, Markdown, a self-contained HTML report or JSON.
//
// The versions come from the store (default: the version before TO against TO, TO defaulting to
// the latest), or from two files of any supported format, so that a notice can be written without
// a store (tests, the demo, one-off comparisons). Output goes to standard output or --out FILE.
#include "commands.hpp"
#include "io.hpp"

#include "guidetrack/app/notice.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/diff.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/store/store.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace guidetrack::cli {
namespace {

struct NoticeOptions {
    std::vector<std::string> args; // ID [FROM [TO]]
    std::vector<std::string> files;
    std::string title;
    std::string format = "text";
    bool table = false;
    bool include_minor = false;
    std::string detail = "summary";
    bool notes = false; // the publisher's note and ours under the heading
    std::string out;
    std::vector<std::string> sections; // --section: items under these headings only
    bool major_only = false;
};

Result<notice::Options> notice_options(const NoticeOptions& opts) {
    notice::Options options;
    // With --section, built with its minor items: scope_notice() leaves out those not asked
    // for and counts them within the scope.
    options.include_minor = opts.include_minor || !opts.sections.empty();
    if (opts.detail == "summary")
        options.detail = notice::Detail::summary;
    else if (opts.detail == "full")
        options.detail = notice::Detail::full;
    else
        return input_error("unknown --detail '" + opts.detail + "' (use summary or full)");
    return options;
}

// --section: keep the items with a part under one of the sections. The notice is built with
// its minor items so that the count of minor items left out counts those in scope only.
notice::Notice scope_notice(notice::Notice n, const NoticeOptions& opts) {
    if (opts.sections.empty()) {
        if (opts.major_only)
            n.minor_omitted = 0;
        return n;
    }
    std::vector<notice::NoticeItem> kept;
    std::size_t minor_omitted = 0;
    for (notice::NoticeItem& item : n.items) {
        bool in = opts.sections.empty() || render::in_section(item.where.section, opts.sections);
        for (const notice::Part& part : item.parts)
            in = in || render::in_section(part.where.section, opts.sections);
        if (!in)
            continue;
        if (!item.major && !opts.include_minor) {
            ++minor_omitted;
            continue;
        }
        kept.push_back(std::move(item));
    }
    n.items = std::move(kept);
    n.minor_omitted = opts.major_only ? 0 : minor_omitted;
    return n;
}

Result<model::Document> extract_file(Context& ctx, const std::string& file) {
    GT_TRY(std::string bytes, read_document(ctx, file));
    extract::Options options;
    options.filename = file;
    auto doc = extract::extract(bytes, options);
    if (!doc.ok())
        return with_context(doc.error(), file);
    return std::move(doc).value();
}

Result<std::string> render(const notice::Notice& n, const NoticeOptions& opts) {
    if (opts.format == "text" || opts.format == "txt")
        return render::notice_text(n);
    if (opts.format == "md" || opts.format == "markdown")
        return render::notice_markdown(n, opts.table);
    if (opts.format == "html")
        return render::notice_html(n);
    if (opts.format == "json")
        return render::notice_json_text(n);
    return input_error("unknown --format '" + opts.format + "' (use text, md, html or json)");
}

Result<notice::Notice> notice_from_files(Context& ctx, const NoticeOptions& opts) {
    GT_TRY(model::Document old_doc, extract_file(ctx, opts.files[0]));
    GT_TRY(model::Document new_doc, extract_file(ctx, opts.files[1]));
    notice::Versions v;
    v.title = !opts.title.empty() ? opts.title : notice::document_title(new_doc);
    if (v.title.empty())
        v.title = std::filesystem::path(opts.files[1]).stem().string();
    v.old_label = std::filesystem::path(opts.files[0]).filename().string();
    v.new_label = std::filesystem::path(opts.files[1]).filename().string();
    diff::ChangeSet changes = diff::compare(old_doc, new_doc);
    GT_TRY(notice::Options options, notice_options(opts));
    notice::Notice n = notice::build_notice(old_doc, new_doc, changes, v, options);
    n.source = opts.files[1];
    n.files = true;
    n.generated_at = app::report_time();
    return scope_notice(std::move(n), opts);
}

Result<notice::Notice> notice_from_store(Context& ctx, const NoticeOptions& opts) {
    const std::string& id = opts.args[0];
    GT_CHECK(store::validate_id(id));
    GT_TRY(store::Store st, store::Store::open(store_location(ctx)));
    GT_TRY(store::DocumentInfo info, st.document(id));
    std::optional<std::string> from, to;
    if (opts.args.size() >= 2)
        from = opts.args[1];
    if (opts.args.size() >= 3)
        to = opts.args[2];
    GT_TRY(app::VersionPair pair, app::resolve_versions(st, id, from, to));
    app::NoticeRequest request;
    GT_TRY(request.options, notice_options(opts));
    request.title = opts.title;
    GT_TRY(app::VersionNotice vn, app::notice_between(st, info, pair, request));
    if (!opts.notes) {
        vn.notice.publisher_note.clear();
        vn.notice.note.clear();
    }
    return scope_notice(std::move(vn.notice), opts);
}

Result<int> run_notice(Context& ctx, const NoticeOptions& opts) {
    if (!opts.files.empty() && !opts.args.empty())
        return input_error("notice: give either ID [FROM [TO]] or --files OLD NEW, not both");
    if (opts.files.empty() && opts.args.empty())
        return input_error("notice: give a document ID, or --files OLD NEW");
    if (opts.args.size() > 3)
        return input_error("notice: at most ID FROM TO");
    // Check the format before any work, so that a typo fails fast.
    GT_CHECK(render(notice::Notice{}, opts));
    GT_CHECK(notice_options(opts));
    if (opts.table && opts.format != "md" && opts.format != "markdown")
        return input_error("--table does nothing without --format md");
    Result<notice::Notice> n =
        opts.files.empty() ? notice_from_store(ctx, opts) : notice_from_files(ctx, opts);
    if (!n.ok())
        return n.error();
    GT_TRY(std::string content, render(*n, opts));
    GT_CHECK(write_output(ctx, opts.out, content, store_location(ctx)));
    return exit_code::success;
}

} // namespace

void setup_notice(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<NoticeOptions>();
    CLI::App* sub = app.add_subcommand(
        "notice", "Write the change notice between two versions of a document: each change with "
                  "its page, paragraph or section and a description (\"Page 26, paragraph 48: "
                  "amended the wording ...\"). Default: the previous version against the latest.");
    sub->add_option("args", opts->args,
                    "Document ID, then optionally FROM and TO versions (label, date YYYY-MM-DD, "
                    "commit, latest, latest~N)")
        ->type_name("ID [FROM [TO]]");
    sub->add_option("--files", opts->files,
                    "Compare two files (PDF, HTML, Markdown or text) instead of stored versions")
        ->expected(2)
        ->type_name("FILE");
    sub->add_option("--title", opts->title,
                    "The document title to print (default: the stored "
                    "title, else the document's first heading)")
        ->type_name("TITLE");
    sub->add_option("--format", opts->format,
                    "text (GOV.UK style), md (Markdown), html (a self-contained report with the "
                    "changes marked) or json")
        ->type_name("FORMAT")
        ->default_str("text");
    sub->add_flag("--table", opts->table, "Markdown: a \"Where | What\" table instead of a list");
    auto* minor = sub->add_flag("--include-minor", opts->include_minor,
                                "Also list minor changes (typographic, case and punctuation only)");
    sub->add_flag("--major-only", opts->major_only,
                  "Only major changes, and no line counting the minor ones left out")
        ->excludes(minor);
    sub->add_option("--section", opts->sections,
                    "Only changes under a section whose heading (or heading path, joined by "
                    "\" > \") matches GLOB, case-insensitively; repeatable")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    sub->add_option("--detail", opts->detail,
                    "summary (default: a wording change made throughout, a heavily revised section "
                    "and a long renumbering are one item each, their details in the JSON and HTML "
                    "report) or full (every change its own item)")
        ->type_name("LEVEL")
        ->default_str("summary");
    sub->add_flag("--notes", opts->notes,
                  "Under the heading, print the publisher's change note for the new version "
                  "(GOV.UK publications) and ours (snapshot --note)");
    sub->add_option("--out", opts->out, "Write to FILE instead of standard output")
        ->type_name("FILE");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_notice(ctx, *opts); }; });
}

} // namespace guidetrack::cli
