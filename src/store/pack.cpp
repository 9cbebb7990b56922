// Pack files of the store: one per write, merged as they accumulate.
//
// Every write lands in libgit2's in-memory pack (mempack) and is written to disk as a single pack
// before any ref moves, so no loose objects are ever written and a ref never points at an object
// that is not on disk. Merging is geometric: when more than kMaxPacks exist, the smallest packs
// are merged into one so that the packs left each hold at least twice the next smaller one
// (geometric_merge_count), so each object is rewritten O(log n) times. Merged packs are
// built with each blob named after its document, which lets libgit2 find deltas between the
// versions of one document (the bulk of the savings). Only the packs listed at the start are
// deleted afterwards, so a pack written meanwhile by a concurrent snapshot is never lost.
#include "store/deltapack.hpp"
#include "store/git.hpp"

#include <git2/sys/refdb_backend.h>
#include <git2/sys/repository.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <fstream>
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

struct OidHash {
    std::size_t operator()(const git_oid& o) const {
        std::size_t h;
        std::copy_n(o.id, sizeof h, reinterpret_cast<unsigned char*>(&h));
        return h;
    }
};
struct OidEq {
    bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

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
            pack.add(type, std::string_view(static_cast<const char*>(data), len));
            git_odb_backend_data_free(mempack, data);
        }
        GT_CHECK(pack.write(odb.get()));
    }
    reset_mempack();
    return {};
}

void Store::Impl::reset_mempack() {
    git_mempack_reset(mempack);
    written.clear();
}

