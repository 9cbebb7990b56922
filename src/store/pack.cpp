// Pack files of the store: one per write, merged as they accumulate.
//
// Every write lands in libgit2's in-memory pack (mempack) and is written to disk as a single pack
// before any ref moves, so no loose objects are ever written and a ref never points at an object
// that is not on disk. Merging is geometric: when more than kMaxPacks exist, the smallest packs
// are merged into one so that the packs left each hold at least twice the next smaller one
// (geometric_merge_count), so each object is rewritten O(log n) times. Merged packs are
// written by the store's own pack writer, each file a delta against its previous version
// (write_merged_pack: the bulk of the savings). Only the packs listed at the start are
// deleted afterwards, so a pack written meanwhile by a concurrent snapshot is never lost.
#include "store/deltapack.hpp"
#include "store/git.hpp"
#include "store/metadata.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace guidetrack::store {
namespace fs = std::filesystem;
using namespace detail;

namespace {

struct PackFile {
    fs::path pack; // .../pack-<hash>.pack
    std::uintmax_t size = 0;
};

std::vector<PackFile> list_packs(const fs::path& repo_dir) {
    std::vector<PackFile> packs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(repo_dir / "objects" / "pack", ec)) {
        const fs::path& p = entry.path();
        if (p.extension() != ".pack")
            continue;
        fs::path idx = p;
        idx.replace_extension(".idx");
        if (!fs::exists(idx, ec)) // still being written by another process
            continue;
        packs.push_back({p, entry.file_size(ec)});
    }
    return packs;
}

// The object ids listed in a version-2 pack index (.idx).
Result<std::vector<git_oid>> read_index_ids(const fs::path& pack) {
    fs::path idx = pack;
    idx.replace_extension(".idx");
    std::ifstream in(idx, std::ios::binary);
    std::string head(8 + 256 * 4, '\0');
    if (!in.read(head.data(), static_cast<std::streamsize>(head.size())))
        return runtime_error("cannot read pack index " + idx.string());
    auto u32 = [&](std::size_t at) {
        auto b = [&](std::size_t i) {
            return static_cast<std::uint32_t>(static_cast<unsigned char>(head[at + i]));
        };
        return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
    };
    if (u32(0) != 0xff744f63u || u32(4) != 2)
        return runtime_error("unsupported pack index " + idx.string());
    std::uint32_t count = u32(8 + 255 * 4);
    std::vector<git_oid> ids(count);
    for (auto& id : ids)
        if (!in.read(reinterpret_cast<char*>(id.id), GIT_OID_RAWSZ))
            return runtime_error("truncated pack index " + idx.string());
    return ids;
}

// A lock file held for the duration of a merge, so that two processes never merge at once.
class MergeLock {
  public:
    explicit MergeLock(fs::path path) : path_(std::move(path)) {
        std::error_code ec;
        // A lock left by a crashed process is stale after ten minutes.
        auto mtime = fs::last_write_time(path_, ec);
        if (!ec && fs::file_time_type::clock::now() - mtime > std::chrono::minutes(10))
            fs::remove(path_, ec);
        fd_ = ::open(path_.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
    }
    ~MergeLock() {
        if (fd_ >= 0) {
            ::close(fd_);
            std::error_code ec;
            fs::remove(path_, ec);
        }
    }
    MergeLock(const MergeLock&) = delete;
    MergeLock& operator=(const MergeLock&) = delete;
    bool held() const { return fd_ >= 0; }

  private:
    fs::path path_;
    int fd_ = -1;
};

} // namespace

