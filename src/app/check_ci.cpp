// `check` in CI: documents gone for good, the store's own feed, and the step summary.
#include "guidetrack/app/check.hpp"
#include "guidetrack/app/feed.hpp"
#include "guidetrack/store/state.hpp"
#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace guidetrack::check {
namespace {

using nlohmann::json;

constexpr const char* kGoneFile = "gone-documents.json";

// "URL: HTTP 404 Not Found" / "URL: HTTP 410 Gone" (the fetch client's wording).
bool is_gone(const Outcome& o) {
    if (o.status != Status::failed)
        return false;
    for (const char* code : {": HTTP 404", ": HTTP 410"}) {
        std::string prefix = o.url + code;
        if (o.reason.rfind(prefix, 0) == 0 &&
            (o.reason.size() == prefix.size() || o.reason[prefix.size()] == ' '))
            return true;
    }
    return false;
}

std::string cell(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else if (c == '<')
            out += "&lt;";
        else
            out += c;
    }
    return out;
}

} // namespace

Result<void> mark_gone(store::Store& store, std::vector<Outcome>& outcomes) {
    GT_TRY(auto text, store::read_state(store, kGoneFile));
    json gone = json::object();
    if (text) {
        gone = json::parse(*text, nullptr, false);
        if (gone.is_discarded() || !gone.is_object())
            gone = json::object(); // a damaged list only means reporting them again
    }
    json before = gone;
    for (auto& o : outcomes) {
        if (is_gone(o)) {
            o.status = Status::gone;
            if (auto latest = store.latest(o.id); latest.ok())
                o.previous = *latest;
            o.gone_before = gone.contains(o.id);
            if (!o.gone_before)
                gone[o.id] =
                    json{{"since", text::utc_now_iso8601()}, {"url", o.url}, {"reason", o.reason}};
        } else if (o.status == Status::unchanged || o.status == Status::changed ||
                   o.status == Status::first) {
            gone.erase(o.id);
        }
    }
    if (gone != before)
        GT_CHECK(store::write_state(store, kGoneFile, gone.empty() ? "" : gone.dump(2) + "\n"));
    return {};
}

Result<std::string> store_feed(const store::Store& store, const std::string& self_url) {
    GT_TRY(auto f, app::build_feed(store, {}));
    GT_TRY(auto identity, store::store_identity(store));
    if (!identity.empty())
        f.id = "tag:guidetrack,2024:store/" + identity.substr(0, 16);
    f.self = self_url;
    return render::to_atom(f);
}

std::string step_summary(const std::vector<Outcome>& outcomes, const ExitPolicy& policy) {
    Summary s = summarise(outcomes);
    std::string out = "### guidetrack check\n\n";
    if (outcomes.empty())
        return out + "No documents are tracked.\n\n";
    out += "| Document | Result | Details |\n| --- | --- | --- |\n";
    for (const auto& o : outcomes) {
        std::string name = (o.title.empty() ? o.id : o.title) + " (`" + o.id + "`)";
        std::string result, details;
        switch (o.status) {
        case Status::unchanged:
            result = "unchanged";
            break;
        case Status::changed:
            result = "**changed**";
            details = std::to_string(o.items) + (o.items == 1 ? " item" : " items");
            if (o.previous && o.current)
                details += ", version " + o.previous->label + " to " + o.current->label;
            break;
        case Status::first:
            result = "new";
            if (o.current)
                details = "first version " + o.current->label;
            break;
        case Status::failed:
            result = "**failed**";
            details = o.reason;
            break;
        case Status::skipped:
            result = "skipped";
            details = o.reason;
            break;
        case Status::gone:
            result = o.gone_before ? "gone" : "**gone**";
            details = o.reason;
            if (o.previous)
                details += "; last good version " + o.previous->label;
            if (o.gone_before)
                details += " (reported before)";
            break;
        }
        out += "| " + cell(name) + " | " + result + " | " + cell(details) + " |\n";
    }
    out += "\n" + std::to_string(outcomes.size()) + " documents: " + std::to_string(s.changed) +
           " changed, " + std::to_string(s.first) + " new, " + std::to_string(s.unchanged) +
           " unchanged, " + std::to_string(s.failed) + " failed, " + std::to_string(s.gone) +
           " gone. Exit code " + std::to_string(s.exit_code(policy)) + ".\n\n";
    return out;
}

} // namespace guidetrack::check
