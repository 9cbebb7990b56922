// Internal to the store: `sync`'s push handed to git itself when git is installed.
//
// libgit2 1.5 builds the pack it pushes from scratch, recomputing every delta (it cannot reuse
// the store's): a first push of a 4,000-version store took 4.8 times git push's CPU and sent a
// pack twice the size. git reuses the deltas it finds in the store's packs. So when a `git`
// program is on PATH, git pushes the same refs; otherwise, or
// with GUIDETRACK_SYNC_TRANSPORT=libgit2, libgit2 pushes as before. git runs without prompts
// (GIT_TERMINAL_PROMPT=0), with the user's own git configuration and credentials; when
// GUIDETRACK_GIT_PASSWORD is set (as for libgit2), a credential helper hands git that password
// (and GUIDETRACK_GIT_USERNAME) from the environment, never on a command line.
//
// git is not handed one refspec per ref: it matches every explicit refspec against every ref
// with formatted name rules, which made a first push of 1,559 refs cost three times the whole
// push of `refs/*` (and a large store's refspecs would pass the kernel's argument limit). The
// refs to push are written instead to a throwaway git folder that borrows the store's objects
// (objects/info/alternates) and includes its config, and git pushes `refs/*:refs/*` from there:
// exactly those refs, at the values sync decided on, with the store's packs and deltas reused.
#pragma once

#include "guidetrack/result.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace guidetrack::store::detail {

// The git program to push with, or nullopt (not installed, or libgit2 asked for).
std::optional<std::string> git_for_push();

struct GitPushResult {
    std::map<std::string, std::string> rejected; // remote ref -> git's reason
    bool locked = false;                         // the remote was locked (another push)
};

struct PushRef {
    std::string name; // full ref name, the same on the remote
    std::string oid;  // hex object id the ref names in the store
};

// Pushes `refs` from the store at `store` to `url` with git (see above). An error when git
// could not push at all (its last line of output names why); refs the remote refused are in
// `rejected`.
Result<GitPushResult> git_push(const std::string& git, const std::filesystem::path& store,
                               const std::string& url, const std::vector<PushRef>& refs);

} // namespace guidetrack::store::detail
