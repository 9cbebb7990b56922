// The command line's own words: help text without parser internals, and parse errors turned into
// one line a user can act on ("unknown command 'dif'; did you mean 'diff'?", "log: missing ID").
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::cli {

// Help in our layout: "  --context N   Words of context ..." (no TEXT/UINT type tags, no
// "REQUIRED", "Excludes:" or "in [1 - 32]" validator text, positionals by their placeholder).
std::shared_ptr<CLI::Formatter> make_formatter();

// The closest of `candidates` to `word` (edit distance at most 2, or a unique prefix), or "".
std::string suggest(std::string_view word, const std::vector<std::string>& candidates);

// The command named on the command line (the first argument that is not an option or the value
// of --store), or "" when there is none.
std::string command_word(int argc, const char* const* argv);

// One line for a parse error of `command` ("" before any command).
std::string parse_error_message(const CLI::App& app, const std::string& command,
                                const CLI::ParseError& error);

struct Context;

// An option renamed in this release: the old spelling still works, hidden from --help, with a
// warning line on stderr naming the new one. `add` declares the new option's value target.
void add_renamed_option(CLI::App* cmd, Context& ctx, const std::string& old_name,
                        const std::string& new_name, std::string& target);
void add_renamed_flag(CLI::App* cmd, Context& ctx, const std::string& old_name,
                      const std::string& new_name, bool& target);

// A check for options that take a count: 0 or more (CLI11's own check prints internals).
CLI::Validator non_negative();
// A check for a whole number within [lo, hi].
CLI::Validator between(long lo, long hi);

} // namespace guidetrack::cli
