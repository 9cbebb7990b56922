// The git-backed store (layout and guarantees: see include/guidetrack/store/store.hpp).
//
// Every write follows the same order: build blobs, tree and commit in the in-memory pack; write
// that pack to disk (Impl::flush); only then move refs, by compare-and-swap against the commit the
// new one was built on. Losing the race (GIT_EMODIFIED, or GIT_ELOCKED while another process holds
// the ref's lock file) means the tip moved under us: the write is rebuilt on the new tip and
// retried, so concurrent snapshots are serialised, never lost. A version's tag is created before
// the branch moves (so a label can never be taken twice) and deleted again if the move fails.
#include "guidetrack/store/store.hpp"

#include "guidetrack/text/text.hpp"
#include "store/deltapack.hpp"
#include "store/git.hpp"
#include "store/metadata.hpp"
#include "store/refs.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace guidetrack::store {
namespace fs = std::filesystem;
using namespace detail;

namespace {

constexpr const char* kStoreConfigKey = "guidetrack.store";
constexpr int kMaxAttempts = 200;

std::string branch_ref(std::string_view id) {
    return "refs/heads/" + std::string(id);
}
std::string tag_ref(std::string_view id, std::string_view label) {
    return "refs/tags/" + std::string(id) + "/" + std::string(label);
}

// A ref lock file left by a writer that was killed (SIGKILL, power loss) would make every later
// write of that document wait and fail. A ref lock lives only while a ref file is rewritten and
// renamed (microseconds to milliseconds), so one older than a few seconds is stale and is removed;
// the retry loops call this again while they wait, so a lock left by a writer killed just now is
// cleared before they give up.
void clear_stale_ref_locks(const std::filesystem::path& store, const std::string& id) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    auto clear = [&](const fs::path& lock) {
        auto mtime = fs::last_write_time(lock, ec);
        if (!ec && now - mtime > std::chrono::seconds(3))
            fs::remove(lock, ec);
    };
    clear(store / "refs" / "heads" / (id + ".lock"));
    clear(store / "packed-refs.lock");
    fs::path tags = store / "refs" / "tags" / id;
    if (fs::is_directory(tags, ec)) {
        for (const auto& entry : fs::directory_iterator(tags, ec))
            if (entry.path().extension() == ".lock")
                clear(entry.path());
    }
}

// The text of a user's argument, safe to echo in a one-line message: valid UTF-8, no controls.
std::string printable(std::string_view s) {
    std::string out = text::repair_utf8(s);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            c = '?';
    return out;
}

void backoff(int attempt) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    int cap = std::min(50, 2 + attempt * 2);
    std::uniform_int_distribution<int> ms(1, cap);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms(rng)));
}

} // namespace

std::vector<std::string> detail::branch_names_on_disk(const fs::path& store) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(store / "refs" / "heads", ec)) {
        std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && name.find('.') == std::string::npos)
            out.push_back(name);
    }
    std::FILE* f = std::fopen((store / "packed-refs").c_str(), "re");
    if (f) {
        char line[512];
        while (std::fgets(line, sizeof line, f)) {
            std::string_view l(line);
            auto at = l.find(" refs/heads/");
            if (at == std::string_view::npos || l[0] == '#' || l[0] == '^')
                continue;
            std::string_view name = l.substr(at + 12);
            while (!name.empty() && (name.back() == '\n' || name.back() == '\r'))
                name.remove_suffix(1);
            out.emplace_back(name);
        }
        std::fclose(f);
    }
    return out;
}

// ----- Opening ---------------------------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const fs::path& Store::path() const {
    return impl_->path;
}

namespace {

Result<std::unique_ptr<Store::Impl>> attach(const fs::path& dir) {
    auto impl = std::make_unique<Store::Impl>();
    impl->path = dir;
    git_repository* repo = nullptr;
    int rc = git_repository_open_ext(&repo, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc < 0)
        return input_error("'" + dir.string() +
                           "' is not a guidetrack store (create one with: guidetrack init)");
    impl->repo.reset(repo);
    if (!git_repository_is_bare(repo))
        return input_error("'" + dir.string() + "' is a git work tree, not a guidetrack store");
    git_config* cfg = nullptr;
    if ((rc = git_repository_config_snapshot(&cfg, repo)) < 0)
        return git_failure("reading the store's config", rc);
    ConfigPtr config(cfg);
    int marker = 0;
    if (git_config_get_bool(&marker, cfg, kStoreConfigKey) < 0 || !marker)
        return input_error("'" + dir.string() + "' is a git repository but not a guidetrack store");
    git_odb* odb = nullptr;
    if ((rc = git_repository_odb(&odb, repo)) < 0)
        return git_failure("opening the object database", rc);
    impl->odb.reset(odb);
    if ((rc = git_mempack_new(&impl->mempack)) < 0)
        return git_failure("creating the in-memory pack", rc);
    // Highest priority, so that every write goes to memory first (and reads see those objects).
    if ((rc = git_odb_add_backend(odb, impl->mempack, 1000)) < 0)
        return git_failure("adding the in-memory pack", rc);
    return impl;
}

} // namespace

Result<void> Store::Impl::reopen() {
    GT_TRY(auto fresh, attach(path));
    // The handles retired by the previous reopen (an earlier write, long finished) go now.
    retired = {std::move(repo), std::move(odb)};
    repo = std::move(fresh->repo);
    odb = std::move(fresh->odb);
    mempack = fresh->mempack;
    written.clear();
    return {};
}

Result<Store> Store::open(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return input_error("no store at '" + dir.string() +
                           "' (create one with: guidetrack init, or choose one with --store)");
    if (!fs::is_directory(dir, ec))
        return input_error("'" + dir.string() + "' is not a folder, so not a guidetrack store");
    GT_TRY(auto impl, attach(dir));
    return Store(std::move(impl));
}

