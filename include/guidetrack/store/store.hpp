// The store: a bare git repository, written with libgit2 only, holding every tracked document and
// every recorded version of it.
//
// Layout. Each document ID has its own branch, refs/heads/<id>, so that a document's history costs
// in proportion to its own versions, and `git log <id>` / `git show <id>:text.md` read well. Every
// commit's tree holds that document only:
//     document.json      source metadata (title, url, origin, format, publisher, etag, ...)
//     version.json       metadata of the latest version (label, dates, SHA-256, size, counts, ...)
//     original.<ext>     the original bytes as retrieved
//     text.md            the extracted text (model::write_stored_text)
//     upgrades/<commit>.md   re-extracted text of an earlier version (after `reextract`)
// One commit per snapshot, with a readable subject and trailers (Document:, Version:, Source:,
// SHA-256:); each version is also tagged refs/tags/<id>/<label>. `track` makes the first commit
// (document.json only), so a document is listed before its first version. `reextract` never
// rewrites history: it adds one commit marked "Technical-upgrade: yes" that stores the better text
// of each changed version under upgrades/ (and text.md when the latest version changed).
//
// Writes are atomic: objects go to an in-memory pack (libgit2 mempack), which is written to disk as
// one pack file, and only then does the branch move, by compare-and-swap against the parent the
// commit was built on. A concurrent writer that loses the race rebuilds on the new tip and retries;
// nothing is lost and no ref ever points at a missing object. Pack files are consolidated when more
// than kMaxPacks accumulate, so the store stays small and reads stay fast.
#pragma once

#include "guidetrack/model/document.hpp"
#include "guidetrack/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::store {

// A document ID: lowercase letters, digits and hyphens, 1-64 characters, not starting with '-'.
Result<void> validate_id(std::string_view id);

// A version label: 1-64 characters of letters, digits, '.', '_', '-', not starting with '-' or
// '.', and not "latest" (labels name tags, so they must be safe ref components).
Result<void> validate_label(std::string_view label);

// A publication date: YYYY-MM-DD, a real day.
Result<void> validate_date(std::string_view date);

// Source metadata of a tracked document (document.json).
struct DocumentInfo {
    std::string id, title, url, origin, format, publisher;
    std::string etag, last_modified; // fetch state, kept by `check` (conditional requests)
    // GOV.UK publications: the publication's path ("/government/publications/..."), on the
    // publication and on each of its attachments; attachment: the attachment's title as the
    // publisher gives it (empty on the publication itself). Empty for other documents.
    std::string govuk_path, attachment;
    std::string attachment_glob; // on the publication: `track --attachment`'s pattern, if any

    bool operator==(const DocumentInfo&) const = default;
};

// One recorded version of a document.
struct VersionInfo {
    std::string commit;       // full hex id of the snapshot commit
    std::string label, date;  // label; publication date YYYY-MM-DD (may be empty)
    std::string retrieved_at; // ISO 8601 UTC, e.g. 2024-02-23T10:00:00Z
    std::string sha256;       // of the original bytes
    std::string source;       // file path, "-" (stdin) or URL it was read from
    std::string format;       // extract::format_name of the original ("pdf", "html", "md", "txt")
    std::string note, tool_version;
    // The publisher's change note for this version's date (GOV.UK change history), and where
    // `date` came from: "publisher" (the publisher's own date), "page" (the page's "Updated"
    // line), "http" (the server's Last-Modified); empty when given by the user or unknown.
    std::string publisher_note, date_source;
    std::uint64_t size = 0; // bytes of the original
    // True when this version's text has been replaced by a re-extraction (`reextract`): its text
    // comes from a technical upgrade, not from a change to the guidance.
    bool technical = false;
    std::size_t words_added = 0, words_removed = 0; // against the previous version
    std::size_t words = 0;                          // words in this version's text
    // Position in the document's history (1 = first version); 0 when the store does not know it
    // cheaply (versions recorded before version numbers were kept in commits).
    std::size_t number = 0;
};

// A version to record. The store does not extract: the caller (app::snapshot) turns the original
// into a document first, so that the store depends on the document model only.
struct SnapshotRequest {
    std::string id;
    std::string original; // the bytes
    std::string source;   // where they came from (file path, "-", URL): metadata only
    std::string label;    // empty: the date, else the retrieved-at date; de-duplicated (-2, -3)
    std::string date;     // publication date YYYY-MM-DD, may be empty
    std::string note;
    std::string publisher_note, date_source; // see VersionInfo
    // Format name of the original ("pdf", "html", "md", "txt"). For app::snapshot: empty means
    // the document's tracked format, else detected from the bytes and filename.
    std::string format;
    std::string filename;               // a hint for format detection (app::snapshot)
    std::size_t max_bytes = 256u << 20; // largest original accepted
    // app::snapshot: seconds extraction may take before the input is refused (0: no limit).
    double extract_time_limit = 120;
    std::string retrieved_at; // empty: now (ISO 8601 UTC)
    model::Document document; // the extracted text (set by app::snapshot)
};

enum class SnapshotStatus { recorded, unchanged };

struct SnapshotResult {
    SnapshotStatus status = SnapshotStatus::recorded;
    VersionInfo version; // the new version, or (unchanged) the latest one
};

