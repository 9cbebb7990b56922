// Checks: fetch tracked documents from their URLs and record what changed.
//
// Fetching is slow and independent per document, so it runs on a small pool of threads; recording
// is not, so every write goes through the one Store on the calling thread, in the order fetches
// finish. A document whose fetch or extraction fails records nothing and does not stop the others.
// An unchanged document costs one conditional request (a 304), and its ETag / Last-Modified are
// remembered in the store (DocumentInfo) only after its version was safely recorded, so a failed
// run is simply retried by the next one.
//
// The catalogue (snapshots/catalog.json, also built into the program) lists the real guidance a
// designated safeguarding lead tracks, with GOV.UK addresses, in named groups.
#pragma once

#include "guidetrack/app/audit.hpp"
#include "guidetrack/app/fetch_document.hpp"
#include "guidetrack/fetch/fetch.hpp"
#include "guidetrack/notice/notice.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::check {

// ---- The catalogue ----

struct CatalogEntry {
    // id, title, url, format, publisher, origin (no fetch state); for a GOV.UK publication
    // ("govuk": its path) also govuk_path and attachment_glob ("attachments"), and the url of its
    // www.gov.uk page.
    store::DocumentInfo info;
    std::vector<std::string> groups;
    std::string note;
};

struct Catalog {
    std::string description;
    std::map<std::string, std::string> groups; // name -> what it holds
    std::vector<CatalogEntry> entries;
};

// Parse a catalogue (JSON text); input error naming the entry on any bad field.
Result<Catalog> parse_catalog(std::string_view json_text);
// Read and parse a catalogue file.
Result<Catalog> load_catalog(const std::filesystem::path& path);
// The catalogue built into the program (identical to snapshots/catalog.json).
const Catalog& builtin_catalog();
std::string_view builtin_catalog_json();

// The entries named (document IDs or group names), in catalogue order without duplicates; all of
// them when names is empty. An unknown name is an input error listing the known ones.
Result<std::vector<store::DocumentInfo>> select(const Catalog& catalog,
                                                const std::vector<std::string>& names);

// ---- Checking ----

enum class Status {
    unchanged, // not modified (304), or fetched with the same text as the latest version
    changed,   // a new version was recorded after an earlier one
    first,     // the first version of the document was recorded
    failed,    // fetch or extraction failed: nothing recorded
    skipped,   // no URL tracked (only when checking every document)
    gone,      // the URL answers 404 or 410: nothing recorded, the last good version kept
};

std::string_view status_name(Status status);

struct Outcome {
    std::string id, title, url;
    Status status = Status::unchanged;
    std::string reason;        // failed: "URL: reason"; skipped: why
    bool not_modified = false; // unchanged by a 304 (one small request)
    int attempts = 0;
    std::optional<store::VersionInfo> previous; // changed: the version before
    std::optional<store::VersionInfo> current;  // changed / first: the version recorded
    std::optional<notice::Notice> notice;       // changed: what changed
    std::size_t items = 0;                      // changed: notice items (major ones)
    std::size_t changes = 0;                    // changed: changes in the diff
    std::string warning;      // recorded, but the new validators could not be saved
    bool gone_before = false; // gone: already reported gone by an earlier run
    // check --audit, changed: the publisher's change note for the new version against the
    // notice (add_audits); audit_skipped says why there is none ("no new change note ...").
    std::optional<audit::Audit> audit;
    std::string audit_skipped;
};

// What the caller wants recorded with a new version (the snapshot command's options, or what a
// GOV.UK publication says: the publisher's date and change note).
struct VersionFields {
    std::string label; // empty: the store's default (the date)
    std::string date;  // publication date YYYY-MM-DD; empty: the page's "Updated" line, else the
                       // HTTP Last-Modified, else none (the retrieved date is kept apart)
    std::string note;
    std::string publisher_note, date_source; // store::VersionInfo's
};