Result<Store> Store::init(const fs::path& dir) {
    std::error_code ec;
    bool exists = fs::exists(dir, ec);
    if (ec) // a loop of symbolic links, a file where a folder should be, no permission
        return input_error("cannot use '" + dir.string() + "' as the store: " + ec.message());
    if (exists) {
        if (!fs::is_directory(dir, ec))
            return input_error("'" + dir.string() + "' exists and is not a folder");
        if (attach(dir).ok())
            return input_error("'" + dir.string() + "' is already a guidetrack store");
        if (!fs::is_empty(dir, ec))
            return input_error("'" + dir.string() +
                               "' is a folder that is not empty and not a guidetrack store");
    }
    detail::LibGuard guard;
    // The _init functions, not the _INIT macros: clang warns that the macros leave fields out.
    git_repository_init_options opts;
    git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
    opts.description = "guidetrack store: one branch per document, one tag per version\n";
    git_repository* repo = nullptr;
    int rc = git_repository_init_ext(&repo, dir.c_str(), &opts);
    if (rc < 0)
        return git_failure("creating a store at '" + dir.string() + "'", rc);
    RepoPtr owned(repo);
    git_config* cfg = nullptr;
    if ((rc = git_repository_config(&cfg, repo)) < 0)
        return git_failure("configuring the store", rc);
    ConfigPtr config(cfg);
    if ((rc = git_config_set_bool(cfg, kStoreConfigKey, 1)) < 0 ||
        (rc = git_config_set_bool(cfg, "core.logAllRefUpdates", 0)) < 0)
        return git_failure("configuring the store", rc);
    owned.reset();
    return open(dir);
}

// ----- Reading ---------------------------------------------------------------------------------

namespace {

struct Reader {
    git_repository* repo;

    Result<std::optional<git_oid>> tip(std::string_view id) const {
        git_oid oid;
        int rc = git_reference_name_to_id(&oid, repo, branch_ref(id).c_str());
        if (rc == GIT_ENOTFOUND)
            return std::optional<git_oid>{};
        if (rc < 0)
            return git_failure("reading the branch of '" + std::string(id) + "'", rc);
        return std::optional<git_oid>{oid};
    }

    Result<CommitPtr> commit(const git_oid& oid) const {
        git_commit* c = nullptr;
        int rc = git_commit_lookup(&c, repo, &oid);
        if (rc < 0)
            return read_failure("commit " + oid_hex(oid), rc);
        return CommitPtr(c);
    }

    Result<TreePtr> tree(const git_commit* c) const {
        git_tree* t = nullptr;
        int rc = git_commit_tree(&t, c);
        if (rc < 0)
            return read_failure("the tree of commit " + oid_hex(*git_commit_id(c)), rc);
        return TreePtr(t);
    }

    // The blob at path in the tree, or nullopt if there is none.
    Result<std::optional<std::string>> blob_at(const git_tree* tree,
                                               const std::string& path) const {
        git_tree_entry* e = nullptr;
        int rc = git_tree_entry_bypath(&e, tree, path.c_str());
        if (rc == GIT_ENOTFOUND)
            return std::optional<std::string>{};
        if (rc < 0)
            return git_failure("reading " + path, rc);
        TreeEntryPtr entry(e);
        git_blob* b = nullptr;
        if ((rc = git_blob_lookup(&b, repo, git_tree_entry_id(e))) < 0)
            return read_failure(path + " (" + oid_hex(*git_tree_entry_id(e)) + ")", rc);
        BlobPtr blob(b);
        const char* data = static_cast<const char*>(git_blob_rawcontent(b));
        return std::optional<std::string>{
            std::string(data, static_cast<std::size_t>(git_blob_rawsize(b)))};
    }

    Result<DocumentInfo> document_at(std::string_view id, const git_oid& tip_oid) const {
        GT_TRY(auto c, commit(tip_oid));
        GT_TRY(auto t, tree(c.get()));
        GT_TRY(auto blob, blob_at(t.get(), "document.json"));
        if (!blob)
            return runtime_error("document '" + std::string(id) + "' has no document.json");
        auto j = nlohmann::json::parse(*blob, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return runtime_error("document '" + std::string(id) + "' has a broken document.json");
        DocumentInfo d = document_from_json(j);
        d.id = std::string(id);
        return d;
    }

    // Walk the document's branch from its tip, newest first. Versions are commits with a
    // Version trailer that are not technical upgrades. Stops after `limit` versions.
    Result<std::vector<VersionInfo>> versions_from(const git_oid& tip_oid,
                                                   std::size_t limit = SIZE_MAX) const {
        std::vector<VersionInfo> out;
        GT_TRY(auto c, commit(tip_oid));
        // Re-extracted texts live under upgrades/ in the tip's tree.
        GT_TRY(auto tip_tree, tree(c.get()));
        git_tree_entry* up = nullptr;
        TreePtr upgrades;
        if (git_tree_entry_bypath(&up, tip_tree.get(), "upgrades") == 0) {
            TreeEntryPtr entry(up);
            git_tree* t = nullptr;
            if (git_tree_lookup(&t, repo, git_tree_entry_id(up)) == 0)
                upgrades.reset(t);
        }
        // The walk reads each commit's bytes (its first parent and its message) rather than
        // parsing it as a libgit2 commit (signatures, an object cache entry): log reads thousands.
        git_odb* raw_odb = nullptr;
        if (int rc = git_repository_odb(&raw_odb, repo); rc < 0)
            return git_failure("opening the store's objects", rc);
        OdbPtr odb(raw_odb);
        git_oid at = *git_commit_id(c.get());
        c.reset();
        while (out.size() < limit) {
            git_odb_object* raw = nullptr;
            if (int rc = git_odb_read(&raw, odb.get(), &at); rc < 0)
                return read_failure("commit " + oid_hex(at), rc);
            std::unique_ptr<git_odb_object, void (*)(git_odb_object*)> object(raw,
                                                                              git_odb_object_free);
            if (git_odb_object_type(raw) != GIT_OBJECT_COMMIT)
                return runtime_error("the store is damaged: " + oid_hex(at) + " is not a commit");
            auto fields = parse_commit(std::string_view(
                static_cast<const char*>(git_odb_object_data(raw)), git_odb_object_size(raw)));
            if (!fields)
                return runtime_error("the store is damaged: commit " + oid_hex(at) +
                                     " cannot be read (no tree, or a parent that is not an id)");
            Trailers tr = read_trailers(fields->message);
            if (!tr.version.empty() && !tr.technical && tr.complete) {
                VersionInfo v = std::move(tr.info);
                v.commit = oid_hex(at);
                v.number = tr.count;
                if (upgrades && git_tree_entry_byname(upgrades.get(), (v.commit + ".md").c_str()))
                    v.technical = true;
                out.push_back(std::move(v));
            } else if (!tr.version.empty() && !tr.technical) {
                GT_TRY(auto cc, commit(at));
                GT_TRY(auto t, tree(cc.get()));
                GT_TRY(auto blob, blob_at(t.get(), "version.json"));
                if (!blob)
                    return runtime_error("version commit " + oid_hex(at) + " has no version.json");
                auto j = nlohmann::json::parse(*blob, nullptr, false);
                if (j.is_discarded() || !j.is_object())
                    return runtime_error("broken version.json in commit " + oid_hex(at));
                VersionInfo v = version_from_json(j);
                v.commit = oid_hex(at);
                v.number = tr.count;
                if (upgrades && git_tree_entry_byname(upgrades.get(), (v.commit + ".md").c_str()))
                    v.technical = true;
                out.push_back(std::move(v));
            }
            if (!fields->parent)
                break;
            at = *fields->parent;
        }
        return out;
    }

    Result<std::string> text_of(const git_oid& tip_oid, const VersionInfo& v) const {
        GT_TRY(auto tc, commit(tip_oid));
        GT_TRY(auto tt, tree(tc.get()));
        GT_TRY(auto upgraded, blob_at(tt.get(), "upgrades/" + v.commit + ".md"));
        if (upgraded)
            return std::move(*upgraded);
        git_oid oid;
        if (git_oid_fromstr(&oid, v.commit.c_str()) < 0)
            return input_error("invalid commit id '" + v.commit + "'");
        GT_TRY(auto c, commit(oid));
        GT_TRY(auto t, tree(c.get()));
        GT_TRY(auto text, blob_at(t.get(), "text.md"));
        if (!text)
            return runtime_error("version " + v.label + " has no text.md");
        return std::move(*text);
    }
};

Result<SignaturePtr> signature() {
    git_signature* sig = nullptr;
    int rc = git_signature_new(&sig, "guidetrack", "guidetrack@localhost",
                               static_cast<git_time_t>(std::time(nullptr)), 0);
    if (rc < 0)
        return git_failure("making a signature", rc);
    return SignaturePtr(sig);
}

} // namespace

Result<bool> Store::has_document(std::string_view id) const {
    GT_CHECK(validate_id(id));
    GT_TRY(auto tip, (Reader{impl_->repo.get()}.tip(id)));
    return tip.has_value();
}

Result<DocumentInfo> Store::document(std::string_view id) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    GT_TRY(auto tip, r.tip(id));
    if (!tip)
        return input_error("unknown document '" + std::string(id) +
                           "' (add it with: guidetrack track " + std::string(id) + " --title ...)");
    return r.document_at(id, *tip);
}

