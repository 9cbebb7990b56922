// The git-backed store (layout and guarantees: see include/guidetrack/store.hpp).
//
// Every write follows the same order: build blobs, tree and commit in the in-memory pack; write
// that pack to disk (Impl::flush); only then move refs, by compare-and-swap against the commit the
// new one was built on. Losing the race (GIT_EMODIFIED, or GIT_ELOCKED while another process holds
// the ref's lock file) means the tip moved under us: the write is rebuilt on the new tip and
// retried, so concurrent snapshots are serialised, never lost. A version's tag is created before
// the branch moves (so a label can never be taken twice) and deleted again if the move fails.
#include "guidetrack/store.hpp"

#include "guidetrack/text.hpp"
#include "store_git.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

namespace guidetrack::store {
namespace fs = std::filesystem;
using namespace detail;
using ojson = nlohmann::ordered_json;

namespace {

constexpr const char* kStoreConfigKey = "guidetrack.store";
constexpr int kMaxAttempts = 200;

std::string now_iso8601() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Result<void> validate_date(std::string_view date) {
    auto bad = [&] {
        return input_error("invalid date '" + std::string(date) + "' (expected YYYY-MM-DD)");
    };
    if (date.size() != 10 || date[4] != '-' || date[7] != '-')
        return bad();
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (!std::isdigit(static_cast<unsigned char>(date[i])))
            return bad();
    int y = std::stoi(std::string(date.substr(0, 4)));
    int m = std::stoi(std::string(date.substr(5, 2)));
    int d = std::stoi(std::string(date.substr(8, 2)));
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return bad();
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return bad();
    return {};
}

bool is_hex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
    });
}

// Words added and removed between two texts, counted as a multiset difference of
// whitespace-separated words: cheap, order-blind, good enough for a log line.
std::pair<std::size_t, std::size_t> word_delta(std::string_view before, std::string_view after) {
    std::unordered_map<std::string_view, long> counts;
    auto each_word = [](std::string_view s, auto&& fn) {
        std::size_t i = 0;
        while (i < s.size()) {
            while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
                ++i;
            std::size_t j = i;
            while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])))
                ++j;
            if (j > i)
                fn(s.substr(i, j - i));
            i = j;
        }
    };
    each_word(after, [&](std::string_view w) { ++counts[w]; });
    each_word(before, [&](std::string_view w) { --counts[w]; });
    std::size_t added = 0, removed = 0;
    for (const auto& [w, n] : counts) {
        if (n > 0)
            added += static_cast<std::size_t>(n);
        else
            removed += static_cast<std::size_t>(-n);
    }
    return {added, removed};
}

std::string branch_ref(std::string_view id) {
    return "refs/heads/" + std::string(id);
}
std::string tag_ref(std::string_view id, std::string_view label) {
    return "refs/tags/" + std::string(id) + "/" + std::string(label);
}

ojson document_json(const DocumentInfo& d) {
    ojson j;
    j["id"] = d.id;
    j["title"] = d.title;
    j["url"] = d.url;
    j["origin"] = d.origin;
    j["format"] = d.format;
    j["publisher"] = d.publisher;
    j["etag"] = d.etag;
    j["last_modified"] = d.last_modified;
    // Written only when set, so stores without publications keep their exact bytes.
    if (!d.govuk_path.empty())
        j["govuk_path"] = d.govuk_path;
    if (!d.attachment.empty())
        j["attachment"] = d.attachment;
    if (!d.attachment_glob.empty())
        j["attachment_glob"] = d.attachment_glob;
    return j;
}

DocumentInfo document_from_json(const nlohmann::json& j) {
    DocumentInfo d;
    auto get = [&](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
    };
    d.id = get("id");
    d.title = get("title");
    d.url = get("url");
    d.origin = get("origin");
    d.format = get("format");
    d.publisher = get("publisher");
    d.etag = get("etag");
    d.last_modified = get("last_modified");
    d.govuk_path = get("govuk_path");
    d.attachment = get("attachment");
    d.attachment_glob = get("attachment_glob");
    return d;
}

