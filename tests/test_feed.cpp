// The Atom feed: entries per recorded change with stable ids, escaping, and validation by a
// RELAX NG schema written from RFC 4287's rules (xmllint) and by a real feed parser (Python's
// feedparser), each skipped visibly when its tool is missing.
#include "guidetrack/app/feed.hpp"
#include "guidetrack/app/record.hpp"
#include "guidetrack/render/escape.hpp"
#include "guidetrack/store/store.hpp"
#include "testutil.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace guidetrack;
using gt_test::read_file;
using gt_test::run_cli;
using gt_test::run_shell;
using gt_test::TempDir;
using gt_test::write_file;

namespace {

struct SampleStore {
    TempDir tmp;
    std::string dir;
    std::vector<std::string> commits; // v1, v2, v3
};

void record(store::Store& st, const std::string& id, const std::string& file,
            const std::string& label, const std::string& date, const std::string& retrieved,
            std::vector<std::string>* commits = nullptr) {
    store::SnapshotRequest req;
    req.id = id;
    req.original = read_file(gt_test::source_dir() / "snapshots" / "sample" / file);
    req.filename = file;
    req.label = label;
    req.date = date;
    req.retrieved_at = retrieved;
    auto r = app::snapshot(st, req);
    INFO((r.ok() ? "" : r.error().message));
    REQUIRE(r.ok());
    if (commits)
        commits->push_back(r->version.commit);
}

void make_sample_store(SampleStore& s) {
    s.dir = (s.tmp / "store").string();
    auto st = store::Store::init(s.dir);
    REQUIRE(st.ok());
    store::DocumentInfo info;
    info.id = "sample";
    info.title = "Keeping Learners Safe & Well <SAMPLE>";
    info.url = "https://example.org/guidance/keeping-learners-safe";
    REQUIRE(st->track(info).ok());
    record(*st, "sample", "v1.md", "2024-01", "2024-01-10", "2024-01-10T09:00:00Z", &s.commits);
    record(*st, "sample", "v2.md", "2024-02", "2024-02-23", "2024-02-23T10:30:00Z", &s.commits);
    record(*st, "sample", "v3.md", "2024-06", "2024-06-01", "2024-06-01T08:15:00Z", &s.commits);
    store::DocumentInfo other;
    other.id = "other";
    other.title = "Another document";
    other.url = "javascript:alert(1)";
    REQUIRE(st->track(other).ok());
    record(*st, "other", "v2.md", "a", "", "2024-03-01T00:00:00Z");
    record(*st, "other", "v3.md", "b", "", "2024-07-01T00:00:00Z");
}

std::size_t count(const std::string& s, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + 1))
        ++n;
    return n;
}

// A RELAX NG schema (XML syntax) for the Atom documents guidetrack writes, following the rules
// of RFC 4287: one id, title and updated per feed and entry, dates in RFC 3339, an author at
// feed level, content with a type, links with an href.
constexpr const char* kAtomSchema = R"rng(<?xml version="1.0" encoding="utf-8"?>
<grammar xmlns="http://relaxng.org/ns/structure/1.0"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"
         ns="http://www.w3.org/2005/Atom">
  <start>
    <element name="feed">
      <interleave>
        <ref name="id"/>
        <ref name="title"/>
        <ref name="updated"/>
        <oneOrMore><ref name="author"/></oneOrMore>
        <optional><element name="generator"><text/></element></optional>
        <zeroOrMore><ref name="entry"/></zeroOrMore>
      </interleave>
    </element>
  </start>
  <define name="date">
    <data type="string">
      <param name="pattern">\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+\-]\d{2}:\d{2})</param>
    </data>
  </define>
  <define name="id"><element name="id"><data type="anyURI"/></element></define>
  <define name="title">
    <element name="title"><optional><attribute name="type"><value>text</value></attribute></optional><text/></element>
  </define>
  <define name="updated"><element name="updated"><ref name="date"/></element></define>
  <define name="author">
    <element name="author"><element name="name"><text/></element></element>
  </define>
  <define name="entry">
    <element name="entry">
      <interleave>
        <ref name="id"/>
        <ref name="title"/>
        <ref name="updated"/>
        <optional><element name="published"><ref name="date"/></element></optional>
        <zeroOrMore>
          <element name="link">
            <attribute name="href"><data type="anyURI"/></attribute>
            <optional><attribute name="rel"><text/></attribute></optional>
            <optional><attribute name="type"><text/></attribute></optional>
          </element>
        </zeroOrMore>
        <element name="content">
          <attribute name="type"><choice><value>text</value><value>html</value></choice></attribute>
          <text/>
        </element>
      </interleave>
    </element>
  </define>
