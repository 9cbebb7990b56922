#include "guidetrack/app/check.hpp"
#include "guidetrack/app/notice.hpp"
#include "guidetrack/app/record.hpp"

#include "guidetrack/diff/diff.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

namespace guidetrack::check {
namespace {

using nlohmann::json;

// "ID: URL: reason" -> "URL: reason" (the line already names the document).
std::string without_id(const std::string& message, const std::string& id) {
    std::string prefix = id + ": ";
    if (message.rfind(prefix, 0) == 0)
        return message.substr(prefix.size());
    return message;
}

// The store quotes its source ("'URL': reason"); put it in the fetch form ("URL: reason").
std::string record_reason(const std::string& message, const std::string& url) {
    std::string quoted = "'" + url + "': ";
    if (message.rfind(quoted, 0) == 0)
        return url + ": " + message.substr(quoted.size());
    return url + ": " + message;
}

Outcome start(const store::DocumentInfo& doc) {
    Outcome o;
    o.id = doc.id;
    o.title = doc.title;
    o.url = doc.url;
    return o;
}

json version_json(const store::VersionInfo& v) {
    json j{{"label", v.label},
           {"commit", v.commit},
           {"date", v.date},
           {"retrieved_at", v.retrieved_at},
           {"sha256", v.sha256},
           {"words_added", v.words_added},
           {"words_removed", v.words_removed}};
    if (!v.date_source.empty())
        j["date_source"] = v.date_source;
    if (!v.note.empty())
        j["note"] = v.note;
    if (!v.publisher_note.empty())
        j["publisher_note"] = v.publisher_note;
    return j;
}

// "Wed, 21 Oct 2015 07:28:00 GMT" -> "2015-10-21"; "" when it does not read as an HTTP date.
std::string http_date(std::string_view value) {
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::string s(value);
    if (auto comma = s.find(','); comma != std::string::npos)
        s = s.substr(comma + 1);
    int day = 0, year = 0;
    char month[4] = {};
    if (std::sscanf(s.c_str(), " %d %3s %d", &day, month, &year) != 3)
        return "";
    for (int m = 0; m < 12; ++m)
        if (std::string_view(months[m]) == month && day >= 1 && day <= 31 && year >= 1990 &&
            year <= 9999) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, m + 1, day);
            return buf;
        }
    return "";
}

// The publisher's date of a fetched page when the caller has none: the page's own "Updated 9
// February 2022" line (HTML), else the server's Last-Modified. {date, source}.
std::pair<std::string, std::string> publisher_date(const app::FetchResult& f) {
    if (f.format == extract::Format::html) {
        static const std::regex updated(
            R"((?:Updated|Last updated)\s*(?:<[^>]*>\s*)*:?\s*(\d{1,2} [A-Z][a-z]+ \d{4}))");
        std::smatch m;
        const std::string& body = f.response.body;
        auto head_end =
            body.begin() + static_cast<long>(std::min<std::size_t>(body.size(), 1 << 20));
        if (std::regex_search(body.begin(), head_end, m, updated)) {
            std::string d = notice::find_date(m[1].str());
            if (!d.empty())
                return {d, "page"};
        }
    }
    if (std::string d = http_date(f.response.validators.last_modified); !d.empty())
        return {d, "http"};
    return {"", ""};
}

} // namespace

std::string_view status_name(Status status) {
    switch (status) {
    case Status::unchanged:
        return "unchanged";
    case Status::changed:
        return "changed";
    case Status::first:
        return "first";
    case Status::failed:
        return "failed";
    case Status::skipped:
        return "skipped";
    case Status::gone:
        return "gone";
    }
    return "unknown";
}