// The objects of the in-memory pack, written whole by the store's own pack writer. Not
// git_mempack_dump: libgit2's packbuilder looks up every tag of the repository to order its
// output (compute_write_order), so each snapshot cost more the longer the store's history (64%
// of a snapshot on a 5,000-version document). The objects are the ones Writer::object put there,
// plus, as libgit2's dump would have, whatever a new commit's tree reaches that is only in the
// in-memory pack; so nothing written there can be left behind when it is emptied.
Result<void> Store::Impl::flush() {
    std::unordered_set<git_oid, OidHash, OidEq> seen;
    std::vector<git_oid> order;
    auto in_memory = [&](const git_oid& id) { return mempack->exists(mempack, &id) != 0; };
    auto take = [&](const git_oid& id) {
        if (seen.insert(id).second)
            order.push_back(id);
    };
    // Trees (and their blobs) reached from the new commits and trees.
    std::vector<git_oid> trees;
    for (const auto& [id, type] : written) {
        take(id);
        if (type == GIT_OBJECT_COMMIT) {
            git_commit* c = nullptr;
            if (git_commit_lookup(&c, repo.get(), &id) < 0)
                return git_failure("reading a new commit");
            trees.push_back(*git_commit_tree_id(c));
            git_commit_free(c);
        } else if (type == GIT_OBJECT_TREE) {
            trees.push_back(id);
        }
    }
    while (!trees.empty()) {
        git_oid tid = trees.back();
        trees.pop_back();
        if (!in_memory(tid))
            continue;
        take(tid);
        git_tree* t = nullptr;
        if (git_tree_lookup(&t, repo.get(), &tid) < 0)
            return git_failure("reading a new tree");
        TreePtr tree(t);
        for (std::size_t i = 0, n = git_tree_entrycount(t); i < n; ++i) {
            const git_tree_entry* e = git_tree_entry_byindex(t, i);
            const git_oid* eid = git_tree_entry_id(e);
            if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
                trees.push_back(*eid);
            else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && in_memory(*eid))
                take(*eid);
        }
    }
    if (!order.empty()) {
        // What earlier failed writes left (a full disk) goes before this write adds to it.
        detail::remove_leftover_packs(path, nullptr);
        detail::PackWriter pack;
        for (const git_oid& id : order) {
            void* data = nullptr;
            size_t len = 0;
            git_object_t type = GIT_OBJECT_INVALID;
            if (mempack->read(&data, &len, &type, mempack, &id) < 0)
                return runtime_error("reading a new object " + oid_hex(id) + " back");
            pack.add(id, type, std::string_view(static_cast<const char*>(data), len));
            git_odb_backend_data_free(mempack, data);
        }
        GT_CHECK(pack.write(odb.get(), path / "objects" / "pack"));
    }
    reset_mempack();
    return {};
}

void Store::Impl::reset_mempack() {
    git_mempack_reset(mempack);
    written.clear();
}

namespace {

// The bytes and type of an object.
struct RawObject {
    git_object_t type = GIT_OBJECT_INVALID;
    std::string bytes;
};

Result<RawObject> read_raw(git_odb* odb, const git_oid& id) {
    git_odb_object* obj = nullptr;
    int rc = git_odb_read(&obj, odb, &id);
    if (rc < 0)
        return read_failure("object " + oid_hex(id), rc);
    RawObject raw{
        git_odb_object_type(obj),
        std::string(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj))};
    git_odb_object_free(obj);
    return raw;
}

// The entries of a tree's bytes ("MODE NAME\0" and 20 bytes of id each): name, id, is a tree.
struct TreeEntry {
    std::string name;
    git_oid id{};
    bool tree = false;
};

std::vector<TreeEntry> tree_entries(std::string_view bytes) {
    std::vector<TreeEntry> entries;
    while (!bytes.empty()) {
        std::size_t space = bytes.find(' ');
        std::size_t nul = bytes.find('\0');
        if (space == std::string_view::npos || nul == std::string_view::npos || nul < space ||
            nul + 1 + GIT_OID_RAWSZ > bytes.size())
            break; // malformed: what was read stands; the rest is written whole
        TreeEntry e;
        e.tree = bytes.substr(0, space) == "40000";
        e.name = std::string(bytes.substr(space + 1, nul - space - 1));
        std::memcpy(e.id.id, bytes.data() + nul + 1, GIT_OID_RAWSZ);
        entries.push_back(std::move(e));
        bytes.remove_prefix(nul + 1 + GIT_OID_RAWSZ);
    }
    return entries;
}

