#include "help.hpp"

#include "app.hpp"

#include <ostream>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace guidetrack::cli {
namespace {

// CLI11's type tags that mean nothing to a user.
bool generic_type(const std::string& t) {
    return t == "TEXT" || t == "UINT" || t == "INT" || t == "FLOAT" || t == "NUMBER" ||
           t == "BOOLEAN" || t.empty();
}

std::string value_name(const CLI::Option* opt) {
    std::string t = opt->get_type_name();
    // Validators append ":INT in [1 - 32]" and the like; keep the name before them.
    t = t.substr(0, t.find(':'));
    if (t.empty())
        return {}; // a flag
    if (t == "UINT" || t == "INT" || t == "FLOAT" || t == "NUMBER")
        return "N";
    if (generic_type(t))
        return "VALUE";
    return t;
}

class Formatter : public CLI::Formatter {
  public:
    Formatter() { column_width(28); }

    std::string make_option_name(const CLI::Option* opt, bool positional) const override {
        if (positional)
            return value_name(opt);
        return opt->get_name(false, true);
    }
    std::string make_option_opts(const CLI::Option* opt) const override {
        if (opt->get_type_size() == 0 || opt->get_positional())
            return {};
        std::string p = value_name(opt);
        return p.empty() ? std::string() : " " + p;
    }
    // The command list shows each command's first sentence; `CMD --help` has the rest.
    std::string make_subcommand(const CLI::App* sub) const override {
        std::string d = sub->get_description();
        auto stop = d.find(". ");
        if (stop != std::string::npos)
            d = d.substr(0, stop + 1);
        std::string name = "  " + sub->get_name();
        if (name.size() < get_column_width())
            name.resize(get_column_width(), ' ');
        else
            name += " ";
        return name + d + "\n";
    }
    std::string make_usage(const CLI::App* app, std::string name) const override {
        std::string out = get_label("Usage") + ": " + (name.empty() ? "" : name);
        if (!app->get_options([](const CLI::Option* o) { return o->nonpositional(); }).empty())
            out += " [OPTIONS]";
        for (const CLI::Option* o :
             app->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
            std::string p = value_name(o);
            out += " " + (o->get_required() ? p : "[" + p + "]");
        }
        if (!app->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }).empty())
            out += " COMMAND";
        return out + "\n";
    }
};

std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

std::vector<std::string> command_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
        names.push_back(s->get_name());
    return names;
}

std::vector<std::string> option_names(const CLI::App* app) {
    std::vector<std::string> names;
    for (const CLI::Option* o : app->get_options()) {
        for (const auto& n : o->get_lnames())
            names.push_back("--" + n);
        for (const auto& n : o->get_snames())
            names.push_back("-" + n);
    }
    return names;
}

// The words after "...: " in CLI11's ExtrasError ("The following arguments were not expected:
// --colr 3").
std::vector<std::string> extras_of(const std::string& what) {
    std::vector<std::string> words;
    auto colon = what.find(':');
    std::istringstream in(colon == std::string::npos ? what : what.substr(colon + 1));
    for (std::string w; in >> w;)
        words.push_back(w);
    return words;
}

} // namespace

std::shared_ptr<CLI::Formatter> make_formatter() {
    return std::make_shared<Formatter>();
}

std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = 3;
    std::size_t prefixed = 0;
    std::string prefix_match;
    for (const auto& c : candidates) {
        if (word.size() >= 2 && c.rfind(word, 0) == 0) {
            ++prefixed;
            prefix_match = c;
        }
        std::size_t d = distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    if (!best.empty())
        return best;
    return prefixed == 1 ? prefix_match : std::string();
}

std::string command_word(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--store") {
            ++i;
            continue;
        }
        if (a.empty() || a[0] == '-')
            continue;
        return std::string(a);
    }
    return {};
}