Outcome record(store::Store& store, const store::DocumentInfo& doc,
               const Result<app::FetchResult>& fetched, const Options& options,
               const VersionFields& fields) {
    Outcome o = start(doc);
    if (!fetched.ok()) {
        o.status = Status::failed;
        o.reason = without_id(fetched.error().message, doc.id);
        return o;
    }
    const app::FetchResult& f = *fetched;
    o.attempts = f.response.attempts;
    if (f.not_modified()) {
        o.status = Status::unchanged;
        o.not_modified = true;
        return o;
    }

    auto before = store.versions(doc.id);
    if (!before.ok()) {
        o.status = Status::failed;
        o.reason = doc.url + ": " + before.error().message;
        return o;
    }
    store::SnapshotRequest req;
    req.id = doc.id;
    req.original = f.response.body;
    req.source = doc.url;
    req.format = std::string(extract::format_name(f.format));
    req.filename = f.filename;
    req.max_bytes = options.fetch.max_bytes;
    req.extract_time_limit = options.extract_time_limit;
    req.label = fields.label;
    req.date = fields.date;
    req.note = fields.note;
    req.publisher_note = fields.publisher_note;
    req.date_source = fields.date_source;
    if (req.date.empty()) {
        auto [date, source] = publisher_date(f);
        req.date = date;
        req.date_source = source;
    }
    auto snap = app::snapshot(store, req);
    if (!snap.ok()) {
        o.status = Status::failed;
        o.reason = record_reason(snap.error().message, doc.url);
        return o;
    }

    if (snap->status == store::SnapshotStatus::unchanged) {
        o.status = Status::unchanged;
    } else if (before->empty()) {
        o.status = Status::first;
        o.current = snap->version;
    } else {
        o.status = Status::changed;
        o.previous = before->front();
        o.current = snap->version;
        app::NoticeRequest request;
        request.options.include_minor = options.include_minor;
        request.title = doc.title.empty() ? doc.id : doc.title;
        auto vn =
            app::notice_between(store, doc, app::VersionPair{*o.previous, *o.current}, request);
        if (vn.ok()) {
            o.changes = vn->changes;
            o.notice = std::move(vn->notice);
            o.items = o.notice->items.size();
        } else {
            o.warning = "recorded, but the versions could not be compared: " + vn.error().message;
        }
    }

    // Remember the validators only now that the text is safely recorded (or known unchanged).
    const fetch::Validators& v = f.response.validators;
    if (v.etag != doc.etag || v.last_modified != doc.last_modified) {
        store::DocumentInfo updated = doc;
        updated.etag = v.etag;
        updated.last_modified = v.last_modified;
        if (auto ok = store.track(updated); !ok)
            o.warning = "could not remember the ETag / Last-Modified: " + ok.error().message;
    }
    return o;
}

Outcome check_one(store::Store& store, const store::DocumentInfo& doc, const Options& options,
                  const VersionFields& fields) {
    return record(store, doc, app::fetch_document(doc, options.fetch), options, fields);
}

std::size_t shard_of(std::string_view id, std::size_t shards) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (char c : id) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return shards <= 1 ? 0 : static_cast<std::size_t>(h % shards);
}