// Writes the objects `ids` (the contents of the packs being merged) as one new pack and returns
// its file name. Commits are taken parents first; each commit, and each object its tree reaches,
// is stored as a delta against the parent's commit, or the object at the same path in the
// parent's tree (the previous version of the same file: DeltaChain), or whole.
// Objects no commit reaches follow, whole. (libgit2's pack builder searched a window of ten
// candidates for every object, most of a first `check` or an import's CPU.)
Result<std::string> write_merged_pack(git_odb* odb, const fs::path& pack_dir,
                                      const std::unordered_set<git_oid, OidHash, OidEq>& ids) {
    struct Commit {
        git_oid id;
        std::string bytes;
        git_oid tree;
        std::optional<git_oid> parent;
    };
    std::vector<Commit> commits;
    std::unordered_map<git_oid, std::size_t, OidHash, OidEq> commit_at;
    std::vector<git_oid> others;
    for (const git_oid& id : ids) {
        size_t len = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        int rc = git_odb_read_header(&len, &type, odb, &id);
        if (rc < 0)
            return read_failure("object " + oid_hex(id), rc);
        if (type != GIT_OBJECT_COMMIT) {
            others.push_back(id);
            continue;
        }
        GT_TRY(RawObject raw, read_raw(odb, id));
        auto fields = parse_commit(raw.bytes);
        if (!fields) {
            others.push_back(id);
            continue;
        }
        commit_at[id] = commits.size();
        commits.push_back({id, std::move(raw.bytes), fields->tree, fields->parent});
    }
    // Children by parent, within the merge; roots are the commits whose parent is elsewhere.
    std::vector<std::vector<std::size_t>> children(commits.size());
    std::vector<std::size_t> roots;
    for (std::size_t i = 0; i < commits.size(); ++i) {
        const auto& parent = commits[i].parent;
        auto found = parent ? commit_at.find(*parent) : commit_at.end();
        if (found != commit_at.end())
            children[found->second].push_back(i);
        else
            roots.push_back(i);
    }
    auto by_id = [&](std::size_t a, std::size_t b) {
        return git_oid_cmp(&commits[a].id, &commits[b].id) < 0;
    };
    std::sort(roots.begin(), roots.end(), by_id);
    for (auto& c : children)
        std::sort(c.begin(), c.end(), by_id);

    // What a line of history last stored at each path: the base for the next version there.
    using PathState = std::unordered_map<std::string, DeltaChain>;
    PackWriter pack;
    auto put = [&](const git_oid& id, RawObject raw, const std::string& path, PathState& state,
                   const DeltaChain* also = nullptr) {
        DeltaChain& chain = state[path];
        chain.add(pack, id, raw.type, std::move(raw.bytes), also);
        return &chain;
    };
    // The objects of a tree not yet written, depth first; trees already written (unchanged since
    // the parent) are not entered again.
    auto put_tree = [&](const git_oid& root, PathState& state) -> Result<void> {
        std::vector<std::pair<git_oid, std::string>> pending{{root, ""}}; // tree, its path
        while (!pending.empty()) {
            auto [tree_id, prefix] = std::move(pending.back());
            pending.pop_back();
            if (!ids.count(tree_id) || pack.contains(tree_id))
                continue;
            GT_TRY(RawObject tree, read_raw(odb, tree_id));
            std::vector<TreeEntry> entries = tree_entries(tree.bytes);
            put(tree_id, std::move(tree), prefix + "/", state);
            const DeltaChain* previous = nullptr; // the blob written before, in this tree
            for (auto& e : entries) {
                std::string path = prefix + "/" + e.name;
                if (e.tree) {
                    pending.emplace_back(e.id, std::move(path));
                } else if (ids.count(e.id) && !pack.contains(e.id)) {
                    GT_TRY(RawObject blob, read_raw(odb, e.id));
                    previous = put(e.id, std::move(blob), path, state, previous);
                }
            }
        }
        return {};
    };
    std::vector<std::pair<std::size_t, PathState>> stack;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it)
        stack.emplace_back(*it, PathState{});
    while (!stack.empty()) {
        auto [at, state] = std::move(stack.back());
        stack.pop_back();
        Commit& c = commits[at];
        put(c.id, RawObject{GIT_OBJECT_COMMIT, std::move(c.bytes)}, "commit", state);
        GT_CHECK(put_tree(c.tree, state));
        const auto& kids = children[at];
        for (std::size_t k = kids.size(); k-- > 0;)
            stack.emplace_back(kids[k], k == 0 ? std::move(state) : state);
    }
    std::sort(others.begin(), others.end(),
              [](const git_oid& a, const git_oid& b) { return git_oid_cmp(&a, &b) < 0; });
    for (const git_oid& id : others) {
        if (pack.contains(id))
            continue;
        GT_TRY(RawObject raw, read_raw(odb, id));
        pack.add(id, raw.type, raw.bytes);
    }
    return pack.write(odb, pack_dir);
}

} // namespace

