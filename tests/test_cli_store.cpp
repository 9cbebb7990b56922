// The store commands (init, track, snapshot, log, show, list, reextract) run in-process, and the
// built binary for concurrent writers.
#include "pdfgen.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

using gt_test::read_file;
using gt_test::run_cli;
using gt_test::run_shell;
using gt_test::TempDir;

namespace {

std::string sample_path(const std::string& name) {
    return (gt_test::source_dir() / "snapshots" / "sample" / name).string();
}

struct StoreCli {
    TempDir tmp;
    std::string store = (tmp / "store").string();

    gt_test::CliResult run(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--store", store});
        return run_cli(args, input);
    }
    std::string refs() {
        auto r = run_shell("git --git-dir='" + store +
                           "' for-each-ref --format='%(refname) %(objectname)'");
        REQUIRE(r.code == 0);
        return r.out;
    }
    void fsck() {
        auto r = run_shell("git --git-dir='" + store + "' fsck --strict --no-dangling");
        INFO(r.out);
        REQUIRE(r.code == 0);
    }
    void setup_three() {
        REQUIRE(run({"init"}).code == 0);
        REQUIRE(run({"track", "sample", "--title", "Sample", "--input-format", "md"}).code == 0);
        REQUIRE(run({"snapshot", "sample", sample_path("v1.md"), "--label", "2024-01", "--date",
                     "2024-01-10"})
                    .code == 0);
        REQUIRE(run({"snapshot", "sample", sample_path("v2.md"), "--label", "2024-02", "--date",
                     "2024-02-23"})
                    .code == 0);
        REQUIRE(run({"snapshot", "sample", sample_path("v3.md"), "--label", "2024-06", "--date",
                     "2024-06-01", "--note", "Deputy DSL added"})
                    .code == 0);
    }
};

} // namespace

TEST_CASE("cli: init, track, snapshot, log, show and list work together", "[cli][store]") {
    StoreCli s;
    auto init = s.run({"init"});
    CHECK(init.code == 0);
    CHECK(init.out.find("Created") != std::string::npos);
    CHECK(s.run({"init"}).code == 0); // idempotent
    auto track = s.run({"track", "sample", "--title", "Sample", "--input-format", "md"});
    CHECK(track.code == 0);
    auto list0 = s.run({"list"});
    CHECK(list0.code == 0);
    CHECK(list0.out.find("sample") != std::string::npos);

    auto snap = s.run(
        {"snapshot", "sample", sample_path("v1.md"), "--label", "2024-01", "--date", "2024-01-10"});
    CHECK(snap.code == 0);
    CHECK(snap.out.find("recorded version 2024-01") != std::string::npos);
    auto v2 =
        s.run({"snapshot", "sample", "-", "--date", "2024-02-23"}, read_file(sample_path("v2.md")));
    CHECK(v2.code == 0);
    CHECK(v2.out.find("recorded version 2024-02-23") != std::string::npos);
    auto same = s.run({"snapshot", "sample", sample_path("v2.md"), "--label", "again"});
    CHECK(same.code == 0);
    CHECK(same.out.find("unchanged") != std::string::npos);

    auto log = s.run({"log", "sample"});
    CHECK(log.code == 0);
    INFO(log.out);
    auto p_new = log.out.find("2024-02-23");
    auto p_old = log.out.find("2024-01 ");
    REQUIRE(p_new != std::string::npos);
    REQUIRE(p_old != std::string::npos);
    CHECK(p_new < p_old); // newest first
    CHECK(log.out.find("again") == std::string::npos);

    auto json = s.run({"log", "sample", "--json"});
    REQUIRE(json.code == 0);
    auto j = nlohmann::json::parse(json.out);
    REQUIRE(j["versions"].size() == 2);
    CHECK(j["versions"][0]["label"] == "2024-02-23");
    CHECK(j["versions"][1]["words_removed"] == 0);
    std::string short_id = j["versions"][1]["commit"].get<std::string>().substr(0, 8);

    auto show = s.run({"show", "sample@2024-01"});
    CHECK(show.code == 0);
    CHECK(show.out.find("Keeping Learners Safe in Sample Town") != std::string::npos);
    CHECK(s.run({"show", "sample@" + short_id}).out == show.out);
    CHECK(s.run({"show", "sample@latest~1"}).out == show.out);
    CHECK(s.run({"show", "sample@2024-01-10"}).out == show.out);
    auto original = s.run({"show", "sample@2024-01", "--original"});
    CHECK(original.out == read_file(sample_path("v1.md")));
    auto latest = s.run({"show", "sample"});
    CHECK(latest.code == 0);
    CHECK(latest.out != show.out);

    auto list = s.run({"list", "--json"});
    REQUIRE(list.code == 0);
    auto l = nlohmann::json::parse(list.out);
    REQUIRE(l.size() == 1);
    CHECK(l[0]["id"] == "sample");
    CHECK(l[0]["versions"] == 2);
    CHECK(l[0]["latest"]["label"] == "2024-02-23");
    s.fsck();
}

