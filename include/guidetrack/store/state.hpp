// Small state files kept beside a store's repository: what `check` must remember between runs
// that is not a version (notifications still to send, documents already reported gone).
//
// They live in <store>/guidetrack-state/<name>, are written atomically (a temporary file, fsync,
// rename), and are not part of the git history, so `sync` does not carry them: a store cloned
// elsewhere starts with none.
#pragma once

#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace guidetrack::store {

// The file's content, or nullopt when it does not exist. name: [a-z0-9.-]+.
Result<std::optional<std::string>> read_state(const Store& store, std::string_view name);
// Replace the file's content; empty content removes the file.
Result<void> write_state(const Store& store, std::string_view name, std::string_view content);

// A name for this store that stays the same wherever it is cloned: the commit of the oldest
// version recorded (by retrieval time, then commit). Empty while the store has no version.
Result<std::string> store_identity(const Store& store);

} // namespace guidetrack::store
