// `guidetrack snapshot ID [FILE|-]`: record a version of a tracked document.
//
// The size limit is checked before the file is read (and while standard input is read), so an
// oversized input costs nothing. When the extracted text equals the latest version's, nothing is
// recorded and the command says so: re-running a snapshot is always safe.
#include "commands.hpp"
#include "help.hpp"
#include "io.hpp"

#include "guidetrack/app/check.hpp"
#include "guidetrack/app/record.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <cctype>
#include <limits>
#include <memory>

namespace guidetrack::cli {
namespace {

struct SnapshotOptions {
    std::string id, file, label, date, note, format = "auto", max_size;
    double extract_timeout = 120;
};

// "1048576", "300K", "10M", "256MiB", "1G": bytes.
Result<std::size_t> parse_size(const std::string& s) {
    auto bad = [&] {
        return input_error("invalid size '" + s + "' (expected bytes, or a number with K, M or G)");
    };
    std::size_t i = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        ++i;
    if (i == 0 || i > 15)
        return bad();
    std::size_t n = std::stoull(s.substr(0, i));
    std::string unit = s.substr(i);
    for (char& c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::size_t mult = 1;
    if (unit.empty() || unit == "B")
        mult = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB")
        mult = 1u << 10;
    else if (unit == "M" || unit == "MB" || unit == "MIB")
        mult = 1u << 20;
    else if (unit == "G" || unit == "GB" || unit == "GIB")
        mult = 1u << 30;
    else
        return bad();
    if (n == 0)
        return input_error("--max-size must be more than 0");
    // 17179869184G is 2^64 bytes: it would wrap to 0.
    if (n > std::numeric_limits<std::size_t>::max() / mult)
        return input_error("invalid size '" + s + "': too large");
    return n * mult;
}

Result<int> run_snapshot(Context& ctx, const SnapshotOptions& opts) {
    GT_CHECK(store::validate_id(opts.id));
    GT_TRY(auto format, extract::parse_format(opts.format));
    std::size_t max_bytes = extract::default_max_input_bytes;
    if (!opts.max_size.empty()) {
        GT_TRY(auto n, parse_size(opts.max_size));
        max_bytes = n;
    }
    if (!opts.label.empty())
        GT_CHECK(store::validate_label(opts.label));
    GT_TRY(auto store, open_store(ctx));
    GT_TRY(auto doc, store.document(opts.id));
    if (opts.file.empty()) {
        if (doc.url.empty())
            return input_error("no file given and '" + opts.id + "' has no URL: snapshot " +
                               opts.id + " FILE (or -), or track it with --url");
        // Fetch from the tracked URL, exactly as `check` does for one document.
        check::Options copts;
        copts.fetch.max_bytes = max_bytes;
        copts.extract_time_limit = opts.extract_timeout;
        auto out = check::check_one(store, doc, copts,
                                    check::VersionFields{opts.label, opts.date, opts.note, "", ""});
        switch (out.status) {
        case check::Status::failed:
        case check::Status::skipped:
        case check::Status::gone:
            return runtime_error(opts.id + ": " + out.reason);
        case check::Status::unchanged:
            ctx.out << opts.id << ": unchanged at " << doc.url << "; nothing recorded\n";
            return exit_code::success;
        case check::Status::first:
        case check::Status::changed:
            break;
        }
        if (out.current) {
            const store::VersionInfo& v = *out.current;
            ctx.out << opts.id << ": recorded version " << v.label
                    << (v.date.empty() ? "" : " (" + v.date + ")") << " from " << doc.url << ", "
                    << v.size << " bytes, commit " << v.commit.substr(0, 8) << "\n";
        }
        if (!out.warning.empty())
            ctx.err << "guidetrack: warning: " << out.warning << "\n";
        return exit_code::success;
    }
    GT_TRY(auto bytes, read_document(ctx, opts.file, max_bytes));

    store::SnapshotRequest req;
    req.id = opts.id;
    req.original = std::move(bytes);
    req.source = opts.file == "-" ? "-" : opts.file;
    req.label = opts.label;
    req.date = opts.date;
    req.note = opts.note;
    req.format = std::string(extract::format_name(format));
    req.filename = opts.file == "-" ? "" : opts.file;
    req.max_bytes = max_bytes;
    req.extract_time_limit = opts.extract_timeout;
    GT_TRY(auto result, app::snapshot(store, req));
    const store::VersionInfo& v = result.version;
    if (result.status == store::SnapshotStatus::unchanged) {
        ctx.out << opts.id << ": unchanged since version " << v.label
                << (v.date.empty() ? "" : " (" + v.date + ")") << "; nothing recorded\n";
        return exit_code::success;
    }
    ctx.out << opts.id << ": recorded version " << v.label
            << (v.date.empty() ? "" : " (" + v.date + ")") << ", " << v.size << " bytes, "
            << v.words << " words (+" << v.words_added << " -" << v.words_removed << "), commit "
            << v.commit.substr(0, 8) << "\n";
    (void)doc;
    return exit_code::success;
}

} // namespace

void setup_snapshot(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<SnapshotOptions>();
    CLI::App* sub = app.add_subcommand(
        "snapshot",
        "Record a version of a tracked document from a file, standard input or (with no "
        "file) its tracked URL. Its text is "
        "extracted and stored with the original; if the text is the same as the latest "
        "version's, nothing is recorded (exit 0). Needs an existing store (guidetrack init or "
        "guidetrack track create one).");
    sub->add_option("id", opts->id, "Document ID (see `guidetrack track`)")
        ->required()
        ->type_name("ID");
    sub->add_option("file", opts->file,
                    "The document: PDF, HTML, Markdown or text; - for stdin. Without it, the "
                    "document is fetched from its tracked URL (http/https)")
        ->type_name("FILE|-");
    sub->add_option("--label", opts->label,
                    "Version label (default: the --date, else today's date; -2, -3 ... added "
                    "when taken)")
        ->type_name("LABEL");
    sub->add_option("--date", opts->date, "Publication date of this version")
        ->type_name("YYYY-MM-DD");
    sub->add_option("--note", opts->note, "A note kept with the version (e.g. the change note)")
        ->type_name("TEXT");
    sub->add_option("--input-format", opts->format,
                    "Input format: auto (the document's format, else detect), pdf, html, md, txt. "
                    "A file of another kind than the document's format needs it, unless it is "
                    "guidetrack's own stored text (`show` output)")
        ->type_name("FORMAT");
    add_renamed_option(sub, ctx, "--format", "--input-format", opts->format);
    sub->add_option("--max-size", opts->max_size,
                    "Refuse inputs larger than this (bytes, or with K, M, G); default 256M")
        ->type_name("BYTES");
    sub->add_option("--extract-timeout", opts->extract_timeout,
                    "Refuse an input whose text extraction takes longer than this many seconds "
                    "(0: no limit)")
        ->check(CLI::Range(0.0, 86400.0))
        ->default_str("120");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_snapshot(ctx, *opts); }; });
}

} // namespace guidetrack::cli