Result<Listing> Store::scan() const {
    // libgit2's branch iterator silently skips a ref file it cannot parse, so the names are also
    // read from disk: a corrupt ref must show up as damaged, not vanish.
    std::set<std::string> names;
    for (auto& name : detail::branch_names_on_disk(impl_->path))
        names.insert(std::move(name));
    git_branch_iterator* it_raw = nullptr;
    int rc = git_branch_iterator_new(&it_raw, impl_->repo.get(), GIT_BRANCH_LOCAL);
    if (rc < 0)
        return git_failure("listing documents", rc);
    BranchIterPtr it(it_raw);
    git_reference* ref = nullptr;
    git_branch_t type;
    while ((rc = git_branch_next(&ref, &type, it.get())) == 0) {
        RefPtr owned(ref);
        const char* name = nullptr;
        if (git_branch_name(&name, ref) == 0)
            names.insert(name);
    }
    if (rc != GIT_ITEROVER)
        return git_failure("listing documents", rc);
    Listing out;
    Reader r{impl_->repo.get()};
    for (const auto& name : names) {
        if (!validate_id(name).ok())
            continue; // not one of ours
        auto tip = r.tip(name);
        if (!tip.ok() || !*tip) {
            out.damaged.push_back({name, tip.ok()
                                             ? "its branch refs/heads/" + name + " names no commit"
                                             : printable(tip.error().message)});
            continue;
        }
        auto doc = r.document_at(name, **tip);
        if (!doc.ok()) {
            out.damaged.push_back({name, printable(doc.error().message)});
            continue;
        }
        out.documents.push_back(std::move(*doc));
    }
    return out;
}

std::string damaged_message(const DamagedDocument& d) {
    if (d.problem.find("damaged") != std::string::npos)
        return "document '" + d.id + "': " + d.problem;
    return "document '" + d.id + "' is damaged: " + d.problem;
}

Result<std::vector<DocumentInfo>> Store::documents() const {
    GT_TRY(auto listing, scan());
    if (!listing.damaged.empty()) {
        const auto& d = listing.damaged.front();
        std::string more =
            listing.damaged.size() > 1
                ? " (and " + std::to_string(listing.damaged.size() - 1) + " more damaged)"
                : "";
        return runtime_error(damaged_message(d) + more +
                             (d.problem.find("guidetrack fsck") == std::string::npos
                                  ? "; run guidetrack fsck"
                                  : ""));
    }
    return std::move(listing.documents);
}

Result<std::vector<VersionInfo>> Store::versions(std::string_view id) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    GT_TRY(auto tip, r.tip(id));
    if (!tip)
        return input_error("unknown document '" + std::string(id) + "'");
    return r.versions_from(*tip);
}

Result<Store::Summary> Store::summary(std::string_view id) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    GT_TRY(auto tip, r.tip(id));
    if (!tip)
        return input_error("unknown document '" + std::string(id) + "'");
    GT_TRY(auto vs, r.versions_from(*tip, 1));
    Summary s;
    if (vs.empty())
        return s;
    s.versions = vs.front().number;
    if (s.versions == 0) {
        GT_TRY(auto all, r.versions_from(*tip));
        s.versions = all.size();
    }
    s.latest = std::move(vs.front());
    return s;
}

Result<VersionInfo> Store::latest(std::string_view id) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    GT_TRY(auto tip, r.tip(id));
    if (!tip)
        return input_error("unknown document '" + std::string(id) + "'");
    GT_TRY(auto vs, r.versions_from(*tip, 1));
    if (vs.empty())
        return input_error("document '" + std::string(id) + "' has no versions yet");
    return vs.front();
}