Result<void> Store::Impl::maybe_consolidate(bool force) {
    std::vector<PackFile> packs = list_packs(path);
    if (packs.size() <= 1 || (!force && packs.size() <= kMaxPacks))
        return {};
    MergeLock lock(path / "guidetrack-merge.lock");
    if (!lock.held())
        return {}; // another process is merging
    packs = list_packs(path);
    if (packs.size() <= 1)
        return {};
    std::sort(packs.begin(), packs.end(),
              [](const PackFile& a, const PackFile& b) { return a.size < b.size; });
    const std::size_t all = packs.size();
    if (!force) {
        std::vector<std::uintmax_t> sizes;
        for (const PackFile& p : packs)
            sizes.push_back(p.size);
        packs.resize(geometric_merge_count(sizes));
    }
    if (packs.size() <= 1)
        return {};
    const bool full = packs.size() == all;

    std::unordered_set<git_oid, OidHash, OidEq> ids;
    for (const PackFile& p : packs) {
        GT_TRY(auto list, read_index_ids(p.pack));
        ids.insert(list.begin(), list.end());
    }
    git_odb_refresh(odb.get());
    GT_TRY(std::string merged, write_merged_pack(odb.get(), path / "objects" / "pack", ids));

    std::error_code ec;
    for (const PackFile& p : packs) {
        if (p.pack.filename() == merged)
            continue;
        for (const char* ext : {".keep", ".rev", ".idx", ".pack"}) {
            fs::path f = p.pack;
            f.replace_extension(ext);
            fs::remove(f, ec);
        }
    }
    // Deleted packs stay in libgit2's list until the repository is opened again.
    GT_CHECK(reopen());

    // Pack the refs too, when every pack was merged into one (O(log n) times over a store's
    // life, like the merges of the largest pack): loose refs cost readers a file each, but
    // git_refdb_compress walks every document's tag folder and rewrites packed-refs whole, which
    // after every merge made a check of thousands of documents quadratic. (It takes each loose
    // ref's lock and checks its value before deleting it, so a concurrent update is not lost.)
    if (!full)
        return {};
    git_refdb* refdb = nullptr;
    int rc;
    if ((rc = git_repository_refdb(&refdb, repo.get())) < 0)
        return git_failure("opening the refs", rc);
    rc = git_refdb_compress(refdb);
    git_refdb_free(refdb);
    if (rc < 0)
        return git_failure("packing the refs", rc);
    return {};
}

Result<void> Store::consolidate() {
    return impl_->maybe_consolidate(true);
}

std::size_t Store::pack_count() const {
    return list_packs(impl_->path).size();
}

} // namespace guidetrack::store

namespace guidetrack::store::detail {

int write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

void remove_leftover_packs(const std::filesystem::path& store, std::vector<std::string>* removed) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path dir = store / "objects" / "pack";
    const auto now = fs::file_time_type::clock::now();
    std::vector<fs::path> doomed;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file(ec))
            continue;
        const fs::path& p = e.path();
        std::string name = p.filename().string();
        bool leftover = false;
        if (name.rfind("pack_git2_", 0) == 0 || name.rfind("tmp_pack_", 0) == 0 ||
            name.rfind("tmp_idx_", 0) == 0) {
            leftover = true; // libgit2's (and git's) temporary pack or index
        } else if (name.rfind("pack-", 0) == 0 && p.extension() == ".pack") {
            fs::path idx = p;
            idx.replace_extension(".idx");
            leftover = !fs::exists(idx, ec); // a pack whose index was never written
        }
        if (!leftover)
            continue;
        auto mtime = fs::last_write_time(p, ec);
        if (!ec && now - mtime > kLeftoverAge)
            doomed.push_back(p);
    }
    for (const auto& p : doomed)
        if (fs::remove(p, ec) && removed)
            removed->push_back(("objects/pack" / p.filename()).string());
}

} // namespace guidetrack::store::detail
