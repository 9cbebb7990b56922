// What `check` does with notifications: send this run's changes, keep the failed sends as
// pending in the store, and send the pending ones again on the next run.
#include "guidetrack/app/notice.hpp"
#include "guidetrack/diff/diff.hpp"
#include "guidetrack/notify/notify.hpp"
#include "guidetrack/store/state.hpp"
#include "guidetrack/text/text.hpp"

#include <array>
#include <ctime>

namespace guidetrack::notify {
namespace {

using nlohmann::json;

constexpr const char* kPendingFile = "pending-notifications.json";

struct Pending {
    std::string target;
    std::vector<std::array<std::string, 3>> changes; // id, old commit, new commit
    std::string error, since;
};

Result<std::vector<Pending>> load_pending(const store::Store& store) {
    GT_TRY(auto text, store::read_state(store, kPendingFile));
    std::vector<Pending> out;
    if (!text)
        return out;
    json j = json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("pending") || !j["pending"].is_array())
        return runtime_error("the list of pending notifications in the store is damaged (" +
                             (store.path() / "guidetrack-state" / kPendingFile).string() + ")");
    for (const auto& p : j["pending"]) {
        Pending e;
        e.target = p.value("target", "");
        e.error = p.value("error", "");
        e.since = p.value("since", "");
        if (p.contains("changes") && p["changes"].is_array())
            for (const auto& c : p["changes"])
                e.changes.push_back({c.value("id", ""), c.value("old", ""), c.value("new", "")});
        if (!e.target.empty() && !e.changes.empty())
            out.push_back(std::move(e));
    }
    return out;
}

Result<void> save_pending(const store::Store& store, const std::vector<Pending>& pending) {
    if (pending.empty())
        return store::write_state(store, kPendingFile, "");
    json list = json::array();
    for (const auto& p : pending) {
        json changes = json::array();
        for (const auto& c : p.changes)
            changes.push_back(json{{"id", c[0]}, {"old", c[1]}, {"new", c[2]}});
        list.push_back(json{
            {"target", p.target}, {"since", p.since}, {"error", p.error}, {"changes", changes}});
    }
    return store::write_state(store, kPendingFile,
                              json{{"schema_version", 1}, {"pending", list}}.dump(2) + "\n");
}

std::vector<std::string> ids_of(const std::vector<Change>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes)
        out.push_back(c.id);
    return out;
}

Pending pending_of(const std::string& target, const std::vector<Change>& changes,
                   const std::string& error) {
    Pending p;
    p.target = target;
    p.error = error;
    p.since = text::utc_now_iso8601();
    for (const auto& c : changes)
        p.changes.push_back({c.id, c.old_commit, c.new_commit});
    return p;
}

} // namespace

bool RunReport::failed() const {
    for (const auto& s : sends)
        if (!s.error.empty())
            return true;
    return false;
}

Result<Change> change_between(const store::Store& store, const std::string& id,
                              const std::string& old_commit, const std::string& new_commit,
                              bool include_minor) {
    GT_TRY(auto doc, store.document(id));
    GT_TRY(auto older, store.resolve(id, old_commit));
    GT_TRY(auto newer, store.resolve(id, new_commit));
    app::NoticeRequest request;
    request.options.include_minor = include_minor;
    request.title = doc.title.empty() ? doc.id : doc.title;
    GT_TRY(app::VersionNotice vn,
           app::notice_between(store, doc, app::VersionPair{older, newer}, request));
    Change c;
    c.id = id;
    c.title = doc.title;
    c.url = doc.url;
    c.groups = groups_of(id);
    c.old_commit = older.commit;
    c.new_commit = newer.commit;
    c.notice = std::move(vn.notice);
    return c;
}

Result<RunReport> check_notify(store::Store& store, const config::Config& config,
                               const std::vector<Change>& changes, bool include_minor) {
    RunReport report;
    GT_TRY(auto earlier, load_pending(store));
    std::vector<Pending> still;

    // Filters that select no tracked document are almost always a typo.
    GT_TRY(auto docs, store.documents());
    for (const auto& t : config.notify) {
        if (t.documents.empty() && t.groups.empty())
            continue;
        bool any = false;
        for (const auto& d : docs)
            any = any || selects(t, d.id, groups_of(d.id));
        if (!any)
            report.warnings.push_back(t.name + ": its documents/groups filter matches no tracked "
                                               "document");
    }

    // First the sends that failed before, rebuilt from the recorded versions.
    for (auto& p : earlier) {
        const config::NotifyTarget* t = config.target(p.target);
        if (!t) {
            report.warnings.push_back("dropped a pending notification to '" + p.target +
                                      "': no such target in the configuration any more");
            continue;
        }
        std::vector<Change> rebuilt;
        bool lost = false;
        for (const auto& [id, old_commit, new_commit] : p.changes) {
            auto c = change_between(store, id, old_commit, new_commit, include_minor || t->minor);
            if (!c.ok()) {
                report.warnings.push_back("dropped a pending notification of " + id + " to '" +
                                          p.target + "': " + c.error().message);
                lost = true;
                continue;
            }
            if (auto f = filter(*t, *c))
                rebuilt.push_back(std::move(*f));
        }
        if (rebuilt.empty()) {
            if (!lost)
                report.warnings.push_back("dropped a pending notification to '" + p.target +
                                          "': its filters no longer select the change");
            continue;
        }
        SendReport s{t->name, ids_of(rebuilt), true, {}};
        auto sent = send(*t, compose(*t, rebuilt));
        if (!sent.ok()) {
            s.error = sent.error().message;
            p.error = s.error;
            still.push_back(p);
        }
        report.sends.push_back(std::move(s));
    }

    // Then this run's changes.
    for (const auto& t : config.notify) {
        std::vector<Change> wanted;
        for (const auto& c : changes)
            if (auto f = filter(t, c))
                wanted.push_back(std::move(*f));
        std::vector<std::vector<Change>> messages;
        if (t.digest && !wanted.empty())
            messages.push_back(wanted);
        else
            for (auto& c : wanted)
                messages.push_back({std::move(c)});
        for (const auto& m : messages) {
            SendReport s{t.name, ids_of(m), false, {}};
            auto sent = send(t, compose(t, m));
            if (!sent.ok()) {
                s.error = sent.error().message;
                still.push_back(pending_of(t.name, m, s.error));
            }
            report.sends.push_back(std::move(s));
        }
    }
    report.pending = still.size();
    GT_CHECK(save_pending(store, still));
    return report;
}

} // namespace guidetrack::notify