Result<VersionInfo> Store::resolve(std::string_view id, std::string_view selector) const {
    GT_TRY(auto vs, versions(id));
    std::string doc(id), sel = printable(selector);
    if (vs.empty())
        return input_error("document '" + doc + "' has no versions yet");
    auto unknown = [&]() {
        std::string known;
        for (std::size_t i = 0; i < vs.size() && i < 5; ++i)
            known += (i ? ", " : "") + vs[i].label;
        if (vs.size() > 5)
            known += ", ...";
        return input_error("unknown version '" + sel + "' of '" + doc + "' (known: " + known + ")");
    };
    // An explicit kind (label:, date:, commit:) picks one reading; a bare selector is read every
    // way it can be, and must name one version.
    enum Kinds { kLabel = 1, kDate = 2, kCommit = 4 };
    int kinds = kLabel | kDate | kCommit;
    std::string_view body = selector;
    static const std::pair<std::string_view, int> kPrefixes[] = {
        {"label:", kLabel}, {"date:", kDate}, {"commit:", kCommit}};
    for (const auto& [prefix, kind] : kPrefixes)
        if (body.rfind(prefix, 0) == 0) {
            body.remove_prefix(prefix.size());
            kinds = kind;
            break;
        }
    const std::string b(body);
    if (kinds == (kLabel | kDate | kCommit)) {
        if (b.empty() || b == "latest")
            return vs.front();
        if (b.rfind("latest~", 0) == 0) {
            std::string n = b.substr(7);
            if (n.empty() || n.size() > 9 ||
                !std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(c); }))
                return input_error("invalid version '" + sel + "' (expected latest~N)");
            std::size_t k = std::stoul(n);
            if (k >= vs.size())
                return input_error("'" + doc + "' has only " + std::to_string(vs.size()) +
                                   " version(s): " + sel + " does not exist");
            return vs[k];
        }
    }
    struct Candidate {
        const VersionInfo* v;
        std::string how; // the explicit selector that names it
    };
    std::vector<Candidate> found;
    auto add = [&](const VersionInfo& v, std::string how) {
        for (const auto& c : found)
            if (c.v == &v)
                return;
        found.push_back({&v, std::move(how)});
    };
    if (kinds & kLabel)
        for (const auto& v : vs)
            if (v.label == b)
                add(v, "label:" + v.label);
    if ((kinds & kDate) && validate_date(b).ok()) {
        for (const auto& v : vs) // newest first: the latest version of that date
            if (v.date == b) {
                add(v, "date:" + v.date);
                break;
            }
    }
    if ((kinds & kCommit) && looks_like_commit_id(b))
        for (const auto& v : vs)
            if (v.commit.compare(0, b.size(), b) == 0)
                add(v, "commit:" + v.commit.substr(0, 12));
    if (found.size() == 1)
        return *found.front().v;
    if (found.empty()) {
        if (kinds == kDate && !validate_date(b).ok())
            return input_error("invalid date in '" + sel + "' (expected date:YYYY-MM-DD)");
        return unknown();
    }
    std::string list;
    for (std::size_t i = 0; i < found.size() && i < 6; ++i)
        list += std::string(i ? ", " : "") + found[i].how + " (version " + found[i].v->label +
                ", commit " + found[i].v->commit.substr(0, 8) + ")";
    if (found.size() > 6)
        list += ", ...";
    return input_error("version '" + sel + "' of '" + doc + "' is ambiguous: it could be " + list +
                       "; give one of these");
}

Result<std::string> Store::stored_text(std::string_view id, const VersionInfo& v) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    GT_TRY(auto tip, r.tip(id));
    if (!tip)
        return input_error("unknown document '" + std::string(id) + "'");
    return r.text_of(*tip, v);
}

Result<model::Document> Store::stored_document(std::string_view id, const VersionInfo& v) const {
    GT_TRY(auto t, stored_text(id, v));
    return model::parse_stored_text(t);
}

Result<std::string> Store::original(std::string_view id, const VersionInfo& v) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    git_oid oid;
    if (git_oid_fromstr(&oid, v.commit.c_str()) < 0)
        return input_error("invalid commit id '" + v.commit + "'");
    GT_TRY(auto c, r.commit(oid));
    GT_TRY(auto t, r.tree(c.get()));
    GT_TRY(auto blob, r.blob_at(t.get(), "original." + (v.format.empty() ? "txt" : v.format)));
    if (!blob)
        return runtime_error("version " + v.label + " of '" + std::string(id) +
                             "' has no original");
    return std::move(*blob);
}

// ----- Writing ---------------------------------------------------------------------------------

namespace {

// A tree being built: name -> (mode, id). Written in git's tree order by Writer::write_tree.
struct TreeDraft {
    struct Entry {
        git_filemode_t mode;
        git_oid id;
    };
    std::map<std::string, Entry> entries;
};

struct Writer {
    Store::Impl& impl;

    // Objects go straight into the in-memory pack. Going through git_odb_write would first look
    // for the object on disk, and every miss there rescans the pack folder: most of the cost of
    // a snapshot, for objects that are new by construction.
    Result<git_oid> object(git_object_t type, const void* data, std::size_t size) {
        git_oid oid;
        int rc = git_odb_hash(&oid, data, size, type);
        if (rc >= 0)
            rc = impl.mempack->write(impl.mempack, &oid, data, size, type);
        if (rc < 0)
            return git_failure("writing an object", rc);
        impl.written.push_back({oid, type});
        return oid;
    }

    Result<git_oid> blob(std::string_view data) {
        return object(GIT_OBJECT_BLOB, data.data(), data.size());
    }

    Result<TreeDraft> builder(const git_tree* base) {
        TreeDraft draft;
        if (base) {
            for (std::size_t i = 0, n = git_tree_entrycount(base); i < n; ++i) {
                const git_tree_entry* e = git_tree_entry_byindex(base, i);
                draft.entries[git_tree_entry_name(e)] = {git_tree_entry_filemode(e),
                                                         *git_tree_entry_id(e)};
            }
        }
        return draft;
    }

    Result<void> put(TreeDraft& tb, const std::string& name, const git_oid& oid,
                     git_filemode_t mode = GIT_FILEMODE_BLOB) {
        tb.entries[name] = {mode, oid};
        return {};
    }

    Result<git_oid> write_tree(const TreeDraft& tb) {
        std::string buf = tree_bytes(tb);
        return object(GIT_OBJECT_TREE, buf.data(), buf.size());
    }