namespace {

// A ref database with no refs at all, for the repository a merge's pack builder runs on.
// libgit2's pack builder looks up every tag of its repository to order what it writes
// (compute_write_order calls git_tag_foreach): in a store of 20,000 documents, most of a merge.
// The order is only a locality hint; the objects, their deltas and the pack are the same.
struct EmptyRefs {
    static int next(git_reference**, git_reference_iterator*) { return GIT_ITEROVER; }
    static int next_name(const char**, git_reference_iterator*) { return GIT_ITEROVER; }
    static void free_iter(git_reference_iterator* it) { delete it; }
    static int exists(int* out, git_refdb_backend*, const char*) {
        *out = 0;
        return 0;
    }
    static int lookup(git_reference**, git_refdb_backend*, const char*) { return GIT_ENOTFOUND; }
    static int iterator(git_reference_iterator** out, git_refdb_backend*, const char*) {
        auto* it = new git_reference_iterator{};
        it->next = next;
        it->next_name = next_name;
        it->free = free_iter;
        *out = it;
        return 0;
    }
    static void free_backend(git_refdb_backend* b) { delete b; }
    // Nothing is ever written through it.
    static int write(git_refdb_backend*, const git_reference*, int, const git_signature*,
                     const char*, const git_oid*, const char*) {
        return GIT_EUSER;
    }
    static int rename(git_reference**, git_refdb_backend*, const char*, const char*, int,
                      const git_signature*, const char*) {
        return GIT_EUSER;
    }
    static int del(git_refdb_backend*, const char*, const git_oid*, const char*) {
        return GIT_EUSER;
    }
    static int has_log(git_refdb_backend*, const char*) { return 0; }
    static int ensure_log(git_refdb_backend*, const char*) { return 0; }
    static int reflog_read(git_reflog**, git_refdb_backend*, const char*) { return GIT_ENOTFOUND; }
    static int reflog_write(git_refdb_backend*, git_reflog*) { return GIT_EUSER; }
    static int reflog_rename(git_refdb_backend*, const char*, const char*) { return GIT_EUSER; }
    static int reflog_delete(git_refdb_backend*, const char*) { return GIT_EUSER; }
};

// The store's objects (its odb) in a repository without refs; null on failure.
RepoPtr repository_without_refs(git_odb* odb) {
    git_repository* raw = nullptr;
    if (git_repository_wrap_odb(&raw, odb) < 0)
        return nullptr;
    RepoPtr repo(raw);
    auto* backend = new git_refdb_backend{};
    git_refdb_init_backend(backend, GIT_REFDB_BACKEND_VERSION);
    backend->exists = EmptyRefs::exists;
    backend->lookup = EmptyRefs::lookup;
    backend->iterator = EmptyRefs::iterator;
    backend->free = EmptyRefs::free_backend;
    backend->write = EmptyRefs::write;
    backend->rename = EmptyRefs::rename;
    backend->del = EmptyRefs::del;
    backend->has_log = EmptyRefs::has_log;
    backend->ensure_log = EmptyRefs::ensure_log;
    backend->reflog_read = EmptyRefs::reflog_read;
    backend->reflog_write = EmptyRefs::reflog_write;
    backend->reflog_rename = EmptyRefs::reflog_rename;
    backend->reflog_delete = EmptyRefs::reflog_delete;
    git_refdb* refdb = nullptr;
    if (git_refdb_new(&refdb, repo.get()) < 0) {
        delete backend;
        return nullptr;
    }
    if (git_refdb_set_backend(refdb, backend) < 0) {
        delete backend;
        git_refdb_free(refdb);
        return nullptr;
    }
    git_repository_set_refdb(repo.get(), refdb);
    git_refdb_free(refdb);
    return repo;
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

    RepoPtr merge_repo = repository_without_refs(odb.get());
    if (!merge_repo)
        return git_failure("starting a pack merge");
    git_packbuilder* pb_raw = nullptr;
    int rc = git_packbuilder_new(&pb_raw, merge_repo.get());
    if (rc < 0)
        return git_failure("starting a pack merge", rc);
    PackBuilderPtr pb(pb_raw);

    // Commits first, then each commit's blobs named after its document (the subject starts with
    // "<id>:"), so that delta search compares versions of the same document.
    std::unordered_set<git_oid, OidHash, OidEq> named;
    std::vector<git_oid> others;
    for (const git_oid& id : ids) {
        size_t len = 0;
        git_object_t type = GIT_OBJECT_INVALID;
        rc = git_odb_read_header(&len, &type, odb.get(), &id);
        if (rc < 0)
            return read_failure("object " + oid_hex(id), rc);
        if (type != GIT_OBJECT_COMMIT) {
            others.push_back(id);
            continue;
        }
        git_commit* c = nullptr;
        if ((rc = git_commit_lookup(&c, repo.get(), &id)) < 0)
            return read_failure("commit " + oid_hex(id), rc);
        CommitPtr commit(c);
        if ((rc = git_packbuilder_insert(pb.get(), &id, nullptr)) < 0)
            return git_failure("merging packs", rc);
        std::string subject =
            git_commit_summary(commit.get()) ? git_commit_summary(commit.get()) : "";
        std::string doc = subject.substr(0, subject.find(':'));
        git_tree* t = nullptr;
        if ((rc = git_commit_tree(&t, commit.get())) < 0)
            return git_failure("reading a tree", rc);
        TreePtr tree(t);
        struct WalkState {
            git_packbuilder* pb;
            const std::unordered_set<git_oid, OidHash, OidEq>* ids;
            std::unordered_set<git_oid, OidHash, OidEq>* named;
            const std::string* doc;
        } state{pb.get(), &ids, &named, &doc};
        rc = git_tree_walk(
            tree.get(), GIT_TREEWALK_PRE,
            [](const char*, const git_tree_entry* entry, void* payload) -> int {
                auto* s = static_cast<WalkState*>(payload);
                const git_oid* eid = git_tree_entry_id(entry);
                if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || !s->ids->count(*eid) ||
                    s->named->count(*eid))
                    return 0;
                s->named->insert(*eid);
                return git_packbuilder_insert(s->pb, eid, s->doc->c_str());
            },
            &state);
        if (rc < 0)
            return git_failure("merging packs", rc);
    }
    for (const git_oid& id : others) {
        if (named.count(id))
            continue;
        if ((rc = git_packbuilder_insert(pb.get(), &id, nullptr)) < 0)
            return git_failure("merging packs", rc);
    }
    fs::path pack_dir = path / "objects" / "pack";
    rc = git_packbuilder_write(pb.get(), pack_dir.c_str(), 0, nullptr, nullptr);
    if (rc < 0)
        return git_failure("writing the merged pack", rc);
    std::string merged = std::string("pack-") + git_packbuilder_name(pb.get()) + ".pack";

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
