// Hostile and malformed input, table-driven, against the BUILT binary (a crash must show up as a
// signal, not be hidden by an in-process harness). Each row has its expected exit code and a
// fragment its one-line message must contain (alternatives separated by '|', case-insensitive);
// after every row that must fail, the store's refs and objects are compared with what they were
// before, byte for byte.
#include "test_hardening_util.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace gt_hardening;

std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    return out + "'";
}

struct Run {
    int code = -1;
    int signal = 0;
    std::string out, err;
    double seconds = 0;
};

// Run a command line with stdout and stderr captured separately.
Run run_command(const std::string& command, const fs::path& scratch) {
    Run r;
    fs::path out = scratch / "run.out", err = scratch / "run.err";
    std::string full = command + " >" + quote(out.string()) + " 2>" + quote(err.string());
    auto t0 = std::chrono::steady_clock::now();
    int status = std::system(full.c_str());
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (WIFEXITED(status)) {
        r.code = WEXITSTATUS(status);
        // The shell reports a child killed by a signal as 128 + N.
        if (r.code > 128)
            r.signal = r.code - 128;
    } else if (WIFSIGNALED(status)) {
        r.signal = WTERMSIG(status);
    }
    r.out = gt_test::read_file(out);
    r.err = gt_test::read_file(err);
    return r;
}

std::string guidetrack_command(const fs::path& store, const std::vector<std::string>& args) {
    std::string cmd = quote(gt_test::binary_path()) + " --store " + quote(store.string());
    for (const auto& a : args)
        cmd += " " + quote(a);
    return cmd;
}