    // A tree object's bytes, in git's order.
    static std::string tree_bytes(const TreeDraft& tb) {
        // git orders tree entries by name, comparing a subtree's name as if it ended in '/'.
        std::vector<std::pair<std::string, const TreeDraft::Entry*>> order;
        for (const auto& [name, e] : tb.entries)
            order.emplace_back(name + (e.mode == GIT_FILEMODE_TREE ? "/" : ""), &e);
        std::sort(order.begin(), order.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string buf;
        for (const auto& [key, e] : order) {
            char mode[16];
            std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(e->mode));
            buf += mode;
            buf += ' ';
            buf += e->mode == GIT_FILEMODE_TREE ? key.substr(0, key.size() - 1) : key;
            buf += '\0';
            buf.append(reinterpret_cast<const char*>(e->id.id), GIT_OID_RAWSZ);
        }
        return buf;
    }

    // A commit in the in-memory pack; no ref moves here.
    Result<git_oid> commit(const git_oid& tree_oid, const git_commit* parent,
                           const std::string& message) {
        std::string bytes;
        return commit(tree_oid, parent, message, bytes);
    }
    // The same, also giving the commit object's bytes.
    Result<git_oid> commit(const git_oid& tree_oid, const git_commit* parent,
                           const std::string& message, std::string& bytes) {
        GT_TRY(auto sig, signature());
        git_tree* t = nullptr;
        int rc = git_tree_lookup(&t, impl.repo.get(), &tree_oid);
        if (rc < 0)
            return git_failure("reading a new tree", rc);
        TreePtr tree(t);
        git_buf buf = GIT_BUF_INIT;
        const git_commit* parents[1] = {parent};
        rc = git_commit_create_buffer(&buf, impl.repo.get(), sig.get(), sig.get(), "UTF-8",
                                      message.c_str(), tree.get(), parent ? 1 : 0, parents);
        if (rc < 0)
            return git_failure("writing a commit", rc);
        auto oid = object(GIT_OBJECT_COMMIT, buf.ptr, buf.size);
        bytes.assign(buf.ptr, buf.size);
        git_buf_dispose(&buf);
        return oid;
    }

    // Objects to disk, then the branch: create it (expected == nullopt) or compare-and-swap.
    // Returns false when another writer got there first.
    Result<bool> publish(std::string_view id, const git_oid& new_tip,
                         const std::optional<git_oid>& expected) {
        GT_CHECK(impl.flush());
        GT_TRY(RefWrite w, write_ref(impl.path, branch_ref(id), new_tip, expected));
        return w == RefWrite::done;
    }

    bool tag_exists(std::string_view id, std::string_view label) {
        auto v = read_ref(impl.path, tag_ref(id, label));
        return !v.ok() || v->exists; // unreadable: taken, so that it is never written over
    }
};

} // namespace

Result<void> Store::track(const DocumentInfo& info_in) {
    GT_CHECK(validate_id(info_in.id));
    if (info_in.title.empty())
        return input_error("a document needs a title (--title)");
    if (!std::all_of(info_in.format.begin(), info_in.format.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; }))
        return input_error("unknown format '" + info_in.format + "'");
    DocumentInfo info = info_in;
    Reader r{impl_->repo.get()};
    Writer w{*impl_};
    clear_stale_ref_locks(impl_->path, info.id);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        if (attempt % 20 == 19)
            clear_stale_ref_locks(impl_->path, info.id);
        GT_TRY(auto tip, r.tip(info.id));
        TreePtr base;
        CommitPtr parent;
        if (tip) {
            GT_TRY(auto current, r.document_at(info.id, *tip));
            if (current == info)
                return {};
            GT_TRY(auto c, r.commit(*tip));
            GT_TRY(auto t, r.tree(c.get()));
            parent = std::move(c);
            base = std::move(t);
        }
        GT_TRY(auto tb, w.builder(base.get()));
        GT_TRY(auto doc_blob, w.blob(json_text(document_json(info))));
        GT_CHECK(w.put(tb, "document.json", doc_blob));
        GT_TRY(auto tree, w.write_tree(tb));
        GT_TRY(auto commit, w.commit(tree, parent.get(), document_message(info, tip.has_value())));
        GT_TRY(bool done, w.publish(info.id, commit, tip));
        if (done) {
            // Each track writes a pack, as a snapshot does: merged the same way, or tracking a
            // catalogue of thousands of documents left thousands of packs, and every write
            // scanned them all (remove_leftover_packs).
            (void)impl_->maybe_consolidate(false);
            return {};
        }
        backoff(attempt);
    }
    return runtime_error("the store is busy (another writer kept moving '" + info.id +
                         "'); try again");
}

namespace {

// A version ready to record: its extracted text, plain text and metadata (no label, no counts).
struct Prepared {
    VersionInfo v;
    std::string text, plain, original_name;
};

// Everything a snapshot does before it looks at the store's history: checks, texts, hashes.
std::string input_name(const SnapshotRequest& req) {
    return req.source.empty() ? std::string("input") : "'" + req.source + "'";
}

// The checks that need no store: size, label, date.
Result<void> check_request(const SnapshotRequest& req) {
    std::string what = input_name(req);
    if (req.original.empty())
        return input_error(what + " is empty: nothing to record");
    if (req.original.size() > req.max_bytes)
        return input_error(what + " is " + std::to_string(req.original.size()) +
                           " bytes, over the size limit of " + std::to_string(req.max_bytes) +
                           " bytes (see --max-size)");
    if (!req.label.empty())
        GT_CHECK(validate_label(req.label));
    if (!req.date.empty())
        GT_CHECK(validate_date(req.date));
    // A label shaped like a date would shadow the versions published on that date.
    if (!req.label.empty() && validate_date(req.label).ok() && req.label != req.date)
        return input_error("invalid version label '" + req.label +
                           "': it looks like a date, and would hide the version published on "
                           "that date (give the date with --date " +
                           req.label + ", or a label such as 'v" + req.label + "')");
    return {};
}

// The version of req.document (extracted by the caller, app::snapshot): text, plain text and
// metadata. The store does not extract.
Result<Prepared> prepare_version(const SnapshotRequest& req) {
    GT_CHECK(check_request(req));
    std::string what = input_name(req);
    if (req.document.blocks.empty())
        return input_error(what + " has no text: an empty document");
    if (req.format.empty())
        return input_error(what + ": no format given");
    const model::Document* extracted = &req.document;
    Prepared p;
    p.text = model::write_stored_text(*extracted);
    p.plain = model::plain_text(*extracted);
    VersionInfo& v = p.v;
    v.date = req.date;
    v.retrieved_at = req.retrieved_at.empty() ? text::utc_now_iso8601() : req.retrieved_at;
    v.sha256 = text::sha256_hex(req.original);
    v.source = req.source;
    v.format = req.format;
    v.note = req.note;
    v.publisher_note = req.publisher_note;
    v.date_source = req.date_source;
    v.tool_version = GUIDETRACK_VERSION;
    v.size = req.original.size();
    v.words = model::word_count(*extracted);
    p.original_name = "original." + v.format;
    return p;
}

} // namespace

