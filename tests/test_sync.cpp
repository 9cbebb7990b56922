// `sync` through real git remotes: a local bare repository (made by git itself) and two stores
// sharing it, including a divergent history that must be reported and left alone.
#include "guidetrack/app/record.hpp"
#include "guidetrack/store/store.hpp"
#include "guidetrack/store/sync.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

using namespace guidetrack;
using gt_test::run_cli;
using gt_test::run_shell;
using gt_test::TempDir;

namespace {

std::string sample(const std::string& name) {
    return gt_test::read_file(gt_test::source_dir() / "snapshots" / "sample" / name);
}

struct Stores {
    TempDir tmp;
    std::string a = (tmp / "a").string();
    std::string b = (tmp / "b").string();
    std::string remote = (tmp / "remote.git").string();

    Stores() {
        REQUIRE(store::Store::init(a).ok());
        REQUIRE(store::Store::init(b).ok());
        REQUIRE(run_shell("git init -q --bare '" + remote + "'").code == 0);
    }
    void track(const std::string& dir, const std::string& id) {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        store::DocumentInfo d;
        d.id = id;
        d.title = "Document " + id;
        d.format = "md";
        REQUIRE(s->track(d).ok());
    }
    void snapshot(const std::string& dir, const std::string& id, const std::string& text,
                  const std::string& label) {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        store::SnapshotRequest req;
        req.id = id;
        req.original = text;
        req.label = label;
        req.source = "test";
        auto r = app::snapshot(*s, req);
        INFO((r.ok() ? "" : r.error().message));
        REQUIRE(r.ok());
    }
    std::vector<std::string> labels(const std::string& dir, const std::string& id) {
        auto s = store::Store::open(dir);
        REQUIRE(s.ok());
        auto v = s->versions(id);
        REQUIRE(v.ok());
        std::vector<std::string> out;
        for (const auto& x : *v)
            out.push_back(x.label);
        return out;
    }
    gt_test::CliResult sync(const std::string& dir, std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--store", dir, "sync"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli(args);
    }
    std::string ref(const std::string& git_dir, const std::string& name) {
        auto r = run_shell("git --git-dir='" + git_dir + "' rev-parse --verify -q '" + name + "'");
        return r.code == 0 ? r.out.substr(0, 40) : "";
    }
};

std::string line_of(const std::string& out, const std::string& id) {
    std::size_t pos = 0;
    while (pos < out.size()) {
        std::size_t end = out.find('\n', pos);
        std::string line = out.substr(pos, end - pos);
        if (line.rfind(id + " ", 0) == 0)
            return line;
        if (end == std::string::npos)
            break;
        pos = end + 1;
    }
    return "";
}

} // namespace

TEST_CASE("sync: push to an empty bare repository, then another store pulls it", "[sync]") {
    Stores s;
    s.track(s.a, "sample");
    s.snapshot(s.a, "sample", sample("v1.md"), "v1");
    s.snapshot(s.a, "sample", sample("v2.md"), "v2");
    s.track(s.a, "other");
    s.snapshot(s.a, "other", "# Other\n\nSome text.\n", "first");

    auto r = s.sync(s.a, {"--remote", s.remote});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(line_of(r.out, "sample").find("pushed: new on the remote") != std::string::npos);
    CHECK(line_of(r.out, "other").find("pushed: new on the remote") != std::string::npos);
    CHECK(s.ref(s.remote, "refs/heads/sample") == s.ref(s.a, "refs/heads/sample"));
    CHECK(s.ref(s.remote, "refs/tags/sample/v2") == s.ref(s.a, "refs/tags/sample/v2"));
    CHECK(s.ref(s.remote, "refs/tags/other/first") == s.ref(s.a, "refs/tags/other/first"));
    auto fsck = run_shell("git --git-dir='" + s.remote + "' fsck --strict --no-dangling");
    INFO(fsck.out);
    CHECK(fsck.code == 0);

    // The remote is remembered: no --remote needed any more.
    r = s.sync(s.a);
    CHECK(r.code == 0);
    CHECK(line_of(r.out, "sample").find("up to date") != std::string::npos);

    r = s.sync(s.b, {"--remote", s.remote});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(line_of(r.out, "sample").find("pulled: new from the remote") != std::string::npos);
    CHECK(s.labels(s.b, "sample") == std::vector<std::string>{"v2", "v1"});
    CHECK(s.labels(s.b, "other") == std::vector<std::string>{"first"});
    auto text = run_cli({"--store", s.b, "show", "sample@v1"});
    CHECK(text.code == 0);
    CHECK(text.out == run_cli({"--store", s.a, "show", "sample@v1"}).out);
}

