// The catalogue: parsing, selection, and the copy built into the program.
#include "guidetrack/app/check.hpp"
#include "guidetrack/fetch/govuk.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace guidetrack::check {
namespace {

// A copy of snapshots/catalog.json, so that `track --catalog` works wherever the binary is
// installed. tests/test_check.cpp fails when the two differ: edit both together.
constexpr std::string_view kBuiltinCatalog = R"catalog({
  "schema_version": 1,
  "description": "Statutory guidance and inspection frameworks a designated safeguarding lead (DSL) tracks, by GOV.UK address. An entry with \"govuk\" is a GOV.UK publication: `track --catalog` tracks it and each of its attachments (those matching \"attachments\", a title pattern, when given), read from the GOV.UK Content API, and `check` follows its re-issues. Add them with `guidetrack track --catalog [NAME...]` (NAME: a document ID or a group).",
  "groups": {
    "dsl": "the core safeguarding guidance every DSL follows",
    "schools": "school inspection",
    "early-years": "early years inspection",
    "social-care": "children's social care inspection",
    "send": "special educational needs and disabilities"
  },
  "documents": [
    {
      "id": "working-together-2023",
      "title": "Working together to safeguard children 2023",
      "govuk": "/government/publications/working-together-to-safeguard-children--2",
      "attachments": "*statutory guidance*",
      "note": "The publication and its statutory guidance PDF, followed to each re-issue (a new issue gets a new asset address).",
      "publisher": "Department for Education",
      "origin": "GOV.UK",
      "groups": ["dsl"]
    },
    {
      "id": "kcsie",
      "title": "Keeping children safe in education",
      "govuk": "/government/publications/keeping-children-safe-in-education--2",
      "attachments": "Keeping children safe in education*",
      "note": "The publication and each year's edition (PDF); Annex F of each edition lists the substantive changes.",
      "publisher": "Department for Education",
      "origin": "GOV.UK",
      "groups": ["dsl", "schools"]
    },
    {
      "id": "ofsted-section-8-handbook",
      "title": "School inspection handbook: section 8",
      "govuk": "/government/publications/section-8-school-inspection-handbook-eif",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["schools"]
    },
    {
      "id": "ofsted-early-years-handbook",
      "title": "Early years inspection handbook for Ofsted-registered provision",
      "govuk": "/government/publications/early-years-inspection-handbook-eif",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["early-years"]
    },
    {
      "id": "ofsted-eif-and-the-eyfs",
      "title": "Ofsted EIF inspections and the EYFS",
      "govuk": "/government/publications/ofsted-eif-inspections-and-the-eyfs",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["early-years", "schools"]
    },
    {
      "id": "sccif-childrens-homes",
      "title": "Social care common inspection framework (SCCIF): children's homes",
      "govuk": "/government/publications/social-care-common-inspection-framework-sccif-childrens-homes",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["social-care"]
    },
    {
      "id": "sccif-secure-childrens-homes",
      "title": "Social care common inspection framework (SCCIF): secure children's homes",
      "govuk": "/government/publications/social-care-common-inspection-framework-sccif-secure-childrens-homes",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["social-care"]
    },
    {
      "id": "sccif-independent-fostering-agencies",
      "title": "Social care common inspection framework (SCCIF): independent fostering agencies",
      "govuk": "/government/publications/social-care-common-inspection-framework-sccif-independent-fostering-agencies",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["social-care"]
    },
    {
      "id": "sccif-adoption-support-agencies",
      "title": "Social care common inspection framework (SCCIF): adoption support agencies",
      "govuk": "/government/publications/social-care-common-inspection-framework-sccif-adoption-support-agencies",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["social-care"]
    },
    {
      "id": "sccif-voluntary-adoption-agencies",
      "title": "Social care common inspection framework (SCCIF): voluntary adoption agencies",
      "govuk": "/government/publications/social-care-common-inspection-framework-sccif-voluntary-adoption-agencies",
      "publisher": "Ofsted",
      "origin": "GOV.UK",
      "groups": ["social-care"]
    },
    {
      "id": "send-joint-inspections",
      "title": "Joint inspections of local area SEND provision",
      "url": "https://www.gov.uk/government/publications/local-area-send-inspections-information-for-families/joint-inspections-of-local-area-send-provision",
      "format": "html",
      "publisher": "Ofsted and Care Quality Commission",
      "origin": "GOV.UK",
      "groups": ["send"]
    }
  ]
}
)catalog";

Result<std::string> string_field(const nlohmann::json& j, const char* name, bool required,
                                 const std::string& where) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
        if (required)
            return input_error(where + ": missing \"" + name + "\"");
        return std::string();
    }
    if (!it->is_string())
        return input_error(where + ": \"" + name + "\" must be a string");
    return it->get<std::string>();
}

} // namespace

std::string_view builtin_catalog_json() {
    return kBuiltinCatalog;
}