Result<SnapshotResult> Store::snapshot(const SnapshotRequest& req) {
    GT_CHECK(validate_id(req.id));
    const std::string& id = req.id;
    GT_CHECK(check_request(req));
    GT_TRY(auto doc, document(id));
    (void)doc;
    GT_TRY(Prepared prepared, prepare_version(req));
    VersionInfo& v = prepared.v;
    const std::string& text = prepared.text;
    const std::string& plain = prepared.plain;
    const std::string& original_name = prepared.original_name;

    Reader r{impl_->repo.get()};
    Writer w{*impl_};
    clear_stale_ref_locks(impl_->path, id);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        if (attempt % 20 == 19)
            clear_stale_ref_locks(impl_->path, id);
        GT_TRY(auto tip, r.tip(id));
        if (!tip)
            return input_error("unknown document '" + id + "'");
        GT_TRY(auto latest, r.versions_from(*tip, 1));
        // The version's number in the history, kept in its commit so that `list` reads the tip
        // only. A history written before Version-count is counted once here.
        std::size_t number = 1;
        if (!latest.empty()) {
            if (latest.front().number > 0) {
                number = latest.front().number + 1;
            } else {
                GT_TRY(auto all, r.versions_from(*tip));
                number = all.size() + 1;
            }
        }
        std::string previous_plain;
        if (!latest.empty()) {
            // Same bytes, or same text: nothing new to record. The same document written in an
            // older stored-text spelling ("\\12." for "12\\.") is the same text too.
            GT_TRY(auto prev, r.text_of(*tip, latest.front()));
            auto same_document = [&] {
                auto parsed = model::parse_stored_text(prev);
                return parsed.ok() && *parsed == req.document;
            };
            if (latest.front().sha256 == v.sha256 || prev == text || same_document())
                return SnapshotResult{SnapshotStatus::unchanged, latest.front()};
            // Count words on plain text, as model::word_count does, not on the markup.
            auto prev_doc = model::parse_stored_text(prev);
            previous_plain = prev_doc.ok() ? model::plain_text(*prev_doc) : prev;
        }
        if (!req.label.empty()) {
            if (w.tag_exists(id, req.label))
                return input_error("label '" + req.label + "' is already used by a version of '" +
                                   id + "' (choose another with --label)");
            v.label = req.label;
        } else {
            std::string base = !v.date.empty() ? v.date : v.retrieved_at.substr(0, 10);
            v.label = base;
            for (int n = 2; w.tag_exists(id, v.label); ++n)
                v.label = base + "-" + std::to_string(n);
        }
        if (latest.empty()) {
            v.words_added = v.words;
            v.words_removed = 0;
        } else {
            auto [added, removed] = text::word_delta(previous_plain, plain);
            v.words_added = added;
            v.words_removed = removed;
        }

        GT_TRY(auto parent, r.commit(*tip));
        GT_TRY(auto base_tree, r.tree(parent.get()));
        GT_TRY(auto tb, w.builder(base_tree.get()));
        // Drop the previous original if its format differs.
        std::erase_if(tb.entries, [&](const auto& entry) {
            return entry.first.rfind("original.", 0) == 0 && entry.first != original_name;
        });
        GT_TRY(auto original_blob, w.blob(req.original));
        GT_TRY(auto text_blob, w.blob(text));
        GT_TRY(auto version_blob, w.blob(json_text(version_json(v, original_name))));
        GT_CHECK(w.put(tb, original_name, original_blob));
        GT_CHECK(w.put(tb, "text.md", text_blob));
        GT_CHECK(w.put(tb, "version.json", version_blob));
        GT_TRY(auto tree, w.write_tree(tb));

        std::string msg = version_message(id, v, number);
        GT_TRY(auto commit, w.commit(tree, parent.get(), msg));
        GT_CHECK(impl_->flush());

        // The version's tag and the branch move together (one ref transaction), so that a tag
        // never points outside its document's history.
        GT_TRY(RefOutcome moved, write_refs(impl_->path, {{tag_ref(id, v.label), commit, {}},
                                                          {branch_ref(id), commit, tip}}));
        if (moved.result != RefWrite::done) {
            if (moved.result == RefWrite::exists && !req.label.empty())
                return input_error("label '" + req.label + "' is already used by a version of '" +
                                   id + "'");
            backoff(attempt);
            continue;
        }
        v.commit = oid_hex(commit);
        v.number = number;
        // A failed merge loses nothing (the packs stay as they were): the snapshot stands.
        (void)impl_->maybe_consolidate(false);
        return SnapshotResult{SnapshotStatus::recorded, v};
    }
    return runtime_error("the store is busy (another writer kept moving '" + id + "'); try again");
}