// What must not change when a command fails: every ref and every object of the store.
std::string store_state(const fs::path& store) {
    std::string q = quote(store.string());
    std::string state = gt_test::run_shell("git -c safe.directory='*' -C " + q +
                                           " for-each-ref --format='%(refname) %(objectname)'")
                            .out;
    state += gt_test::run_shell("git -c safe.directory='*' -C " + q + " count-objects -v").out;
    state += gt_test::run_shell("ls -l " + q + "/objects/pack " + q + "/refs/heads " + q +
                                "/refs/tags 2>&1; cat " + q + "/packed-refs " + q + "/HEAD " + q +
                                "/config 2>/dev/null")
                 .out;
    return state;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool contains_any(const std::string& text, const std::string& alternatives) {
    std::string t = lower(text);
    std::size_t start = 0;
    while (start <= alternatives.size()) {
        std::size_t bar = alternatives.find('|', start);
        std::string alt =
            alternatives.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        if (!alt.empty() && t.find(lower(alt)) != std::string::npos)
            return true;
        if (bar == std::string::npos)
            break;
        start = bar + 1;
    }
    return false;
}

// Nested elements: `depth` opening tags of `tag`, a paragraph of text, then the closing tags.
std::string nested_html(const std::string& open, const std::string& close, int depth) {
    std::string s = "<!DOCTYPE html><html><body><main>";
    for (int i = 0; i < depth; ++i)
        s += open;
    s += "<p>1. Deep text at the bottom.</p>";
    for (int i = 0; i < depth; ++i)
        s += close;
    return s + "</main></body></html>";
}

#if defined(__SANITIZE_ADDRESS__)
constexpr double kBuildSlowdown = 3.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr double kBuildSlowdown = 3.0;
#else
constexpr double kBuildSlowdown = 1.0;
#endif
#else
constexpr double kBuildSlowdown = 1.0;
#endif

struct Row {
    std::string name;
    // Prepares the input in `dir` and returns the arguments after `--store STORE`.
    std::function<std::vector<std::string>(const fs::path& dir)> args;
    int code;
    std::string fragment;      // in stderr (failures) or stdout (successes)
    double max_seconds = 30.0; // must answer within this
    // A row that records a version changes the store: it is checked, then undone by re-creating
    // the fixture.
    bool records = false;
    // Use this folder as the store instead of the fixture.
    std::function<fs::path(const fs::path& dir)> other_store = nullptr;
};

std::vector<std::string> snapshot_of(const fs::path& dir, const std::string& name,
                                     const std::string& bytes,
                                     std::vector<std::string> extra = {}) {
    gt_test::write_file(dir / name, bytes);
    std::vector<std::string> a{"snapshot", "doc", (dir / name).string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

std::string truncated(const std::string& s, double fraction) {
    return s.substr(0, static_cast<std::size_t>(static_cast<double>(s.size()) * fraction));
}

std::string markdown_doc() {
    return gt_test::read_file(gt_test::source_dir() / "snapshots" / "sample" / "v1.md");
}

bool have(const std::string& tool) {
    return gt_test::run_shell("command -v " + tool + " >/dev/null").code == 0;
}

// A PDF encrypted with a user password (qpdf), or empty when qpdf is not installed.
std::string encrypted_pdf(const fs::path& dir, const std::string& user_password) {
    if (!have("qpdf"))
        return {};
    gt_test::write_file(dir / "plain.pdf", text_pdf());
    auto r = gt_test::run_shell("qpdf --encrypt " + quote(user_password) + " owner-secret 256 -- " +
                                quote((dir / "plain.pdf").string()) + " " +
                                quote((dir / "enc.pdf").string()));
    if (r.code != 0 && r.code != 3) // 3: qpdf's "succeeded with warnings"
        return {};
    return gt_test::read_file(dir / "enc.pdf");
}

std::vector<Row> rows() {
    std::vector<Row> t;
    auto snap = [](std::string name, std::string file, std::function<std::string()> bytes, int code,
                   std::string fragment, std::vector<std::string> extra = {}) {
        return Row{name, [=](const fs::path& d) { return snapshot_of(d, file, bytes(), extra); },
                   code, fragment};
    };
    // --- PDFs
    t.push_back(snap(
        "truncated PDF (half)", "half.pdf", [] { return truncated(text_pdf(), 0.5); }, 2, "pdf"));
    t.push_back(snap(
        "truncated PDF (header only)", "header.pdf", [] { return std::string("%PDF-1.7\n"); }, 2,
        "pdf"));
    t.push_back(snap(
        "corrupt PDF (garbage after header)", "garbage.pdf",
        [] {
            std::string s = "%PDF-1.4\n";
            for (int i = 0; i < 4000; ++i)
                s.push_back(static_cast<char>((i * 7919) % 251));
            return s;
        },
        2, "pdf"));
    t.push_back(snap(
        "corrupt PDF (xref points nowhere, objects damaged)", "damaged.pdf",
        [] {
            std::string s = text_pdf();
            for (std::size_t i = 40; i < s.size(); i += 13)
                s[i] = '#';
            return s;
        },
        2, "pdf"));
    t.push_back(snap(
        "PDF with no text layer", "scan.pdf",
        [] { return make_pdf({"0.5 g 72 72 400 600 re f\n"}); }, 2, "no text|text layer|scanned"));
    t.push_back(snap(
        "PDF with no pages", "nopages.pdf",
        [] {
            return pdf_from_objects(
                {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"});
        },
        2, "pdf|page|no text"));
    t.push_back(snap(
        "PDF whose page tree loops", "loop.pdf",
        [] {
            return pdf_from_objects({"<< /Type /Catalog /Pages 2 0 R >>",
                                     "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                                     "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"});
        },
        2, "pdf|page|no text"));
    t.push_back(Row{"PDF compression bomb (FlateDecode stream inflating to 2 GiB)",
                    [](const fs::path& d) {
                        return snapshot_of(d, "bomb.pdf", pdf_bomb(std::uint64_t(2) << 30));
                    },
                    2, "too large|limit|bomb|expands|exceeds|no text", 30.0});
    t.push_back(Row{"encrypted PDF (user password)",
                    [](const fs::path& d) {
                        std::string pdf = encrypted_pdf(d, "user-secret");
                        if (pdf.empty())
                            return std::vector<std::string>{};
                        return snapshot_of(d, "enc-user.pdf", pdf);
                    },
                    2, "encrypted|password"});
    // --- text encodings and bytes
    t.push_back(snap(
        "invalid UTF-8 in Markdown", "bad.md",
        [] { return "# Title\n\n1. Caf\xC3 au lait \xFF\xFE.\n"; }, 2, "utf-8"));
    t.push_back(snap(
        "invalid UTF-8 in text (overlong encoding)", "bad.txt",
        [] { return std::string("Plain text with an overlong slash \xC0\xAF here.\n"); }, 2,
        "utf-8"));
    t.push_back(snap(
        "surrogate code point in Markdown", "surrogate.md",
        [] { return std::string("# T\n\nA lone surrogate \xED\xA0\x80 here.\n"); }, 2, "utf-8"));
    t.push_back(snap(
        "NUL bytes in Markdown", "nul.md",
        [] { return std::string("# Title\n\nSome\0text\0with NULs.\n", 31); }, 2,
        "nul|binary|control"));
    t.push_back(snap(
        "UTF-16 text (NUL bytes in every other byte)", "utf16.txt",
        [] {
            std::string s = "\xFF\xFE";
            for (char c : std::string("Guidance in UTF-16.\n")) {
                s.push_back(c);
                s.push_back('\0');
            }
            return s;
        },
        2, "utf-16|nul|binary|encoding|utf-8"));
    t.push_back(snap("binary data passed as HTML", "image.html",
                     [] {
                         std::string s = "\x89PNG\r\n\x1a\n";
                         for (int i = 0; i < 3000; ++i)
                             s.push_back(static_cast<char>((i * 31) & 0xFF));
                         return s;
                     },
                     2, "binary|not html|utf-8|no text|empty", {"--input-format", "html"}));
    t.push_back(snap(
        "empty file", "empty.md", [] { return std::string(); }, 2, "empty"));
    t.push_back(snap(
        "whitespace-only file", "blank.txt", [] { return std::string(" \n\t\n   \n"); }, 2,
        "empty|no text"));
    t.push_back(snap(
        "HTML with no content", "nothing.html",
        [] { return std::string("<html><head><title>x</title></head><body></body></html>"); }, 2,
        "empty|no text|no content"));
    // --- structure bombs
    t.push_back(snap(
        "100,000 nested <div> elements", "divs.html",
        [] { return nested_html("<div>", "</div>", 100000); }, 0, "recorded version"));
    t.back().records = true;
    t.push_back(snap(
        "100,000 nested <ul><li> lists", "lists.html",
        [] { return nested_html("<ul><li>", "</li></ul>", 100000); }, 0, "recorded version"));
    t.back().records = true;
    t.back().max_seconds = 20;
    t.push_back(snap(
        "100,000 unclosed <blockquote> elements", "quotes.html",
        [] {
            std::string s = "<html><body><main>";
            for (int i = 0; i < 100000; ++i)
                s += "<blockquote>";
            return s + "<p>Deep.</p>";
        },
        0, "recorded version"));
    t.back().records = true;
    t.push_back(snap(
        "100,000 unmatched [ on one Markdown line", "brackets.md",
        [] {
            std::string s = "# Brackets\n\n" + std::string(100000, '[') + "x";
            for (int i = 0; i < 1000; ++i)
                s += "](y)";
            return s + "\n";
        },
        0, "recorded version"));
    t.back().records = true;
    t.back().max_seconds = 10;
    // libxml2's attribute check is quadratic: 200,000 attributes ran past 60 s (issue 14, item 9).
    t.push_back(snap(
        "one HTML element with 200,000 attributes", "attrs.html",
        [] {
            std::string s = "<html><body><main><p";
            for (int i = 0; i < 200000; ++i)
                s += " a" + std::to_string(i) + "=\"x\"";
            return s + ">Hello.</p></main></body></html>";
        },
        2, "more than 2000 attributes"));
    t.back().max_seconds = 10;
    // Quadratic scans in the inline parser (issue 14, item 9): each bracket, '<' or '&' searched
    // to the end of the line. Measured before the bounds: 43 s, about 16 s and 16 s.
    t.push_back(snap(
        "\"[a](\" 100,000 times on one Markdown line", "links.md",
        [] {
            std::string s = "# Links\n\n";
            for (int i = 0; i < 100000; ++i)
                s += "[a](";
            return s + "\n";
        },
        0, "recorded version"));
    t.back().records = true;
    t.back().max_seconds = 10;
    t.push_back(snap(
        "2,000,000 '<' on one Markdown line", "angles.md",
        [] { return "# Angles\n\n" + std::string(2000000, '<') + "\n"; }, 0, "recorded version"));
    t.back().records = true;
    t.back().max_seconds = 10;
    t.push_back(snap(
        "2,000,000 '&' on one Markdown line", "amps.md",
        [] { return "# Amps\n\n" + std::string(2000000, '&') + "\n"; }, 0, "recorded version"));
    t.back().records = true;
    t.back().max_seconds = 10;
    t.push_back(snap(
        "100,000 nested Markdown block quotes and lists", "deep.md",
        [] {
            std::string s = "# Deep\n\n";
            s += std::string(100000, '>') + " quoted\n\n";
            for (int i = 0; i < 2000; ++i)
                s += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- item\n";
            return s;
        },
        0, "recorded version"));
    t.back().records = true;
    // Moved-paragraph detection (issue 14, item 9): the optimal alignment of shuffled paragraphs
    // is quadratic (40,000 took 9.2 s, 80,000 about 30 s before the cost cutoff; 1.05 s after).
    t.push_back(Row{"diff of 80,000 shuffled paragraphs",
                    [](const fs::path& d) {
                        std::vector<std::string> paras;
                        for (int i = 0; i < 80000; ++i)
                            paras.push_back("Paragraph " + std::to_string(i) + " sets duty " +
                                            std::to_string(i * 7 % 1000) + ".");
                        auto join = [](const std::vector<std::string>& v) {
                            std::string out;
                            for (const auto& p : v)
                                out += p + "\n\n";
                            return out;
                        };
                        gt_test::write_file(d / "old.md", join(paras));
                        // A fixed shuffle (a linear congruential sequence), the same every run.
                        std::uint64_t x = 12345;
                        for (std::size_t i = paras.size() - 1; i > 0; --i) {
                            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                            std::swap(paras[i], paras[(x >> 33) % (i + 1)]);
                        }
                        gt_test::write_file(d / "new.md", join(paras));
                        return std::vector<std::string>{"diff", "--files", "--stat",
                                                        (d / "old.md").string(),
                                                        (d / "new.md").string()};
                    },
                    1, "moved", 10.0});
    // A time bound per document (issue 14, item 9): one hostile input must not hold up a run.
    // 2,000 pages take about a second; the bound stops the extraction at 0.05 s, between pages
    // or inside poppler's drawing of one.
    t.push_back(snap("a PDF whose extraction outlasts --extract-timeout 0.05", "long.pdf",
                     [] {
                         std::vector<std::string> pages;
                         for (int p = 0; p < 2000; ++p) {
                             std::string page;
                             for (int l = 0; l < 30; ++l)
                                 page += pdf_text_line(760 - 22 * l,
                                                       std::to_string(p * 30 + l + 1) +
                                                           ". Schools record every concern.");
                             pages.push_back(page);
                         }
                         return make_pdf(pages);
                     },
                     2, "longer than the time limit of 0.05 s",
                     {"--input-format", "pdf", "--extract-timeout", "0.05"}));
    t.back().max_seconds = 5;
    // --- size limits
    t.push_back(Row{"300 MB file (sparse), over the default 256 MB limit",
                    [](const fs::path& d) {
                        fs::path p = d / "huge.txt";
                        {
                            int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
                            REQUIRE(fd >= 0);
                            REQUIRE(::ftruncate(fd, 300LL * 1024 * 1024) == 0);
                            ::close(fd);
                        }
                        return std::vector<std::string>{"snapshot", "doc", p.string()};
                    },
                    2, "limit|too large|256", 5.0});
    t.push_back(Row{"300 MB on standard input",
                    [](const fs::path& d) {
                        fs::path p = d / "huge.txt";
                        int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
                        REQUIRE(fd >= 0);
                        REQUIRE(::ftruncate(fd, 300LL * 1024 * 1024) == 0);
                        ::close(fd);
                        return std::vector<std::string>{"snapshot", "doc", "-", "<" + p.string()};
                    },
                    2, "limit|too large|256", 15.0});
    t.push_back(snap("file over a configured --max-size", "small.md", markdown_doc, 2,
                     "limit|too large|larger", {"--max-size", "1K"}));
    // --- misleading names
    t.push_back(snap(
        "a .pdf file holding HTML (content wins)", "page.pdf",
        [] {
            return std::string("<!DOCTYPE html><html><body><main><h1>Guidance</h1>"
                               "<p>1. Text from an HTML page named .pdf.</p>"
                               "</main></body></html>");
        },
        0, "recorded version"));
    t.back().records = true;
    t.push_back(snap(
        "a .md file holding a PDF (content wins)", "doc.md", [] { return text_pdf(); }, 0,
        "recorded version"));
    t.back().records = true;
    t.push_back(snap("--format pdf forced on Markdown", "forced.md", markdown_doc, 2, "pdf",
                     {"--input-format", "pdf"}));
    // --- IDs, labels, dates, selectors
    auto args = [](std::vector<std::string> a) { return [a](const fs::path&) { return a; }; };
    t.push_back(Row{"ID with ../", args({"show", "../doc"}), 2, "id"});
    t.push_back(Row{"ID that is an absolute path", args({"show", "/etc/passwd"}), 2, "id"});
    t.push_back(Row{"snapshot with a ../ ID",
                    [](const fs::path& d) {
                        auto a = snapshot_of(d, "x.md", markdown_doc());
                        a[1] = "../../escape";
                        return a;
                    },
                    2, "id"});
    t.push_back(Row{"track with an absolute-path ID",
                    args({"track", "/tmp/evil", "--title", "Evil"}), 2, "id"});
    t.push_back(Row{"ID with upper case and a slash", args({"log", "Doc/x"}), 2, "id"});
    t.push_back(Row{"ID of 65 characters", args({"log", std::string(65, 'a')}), 2, "id"});
    t.push_back(Row{"label with ../",
                    [](const fs::path& d) {
                        return snapshot_of(d, "l.md", markdown_doc() + "\nMore.\n",
                                           {"--label", "../../refs/heads/doc"});
                    },
                    2, "label"});
    t.push_back(
        Row{"label 'latest'",
            [](const fs::path& d) {
                return snapshot_of(d, "l.md", markdown_doc() + "\nMore.\n", {"--label", "latest"});
            },
            2, "label"});
    t.push_back(
        Row{"label already used",
            [](const fs::path& d) {
                return snapshot_of(d, "l.md", markdown_doc() + "\nMore.\n", {"--label", "v1"});
            },
            2, "v1"});
    t.push_back(Row{
        "invalid publication date",
        [](const fs::path& d) {
            return snapshot_of(d, "l.md", markdown_doc() + "\nMore.\n", {"--date", "2024-02-30"});
        },
        2, "date"});
    t.push_back(Row{"unknown document", args({"show", "no-such-doc"}), 2,
                    "unknown|not tracked|no-such-doc"});
    t.push_back(Row{"snapshot of an untracked document",
                    [](const fs::path& d) {
                        auto a = snapshot_of(d, "u.md", markdown_doc());
                        a[1] = "untracked";
                        return a;
                    },
                    2, "unknown|not tracked|untracked"});
    t.push_back(Row{"version label that names nothing", args({"show", "doc@v9"}), 2, "v9"});
    t.push_back(
        Row{"latest~N past the first version", args({"show", "doc@latest~5"}), 2, "latest~5"});
    t.push_back(Row{"date with no version", args({"show", "doc@1999-01-01"}), 2, "1999-01-01"});
    t.push_back(Row{"commit id that names nothing", args({"show", "doc@deadbeef"}), 2, "deadbeef"});
    t.push_back(Row{"selector with path and control characters",
                    args({"show", "doc@../../HEAD\x1b[31m"}), 2, "unknown|invalid|version"});
    // --- files
    t.push_back(Row{"missing input file", args({"snapshot", "doc", "/nonexistent/x.md"}), 2,
                    "/nonexistent/x.md"});
    t.push_back(
        Row{"a folder as the input file",
            [](const fs::path& d) {
                fs::create_directories(d / "folder.md");
                return std::vector<std::string>{"snapshot", "doc", (d / "folder.md").string()};
            },
            2, "folder|directory"});
    // --- stores
    t.push_back(Row{"store folder that is not a git repository", args({"log", "doc"}), 2,
                    "not a|store", 30.0, false, [](const fs::path& d) {
                        fs::create_directories(d / "plain");
                        gt_test::write_file(d / "plain" / "notes.txt", "hello\n");
                        return d / "plain";
                    }});
    t.push_back(Row{"store that is a git repository but not a guidetrack store",
                    args({"log", "doc"}), 2, "not a|store", 30.0, false, [](const fs::path& d) {
                        gt_test::run_shell("git init -q --bare " + quote((d / "bare").string()));
                        return d / "bare";
                    }});
    t.push_back(Row{"store path that is a file", args({"list"}), 2, "not a|store", 30.0, false,
                    [](const fs::path& d) {
                        gt_test::write_file(d / "file-store", "x");
                        return d / "file-store";
                    }});
    t.push_back(Row{"missing store folder", args({"list"}), 2, "not a|store|no store|init", 30.0,
                    false, [](const fs::path& d) { return d / "does-not-exist"; }});
    return t;
}

// A store with one tracked document, "doc", and one version, "v1".
void make_fixture(const fs::path& store, const fs::path& scratch) {
    fs::remove_all(store);
    auto run = [&](std::vector<std::string> a) {
        auto r = run_command(guidetrack_command(store, a), scratch);
        INFO(r.err);
        REQUIRE(r.code == 0);
    };
    run({"init"});
    run({"track", "doc", "--title", "Hardening fixture"});
    gt_test::write_file(scratch / "v1.md", markdown_doc());
    run({"snapshot", "doc", (scratch / "v1.md").string(), "--label", "v1", "--date", "2024-01-01"});
}

// The table runs in four shards (rows i with i % 4 == shard), so that `ctest -j` spreads it.
constexpr std::size_t kShards = 4;

void run_rows(std::size_t shard) {
    gt_test::TempDir tmp;
    fs::path store = tmp / "store";
    fs::path scratch = tmp / "scratch";
    fs::create_directories(scratch);
    make_fixture(store, scratch);
    auto table = rows();
    REQUIRE(table.size() >= 30);
    std::size_t ran = 0;
    for (std::size_t index = shard; index < table.size(); index += kShards) {
        const Row& row = table[index];
        fs::path dir = tmp / ("row" + std::to_string(index));
        fs::create_directories(dir);
        std::vector<std::string> a = row.args(dir);
        if (a.empty()) {
            WARN("SKIPPED row '" << row.name << "': its input cannot be built here (qpdf?)");
            continue;
        }
        ++ran;
        fs::path target = row.other_store ? row.other_store(dir) : store;
        std::string before = store_state(store);
        std::string target_before = row.other_store ? store_state(target) : "";
        // A trailing "<FILE" argument is standard input.
        std::string redirect;
        if (!a.empty() && a.back().rfind("<", 0) == 0) {
            redirect = " <" + quote(a.back().substr(1));
            a.pop_back();
        }
        // A hang or a runaway must fail the row, not the whole suite: kill at twice the bound.
        // Bounds are for an optimised build; ASan+UBSan (Debug) runs about 3x slower.
        const double bound = row.max_seconds * kBuildSlowdown;
        int kill_after = std::max(20, static_cast<int>(bound * 2));
        Run r = run_command("timeout -s KILL " + std::to_string(kill_after) + " " +
                                guidetrack_command(target, a) + redirect,
                            scratch);
        INFO("row: " << row.name << "\nexit " << r.code << " signal " << r.signal << " in "
                     << r.seconds << " s\nstdout: " << r.out.substr(0, 400)
                     << "\nstderr: " << r.err.substr(0, 400));
        CHECK(r.signal == 0);
        CHECK(r.code == row.code);
        CHECK(r.seconds < bound);
        if (row.code == 0 || row.code == 1) { // success, or changes found (diff)
            CHECK(contains_any(r.out, row.fragment));
        } else {
            CHECK(contains_any(r.err, row.fragment));
            // One line, prefixed, and nothing on stdout.
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
            CHECK(r.err.rfind("guidetrack: ", 0) == 0);
            CHECK(r.out.empty());
        }
        if (row.records) {
            CHECK(store_state(store) != before);
            CHECK(gt_test::run_shell("git -c safe.directory='*' -C " + quote(store.string()) +
                                     " fsck --strict --no-progress")
                      .code == 0);
            make_fixture(store, scratch); // back to one version for the next row
        } else {
            CHECK(store_state(store) == before);
            if (row.other_store)
                CHECK(store_state(target) == target_before);
        }
        fs::remove_all(dir);
    }
    CHECK(ran >= 30 / kShards);
    CHECK(gt_test::run_shell("git -c safe.directory='*' -C " + quote(store.string()) +
                             " fsck --strict --no-progress")
              .code == 0);
}

} // namespace

TEST_CASE("hostile and malformed input (shard 1 of 4): exit codes, messages, store unchanged",
          "[hardening]") {
    run_rows(0);
}
TEST_CASE("hostile and malformed input (shard 2 of 4): exit codes, messages, store unchanged",
          "[hardening]") {
    run_rows(1);
}
TEST_CASE("hostile and malformed input (shard 3 of 4): exit codes, messages, store unchanged",
          "[hardening]") {
    run_rows(2);
}
TEST_CASE("hostile and malformed input (shard 4 of 4): exit codes, messages, store unchanged",
          "[hardening]") {
    run_rows(3);
}

// A store the user cannot write to: the snapshot fails with one clear line and leaves no trace.
// Root ignores file permissions, so as root the command runs as `nobody` through setpriv.
TEST_CASE("read-only store: snapshot refused cleanly, store unchanged", "[hardening]") {
    gt_test::TempDir tmp;
    fs::path store = tmp / "store";
    fs::path scratch = tmp / "scratch";
    fs::create_directories(scratch);
    make_fixture(store, scratch);
    gt_test::write_file(scratch / "v2.md", markdown_doc() + "\n99. A new paragraph.\n");
    std::string prefix;
    if (::geteuid() == 0) {
        if (!have("setpriv"))
            GT_SKIP("running as root without setpriv: cannot drop privileges to test a "
                    "read-only store");
        // HOME too: libgit2 reads ~/.gitconfig, and nobody cannot read root's.
        prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=" +
                 quote(scratch.string()) + " ";
        // nobody must be able to reach the binary, the store (read-only) and the input.
        fs::permissions(tmp.path(), fs::perms::owner_all | fs::perms::group_read |
                                        fs::perms::group_exec | fs::perms::others_read |
                                        fs::perms::others_exec);
        auto probe = run_command(prefix + quote(gt_test::binary_path()) + " --version", scratch);
        if (probe.code != 0)
            GT_SKIP("running as root and `nobody` cannot run the built binary (" + probe.err +
                    "); read-only store not tested");
        // nobody owns the store (libgit2, like git, refuses a repository owned by another
        // user), but nobody's permissions on it are read-only.
        REQUIRE(gt_test::run_shell("chown -R 65534:65534 " + quote(store.string())).code == 0);
    }
    REQUIRE(gt_test::run_shell("chmod -R a-w " + quote(store.string())).code == 0);
    std::string before = store_state(store);
    Run r = run_command(
        prefix + guidetrack_command(store, {"snapshot", "doc", (scratch / "v2.md").string()}),
        scratch);
    INFO("exit " << r.code << " signal " << r.signal << "\nstdout: " << r.out
                 << "\nstderr: " << r.err);
    CHECK(r.signal == 0);
    CHECK((r.code == 2 || r.code == 3));
    CHECK(contains_any(r.err, "permission|read-only|cannot write|denied"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    // Reading still works.
    Run log = run_command(prefix + guidetrack_command(store, {"log", "doc"}), scratch);
    CHECK(log.code == 0);
    CHECK(log.out.find("v1") != std::string::npos);
    CHECK(store_state(store) == before);
    gt_test::run_shell("chmod -R u+w " + quote(store.string()));
    CHECK(gt_test::run_shell("git -c safe.directory='*' -C " + quote(store.string()) +
                             " fsck --strict --no-progress")
              .code == 0);
}
