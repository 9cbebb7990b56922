// `guidetrack init`: create an empty store (a bare git repository) where the store option points.
//
// Also home of the helpers the store commands share (declared in commands.hpp): opening the store
// with a message that says how to create one, and reading a document from a file or stdin with a
// size limit checked before anything is read.
#include "commands.hpp"

#include "guidetrack/exit_codes.hpp"
#include "guidetrack/store/store.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>

namespace guidetrack::cli {

Result<store::Store> open_store(const Context& ctx) {
    return store::Store::open(store_location(ctx));
}

Result<std::string> read_document_input(Context& ctx, const std::string& file,
                                        std::size_t max_bytes) {
    auto too_big = [&](const std::string& what, std::uintmax_t size) {
        return input_error(what + " is " + (size ? std::to_string(size) + " bytes, " : "") +
                           "over the size limit of " + std::to_string(max_bytes) +
                           " bytes (see --max-size)");
    };
    if (file == "-") {
        std::string data;
        char buf[1 << 16];
        while (ctx.in.read(buf, sizeof buf) || ctx.in.gcount() > 0) {
            data.append(buf, static_cast<std::size_t>(ctx.in.gcount()));
            if (data.size() > max_bytes)
                return too_big("standard input", 0);
        }
        return data;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    auto status = fs::status(file, ec);
    if (ec || !fs::exists(status))
        return input_error("'" + file + "': no such file");
    if (fs::is_directory(status))
        return input_error("'" + file + "' is a folder, not a document");
    if (fs::is_regular_file(status)) {
        auto size = fs::file_size(file, ec);
        if (!ec && size > max_bytes)
            return too_big("'" + file + "'", size);
    }
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return input_error("'" + file + "': cannot read: " + std::strerror(errno));
    std::ostringstream out;
    out << in.rdbuf();
    if (in.bad())
        return runtime_error("'" + file + "': read error");
    std::string data = std::move(out).str();
    if (data.size() > max_bytes)
        return too_big("'" + file + "'", data.size());
    return data;
}

namespace {

Result<int> run_init(Context& ctx) {
    std::string where = store_location(ctx);
    if (store::Store::open(where).ok()) {
        ctx.out << "A guidetrack store already exists at " << where << " (left as it is)\n";
        return exit_code::success;
    }
    GT_TRY(auto store, store::Store::init(where));
    ctx.out << "Created an empty guidetrack store at " << store.path().string() << "\n";
    return exit_code::success;
}

} // namespace

void setup_init(CLI::App& app, Context& ctx, Action& action) {
    CLI::App* sub = app.add_subcommand(
        "init", "Create an empty store: a bare git repository (one branch per document, one tag "
                "per version) at --store, else $GUIDETRACK_STORE, else "
                "~/.local/share/guidetrack/store. Does nothing if a store is already there. "
                "(`track` also creates the store when it is missing.)");
    sub->callback([&ctx, &action] { action = [&ctx] { return run_init(ctx); }; });
}

} // namespace guidetrack::cli