Result<ReextractResult> Store::reextract(std::string_view id_view, const Extractor& extract) {
    GT_CHECK(validate_id(id_view));
    const std::string id(id_view);
    Reader r{impl_->repo.get()};
    Writer w{*impl_};
    clear_stale_ref_locks(impl_->path, id);
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        if (attempt % 20 == 19)
            clear_stale_ref_locks(impl_->path, id);
        GT_TRY(auto tip, r.tip(id));
        if (!tip)
            return input_error("unknown document '" + id + "'");
        GT_TRY(auto vs, r.versions_from(*tip));
        ReextractResult result;
        result.id = id;
        struct Change {
            std::string commit, label, text;
        };
        std::vector<Change> changes;
        bool latest_changed = false;
        for (std::size_t i = vs.size(); i-- > 0;) { // oldest first
            const VersionInfo& v = vs[i];
            GT_TRY(auto bytes, original(id, v));
            GT_TRY(auto current, r.text_of(*tip, v));
            ++result.versions;
            auto doc = extract(bytes, v.format);
            if (!doc.ok()) {
                result.failed.push_back(v.label + ": " + doc.error().message);
                continue;
            }
            std::string text = model::write_stored_text(*doc);
            if (text == current || doc->blocks.empty())
                continue;
            changes.push_back({v.commit, v.label, std::move(text)});
            result.changed.push_back(v.label);
            if (i == 0)
                latest_changed = true;
        }
        if (changes.empty())
            return result;

        GT_TRY(auto parent, r.commit(*tip));
        GT_TRY(auto base_tree, r.tree(parent.get()));
        TreePtr up_tree;
        git_tree_entry* up = nullptr;
        if (git_tree_entry_bypath(&up, base_tree.get(), "upgrades") == 0) {
            TreeEntryPtr e(up);
            git_tree* t = nullptr;
            int rc = git_tree_lookup(&t, impl_->repo.get(), git_tree_entry_id(up));
            if (rc < 0)
                return git_failure("reading upgrades/", rc);
            up_tree.reset(t);
        }
        GT_TRY(auto up_builder, w.builder(up_tree.get()));
        for (const auto& c : changes) {
            GT_TRY(auto b, w.blob(c.text));
            GT_CHECK(w.put(up_builder, c.commit + ".md", b));
        }
        GT_TRY(auto up_oid, w.write_tree(up_builder));
        GT_TRY(auto tb, w.builder(base_tree.get()));
        GT_CHECK(w.put(tb, "upgrades", up_oid, GIT_FILEMODE_TREE));
        if (latest_changed) {
            GT_TRY(auto b, w.blob(changes.back().text));
            GT_CHECK(w.put(tb, "text.md", b));
        }
        GT_TRY(auto tree, w.write_tree(tb));
        std::string msg = id + ": re-extract the text of " + std::to_string(changes.size()) +
                          " version" + (changes.size() == 1 ? "" : "s") +
                          " (technical upgrade)\n\nThe originals are unchanged; guidetrack " +
                          GUIDETRACK_VERSION +
                          " extracts their text differently.\n\nDocument: " + id + "\n";
        for (const auto& c : changes)
            msg += "Upgraded-version: " + c.label + "\n";
        msg += "Tool-version: " + std::string(GUIDETRACK_VERSION) + "\nTechnical-upgrade: yes\n";
        GT_TRY(auto commit, w.commit(tree, parent.get(), msg));
        GT_TRY(bool done, w.publish(id, commit, tip));
        if (done) {
            result.commit = oid_hex(commit);
            (void)impl_->maybe_consolidate(false);
            return result;
        }
        backoff(attempt);
    }
    return runtime_error("the store is busy (another writer kept moving '" + id + "'); try again");
}

// ----- Import: many versions, one pack and one ref update per batch --------------------------

namespace {

// Adds lightweight tags to packed-refs in one write, under packed-refs.lock (the lock git and
// libgit2 take to rewrite that file), keeping it sorted. The names must be new.
Result<void> add_packed_refs(const fs::path& store,
                             const std::vector<std::pair<std::string, git_oid>>& refs) {
    const fs::path file = store / "packed-refs", lock = store / "packed-refs.lock";
    int fd = -1;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        fd = ::open(lock.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (fd >= 0 || errno != EEXIST)
            break;
        if (attempt % 20 == 19)
            clear_stale_ref_locks(store, "");
        backoff(attempt);
    }
    if (fd < 0)
        return runtime_error("the store is busy (cannot lock " + lock.string() + "); try again");
    auto fail = [&](const std::string& what) {
        ::close(fd);
        std::error_code ec;
        fs::remove(lock, ec);
        return runtime_error(what);
    };
    std::string header = "# pack-refs with: peeled fully-peeled sorted \n";
    std::vector<std::pair<std::string, std::string>> entries; // name -> its lines
    {
        std::ifstream in(file, std::ios::binary);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty())
                continue;
            if (line[0] == '#') {
                header = line + "\n";
            } else if (line[0] == '^') {
                if (!entries.empty())
                    entries.back().second += line + "\n";
            } else {
                std::size_t sp = line.find(' ');
                if (sp == std::string::npos)
                    return fail("cannot read " + file.string() + ": unexpected line");
                entries.emplace_back(line.substr(sp + 1), line + "\n");
            }
        }
    }
    for (const auto& [name, oid] : refs)
        entries.emplace_back(name, oid_hex(oid) + " " + name + "\n");
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = header;
    for (const auto& e : entries)
        out += e.second;
    if (write_all(fd, out) != 0 || ::fsync(fd) != 0)
        return fail("writing " + lock.string() + " failed");
    ::close(fd);
    std::error_code ec;
    fs::rename(lock, file, ec);
    if (ec) {
        fs::remove(lock, ec);
        return runtime_error("replacing " + file.string() + " failed: " + ec.message());
    }
    return {};
}

constexpr std::size_t kMaxBatchBytes = 64u << 20;

} // namespace

