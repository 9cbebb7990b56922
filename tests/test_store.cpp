// The store API against real bare git repositories, checked with the git binary (fsck, log, show,
// clone, for-each-ref) as a user of the store would.
#include "guidetrack/app/record.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/text/text.hpp"

#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace guidetrack;
using gt_test::read_file;
using gt_test::run_shell;
using gt_test::TempDir;

namespace {

std::string sample(const std::string& name) {
    return read_file(gt_test::source_dir() / "snapshots" / "sample" / name);
}

std::string git(const std::filesystem::path& store, const std::string& args) {
    auto r = run_shell("git --git-dir='" + store.string() + "' " + args);
    INFO("git " << args << "\n" << r.out);
    REQUIRE(r.code == 0);
    return r.out;
}

void require_fsck(const std::filesystem::path& store) {
    auto r = run_shell("git --git-dir='" + store.string() + "' fsck --strict --no-dangling");
    INFO(r.out);
    REQUIRE(r.code == 0);
}

std::string refs(const std::filesystem::path& store) {
    return git(store, "for-each-ref --format='%(refname) %(objectname)'");
}

store::Store make_store(const TempDir& tmp) {
    auto s = store::Store::init(tmp / "store");
    REQUIRE(s.ok());
    store::DocumentInfo info;
    info.id = "sample";
    info.title = "Keeping Learners Safe (SAMPLE)";
    info.format = "md";
    info.publisher = "guidetrack sample";
    REQUIRE(s->track(info).ok());
    return std::move(*s);
}

store::SnapshotRequest request(const std::string& file, const std::string& label,
                               const std::string& date) {
    store::SnapshotRequest req;
    req.id = "sample";
    req.original = sample(file);
    req.source = file;
    req.filename = file;
    req.label = label;
    req.date = date;
    return req;
}

void record_three(store::Store& s) {
    REQUIRE(app::snapshot(s, request("v1.md", "2024-01", "2024-01-10")).ok());
    REQUIRE(app::snapshot(s, request("v2.md", "2024-02", "2024-02-23")).ok());
    REQUIRE(app::snapshot(s, request("v3.md", "2024-06", "2024-06-01")).ok());
}

} // namespace

TEST_CASE("validate_id accepts lowercase IDs and refuses paths and odd characters", "[store]") {
    CHECK(store::validate_id("wt2023").ok());
    CHECK(store::validate_id("keeping-children-safe-2024").ok());
    CHECK(store::validate_id(std::string(64, 'a')).ok());
    CHECK_FALSE(store::validate_id("").ok());
    CHECK_FALSE(store::validate_id(std::string(65, 'a')).ok());
    CHECK_FALSE(store::validate_id("-x").ok());
    CHECK_FALSE(store::validate_id("Upper").ok());
    CHECK_FALSE(store::validate_id("../etc").ok());
    CHECK_FALSE(store::validate_id("a/b").ok());
    CHECK_FALSE(store::validate_id("a b").ok());
    CHECK(store::validate_id("a/b").error().kind == ErrorKind::input);
}

TEST_CASE("validate_label refuses what cannot be a ref component", "[store]") {
    CHECK(store::validate_label("2024-02").ok());
    CHECK(store::validate_label("v1.2_final").ok());
    CHECK_FALSE(store::validate_label("latest").ok());
    CHECK_FALSE(store::validate_label("a..b").ok());
    CHECK_FALSE(store::validate_label("x.lock").ok());
    CHECK_FALSE(store::validate_label("a/b").ok());
    CHECK_FALSE(store::validate_label("-a").ok());
    CHECK_FALSE(store::validate_label("a~1").ok());
}

TEST_CASE("init creates a bare store that open accepts, and refuses other folders", "[store]") {
    TempDir tmp;
    auto s = store::Store::init(tmp / "store");
    REQUIRE(s.ok());
    CHECK(git(tmp / "store", "rev-parse --is-bare-repository") == "true\n");
    CHECK(store::Store::open(tmp / "store").ok());
    // init on an existing store, and on a folder with other things in it
    CHECK(store::Store::init(tmp / "store").error().kind == ErrorKind::input);
    std::filesystem::create_directories(tmp / "other");
    gt_test::write_file(tmp / "other" / "file.txt", "x");
    auto other = store::Store::init(tmp / "other");
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().kind == ErrorKind::input);
    auto open_other = store::Store::open(tmp / "other");
    REQUIRE_FALSE(open_other.ok());
    CHECK(open_other.error().kind == ErrorKind::input);
    auto missing = store::Store::open(tmp / "missing");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message.find("guidetrack init") != std::string::npos);
    // A plain bare git repository is not a store either.
    REQUIRE(run_shell("git init -q --bare '" + (tmp / "plain").string() + "'").code == 0);
    CHECK(store::Store::open(tmp / "plain").error().kind == ErrorKind::input);
}

