// `guidetrack audit ID [FROM [TO]] [--note-file F] [--format text|md|json]`: the publisher's
// change note (stored with the versions by `check` for GOV.UK publications, or read from a file)
// against the changes computed between the two versions. Each official item is printed with the
// computed items at its place (or "no change found there"), then every major change the note
// does not mention ("not in the publisher's note: ...").
//
// Exit codes: 0 the note covers every major change, 1 it leaves some out, 2 bad input (unknown
// document or version, no note stored and none given, an empty note).
#include "commands.hpp"

#include "guidetrack/app/audit.hpp"
#include "guidetrack/exit_codes.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace guidetrack::cli {
namespace {

struct AuditOptions {
    std::vector<std::string> args; // ID [FROM [TO]]
    std::string note_file;
    std::string format = "text";
};

Result<std::string> read_note(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return input_error(path + ": no such file");
    if (std::filesystem::file_size(path, ec) > (1u << 20))
        return input_error(path + ": too large for a change note (over 1 MiB)");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return input_error(path + ": cannot read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

Result<int> run_audit(Context& ctx, const AuditOptions& opts) {
    GT_TRY(audit::Format format, audit::parse_format(opts.format));
    if (opts.args.empty())
        return input_error("audit needs a document ID");
    if (opts.args.size() > 3)
        return input_error("audit: at most ID FROM TO");
    std::string note;
    if (!opts.note_file.empty()) {
        GT_TRY(note, read_note(opts.note_file));
    }
    GT_TRY(auto st, open_store(ctx));
    GT_TRY(audit::Stored s, audit::load(st, opts.args[0], opts.args.size() > 1 ? opts.args[1] : "",
                                        opts.args.size() > 2 ? opts.args[2] : ""));
    if (note.empty())
        note = s.publisher_note;
    if (note.empty())
        return input_error(opts.args[0] + ": no publisher's note is stored for " + s.to.label +
                           " (give one with --note-file FILE)");
    GT_TRY(audit::Audit a, audit::run(s.notice, note));
    ctx.out << audit::render(a, format);
    return a.exit_code();
}

} // namespace

void setup_audit(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<AuditOptions>();
    CLI::App* sub = app.add_subcommand(
        "audit", "Check the publisher's change note against the changes between two versions: "
                 "each item of the note with the changes found at its place, then every major "
                 "change the note leaves out. Exit 0 the note covers every major change, 1 it "
                 "leaves some out, 2 bad input.");
    sub->add_option("args", opts->args,
                    "Document ID, then optionally FROM and TO versions (default: the version "
                    "before the latest, and the latest)")
        ->type_name("ID [FROM [TO]]");
    sub->add_option("--note-file", opts->note_file,
                    "Read the publisher's note from FILE (default: the note stored with the "
                    "versions after FROM up to TO)")
        ->type_name("FILE");
    sub->add_option("--format", opts->format, "text, md (Markdown) or json")
        ->type_name("FORMAT")
        ->default_str("text");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_audit(ctx, *opts); }; });
}

} // namespace guidetrack::cli
