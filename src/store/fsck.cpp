// `Store::fsck`: check the whole store as guidetrack reads it, and say what to do about each
// problem.
//
// What is checked: every branch under refs/heads (readable, a document ID, its commit, tree and
// document.json), every version on it (version.json, text.md, the original and its SHA-256, the
// stored text parses, its tag), every tag under refs/tags (readable, a version of its document),
// every object reachable from those (commits, trees and blobs are read), and leftover temporary
// packs from a write that failed (removed). With an extractor, each original is extracted again and
// must still extract; a text that now extracts differently is a note (`reextract` records it).
#include "guidetrack/store/store.hpp"

#include "guidetrack/text/text.hpp"
#include "store/git.hpp"

#include <chrono>
#include <map>
#include <regex>
#include <set>

namespace guidetrack::store {
namespace fs = std::filesystem;
using namespace detail;

namespace {

std::string one_line(std::string s) {
    std::string out = text::repair_utf8(s);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            c = ' ';
    return out;
}

// Loose tag files (refs/tags/<id>/<label>), including unparsable ones.
void loose_tags(const fs::path& dir, const std::string& prefix, std::vector<std::string>& out) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = prefix + e.path().filename().string();
        if (e.is_directory(ec))
            loose_tags(e.path(), name + "/", out);
        else if (e.path().extension() != ".lock")
            out.push_back(name);
    }
}

} // namespace

