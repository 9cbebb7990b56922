// Internal to the store: owning wrappers for libgit2 handles and error conversion. Only the
// store's own .cpp files include this (and so <git2.h>).
#pragma once

#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::store::detail {

// git_libgit2_init is reference-counted: every Store holds one guard so the library stays up as
// long as any handle does.
class LibGuard {
  public:
    LibGuard() {
        git_libgit2_init();
        // Objects read back are not re-hashed (SHA-1 with collision detection is slow; `git
        // fsck` checks integrity), and packs are not checked for .keep files on every lookup.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        git_libgit2_opts(GIT_OPT_DISABLE_PACK_KEEP_FILE_CHECKS, 1);
        // libgit2 keeps every pack it has read open, also after a merge deleted it: a process
        // that records thousands of documents (track --catalog, a first check) ran out of file
        // descriptors. Past this many it closes the least recently used.
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, static_cast<size_t>(64));
    }
    ~LibGuard() { git_libgit2_shutdown(); }
    LibGuard(const LibGuard&) = delete;
    LibGuard& operator=(const LibGuard&) = delete;
};

template <class T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const {
        if (p)
            Free(p);
    }
};
template <class T, void (*Free)(T*)> using Handle = std::unique_ptr<T, Deleter<T, Free>>;

// git_oid as a key of unordered containers (the first bytes of a SHA-1 are already uniform).
struct OidHash {
    std::size_t operator()(const git_oid& oid) const {
        std::size_t h;
        std::memcpy(&h, oid.id, sizeof h);
        return h;
    }
};
struct OidEq {
    bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

using RepoPtr = Handle<git_repository, git_repository_free>;
using OdbPtr = Handle<git_odb, git_odb_free>;
using CommitPtr = Handle<git_commit, git_commit_free>;
using TreePtr = Handle<git_tree, git_tree_free>;
using TreeEntryPtr = Handle<git_tree_entry, git_tree_entry_free>;
using BlobPtr = Handle<git_blob, git_blob_free>;
using RefPtr = Handle<git_reference, git_reference_free>;
using SignaturePtr = Handle<git_signature, git_signature_free>;
using ConfigPtr = Handle<git_config, git_config_free>;
using BranchIterPtr = Handle<git_branch_iterator, git_branch_iterator_free>;

// A runtime error naming what failed and libgit2's own message.
inline Error git_failure(const std::string& what, int code) {
    const git_error* e = git_error_last();
    std::string msg = what + " failed";
    if (e && e->message)
        msg += std::string(": ") + e->message;
    else
        msg += " (libgit2 error " + std::to_string(code) + ")";
    return runtime_error(msg);
}

// Reading an object the store's own refs or trees point at: when it is not there, the store is
// damaged (a pack cut short or deleted), and the message says so and what to do, rather than
// libgit2's "object not found - no match for id".
inline Error read_failure(const std::string& what, int code) {
    if (code == GIT_ENOTFOUND)
        return runtime_error("the store is damaged: " + what +
                             " is missing (a pack file cut short or deleted?); run guidetrack "
                             "fsck");
    return git_failure("reading " + what, code);
}

// The same for messages that already say what failed ("cannot fetch from 'X'"): "what: reason".
inline Error git_failure(const std::string& what) {
    const git_error* e = git_error_last();
    std::string msg = what;
    if (e && e->message) {
        msg += ": ";
        msg += e->message;
    }
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '.'))
        msg.pop_back();
    return runtime_error(msg);
}

// Names of the loose and packed branches as files on disk, including ones libgit2 cannot parse.
std::vector<std::string> branch_names_on_disk(const std::filesystem::path& store);

// Remove what failed pack writes leave in objects/pack (libgit2's temporary pack_git2_* files, a
// .pack without its .idx) once older than kLeftoverAge, so that a concurrent writer's pack in
// progress is never touched. Names of removed files go to *removed when given.
constexpr std::chrono::minutes kLeftoverAge{5};
void remove_leftover_packs(const std::filesystem::path& store, std::vector<std::string>* removed);

// Writes all of bytes to fd (again after a short write or EINTR): 0, or the errno that stopped
// it (EIO for a write that wrote nothing).
int write_all(int fd, std::string_view bytes);

// 4 to 40 lower-case hex digits: what a (short) commit id looks like (validate.cpp).
bool looks_like_commit_id(std::string_view s);

inline std::string oid_hex(const git_oid& oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
}

} // namespace guidetrack::store::detail

namespace guidetrack::store {

struct Store::Impl {
    // Declared first so it is destroyed last, after every libgit2 handle below.
    std::shared_ptr<detail::LibGuard> guard = std::make_shared<detail::LibGuard>();
    std::filesystem::path path;
    detail::RepoPtr repo;
    detail::OdbPtr odb;
    git_odb_backend* mempack = nullptr; // owned by odb
    // What went into the in-memory pack since the last flush, in order (Writer::object).
    std::vector<std::pair<git_oid, git_object_t>> written;
    // The handles the last reopen() replaced: objects read through them may still be alive
    // until the write that merged returns; the next reopen() frees them.
    std::pair<detail::RepoPtr, detail::OdbPtr> retired;

    // Open the repository afresh: libgit2 never forgets a pack it has listed, also after a merge
    // deleted it, and every object lookup then tries each of them (with an error message built
    // for each miss): a first check of 20,000 documents spent most of its time there.
    Result<void> reopen();

    // Write everything in the in-memory pack to disk as one pack file.
    Result<void> flush();
    // Empty the in-memory pack (after its objects were written some other way).
    void reset_mempack();
    // Merge packs when more than kMaxPacks have accumulated (geometric: small packs first).
    Result<void> maybe_consolidate(bool force);
};

} // namespace guidetrack::store
