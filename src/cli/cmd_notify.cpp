// `guidetrack notify test [TARGET]`: send a test message to every notification target of the
// configuration file (or the one named), so that an address, a webhook or a password can be
// tried before the first real change.
#include "commands.hpp"

#include "guidetrack/config/config.hpp"
#include "guidetrack/exit_codes.hpp"
#include "guidetrack/notify/notify.hpp"

#include <memory>

namespace guidetrack::cli {
namespace {

Result<int> run_test(Context& ctx, const std::string& name) {
    static const config::Config none;
    const config::Config& cfg = ctx.config ? *ctx.config : none;
    if (cfg.notify.empty())
        return input_error("no [[notify]] targets in " + config::config_path().string() +
                           (cfg.found ? "" : " (no such file)"));
    std::vector<const config::NotifyTarget*> targets;
    if (!name.empty()) {
        const config::NotifyTarget* t = cfg.target(name);
        if (!t) {
            std::string known;
            for (const auto& n : cfg.notify)
                known += (known.empty() ? "" : ", ") + n.name;
            return input_error("no notification target '" + name + "' in " + cfg.path.string() +
                               " (targets: " + known + ")");
        }
        targets.push_back(t);
    } else {
        for (const auto& t : cfg.notify)
            targets.push_back(&t);
    }
    bool failed = false, input = false;
    for (const auto* t : targets) {
        auto sent = notify::send(*t, notify::test_message(*t));
        if (sent.ok()) {
            ctx.out << t->name << " (" << config::type_name(t->type) << "): test message sent\n";
        } else {
            ctx.err << "guidetrack: " << sent.error().message << "\n";
            failed = true;
            input = input || sent.error().kind == ErrorKind::input;
        }
    }
    if (!failed)
        return exit_code::success;
    return input && targets.size() == 1 ? exit_code::input_error : exit_code::runtime_error;
}

} // namespace

void setup_notify(CLI::App& app, Context& ctx, Action& action) {
    CLI::App* sub = app.add_subcommand(
        "notify", "Notification targets of the configuration file ([[notify]]: email, webhook, "
                  "command). `check` notifies them of every change (see check --no-notify).");
    sub->require_subcommand(1);
    auto name = std::make_shared<std::string>();
    CLI::App* test = sub->add_subcommand(
        "test", "Send a test message to every target, or to the one named. Exit 0 when all were "
                "sent, 3 when one failed (its reason on one line).");
    test->add_option("target", *name, "The target's name (`name = ...`, else notify-N)")
        ->type_name("TARGET");
    test->callback(
        [&ctx, &action, name] { action = [&ctx, name] { return run_test(ctx, *name); }; });
}

} // namespace guidetrack::cli
