// Output for people on a terminal: the pager, the terminal width, and the colour decision.
//
// Only the CLI touches the terminal; renderers receive a width and a colour flag. The pager runs
// only when the command writes to a terminal (Context::out_is_terminal), so pipes, files and the
// in-process tests always get the text directly.
#pragma once

#include "app.hpp"

#include "guidetrack/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace guidetrack::cli {

// "auto" (colour on a terminal unless NO_COLOR is set or TERM names a terminal without colour),
// "always", "never".
Result<bool> decide_color(const Context& ctx, const std::string& when);

// False for TERM values of terminals without colour: dumb, vt52/vt100/vt102/vt220/vt320/vt420,
// and names ending in -m or -mono (terminfo's convention for monochrome entries).
bool term_has_color(std::string_view term);

// Columns to wrap to: $COLUMNS if it is a number, else the terminal's width when writing to one,
// else 80.
std::size_t terminal_width(const Context& ctx);

// Write text to ctx.out, through $PAGER (else `less -FRX`) when use_pager and ctx.out_is_terminal.
// An empty $PAGER or "cat" means no pager; if the pager cannot be started the text goes to
// ctx.out directly. With a search_pattern and less as the pager, less is started on the first
// match and n / N jump between matches (--navigate), each shown on the screen's 4th line.
void write_paged(Context& ctx, const std::string& text, bool use_pager,
                 std::string_view search_pattern = {});

} // namespace guidetrack::cli
