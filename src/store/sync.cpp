#include "guidetrack/store/sync.hpp"

#include "store/git.hpp"
#include "store/git_push.hpp"
#include "store/tls.hpp"
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace guidetrack::sync {
namespace {

constexpr const char* kRemoteName = "origin";
constexpr const char* kHeadsPrefix = "refs/heads/";
constexpr const char* kTagsPrefix = "refs/tags/";
// Where the remote's refs land on fetch: never under refs/heads or refs/tags, so a fetch alone
// changes nothing the store reads.
constexpr const char* kRemoteHeads = "refs/remotes/origin/heads/";
constexpr const char* kRemoteTags = "refs/remotes/origin/tags/";
// The marker that says "this repository is a guidetrack store", and where the remote's lands.
constexpr const char* kMarkerRef = "refs/guidetrack/store";
constexpr const char* kRemoteMarker = "refs/remotes/origin/guidetrack/store";

using store::detail::git_failure;
using store::detail::RepoPtr;
using Remote = store::detail::Handle<git_remote, git_remote_free>;
using RefIterPtr = store::detail::Handle<git_reference_iterator, git_reference_iterator_free>;
using WalkPtr = store::detail::Handle<git_revwalk, git_revwalk_free>;

// name -> target (peeled to the commit for tags) of every ref under prefix.
Result<std::map<std::string, git_oid>> refs_under(git_repository* repo, const std::string& prefix,
                                                  bool peel) {
    std::map<std::string, git_oid> out;
    git_reference_iterator* raw = nullptr;
    std::string glob = prefix + "*";
    if (git_reference_iterator_glob_new(&raw, repo, glob.c_str()) < 0)
        return git_failure("cannot list " + prefix);
    RefIterPtr iter(raw);
    git_reference* ref_raw = nullptr;
    int rc;
    while ((rc = git_reference_next(&ref_raw, iter.get())) == 0) {
        store::detail::RefPtr ref(ref_raw);
        std::string name = git_reference_name(ref.get());
        git_oid oid;
        if (peel) {
            git_object* obj = nullptr;
            if (git_reference_peel(&obj, ref.get(), GIT_OBJECT_COMMIT) < 0)
                continue; // a tag of something else: not ours to sync
            oid = *git_object_id(obj);
            git_object_free(obj);
        } else {
            const git_oid* target = git_reference_target(ref.get());
            if (!target)
                continue; // symbolic
            oid = *target;
        }
        out[name.substr(prefix.size())] = oid;
    }
    if (rc != GIT_ITEROVER)
        return git_failure("cannot list " + prefix);
    return out;
}

// Commits reachable from `from` but not from `hide` (hide may be null).
std::size_t count_commits(git_repository* repo, const git_oid& from, const git_oid* hide) {
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) < 0)
        return 0;
    WalkPtr walk(raw);
    if (git_revwalk_push(walk.get(), &from) < 0)
        return 0;
    if (hide && git_revwalk_hide(walk.get(), hide) < 0)
        return 0;
    std::size_t n = 0;
    git_oid oid;
    while (git_revwalk_next(&oid, walk.get()) == 0)
        ++n;
    return n;
}

// "Is `ancestor` reachable from (or equal to) `tip`?" for many ancestors against few tips: one
// walk per tip, taken only as far as the questions so far needed, and the commits it passed
// remembered. (git_graph_descendant_of walked the history again for every question: a first
// push asks it once per tag, so the cost grew with tags times versions.)
class Reachability {
  public:
    explicit Reachability(git_repository* repo) : repo_(repo) {}

    bool reaches(const git_oid& tip, const git_oid& ancestor) {
        if (git_oid_equal(&tip, &ancestor))
            return true;
        auto [it, fresh] = walks_.try_emplace(tip);
        Walk& w = it->second;
        if (fresh) {
            git_revwalk* raw = nullptr;
            if (git_revwalk_new(&raw, repo_) < 0)
                w.done = true;
            w.walk.reset(raw);
            if (!w.done && git_revwalk_push(raw, &tip) < 0)
                w.done = true;
        }
        if (w.seen.count(ancestor))
            return true;
        git_oid oid;
        while (!w.done) {
            if (git_revwalk_next(&oid, w.walk.get()) != 0) {
                w.done = true;
                break;
            }
            w.seen.insert(oid);
            if (git_oid_equal(&oid, &ancestor))
                return true;
        }
        return false;
    }