TEST_CASE("track makes a document visible before any version", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    auto docs = s.documents();
    REQUIRE(docs.ok());
    REQUIRE(docs->size() == 1);
    CHECK((*docs)[0].id == "sample");
    CHECK((*docs)[0].title == "Keeping Learners Safe (SAMPLE)");
    CHECK((*docs)[0].format == "md");
    auto vs = s.versions("sample");
    REQUIRE(vs.ok());
    CHECK(vs->empty());
    CHECK(s.latest("sample").error().kind == ErrorKind::input);
    // Re-tracking with the same details makes no commit; new details make one.
    std::string before = git(tmp / "store", "rev-parse sample");
    auto doc = *s.document("sample");
    REQUIRE(s.track(doc).ok());
    CHECK(git(tmp / "store", "rev-parse sample") == before);
    doc.etag = "\"abc\"";
    REQUIRE(s.track(doc).ok());
    CHECK(git(tmp / "store", "rev-parse sample") != before);
    CHECK(s.document("sample")->etag == "\"abc\"");
    CHECK(s.document("nope").error().kind == ErrorKind::input);
    require_fsck(tmp / "store");
}

TEST_CASE("snapshots record versions with readable commits, tags and trees", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    record_three(s);
    auto vs = s.versions("sample");
    REQUIRE(vs.ok());
    REQUIRE(vs->size() == 3);
    CHECK((*vs)[0].label == "2024-06");
    CHECK((*vs)[1].label == "2024-02");
    CHECK((*vs)[2].label == "2024-01");
    CHECK((*vs)[2].date == "2024-01-10");
    CHECK((*vs)[2].size == sample("v1.md").size());
    CHECK((*vs)[2].sha256 == text::sha256_hex(sample("v1.md")));
    CHECK((*vs)[2].format == "md");
    CHECK((*vs)[2].words_removed == 0);
    CHECK((*vs)[2].words_added == (*vs)[2].words);
    CHECK((*vs)[1].words_added > 0);
    CHECK((*vs)[1].words_removed > 0);
    CHECK((*vs)[0].retrieved_at.size() == 20);

    const auto store_dir = tmp / "store";
    require_fsck(store_dir);
    // git reads the store as a user expects.
    std::string log = git(store_dir, "log --format=%s sample");
    CHECK(log.find("sample: record version 2024-02 (2024-02-23)") != std::string::npos);
    CHECK(log.find("sample: track") != std::string::npos);
    std::string body = git(store_dir, "log -1 --format=%B sample");
    CHECK(body.find("Document: sample") != std::string::npos);
    CHECK(body.find("Version: 2024-06") != std::string::npos);
    CHECK(body.find("Source: v3.md") != std::string::npos);
    CHECK(body.find("SHA-256: " + text::sha256_hex(sample("v3.md"))) != std::string::npos);
    CHECK(git(store_dir, "show sample:text.md") == *s.stored_text("sample", (*vs)[0]));
    CHECK(git(store_dir, "show sample/2024-01:original.md") == sample("v1.md"));
    CHECK(git(store_dir, "rev-parse sample/2024-02") == (*vs)[1].commit + "\n");
    CHECK(git(store_dir, "ls-tree --name-only sample") ==
          "document.json\noriginal.md\ntext.md\nversion.json\n");
    // Objects are packed, never loose.
    CHECK(git(store_dir, "count-objects -v").find("count: 0\n") != std::string::npos);
    // The store clones.
    auto clone = run_shell("git clone -q --mirror '" + store_dir.string() + "' '" +
                           (tmp / "clone").string() + "'");
    REQUIRE(clone.code == 0);
    CHECK(git(tmp / "clone", "show sample/2024-02:text.md") == *s.stored_text("sample", (*vs)[1]));

    // Texts round-trip through the document model, and originals come back byte for byte.
    auto doc = s.stored_document("sample", (*vs)[1]);
    REQUIRE(doc.ok());
    CHECK(model::write_stored_text(*doc) == *s.stored_text("sample", (*vs)[1]));
    CHECK(*s.original("sample", (*vs)[2]) == sample("v1.md"));
}