Result<ImportResult> Store::import(std::string_view id_view, const ImportSource& next,
                                   std::size_t batch_size) {
    GT_CHECK(validate_id(id_view));
    const std::string id(id_view);
    if (batch_size == 0)
        batch_size = 1;
    GT_TRY(auto doc, document(id));
    (void)doc; // the document must be tracked
    Reader r{impl_->repo.get()};
    Writer w{*impl_};
    clear_stale_ref_locks(impl_->path, id);
    ImportResult result;

    // What the next version is compared with and numbered after: the latest version.
    std::optional<git_oid> built_on; // the tip the state below belongs to
    std::string prev_text, prev_plain, prev_sha;
    std::size_t number = 0;
    auto load_state = [&](const git_oid& tip) -> Result<void> {
        GT_TRY(auto latest, r.versions_from(tip, 1));
        prev_text.clear();
        prev_plain.clear();
        prev_sha.clear();
        number = 0;
        if (!latest.empty()) {
            GT_TRY(auto prev, r.text_of(tip, latest.front()));
            prev_text = std::move(prev);
            auto prev_doc = model::parse_stored_text(prev_text);
            prev_plain = prev_doc.ok() ? model::plain_text(*prev_doc) : prev_text;
            prev_sha = latest.front().sha256;
            number = latest.front().number;
            if (number == 0) {
                GT_TRY(auto all, r.versions_from(tip));
                number = all.size();
            }
        }
        built_on = tip;
        return {};
    };

    bool finished = false;
    while (!finished) {
        GT_TRY(auto tip, r.tip(id));
        if (!tip)
            return input_error("unknown document '" + id + "'");
        if (!built_on || !git_oid_equal(&*built_on, &*tip))
            GT_CHECK(load_state(*tip));
        GT_TRY(auto parent, r.commit(*tip));
        GT_TRY(auto base_tree, r.tree(parent.get()));
        GT_TRY(TreeDraft tb, w.builder(base_tree.get()));
        CommitPtr parent_commit = std::move(parent);

        PackWriter pack;
        std::map<std::string, DeltaChain> chains;
        std::vector<std::pair<std::string, git_oid>> tags;
        std::unordered_set<std::string> batch_labels;
        std::size_t in_batch = 0, batch_bytes = 0;
        git_oid new_tip = *tip;
        std::optional<VersionInfo> batch_last;
        std::size_t batch_unchanged = 0;
        std::vector<std::string> batch_skipped;
        std::string saved_text, saved_plain, saved_sha;
        const std::size_t saved_number = number;
        saved_text = prev_text;
        saved_plain = prev_plain;
        saved_sha = prev_sha;

        auto put_blob = [&](const std::string& name, std::string bytes) -> Result<git_oid> {
            git_oid oid;
            int rc = git_odb_hash(&oid, bytes.data(), bytes.size(), GIT_OBJECT_BLOB);
            if (rc < 0)
                return git_failure("hashing an object", rc);
            if (pack.contains(oid))
                return oid; // the same bytes again (text.md = original, a revert): stored once
            batch_bytes += bytes.size();
            // text.md mostly repeats the version's original: a second candidate base.
            const DeltaChain* also = name == "text.md" ? &chains["original"] : nullptr;
            chains[name].add(pack, oid, GIT_OBJECT_BLOB, std::move(bytes), also);
            return oid;
        };

        while (in_batch < batch_size && batch_bytes < kMaxBatchBytes) {
            GT_TRY(std::optional<SnapshotRequest> item, next());
            if (!item) {
                finished = true;
                break;
            }
            SnapshotRequest& req = *item;
            req.id = id;
            auto prepared = prepare_version(req);
            if (!prepared.ok()) {
                if (prepared.error().kind != ErrorKind::input)
                    return prepared.error();
                batch_skipped.push_back(prepared.error().message);
                continue;
            }
            Prepared& p = *prepared;
            VersionInfo& v = p.v;
            if (number > 0 && (v.sha256 == prev_sha || p.text == prev_text)) {
                ++batch_unchanged;
                continue;
            }
            auto taken = [&](const std::string& label) {
                return batch_labels.count(label) || w.tag_exists(id, label);
            };
            if (!req.label.empty() && !taken(req.label)) {
                v.label = req.label;
            } else {
                std::string base = !req.label.empty() ? req.label
                                   : !v.date.empty()  ? v.date
                                                      : v.retrieved_at.substr(0, 10);
                v.label = base;
                for (int n = 2; taken(v.label); ++n)
                    v.label = base + "-" + std::to_string(n);
            }
            if (number == 0) {
                v.words_added = v.words;
                v.words_removed = 0;
            } else {
                auto [added, removed] = text::word_delta(prev_plain, p.plain);
                v.words_added = added;
                v.words_removed = removed;
            }
            ++number;
            std::erase_if(tb.entries, [&](const auto& entry) {
                return entry.first.rfind("original.", 0) == 0 && entry.first != p.original_name;
            });
            GT_TRY(auto original_blob, put_blob("original", std::move(req.original)));
            GT_TRY(auto text_blob, put_blob("text.md", p.text));
            GT_TRY(auto version_blob,
                   put_blob("version.json", json_text(version_json(v, p.original_name))));
            GT_CHECK(w.put(tb, p.original_name, original_blob));
            GT_CHECK(w.put(tb, "text.md", text_blob));
            GT_CHECK(w.put(tb, "version.json", version_blob));
            std::string tree_bytes = Writer::tree_bytes(tb);
            GT_TRY(auto tree_oid, w.object(GIT_OBJECT_TREE, tree_bytes.data(), tree_bytes.size()));
            pack.add(tree_oid, GIT_OBJECT_TREE, tree_bytes); // once, if the tree repeats
            std::string commit_bytes;
            GT_TRY(auto commit_oid, w.commit(tree_oid, parent_commit.get(),
                                             version_message(id, v, number), commit_bytes));
            pack.add(commit_oid, GIT_OBJECT_COMMIT, commit_bytes);
            GT_TRY(auto c, r.commit(commit_oid));
            parent_commit = std::move(c);
            new_tip = commit_oid;
            v.commit = oid_hex(commit_oid);
            v.number = number;
            tags.emplace_back(tag_ref(id, v.label), commit_oid);
            batch_labels.insert(v.label);
            prev_text = std::move(p.text);
            prev_plain = std::move(p.plain);
            prev_sha = v.sha256;
            batch_last = v;
            ++in_batch;
        }
        // The batch is complete (or the inputs ended); the next input waits for the next batch.
        if (in_batch > 0) {
            GT_CHECK(pack.write(impl_->odb.get(), impl_->path / "objects" / "pack"));
            impl_->reset_mempack();
            GT_CHECK(add_packed_refs(impl_->path, tags));
            git_reference* ref = nullptr;
            int rc = git_reference_create_matching(&ref, impl_->repo.get(), branch_ref(id).c_str(),
                                                   &new_tip, 1, &*tip, "guidetrack: import");
            git_reference_free(ref);
            if (rc < 0) {
                // Another writer moved the branch meanwhile: take the tags back (the pack's
                // objects are unreachable, and harmless) and stop; nothing half-done is left.
                for (const auto& [name, oid] : tags) {
                    git_reference* t = nullptr;
                    if (git_reference_lookup(&t, impl_->repo.get(), name.c_str()) == 0) {
                        RefPtr owned(t);
                        const git_oid* target = git_reference_target(t);
                        if (target && git_oid_equal(target, &oid))
                            git_reference_delete(t);
                    }
                }
                prev_text = saved_text;
                prev_plain = saved_plain;
                prev_sha = saved_sha;
                number = saved_number;
                if (rc == GIT_EMODIFIED || rc == GIT_ELOCKED)
                    return runtime_error(
                        "'" + id + "' changed while it was being imported (another snapshot); " +
                        std::to_string(result.recorded) +
                        " versions were imported before that batch");
                return git_failure("moving " + branch_ref(id), rc);
            }
            built_on = new_tip;
            ++result.batches;
            result.recorded += in_batch;
            result.last = batch_last;
        }
        result.unchanged += batch_unchanged;
        for (auto& m : batch_skipped)
            result.skipped.push_back(std::move(m));
    }
    // A failed merge loses nothing (the packs stay as they were): the import stands.
    (void)impl_->maybe_consolidate(false);
    return result;
}

} // namespace guidetrack::store