Result<std::vector<Outcome>> run(store::Store& store, const std::vector<std::string>& ids,
                                 const Options& options) {
    std::vector<store::DocumentInfo> docs;
    std::vector<Outcome> outcomes;
    if (ids.empty()) {
        GT_TRY(docs, store.documents());
    } else {
        std::set<std::string> seen;
        for (const auto& id : ids) {
            GT_CHECK(store::validate_id(id));
            if (!seen.insert(id).second)
                continue;
            GT_TRY(auto doc, store.document(id));
            if (doc.url.empty())
                return input_error("'" + id + "' has no URL to check (track it with `guidetrack " +
                                   "track " + id + " --url URL`)");
            docs.push_back(std::move(doc));
        }
        std::sort(docs.begin(), docs.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
    }

    if (options.shards > 1)
        std::erase_if(docs, [&](const store::DocumentInfo& d) {
            return shard_of(d.id, options.shards) != options.shard;
        });

    // Documents without a URL are listed, not fetched.
    std::vector<std::size_t> to_fetch;
    outcomes.resize(docs.size());
    std::size_t done = 0;
    for (std::size_t i = 0; i < docs.size(); ++i) {
        if (docs[i].url.empty()) {
            outcomes[i] = start(docs[i]);
            outcomes[i].status = Status::skipped;
            outcomes[i].reason = "no URL tracked";
        } else {
            to_fetch.push_back(i);
        }
    }
    for (std::size_t i = 0; i < docs.size(); ++i)
        if (outcomes[i].status == Status::skipped && options.progress)
            options.progress(outcomes[i], ++done, docs.size());

    // Workers fetch; this thread records, so the Store sees one writer.
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::pair<std::size_t, Result<app::FetchResult>>> finished;
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (;;) {
            std::size_t k = next.fetch_add(1);
            if (k >= to_fetch.size())
                return;
            std::size_t i = to_fetch[k];
            auto got = options.fetcher ? options.fetcher(docs[i], options.fetch)
                                       : app::fetch_document(docs[i], options.fetch);
            {
                std::lock_guard lock(mutex);
                finished.emplace_back(i, std::move(got));
            }
            ready.notify_one();
        }
    };
    std::size_t jobs = std::clamp<std::size_t>(options.jobs, 1, 32);
    jobs = std::min(jobs, std::max<std::size_t>(to_fetch.size(), 1));
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < jobs && !to_fetch.empty(); ++t)
        threads.emplace_back(worker);
    for (std::size_t recorded = 0; recorded < to_fetch.size(); ++recorded) {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return !finished.empty(); });
        auto item = std::move(finished.front());
        finished.pop_front();
        lock.unlock();
        auto fields = options.fields.find(docs[item.first].id);
        outcomes[item.first] =
            record(store, docs[item.first], item.second, options,
                   fields == options.fields.end() ? VersionFields{} : fields->second);
        if (options.progress)
            options.progress(outcomes[item.first], ++done, docs.size());
    }
    for (auto& t : threads)
        t.join();
    return outcomes;
}

int Summary::exit_code(const ExitPolicy& policy) const {
    if (failed > 0 || gone_new > 0 || (policy.strict && gone > 0))
        return 3;
    if (changed > 0 || (policy.fail_on_new && first > 0))
        return 1;
    return 0;
}

Summary summarise(const std::vector<Outcome>& outcomes) {
    Summary s;
    for (const auto& o : outcomes) {
        switch (o.status) {
        case Status::unchanged:
            ++s.unchanged;
            break;
        case Status::changed:
            ++s.changed;
            break;
        case Status::first:
            ++s.first;
            break;
        case Status::failed:
            ++s.failed;
            break;
        case Status::skipped:
            ++s.skipped;
            break;
        case Status::gone:
            ++s.gone;
            if (!o.gone_before)
                ++s.gone_new;
            break;
        }
    }
    return s;
}

json to_json(const std::vector<Outcome>& outcomes, const ExitPolicy& policy) {
    Summary s = summarise(outcomes);
    json docs = json::array();
    for (const auto& o : outcomes) {
        json d{{"id", o.id}, {"title", o.title}, {"url", o.url}, {"status", status_name(o.status)}};
        if (!o.reason.empty())
            d["reason"] = o.reason;
        if (o.status == Status::unchanged)
            d["not_modified"] = o.not_modified;
        if (o.status == Status::changed) {
            d["items"] = o.items;
            d["changes"] = o.changes;
        }
        if (o.previous)
            d["previous"] = version_json(*o.previous);
        if (o.current)
            d["version"] = version_json(*o.current);
        if (!o.warning.empty())
            d["warning"] = o.warning;
        if (o.status == Status::gone)
            d["reported_before"] = o.gone_before;
        if (o.audit)
            d["audit"] = audit::to_json(*o.audit);
        else if (!o.audit_skipped.empty())
            d["audit"] = json{{"skipped", o.audit_skipped}};
        docs.push_back(std::move(d));
    }
    int code = s.exit_code(policy);
    return json{{"schema_version", 1},
                {"result", code == 3   ? "failed"
                           : code == 1 ? "changed"
                                       : "unchanged"},
                {"exit_code", code},
                {"counts",
                 {{"unchanged", s.unchanged},
                  {"changed", s.changed},
                  {"first", s.first},
                  {"failed", s.failed},
                  {"gone", s.gone},
                  {"skipped", s.skipped}}},
                {"documents", std::move(docs)}};
}

} // namespace guidetrack::check
