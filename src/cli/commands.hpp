// The subcommands: one setup function each, defined in cmd_<name>.cpp and listed in app.cpp.
#pragma once

#include "app.hpp"

#include "guidetrack/store/store.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace guidetrack::cli {

using SetupFn = void (*)(CLI::App& app, Context& ctx, Action& action);

// Store commands (cmd_init.cpp ... cmd_reextract.cpp).
void setup_init(CLI::App& app, Context& ctx, Action& action);
void setup_track(CLI::App& app, Context& ctx, Action& action);
void setup_snapshot(CLI::App& app, Context& ctx, Action& action);
void setup_log(CLI::App& app, Context& ctx, Action& action);
void setup_show(CLI::App& app, Context& ctx, Action& action);
void setup_list(CLI::App& app, Context& ctx, Action& action);
void setup_reextract(CLI::App& app, Context& ctx, Action& action);
void setup_fsck(CLI::App& app, Context& ctx, Action& action);   // cmd_fsck.cpp
void setup_import(CLI::App& app, Context& ctx, Action& action); // cmd_import.cpp
// Shared by the store commands: open the store named by --store / $GUIDETRACK_STORE (cmd_init.cpp).
// Reading inputs and writing outputs is in io.hpp.
Result<store::Store> open_store(const Context& ctx);
// A version as JSON and a size for people (cmd_log.cpp), used by log and list.
nlohmann::json version_to_json(const store::VersionInfo& v);
std::string human_size(std::uint64_t bytes);

// Comparing two versions (cmd_diff.cpp).
void setup_diff(CLI::App& app, Context& ctx, Action& action);
void setup_extract(CLI::App& app, Context& ctx, Action& action);
void setup_notice(CLI::App& app, Context& ctx, Action& action);
void setup_feed(CLI::App& app, Context& ctx, Action& action);
void setup_audit(CLI::App& app, Context& ctx, Action& action);
// Fetching and sharing (cmd_check.cpp, cmd_sync.cpp).
void setup_check(CLI::App& app, Context& ctx, Action& action);
void setup_sync(CLI::App& app, Context& ctx, Action& action);
// Notifications and the configuration file (cmd_notify.cpp, cmd_config.cpp).
void setup_notify(CLI::App& app, Context& ctx, Action& action);
void setup_config(CLI::App& app, Context& ctx, Action& action);

} // namespace guidetrack::cli