ojson version_json(const VersionInfo& v, std::string_view original_name) {
    ojson j;
    j["label"] = v.label;
    j["date"] = v.date;
    j["retrieved_at"] = v.retrieved_at;
    j["source"] = v.source;
    j["format"] = v.format;
    j["original"] = original_name;
    j["size"] = v.size;
    j["sha256"] = v.sha256;
    j["words"] = v.words;
    j["words_added"] = v.words_added;
    j["words_removed"] = v.words_removed;
    j["note"] = v.note;
    // Written only when set (older stores have neither and read as empty).
    if (!v.publisher_note.empty())
        j["publisher_note"] = v.publisher_note;
    if (!v.date_source.empty())
        j["date_source"] = v.date_source;
    j["tool_version"] = v.tool_version;
    return j;
}

VersionInfo version_from_json(const nlohmann::json& j) {
    VersionInfo v;
    auto str = [&](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
    };
    auto num = [&](const char* key) -> std::uint64_t {
        return j.contains(key) && j[key].is_number() ? j[key].get<std::uint64_t>() : 0;
    };
    v.label = str("label");
    v.date = str("date");
    v.retrieved_at = str("retrieved_at");
    v.source = str("source");
    v.format = str("format");
    v.sha256 = str("sha256");
    v.note = str("note");
    v.publisher_note = str("publisher_note");
    v.date_source = str("date_source");
    v.tool_version = str("tool_version");
    v.size = num("size");
    v.words = num("words");
    v.words_added = num("words_added");
    v.words_removed = num("words_removed");
    return v;
}

std::string json_text(const ojson& j) {
    return j.dump(2) + "\n";
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r')
            c = ' ';
    return s;
}

// Messages name the commit kind through trailers, which is how the history is read back.
struct Trailers {
    std::string version;
    bool technical = false;
};

