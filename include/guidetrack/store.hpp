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

#include "guidetrack/document.hpp"
#include "guidetrack/extract.hpp"
#include "guidetrack/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::store {

// A document ID: lowercase letters, digits and hyphens, 1-64 characters, not starting with '-'.
Result<void> validate_id(std::string_view id);

// A version label: 1-64 characters of letters, digits, '.', '_', '-', not starting with '-' or
// '.', and not "latest" (labels name tags, so they must be safe ref components).
Result<void> validate_label(std::string_view label);

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
};

struct SnapshotRequest {
    std::string id;
    std::string original; // the bytes
    std::string source;   // where they came from (file path, "-", URL): metadata only
    std::string label;    // empty: the date, else the retrieved-at date; de-duplicated (-2, -3)
    std::string date;     // publication date YYYY-MM-DD, may be empty
    std::string note;
    std::string publisher_note, date_source;             // see VersionInfo
    extract::Format format = extract::Format::automatic; // automatic: the document's, else detect
    std::string filename;                                // a hint for format detection
    std::size_t max_bytes = extract::default_max_input_bytes;
    std::string retrieved_at; // empty: now (ISO 8601 UTC)
};

enum class SnapshotStatus { recorded, unchanged };

struct SnapshotResult {
    SnapshotStatus status = SnapshotStatus::recorded;
    VersionInfo version; // the new version, or (unchanged) the latest one
};

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
    Result<std::vector<DocumentInfo>> documents() const;      // sorted by ID
    Result<bool> has_document(std::string_view id) const;

    // Extract the original, and record it as a new version unless its text equals the latest's.
    // The document must be tracked. Input errors: empty or over-size original, invalid UTF-8,
    // unknown document, bad label or date, label already used.
    Result<SnapshotResult> snapshot(const SnapshotRequest& req);

    // Versions, newest first (technical-upgrade commits are not versions).
    Result<std::vector<VersionInfo>> versions(std::string_view id) const;
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

    // Re-extract every version of the document from its original with the current extractor and
    // record one technical-upgrade commit if any text changed. Never rewrites history.
    Result<ReextractResult> reextract(std::string_view id);

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
