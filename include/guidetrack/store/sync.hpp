// Sharing a store through a git remote (a path, ssh:// or https://), with libgit2.
//
// A store is one branch per document (refs/heads/<id>) and one tag per version
// (refs/tags/<id>/<label>), so syncing is decided per document, never for the store as a whole:
// the remote's branches are fetched into refs/remotes/origin/heads/*, then for each document
//   - only on one side: copied to the other;
//   - one side ahead of the other: fast-forwarded (pulled, or pushed);
//   - both sides have versions the other lacks: reported as diverged, and neither side changes.
// Pushes are never forced, so a remote that moved between our fetch and our push rejects the
// update, which is reported the same way. Tags follow their documents; a tag that names different
// commits on the two sides is reported, never moved. The remote URL is remembered in the store's
// config as "origin", so later syncs need no --remote.
//
// Credentials: ssh uses the ssh agent; https uses $GUIDETRACK_GIT_USERNAME and
// $GUIDETRACK_GIT_PASSWORD (a token) when set.
#pragma once

#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace guidetrack::sync {

struct Options {
    std::string remote; // URL or path; empty: the remote remembered in the store ("origin")
    bool pull = true;   // apply the remote's new documents and fast-forwards locally
    bool push = true;   // send ours to the remote
    // Push even to a remote that holds refs other than guidetrack documents (theirs are never
    // touched either way). Without it such a remote is refused: it is not a store.
    bool force = false;
};

enum class Action {
    up_to_date,
    pulled,     // fast-forwarded from the remote
    pulled_new, // a document only the remote had
    pushed,     // the remote fast-forwarded to ours
    pushed_new, // a document only we had
    diverged,   // both sides have versions the other lacks: nothing changed
    rejected,   // the remote refused our update (it moved meanwhile, or a hook said no)
    skipped,    // pull or push turned off for this direction
    locked,     // a lock file held by another sync (or one that is still running) blocked it
};

std::string_view action_name(Action action);

struct DocumentSync {
    std::string id;
    Action action = Action::up_to_date;
    std::size_t commits = 0; // commits pulled or pushed
    std::string detail;      // diverged / rejected: what the two sides hold
};

struct Report {
    std::string remote;                  // the URL used
    std::vector<DocumentSync> documents; // sorted by ID
    std::size_t tags_pulled = 0, tags_pushed = 0;
    std::vector<std::string> tag_conflicts; // "refs/tags/<id>/<label>: ..." never moved
    bool ok() const;                        // nothing diverged, rejected or in conflict
};

// Only guidetrack documents travel: branches with a valid ID whose tip holds document.json, and
// their tags (refs/tags/<id>/...). Stores carry the marker ref refs/guidetrack/store (created by
// sync when missing); a remote without it that holds anything but documents is refused for pushing
// unless Options::force. Lock files older than a few seconds (left by a sync that was killed)
// are cleared on this store and, when the remote is a local path, on the remote.
//
// Pull and push the store's documents through the remote. Input error when no remote is given or
// remembered; runtime error when the remote cannot be reached (nothing changed locally then).
Result<Report> sync(store::Store& store, const Options& options);

nlohmann::json to_json(const Report& report);

} // namespace guidetrack::sync