Trailers read_trailers(const git_commit* commit) {
    Trailers t;
    const char* msg = git_commit_message(commit);
    if (!msg)
        return t;
    git_message_trailer_array arr{};
    if (git_message_trailers(&arr, msg) < 0)
        return t;
    for (std::size_t i = 0; i < arr.count; ++i) {
        std::string_view key = arr.trailers[i].key;
        if (key == "Version")
            t.version = arr.trailers[i].value;
        else if (key == "Technical-upgrade")
            t.technical = std::string_view(arr.trailers[i].value) == "yes";
    }
    git_message_trailer_array_free(&arr);
    return t;
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

Result<void> validate_id(std::string_view id) {
    auto bad = [&](const std::string& why) {
        return input_error("invalid document ID '" + text::repair_utf8(id) + "': " + why);
    };
    if (id.empty())
        return bad("empty");
    if (id.size() > 64)
        return bad("longer than 64 characters");
    if (id.front() == '-')
        return bad("starts with '-'");
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return bad("use lowercase letters, digits and hyphens only");
    return {};
}

Result<void> validate_label(std::string_view label) {
    auto bad = [&](const std::string& why) {
        return input_error("invalid version label '" + text::repair_utf8(label) + "': " + why);
    };
    if (label.empty())
        return bad("empty");
    if (label.size() > 64)
        return bad("longer than 64 characters");
    if (label.front() == '-' || label.front() == '.')
        return bad("starts with '-' or '.'");
    if (label.back() == '.')
        return bad("ends with '.'");
    if (label.find("..") != std::string_view::npos)
        return bad("contains '..'");
    if (label.size() >= 5 && label.substr(label.size() - 5) == ".lock")
        return bad("ends with '.lock'");
    if (label == "latest")
        return bad("'latest' is reserved");
    for (char c : label)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return bad("use letters, digits, '.', '_' and '-' only");
    return {};
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
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec))
            return input_error("'" + dir.string() + "' exists and is not a folder");
        if (attach(dir).ok())
            return input_error("'" + dir.string() + "' is already a guidetrack store");
        if (!fs::is_empty(dir, ec))
            return input_error("'" + dir.string() +
                               "' is a folder that is not empty and not a guidetrack store");
    }
    detail::LibGuard guard;
    git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
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
            return git_failure("reading commit " + oid_hex(oid), rc);
        return CommitPtr(c);
    }

    Result<TreePtr> tree(const git_commit* c) const {
        git_tree* t = nullptr;
        int rc = git_commit_tree(&t, c);
        if (rc < 0)
            return git_failure("reading a tree", rc);
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
            return git_failure("reading " + path, rc);
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
        while (c && out.size() < limit) {
            Trailers tr = read_trailers(c.get());
            if (!tr.version.empty() && !tr.technical) {
                GT_TRY(auto t, tree(c.get()));
                GT_TRY(auto blob, blob_at(t.get(), "version.json"));
                if (!blob)
                    return runtime_error("version commit " + oid_hex(*git_commit_id(c.get())) +
                                         " has no version.json");
                auto j = nlohmann::json::parse(*blob, nullptr, false);
                if (j.is_discarded() || !j.is_object())
                    return runtime_error("broken version.json in commit " +
                                         oid_hex(*git_commit_id(c.get())));
                VersionInfo v = version_from_json(j);
                v.commit = oid_hex(*git_commit_id(c.get()));
                if (upgrades && git_tree_entry_byname(upgrades.get(), (v.commit + ".md").c_str()))
                    v.technical = true;
                out.push_back(std::move(v));
            }
            if (git_commit_parentcount(c.get()) == 0)
                break;
            git_commit* parent = nullptr;
            int rc = git_commit_parent(&parent, c.get(), 0);
            if (rc < 0)
                return git_failure("walking the history", rc);
            c.reset(parent);
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

Result<std::vector<DocumentInfo>> Store::documents() const {
    git_branch_iterator* it_raw = nullptr;
    int rc = git_branch_iterator_new(&it_raw, impl_->repo.get(), GIT_BRANCH_LOCAL);
    if (rc < 0)
        return git_failure("listing documents", rc);
    BranchIterPtr it(it_raw);
    std::vector<DocumentInfo> docs;
    Reader r{impl_->repo.get()};
    git_reference* ref = nullptr;
    git_branch_t type;
    while ((rc = git_branch_next(&ref, &type, it.get())) == 0) {
        RefPtr owned(ref);
        const char* name = nullptr;
        if (git_branch_name(&name, ref) < 0 || !validate_id(name).ok())
            continue; // not one of ours
        const git_oid* target = git_reference_target(ref);
        if (!target)
            continue;
        GT_TRY(auto doc, r.document_at(name, *target));
        docs.push_back(std::move(doc));
    }
    if (rc != GIT_ITEROVER)
        return git_failure("listing documents", rc);
    std::sort(docs.begin(), docs.end(),
              [](const DocumentInfo& a, const DocumentInfo& b) { return a.id < b.id; });
    return docs;
}

Result<std::vector<VersionInfo>> Store::versions(std::string_view id) const {
    GT_CHECK(validate_id(id));
    Reader r{impl_->repo.get()};
    GT_TRY(auto tip, r.tip(id));
    if (!tip)
        return input_error("unknown document '" + std::string(id) + "'");
    return r.versions_from(*tip);
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
    if (sel.empty() || sel == "latest")
        return vs.front();
    if (sel.rfind("latest~", 0) == 0) {
        std::string n = sel.substr(7);
        if (n.empty() || n.size() > 9 ||
            !std::all_of(n.begin(), n.end(), [](char c) { return std::isdigit(c); }))
            return input_error("invalid version '" + sel + "' (expected latest~N)");
        std::size_t k = std::stoul(n);
        if (k >= vs.size())
            return input_error("'" + doc + "' has only " + std::to_string(vs.size()) +
                               " version(s): " + sel + " does not exist");
        return vs[k];
    }
    for (const auto& v : vs)
        if (v.label == sel)
            return v;
    if (validate_date(sel).ok()) {
        for (const auto& v : vs) // newest first: the latest version of that date
            if (v.date == sel)
                return v;
    }
    if (sel.size() >= 4 && sel.size() <= 40 && is_hex(sel)) {
        const VersionInfo* found = nullptr;
        for (const auto& v : vs)
            if (v.commit.compare(0, sel.size(), sel) == 0) {
                if (found)
                    return input_error("version '" + sel + "' of '" + doc +
                                       "' is ambiguous: give more digits");
                found = &v;
            }
        if (found)
            return *found;
    }
    return unknown();
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
        return object(GIT_OBJECT_TREE, buf.data(), buf.size());
    }

    // A commit in the in-memory pack; no ref moves here.
    Result<git_oid> commit(const git_oid& tree_oid, const git_commit* parent,
                           const std::string& message) {
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
        git_buf_dispose(&buf);
        return oid;
    }

    // Objects to disk, then the branch: create it (expected == nullopt) or compare-and-swap.
    // Returns false when another writer got there first.
    Result<bool> publish(std::string_view id, const git_oid& new_tip,
                         const std::optional<git_oid>& expected, const std::string& log) {
        GT_CHECK(impl.flush());
        git_reference* ref = nullptr;
        std::string name = branch_ref(id);
        int rc = expected ? git_reference_create_matching(&ref, impl.repo.get(), name.c_str(),
                                                          &new_tip, 1, &*expected, log.c_str())
                          : git_reference_create(&ref, impl.repo.get(), name.c_str(), &new_tip, 0,
                                                 log.c_str());
        git_reference_free(ref);
        if (rc == GIT_EMODIFIED || rc == GIT_ELOCKED || rc == GIT_EEXISTS)
            return false;
        if (rc < 0)
            return git_failure("moving " + name, rc);
        return true;
    }

    // Create a version's tag; false if the label is taken (or its ref is locked).
    Result<bool> create_tag(std::string_view id, std::string_view label, const git_oid& target) {
        git_reference* ref = nullptr;
        std::string name = tag_ref(id, label);
        int rc = git_reference_create(&ref, impl.repo.get(), name.c_str(), &target, 0,
                                      "guidetrack: tag version");
        git_reference_free(ref);
        if (rc == GIT_EEXISTS || rc == GIT_ELOCKED)
            return false;
        if (rc < 0)
            return git_failure("creating " + name, rc);
        return true;
    }

    void delete_tag(std::string_view id, std::string_view label, const git_oid& target) {
        git_reference* ref = nullptr;
        if (git_reference_lookup(&ref, impl.repo.get(), tag_ref(id, label).c_str()) < 0)
            return;
        RefPtr owned(ref);
        const git_oid* t = git_reference_target(ref);
        if (t && git_oid_equal(t, &target))
            git_reference_delete(ref);
    }

    bool tag_exists(std::string_view id, std::string_view label) {
        git_oid oid;
        return git_reference_name_to_id(&oid, impl.repo.get(), tag_ref(id, label).c_str()) == 0;
    }
};

} // namespace