TEST_CASE("sync: fast-forwards both ways between two stores", "[sync]") {
    Stores s;
    s.track(s.a, "sample");
    s.snapshot(s.a, "sample", sample("v1.md"), "v1");
    REQUIRE(s.sync(s.a, {"--remote", s.remote}).code == 0);
    REQUIRE(s.sync(s.b, {"--remote", s.remote}).code == 0);

    s.snapshot(s.b, "sample", sample("v2.md"), "v2");
    auto r = s.sync(s.b);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(line_of(r.out, "sample").find("pushed 1 commit") != std::string::npos);

    r = s.sync(s.a, {"--json"});
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["ok"] == true);
    CHECK(j["documents"][0]["action"] == "pulled");
    CHECK(j["documents"][0]["commits"] == 1);
    CHECK(j["tags_pulled"] == 1);
    CHECK(s.labels(s.a, "sample") == std::vector<std::string>{"v2", "v1"});
    CHECK(s.ref(s.a, "refs/heads/sample") == s.ref(s.b, "refs/heads/sample"));
}

TEST_CASE("sync: divergent histories are reported and never overwritten", "[sync]") {
    Stores s;
    s.track(s.a, "sample");
    s.snapshot(s.a, "sample", sample("v1.md"), "v1");
    REQUIRE(s.sync(s.a, {"--remote", s.remote}).code == 0);
    REQUIRE(s.sync(s.b, {"--remote", s.remote}).code == 0);

    // Both record a different next version of the same document.
    s.snapshot(s.a, "sample", sample("v2.md"), "from-a");
    s.snapshot(s.b, "sample", sample("v3.md"), "from-b");
    s.track(s.b, "extra");
    s.snapshot(s.b, "extra", "# Extra\n\nText.\n", "x1");
    REQUIRE(s.sync(s.a).code == 0);
    std::string remote_tip = s.ref(s.remote, "refs/heads/sample");
    std::string b_tip = s.ref(s.b, "refs/heads/sample");

    auto r = s.sync(s.b);
    INFO(r.out << r.err);
    CHECK(r.code == 3);
    std::string line = line_of(r.out, "sample");
    CHECK(line.find("DIVERGED") != std::string::npos);
    CHECK(line.find("this store has 1 commit(s) and the remote 1") != std::string::npos);
    CHECK(s.ref(s.b, "refs/heads/sample") == b_tip);           // ours untouched
    CHECK(s.ref(s.remote, "refs/heads/sample") == remote_tip); // theirs untouched
    CHECK(s.ref(s.b, "refs/tags/sample/from-a").empty());
    CHECK(s.ref(s.remote, "refs/tags/sample/from-b").empty());
    // The other document still went through.
    CHECK(line_of(r.out, "extra").find("pushed: new on the remote") != std::string::npos);
    CHECK(s.ref(s.remote, "refs/heads/extra") == s.ref(s.b, "refs/heads/extra"));

    auto j = nlohmann::json::parse(s.sync(s.b, {"--json"}).out);
    CHECK(j["ok"] == false);
    CHECK(j["documents"][1]["id"] == "sample");
    CHECK(j["documents"][1]["action"] == "diverged");
}

TEST_CASE("sync: missing and unreachable remotes", "[sync]") {
    Stores s;
    s.track(s.a, "sample");
    auto r = s.sync(s.a);
    CHECK(r.code == 2);
    CHECK(r.err.find("--remote") != std::string::npos);
    r = s.sync(s.a, {"--remote", (s.tmp / "nowhere.git").string()});
    CHECK(r.code == 3);
    CHECK(r.err.find("cannot fetch from") != std::string::npos);
    r = s.sync(s.a, {"--pull-only", "--push-only", "--remote", s.remote});
    CHECK(r.code == 2);
    // A pull-only sync sends nothing.
    r = s.sync(s.a, {"--pull-only", "--remote", s.remote});
    CHECK(r.code == 0);
    CHECK(s.ref(s.remote, "refs/heads/sample").empty());
}

