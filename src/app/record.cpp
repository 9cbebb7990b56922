#include "guidetrack/app/record.hpp"

#include <memory>
#include <string>
#include <vector>

namespace guidetrack::app {

Result<extract::Format> choose_format(std::string_view requested, std::string_view tracked,
                                      std::string_view original, std::string_view filename) {
    if (!requested.empty() && requested != "auto")
        return extract::parse_format(requested);
    if (!tracked.empty() && tracked != "auto") {
        GT_TRY(auto f, extract::parse_format(tracked));
        if (f != extract::Format::automatic)
            return f;
    }
    return extract::detect_format(original, filename);
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
            if (!format.ok())
                return format.error();
            extract::Options opts;
            opts.format = *format;
            opts.filename = req.filename;
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
