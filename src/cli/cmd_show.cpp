// `guidetrack show ID[@VERSION] [--section GLOB] [--original] [--out FILE]`: print a version's
// stored text (or the part of it under some sections), or its original bytes.
#include "commands.hpp"
#include "io.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/render/diff.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/text/text.hpp"

#include <memory>

namespace guidetrack::cli {
namespace {

struct ShowOptions {
    std::string spec;
    bool original = false;
    std::vector<std::string> sections;
    std::string out;
};

// Bytes a terminal would show as noise: a NUL, or anything that is not UTF-8.
bool is_binary(std::string_view bytes) {
    return bytes.find('\0') != std::string_view::npos || !text::is_valid_utf8(bytes);
}

// The stored text of the blocks under the sections (a heading counts as under itself).
Result<std::string> section_text(const std::string& stored, const std::vector<std::string>& globs) {
    GT_TRY(model::Document doc, model::parse_stored_text(stored));
    model::Document part;
    for (const model::Block& b : doc.blocks) {
        std::vector<std::string> path = b.section;
        if (b.kind == model::BlockKind::heading)
            path.push_back(b.text);
        if (render::in_section(path, globs))
            part.blocks.push_back(b);
    }
    if (part.blocks.empty())
        return input_error("no section matches " + globs.front() +
                           (globs.size() > 1 ? " (or the other --section globs)" : ""));
    return model::write_stored_text(part);
}

Result<int> run_show(Context& ctx, const ShowOptions& opts) {
    if (opts.original && !opts.sections.empty())
        return input_error("--section does nothing with --original (the original is kept whole)");
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
    (void)doc;
    GT_TRY(auto version, store.resolve(id, selector));
    std::string content;
    if (opts.original) {
        GT_TRY(content, store.original(id, version));
        if (opts.out.empty() && ctx.out_is_terminal && is_binary(content))
            return input_error("the original of " + id + " " + version.label +
                               " is binary: write it with --out FILE or redirect standard "
                               "output (show --original ... > FILE)");
    } else {
        GT_TRY(content, store.stored_text(id, version));
        if (!opts.sections.empty()) {
            GT_TRY(content, section_text(content, opts.sections));
        }
    }
    GT_CHECK(write_output(ctx, opts.out == "-" ? std::string{} : opts.out, content,
                          store_location(ctx)));
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
                  "Write the original bytes as retrieved (PDF, HTML, ...) instead of the text; "
                  "a binary original is never written to a terminal (use --out or a redirect)");
    sub->add_option("--section", opts->sections,
                    "Only the text under a section whose heading (or heading path, joined by "
                    "\" > \") matches GLOB, case-insensitively; repeatable")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    sub->add_option("--out", opts->out, "Write to FILE instead of standard output")
        ->type_name("FILE");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_show(ctx, *opts); }; });
}

} // namespace guidetrack::cli