Result<FsckReport> Store::fsck(const Extractor& reextract) {
    FsckReport report;
    git_repository* repo = impl_->repo.get();
    const std::string store_arg = "git --git-dir='" + impl_->path.string() + "'";
    auto problem = [&](std::string where, std::string what, std::string advice = {}) {
        report.problems.push_back(
            {one_line(std::move(where)), one_line(std::move(what)), std::move(advice)});
    };

    // Leftover temporary packs of failed writes (see remove_leftover_packs).
    remove_leftover_packs(impl_->path, &report.removed);

    // Branches: the names on disk, so that corrupt ref files are seen too.
    std::set<std::string> names;
    for (auto& name : branch_names_on_disk(impl_->path))
        names.insert(std::move(name));
    {
        git_branch_iterator* raw = nullptr;
        if (git_branch_iterator_new(&raw, repo, GIT_BRANCH_LOCAL) == 0) {
            BranchIterPtr it(raw);
            git_reference* ref = nullptr;
            git_branch_t type;
            while (git_branch_next(&ref, &type, it.get()) == 0) {
                RefPtr owned(ref);
                const char* name = nullptr;
                if (git_branch_name(&name, ref) == 0)
                    names.insert(name);
            }
        }
    }
    // Newest tag per document: what a damaged branch can be restored to.
    std::vector<std::string> tags;
    loose_tags(impl_->path / "refs" / "tags", "", tags);
    {
        git_reference_iterator* raw = nullptr;
        if (git_reference_iterator_glob_new(&raw, repo, "refs/tags/*") == 0) {
            git_reference* ref = nullptr;
            while (git_reference_next(&ref, raw) == 0) {
                tags.push_back(git_reference_name(ref) + 10);
                git_reference_free(ref);
            }
            git_reference_iterator_free(raw);
        }
    }
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    std::map<std::string, std::pair<git_time_t, std::string>> newest_tag; // id -> (time, commit)
    for (const auto& tag : tags) {
        git_object* obj = nullptr;
        git_reference* ref = nullptr;
        std::string full = "refs/tags/" + tag;
        if (git_reference_lookup(&ref, repo, full.c_str()) < 0) {
            problem(full, "the tag cannot be read: " + std::string(git_error_last()->message),
                    "delete the file " + (impl_->path / full).string() +
                        " (the version itself is still in its document's history)");
            continue;
        }
        RefPtr owned(ref);
        if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0) {
            problem(full, "the tag names a missing or non-commit object",
                    "delete it: " + store_arg + " update-ref -d " + full);
            continue;
        }
        auto* c = reinterpret_cast<git_commit*>(obj);
        std::string id = tag.substr(0, tag.find('/'));
        auto& best = newest_tag[id];
        if (best.second.empty() || git_commit_time(c) >= best.first)
            best = {git_commit_time(c), oid_hex(*git_commit_id(c))};
        git_object_free(obj);
    }

    std::map<std::string, std::set<std::string>> version_commits; // id -> commits of its versions
    for (const auto& name : names) {
        std::string ref = "refs/heads/" + name;
        if (!validate_id(name).ok()) {
            problem(ref, "a branch that is not a guidetrack document (not a document ID)",
                    "if it does not belong here, delete it: " + store_arg + " update-ref -d " +
                        ref);
            continue;
        }
        auto restore = [&]() -> std::string {
            auto t = newest_tag.find(name);
            std::string advice = "restore it from a copy of the store or its sync remote";
            if (t != newest_tag.end())
                advice += ", or point it at its newest tagged version (later commits, such as "
                          "metadata updates, are lost): rm -f '" +
                          (impl_->path / ref).string() + "'; " + store_arg + " update-ref " + ref +
                          " " + t->second.second;
            return advice;
        };
        git_oid tip;
        if (git_reference_name_to_id(&tip, repo, ref.c_str()) < 0) {
            problem(ref, "the branch cannot be read: " + std::string(git_error_last()->message),
                    restore());
            continue;
        }
        auto doc = document(name);
        if (!doc.ok()) {
            problem(ref, doc.error().message, restore());
            continue;
        }
        ++report.documents;
        // Every commit on the branch, and every tree and blob in it, must be readable.
        git_revwalk* walk_raw = nullptr;
        bool objects_ok = true;
        if (git_revwalk_new(&walk_raw, repo) == 0) {
            std::unique_ptr<git_revwalk, void (*)(git_revwalk*)> walk(walk_raw, git_revwalk_free);
            git_revwalk_push(walk.get(), &tip);
            git_oid oid;
            int rc;
            while ((rc = git_revwalk_next(&oid, walk.get())) == 0 && objects_ok) {
                git_commit* c = nullptr;
                git_tree* t = nullptr;
                if (git_commit_lookup(&c, repo, &oid) < 0 || git_commit_tree(&t, c) < 0) {
                    git_commit_free(c);
                    problem(ref, "commit " + oid_hex(oid) + " or its tree is missing or damaged",
                            restore());
                    objects_ok = false;
                    break;
                }
                CommitPtr commit(c);
                TreePtr tree(t);
                struct State {
                    git_repository* repo;
                    std::string bad;
                } st{repo, {}};
                git_tree_walk(
                    t, GIT_TREEWALK_PRE,
                    [](const char* root, const git_tree_entry* e, void* payload) -> int {
                        auto* s = static_cast<State*>(payload);
                        git_object* o = nullptr;
                        if (git_tree_entry_to_object(&o, s->repo, e) < 0) {
                            s->bad = std::string(root) + git_tree_entry_name(e);
                            return -1;
                        }
                        git_object_free(o);
                        return 0;
                    },
                    &st);
                if (!st.bad.empty()) {
                    problem(ref,
                            "object " + st.bad + " of commit " + oid_hex(oid) +
                                " is missing or damaged",
                            restore());
                    objects_ok = false;
                }
            }
            if (rc < 0 && rc != GIT_ITEROVER && objects_ok) {
                problem(ref,
                        "its history cannot be walked: " +
                            std::string(git_error_last() ? git_error_last()->message : ""),
                        restore());
                objects_ok = false;
            }
        }
        if (!objects_ok)
            continue;
        auto vs = versions(name);
        if (!vs.ok()) {
            problem(ref, vs.error().message, restore());
            continue;
        }
        for (const auto& v : *vs) {
            ++report.versions;
            std::string where = name + "@" + v.label;
            version_commits[name].insert(v.commit);
            auto original_bytes = original(name, v);
            if (!original_bytes.ok()) {
                problem(where, original_bytes.error().message, restore());
                continue;
            }
            if (text::sha256_hex(*original_bytes) != v.sha256)
                problem(where, "the original's SHA-256 differs from the one recorded", restore());
            auto stored = stored_text(name, v);
            if (!stored.ok()) {
                problem(where, stored.error().message, restore());
                continue;
            }
            if (!model::parse_stored_text(*stored).ok())
                problem(where, "its stored text cannot be read back", restore());
            git_oid tag_oid;
            std::string tag = "refs/tags/" + name + "/" + v.label;
            git_object* peeled = nullptr;
            git_reference* tref = nullptr;
            if (git_reference_lookup(&tref, repo, tag.c_str()) < 0) {
                problem(where, "its tag " + tag + " is missing",
                        "recreate it: " + store_arg + " update-ref " + tag + " " + v.commit);
            } else {
                RefPtr owned(tref);
                if (git_reference_peel(&peeled, tref, GIT_OBJECT_COMMIT) == 0) {
                    tag_oid = *git_object_id(peeled);
                    git_object_free(peeled);
                    if (oid_hex(tag_oid) != v.commit)
                        problem(where, "its tag " + tag + " names another commit",
                                "point it at the version: " + store_arg + " update-ref " + tag +
                                    " " + v.commit);
                }
            }
            if (reextract) {
                auto doc_now = reextract(*original_bytes, v.format);
                ++report.reextracted;
                if (!doc_now.ok())
                    problem(where, "its original no longer extracts: " + doc_now.error().message);
                else if (model::write_stored_text(*doc_now) != *stored)
                    report.notes.push_back(
                        {where, "this guidetrack extracts its original differently",
                         "record the better text with: guidetrack reextract " + name});
            }
        }
    }
    // Tags must name a version of their document.
    for (const auto& tag : tags) {
        std::string id = tag.substr(0, tag.find('/'));
        std::string full = "refs/tags/" + tag;
        git_object* obj = nullptr;
        git_reference* ref = nullptr;
        if (git_reference_lookup(&ref, repo, full.c_str()) < 0)
            continue; // reported above
        RefPtr owned(ref);
        if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) < 0)
            continue; // reported above
        std::string commit = oid_hex(*git_object_id(obj));
        git_object_free(obj);
        ++report.tags;
        auto vc = version_commits.find(id);
        if (!names.count(id))
            problem(full, "a tag of no document ('" + id + "' has no branch)",
                    "if it does not belong here, delete it: " + store_arg + " update-ref -d " +
                        full);
        else if (vc != version_commits.end() && !vc->second.count(commit))
            problem(full, "the tag names commit " + commit.substr(0, 12) +
                              ", which is not a version of '" + id + "'");
    }
    return report;
}

} // namespace guidetrack::store