</grammar>
)rng";

constexpr const char* kFeedParserCheck = R"py(
import sys
import feedparser
d = feedparser.parse(sys.argv[1])
if d.bozo:
    print("bozo:", d.bozo_exception)
    sys.exit(1)
print("version", d.version)
print("title", d.feed.title)
print("entries", len(d.entries))
for e in d.entries:
    print("entry", e.id, "|", e.updated, "|", e.title)
    print("content", e.content[0].type, len(e.content[0].value))
    if "<li>" not in e.content[0].value and "No changes" not in e.content[0].value:
        print("content without the notice:", e.content[0].value)
        sys.exit(1)
)py";

} // namespace

TEST_CASE("feed: one entry per recorded change, stable ids, notice as content", "[feed]") {
    SampleStore s;
    make_sample_store(s);
    auto out = s.tmp / "feed.xml";
    auto r = run_cli({"--store", s.dir, "feed", "sample", "--out", out.string()});
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::string xml = read_file(out);
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed "
                    "xmlns=\"http://www.w3.org/2005/Atom\">",
                    0) == 0);
    CHECK(count(xml, "<entry>") == 2);
    CHECK(xml.find("<id>tag:guidetrack,2024:sample/" + s.commits[1] + "</id>") !=
          std::string::npos);
    CHECK(xml.find("<id>tag:guidetrack,2024:sample/" + s.commits[2] + "</id>") !=
          std::string::npos);
    CHECK(xml.find(s.commits[0]) == std::string::npos); // the first version is no change
    // Newest first; updated is the version's time.
    CHECK(xml.find(s.commits[2]) < xml.find(s.commits[1]));
    CHECK(xml.find("<updated>2024-02-23T10:30:00Z</updated>") != std::string::npos);
    CHECK(xml.find("<updated>2024-06-01T08:15:00Z</updated>") != std::string::npos);
    CHECK(xml.find("<title>Keeping Learners Safe &amp; Well &lt;SAMPLE&gt;: updated 23 February "
                   "2024 (4 changes)</title>") != std::string::npos);
    // The notice is HTML, escaped once into the content.
    CHECK(xml.find("<content type=\"html\">") != std::string::npos);
    CHECK(xml.find("&lt;li&gt;&lt;span class=&quot;where&quot;&gt;Paragraph 9&lt;/span&gt;: "
                   "corrected the email address") != std::string::npos);
    CHECK(xml.find("<li>") == std::string::npos);
    CHECK(xml.find("href=\"https://example.org/guidance/keeping-learners-safe\"") !=
          std::string::npos);

    // Writing the feed again gives the same bytes: ids and times come from the store.
    auto again = run_cli({"--store", s.dir, "feed", "sample"});
    REQUIRE(again.code == 0);
    CHECK(again.out == xml);

    // All documents by default; an unsafe link never becomes an href.
    auto all = run_cli({"--store", s.dir, "feed"});
    REQUIRE(all.code == 0);
    CHECK(count(all.out, "<entry>") == 3);
    CHECK(all.out.find("javascript:") == std::string::npos);
    CHECK(all.out.find("<updated>2024-07-01T00:00:00Z</updated>\n  <author>") != std::string::npos);

    auto unknown = run_cli({"--store", s.dir, "feed", "nosuch"});
    CHECK(unknown.code == 2);
    auto bad = run_cli({"--store", s.dir, "feed", "Bad Id"});
    CHECK(bad.code == 2);
}