Result<Catalog> parse_catalog(std::string_view json_text) {
    nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
    if (j.is_discarded())
        return input_error("the catalogue is not valid JSON");
    if (!j.is_object() || !j.contains("documents") || !j["documents"].is_array())
        return input_error("the catalogue has no \"documents\" list");
    Catalog catalog;
    GT_TRY(catalog.description, string_field(j, "description", false, "catalogue"));
    if (j.contains("groups")) {
        if (!j["groups"].is_object())
            return input_error("catalogue: \"groups\" must be an object");
        for (const auto& [name, what] : j["groups"].items()) {
            if (!what.is_string())
                return input_error("catalogue: group '" + name + "' needs a description");
            catalog.groups[name] = what.get<std::string>();
        }
    }
    std::set<std::string> ids;
    std::size_t index = 0;
    for (const auto& d : j["documents"]) {
        ++index;
        std::string where = "catalogue entry " + std::to_string(index);
        if (!d.is_object())
            return input_error(where + ": not an object");
        CatalogEntry e;
        GT_TRY(e.info.id, string_field(d, "id", true, where));
        if (auto ok = store::validate_id(e.info.id); !ok)
            return input_error(where + ": " + ok.error().message);
        where = "catalogue entry '" + e.info.id + "'";
        if (!ids.insert(e.info.id).second)
            return input_error(where + ": the ID is listed twice");
        GT_TRY(e.info.title, string_field(d, "title", true, where));
        // A GOV.UK publication is listed by its path; its page is www.gov.uk's.
        std::string govuk;
        GT_TRY(govuk, string_field(d, "govuk", false, where));
        GT_TRY(e.info.url, string_field(d, "url", govuk.empty(), where));
        if (!govuk.empty()) {
            if (!e.info.url.empty())
                return input_error(where + ": give \"govuk\" or \"url\", not both");
            if (!govuk.starts_with("/"))
                return input_error(where + ": \"govuk\" must be a GOV.UK path (\"/government/" +
                                   "publications/...\")");
            auto path = fetch::govuk::path_of(govuk);
            if (!path)
                return input_error(where + ": " + path.error().message);
            e.info.govuk_path = *path;
            e.info.url = "https://www.gov.uk" + *path;
            e.info.format = "html";
        }
        GT_TRY(e.info.attachment_glob, string_field(d, "attachments", false, where));
        if (!e.info.attachment_glob.empty() && govuk.empty())
            return input_error(where + ": \"attachments\" goes with \"govuk\"");
        if (auto ok = fetch::validate_url(e.info.url); !ok)
            return input_error(where + ": " + ok.error().message);
        if (govuk.empty()) {
            GT_TRY(e.info.format, string_field(d, "format", false, where));
        } else if (d.contains("format")) {
            return input_error(where + ": a GOV.UK publication has no \"format\" (its page is " +
                               "HTML, its attachments say theirs)");
        }
        if (!e.info.format.empty()) {
            auto f = extract::parse_format(e.info.format);
            if (!f)
                return input_error(where + ": " + f.error().message);
            e.info.format = std::string(extract::format_name(*f));
        }
        GT_TRY(e.info.publisher, string_field(d, "publisher", false, where));
        GT_TRY(e.info.origin, string_field(d, "origin", false, where));
        GT_TRY(e.note, string_field(d, "note", false, where));
        if (d.contains("groups")) {
            if (!d["groups"].is_array())
                return input_error(where + ": \"groups\" must be a list");
            for (const auto& g : d["groups"]) {
                if (!g.is_string())
                    return input_error(where + ": group names must be strings");
                std::string name = g.get<std::string>();
                if (!catalog.groups.empty() && !catalog.groups.count(name))
                    return input_error(where + ": unknown group '" + name + "'");
                e.groups.push_back(std::move(name));
            }
        }
        catalog.entries.push_back(std::move(e));
    }
    for (const auto& [name, what] : catalog.groups)
        if (ids.count(name))
            return input_error("catalogue: '" + name + "' is both a group and a document ID");
    return catalog;
}

Result<Catalog> load_catalog(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return input_error("cannot read the catalogue '" + path.string() + "'");
    std::ostringstream s;
    s << in.rdbuf();
    auto catalog = parse_catalog(s.str());
    if (!catalog)
        return with_context(catalog.error(), path.string());
    return catalog;
}

const Catalog& builtin_catalog() {
    // The built-in text is checked by the tests; parsing it cannot fail at run time.
    static const Catalog catalog = [] {
        auto parsed = parse_catalog(kBuiltinCatalog);
        return parsed.ok() ? std::move(parsed).value() : Catalog{};
    }();
    return catalog;
}

Result<std::vector<store::DocumentInfo>> select(const Catalog& catalog,
                                                const std::vector<std::string>& names) {
    std::set<std::string> wanted;
    for (const auto& name : names) {
        bool known = catalog.groups.count(name) > 0;
        for (const auto& e : catalog.entries)
            known = known || e.info.id == name ||
                    std::find(e.groups.begin(), e.groups.end(), name) != e.groups.end();
        if (!known) {
            std::string list;
            for (const auto& [g, what] : catalog.groups)
                list += (list.empty() ? "" : ", ") + g;
            for (const auto& e : catalog.entries)
                list += (list.empty() ? "" : ", ") + e.info.id;
            return input_error("'" + name + "' is neither a document nor a group of the " +
                               "catalogue (known: " + list + ")");
        }
        wanted.insert(name);
    }
    std::vector<store::DocumentInfo> out;
    for (const auto& e : catalog.entries) {
        bool take = names.empty() || wanted.count(e.info.id) > 0;
        for (const auto& g : e.groups)
            take = take || wanted.count(g) > 0;
        if (take)
            out.push_back(e.info);
    }
    return out;
}

} // namespace guidetrack::check
