// Notifications: telling people that guidance changed, through the targets of the configuration
// file (config::NotifyTarget): an email (SMTP through libcurl, the text notice and the HTML
// report as one multipart/alternative message), a webhook (Slack blocks, a Teams Adaptive Card,
// or our JSON), or a program run with the notice JSON on its standard input (no shell).
//
// A target's filters (document ID globs, catalogue groups, section heading globs, minor items)
// narrow each change to what that target's readers asked for; a change with nothing left is not
// sent. The texts come from the notice renderers (render_notice.hpp), so a message reads like
// `guidetrack notice`.
//
// check_notify() is the part `check` uses: it sends this run's changes to every target, keeps
// the sends that failed as pending in the store (store/state.hpp), and sends those again, rebuilt
// from the recorded versions, on the next run. A failed send never undoes a version.
#pragma once

#include "guidetrack/config/config.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace guidetrack::notify {

// One changed document: what the notice says, and which versions it compares.
struct Change {
    std::string id, title, url;
    std::vector<std::string> groups; // catalogue groups of the document
    notice::Notice notice;
    std::string old_commit, new_commit;
    std::vector<std::string> sections; // after filtering: the matching section headings
};

struct Message {
    std::string subject;
    std::string text;    // the text notice(s)
    std::string html;    // the HTML report
    nlohmann::json json; // {"schema_version", "subject", "documents": [{id, title, url, notice}]}
    std::vector<Change> changes;
    bool test = false;
};

// The change as this target sees it (items outside its sections, and minor items unless it
// asks for them, left out), or nullopt when the target does not want it.
std::optional<Change> filter(const config::NotifyTarget& target, const Change& change);

// True when the target's document / group filters select the document at all.
bool selects(const config::NotifyTarget& target, const std::string& id,
             const std::vector<std::string>& groups);

// "Working together to safeguard children 2023: updated 23 February 2024 (4 changes)";
// with sections: "... (2 changes in Part one: Safeguarding information for all staff)"; a digest
// of several documents: "Guidance updated: 3 documents (9 changes)".
std::string subject(const config::NotifyTarget& target, const std::vector<Change>& changes);

// The message for already-filtered changes (one, or several for a digest).
Message compose(const config::NotifyTarget& target, const std::vector<Change>& changes);

// A message saying it is a test (`guidetrack notify test`).
Message test_message(const config::NotifyTarget& target);

// Payloads (exposed for tests).
nlohmann::json slack_payload(const Message& message);
nlohmann::json teams_payload(const Message& message);

// Send one message. Errors are one line: "notify-1 (email): smtp://...: reason".
Result<void> send(const config::NotifyTarget& target, const Message& message);

// A target's password: the environment variable it names; input error when it is not set.
Result<std::string> password_of(const config::NotifyTarget& target);

// ---- What `check` does ----

struct SendReport {
    std::string target;                 // its name
    std::vector<std::string> documents; // IDs in the message
    bool retry = false;                 // a pending send from an earlier run
    std::string error;                  // empty: sent
};

struct RunReport {
    std::vector<SendReport> sends;
    std::vector<std::string> warnings; // filters that select no tracked document, dropped sends
    std::size_t pending = 0;           // sends left pending after this run
    bool failed() const;
};

// Send this run's changes (and any pending ones) to every target, per document or as one
// digest, and record the failed sends as pending. Never throws; an error only when the pending
// list cannot be read or written.
Result<RunReport> check_notify(store::Store& store, const config::Config& config,
                               const std::vector<Change>& changes, bool include_minor);

// The notice between two recorded versions (given by commit), as `check` builds it.
Result<Change> change_between(const store::Store& store, const std::string& id,
                              const std::string& old_commit, const std::string& new_commit,
                              bool include_minor);

// Catalogue groups of a document ID (the built-in catalogue).
std::vector<std::string> groups_of(const std::string& id);

} // namespace guidetrack::notify