  private:
    struct Walk {
        WalkPtr walk;
        std::unordered_set<git_oid, store::detail::OidHash, store::detail::OidEq> seen;
        bool done = false;
    };
    git_repository* repo_;
    std::unordered_map<git_oid, Walk, store::detail::OidHash, store::detail::OidEq> walks_;
};

// Shared by the credentials and push-status callbacks (libgit2 gives them one payload).
struct CallbackState {
    int attempts = 0;
    std::map<std::string, std::string> rejected; // ref -> the remote's reason
};

int acquire_credentials(git_credential** out, const char* /*url*/, const char* username_from_url,
                        unsigned int allowed, void* payload) {
    auto* state = static_cast<CallbackState*>(payload);
    if (++state->attempts > 1) {
        git_error_set_str(GIT_ERROR_NET, "authentication failed");
        return GIT_EUSER;
    }
    const char* user = std::getenv("GUIDETRACK_GIT_USERNAME");
    const char* password = std::getenv("GUIDETRACK_GIT_PASSWORD");
    const char* name = username_from_url ? username_from_url : "git";
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && password && *password)
        return git_credential_userpass_plaintext_new(out, user && *user ? user : name, password);
    if (allowed & GIT_CREDENTIAL_SSH_KEY)
        return git_credential_ssh_key_from_agent(out, name);
    if (allowed & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, name);
    return GIT_PASSTHROUGH;
}

int on_push_update(const char* refname, const char* status, void* payload) {
    if (status)
        static_cast<CallbackState*>(payload)->rejected[refname] = status;
    return 0;
}

// libgit2's pack builder recomputes every delta on push (it cannot reuse the store's), with a
// window of 10 objects. A store's objects are versions of the same few files, which sort next to
// each other, so a window of one previous object finds nearly the same deltas at about half the
// CPU (measured in BENCHMARKS.md: remote about 20% larger). The limit is added to this process's
// view of the config only (a temporary file at the application level), never written to the
// store, and a pack.windowMemory the user set wins.
class NarrowDeltaWindow {
  public:
    explicit NarrowDeltaWindow(git_repository* repo) {
        git_config* cfg = nullptr;
        if (git_repository_config(&cfg, repo) < 0)
            return;
        std::int64_t existing = 0;
        if (git_config_get_int64(&existing, cfg, "pack.windowMemory") == 0) {
            git_config_free(cfg);
            return;
        }
        git_error_clear();
        std::error_code ec;
        path_ = std::filesystem::temp_directory_path(ec) /
                ("guidetrack-sync-" + std::to_string(::getpid()) + ".config");
        {
            std::ofstream out(path_);
            out << "[pack]\n\twindowMemory = 1\n";
        }
        if (git_config_add_file_ondisk(cfg, path_.c_str(), GIT_CONFIG_LEVEL_APP, repo, 0) < 0)
            git_error_clear();
        git_config_free(cfg);
    }
    ~NarrowDeltaWindow() {
        std::error_code ec;
        if (!path_.empty())
            std::filesystem::remove(path_, ec);
    }
    NarrowDeltaWindow(const NarrowDeltaWindow&) = delete;
    NarrowDeltaWindow& operator=(const NarrowDeltaWindow&) = delete;

  private:
    std::filesystem::path path_;
};

