// Recording versions: the use case that joins extraction and the store.
//
// The store keeps documents and versions but never extracts, so that it depends on the document
// model only; these functions turn originals into documents with the current extractor and hand
// them to the store. Every command that records (snapshot, check, reextract) goes through them.
#pragma once

#include "guidetrack/app/fetch_document.hpp"
#include "guidetrack/extract/extract.hpp"
#include "guidetrack/result.hpp"
#include "guidetrack/store/store.hpp"

#include <cstddef>
#include <string_view>

namespace guidetrack::app {

// The format to extract an original with: `requested` (a format name; empty or "auto" for none),
// else the document's tracked format, else detected from the bytes and filename. An original of
// another family than the tracked format (see format_family) is taken as Markdown when it is
// guidetrack's own stored text (`show` output), and refused otherwise with an input error that
// names --input-format.
Result<extract::Format> choose_format(std::string_view requested, std::string_view tracked,
                                      std::string_view original, std::string_view filename);

// Extract req.original (format chosen by choose_format from req.format, the tracked format and
// req.filename) and record it. Extraction errors name req.source.
Result<store::SnapshotResult> snapshot(store::Store& store, store::SnapshotRequest req);

// Record a document's history at once (`guidetrack import`): each input of `next` is extracted
// as snapshot() does (format from its req.format, the tracked format, else detected) and handed to
// Store::import. Inputs the extractor rejects are listed in skipped, after the store's own.
Result<store::ImportResult> import(store::Store& store, std::string_view id,
                                   const store::ImportSource& next, std::size_t batch_size = 1000);

// Re-extract every version of a document with the current extractor (a technical upgrade).
Result<store::ReextractResult> reextract(store::Store& store, std::string_view id);

// Check the whole store (`guidetrack fsck`); with reextract, also that every original still
// extracts with the current extractor.
Result<store::FsckReport> fsck(store::Store& store, bool reextract);

} // namespace guidetrack::app
