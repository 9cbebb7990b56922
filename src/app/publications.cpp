#include "guidetrack/app/publications.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace guidetrack::publications {
namespace {

namespace govuk = fetch::govuk;

using text::join;

bool title_matches(const std::string& glob, const govuk::Attachment& a) {
    if (glob.empty())
        return true;
    const std::string& name = a.title.empty() ? a.filename : a.title;
    return fnmatch(glob.c_str(), name.c_str(), FNM_CASEFOLD) == 0 ||
           fnmatch(glob.c_str(), a.filename.c_str(), FNM_CASEFOLD) == 0;
}

// "Keeping children safe in education 2024 (PDF)" -> "keeping-children-safe-in-education-2024-pdf"
std::string slug(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else if (!out.empty() && out.back() != '-')
            out.push_back('-');
    }
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    return out;
}

std::string cut_id(std::string id, std::size_t max) {
    if (id.size() > max)
        id.resize(max);
    while (!id.empty() && id.back() == '-')
        id.pop_back();
    return id;
}

// A fresh ID for an attachment of publication `pub`: pub-<title slug>, then -2, -3 if taken.
Result<std::string> attachment_id(const store::Store& store, const std::string& pub,
                                  const govuk::Attachment& a, std::set<std::string>& taken) {
    std::string s = slug(a.title);
    if (s.empty())
        s = slug(govuk::filename_stem(a.filename));
    if (s.empty())
        s = "attachment";
    std::string base = cut_id(pub + "-" + s, 60);
    std::string id = base;
    for (int n = 2;; ++n) {
        GT_TRY(bool known, store.has_document(id));
        if (!known && !taken.count(id))
            break;
        id = base + "-" + std::to_string(n);
    }
    taken.insert(id);
    GT_CHECK(store::validate_id(id));
    return id;
}

store::DocumentInfo attachment_info(const store::DocumentInfo& page, const std::string& id,
                                    const govuk::Attachment& a) {
    store::DocumentInfo d;
    d.id = id;
    std::string name = a.title.empty() ? a.filename : a.title;
    d.title = name.empty() ? id : name;
    d.url = a.url;
    d.origin = "GOV.UK";
    d.format = govuk::attachment_format(a);
    d.publisher = page.publisher;
    d.govuk_path = page.govuk_path;
    d.attachment = name.empty() ? id : name;
    return d;
}

// The tracked attachment this one is (same title, else same file-name stem); -1 when none.
long find_match(const std::vector<store::DocumentInfo>& tracked, const std::vector<bool>& used,
                const govuk::Attachment& a) {
    std::string key = govuk::attachment_key(a.title, a.filename);
    for (std::size_t i = 0; i < tracked.size(); ++i)
        if (!used[i] && !key.empty() &&
            govuk::attachment_key(tracked[i].attachment, tracked[i].url) == key)
            return static_cast<long>(i);
    std::string stem = govuk::filename_stem(a.filename);
    for (std::size_t i = 0; i < tracked.size(); ++i)
        if (!used[i] && !stem.empty() && govuk::filename_stem(tracked[i].url) == stem)
            return static_cast<long>(i);
    return -1;
}

app::FetchResult page_result(const govuk::Publication& p) {
    app::FetchResult f;
    f.response.status = fetch::FetchStatus::fetched;
    f.response.http_status = 200;
    f.response.body = govuk::render_page(p);
    f.response.content_type = "text/html";
    f.response.effective_url = p.api_url;
    f.response.attempts = 1;
    f.format = extract::Format::html;
    f.filename = "index.html";
    return f;
}

check::VersionFields fields_of(const govuk::Publication& p) {
    check::VersionFields f;
    f.date = p.updated_date();
    f.publisher_note = p.current_note();
    if (!f.date.empty())
        f.date_source = "publisher";
    return f;
}

} // namespace

bool is_publication(const store::DocumentInfo& d) {
    return !d.govuk_path.empty() && d.attachment.empty();
}

