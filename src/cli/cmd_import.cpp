// `guidetrack import ID DIR|REPO:PATH|-`: record a document's whole history at once.
//
// Three sources, each read one version at a time (memory does not grow with the history):
//   DIR        files named DATE[_LABEL].EXT (DATE is YYYY-MM-DD), taken in name order;
//   REPO:PATH  the history of one file in a git repository or bundle, oldest commit first
//              (read with the git command: libgit2 cannot read bundles); the commit date is the
//              version's date and its time the retrieved-at time;
//   -          a stream on standard input of records "DATE LABEL SIZE\n" + SIZE bytes + "\n"
//              (DATE or LABEL "-" when there is none).
// app::import extracts each input; the store writes one pack and one update of the branch and
// tags per batch (Store::import).
#include "commands.hpp"
#include "io.hpp"

#include "guidetrack/app/record.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/store/store.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace guidetrack::cli {
namespace {
namespace fs = std::filesystem;

struct ImportOptions {
    std::string id, source, format = "auto";
    std::size_t batch = 1000;
};

bool is_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
    return true;
}

// The output of a command run without a shell, read as a stream; its exit status on close.
class Command {
  public:
    Command(const std::vector<std::string>& argv, const std::string& stdin_file = "") {
        int fds[2];
        if (::pipe(fds) != 0)
            return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(fds[1], 1);
            ::close(fds[0]);
            ::close(fds[1]);
            if (!stdin_file.empty()) {
                int in = ::open(stdin_file.c_str(), O_RDONLY);
                if (in < 0)
                    ::_exit(127);
                ::dup2(in, 0);
            }
            int devnull = ::open("/dev/null", O_WRONLY);
            if (devnull >= 0)
                ::dup2(devnull, 2);
            std::vector<char*> args;
            for (const auto& a : argv)
                args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execvp(args[0], args.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        if (pid_ < 0) {
            ::close(fds[0]);
            return;
        }
        out_ = ::fdopen(fds[0], "rb");
    }
    ~Command() { close(); }
    Command(const Command&) = delete;
    Command& operator=(const Command&) = delete;
    std::FILE* out() const { return out_; }
    // Exit status (0 = success; -1 if it could not be run).
    int close() {
        if (out_) {
            std::fclose(out_);
            out_ = nullptr;
        }
        if (pid_ > 0) {
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        return status_;
    }

  private:
    pid_t pid_ = -1;
    std::FILE* out_ = nullptr;
    int status_ = -1;
};

bool read_line(std::FILE* f, std::string& line) {
    line.clear();
    int c;
    while ((c = std::fgetc(f)) != EOF && c != '\n')
        line.push_back(static_cast<char>(c));
    return c != EOF || !line.empty();
}

bool read_bytes(std::FILE* f, std::string& out, std::size_t n) {
    out.resize(n);
    return std::fread(out.data(), 1, n, f) == n;
}

std::string iso_utc(long t, bool date_only) {
    std::time_t tt = t;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// DIR: DATE[_LABEL].EXT in name order.
Result<store::ImportSource> dir_source(Context& ctx, const std::string& dir,
                                       const std::string& format) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file(ec))
            files.push_back(entry.path());
    if (ec)
        return input_error("cannot read the folder '" + dir + "': " + ec.message());
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    for (const auto& f : files) {
        std::string stem = f.stem().string();
        if (!is_date(std::string_view(stem).substr(0, 10)) ||
            (stem.size() > 10 && (stem[10] != '_' || stem.size() == 11)))
            return input_error("'" + f.string() +
                               "' is not named DATE[_LABEL].EXT (e.g. 2024-09-01_final.pdf)");
        if (stem.size() > 11)
            GT_CHECK(store::validate_label(stem.substr(11)));
    }
    auto state = std::make_shared<std::pair<std::vector<fs::path>, std::size_t>>(files, 0);
    return store::ImportSource([&ctx, state,
                                format]() -> Result<std::optional<store::SnapshotRequest>> {
        auto& [list, at] = *state;
        if (at == list.size())
            return std::optional<store::SnapshotRequest>{};
        const fs::path& f = list[at++];
        GT_TRY(std::string bytes, read_document(ctx, f.string(), extract::default_max_input_bytes));
        store::SnapshotRequest req;
        std::string stem = f.stem().string();
        req.date = stem.substr(0, 10);
        if (stem.size() > 11)
            req.label = stem.substr(11);
        req.original = std::move(bytes);
        req.source = f.string();
        req.filename = f.string();
        req.format = format;
        return std::optional<store::SnapshotRequest>{std::move(req)};
    });
}

// -: "DATE LABEL SIZE\n" + bytes + "\n" records.
store::ImportSource stream_source(Context& ctx, const std::string& format) {
    auto count = std::make_shared<std::size_t>(0);
    return [&ctx, count, format]() -> Result<std::optional<store::SnapshotRequest>> {
        std::string header;
        if (!std::getline(ctx.in, header))
            return std::optional<store::SnapshotRequest>{};
        ++*count;
        std::istringstream fields(header);
        std::string date, label, size_text;
        fields >> date >> label >> size_text;
        auto bad = [&](const std::string& why) {
            return input_error("standard input, record " + std::to_string(*count) + ": " + why +
                               " (expected \"DATE LABEL SIZE\", then SIZE bytes)");
        };
        if (size_text.empty() || size_text.size() > 12 ||
            !std::all_of(size_text.begin(), size_text.end(),
                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            return bad("no size");
        std::size_t size = std::stoull(size_text);
        if (size > extract::default_max_input_bytes)
            return bad("over the size limit");
        store::SnapshotRequest req;
        req.original.resize(size);
        if (!ctx.in.read(req.original.data(), static_cast<std::streamsize>(size)))
            return bad("the stream ends inside the record");
        if (ctx.in.peek() == '\n')
            ctx.in.get();
        if (date != "-")
            req.date = date;
        if (label != "-")
            req.label = label;
        req.source = "-";
        req.format = format;
        return std::optional<store::SnapshotRequest>{std::move(req)};
    };
}

// REPO:PATH: the file's history through `git log` and `git cat-file --batch`.
struct GitHistory {
    std::string repo, path, tmp;
    std::vector<std::pair<std::string, long>> blobs; // blob id, commit time
    std::size_t at = 0;
    std::unique_ptr<Command> cat;
    ~GitHistory() {
        cat.reset();
        std::error_code ec;
        if (!tmp.empty())
            fs::remove_all(tmp, ec);
    }
};

Result<store::ImportSource> git_source(const std::string& repo_in, const std::string& path,
                                       const std::string& format) {
    auto h = std::make_shared<GitHistory>();
    h->path = path;
    h->repo = repo_in;
    std::error_code ec;
    if (fs::is_regular_file(repo_in, ec)) { // a bundle: clone it to a temporary repository
        // In $TMPDIR (or /tmp), like every other temporary file.
        std::string tmpl = (fs::temp_directory_path(ec) / "guidetrack-import-XXXXXX").string();
        if (ec || !::mkdtemp(tmpl.data()))
            return runtime_error("cannot make a temporary folder");
        h->tmp = tmpl;
        h->repo = h->tmp + "/repo.git";
        Command clone({"git", "clone", "--quiet", "--bare", repo_in, h->repo});
        if (clone.out())
            while (std::fgetc(clone.out()) != EOF) {
            }
        if (int rc = clone.close(); rc != 0)
            return input_error("cannot read '" + repo_in + "' as a git bundle" +
                               (rc == 127 ? " (is git installed?)" : ""));
    }
    {
        Command log(
            {"git",
             "--git-dir=" + (fs::is_directory(h->repo + "/.git", ec) ? h->repo + "/.git" : h->repo),
             "log", "--reverse", "--first-parent", "--raw", "--no-abbrev", "--no-renames",
             "--diff-filter=AM", "--format=C %ct", "HEAD", "--", path});
        if (!log.out())
            return runtime_error("cannot run git");
        std::string line;
        long time = 0;
        while (read_line(log.out(), line)) {
            if (line.rfind("C ", 0) == 0) {
                time = std::atol(line.c_str() + 2);
            } else if (!line.empty() && line[0] == ':') {
                std::size_t tab = line.find('\t');
                if (tab == std::string::npos || line.substr(tab + 1) != path)
                    continue;
                std::istringstream fields(line.substr(0, tab));
                std::string m1, m2, old_id, new_id;
                fields >> m1 >> m2 >> old_id >> new_id;
                h->blobs.emplace_back(new_id, time);
            }
        }
        if (int rc = log.close(); rc != 0)
            return input_error("cannot read the history of '" + path + "' in '" + repo_in + "'" +
                               (rc == 127 ? " (is git installed?)" : ""));
    }
    if (h->blobs.empty())
        return input_error("'" + repo_in + "' has no history of a file '" + path + "'");
    std::string list = (h->tmp.empty() ? std::string("/tmp") : h->tmp) + "/guidetrack-blobs-" +
                       std::to_string(::getpid());
    {
        std::ofstream out(list);
        for (const auto& b : h->blobs)
            out << b.first << "\n";
    }
    std::string git_dir = fs::is_directory(h->repo + "/.git", ec) ? h->repo + "/.git" : h->repo;
    h->cat = std::make_unique<Command>(
        std::vector<std::string>{"git", "--git-dir=" + git_dir, "cat-file", "--batch"}, list);
    if (!h->cat->out())
        return runtime_error("cannot run git");
    std::string shown = repo_in + ":" + path;
    return store::ImportSource(
        [h, list, shown, format]() -> Result<std::optional<store::SnapshotRequest>> {
            if (h->at == h->blobs.size()) {
                std::error_code ec;
                fs::remove(list, ec);
                return std::optional<store::SnapshotRequest>{};
            }
            const auto& [blob, time] = h->blobs[h->at++];
            std::string header;
            if (!read_line(h->cat->out(), header) || header.rfind(blob, 0) != 0)
                return runtime_error("reading " + blob + " from git failed");
            std::size_t size = std::stoull(header.substr(header.rfind(' ') + 1));
            store::SnapshotRequest req;
            if (!read_bytes(h->cat->out(), req.original, size))
                return runtime_error("reading " + blob + " from git failed");
            std::fgetc(h->cat->out()); // the newline after the contents
            req.date = iso_utc(time, true);
            req.retrieved_at = iso_utc(time, false);
            req.source = shown + "@" + blob.substr(0, 12);
            req.filename = h->path;
            req.format = format;
            return std::optional<store::SnapshotRequest>{std::move(req)};
        });
}

Result<int> run_import(Context& ctx, const ImportOptions& opts) {
    GT_CHECK(store::validate_id(opts.id));
    GT_CHECK(extract::parse_format(opts.format));
    const std::string& format = opts.format;
    if (opts.batch == 0 || opts.batch > 100000)
        return input_error("--batch must be between 1 and 100000");
    GT_TRY(auto st, open_store(ctx));
    GT_TRY(auto doc, st.document(opts.id));
    (void)doc;
    store::ImportSource source;
    std::error_code ec;
    if (opts.source == "-") {
        source = stream_source(ctx, format);
    } else if (fs::is_directory(opts.source, ec)) {
        GT_TRY(source, dir_source(ctx, opts.source, format));
    } else {
        std::size_t colon = opts.source.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == opts.source.size())
            return input_error("'" + opts.source +
                               "' is not a folder, REPO:PATH (a git repository or bundle and a "
                               "file in it) or - (standard input)");
        std::string repo = opts.source.substr(0, colon), path = opts.source.substr(colon + 1);
        if (!fs::exists(repo, ec))
            return input_error("'" + repo + "': no such repository or bundle");
        GT_TRY(source, git_source(repo, path, format));
    }
    GT_TRY(auto result, app::import(st, opts.id, source, opts.batch));
    for (const auto& s : result.skipped)
        ctx.err << "guidetrack: skipped: " << s << "\n";
    ctx.out << opts.id << ": imported " << result.recorded << " version"
            << (result.recorded == 1 ? "" : "s");
    if (result.unchanged)
        ctx.out << " (" << result.unchanged << " unchanged input"
                << (result.unchanged == 1 ? "" : "s") << " recorded nothing)";
    if (result.last)
        ctx.out << ", latest " << result.last->label << ", commit "
                << result.last->commit.substr(0, 8);
    ctx.out << "\n";
    return exit_code::success;
}

} // namespace

void setup_import(CLI::App& app, Context& ctx, Action& action) {
    auto opts = std::make_shared<ImportOptions>();
    CLI::App* sub = app.add_subcommand(
        "import",
        "Record a tracked document's history at once, oldest first: a folder of files named "
        "DATE[_LABEL].EXT (in name order), the history of one file in a git repository or "
        "bundle (REPO:PATH; needs git), or - (records \"DATE LABEL SIZE\" + SIZE bytes on "
        "standard input; - for no date or label). Inputs whose text equals the previous "
        "version's record nothing, as with snapshot. Each batch is one pack and one update of "
        "the branch and tags.");
    sub->add_option("id", opts->id, "Document ID (track it first)")->required()->type_name("ID");
    sub->add_option("source", opts->source, "DIR, REPO:PATH or -")->required()->type_name("SOURCE");
    sub->add_option("--input-format", opts->format,
                    "Input format: auto (the document's format, else detect), pdf, html, md, txt")
        ->type_name("FORMAT");
    sub->add_option("--batch", opts->batch, "Versions per pack and ref update (default 1000)")
        ->type_name("N");
    sub->callback(
        [&ctx, &action, opts] { action = [&ctx, opts] { return run_import(ctx, *opts); }; });
}

} // namespace guidetrack::cli
