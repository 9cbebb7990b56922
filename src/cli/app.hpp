// The guidetrack command line: parsing, dispatch and the one place where errors become exit codes.
//
// Each subcommand lives in its own cmd_<name>.cpp with a setup_<name>() that declares its options
// (CLI11) and sets the action to run. Actions return Result<int>: the exit code on success, an
// Error otherwise, which run() prints as one line ("guidetrack: <message>") and maps to exit 2
// (input) or 3 (runtime). Nothing below run() prints errors or exits.
#pragma once

#include "guidetrack/result.hpp"

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

namespace CLI {
class App;
}
namespace guidetrack::config {
struct Config;
}

namespace guidetrack::cli {

struct Context {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    bool out_is_terminal = false; // colour, pager and progress bars only when true
    std::string store_option;     // --store, empty when not given
    // The configuration file, read by run() before the command (absent: no file, or the
    // command is `config`, which reads it itself).
    std::shared_ptr<const config::Config> config = nullptr;
};

using Action = std::function<Result<int>()>;

// Where the store is: --store, else $GUIDETRACK_STORE, else `store` in the configuration file,
// else $XDG_DATA_HOME/guidetrack/store, else ~/.local/share/guidetrack/store.
std::string store_location(const Context& ctx);

// Run the whole program on these arguments (argv[0] is the program name). Never throws.
int run(int argc, const char* const* argv, Context& ctx);

// main(): run() on the process's own streams.
int main_entry(int argc, char** argv);

} // namespace guidetrack::cli
