// `guidetrack diff ID [FROM [TO]]` and `guidetrack diff --files OLD NEW`: compare two versions.
//
// Both forms end in the same place: two model::Documents, one diff::compare(), and one renderer
// chosen by the flags. Exit codes follow diff(1): 0 no changes, 1 changes, 2 bad input.
#include "commands.hpp"
#include "help.hpp"
#include "io.hpp"
#include "pager.hpp"

#include "guidetrack/app/notice.hpp"
#include "guidetrack/config/config.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/model/document.hpp"
#include "guidetrack/render/diff.hpp"
#include "guidetrack/render/diff_json.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace guidetrack::cli {
namespace {

struct DiffOptions {
    std::vector<std::string> args;
    bool files = false;
    std::string format = "auto";
    bool side_by_side = false, unified = false, stat = false, json = false;
    std::string color = "auto";
    bool no_pager = false;
    bool ignore_typography = false, ignore_case = false;
    int context = -1; // -1: the view's default (adapts to the width; 3 lines for --unified)
    // Scope and look (the viewer's options).
    std::vector<std::string> sections;
    bool major_only = false;
    bool navigate = false;
    std::string theme = "default";
    // Which options were given, to refuse those that do nothing in the chosen view.
    bool given_color = false, given_theme = false, given_context = false;
};

// An option that changes nothing in the chosen view is a mistake worth a message.
Result<void> check_view_options(const DiffOptions& o) {
    auto refuse = [](const std::string& option, const std::string& view) -> Result<void> {
        return input_error(option + " does nothing with " + view);
    };
    if (o.json) {
        if (o.given_color)
            return refuse("--color", "--json");
        if (o.given_theme)
            return refuse("--theme", "--json");
        if (o.given_context)
            return refuse("--context", "--json");
        if (o.navigate)
            return refuse("--navigate", "--json");
        if (o.no_pager)
            return refuse("--no-pager", "--json (it is never paged)");
    }
    if (o.stat) {
        if (o.given_context)
            return refuse("--context", "--stat");
        if (o.navigate)
            return refuse("--navigate", "--stat");
    }
    if (o.unified) {
        if (o.given_theme)
            return refuse("--theme", "--unified");
        if (o.navigate)
            return refuse("--navigate", "--unified");
        if (o.major_only)
            return refuse("--major-only", "--unified (it diffs lines of the stored texts)");
        if (o.ignore_typography || o.ignore_case)
            return refuse(o.ignore_case ? "--ignore-case" : "--ignore-typography",
                          "--unified (it diffs lines of the stored texts)");
    }
    if (o.navigate && o.no_pager)
        return refuse("--navigate", "--no-pager (it sets up the pager's n / N)");
    if (o.given_theme && o.color == "never")
        return refuse("--theme", "--color=never");
    return {};
}

// --theme, else the configuration file's [diff] theme, else "default".
Result<render::Theme> diff_theme(const Context& ctx, const DiffOptions& opts) {
    if (opts.given_theme || !ctx.config || !ctx.config->diff.theme)
        return render::theme_by_name(opts.theme);
    auto theme = render::theme_by_name(*ctx.config->diff.theme);
    if (!theme.ok())
        return with_context(theme.error(), ctx.config->path.string() + ": [diff] theme");
    return theme;
}

// The blocks of doc under the sections (for --unified --section).
model::Document section_blocks(const model::Document& doc, const std::vector<std::string>& globs) {
    model::Document out;
    for (const model::Block& b : doc.blocks) {
        std::vector<std::string> path = b.section;
        if (b.kind == model::BlockKind::heading)
            path.push_back(b.text);
        if (render::in_section(path, globs))
            out.blocks.push_back(b);
    }
    return out;
}

// One side of the comparison: its document and how to name it.
struct Side {
    model::Document doc;
    std::string label;      // for people: "ID 2024-02 (2024-02-23)" or the file path
    std::string patch_name; // for --unified headers
    nlohmann::json json;    // for --json
};

Result<Side> file_side(Context& ctx, const std::string& path, extract::Format format,
                       const char* prefix) {
    GT_TRY(std::string bytes, read_document(ctx, path));
    extract::Options o;
    o.format = format;
    o.filename = path;
    auto doc = extract::extract(bytes, o);
    if (!doc.ok())
        return with_context(doc.error(), path);
    Side side;
    side.doc = std::move(*doc);
    side.label = path;
    side.patch_name = std::string(prefix) + std::filesystem::path(path).filename().string();
    side.json = {{"file", path}};
    return side;
}

Side version_side(model::Document doc, const std::string& id, const store::VersionInfo& v,
                  const char* prefix) {
    Side side;
    side.doc = std::move(doc);
    side.label =
        id + " " + v.label + (v.date.empty() || v.date == v.label ? "" : " (" + v.date + ")");
    side.patch_name = std::string(prefix) + id + ".md";
    side.json = {{"id", id}, {"label", v.label}, {"date", v.date}, {"commit", v.commit}};
    return side;
}

Result<std::pair<Side, Side>> load_sides(Context& ctx, const DiffOptions& opts) {
    if (opts.files) {
        if (opts.args.size() != 2)
            return input_error("diff --files takes two files: OLD NEW");
        GT_TRY(extract::Format format, extract::parse_format(opts.format));
        GT_TRY(Side a, file_side(ctx, opts.args[0], format, "a/"));
        GT_TRY(Side b, file_side(ctx, opts.args[1], format, "b/"));
        return std::pair{std::move(a), std::move(b)};
    }
    if (opts.args.empty() || opts.args.size() > 3)
        return input_error("diff takes ID [FROM [TO]], or --files OLD NEW");
    if (opts.format != "auto")
        return input_error("--input-format applies to --files only");
    const std::string& id = opts.args[0];
    GT_CHECK(store::validate_id(id));
    GT_TRY(auto st, store::Store::open(store_location(ctx)));
    GT_TRY(auto doc_info, st.document(id));
    (void)doc_info;
    std::optional<std::string> from_name, to_name;
    if (opts.args.size() >= 2)
        from_name = opts.args[1];
    if (opts.args.size() >= 3)
        to_name = opts.args[2];
    GT_TRY(app::VersionPair pair, app::resolve_versions(st, id, from_name, to_name));
    const store::VersionInfo& from = pair.from;
    const store::VersionInfo& to = pair.to;
    GT_TRY(auto old_doc, st.stored_document(id, from));
    GT_TRY(auto new_doc, st.stored_document(id, to));
    return std::pair{version_side(std::move(old_doc), id, from, "a/"),
                     version_side(std::move(new_doc), id, to, "b/")};
}

Result<int> run_diff(Context& ctx, const DiffOptions& opts) {
    GT_TRY(bool color, decide_color(ctx, opts.color));
    if (opts.context < -1 || opts.context > 10000)
        return input_error("--context must be between 0 and 10000");
    GT_CHECK(check_view_options(opts));
    GT_TRY(render::Theme theme, diff_theme(ctx, opts));
    GT_TRY(auto sides, load_sides(ctx, opts));
    auto& [a, b] = sides;

    diff::Options options;
    options.ignore_typography = opts.ignore_typography;
    options.ignore_case = opts.ignore_case;
    render::Scope scope;
    scope.sections = opts.sections;
    scope.major_only = opts.major_only;
    diff::ChangeSet changes = diff::compare(a.doc, b.doc, options);
    if (!scope.sections.empty() || scope.major_only)
        changes = render::scope_changes(changes, scope);
    const int code = changes.empty() ? exit_code::success : exit_code::changes;

    if (opts.json) {
        render::write_diff_json(ctx.out, changes, {{"from", a.json}, {"to", b.json}});
        return code;
    }

    std::ostringstream out;
    render::DiffStyle style;
    style.color = color;
    style.width = terminal_width(ctx);
    style.theme = std::move(theme);
    style.navigate = opts.navigate;
    if (opts.context >= 0)
        style.context_words = static_cast<std::size_t>(opts.context);
    if (opts.unified) {
        const model::Document& old_doc =
            opts.sections.empty() ? a.doc : section_blocks(a.doc, opts.sections);
        const model::Document& new_doc =
            opts.sections.empty() ? b.doc : section_blocks(b.doc, opts.sections);
        std::string patch = render::unified_diff(
            model::write_stored_text(old_doc), model::write_stored_text(new_doc), a.patch_name,
            b.patch_name, opts.context >= 0 ? static_cast<std::size_t>(opts.context) : 3, color);
        out << patch;
    } else {
        std::string title = "Comparing " + a.label + " -> " + b.label;
        for (std::size_t k = 0; k < opts.sections.size(); ++k)
            title += (k == 0 ? ", sections " : " or ") + ("'" + opts.sections[k] + "'");
        if (opts.major_only)
            title += ", major changes only";
        out << (color ? "\x1b[1m" + title + "\x1b[0m" : title) << "\n";
        if (opts.stat)
            render::render_stat(out, changes, style);
        else if (opts.side_by_side)
            render::render_side_by_side(out, changes, style);
        else
            render::render_inline(out, changes, style);
    }
    write_paged(ctx, out.str(), !opts.no_pager && !opts.stat,
                opts.navigate ? render::navigate_pattern : std::string_view{});
    return code;
}

} // namespace

