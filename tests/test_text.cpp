#include "guidetrack/text/text.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <random>

using namespace guidetrack::text;

TEST_CASE("normalise composes, collapses space and drops invisible characters", "[text]") {
    auto r = normalise("  Cafe\xCC\x81\t\n au\xC2\xAD"
                       "to\xE2\x80\x8B"
                       "matic\xC2\xA0space  ");
    REQUIRE(r.ok());
    CHECK(*r == "Caf\xC3\xA9 automatic space");
}

TEST_CASE("normalise keeps quotes and dashes as written", "[text]") {
    auto r = normalise("\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x80\x93 dash");
    REQUIRE(r.ok());
    CHECK(*r == "\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x80\x93 dash");
}

TEST_CASE("invalid UTF-8 is an input error naming the offset", "[text]") {
    auto r = normalise("abc\xC3(");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == guidetrack::ErrorKind::input);
    CHECK(r.error().message.find("byte 3") != std::string::npos);
    std::size_t bad = 0;
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80", &bad)); // a surrogate
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));           // overlong
    CHECK(is_valid_utf8("plain \xE2\x80\x99 text"));
}

TEST_CASE("typography and case folding", "[text]") {
    CHECK(fold_typography(
              "\xE2\x80\x98it\xE2\x80\x99s\xE2\x80\x99 \xE2\x80\x94 \xE2\x80\x9Cx\xE2\x80\x9D") ==
          "'it's' - \"x\"");
    CHECK(fold_case("GuIdAnCe") == "guidance");
}

TEST_CASE("sha256 of known input", "[text]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("display width counts wide characters twice", "[text]") {
    CHECK(display_width("abc") == 3);
    CHECK(display_width("\xE4\xB8\xAD") == 2);
}

TEST_CASE("words are the runs between ASCII white space", "[text]") {
    using V = std::vector<std::string_view>;
    CHECK(guidetrack::text::split_words("") == V{});
    CHECK(guidetrack::text::split_words("  \t\n ") == V{});
    CHECK(guidetrack::text::split_words("Page 26,  paragraph\t48:\nwording") ==
          V{"Page", "26,", "paragraph", "48:", "wording"});
    // A no-break space is not ASCII white space: normalise() turns it into a space first.
    CHECK(guidetrack::text::split_words("a\xC2\xA0"
                                        "b c") == V{"a\xC2\xA0"
                                                    "b",
                                                    "c"});
    CHECK(guidetrack::text::count_words("Page 26,  paragraph\t48:\nwording") == 5);
    CHECK(guidetrack::text::count_words(" one ") == 1);
    CHECK(guidetrack::text::count_words("") == 0);
}

TEST_CASE("visible: controls and bidirectional overrides are shown, not obeyed", "[text]") {
    using guidetrack::text::visible;
    CHECK(visible("Evil\x1b]0;PWNED\a\x1b[2J title") == "Evil\\x1b]0;PWNED\\x07\\x1b[2J title");
    CHECK(visible("line one\nline two\ttab\x7f") == "line one\\x0aline two\\x09tab\\x7f");
    CHECK(visible("C1 \xC2\x9B"
                  "31m") == "C1 \\x9b31m");
    CHECK(visible("abc\xE2\x80\xAE"
                  "fdp.exe \xE2\x81\xA6x\xE2\x81\xA9") == "abc\\u202efdp.exe \\u2066x\\u2069");
    // Everything else is kept: accents, curly quotes, the no-break space, dashes.
    CHECK(visible("Caf\xC3\xA9 \xE2\x80\x98quoted\xE2\x80\x99 \xC2\xA0\xE2\x80\x93") ==
          "Caf\xC3\xA9 \xE2\x80\x98quoted\xE2\x80\x99 \xC2\xA0\xE2\x80\x93");
    CHECK(visible("bad \xFF byte") == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("word_delta counts the words added and removed, as a multiset difference", "[text]") {
    // The naive count over the whole texts.
    auto naive = [](std::string_view a, std::string_view b) {
        std::map<std::string, long> counts;
        for (auto w : split_words(b))
            ++counts[std::string(w)];
        for (auto w : split_words(a))
            --counts[std::string(w)];
        std::pair<std::size_t, std::size_t> r{0, 0};
        for (const auto& [w, n] : counts)
            (n > 0 ? r.first : r.second) += static_cast<std::size_t>(n > 0 ? n : -n);
        return r;
    };
    REQUIRE(word_delta("a b c", "a b c") == std::pair<std::size_t, std::size_t>{0, 0});
    REQUIRE(word_delta("a b c", "a bx c") == std::pair<std::size_t, std::size_t>{1, 1});
    REQUIRE(word_delta("abc", "abcd") == std::pair<std::size_t, std::size_t>{1, 1});
    REQUIRE(word_delta("x abc", "y abc") == std::pair<std::size_t, std::size_t>{1, 1});
    REQUIRE(word_delta("", "one two") == std::pair<std::size_t, std::size_t>{2, 0});
    // Random edits anywhere (at the ends, inside words, of white space) agree with the naive
    // count: the shared start and end are cut only at white space.
    const std::vector<std::string> pieces = {"a", "b", "ab", "ba", " ", "  ", "\n", "\t", "aa"};
    std::mt19937 rng(31);
    for (int round = 0; round < 20000; ++round) {
        std::string a;
        for (int i = static_cast<int>(rng() % 30); i > 0; --i)
            a += pieces[rng() % pieces.size()];
        std::string b = a;
        for (int e = static_cast<int>(rng() % 3); e >= 0; --e) {
            std::size_t at = b.empty() ? 0 : rng() % (b.size() + 1);
            std::size_t len = std::min<std::size_t>(rng() % 3, b.size() - at);
            b.replace(at, len, pieces[rng() % pieces.size()]);
        }
        INFO("before: [" << a << "] after: [" << b << "]");
        REQUIRE(word_delta(a, b) == naive(a, b));
    }
}