Result<TrackResult> track(store::Store& store, const std::string& id, std::string_view url_or_path,
                          const std::string& glob, const fetch::Options& options) {
    GT_CHECK(store::validate_id(id));
    GT_TRY(std::string path, govuk::path_of(url_or_path, govuk::web_base(govuk::api_base())));
    GT_TRY(bool known, store.has_document(id));
    if (known) {
        GT_TRY(auto existing, store.document(id));
        if (existing.govuk_path != path)
            return input_error("'" + id + "' is already tracked" +
                               (existing.govuk_path.empty()
                                    ? std::string(" (not as a GOV.UK publication)")
                                    : " as " + existing.govuk_path) +
                               ": choose another ID");
    }
    auto read = govuk::get_publication(path, options);
    if (!read.ok())
        return with_context(read.error(), id);
    TrackResult r;
    r.publication = std::move(*read);
    const govuk::Publication& p = r.publication;

    r.page.id = id;
    r.page.title = p.title;
    r.page.url = p.web_url;
    r.page.origin = "GOV.UK";
    r.page.format = "html";
    r.page.publisher = join(p.organisations, ", ");
    r.page.govuk_path = path;
    r.page.attachment_glob = glob;

    // What is tracked already for this publication.
    GT_TRY(auto docs, store.documents());
    std::vector<store::DocumentInfo> tracked;
    for (const auto& d : docs)
        if (d.govuk_path == path && !d.attachment.empty())
            tracked.push_back(d);
    std::vector<bool> used(tracked.size(), false);
    std::set<std::string> taken;
    std::vector<store::DocumentInfo> to_track;
    for (const auto& a : p.attachments) {
        if (!title_matches(glob, a)) {
            r.left_out.push_back(a.title.empty() ? a.filename : a.title);
            continue;
        }
        long m = find_match(tracked, used, a);
        if (m >= 0) {
            used[static_cast<std::size_t>(m)] = true;
            r.already.push_back(tracked[static_cast<std::size_t>(m)].id);
            r.attachments.push_back(tracked[static_cast<std::size_t>(m)]);
            continue;
        }
        GT_TRY(std::string aid, attachment_id(store, id, a, taken));
        to_track.push_back(attachment_info(r.page, aid, a));
        r.attachments.push_back(to_track.back());
    }
    if (known)
        r.already.insert(r.already.begin(), id);
    if (known) {
        // Keep the fetch state of an already tracked page.
        GT_TRY(auto existing, store.document(id));
        r.page.etag = existing.etag;
        r.page.last_modified = existing.last_modified;
    }
    GT_CHECK(store.track(r.page));
    for (const auto& d : to_track)
        GT_CHECK(store.track(d));
    return r;
}

std::string_view event_name(EventKind kind) {
    switch (kind) {
    case EventKind::added:
        return "added";
    case EventKind::withdrawn:
        return "withdrawn";
    case EventKind::reissued:
        return "reissued";
    case EventKind::failed:
        return "failed";
    }
    return "failed";
}

std::string describe(const Event& e) {
    switch (e.kind) {
    case EventKind::added:
        return "new attachment '" + e.title + "' tracked as " + e.id + " (" + e.url + ")";
    case EventKind::withdrawn:
        return "attachment '" + e.title + "' (" + e.id +
               ") is no longer listed by the publication: kept, nothing deleted";
    case EventKind::reissued:
        return "attachment '" + e.title + "' (" + e.id + ") re-issued at a new address: " + e.url;
    case EventKind::failed:
        return "publication not read: " + e.reason;
    }
    return "";
}