void setup_diff(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<DiffOptions>();
    CLI::App* cmd = app.add_subcommand(
        "diff", "Compare two versions paragraph by paragraph and word by word. Default: the "
                "previous version of ID against the latest; FROM alone: FROM against the latest. "
                "With --files, any two files (PDF, HTML, Markdown, text), no store needed. Exit "
                "code 0 no changes, 1 changes, 2 bad input.");
    cmd->add_option("args", opts->args,
                    "ID [FROM [TO]] (versions: label, date, commit, latest, latest~N), or with "
                    "--files: OLD NEW")
        ->required()
        ->expected(1, 3)
        ->type_name("ID [FROM [TO]]");
    cmd->add_flag("--files", opts->files, "Compare two files instead of stored versions");
    cmd->add_option("--input-format", opts->format,
                    "Format of both --files: auto (default), pdf, html, md, txt")
        ->type_name("FORMAT");
    add_renamed_option(cmd, ctx, "--format", "--input-format", opts->format);
    auto* sbs =
        cmd->add_flag("--side-by-side,-y", opts->side_by_side, "Old and new text in two columns");
    auto* uni = cmd->add_flag("--unified,-u", opts->unified,
                              "A git-compatible unified diff of the stored texts");
    auto* stat = cmd->add_flag("--stat", opts->stat, "Counts by kind and the pages touched");
    auto* json =
        cmd->add_flag("--json", opts->json, "The change model as JSON (schema in docs/json.md)");
    sbs->excludes(uni, stat, json);
    uni->excludes(stat, json);
    stat->excludes(json);
    auto* color = cmd->add_option("--color", opts->color,
                                  "When to colour: auto (default: on a terminal, unless NO_COLOR "
                                  "is set or TERM has no colours), always, never")
                      ->type_name("WHEN");
    auto* theme =
        cmd->add_option("--theme", opts->theme,
                        "Colours of the marks: default (blue underline for added, "
                        "orange strike-through for removed), basic (8 colours), "
                        "classic (green / red), mono (bold / dim, with the [- -] {+ +} "
                        "markers); the configuration file's [diff] theme sets the default")
            ->type_name("NAME");
    cmd->add_option("--section", opts->sections,
                    "Only changes under a section whose heading (or heading path, joined by "
                    "\" > \") matches GLOB, case-insensitively; repeatable. Exit code 1 only "
                    "for changes in scope")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    cmd->add_flag("--major-only", opts->major_only,
                  "Leave out amendments of typography or punctuation only");
    cmd->add_flag("--navigate", opts->navigate,
                  "Mark each change with \"\u00bb\" and start less on the first one: n / N jump "
                  "to the next / previous change");
    cmd->add_flag("--no-pager", opts->no_pager, "Never page the output");
    cmd->add_flag("--ignore-typography", opts->ignore_typography,
                  "Ignore changes of quotes, dashes and spacing");
    cmd->add_flag("--ignore-case", opts->ignore_case, "Ignore changes of letter case");
    auto* context = cmd->add_option("--context,-C", opts->context,
                                    "Words of context around a change (default: whole sentences "
                                    "that fit in about a line either side); lines with --unified "
                                    "(default 3)")
                        ->type_name("N")
                        ->check(non_negative());
    cmd->callback([&ctx, &action, opts, color, theme, context] {
        opts->given_color = color->count() > 0;
        opts->given_theme = theme->count() > 0;
        opts->given_context = context->count() > 0;
        action = [&ctx, opts] { return run_diff(ctx, *opts); };
    });
}

} // namespace guidetrack::cli
