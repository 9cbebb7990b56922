#include "pager.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>

namespace guidetrack::cli {

Result<bool> decide_color(const Context& ctx, const std::string& when) {
    if (when == "always")
        return true;
    if (when == "never")
        return false;
    if (when != "auto")
        return input_error("--color must be auto, always or never, not '" + when + "'");
    if (const char* no = std::getenv("NO_COLOR"); no && *no)
        return false;
    if (const char* term = std::getenv("TERM"); term && !term_has_color(term))
        return false;
    return ctx.out_is_terminal;
}

bool term_has_color(std::string_view term) {
    auto ends_with = [&](std::string_view tail) {
        return term.size() >= tail.size() && term.substr(term.size() - tail.size()) == tail;
    };
    static constexpr std::string_view mono[] = {"",      "dumb",  "vt52",  "vt100", "vt102",
                                                "vt220", "vt320", "vt420", "ansi-m"};
    for (std::string_view m : mono)
        if (term == m)
            return false;
    return !ends_with("-mono") && !ends_with("-m");
}

std::size_t terminal_width(const Context& ctx) {
    if (const char* cols = std::getenv("COLUMNS"); cols && *cols) {
        char* end = nullptr;
        long n = std::strtol(cols, &end, 10);
        if (end && *end == '\0' && n >= 20 && n <= 1000)
            return static_cast<std::size_t>(n);
    }
    if (ctx.out_is_terminal) {
        winsize ws{};
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
            return ws.ws_col;
    }
    return 80;
}

void write_paged(Context& ctx, const std::string& text, bool use_pager,
                 std::string_view search_pattern) {
    std::string command = "less -FRX";
    if (const char* pager = std::getenv("PAGER"))
        command = pager;
    // less starts at the first line matching the pattern, and n / N search for the next and the
    // previous one (the pattern is ours and never holds a single quote). The match is put on the
    // 4th line of the screen (-j4), so the section header printed above a change stays in view.
    if (!search_pattern.empty() && (command == "less" || command.rfind("less ", 0) == 0))
        command += " -j4 '--pattern=" + std::string(search_pattern) + "'";
    if (!use_pager || !ctx.out_is_terminal || command.empty() || command == "cat") {
        ctx.out << text;
        return;
    }
    ctx.out.flush();
    std::FILE* pipe = popen(command.c_str(), "w");
    if (!pipe) {
        ctx.out << text;
        return;
    }
    // Quitting the pager early closes the pipe: that is not an error of ours.
    auto previous = std::signal(SIGPIPE, SIG_IGN);
    std::fwrite(text.data(), 1, text.size(), pipe);
    pclose(pipe);
    std::signal(SIGPIPE, previous);
}

} // namespace guidetrack::cli