Result<Refresh> refresh(store::Store& store, const std::vector<std::string>& ids,
                        const fetch::Options& options) {
    Refresh r;
    GT_TRY(auto docs, store.documents());
    std::set<std::string> paths; // publications concerned
    if (ids.empty()) {
        for (const auto& d : docs)
            if (is_publication(d))
                paths.insert(d.govuk_path);
    } else {
        for (const auto& id : ids) {
            GT_CHECK(store::validate_id(id));
            GT_TRY(auto d, store.document(id));
            if (!d.govuk_path.empty())
                paths.insert(d.govuk_path);
        }
    }
    std::set<std::string> check_ids(ids.begin(), ids.end());
    for (const auto& d : docs) {
        if (!is_publication(d) || !paths.count(d.govuk_path))
            continue;
        std::vector<store::DocumentInfo> tracked;
        for (const auto& a : docs)
            if (a.govuk_path == d.govuk_path && !a.attachment.empty())
                tracked.push_back(a);
        if (!ids.empty()) {
            check_ids.insert(d.id);
            for (const auto& a : tracked)
                check_ids.insert(a.id);
        }
        auto read = govuk::get_publication(d.govuk_path, options);
        if (!read.ok()) {
            Event e;
            e.kind = EventKind::failed;
            e.publication = d.id;
            e.reason = read.error().message;
            r.failures[d.id] = e.reason;
            r.events.push_back(std::move(e));
            continue;
        }
        const govuk::Publication& p = *read;
        check::VersionFields fields = fields_of(p);
        r.pages[d.id] = page_result(p);
        r.fields[d.id] = fields;

        std::vector<bool> used(tracked.size(), false);
        std::set<std::string> taken;
        for (const auto& a : p.attachments) {
            long m = find_match(tracked, used, a);
            if (m >= 0) {
                auto& t = tracked[static_cast<std::size_t>(m)];
                used[static_cast<std::size_t>(m)] = true;
                r.fields[t.id] = fields;
                if (t.url != a.url) {
                    Event e;
                    e.kind = EventKind::reissued;
                    e.publication = d.id;
                    e.id = t.id;
                    e.title = t.attachment;
                    e.old_url = t.url;
                    e.url = a.url;
                    store::DocumentInfo moved = t;
                    moved.url = a.url;
                    moved.etag.clear();
                    moved.last_modified.clear();
                    if (std::string f = govuk::attachment_format(a); !f.empty())
                        moved.format = f;
                    GT_CHECK(store.track(moved));
                    r.events.push_back(std::move(e));
                }
                continue;
            }
            if (!title_matches(d.attachment_glob, a))
                continue;
            GT_TRY(std::string aid, attachment_id(store, d.id, a, taken));
            store::DocumentInfo info = attachment_info(d, aid, a);
            GT_CHECK(store.track(info));
            r.fields[aid] = fields;
            if (!ids.empty())
                check_ids.insert(aid);
            Event e;
            e.kind = EventKind::added;
            e.publication = d.id;
            e.id = aid;
            e.title = info.attachment;
            e.url = a.url;
            r.events.push_back(std::move(e));
        }
        for (std::size_t i = 0; i < tracked.size(); ++i) {
            if (used[i])
                continue;
            Event e;
            e.kind = EventKind::withdrawn;
            e.publication = d.id;
            e.id = tracked[i].id;
            e.title = tracked[i].attachment;
            e.url = tracked[i].url;
            r.events.push_back(std::move(e));
        }
    }
    if (!ids.empty())
        r.ids.assign(check_ids.begin(), check_ids.end());
    return r;
}

void apply(const Refresh& r, check::Options& options) {
    for (const auto& [id, f] : r.fields)
        options.fields[id] = f;
    if (r.pages.empty() && r.failures.empty())
        return;
    auto pages = r.pages;
    auto failures = r.failures;
    options.fetcher = [pages, failures](const store::DocumentInfo& doc,
                                        const fetch::Options& fo) -> Result<app::FetchResult> {
        if (auto it = pages.find(doc.id); it != pages.end())
            return it->second;
        if (auto it = failures.find(doc.id); it != failures.end())
            return runtime_error(doc.id + ": " + it->second);
        return app::fetch_document(doc, fo);
    };
}

nlohmann::json to_json(const std::vector<Event>& events) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : events) {
        nlohmann::json j{{"event", event_name(e.kind)}, {"publication", e.publication}};
        if (!e.id.empty())
            j["id"] = e.id;
        if (!e.title.empty())
            j["title"] = e.title;
        if (!e.url.empty())
            j["url"] = e.url;
        if (!e.old_url.empty())
            j["old_url"] = e.old_url;
        if (!e.reason.empty())
            j["reason"] = e.reason;
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace guidetrack::publications
