#include "app.hpp"

#include "commands.hpp"
#include "guidetrack/config/config.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/text/text.hpp"
#include "help.hpp"
#include "io.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <fcntl.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <unistd.h>
#include <vector>

namespace guidetrack::cli {
namespace {

// Every subcommand, in the order `guidetrack --help` lists them.
const std::vector<SetupFn> kCommands = {
    setup_init,  setup_track, setup_snapshot, setup_import, setup_log,  setup_show,
    setup_list,  setup_diff,  setup_extract,  setup_notice, setup_feed, setup_reextract,
    setup_check, setup_sync,  setup_notify,   setup_config, setup_fsck, setup_audit};

constexpr const char* kExitCodes =
    "Exit codes: 0 success or no changes, 1 changes found (diff, check) or a publisher's note "
    "that misses changes (audit), 2 usage or input error, 3 other failure.";

} // namespace

std::string store_location(const Context& ctx) {
    if (!ctx.store_option.empty())
        return ctx.store_option;
    if (const char* env = std::getenv("GUIDETRACK_STORE"); env && *env)
        return env;
    if (ctx.config && ctx.config->store)
        return *ctx.config->store;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/guidetrack/store";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/guidetrack/store";
    return ".guidetrack-store";
}

int run(int argc, const char* const* argv, Context& ctx) {
    try {
        CLI::App app{"guidetrack: keep track of statutory guidance as it changes.\n"
                     "Records versions of documents in a git-backed store, compares them "
                     "paragraph by paragraph and writes change notices.",
                     "guidetrack"};
        app.formatter(make_formatter());
        app.footer(kExitCodes);
        app.set_version_flag("--version", std::string("guidetrack ") + GUIDETRACK_VERSION);
        app.add_option("--store", ctx.store_option,
                       "The store (a bare git repository). Default: $GUIDETRACK_STORE, else store "
                       "in the configuration file, else ~/.local/share/guidetrack/store")
            ->type_name("DIR");
        app.require_subcommand(1);
        app.fallthrough();

        Action action;
        for (SetupFn setup : kCommands)
            setup(app, ctx, action);

        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp&) {
            ctx.out << app.help();
            return exit_code::success;
        } catch (const CLI::CallForAllHelp&) {
            ctx.out << app.help("", CLI::AppFormatMode::All);
            return exit_code::success;
        } catch (const CLI::CallForVersion&) {
            ctx.out << "guidetrack " << GUIDETRACK_VERSION << "\n";
            return exit_code::success;
        } catch (const CLI::ParseError& e) {
            if (e.get_exit_code() == 0) {
                return exit_code::success;
            }
            ctx.err << "guidetrack: "
                    << text::visible(parse_error_message(app, command_word(argc, argv), e)) << "\n";
            return exit_code::input_error;
        }
        if (!action) {
            ctx.err << "guidetrack: no command given (see guidetrack --help)\n";
            return exit_code::input_error;
        }
        // The configuration file, before any command uses it (`config` reads it itself, so that
        // `config check` can report what is wrong with it).
        if (!app.got_subcommand("config")) {
            auto loaded = config::load_default();
            if (!loaded.ok()) {
                ctx.err << "guidetrack: " << text::visible(loaded.error().message) << "\n";
                return exit_code::input_error;
            }
            ctx.config = std::make_shared<const config::Config>(std::move(*loaded));
        }
        Result<int> result = action();
        if (!result.ok()) {
            ctx.err << "guidetrack: " << text::visible(result.error().message) << "\n";
            return result.error().kind == ErrorKind::input ? exit_code::input_error
                                                           : exit_code::runtime_error;
        }
        // Whatever the command printed must have reached its destination: a full disk or a
        // closed pipe is a failure, never an empty success.
        if (auto written = check_output(ctx); !written.ok()) {
            ctx.err << "guidetrack: " << text::visible(written.error().message) << "\n";
            return exit_code::runtime_error;
        }
        return *result;
    } catch (const std::exception& e) {
        ctx.err << "guidetrack: " << text::visible(e.what()) << "\n";
        return exit_code::runtime_error;
    } catch (...) {
        ctx.err << "guidetrack: unexpected failure\n";
        return exit_code::runtime_error;
    }
}

int main_entry(int argc, char** argv) {
    // Started with standard input, output or error closed (cron, some supervisors), the next
    // file opened would take that descriptor: the store's pack read as the document for `-`, or
    // output written into it. Such descriptors are opened on /dev/null first.
    for (int fd = 0; fd <= 2; ++fd)
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
            if (null >= 0 && null != fd) {
                dup2(null, fd);
                close(null);
            }
        }
    std::ios::sync_with_stdio(false);
    Context ctx{std::cin, std::cout, std::cerr, isatty(STDOUT_FILENO) != 0, {}};
    int code = run(argc, argv, ctx);
    std::cout.flush();
    return code;
}

} // namespace guidetrack::cli
