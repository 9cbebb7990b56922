// Internal to the store: `sync`'s push handed to git itself when git is installed.
//
// libgit2 1.5 builds the pack it pushes from scratch, recomputing every delta (it cannot reuse
// the store's): a first push of a 4,000-version store took 4.8 times git push's CPU and sent a
// pack twice the size. git reuses the deltas it finds in the store's packs. So when a `git`
// program is on PATH, the push is `git push --porcelain` of the same refspecs; otherwise, or
// with GUIDETRACK_SYNC_TRANSPORT=libgit2, libgit2 pushes as before. git runs without prompts
// (GIT_TERMINAL_PROMPT=0), with the user's own git configuration and credentials; when
// GUIDETRACK_GIT_PASSWORD is set (as for libgit2), a credential helper hands git that password
// (and GUIDETRACK_GIT_USERNAME) from the environment, never on a command line.
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

// git push --porcelain URL SPECS... from the store at `store`. An error when git could not
// push at all (its last line of output names why); refs the remote refused are in `rejected`.
Result<GitPushResult> git_push(const std::string& git, const std::filesystem::path& store,
                               const std::string& url, const std::vector<std::string>& specs);

} // namespace guidetrack::store::detail
