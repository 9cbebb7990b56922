// `guidetrack config path|show|check`: where the configuration file is, what it says, and
// whether it is right (every key known, every value valid, every secret variable set).
#include "commands.hpp"

#include "guidetrack/config/config.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/notify/notify.hpp"

#include <memory>

namespace guidetrack::cli {
namespace {

Result<int> run_path(Context& ctx) {
    ctx.out << config::config_path().string() << "\n";
    return exit_code::success;
}

Result<int> run_show(Context& ctx) {
    GT_TRY(auto cfg, config::load_default());
    if (!cfg.found) {
        ctx.out << "# no configuration file at " << cfg.path.string()
                << " (every setting is the default)\n";
        return exit_code::success;
    }
    ctx.out << "# " << cfg.path.string() << "\n" << config::to_toml(cfg);
    return exit_code::success;
}

// Every problem a run would meet later, found now: missing secret variables, and filters that
// select no tracked document (when the store can be opened).
Result<int> run_check(Context& ctx) {
    GT_TRY(auto cfg, config::load(config::config_path(), true));
    for (const auto& t : cfg.notify) {
        if (!t.password_env.empty()) {
            auto password = notify::password_of(t);
            if (!password.ok())
                return password.error();
        }
        if (!t.url_env.empty()) {
            const char* v = std::getenv(t.url_env.c_str());
            if (!v || !*v)
                return input_error(t.name + " (" + std::string(config::type_name(t.type)) +
                                   "): the environment variable " + t.url_env +
                                   " (url_env) is not set");
        }
    }
    auto shared = std::make_shared<const config::Config>(cfg);
    ctx.config = shared;
    auto store = store::Store::open(store_location(ctx));
    if (store.ok()) {
        auto docs = store->documents();
        if (docs.ok()) {
            for (const auto& t : cfg.notify) {
                if (t.documents.empty() && t.groups.empty())
                    continue;
                bool any = false;
                for (const auto& d : *docs)
                    any = any || notify::selects(t, d.id, notify::groups_of(d.id));
                if (!any)
                    return input_error(cfg.path.string() + ":" + std::to_string(t.line) + ": " +
                                       t.name +
                                       ": its documents/groups filter matches no "
                                       "document tracked in " +
                                       store->path().string());
            }
        }
    }
    ctx.out << cfg.path.string() << ": ok, " << cfg.notify.size() << " notification target"
            << (cfg.notify.size() == 1 ? "" : "s");
    for (std::size_t i = 0; i < cfg.notify.size(); ++i)
        ctx.out << (i == 0 ? ": " : ", ") << cfg.notify[i].name << " ("
                << config::type_name(cfg.notify[i].type) << ")";
    ctx.out << "\n";
    return exit_code::success;
}

} // namespace

void setup_config(CLI::App& app, Context& ctx, Action& action) {
    CLI::App* sub = app.add_subcommand(
        "config",
        "The configuration file ($GUIDETRACK_CONFIG, else "
        "$XDG_CONFIG_HOME/guidetrack/config.toml, else ~/.config/guidetrack/config.toml): "
        "store location, default options of check, notification targets, diff theme.");
    sub->require_subcommand(1);
    sub->add_subcommand("path", "Print where the configuration file is (or would be)")
        ->callback([&ctx, &action] { action = [&ctx] { return run_path(ctx); }; });
    sub->add_subcommand("show", "Print the configuration as read (every setting that is set)")
        ->callback([&ctx, &action] { action = [&ctx] { return run_show(ctx); }; });
    sub->add_subcommand("check",
                        "Check the file: unknown keys, bad values, secret variables not set, "
                        "filters that select no tracked document. Exit 0 when all is well, "
                        "2 otherwise (one line naming the file, line and key).")
        ->callback([&ctx, &action] { action = [&ctx] { return run_check(ctx); }; });
}

} // namespace guidetrack::cli