TEST_CASE("an unchanged snapshot records nothing", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    record_three(s);
    std::string before = refs(tmp / "store");
    auto again = app::snapshot(s, request("v3.md", "again", ""));
    REQUIRE(again.ok());
    CHECK(again->status == store::SnapshotStatus::unchanged);
    CHECK(again->version.label == "2024-06");
    // Same text from different bytes (trailing blank lines) is unchanged too.
    auto req = request("v3.md", "", "");
    req.original += "\n\n\n";
    auto spaced = app::snapshot(s, req);
    REQUIRE(spaced.ok());
    CHECK(spaced->status == store::SnapshotStatus::unchanged);
    CHECK(refs(tmp / "store") == before);
    require_fsck(tmp / "store");
}

TEST_CASE("bad snapshots fail with input errors and leave the store unchanged", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    REQUIRE(app::snapshot(s, request("v1.md", "2024-01", "2024-01-10")).ok());
    std::string before = refs(tmp / "store");

    auto expect_input_error = [&](store::SnapshotRequest req, const std::string& fragment) {
        auto r = app::snapshot(s, req);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::input);
        CHECK(r.error().message.find(fragment) != std::string::npos);
        CHECK(r.error().message.find('\n') == std::string::npos);
        CHECK(refs(tmp / "store") == before);
    };
    auto empty = request("v2.md", "", "");
    empty.original.clear();
    expect_input_error(empty, "empty");
    auto blank = request("v2.md", "", "");
    blank.original = "\n   \n\n";
    expect_input_error(blank, "");
    auto big = request("v2.md", "", "");
    big.max_bytes = 100;
    expect_input_error(big, "size limit");
    auto bad_utf8 = request("v2.md", "", "");
    bad_utf8.original = "# Title\n\nBad \xff\xfe bytes\n";
    expect_input_error(bad_utf8, "");
    expect_input_error(request("v2.md", "2024-01", ""), "already used");
    expect_input_error(request("v2.md", "latest", ""), "reserved");
    expect_input_error(request("v2.md", "", "2024-02-30"), "invalid date");
    auto unknown = request("v2.md", "", "");
    unknown.id = "nope";
    expect_input_error(unknown, "unknown document");
    auto bad_id = request("v2.md", "", "");
    bad_id.id = "../x";
    expect_input_error(bad_id, "invalid document ID");
    require_fsck(tmp / "store");
}

TEST_CASE("default labels come from the date, else the retrieval date, de-duplicated", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    auto a = app::snapshot(s, request("v1.md", "", "2024-01-10"));
    REQUIRE(a.ok());
    CHECK(a->version.label == "2024-01-10");
    auto b = app::snapshot(s, request("v2.md", "", "2024-01-10"));
    REQUIRE(b.ok());
    CHECK(b->version.label == "2024-01-10-2");
    auto req = request("v3.md", "", "");
    req.retrieved_at = "2024-07-01T09:30:00Z";
    auto c = app::snapshot(s, req);
    REQUIRE(c.ok());
    CHECK(c->version.label == "2024-07-01");
    CHECK(c->version.date.empty());
    require_fsck(tmp / "store");
}

TEST_CASE("resolve finds versions by label, date, short id, latest and latest~N", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    record_three(s);
    auto vs = *s.versions("sample");
    CHECK(s.resolve("sample", "2024-02")->commit == vs[1].commit);
    CHECK(s.resolve("sample", "2024-02-23")->commit == vs[1].commit);
    CHECK(s.resolve("sample", vs[2].commit.substr(0, 7))->label == "2024-01");
    CHECK(s.resolve("sample", vs[2].commit)->label == "2024-01");
    CHECK(s.resolve("sample", "latest")->label == "2024-06");
    CHECK(s.resolve("sample", "latest~0")->label == "2024-06");
    CHECK(s.resolve("sample", "latest~2")->label == "2024-01");
    for (const char* bad : {"latest~3", "latest~x", "2023-01-01", "nope", "abc"}) {
        auto r = s.resolve("sample", bad);
        INFO(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ErrorKind::input);
    }
    CHECK(s.resolve("other", "latest").error().kind == ErrorKind::input);
}

