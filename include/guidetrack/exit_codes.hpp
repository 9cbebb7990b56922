// Exit codes of the guidetrack command, written down in one place (README "Exit codes").
#pragma once

namespace guidetrack::exit_code {

constexpr int success = 0;       // success; for diff and check: no changes
constexpr int changes = 1;       // diff / check found changes
constexpr int input_error = 2;   // usage error or bad input (file, ID, version, document)
constexpr int runtime_error = 3; // any other failure (I/O, store, network)

} // namespace guidetrack::exit_code