// A ref lock lives for the moment a ref file is rewritten; one older than a few seconds was left
// by a process that was killed (as in the store: see clear_stale_ref_locks in store.cpp), and
// would make every later sync fail. Clears them under refs/ and at the top of a git folder.
void clear_stale_locks(const std::filesystem::path& git_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    auto clear = [&](const fs::path& p) {
        auto mtime = fs::last_write_time(p, ec);
        if (!ec && now - mtime > std::chrono::seconds(3))
            fs::remove(p, ec);
    };
    for (const auto& e : fs::directory_iterator(git_dir, ec))
        if (e.path().extension() == ".lock" && e.is_regular_file(ec))
            clear(e.path());
    fs::path refs = git_dir / "refs";
    for (auto it = fs::recursive_directory_iterator(refs, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().extension() == ".lock" && it->is_regular_file(ec))
            clear(it->path());
}

// The remote as a local folder, when it is one (a path or file:// URL), else empty.
std::filesystem::path local_remote_dir(const std::string& url) {
    std::string path = url;
    if (path.rfind("file://", 0) == 0)
        path = path.substr(7);
    else if (path.find("://") != std::string::npos)
        return {};
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec))
        return {};
    std::filesystem::path p(path);
    if (std::filesystem::is_directory(p / ".git", ec))
        p /= ".git";
    return p;
}

// Does the commit's tree hold document.json (is the branch a guidetrack document)?
bool holds_document(git_repository* repo, const git_oid& tip) {
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo, &tip) < 0)
        return false;
    git_tree* t = nullptr;
    bool found = false;
    if (git_commit_tree(&t, c) == 0) {
        found = git_tree_entry_byname(t, "document.json") != nullptr;
        git_tree_free(t);
    }
    git_commit_free(c);
    return found;
}

// The store's marker ref: a commit of the empty tree, the same in every store (fixed author and
// time), so that two stores never disagree about it.
Result<git_oid> ensure_marker(git_repository* repo) {
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo, kMarkerRef) == 0)
        return oid;
    git_treebuilder* tb = nullptr;
    git_oid tree_oid;
    if (git_treebuilder_new(&tb, repo, nullptr) < 0)
        return git_failure("cannot mark the store");
    int rc = git_treebuilder_write(&tree_oid, tb);
    git_treebuilder_free(tb);
    if (rc < 0)
        return git_failure("cannot mark the store");
    git_tree* tree = nullptr;
    if (git_tree_lookup(&tree, repo, &tree_oid) < 0)
        return git_failure("cannot mark the store");
    git_signature* sig = nullptr;
    if (git_signature_new(&sig, "guidetrack", "guidetrack@localhost", 0, 0) < 0) {
        git_tree_free(tree);
        return git_failure("cannot mark the store");
    }
    rc = git_commit_create(&oid, repo, nullptr, sig, sig, "UTF-8",
                           "guidetrack store\n\nThis repository is a guidetrack store: one branch "
                           "per document, one tag per version.\n",
                           tree, 0, nullptr);
    git_signature_free(sig);
    git_tree_free(tree);
    if (rc < 0)
        return git_failure("cannot mark the store");
    git_reference* ref = nullptr;
    rc = git_reference_create(&ref, repo, kMarkerRef, &oid, 0, "guidetrack: store marker");
    git_reference_free(ref);
    if (rc < 0 && rc != GIT_EEXISTS)
        return git_failure("cannot mark the store");
    return oid;
}

Result<Remote> open_remote(git_repository* repo, const std::string& url) {
    git_remote* raw = nullptr;
    int rc = git_remote_lookup(&raw, repo, kRemoteName);
    if (rc == GIT_ENOTFOUND) {
        if (url.empty())
            return input_error("no remote to sync with: give one with --remote URL (a path, "
                               "ssh:// or https://); it is remembered for next time");
        std::string spec = std::string("+refs/heads/*:") + kRemoteHeads + "*";
        if (git_remote_create_with_fetchspec(&raw, repo, kRemoteName, url.c_str(), spec.c_str()) <
            0)
            return git_failure("cannot use the remote '" + url + "'");
        return Remote(raw);
    }
    if (rc < 0)
        return git_failure("cannot read the store's remote");
    Remote remote(raw);
    if (!url.empty() && url != git_remote_url(remote.get())) {
        if (git_remote_set_url(repo, kRemoteName, url.c_str()) < 0)
            return git_failure("cannot remember the remote '" + url + "'");
        if (git_remote_lookup(&raw, repo, kRemoteName) < 0)
            return git_failure("cannot read the store's remote");
        remote.reset(raw);
    }
    return remote;
}

} // namespace

