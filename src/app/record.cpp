#include "guidetrack/app/record.hpp"

#include <memory>
#include <string>
#include <vector>

namespace guidetrack::app {

namespace {

// guidetrack's own stored text (`guidetrack show` output, perhaps edited): what
// model::write_stored_text writes for what model::parse_stored_text reads from it.
bool is_stored_text(std::string_view original) {
    if (original.find("%PDF-") != std::string_view::npos)
        return false;
    auto doc = model::parse_stored_text(original);
    return doc.ok() && !doc->blocks.empty() && model::write_stored_text(*doc) == original;
}

} // namespace

Result<extract::Format> choose_format(std::string_view requested, std::string_view tracked,
                                      std::string_view original, std::string_view filename) {
    if (!requested.empty() && requested != "auto")
        return extract::parse_format(requested);
    extract::Format detected = extract::detect_format(original, filename);
    if (tracked.empty() || tracked == "auto")
        return detected;
    GT_TRY(auto f, extract::parse_format(tracked));
    if (f == extract::Format::automatic || format_family(f) == format_family(detected))
        return f;
    // Another kind of file than the document is tracked as: its own stored text is Markdown that
    // reads back to the same document, so it is taken as that; anything else is refused, naming
    // the option that records it anyway.
    if (format_family(f) != "text" && is_stored_text(original))
        return extract::Format::markdown;
    auto shown = [](extract::Format x) -> std::string {
        switch (x) {
        case extract::Format::markdown:
            return "Markdown";
        case extract::Format::text:
            return "plain text";
        default:
            return std::string(format_family(x));
        }
    };
    std::string what = filename.empty() ? "the input" : "'" + std::string(filename) + "'";
    return input_error(what + " is " + shown(detected) + ", not " + shown(f) +
                       " as the document is tracked: give --input-format " +
                       std::string(extract::format_name(detected)) + " to record it anyway");
}

Result<store::SnapshotResult> snapshot(store::Store& store, store::SnapshotRequest req) {
    GT_CHECK(store::validate_id(req.id));
    std::string what = req.source.empty() ? std::string("input") : "'" + req.source + "'";
    // The checks that need no parsing first (the store repeats them), so that an over-size or
    // mislabelled input is refused before it is parsed.
    if (req.original.empty())
        return input_error(what + " is empty: nothing to record");
    if (req.original.size() > req.max_bytes)
        return input_error(what + " is " + std::to_string(req.original.size()) +
                           " bytes, over the size limit of " + std::to_string(req.max_bytes) +
                           " bytes (see --max-size)");
    if (!req.label.empty())
        GT_CHECK(store::validate_label(req.label));
    if (!req.date.empty())
        GT_CHECK(store::validate_date(req.date));
    GT_TRY(auto doc, store.document(req.id));
    GT_TRY(auto format, choose_format(req.format, doc.format, req.original, req.filename));
    extract::Options opts;
    opts.format = format;
    opts.filename = req.filename;
    opts.time_limit = req.extract_time_limit;
    auto extracted = extract::extract(req.original, opts);
    if (!extracted.ok())
        return with_context(extracted.error(), what);
    req.document = std::move(*extracted);
    req.format = std::string(extract::format_name(format));
    return store.snapshot(req);
}

Result<store::ImportResult> import(store::Store& store, std::string_view id,
                                   const store::ImportSource& next, std::size_t batch_size) {
    GT_CHECK(store::validate_id(id));
    GT_TRY(auto doc, store.document(id));
    auto skipped = std::make_shared<std::vector<std::string>>();
    store::ImportSource extracting = [&next, doc,
                                      skipped]() -> Result<std::optional<store::SnapshotRequest>> {
        for (;;) {
            GT_TRY(std::optional<store::SnapshotRequest> item, next());
            if (!item)
                return item;
            store::SnapshotRequest& req = *item;
            // An input the store refuses without parsing (empty, over-size, a bad label or date)
            // goes to it unparsed, so that its message is the store's.
            if (req.original.empty() || req.original.size() > req.max_bytes ||
                (!req.label.empty() && !store::validate_label(req.label).ok()) ||
                (!req.date.empty() && !store::validate_date(req.date).ok()))
                return item;
            std::string what = req.source.empty() ? std::string("input") : "'" + req.source + "'";
            auto format = choose_format(req.format, doc.format, req.original, req.filename);
            if (!format.ok()) {
                if (format.error().kind != ErrorKind::input)
                    return format.error();
                skipped->push_back(format.error().message);
                continue;
            }
            extract::Options opts;
            opts.format = *format;
            opts.filename = req.filename;
            opts.time_limit = req.extract_time_limit;
            auto extracted = extract::extract(req.original, opts);
            if (!extracted.ok()) {
                if (extracted.error().kind != ErrorKind::input)
                    return with_context(extracted.error(), what);
                skipped->push_back(with_context(extracted.error(), what).message);
                continue;
            }
            req.document = std::move(*extracted);
            req.format = std::string(extract::format_name(*format));
            return item;
        }
    };
    GT_TRY(auto result, store.import(id, extracting, batch_size));
    for (auto& m : *skipped)
        result.skipped.push_back(std::move(m));
    return result;
}

namespace {

Result<model::Document> extract_stored(std::string_view original, std::string_view format) {
    extract::Options opts;
    auto f = extract::parse_format(format);
    opts.format = f.ok() ? *f : extract::Format::automatic;
    return extract::extract(original, opts);
}

} // namespace

Result<store::ReextractResult> reextract(store::Store& store, std::string_view id) {
    return store.reextract(id, extract_stored);
}

Result<store::FsckReport> fsck(store::Store& store, bool reextract) {
    return store.fsck(reextract ? store::Store::Extractor(extract_stored)
                                : store::Store::Extractor());
}

} // namespace guidetrack::app