Result<void> Store::track(const DocumentInfo& info_in) {
    GT_CHECK(validate_id(info_in.id));
    if (info_in.title.empty())
        return input_error("a document needs a title (--title)");
    if (!info_in.format.empty()) {
        GT_TRY(auto f, extract::parse_format(info_in.format));
        (void)f;
    }
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
        std::string subject;
        if (tip) {
            GT_TRY(auto current, r.document_at(info.id, *tip));
            if (current == info)
                return {};
            GT_TRY(auto c, r.commit(*tip));
            GT_TRY(auto t, r.tree(c.get()));
            parent = std::move(c);
            base = std::move(t);
            subject = info.id + ": update document metadata";
        } else {
            subject = info.id + ": track \"" + one_line(info.title) + "\"";
        }
        GT_TRY(auto tb, w.builder(base.get()));
        GT_TRY(auto doc_blob, w.blob(json_text(document_json(info))));
        GT_CHECK(w.put(tb, "document.json", doc_blob));
        GT_TRY(auto tree, w.write_tree(tb));
        std::string msg = subject + "\n\nTitle: " + one_line(info.title) + "\n";
        if (!info.url.empty())
            msg += "Source: " + one_line(info.url) + "\n";
        msg += "Document: " + info.id + "\n";
        GT_TRY(auto commit, w.commit(tree, parent.get(), msg));
        GT_TRY(bool done, w.publish(info.id, commit, tip, "guidetrack: track"));
        if (done)
            return {};
        backoff(attempt);
    }
    return runtime_error("the store is busy (another writer kept moving '" + info.id +
                         "'); try again");
}