std::string_view action_name(Action action) {
    switch (action) {
    case Action::up_to_date:
        return "up to date";
    case Action::pulled:
        return "pulled";
    case Action::pulled_new:
        return "pulled (new)";
    case Action::pushed:
        return "pushed";
    case Action::pushed_new:
        return "pushed (new)";
    case Action::diverged:
        return "diverged";
    case Action::rejected:
        return "rejected";
    case Action::skipped:
        return "skipped";
    case Action::locked:
        return "locked";
    }
    return "unknown";
}

bool Report::ok() const {
    if (!tag_conflicts.empty())
        return false;
    return std::none_of(documents.begin(), documents.end(), [](const DocumentSync& d) {
        return d.action == Action::diverged || d.action == Action::rejected ||
               d.action == Action::locked;
    });
}

Result<Report> sync(store::Store& store, const Options& options) {
    store::detail::LibGuard lib;
    // An https:// remote is verified against the system's CA certificates (tls.cpp).
    GT_CHECK(store::detail::load_tls_certificates());
    git_repository* raw_repo = nullptr;
    if (git_repository_open_bare(&raw_repo, store.path().c_str()) < 0)
        return git_failure("cannot open the store '" + store.path().string() + "'");
    RepoPtr repo(raw_repo);
    GT_TRY(Remote remote, open_remote(repo.get(), options.remote));
    Report report;
    report.remote = git_remote_url(remote.get());
    // Locks left by a sync that was killed, here and on a remote that is a local folder.
    clear_stale_locks(store.path());
    const std::filesystem::path remote_dir = local_remote_dir(report.remote);
    if (!remote_dir.empty())
        clear_stale_locks(remote_dir);
    GT_TRY(git_oid marker, ensure_marker(repo.get()));

    // 1. Fetch the remote's branches, tags and marker into their own namespace.
    CallbackState creds;
    std::string heads_spec = std::string("+refs/heads/*:") + kRemoteHeads + "*";
    std::string tags_spec = std::string("+refs/tags/*:") + kRemoteTags + "*";
    std::string marker_spec = std::string("+") + kMarkerRef + ":" + kRemoteMarker;
    char* fetch_specs[] = {heads_spec.data(), tags_spec.data(), marker_spec.data()};
    git_strarray fetch_refspecs{fetch_specs, 3};
    git_fetch_options fetch_opts; // the _init function: clang warns about the _INIT macro
    git_fetch_options_init(&fetch_opts, GIT_FETCH_OPTIONS_VERSION);
    fetch_opts.prune = GIT_FETCH_PRUNE;
    fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    fetch_opts.callbacks.credentials = acquire_credentials;
    fetch_opts.callbacks.payload = &creds;
    if (git_remote_fetch(remote.get(), &fetch_refspecs, &fetch_opts, "guidetrack sync") < 0) {
        const git_error* e = git_error_last();
        if (e && e->message && std::strstr(e->message, "lock"))
            return git_failure("cannot fetch from '" + report.remote +
                               "' (locked: another sync is running, or a lock file older than a "
                               "few seconds was left and could not be removed)");
        return git_failure("cannot fetch from '" + report.remote + "'");
    }

    GT_TRY(auto all_local_heads, refs_under(repo.get(), kHeadsPrefix, false));
    GT_TRY(auto all_remote_heads, refs_under(repo.get(), kRemoteHeads, false));
    GT_TRY(auto local_tags, refs_under(repo.get(), kTagsPrefix, true));
    GT_TRY(auto all_remote_tags, refs_under(repo.get(), kRemoteTags, true));
    git_oid remote_marker;
    const bool remote_is_store =
        git_reference_name_to_id(&remote_marker, repo.get(), kRemoteMarker) == 0;

    // Only documents travel: a branch with a valid ID whose tip holds document.json. Anything
    // else on either side (a `master`, someone's work) is neither pulled nor pushed.
    auto documents_of = [&](const std::map<std::string, git_oid>& heads,
                            std::vector<std::string>* others) {
        std::map<std::string, git_oid> docs;
        for (const auto& [id, oid] : heads) {
            if (store::validate_id(id).ok() && holds_document(repo.get(), oid))
                docs[id] = oid;
            else if (others)
                others->push_back(kHeadsPrefix + id);
        }
        return docs;
    };
    std::vector<std::string> foreign;
    auto local_heads = documents_of(all_local_heads, nullptr);
    auto remote_heads = documents_of(all_remote_heads, &foreign);
    std::map<std::string, git_oid> remote_tags;
    for (const auto& [tag, oid] : all_remote_tags) {
        std::string id = tag.substr(0, tag.find('/'));
        if (tag.find('/') != std::string::npos && (remote_heads.count(id) || local_heads.count(id)))
            remote_tags[tag] = oid;
        else
            foreign.push_back(kTagsPrefix + tag);
    }
    // A remote that is not a store (no marker, and refs that are not documents) is someone
    // else's repository: pushing there is refused unless forced.
    if (options.push && !remote_is_store && !foreign.empty() && !options.force) {
        std::string names;
        for (std::size_t i = 0; i < foreign.size() && i < 3; ++i)
            names += (i ? ", " : "") + foreign[i];
        if (foreign.size() > 3)
            names += ", and " + std::to_string(foreign.size() - 3) + " more";
        return input_error("'" + report.remote +
                           "' is not a guidetrack store: it holds refs that are not guidetrack "
                           "documents (" +
                           names +
                           "), so nothing was pulled or pushed; use an empty repository, pull "
                           "only with --pull-only, or push anyway with --force (its other refs "
                           "are left alone)");
    }

    Reachability reach(repo.get());
    std::set<std::string> ids;
    for (const auto& [id, oid] : local_heads)
        ids.insert(id);
    for (const auto& [id, oid] : remote_heads)
        ids.insert(id);
    auto lock_detail = [](const std::string& ref) {
        return ref + " is locked (a lock file exists: another sync is running, or one was "
                     "killed moments ago); sync again in a moment";
    };

    // 2. Decide per document; apply pulls at once (compare-and-swap on the local ref).
    std::vector<std::string> push_specs;
    std::map<std::string, git_oid> remote_after; // what the remote holds once we are done
    std::set<std::string> settled;               // documents whose tags may follow
    for (const auto& id : ids) {
        DocumentSync d;
        d.id = id;
        auto local = local_heads.find(id);
        auto theirs = remote_heads.find(id);
        std::string ref = kHeadsPrefix + id;
        if (local == local_heads.end()) {
            if (!options.pull) {
                d.action = Action::skipped;
            } else {
                git_reference* out = nullptr;
                int rc = git_reference_create(&out, repo.get(), ref.c_str(), &theirs->second, 0,
                                              "guidetrack sync: new from remote");
                git_reference_free(out);
                if (rc == GIT_ELOCKED) {
                    d.action = Action::locked;
                    d.detail = lock_detail(ref);
                    report.documents.push_back(std::move(d));
                    continue;
                }
                if (rc < 0)
                    return git_failure("cannot record '" + id + "' from the remote");
                d.action = Action::pulled_new;
                d.commits = count_commits(repo.get(), theirs->second, nullptr);
                settled.insert(id);
            }
            remote_after[id] = theirs->second;
        } else if (theirs == remote_heads.end()) {
            if (options.push) {
                push_specs.push_back(ref + ":" + ref);
                d.action = Action::pushed_new;
                d.commits = count_commits(repo.get(), local->second, nullptr);
                remote_after[id] = local->second;
                settled.insert(id);
            } else {
                d.action = Action::skipped;
            }
        } else if (git_oid_equal(&local->second, &theirs->second)) {
            d.action = Action::up_to_date;
            remote_after[id] = theirs->second;
            settled.insert(id);
        } else if (reach.reaches(theirs->second, local->second)) {
            remote_after[id] = theirs->second;
            if (!options.pull) {
                d.action = Action::skipped;
            } else {
                git_reference* out = nullptr;
                int rc =
                    git_reference_create_matching(&out, repo.get(), ref.c_str(), &theirs->second, 1,
                                                  &local->second, "guidetrack sync: fast-forward");
                git_reference_free(out);
                if (rc == GIT_ELOCKED) {
                    d.action = Action::locked;
                    d.detail = lock_detail(ref);
                    report.documents.push_back(std::move(d));
                    continue;
                }
                if (rc < 0)
                    return git_failure("cannot fast-forward '" + id + "'");
                d.action = Action::pulled;
                d.commits = count_commits(repo.get(), theirs->second, &local->second);
                settled.insert(id);
            }
        } else if (reach.reaches(local->second, theirs->second)) {
            remote_after[id] = theirs->second;
            if (options.push) {
                push_specs.push_back(ref + ":" + ref);
                d.action = Action::pushed;
                d.commits = count_commits(repo.get(), local->second, &theirs->second);
                remote_after[id] = local->second;
                settled.insert(id);
            } else {
                d.action = Action::skipped;
            }
        } else {
            d.action = Action::diverged;
            git_oid base;
            std::string since = "no common version";
            if (git_merge_base(&base, repo.get(), &local->second, &theirs->second) == 0)
                since = "since commit " + store::detail::oid_hex(base).substr(0, 12);
            d.detail = "this store has " +
                       std::to_string(count_commits(repo.get(), local->second, &theirs->second)) +
                       " commit(s) and the remote " +
                       std::to_string(count_commits(repo.get(), theirs->second, &local->second)) +
                       " that the other lacks (" + since +
                       "); nothing was overwritten: compare them with `git log " + id + " " +
                       kRemoteHeads + id + "` in the store and keep one";
        }
        report.documents.push_back(std::move(d));
    }

    // 3. Tags follow their documents, never across a divergence, never moved.
    auto doc_of = [](const std::string& tag) { return tag.substr(0, tag.find('/')); };
    for (const auto& [tag, oid] : remote_tags) {
        std::string id = doc_of(tag);
        if (!settled.count(id) || !store::validate_id(id).ok())
            continue;
        auto mine = local_tags.find(tag);
        if (mine != local_tags.end()) {
            if (!git_oid_equal(&mine->second, &oid))
                report.tag_conflicts.push_back(std::string(kTagsPrefix) + tag +
                                               ": this store's and the remote's name different "
                                               "commits; neither was moved");
            continue;
        }
        if (!options.pull)
            continue;
        git_oid head;
        std::string ref = kHeadsPrefix + id;
        if (git_reference_name_to_id(&head, repo.get(), ref.c_str()) < 0 ||
            !reach.reaches(head, oid))
            continue;
        // Point at the remote's tag object itself (annotated or not), not the peeled commit.
        git_oid target;
        std::string remote_ref = kRemoteTags + tag;
        if (git_reference_name_to_id(&target, repo.get(), remote_ref.c_str()) < 0)
            continue;
        git_reference* out = nullptr;
        std::string local_ref = kTagsPrefix + tag;
        if (git_reference_create(&out, repo.get(), local_ref.c_str(), &target, 0,
                                 "guidetrack sync: tag from remote") < 0)
            return git_failure("cannot record the tag '" + tag + "'");
        git_reference_free(out);
        ++report.tags_pulled;
    }
    if (options.push) {
        for (const auto& [tag, oid] : local_tags) {
            std::string id = doc_of(tag);
            if (!settled.count(id) || remote_tags.count(tag))
                continue;
            auto after = remote_after.find(id);
            if (after == remote_after.end() || !reach.reaches(after->second, oid))
                continue;
            std::string ref = kTagsPrefix + tag;
            push_specs.push_back(ref + ":" + ref);
            ++report.tags_pushed;
        }
    }

    // The marker goes with the first push to a remote that lacks it.
    if (options.push && !push_specs.empty() && !remote_is_store)
        push_specs.push_back(std::string(kMarkerRef) + ":" + kMarkerRef);
    (void)marker;

    // 4. One push for everything; a rejected ref is reported against its document.
    if (!push_specs.empty()) {
        CallbackState push_state;
        auto git = store::detail::git_for_push();
        if (git) {
            // git reuses the store's deltas; libgit2 recomputes them all (git_push.hpp).
            std::vector<store::detail::PushRef> refs;
            for (const auto& spec : push_specs) {
                std::string name = spec.substr(0, spec.find(':'));
                git_oid oid;
                if (git_reference_name_to_id(&oid, repo.get(), name.c_str()) < 0)
                    return git_failure("cannot read " + name + " to push it");
                refs.push_back({name, store::detail::oid_hex(oid)});
            }
            GT_TRY(auto pushed, store::detail::git_push(*git, store.path(), report.remote, refs));
            if (pushed.locked)
                return runtime_error("cannot push to '" + report.remote +
                                     "' (locked: another sync is running on it, or a lock file "
                                     "was left there)");
            push_state.rejected = std::move(pushed.rejected);
        }
        std::vector<char*> specs;
        for (auto& s : push_specs)
            specs.push_back(s.data());
        git_strarray push_refspecs{specs.data(), specs.size()};
        NarrowDeltaWindow narrow(repo.get());
        git_push_options push_opts;
        git_push_options_init(&push_opts, GIT_PUSH_OPTIONS_VERSION);
        push_opts.pb_parallelism = 0; // as many threads as cores for the delta search
        push_opts.callbacks.credentials = acquire_credentials;
        push_opts.callbacks.push_update_reference = on_push_update;
        push_opts.callbacks.payload = &push_state;
        if (!git && git_remote_push(remote.get(), &push_refspecs, &push_opts) < 0) {
            const git_error* e = git_error_last();
            if (e && e->message && std::strstr(e->message, "lock"))
                return git_failure("cannot push to '" + report.remote +
                                   "' (locked: another sync is running on it, or a lock file was "
                                   "left there)");
            return git_failure("cannot push to '" + report.remote + "'");
        }
        for (const auto& [ref, reason] : push_state.rejected) {
            std::string name = ref;
            if (name.rfind(kHeadsPrefix, 0) == 0) {
                std::string id = name.substr(std::strlen(kHeadsPrefix));
                const bool lock = reason.find("lock") != std::string::npos;
                for (auto& d : report.documents)
                    if (d.id == id) {
                        d.action = lock ? Action::locked : Action::rejected;
                        d.detail = lock ? lock_detail("the remote's " + ref)
                                        : "the remote refused the update (" + reason +
                                              "); sync again to see what it holds now";
                        d.commits = 0;
                    }
            } else if (name == kMarkerRef) {
                continue; // the marker is a courtesy; documents are what count
            } else {
                report.tag_conflicts.push_back(name + ": the remote refused it (" + reason + ")");
                if (report.tags_pushed > 0)
                    --report.tags_pushed;
            }
        }
    }
    return report;
}

nlohmann::json to_json(const Report& report) {
    nlohmann::json docs = nlohmann::json::array();
    for (const auto& d : report.documents) {
        nlohmann::json j{{"id", d.id}, {"action", action_name(d.action)}, {"commits", d.commits}};
        if (!d.detail.empty())
            j["detail"] = d.detail;
        docs.push_back(std::move(j));
    }
    return nlohmann::json{{"schema_version", 1},
                          {"remote", report.remote},
                          {"ok", report.ok()},
                          {"documents", std::move(docs)},
                          {"tags_pulled", report.tags_pulled},
                          {"tags_pushed", report.tags_pushed},
                          {"tag_conflicts", report.tag_conflicts}};
}

} // namespace guidetrack::sync