std::string parse_error_message(const CLI::App& app, const std::string& command,
                                const CLI::ParseError& error) {
    const CLI::App* sub = nullptr;
    if (!command.empty()) {
        try {
            sub = app.get_subcommand(command);
        } catch (const CLI::OptionNotFound&) {
            sub = nullptr;
        }
    }
    const std::string what = error.what();
    if (!command.empty() && !sub) {
        std::string msg = "unknown command '" + command + "'";
        if (auto s = suggest(command, command_names(app)); !s.empty())
            msg += "; did you mean '" + s + "'?";
        return msg + " (see guidetrack --help)";
    }
    const std::string where = sub ? sub->get_name() + ": " : std::string();
    const std::string help = sub ? " (see guidetrack " + sub->get_name() + " --help)"
                                 : std::string(" (see guidetrack --help)");
    if (dynamic_cast<const CLI::ExtrasError*>(&error)) {
        auto words = extras_of(what);
        std::string first = words.empty() ? std::string() : words.front();
        if (!first.empty() && first[0] == '-') {
            std::string name = first.substr(0, first.find('='));
            std::string msg = where + "unknown option '" + name + "'";
            if (auto s = suggest(name, option_names(sub ? sub : &app)); !s.empty())
                msg += "; did you mean '" + s + "'?";
            return msg + help;
        }
        return where + "unexpected argument '" + first + "'" + help;
    }
    if (dynamic_cast<const CLI::RequiredError*>(&error)) {
        if (!sub)
            return "no command given" + help;
        // "args is required" / "--title is required": name the value the help shows.
        std::string name = what.substr(0, what.find(' '));
        const CLI::Option* opt = nullptr;
        try {
            opt = sub->get_option(name);
        } catch (const CLI::OptionNotFound&) {
            opt = nullptr;
        }
        std::string shown = opt ? (opt->get_positional() ? value_name(opt) : name) : name;
        return where + "missing " + shown + help;
    }
    if (dynamic_cast<const CLI::ConversionError*>(&error)) {
        // "Could not convert: --context = abc"
        auto colon = what.find(':');
        std::string rest = colon == std::string::npos ? what : what.substr(colon + 2);
        auto eq = rest.find(" = ");
        if (eq != std::string::npos)
            return where + rest.substr(0, eq) + ": '" + rest.substr(eq + 3) +
                   "' is not a valid value" + help;
        return where + rest + help;
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error))
        return where + "wrong number of arguments (" + what + ")" + help;
    if (dynamic_cast<const CLI::ValidationError*>(&error) ||
        dynamic_cast<const CLI::ExcludesError*>(&error))
        return where + what + help;
    return where + what + help;
}

CLI::Validator non_negative() {
    return CLI::Validator(
        [](std::string& s) -> std::string {
            char* end = nullptr;
            long v = std::strtol(s.c_str(), &end, 10);
            if (s.empty() || *end || v < 0)
                return "'" + s + "' is not allowed: give a whole number, 0 or more";
            return {};
        },
        "", "");
}

CLI::Validator between(long lo, long hi) {
    return CLI::Validator(
        [lo, hi](std::string& s) -> std::string {
            char* end = nullptr;
            double v = std::strtod(s.c_str(), &end);
            if (s.empty() || *end || v < static_cast<double>(lo) || v > static_cast<double>(hi))
                return "'" + s + "' is not allowed: give a number from " + std::to_string(lo) +
                       " to " + std::to_string(hi);
            return {};
        },
        "", "");
}

namespace {

void warn_renamed(Context& ctx, const CLI::App* cmd, const std::string& old_name,
                  const std::string& new_name) {
    ctx.err << "guidetrack: warning: " << cmd->get_name() << " " << old_name << " is now "
            << new_name << "; the old spelling will go in the next release\n";
}

} // namespace

void add_renamed_option(CLI::App* cmd, Context& ctx, const std::string& old_name,
                        const std::string& new_name, std::string& target) {
    cmd->add_option_function<std::string>(
           old_name,
           [&ctx, cmd, old_name, new_name, &target](const std::string& value) {
               warn_renamed(ctx, cmd, old_name, new_name);
               target = value;
           },
           "")
        ->group("");
}

void add_renamed_flag(CLI::App* cmd, Context& ctx, const std::string& old_name,
                      const std::string& new_name, bool& target) {
    cmd->add_flag_function(
           old_name,
           [&ctx, cmd, old_name, new_name, &target](std::int64_t) {
               warn_renamed(ctx, cmd, old_name, new_name);
               target = true;
           },
           "")
        ->group("");
}

} // namespace guidetrack::cli