TEST_CASE("cli: bad input exits 2 with one line and leaves the store unchanged", "[cli][store]") {
    StoreCli s;
    s.setup_three();
    std::string before = s.refs();
    gt_test::write_file(s.tmp / "empty.md", "");
    gt_test::write_file(s.tmp / "bad.txt", "caf\xc3 au lait\n");
    gt_test::write_file(s.tmp / "big.md", std::string(2000, 'x'));
    std::vector<std::vector<std::string>> cases = {
        {"snapshot", "nope", sample_path("v1.md")},
        {"snapshot", "Bad_ID", sample_path("v1.md")},
        {"snapshot", "sample", (s.tmp / "missing.md").string()},
        {"snapshot", "sample", s.tmp.path().string()},
        {"snapshot", "sample", (s.tmp / "empty.md").string()},
        {"snapshot", "sample", (s.tmp / "bad.txt").string(), "--input-format", "txt"},
        {"snapshot", "sample", (s.tmp / "big.md").string(), "--max-size", "1000"},
        {"snapshot", "sample", (s.tmp / "big.md").string(), "--max-size", "lots"},
        {"snapshot", "sample"},
        {"snapshot", "sample", sample_path("v1.md"), "--label", "2024-02"},
        {"snapshot", "sample", sample_path("v1.md"), "--date", "24-02-2024"},
        {"show", "sample@nope"},
        {"show", "sample@latest~9"},
        {"show", "nope"},
        {"log", "nope"},
        {"log", "../etc"},
        {"reextract", "nope"},
        {"track", "new-doc"},
    };
    for (const auto& args : cases) {
        auto r = s.run(args);
        INFO(args[0] << " " << args[1] << (args.size() > 2 ? " " + args[2] : "") << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.rfind("guidetrack: ", 0) == 0);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(s.refs() == before);
    }
    s.fsck();
}

TEST_CASE("cli: a folder that is not a store, and a missing store", "[cli][store]") {
    TempDir tmp;
    std::filesystem::create_directories(tmp / "notstore");
    gt_test::write_file(tmp / "notstore" / "a.txt", "x");
    for (auto args : std::vector<std::vector<std::string>>{{"list"}, {"log", "x"}, {"init"}}) {
        args.insert(args.begin(), {"--store", (tmp / "notstore").string()});
        auto r = run_cli(args);
        CHECK(r.code == 2);
        CHECK(r.err.find("not") != std::string::npos);
    }
    auto missing = run_cli({"--store", (tmp / "missing").string(), "list"});
    CHECK(missing.code == 2);
    CHECK(missing.err.find("guidetrack init") != std::string::npos);
    // track creates the store when there is none.
    auto track = run_cli({"--store", (tmp / "auto").string(), "track", "doc", "--title", "Doc"});
    CHECK(track.code == 0);
    CHECK(track.out.find("Created a new store") != std::string::npos);
    CHECK(run_cli({"--store", (tmp / "auto").string(), "list"}).out.find("doc") !=
          std::string::npos);
}

TEST_CASE("cli: every store command has --help", "[cli][store]") {
    for (const char* cmd : {"init", "track", "snapshot", "log", "show", "list", "reextract"}) {
        auto r = run_cli({cmd, "--help"});
        INFO(cmd << "\n" << r.out << r.err);
        CHECK(r.code == 0);
        CHECK(r.out.find(cmd) != std::string::npos);
    }
}

TEST_CASE("cli: reextract on an up-to-date store records nothing", "[cli][store]") {
    StoreCli s;
    s.setup_three();
    std::string before = s.refs();
    auto r = s.run({"reextract"});
    CHECK(r.code == 0);
    CHECK(r.out.find("sample: 3 versions checked, text unchanged") != std::string::npos);
    CHECK(s.refs() == before);
}

