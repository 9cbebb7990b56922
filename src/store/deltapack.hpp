// Internal to the store: a pack file written by the store itself, with each object either whole
// or a git delta against an earlier object of the same pack (OFS_DELTA), so that a batch of
// versions of one document costs about one version plus its changes: imports, snapshots and pack
// merges all write this way. libgit2's packbuilder is not used: it searches a window of
// candidates for every object and keeps them all in memory, where the store already knows the
// right base (the previous version of the same file).
#pragma once

#include "guidetrack/result.hpp"
#include "store/git.hpp"

#include <git2.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace guidetrack::store::detail {

// As git: reading an object applies at most this many deltas.
constexpr std::size_t kMaxDeltaDepth = 50;

// A git delta (the pack format's copy/insert instructions) that rebuilds target from base, or ""
// when it would not be smaller than max_size bytes.
std::string make_delta(std::string_view base, std::string_view target, std::size_t max_size);

// Applies a git delta to base (used by the tests to check make_delta); "" on a malformed delta.
std::string apply_delta(std::string_view base, std::string_view delta);

// How many of the smallest packs, given their sizes in ascending order, to merge so that the
// packs left form a geometric progression, each at least twice the size of the next smaller
// one (as git repack --geometric=2): from the largest pack down, the first pair that breaks the
// progression marks what is merged, and the merged pack then takes in each next pack smaller
// than twice itself. Each object is so rewritten O(log n) times. (Merging everything but the
// largest whenever the rest came to half its size rewrote the largest every few merges:
// quadratic in the number of snapshots, most of the CPU of a first `check` of 1,500 documents.)
std::size_t geometric_merge_count(const std::vector<std::uintmax_t>& sizes);

class PackWriter {
  public:
    PackWriter();
    // Adds object id (its type and bytes) whole; returns its index in the pack. An id already
    // in the pack is not added again: its index is returned.
    std::size_t add(const git_oid& id, git_object_t type, std::string_view data);
    // Adds an object as the given delta (make_delta's) against the earlier object base_index.
    std::size_t add_delta(const git_oid& id, std::string_view delta, std::size_t base_index);
    bool contains(const git_oid& id) const { return index_of_.count(id) != 0; }
    // Finishes the pack and writes it into pack_dir (the store's objects/pack) with its index
    // (.idx, version 2), both first under temporary names, the pack moved into place before
    // the index (a reader takes a pack only once its index is there); then tells odb. Returns
    // the pack's file name (pack-HASH.pack, HASH its checksum), or "" for an empty pack.
    // (libgit2's indexer, which wrote the index before, inflated and hashed every object again
    // and resolved every delta: a tenth of an import's CPU.)
    Result<std::string> write(git_odb* odb, const std::filesystem::path& pack_dir);

  private:
    std::size_t start(const git_oid& id);
    void header(unsigned type, std::size_t size);
    void deflate(std::string_view data);
    std::string buf_;
    std::vector<std::uint64_t> offsets_;
    std::vector<git_oid> ids_;
    std::unordered_map<git_oid, std::size_t, OidHash, OidEq> index_of_;
};

// The versions of one file along one line of history, in one pack: each next version goes in as
// a delta against the one before. A chain kMaxDeltaDepth deep is not cut by a whole copy (one
// per 50 versions of every file, a third of a merged store): the next version is a delta
// against the version half as deep, a base a few dozen versions older, and the chain goes on
// from there. When the version before saves little, the one before that is tried (a page that
// flips between two texts). Another candidate base can be offered: the latest object of another
// chain of a similar size (text.md against the same version's original, which it mostly repeats: a
// document rewritten between two versions then still costs a delta). Whole only when no delta
// saves at least a quarter.
class DeltaChain {
  public:
    // Adds data to pack; returns its index in the pack.
    std::size_t add(PackWriter& pack, const git_oid& id, git_object_t type, std::string data,
                    const DeltaChain* also = nullptr);

  private:
    struct Link {
        std::size_t index = 0;
        std::string bytes;
        bool kept = true; // bytes still held (see add)
    };
    std::vector<Link> links_; // links_[i]: the object at depth first_depth_ + i; back() the latest
    std::size_t first_depth_ = 0;
    git_object_t type_ = GIT_OBJECT_INVALID;
};

} // namespace guidetrack::store::detail
