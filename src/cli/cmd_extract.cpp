// `guidetrack extract FILE|- [--format F] [--json]`: show what guidetrack would record for a
// document, without touching any store.
//
// The readable form is one line per block, anchors first, so that a user can check page
// numbers, paragraph numbers and section paths at a glance (and grep them); links follow their
// block on indented lines. --json prints model::to_json, the same model the store records.
#include "commands.hpp"
#include "help.hpp"
#include "io.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace guidetrack::cli {
namespace {

struct ExtractOptions {
    std::string file;
    std::string format = "auto";
    bool json = false;
};

std::string kind_label(const model::Block& block) {
    switch (block.kind) {
    case model::BlockKind::heading:
        return "heading " + std::to_string(block.level);
    case model::BlockKind::paragraph:
        return "paragraph";
    case model::BlockKind::list_item:
        return block.level > 0 ? "list item (level " + std::to_string(block.level) + ")"
                               : "list item";
    case model::BlockKind::table_row:
        return "table row";
    case model::BlockKind::footnote:
        return "footnote";
    }
    return "block";
}

// "p.26 ¶48 [Chapter 1 > Training] paragraph: text" and its links, one per line.
void print_readable(std::ostream& out, const model::Document& doc, extract::Format format) {
    out << "format " << extract::format_name(format) << ", " << doc.blocks.size() << " blocks, "
        << model::word_count(doc) << " words\n";
    for (const model::Block& block : doc.blocks) {
        out << '\n';
        if (!block.page.empty())
            out << "p." << block.page << ' ';
        if (!block.number.empty())
            out << (block.kind == model::BlockKind::footnote ? "note " : "¶") << block.number
                << ' ';
        if (!block.section.empty()) {
            out << '[';
            for (std::size_t i = 0; i < block.section.size(); ++i)
                out << (i ? " > " : "") << block.section[i];
            out << "] ";
        }
        out << kind_label(block) << ": " << block.text << '\n';
        for (const model::Link& link : block.links)
            out << "    link \"" << model::link_text(block, link) << "\" -> " << link.target
                << '\n';
    }
}

Result<int> run_extract(Context& ctx, const ExtractOptions& opts) {
    GT_TRY(extract::Format format, extract::parse_format(opts.format));
    GT_TRY(std::string bytes, read_document(ctx, opts.file));
    extract::Options options;
    options.filename = opts.file == "-" ? std::string() : opts.file;
    if (format == extract::Format::automatic)
        format = extract::detect_format(bytes, options.filename);
    options.format = format;
    auto doc = extract::extract(bytes, options);
    if (!doc.ok())
        return with_context(doc.error(), opts.file == "-" ? "standard input" : opts.file);
    if (opts.json)
        ctx.out << model::to_json(*doc).dump(2) << '\n';
    else
        print_readable(ctx.out, *doc, format);
    return exit_code::success;
}

} // namespace

void setup_extract(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<ExtractOptions>();
    CLI::App* sub = app.add_subcommand(
        "extract", "Print the document model of a file (blocks with their pages, paragraph "
                   "numbers, sections and links) as guidetrack would record it. Touches no store.");
    sub->add_option("file", opts->file,
                    "The document: PDF, HTML, Markdown or plain text; - reads standard input")
        ->required()
        ->type_name("FILE|-");
    sub->add_option("--input-format", opts->format,
                    "Input format: auto (detect from content, then the file name), pdf, html, md "
                    "or txt")
        ->type_name("FORMAT")
        ->default_str("auto");
    add_renamed_option(sub, ctx, "--format", "--input-format", opts->format);
    sub->add_flag("--json", opts->json, "Print the model as JSON instead of readable text");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_extract(ctx, *opts); }; });
}

} // namespace guidetrack::cli