TEST_CASE("reextract records a technical upgrade only where the text changed", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    record_three(s);
    const auto store_dir = tmp / "store";
    std::string tip = git(store_dir, "rev-parse sample");
    auto same = app::reextract(s, "sample");
    REQUIRE(same.ok());
    CHECK(same->versions == 3);
    CHECK(same->changed.empty());
    CHECK(same->commit.empty());
    CHECK(git(store_dir, "rev-parse sample") == tip);

    // Simulate texts from an older extractor: commit a doctored text.md as a version with git
    // plumbing, so that re-extraction finds a difference.
    std::string old_text = "# Old extractor output\n";
    auto r = run_shell("cd '" + tmp.path().string() + "' && export GIT_DIR='" + store_dir.string() +
                       "' && blob=$(printf '%s' '" + old_text +
                       "' | git hash-object -w --stdin) && "
                       "meta=$(printf '{\"label\": \"old\", \"format\": \"md\"}' | "
                       "git hash-object -w --stdin) && "
                       "tree=$( (git ls-tree sample | grep -v -e text.md -e version.json; "
                       "printf '100644 blob %s\\ttext.md\\n100644 blob %s\\tversion.json\\n' "
                       "$blob $meta) | git mktree) && "
                       "c=$(git commit-tree $tree -p sample -m 'sample: record version old' "
                       "-m 'Document: sample' -m 'Version: old') && "
                       "git update-ref refs/heads/sample $c");
    INFO(r.out);
    REQUIRE(r.code == 0);
    auto vs = *s.versions("sample");
    REQUIRE(vs.size() == 4);
    CHECK(*s.stored_text("sample", vs[0]) == old_text);

    auto up = app::reextract(s, "sample");
    REQUIRE(up.ok());
    CHECK(up->versions == 4);
    REQUIRE(up->changed.size() == 1);
    CHECK(up->changed[0] == "old");
    CHECK_FALSE(up->commit.empty());
    // History is kept: the old commit is still an ancestor; the new commit says what it is.
    CHECK(run_shell("git --git-dir='" + store_dir.string() + "' merge-base --is-ancestor " +
                    vs[0].commit + " sample")
              .code == 0);
    CHECK(git(store_dir, "log -1 --format=%B sample").find("Technical-upgrade: yes") !=
          std::string::npos);
    auto after = *s.versions("sample");
    REQUIRE(after.size() == 4);
    CHECK(after[0].technical);
    CHECK_FALSE(after[1].technical);
    CHECK(*s.stored_text("sample", after[0]) == *s.stored_text("sample", after[1]));
    CHECK(git(store_dir, "show sample:text.md") == *s.stored_text("sample", after[0]));
    // A later snapshot compares against the re-extracted text.
    auto again = app::snapshot(s, request("v3.md", "", ""));
    REQUIRE(again.ok());
    CHECK(again->status == store::SnapshotStatus::unchanged);
    require_fsck(store_dir);
}

TEST_CASE("packs are merged when they accumulate, and nothing is lost", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    std::string base = sample("v1.md");
    const int n = static_cast<int>(store::Store::kMaxPacks) + 10;
    for (int i = 0; i < n; ++i) {
        auto req = request("v1.md", "", "");
        req.original = base + "\nExtra paragraph number " + std::to_string(i) + ".\n";
        auto r = app::snapshot(s, req);
        REQUIRE(r.ok());
        REQUIRE(r->status == store::SnapshotStatus::recorded);
    }
    CHECK(s.pack_count() <= store::Store::kMaxPacks);
    CHECK(s.versions("sample")->size() == static_cast<std::size_t>(n));
    auto merged = s.consolidate();
    INFO((merged.ok() ? "" : merged.error().message));
    REQUIRE(merged.ok());
    CHECK(s.pack_count() == 1);
    CHECK(s.versions("sample")->size() == static_cast<std::size_t>(n));
    require_fsck(tmp / "store");
    CHECK(git(tmp / "store", "count-objects -v").find("count: 0\n") != std::string::npos);
}