TEST_CASE("feed: XML escaping drops characters XML 1.0 forbids", "[feed]") {
    CHECK(render::html_escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    CHECK(render::html_escape(std::string("x\x01y\x0bz\tq\n", 8)) == "xyz\tq\n");
    CHECK(render::html_escape("\xef\xbf\xbe|\xef\xbf\xbf|\xef\xbf\xbd") == "||\xef\xbf\xbd");
    CHECK(render::html_escape("bad \xff byte") == "bad \xef\xbf\xbd byte");
    CHECK(render::atom_time("2024-02-23") == "2024-02-23T00:00:00Z");
    CHECK(render::atom_time("2024-02-23T10:30:00Z") == "2024-02-23T10:30:00Z");
    CHECK(render::atom_time("yesterday") == "");

    render::Feed f;
    f.id = "tag:guidetrack,2024:test";
    f.title = "T\x02itle";
    f.updated = "2024-01-01T00:00:00Z";
    render::Entry e;
    e.id = "tag:guidetrack,2024:test/1";
    e.title = "<b>bold</b>";
    e.updated = "2024-01-01T00:00:00Z";
    e.content_html = "<p>A &amp; B \x1f</p>";
    f.entries.push_back(e);
    std::string xml = render::to_atom(f);
    CHECK(xml.find('\x02') == std::string::npos);
    CHECK(xml.find('\x1f') == std::string::npos);
    CHECK(xml.find("<title>&lt;b&gt;bold&lt;/b&gt;</title>") != std::string::npos);
    CHECK(xml.find("&lt;p&gt;A &amp;amp; B &lt;/p&gt;") != std::string::npos);
}

TEST_CASE("feed: valid against a RELAX NG schema of RFC 4287's rules (xmllint)", "[feed]") {
    if (run_shell("command -v xmllint").code != 0)
        GT_SKIP("xmllint is not installed (Debian package libxml2-utils)");
    SampleStore s;
    make_sample_store(s);
    auto feed = s.tmp / "feed.xml";
    auto schema = s.tmp / "atom.rng";
    write_file(schema, kAtomSchema);
    REQUIRE(run_cli({"--store", s.dir, "feed", "--out", feed.string()}).code == 0);
    auto wf = run_shell("xmllint --noout '" + feed.string() + "'");
    INFO(wf.out);
    CHECK(wf.code == 0);
    auto valid =
        run_shell("xmllint --noout --relaxng '" + schema.string() + "' '" + feed.string() + "'");
    INFO(valid.out);
    CHECK(valid.code == 0);
    CHECK(valid.out.find("validates") != std::string::npos);

    // The schema is not a rubber stamp: a feed without <updated> is rejected.
    std::string broken = read_file(feed);
    auto pos = broken.find("  <updated>");
    REQUIRE(pos != std::string::npos);
    broken.erase(pos, broken.find('\n', pos) - pos + 1);
    write_file(s.tmp / "broken.xml", broken);
    auto rejected = run_shell("xmllint --noout --relaxng '" + schema.string() + "' '" +
                              (s.tmp / "broken.xml").string() + "'");
    CHECK(rejected.code != 0);
}

TEST_CASE("feed: a real feed parser reads every entry (python3-feedparser)", "[feed]") {
    std::string python;
    for (const char* candidate : {"/usr/bin/python3", "python3"})
        if (run_shell(std::string(candidate) + " -c 'import feedparser'").code == 0) {
            python = candidate;
            break;
        }
    if (python.empty())
        GT_SKIP("python3 with feedparser is not installed (Debian package python3-feedparser)");
    SampleStore s;
    make_sample_store(s);
    auto feed = s.tmp / "feed.xml";
    auto script = s.tmp / "check.py";
    write_file(script, kFeedParserCheck);
    REQUIRE(run_cli({"--store", s.dir, "feed", "--out", feed.string()}).code == 0);
    auto r = run_shell(python + " '" + script.string() + "' '" + feed.string() + "'");
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("version atom10") != std::string::npos);
    CHECK(r.out.find("entries 3") != std::string::npos);
    CHECK(r.out.find("entry tag:guidetrack,2024:sample/" + s.commits[2] +
                     " | 2024-06-01T08:15:00Z") != std::string::npos);
    CHECK(count(r.out, "content text/html") == 3);
}