// A document whose branch, commit or metadata cannot be read: a corrupt or truncated ref file, a
// missing object, a broken document.json. Listed apart so that nothing hides it.
struct DamagedDocument;
// "document 'ID' is damaged: PROBLEM", or "document 'ID': PROBLEM" when the problem already says
// that the store is damaged.
std::string damaged_message(const DamagedDocument& d);
struct DamagedDocument {
    std::string id;
    std::string problem; // one line
};

struct Listing {
    std::vector<DocumentInfo> documents;  // readable ones, sorted by ID
    std::vector<DamagedDocument> damaged; // sorted by ID
};

// What `guidetrack fsck` found.
struct FsckProblem {
    std::string where;  // "refs/heads/doc", "doc@2024-01", "objects/pack/..."
    std::string what;   // one line
    std::string advice; // what to do about it, may be empty
};
struct FsckReport {
    std::size_t documents = 0, versions = 0, tags = 0, reextracted = 0;
    std::vector<FsckProblem> problems;
    std::vector<FsckProblem> notes;   // not damage: e.g. a text that now extracts differently
    std::vector<std::string> removed; // leftover temporary pack files removed
};

// What Store::import did.
struct ImportResult {
    std::size_t recorded = 0, unchanged = 0; // versions recorded; inputs whose text was the same
    std::size_t batches = 0;                 // packs written (one branch and tags update each)
    std::vector<std::string> skipped;        // "source: message" for inputs that were rejected
    std::optional<VersionInfo> last;         // the last version recorded
};

// The next input of an import (its id is ignored), nullopt at the end.
using ImportSource = std::function<Result<std::optional<SnapshotRequest>>()>;

struct ReextractResult {
    std::string id;
    std::size_t versions = 0;         // versions re-extracted
    std::vector<std::string> changed; // labels whose text changed
    std::vector<std::string> failed;  // "label: message" for originals the extractor now rejects
    std::string commit;               // the technical-upgrade commit, empty when nothing changed
};

class Store {
  public:
    // Create a bare repository at dir (created if missing; an existing store is an input error,
    // as is a non-empty folder that is not a store).
    static Result<Store> init(const std::filesystem::path& dir);
    // Open an existing store; input error if dir is missing or not a store.
    static Result<Store> open(const std::filesystem::path& dir);

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();

    // Add a document, or update its metadata (no commit when nothing changed).
    Result<void> track(const DocumentInfo& info);
    Result<DocumentInfo> document(std::string_view id) const; // input error if unknown
    // Sorted by ID. A damaged document is a runtime error naming it (see scan() and fsck()), so
    // no command that walks documents skips one silently.
    Result<std::vector<DocumentInfo>> documents() const;
    // Every document, the damaged ones apart (for `list`).
    Result<Listing> scan() const;
    Result<bool> has_document(std::string_view id) const;

    // Record req.document (extracted from req.original, whose format is req.format) as a new
    // version unless its text equals the latest's. The document must be tracked. Input errors:
    // empty or over-size original, an empty document, unknown document, bad label or date, label
    // already used.
    Result<SnapshotResult> snapshot(const SnapshotRequest& req);

    // Record a history of the document at once, oldest first: the same as one snapshot per
    // input (inputs whose text equals the previous one record nothing; rejected inputs are
    // listed in skipped), but a batch of up to batch_size versions is written as one pack, each
    // file stored as a delta against its previous version, and then one update of the tags
    // (packed-refs) and one of the branch. Labels taken by earlier versions get -2, -3 ...
    // Batches already written stay when a later one fails. The document must be tracked.
    Result<ImportResult> import(std::string_view id, const ImportSource& next,
                                std::size_t batch_size = 1000);

    // Versions, newest first (technical-upgrade commits are not versions).
    Result<std::vector<VersionInfo>> versions(std::string_view id) const;
    // The number of versions and the latest one, read from the branch head (no walk of the
    // history, except once for histories recorded before version numbers were kept).
    struct Summary {
        std::size_t versions = 0;
        std::optional<VersionInfo> latest;
    };
    Result<Summary> summary(std::string_view id) const;
    // The latest version; input error if the document has none.
    Result<VersionInfo> latest(std::string_view id) const;
    // selector: a label, a publication date YYYY-MM-DD, a short or full commit id, "latest",
    // "latest~N". Input error if unknown or ambiguous.
    Result<VersionInfo> resolve(std::string_view id, std::string_view selector) const;

    // The stored text of a version (the re-extracted one after `reextract`).
    Result<std::string> stored_text(std::string_view id, const VersionInfo& v) const;
    Result<model::Document> stored_document(std::string_view id, const VersionInfo& v) const;
    // The original bytes.
    Result<std::string> original(std::string_view id, const VersionInfo& v) const;

    // Turns an original of the given format name into a document (app:: passes the extractor).
    using Extractor =
        std::function<Result<model::Document>(std::string_view original, std::string_view format)>;
    // Re-extract every version of the document from its original with `extract` and record one
    // technical-upgrade commit if any text changed. Never rewrites history.
    Result<ReextractResult> reextract(std::string_view id, const Extractor& extract);
    // Check the whole store: refs, tags, commits, trees, metadata; when `reextract` is given, also
    // that each version's original still extracts with it (app::fsck passes the extractor).
    // Removes leftover temporary packs.
    Result<FsckReport> fsck(const Extractor& reextract);

    // Merge pack files into one (done automatically when more than kMaxPacks accumulate).
    Result<void> consolidate();
    std::size_t pack_count() const;

    const std::filesystem::path& path() const;

    static constexpr std::size_t kMaxPacks = 50;

    struct Impl;

  private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace guidetrack::store