Result<SnapshotResult> Store::snapshot(const SnapshotRequest& req) {
    GT_CHECK(validate_id(req.id));
    const std::string& id = req.id;
    std::string what = req.source.empty() ? std::string("input") : "'" + req.source + "'";
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
    GT_TRY(auto doc, document(id));

    extract::Format format = req.format;
    if (format == extract::Format::automatic && !doc.format.empty()) {
        GT_TRY(auto f, extract::parse_format(doc.format));
        format = f;
    }
    if (format == extract::Format::automatic)
        format = extract::detect_format(req.original, req.filename);
    extract::Options opts;
    opts.format = format;
    opts.filename = req.filename;
    auto extracted = extract::extract(req.original, opts);
    if (!extracted.ok())
        return with_context(extracted.error(), what);
    if (extracted->blocks.empty())
        return input_error(what + " has no text: an empty document");
    const std::string text = model::write_stored_text(*extracted);
    const std::string plain = model::plain_text(*extracted);

    VersionInfo v;
    v.date = req.date;
    v.retrieved_at = req.retrieved_at.empty() ? now_iso8601() : req.retrieved_at;
    v.sha256 = text::sha256_hex(req.original);
    v.source = req.source;
    v.format = std::string(extract::format_name(format));
    v.note = req.note;
    v.publisher_note = req.publisher_note;
    v.date_source = req.date_source;
    v.tool_version = GUIDETRACK_VERSION;
    v.size = req.original.size();
    v.words = model::word_count(*extracted);
    const std::string original_name = "original." + v.format;

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
        std::string previous_plain;
        if (!latest.empty()) {
            // Same bytes, or same text: nothing new to record.
            GT_TRY(auto prev, r.text_of(*tip, latest.front()));
            if (latest.front().sha256 == v.sha256 || prev == text)
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
            auto [added, removed] = word_delta(previous_plain, plain);
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

        std::string shown_date = !v.date.empty() ? v.date : v.retrieved_at.substr(0, 10);
        std::string msg = id + ": record version " + v.label + " (" + shown_date + ")\n\n";
        if (!v.note.empty())
            msg += v.note + "\n\n";
        if (!v.publisher_note.empty())
            msg += "Publisher's note: " + one_line(v.publisher_note) + "\n\n";
        msg += "Document: " + id + "\nVersion: " + v.label + "\n";
        if (!v.date.empty())
            msg += "Date: " + v.date + "\n";
        if (!v.date_source.empty())
            msg += "Date-source: " + v.date_source + "\n";
        msg += "Retrieved-at: " + v.retrieved_at + "\n";
        msg += "Source: " + one_line(v.source.empty() ? std::string("-") : v.source) + "\n";
        msg += "Format: " + v.format + "\n";
        msg += "Size: " + std::to_string(v.size) + "\n";
        msg += "SHA-256: " + v.sha256 + "\n";
        msg += "Words: +" + std::to_string(v.words_added) + " -" + std::to_string(v.words_removed) +
               "\n";
        msg += "Tool-version: " + v.tool_version + "\n";
        GT_TRY(auto commit, w.commit(tree, parent.get(), msg));
        GT_CHECK(impl_->flush());

        GT_TRY(bool tagged, w.create_tag(id, v.label, commit));
        if (!tagged) {
            if (!req.label.empty() && w.tag_exists(id, req.label))
                return input_error("label '" + req.label + "' is already used by a version of '" +
                                   id + "'");
            backoff(attempt);
            continue;
        }
        auto moved = w.publish(id, commit, tip, "guidetrack: snapshot");
        if (!moved.ok() || !*moved) {
            w.delete_tag(id, v.label, commit);
            if (!moved.ok())
                return moved.error();
            backoff(attempt);
            continue;
        }
        v.commit = oid_hex(commit);
        // A failed merge loses nothing (the packs stay as they were): the snapshot stands.
        (void)impl_->maybe_consolidate(false);
        return SnapshotResult{SnapshotStatus::recorded, v};
    }
    return runtime_error("the store is busy (another writer kept moving '" + id + "'); try again");
}

Result<ReextractResult> Store::reextract(std::string_view id_view) {
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
            extract::Options opts;
            auto f = extract::parse_format(v.format);
            opts.format = f.ok() ? *f : extract::Format::automatic;
            ++result.versions;
            auto doc = extract::extract(bytes, opts);
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
        GT_TRY(bool done, w.publish(id, commit, tip, "guidetrack: reextract"));
        if (done) {
            result.commit = oid_hex(commit);
            (void)impl_->maybe_consolidate(false);
            return result;
        }
        backoff(attempt);
    }
    return runtime_error("the store is busy (another writer kept moving '" + id + "'); try again");
}

} // namespace guidetrack::store