TEST_CASE("cli: two processes snapshotting into one store lose nothing", "[cli][store]") {
    StoreCli s;
    REQUIRE(s.run({"init"}).code == 0);
    REQUIRE(s.run({"track", "doc", "--title", "Doc", "--input-format", "txt"}).code == 0);
    REQUIRE(s.run({"track", "other", "--title", "Other", "--input-format", "txt"}).code == 0);
    const int per_writer = 15;
    for (const char* w : {"a", "b"})
        for (int i = 0; i < per_writer; ++i)
            gt_test::write_file(s.tmp / (std::string(w) + std::to_string(i) + ".txt"),
                                std::string("Writer ") + w + " version " + std::to_string(i) +
                                    ".\n\nSome shared text.\n");
    // Writer a and writer b both write to "doc" (same branch: compare-and-swap races), and
    // writer b also writes to "other".
    std::string bin = gt_test::binary_path();
    std::string script;
    for (const char* w : {"a", "b"}) {
        script += "( for i in $(seq 0 " + std::to_string(per_writer - 1) + "); do '" + bin +
                  "' --store '" + s.store + "' snapshot doc '" + s.tmp.path().string() + "/" + w +
                  "'$i.txt --label " + w + "$i >/dev/null || echo FAIL; ";
        if (std::string(w) == "b")
            script += "'" + bin + "' --store '" + s.store + "' snapshot other '" +
                      s.tmp.path().string() + "/b'$i.txt >/dev/null || echo FAIL; ";
        script += "done ) & ";
    }
    script += "wait";
    auto r = run_shell(script);
    INFO(r.out);
    CHECK(r.out.find("FAIL") == std::string::npos);
    auto log = s.run({"log", "doc", "--json"});
    REQUIRE(log.code == 0);
    auto j = nlohmann::json::parse(log.out);
    CHECK(j["versions"].size() == 2 * per_writer);
    std::set<std::string> labels;
    for (const auto& v : j["versions"])
        labels.insert(v["label"].get<std::string>());
    CHECK(labels.size() == 2 * per_writer);
    auto other = nlohmann::json::parse(s.run({"log", "other", "--json"}).out);
    CHECK(other["versions"].size() == per_writer);
    // Every tag points at a commit on its document's branch.
    auto tags =
        run_shell("cd '" + s.tmp.path().string() + "' && for t in $(git --git-dir='" + s.store +
                  "' for-each-ref --format='%(refname:short)' refs/tags/doc); do "
                  "git --git-dir='" +
                  s.store +
                  "' merge-base --is-ancestor $t doc || echo "
                  "BAD $t; done");
    CHECK(tags.code == 0);
    CHECK(tags.out.find("BAD") == std::string::npos);
    s.fsck();
}

TEST_CASE("cli: snapshot of another kind of file than the tracked one", "[cli][store]") {
    StoreCli s;
    REQUIRE(s.run({"track", "doc", "--title", "Doc", "--input-format", "pdf"}).code == 0);
    pdfgen::Flow f("Doc");
    f.heading("Keeping learners safe", 16);
    f.paragraph("Every school has a designated safeguarding lead.", "1");
    f.paragraph("12. This line only looks numbered; it stays in the text.");
    f.paragraph("The review panel meets every month.", "2");
    std::string pdf = (s.tmp / "doc.pdf").string();
    gt_test::write_file(pdf, f.pdf());
    REQUIRE(s.run({"snapshot", "doc", pdf, "--label", "one"}).code == 0);

    // A Markdown file is refused, naming the option that records it anyway.
    auto r = s.run({"snapshot", "doc", sample_path("v1.md")});
    CHECK(r.code == 2);
    CHECK(r.err == "guidetrack: '" + sample_path("v1.md") +
                       "' is Markdown, not PDF as the document is tracked: give --input-format "
                       "md to record it anyway\n");

    // Its own stored text is taken, edited or not: the unchanged one records nothing, the edited
    // one records the edit alone.
    std::string shown = (s.tmp / "shown.md").string();
    auto show = s.run({"show", "doc"});
    REQUIRE(show.code == 0);
    CHECK(show.out.find("12\\. This line only looks numbered") != std::string::npos);
    gt_test::write_file(shown, show.out);
    r = s.run({"snapshot", "doc", shown});
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out.find("unchanged") != std::string::npos);
    std::string edited = show.out;
    edited.replace(edited.find("every month"), 11, "every week");
    gt_test::write_file(shown, edited);
    r = s.run({"snapshot", "doc", shown, "--label", "two"});
    CHECK(r.code == 0);
    auto diff = s.run({"diff", "doc", "one", "two", "--no-pager"});
    CHECK(diff.code == 1);
    CHECK(diff.out.find("1 change: 1 amended") != std::string::npos);

    // With --input-format, any text is recorded as asked.
    r = s.run({"snapshot", "doc", sample_path("v1.md"), "--input-format", "md", "--label", "md"});
    CHECK(r.code == 0);
}

