// The subcommands: one setup function each, defined in cmd_<name>.cpp and listed in app.cpp.
#pragma once

#include "app.hpp"

#include <CLI/CLI.hpp>

namespace guidetrack::cli {

using SetupFn = void (*)(CLI::App& app, Context& ctx, Action& action);

void setup_extract(CLI::App& app, Context& ctx, Action& action);
void setup_notice(CLI::App& app, Context& ctx, Action& action);

} // namespace guidetrack::cli