TEST_CASE("a merge keeps both lines of a history that forks", "[store]") {
    // Two lines from one commit (a branch made with git, as someone might): each goes on from
    // the fork point's files, and every object of both stays readable after the merge.
    TempDir tmp;
    auto s = make_store(tmp);
    const std::string base = sample("v1.md");
    for (int i = 0; i < 8; ++i) {
        auto req = request("v1.md", "", "");
        req.original = base + "\nMain line paragraph " + std::to_string(i) + ".\n";
        REQUIRE(app::snapshot(s, req).ok());
    }
    const auto store = tmp / "store";
    // Three commits on a side line from sample~4, each with its own text.md, packed by git.
    std::string parent = git(store, "rev-parse sample~4").substr(0, 40);
    std::vector<std::string> side_texts;
    for (int i = 0; i < 3; ++i) {
        std::string text = base + "\nSide line paragraph " + std::to_string(i) + ".\n";
        side_texts.push_back(text);
        std::string file = (tmp / ("side" + std::to_string(i) + ".md")).string();
        std::ofstream(file) << text;
        std::string blob = git(store, "hash-object -w '" + file + "'").substr(0, 40);
        auto tree = run_shell("cd '" + store.string() + "' && git --git-dir=. ls-tree " + parent +
                              " | sed 's/[0-9a-f]\\{40\\}\\ttext.md$/" + blob +
                              "\\ttext.md/' | git --git-dir=. mktree");
        REQUIRE(tree.code == 0);
        parent = git(store, "commit-tree " + tree.out.substr(0, 40) + " -p " + parent +
                                " -m 'sample: side " + std::to_string(i) + "'")
                     .substr(0, 40);
    }
    git(store, "update-ref refs/heads/side " + parent);
    git(store, "repack -q"); // the loose objects into a pack of their own
    REQUIRE(s.consolidate().ok());
    REQUIRE(s.pack_count() == 1);
    require_fsck(store);
    for (int i = 0; i < 3; ++i)
        CHECK(git(store, "show side~" + std::to_string(2 - i) + ":text.md") == side_texts[i]);
    CHECK(git(store, "show sample:text.md").find("Main line paragraph 7.") != std::string::npos);
    CHECK(s.versions("sample")->size() == 8);
}

TEST_CASE("a merged pack stores each version of a file as a delta of an earlier one", "[store]") {
    TempDir tmp;
    auto s = make_store(tmp);
    std::string base = sample("v1.md");
    const int n =
        120; // past the depth limit of 50, twice (and past kMaxPacks: merged as they come)
    for (int i = 0; i < n; ++i) {
        auto req = request("v1.md", "", "");
        req.original = base + "\nExtra paragraph number " + std::to_string(i) + ".\n";
        REQUIRE(app::snapshot(s, req).ok());
    }
    REQUIRE(s.consolidate().ok());
    REQUIRE(s.pack_count() == 1);
    require_fsck(tmp / "store");
    const std::string dir = (tmp / "store").string();
    // text.md and original.md of every version, oldest first.
    auto files = [&](const std::string& name) {
        auto ids =
            run_shell("cd '" + dir + "' && for c in $(git --git-dir=. rev-list --reverse " +
                      "sample); do git --git-dir=. rev-parse -q --verify $c:" + name + "; done");
        REQUIRE(ids.code == 0);
        std::vector<std::string> out;
        std::istringstream lines(ids.out);
        for (std::string line; std::getline(lines, line);)
            if (line.size() == 40) // (the commit that tracked the document has neither file)
                out.push_back(line);
        REQUIRE(out.size() == static_cast<std::size_t>(n));
        return out;
    };
    const auto text = files("text.md");
    const auto original = files("original.md");
    // verify-pack -v: "ID TYPE SIZE PACKED OFFSET [DEPTH BASE]" for every object.
    auto verify =
        run_shell("cd '" + dir + "' && git --git-dir=. verify-pack -v objects/pack/*.idx");
    REQUIRE(verify.code == 0);
    std::map<std::string, std::pair<int, std::string>> delta; // id -> depth, base
    std::istringstream rows(verify.out);
    for (std::string row; std::getline(rows, row);) {
        std::istringstream f(row);
        std::string id, type, size, packed, offset, from;
        int depth = 0;
        if (f >> id >> type >> size >> packed >> offset >> depth >> from)
            delta[id] = {depth, from};
    }
    // Every version but the first is a delta, never more than 50 deep, against an earlier
    // version of the same file (or, for text.md, the same version's original).
    for (std::size_t k = 1; k < text.size(); ++k) {
        for (const auto* file : {&text, &original}) {
            INFO("version " << k << (file == &text ? " text.md" : " original.md"));
            auto found = delta.find((*file)[k]);
            REQUIRE(found != delta.end());
            CHECK(found->second.first <= 50);
            auto earlier = std::find(file->begin(), file->begin() + static_cast<long>(k),
                                     found->second.second);
            bool from_original = file == &text && found->second.second == original[k];
            CHECK((earlier != file->begin() + static_cast<long>(k) || from_original));
        }
    }
}
