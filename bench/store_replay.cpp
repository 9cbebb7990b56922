// Replays a git history of Markdown documents into a guidetrack store, one snapshot per changed
// document per commit, in commit order, through the same Store::snapshot the CLI uses (no process
// per snapshot, so the figure is the store's own cost: extraction, hashing, packing, refs).
//
// Input: a list made by `git log --reverse --raw --no-abbrev --diff-filter=AM --format='C %H %ct'`
// and, in the same order, the blobs as printed by `git cat-file --batch` (see
// bench_store_replay.sh). Usage: store_replay LIST BLOBS STORE_DIR
#include "guidetrack/app/record.hpp"
#include "guidetrack/store/store.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace guidetrack;

namespace {

struct Change {
    std::string time; // ISO 8601
    std::string path;
    std::string blob;
};

std::string iso(long t) {
    std::time_t tt = t;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// "Facebook/Privacy Policy.md" -> "facebook-privacy-policy"
std::string doc_id(const std::string& path) {
    std::string stem =
        path.size() > 3 && path.ends_with(".md") ? path.substr(0, path.size() - 3) : path;
    std::string id;
    for (unsigned char c : stem) {
        if (std::isalnum(c))
            id += static_cast<char>(std::tolower(c));
        else if (!id.empty() && id.back() != '-')
            id += '-';
    }
    while (!id.empty() && id.back() == '-')
        id.pop_back();
    if (id.size() > 64) {
        std::size_t h = std::hash<std::string>{}(path);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%08zx", h & 0xffffffffu);
        id = id.substr(0, 55) + "-" + buf;
    }
    return id.empty() ? "doc" : id;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: store_replay LIST BLOBS STORE_DIR\n";
        return 2;
    }
    std::ifstream list(argv[1]);
    std::vector<Change> changes;
    std::string line, time;
    while (std::getline(list, line)) {
        if (line.rfind("C ", 0) == 0) {
            time = iso(std::stol(line.substr(line.rfind(' ') + 1)));
        } else if (!line.empty() && line[0] == ':') {
            // :100644 100644 <old> <new> M\t<path>
            std::istringstream fields(line.substr(0, line.find('\t')));
            std::string m1, m2, old_id, new_id, status;
            fields >> m1 >> m2 >> old_id >> new_id >> status;
            std::string path = line.substr(line.find('\t') + 1);
            if (path.ends_with(".md"))
                changes.push_back({time, path, new_id});
        }
    }
    std::ifstream blobs(argv[2], std::ios::binary);

    auto s = store::Store::init(argv[3]);
    if (!s.ok()) {
        std::cerr << s.error().message << "\n";
        return 3;
    }
    std::map<std::string, std::string> tracked; // id -> path
    std::size_t recorded = 0, unchanged = 0, failed = 0;
    auto start = std::chrono::steady_clock::now();
    for (const Change& c : changes) {
        // "<sha> blob <size>\n<content>\n"
        std::string header;
        std::getline(blobs, header);
        std::istringstream h(header);
        std::string sha, type;
        std::size_t size = 0;
        h >> sha >> type >> size;
        if (sha != c.blob) {
            std::cerr << "blob stream out of step at " << c.path << "\n";
            return 3;
        }
        std::string bytes(size, '\0');
        blobs.read(bytes.data(), static_cast<std::streamsize>(size));
        blobs.get();

        std::string id = doc_id(c.path);
        if (!tracked.count(id)) {
            store::DocumentInfo info;
            info.id = id;
            info.title = c.path.substr(0, c.path.size() - 3);
            info.origin = "pga-versions: " + c.path;
            info.format = "md";
            if (auto r = s->track(info); !r.ok()) {
                std::cerr << "track " << id << ": " << r.error().message << "\n";
                return 3;
            }
            tracked[id] = c.path;
        }
        store::SnapshotRequest req;
        req.id = id;
        req.original = std::move(bytes);
        req.source = c.path;
        req.filename = c.path;
        req.retrieved_at = c.time;
        auto r = app::snapshot(*s, req);
        if (!r.ok()) {
            ++failed; // e.g. an empty file in the history: an input error, as for a user
            std::cerr << "snapshot " << id << " (" << c.blob.substr(0, 8)
                      << "): " << r.error().message << "\n";
            continue;
        }
        if (r->status == store::SnapshotStatus::recorded)
            ++recorded;
        else
            ++unchanged;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t total = recorded + unchanged + failed;
    std::size_t packs = s->pack_count();
    // A full merge into one pack (what the store does on its own, geometrically, as packs pile
    // up): reported apart, so the figure above is the steady-state snapshot cost.
    auto merge_start = std::chrono::steady_clock::now();
    if (auto m = s->consolidate(); !m.ok()) {
        std::cerr << "consolidate: " << m.error().message << "\n";
        return 3;
    }
    double merge_secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - merge_start).count();
    std::printf("snapshots=%zu recorded=%zu unchanged=%zu failed=%zu documents=%zu seconds=%.2f "
                "rate=%.0f packs=%zu merge_seconds=%.2f\n",
                total, recorded, unchanged, failed, tracked.size(), secs,
                static_cast<double>(total) / secs, packs, merge_secs);
    return 0;
}