TEST_CASE("cli: --max-size that would overflow is refused, not wrapped to 0", "[cli][store]") {
    StoreCli s;
    REQUIRE(s.run({"track", "doc", "--title", "Doc", "--input-format", "md"}).code == 0);
    // 17179869184G = 2^64 bytes, which wrapped to a limit of 0 bytes.
    auto r = s.run({"snapshot", "doc", sample_path("v1.md"), "--max-size", "17179869184G"});
    CHECK(r.code == 2);
    CHECK(r.err == "guidetrack: invalid size '17179869184G': too large\n");
    r = s.run({"snapshot", "doc", sample_path("v1.md"), "--max-size", "16G"});
    CHECK(r.code == 0);
}

TEST_CASE("cli: titles, notes and selectors with terminal escapes are printed visibly",
          "[cli][store]") {
    StoreCli s;
    const std::string evil = "Evil\x1b]0;PWNED\a\x1b[2J \xE2\x80\xAE"
                             "title";
    REQUIRE(s.run({"track", "doc", "--title", evil, "--input-format", "md"}).code == 0);
    REQUIRE(s.run({"snapshot", "doc", sample_path("v1.md"), "--note", "note\x1b[31m\nred"}).code ==
            0);
    auto no_controls = [](const std::string& out) {
        return std::none_of(out.begin(), out.end(),
                            [](char c) { return c == '\x1b' || c == '\a'; }) &&
               out.find("\xE2\x80\xAE") == std::string::npos;
    };
    auto list = s.run({"list"});
    CHECK(no_controls(list.out));
    CHECK(list.out.find("Evil\\x1b]0;PWNED\\x07\\x1b[2J \\u202etitle") != std::string::npos);
    auto log = s.run({"log", "doc"});
    CHECK(no_controls(log.out));
    CHECK(log.out.find("Our note: note\\x1b[31m red") != std::string::npos);
    auto bad = s.run({"show", "doc@x\xE2\x80\xAEy"});
    CHECK(bad.code == 2);
    CHECK(no_controls(bad.err));
}

TEST_CASE("cli: a pack cut short says the store is damaged and what to do", "[cli][store]") {
    StoreCli s;
    s.setup_three();
    for (const auto& e : std::filesystem::directory_iterator(s.tmp / "store" / "objects" / "pack"))
        if (e.path().extension() == ".pack") {
            std::filesystem::permissions(e.path(), std::filesystem::perms::owner_write,
                                         std::filesystem::perm_options::add);
            std::filesystem::resize_file(e.path(), 200);
        }
    auto r = s.run({"show", "sample"});
    CHECK(r.code == 3);
    CHECK(r.err.find("the store is damaged: commit ") != std::string::npos);
    CHECK(r.err.find("is missing (a pack file cut short or deleted?); run guidetrack fsck") !=
          std::string::npos);
    CHECK(r.err.find("no match for id") == std::string::npos);
    // Every command that walks documents says so once, not "damaged: the store is damaged".
    for (std::vector<std::string> args :
         {std::vector<std::string>{"list"}, {"feed"}, {"reextract"}, {"log", "sample"}}) {
        auto w = s.run(args);
        INFO(args[0] << ": " << w.err);
        CHECK(w.code == 3);
        auto count = [&](const std::string& what) {
            std::size_t n = 0;
            for (std::size_t at = w.err.find(what); at != std::string::npos;
                 at = w.err.find(what, at + 1))
                ++n;
            return n;
        };
        CHECK(count("damaged") == 1);
        CHECK(count("run guidetrack fsck") == 1);
    }
}
