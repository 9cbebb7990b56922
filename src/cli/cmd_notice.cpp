// `guidetrack notice ID [FROM [TO]]` and `guidetrack notice --files OLD NEW`: the change notice
// between two versions, as GOV.UK-style text, Markdown, a self-contained HTML report or JSON.
//
// The versions come from the store (default: the version before TO against TO, TO defaulting to
// the latest), or from two files of any supported format, so that a notice can be written without
// a store (tests, the demo, one-off comparisons). Output goes to standard output or --out FILE.
#include "commands.hpp"
#include "io.hpp"

#include "guidetrack/diff/diff.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/render/notice.hpp"
#include "guidetrack/store/store.hpp"

#include <cerrno>
#include <cstring>
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
    bool notes = false; // the publisher's note and ours under the heading
    std::string out;
};

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
    notice::Options options;
    options.include_minor = opts.include_minor;
    return notice::build_notice(old_doc, new_doc, changes, v, options);
}

Result<notice::Notice> notice_from_store(Context& ctx, const NoticeOptions& opts) {
    const std::string& id = opts.args[0];
    GT_CHECK(store::validate_id(id));
    GT_TRY(store::Store st, store::Store::open(store_location(ctx)));
    GT_TRY(store::DocumentInfo info, st.document(id));
    GT_TRY(std::vector<store::VersionInfo> versions, st.versions(id));
    if (versions.empty())
        return input_error(id + ": no versions recorded yet");
    store::VersionInfo to = versions.front();
    if (opts.args.size() >= 3) {
        GT_TRY(to, st.resolve(id, opts.args[2]));
    }
    store::VersionInfo from;
    if (opts.args.size() >= 2) {
        GT_TRY(from, st.resolve(id, opts.args[1]));
    } else {
        // The version recorded just before TO.
        bool found = false;
        for (std::size_t i = 0; i + 1 < versions.size(); ++i)
            if (versions[i].commit == to.commit) {
                from = versions[i + 1];
                found = true;
                break;
            }
        if (!found)
            return input_error(id + ": no version before " + to.label + " to compare with");
    }
    GT_TRY(model::Document old_doc, st.stored_document(id, from));
    GT_TRY(model::Document new_doc, st.stored_document(id, to));
    notice::Versions v;
    v.title = !opts.title.empty()   ? opts.title
              : !info.title.empty() ? info.title
                                    : notice::document_title(new_doc);
    if (v.title.empty())
        v.title = id;
    v.old_label = from.label;
    v.new_label = to.label;
    v.date = to.date;
    v.fallback_date = to.retrieved_at;
    diff::ChangeSet changes = diff::compare(old_doc, new_doc);
    notice::Options options;
    options.include_minor = opts.include_minor;
    notice::Notice n = notice::build_notice(old_doc, new_doc, changes, v, options);
    if (opts.notes) {
        n.publisher_note = to.publisher_note;
        n.note = to.note;
    }
    return n;
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
    sub->add_flag("--include-minor", opts->include_minor,
                  "Also list minor changes (typographic and punctuation only)");
    sub->add_flag("--notes", opts->notes,
                  "Under the heading, print the publisher's change note for the new version "
                  "(GOV.UK publications) and ours (snapshot --note)");
    sub->add_option("--out", opts->out, "Write to FILE instead of standard output")
        ->type_name("FILE");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_notice(ctx, *opts); }; });
}

} // namespace guidetrack::cli