namespace {

// Runs the body with GUIDETRACK_SYNC_TRANSPORT set (or unset: git pushes when installed).
struct Transport {
    explicit Transport(const char* value) {
        if (value)
            setenv("GUIDETRACK_SYNC_TRANSPORT", value, 1);
        else
            unsetenv("GUIDETRACK_SYNC_TRANSPORT");
    }
    ~Transport() { unsetenv("GUIDETRACK_SYNC_TRANSPORT"); }
};

} // namespace

TEST_CASE("sync: git and libgit2 push the same refs, and report a ref the remote refuses",
          "[sync]") {
    for (const char* transport : {static_cast<const char*>(nullptr), "libgit2"}) {
        Transport t(transport);
        INFO("transport: " << (transport ? transport : "git"));
        Stores s;
        s.track(s.a, "sample");
        s.snapshot(s.a, "sample", sample("v1.md"), "v1");
        s.track(s.a, "blocked");
        s.snapshot(s.a, "blocked", "# Blocked\n\nSome text.\n", "first");
        // The remote's update hook refuses one document's branch.
        const std::string hook = s.remote + "/hooks/update";
        {
            std::ofstream out(hook);
            out << "#!/bin/sh\n[ \"$1\" = refs/heads/blocked ] && { echo 'policy: no' >&2; exit 1; "
                   "}\nexit 0\n";
        }
        REQUIRE(run_shell("chmod +x '" + hook + "'").code == 0);
        auto r = s.sync(s.a, {"--remote", s.remote});
        INFO(r.out << r.err);
        CHECK(line_of(r.out, "sample").find("pushed: new on the remote") != std::string::npos);
        CHECK(s.ref(s.remote, "refs/heads/sample") == s.ref(s.a, "refs/heads/sample"));
        CHECK(s.ref(s.remote, "refs/tags/sample/v1") == s.ref(s.a, "refs/tags/sample/v1"));
        if (transport) {
            // libgit2 writes into a local remote directly and runs none of its hooks.
            CHECK(r.code == 0);
            CHECK(s.ref(s.remote, "refs/heads/blocked") == s.ref(s.a, "refs/heads/blocked"));
        } else {
            CHECK(r.code != 0);
            CHECK(line_of(r.out, "blocked").find("rejected") != std::string::npos);
            CHECK(line_of(r.out, "blocked").find("hook declined") != std::string::npos);
            CHECK(s.ref(s.remote, "refs/heads/blocked").empty());
        }
        auto fsck = run_shell("git --git-dir='" + s.remote + "' fsck --strict --no-dangling");
        CHECK(fsck.code == 0);
    }
}

TEST_CASE("sync: git pushes more tags than one command line could carry", "[sync]") {
    // 16,000 tags of about 200 characters: as refspecs on git's command line they would come to
    // 6.9 MB, past the kernel's limit for a program's arguments (at most 6 MB on Linux).
    Stores s;
    s.track(s.a, "sample");
    s.snapshot(s.a, "sample", sample("v1.md"), "v1");
    const std::string head = s.ref(s.a, "refs/heads/sample");
    REQUIRE(head.size() == 40);
    const std::string label(190, 'x');
    // Written as packed refs (16,000 loose ref files would take most of the test's time).
    const std::string packed = s.a + "/packed-refs";
    auto made = run_shell("cd '" + s.a +
                          "' && { git --git-dir=. for-each-ref --format='%(objectname) "
                          "%(refname)'; seq 1 16000 | awk '{printf \"" +
                          head + " refs/tags/sample/" + label +
                          "-%05d\\n\", $1}'; } | LC_ALL=C sort -k2 > packed-refs.new && mv "
                          "packed-refs.new packed-refs && git --git-dir=. for-each-ref | wc -l");
    REQUIRE(made.code == 0);
    REQUIRE(std::stoi(made.out) == 16002); // the branch, v1 and the 16,000
    auto r = s.sync(s.a, {"--remote", s.remote});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("16001 tags pushed") != std::string::npos);
    auto count = run_shell("git --git-dir='" + s.remote + "' for-each-ref refs/tags | wc -l");
    CHECK(std::stoi(count.out) == 16001);
    CHECK(s.ref(s.remote, "refs/tags/sample/" + label + "-16000") == head);
}