struct Options {
    fetch::Options fetch;
    std::size_t jobs = 4; // fetches at once
    // Seconds one document's extraction may take before it fails (0: no limit).
    double extract_time_limit = 120;
    bool include_minor = false; // count minor (typographic) notice items too
    // Check only shard `shard` (0-based) of `shards`: the documents whose shard_of(id, shards)
    // is shard. N runners with shards = N and shard = 0 .. N-1 check every document once.
    std::size_t shard = 0, shards = 1;
    // Called on the calling thread after each document is done (done of total).
    std::function<void(const Outcome&, std::size_t done, std::size_t total)> progress;
    // Per document ID: what to record with its new version (GOV.UK publications).
    std::map<std::string, VersionFields> fields;
    // When set, fetches instead of app::fetch_document (called from several threads at once):
    // GOV.UK publication pages come from the Content API.
    std::function<Result<app::FetchResult>(const store::DocumentInfo&, const fetch::Options&)>
        fetcher;
};

// The shard (0 .. shards-1) of a document: 64-bit FNV-1a of its ID, modulo shards. Stable
// across machines, releases and store contents, so a CI matrix splits the same way every run.
std::size_t shard_of(std::string_view id, std::size_t shards);

// Record an already-fetched document: snapshot it unless not modified, build the notice when it
// changed, then remember its validators. Never returns an error: failures are Status::failed.
Outcome record(store::Store& store, const store::DocumentInfo& doc,
               const Result<app::FetchResult>& fetched, const Options& options = {},
               const VersionFields& fields = {});

// Fetch and record one tracked document (`snapshot ID` without a file).
Outcome check_one(store::Store& store, const store::DocumentInfo& doc, const Options& options = {},
                  const VersionFields& fields = {});

// Check the named documents (all tracked ones when ids is empty). Input error for an unknown ID
// or a named document without a URL; otherwise one outcome per document, in ID order.
Result<std::vector<Outcome>> run(store::Store& store, const std::vector<std::string>& ids,
                                 const Options& options = {});

// How a run's outcomes become an exit code (check --fail-on-new, --strict).
struct ExitPolicy {
    bool fail_on_new = false; // a first version counts as a change (exit 1)
    bool strict = false;      // a document gone counts as a failure on every run, not the first
};

struct Summary {
    std::size_t unchanged = 0, changed = 0, first = 0, failed = 0, skipped = 0;
    std::size_t gone = 0, gone_new = 0; // gone; of them, reported gone for the first time
    // 3 if any failed or a document went gone (every run gone with strict), else 1 if any
    // changed (or, with fail_on_new, a first version was recorded), else 0.
    int exit_code(const ExitPolicy& policy = {}) const;
};

Summary summarise(const std::vector<Outcome>& outcomes);

// {"schema_version", "result": "unchanged"|"changed"|"failed", "exit_code", "counts", "documents"}
nlohmann::json to_json(const std::vector<Outcome>& outcomes, const ExitPolicy& policy = {});

// check --audit: audit each changed document's new publisher's note against its notice. A
// version whose note is empty, or the same as the version before's (re-issued without a new
// note), gets audit_skipped instead: every change in it is one the publisher did not mention.
// The documents in not_audited (GOV.UK publication pages: their note is about the attachments,
// their own changes are the list of documents and of updates) get neither.
void add_audits(std::vector<Outcome>& outcomes, const std::set<std::string>& not_audited = {});

// ---- Runs in CI (check_ci.cpp) ----

// Turn failures whose URL answered 404 or 410 into Status::gone with the last good version as
// `previous`, and remember them in the store (store/state.hpp) so that only the first run that
// sees a document gone reports it as new (gone_before on later runs). A document that answers
// again is forgotten. Errors only when the store's state cannot be read or written.
Result<void> mark_gone(store::Store& store, std::vector<Outcome>& outcomes);

// The feed `check --feed` writes: every document of this store, with an id that names this
// store (store::store_identity) and, when self_url is given, a rel="self" link.
Result<std::string> store_feed(const store::Store& store, const std::string& self_url);

// The Markdown table of a run for $GITHUB_STEP_SUMMARY.
std::string step_summary(const std::vector<Outcome>& outcomes, const ExitPolicy& policy);

// ---- The report of one run (check --report FILE --format md|json|html) ----

enum class ReportFormat { markdown, json, html };

// "md" / "markdown", "json", "html".
Result<ReportFormat> parse_report_format(std::string_view name);

// Every notice of the run, then the first versions recorded and the failures. generated_at: an
// ISO 8601 time printed in the report (the caller's clock, so tests can fix it).
std::string render_report(const std::vector<Outcome>& outcomes, ReportFormat format,
                          const std::string& generated_at);

} // namespace guidetrack::check
