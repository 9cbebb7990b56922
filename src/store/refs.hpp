// Internal to the store: reading and moving one ref as git does, without libgit2's refdb.
//
// libgit2 1.5 parses the whole packed-refs file, and compares the new name with every packed
// ref, each time it creates or moves a ref: a store's packed-refs holds a line for every
// version of every document (import packs its tags there), so a snapshot cost more the more
// versions the store held. Here a ref is its loose file under refs/, else its line in
// packed-refs (found by its name, not parsed into a table), and a write takes NAME.lock with
// O_EXCL, checks the current value under the lock, writes the new one and renames the lock over
// the ref, as git and libgit2 do. Names are the store's own (validated IDs and labels).
#pragma once

#include "guidetrack/result.hpp"

#include <git2.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace guidetrack::store::detail {

struct RefValue {
    bool exists = false;
    std::optional<git_oid> oid; // unset for a ref that exists but is not an object id
};

// The ref `name` ("refs/heads/doc") of the store at `store`: loose first, then packed.
Result<RefValue> read_ref(const std::filesystem::path& store, const std::string& name);

enum class RefWrite { done, exists, modified, locked };

// Point `name` at `to`, if it does not exist yet (expected unset: else RefWrite::exists) or
// points at *expected (else RefWrite::modified). RefWrite::locked when another writer holds
// its lock.
Result<RefWrite> write_ref(const std::filesystem::path& store, const std::string& name,
                           const git_oid& to, const std::optional<git_oid>& expected);

struct RefUpdate {
    std::string name;
    git_oid to;
    std::optional<git_oid> expected; // unset: the ref must not exist yet
};

struct RefOutcome {
    RefWrite result = RefWrite::done;
    std::size_t failed = 0; // which update was refused, when result is not done
};

// Several updates at once, as one git ref transaction: every lock is taken and every current
// value checked before any ref moves, then the locks are renamed over the refs one right after
// the other. Either all move, or (refused, locked) none does. A kill can still fall between two
// renames, but that window is two rename calls, not the work between two separate writes.
Result<RefOutcome> write_refs(const std::filesystem::path& store,
                              const std::vector<RefUpdate>& updates);

} // namespace guidetrack::store::detail
