// compare(): block alignment, pairing, moves and renumbering (see diff.hpp for the passes).
//
// Blocks are compared through 64-bit hashes of their (folded) text and link targets, so the
// alignment of two large documents never copies or tokenises an unchanged paragraph; only blocks
// left unmatched by the identical pass are tokenised, for similarity and word diffs.
#include "diff/internal.hpp"

#include "guidetrack/text/text.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <unordered_map>

namespace guidetrack::diff {

std::string_view kind_name(ChangeKind kind) {
    switch (kind) {
    case ChangeKind::added:
        return "added";
    case ChangeKind::removed:
        return "removed";
    case ChangeKind::amended:
        return "amended";
    case ChangeKind::moved:
        return "moved";
    case ChangeKind::renumbered:
        return "renumbered";
    }
    return "amended";
}

std::string_view op_name(EditOp op) {
    switch (op) {
    case EditOp::equal:
        return "equal";
    case EditOp::removed:
        return "removed";
    case EditOp::added:
        return "added";
    }
    return "equal";
}

namespace {

using detail::Token;

constexpr int kUnmatched = -1;
// Minimum Dice similarity for two blocks to be the same block amended (or moved and amended).
constexpr double kPairThreshold = 0.5;
// ... when both carry the same paragraph number under the same section.
constexpr double kSameNumberThreshold = 0.3;
// Gaps up to this many cells get the exact pairing DP; larger ones a windowed greedy pass.
constexpr std::size_t kMaxDpCells = 250'000;
constexpr std::size_t kGreedyWindow = 24;
// Above this many candidate pairs, only exact moves are looked for.
constexpr std::size_t kMaxMoveCandidates = 4'000'000;

enum class Match : std::uint8_t { none, identical, amended, moved };

std::string folded(std::string_view s, const Options& options) {
    std::string out = options.ignore_typography ? text::fold_typography(s) : std::string(s);
    if (options.ignore_case)
        out = text::fold_case(out);
    return out;
}

std::uint64_t block_hash(const model::Block& block, const Options& options) {
    std::hash<std::string_view> h;
    std::uint64_t value;
    if (options.ignore_typography || options.ignore_case) {
        std::string f = folded(text::repair_utf8(block.text), options);
        value = h(f);
    } else {
        value = h(block.text);
    }
    for (const model::Link& link : block.links)
        value = (value * 1000003u) ^ (h(link.target) + 0x9e3779b97f4a7c15ull);
    return value;
}

bool same_links(const model::Block& a, const model::Block& b) {
    if (a.links.size() != b.links.size())
        return false;
    for (std::size_t i = 0; i < a.links.size(); ++i)
        if (a.links[i].target != b.links[i].target)
            return false;
    return true;
}

// Where each footnote mark is first cited: "[footnote N]" in a block's text -> that block.
std::unordered_map<std::string, std::size_t> footnote_citations(const model::Document& doc) {
    std::unordered_map<std::string, std::size_t> out;
    constexpr std::string_view marker = "[footnote ";
    for (std::size_t i = 0; i < doc.blocks.size(); ++i) {
        const std::string& t = doc.blocks[i].text;
        if (doc.blocks[i].kind == model::BlockKind::footnote)
            continue;
        for (std::size_t pos = t.find(marker); pos != std::string::npos;
             pos = t.find(marker, pos + 1)) {
            std::size_t close = t.find(']', pos);
            if (close == std::string::npos || close - pos > marker.size() + 8)
                continue;
            out.try_emplace(t.substr(pos + marker.size(), close - pos - marker.size()), i);
        }
    }
    return out;
}

// Anchors of one document; footnotes located at the paragraph that cites them.
class Anchors {
  public:
    explicit Anchors(const model::Document& doc) : doc_(doc) {}

    Anchor operator()(std::size_t index) {
        const model::Block& b = doc_.blocks[index];
        Anchor a{index, b.page, b.number, b.section, false, {}};
        if (b.kind != model::BlockKind::footnote)
            return a;
        a.footnote = true;
        if (!citations_)
            citations_ = footnote_citations(doc_);
        auto it = citations_->find(b.number);
        if (it != citations_->end()) {
            const model::Block& cite = doc_.blocks[it->second];
            a.cited_in = cite.number;
            a.section = cite.section;
            if (a.page.empty())
                a.page = cite.page;
        }
        return a;
    }

  private:
    const model::Document& doc_;
    std::optional<std::unordered_map<std::string, std::size_t>> citations_;
};

// Lazily tokenised blocks of one side.
struct Side {
    const model::Document& doc;
    std::vector<int> match;       // index of the matched block on the other side, or kUnmatched
    std::vector<Match> kind;      // how it was matched
    std::vector<std::size_t> gap; // number of identical anchors before this block
    std::vector<std::optional<std::vector<Token>>> tokens;
    std::vector<std::optional<std::vector<int>>> ids;
    // A block's words for similarity: its token ids sorted, and how many fall in each of 256
    // buckets (by the id's low byte), whose bucket-wise minimum bounds the words two blocks
    // share, so that most dissimilar pairs are ruled out without merging their lists.
    struct Words {
        std::vector<int> sorted;
        // Null when some bucket would hold over 255 (no bound then). On the heap: most blocks
        // of a large document never get here, and their slots stay small.
        std::unique_ptr<std::array<std::uint8_t, 256>> buckets;
    };
    std::vector<std::optional<Words>> sorted;

    explicit Side(const model::Document& d)
        : doc(d), match(d.blocks.size(), kUnmatched), kind(d.blocks.size(), Match::none),
          gap(d.blocks.size(), 0), tokens(d.blocks.size()), ids(d.blocks.size()),
          sorted(d.blocks.size()) {}

    std::size_t size() const { return doc.blocks.size(); }

    const std::vector<int>& token_ids(std::size_t i, detail::Interner& interner) {
        if (!ids[i]) {
            const std::string& t = doc.blocks[i].text;
            tokens[i] = detail::tokenize(t);
            ids[i] = interner.ids(t, *tokens[i]);
        }
        return *ids[i];
    }
    const Words& words(std::size_t i, detail::Interner& interner) {
        if (!sorted[i]) {
            Words w;
            w.sorted = token_ids(i, interner);
            std::sort(w.sorted.begin(), w.sorted.end());
            w.buckets = std::make_unique<std::array<std::uint8_t, 256>>();
            for (int id : w.sorted) {
                std::uint8_t& count = (*w.buckets)[static_cast<std::uint8_t>(id)];
                if (count == 255) {
                    w.buckets.reset();
                    break;
                }
                ++count;
            }
            sorted[i] = std::move(w);
        }
        return *sorted[i];
    }
};

class Comparer {
  public:
    Comparer(const model::Document& o, const model::Document& n, const Options& options)
        : options_(options), interner_(options), old_(o), new_(n) {}

    ChangeSet run() {
        match_identical();
        match_exact_moves();
        pair_gaps();
        match_similar_moves();
        // Similarity is settled: drop the sorted token lists before the word diffs need memory.
        for (auto* side : {&old_, &new_})
            for (auto& s : side->sorted)
                s.reset();
        return build();
    }

  private:
    Options options_;
    detail::Interner interner_;
    Side old_, new_;

    // The Dice similarity of two blocks' words when it is at least at_least, else 0.
    double similarity(std::size_t i, std::size_t j, double at_least) {
        const Side::Words& a = old_.words(i, interner_);
        const Side::Words& b = new_.words(j, interner_);
        if (a.sorted.empty() || b.sorted.empty()) // a block without words is like no other
            return 0.0;
        std::size_t shared_at_most = std::numeric_limits<std::size_t>::max();
        if (a.buckets && b.buckets) {
            unsigned bound = 0;
            for (std::size_t k = 0; k < a.buckets->size(); ++k)
                bound += std::min((*a.buckets)[k], (*b.buckets)[k]);
            shared_at_most = bound;
        }
        return detail::dice(a.sorted, b.sorted, at_least, shared_at_most);
    }

    double threshold(std::size_t i, std::size_t j) const {
        const model::Block& a = old_.doc.blocks[i];
        const model::Block& b = new_.doc.blocks[j];
        if (!a.number.empty() && a.number == b.number && a.section == b.section)
            return kSameNumberThreshold;
        return kPairThreshold;
    }

    void pair(std::size_t i, std::size_t j, Match kind) {
        old_.match[i] = static_cast<int>(j);
        new_.match[j] = static_cast<int>(i);
        old_.kind[i] = new_.kind[j] = kind;
    }

    void match_identical() {
        std::unordered_map<std::uint64_t, int> ids;
        auto intern = [&](const Side& side) {
            std::vector<int> out;
            out.reserve(side.size());
            for (const model::Block& b : side.doc.blocks)
                out.push_back(ids.try_emplace(block_hash(b, options_), static_cast<int>(ids.size()))
                                  .first->second);
            return out;
        };
        std::vector<int> a = intern(old_), b = intern(new_);
        std::vector<EditOp> ops = detail::edit_script(a, b);
        std::size_t i = 0, j = 0, anchors = 0;
        for (EditOp op : ops) {
            switch (op) {
            case EditOp::equal:
                ++anchors;
                old_.gap[i] = new_.gap[j] = anchors; // an anchor's gap is the one it closes
                pair(i++, j++, Match::identical);
                break;
            case EditOp::removed:
                old_.gap[i++] = anchors;
                break;
            case EditOp::added:
                new_.gap[j++] = anchors;
                break;
            }
        }
    }

    void match_exact_moves() {
        // Pair in reading order: the first unmatched copy on each side.
        std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_hash;
        for (std::size_t j = 0; j < new_.size(); ++j)
            if (new_.match[j] == kUnmatched)
                by_hash[block_hash(new_.doc.blocks[j], options_)].push_back(j);
        for (auto& [h, list] : by_hash)
            std::reverse(list.begin(), list.end());
        for (std::size_t i = 0; i < old_.size(); ++i) {
            if (old_.match[i] != kUnmatched)
                continue;
            auto it = by_hash.find(block_hash(old_.doc.blocks[i], options_));
            if (it == by_hash.end() || it->second.empty())
                continue;
            std::size_t j = it->second.back();
            it->second.pop_back();
            // Same gap: not crossing any anchor, so an amendment in place (links, options).
            pair(i, j, old_.gap[i] == new_.gap[j] ? Match::amended : Match::moved);
        }
    }

    // Pair unmatched blocks inside each gap between identical anchors, keeping their order.
    void pair_gaps() {
        std::map<std::size_t, std::pair<std::vector<std::size_t>, std::vector<std::size_t>>> gaps;
        for (std::size_t i = 0; i < old_.size(); ++i)
            if (old_.match[i] == kUnmatched)
                gaps[old_.gap[i]].first.push_back(i);
        for (std::size_t j = 0; j < new_.size(); ++j)
            if (new_.match[j] == kUnmatched)
                gaps[new_.gap[j]].second.push_back(j);
        for (auto& [g, sides] : gaps) {
            (void)g;
            auto& [olds, news] = sides;
            if (olds.empty() || news.empty())
                continue;
            if (olds.size() * news.size() <= kMaxDpCells)
                pair_dp(olds, news);
            else
                pair_greedy(olds, news);
        }
    }

    // Order-keeping pairing that maximises the summed similarity of the pairs (above threshold).
    void pair_dp(const std::vector<std::size_t>& olds, const std::vector<std::size_t>& news) {
        const std::size_t n = olds.size(), m = news.size();
        std::vector<double> score((n + 1) * (m + 1), 0.0);
        std::vector<std::uint8_t> from((n + 1) * (m + 1), 0); // 0 up, 1 left, 2 diagonal
        auto at = [&](std::size_t i, std::size_t j) { return i * (m + 1) + j; };
        for (std::size_t i = 1; i <= n; ++i)
            from[at(i, 0)] = 0;
        for (std::size_t j = 1; j <= m; ++j)
            from[at(0, j)] = 1;
        for (std::size_t i = 1; i <= n; ++i) {
            for (std::size_t j = 1; j <= m; ++j) {
                double best = score[at(i - 1, j)];
                std::uint8_t how = 0;
                if (score[at(i, j - 1)] > best) {
                    best = score[at(i, j - 1)];
                    how = 1;
                }
                double t = threshold(olds[i - 1], news[j - 1]);
                double s = similarity(olds[i - 1], news[j - 1], t);
                if (s >= t && score[at(i - 1, j - 1)] + s > best) {
                    best = score[at(i - 1, j - 1)] + s;
                    how = 2;
                }
                score[at(i, j)] = best;
                from[at(i, j)] = how;
            }
        }
        std::size_t i = n, j = m;
        while (i > 0 && j > 0) {
            switch (from[at(i, j)]) {
            case 2:
                pair(olds[i - 1], news[j - 1], Match::amended);
                --i;
                --j;
                break;
            case 1:
                --j;
                break;
            default:
                --i;
                break;
            }
        }
    }

    // For very large gaps: walk both lists, pairing the nearest similar pair within a window.
    void pair_greedy(const std::vector<std::size_t>& olds, const std::vector<std::size_t>& news) {
        std::size_t i = 0, j = 0;
        while (i < olds.size() && j < news.size()) {
            std::optional<std::tuple<std::size_t, double, std::size_t, std::size_t>> best;
            for (std::size_t a = 0; a < kGreedyWindow && i + a < olds.size(); ++a) {
                for (std::size_t b = 0; b < kGreedyWindow && j + b < news.size(); ++b) {
                    if (best && a + b > std::get<0>(*best))
                        break;
                    double t = threshold(olds[i + a], news[j + b]);
                    double s = similarity(olds[i + a], news[j + b], t);
                    if (s < t)
                        continue;
                    if (!best || a + b < std::get<0>(*best) ||
                        (a + b == std::get<0>(*best) && s > std::get<1>(*best)))
                        best = std::tuple{a + b, s, a, b};
                }
            }
            if (!best) {
                ++i;
                ++j;
                continue;
            }
            auto [dist, s, a, b] = *best;
            (void)dist;
            (void)s;
            pair(olds[i + a], news[j + b], Match::amended);
            i += a + 1;
            j += b + 1;
        }
    }

    void match_similar_moves() {
        std::vector<std::size_t> olds, news;
        for (std::size_t i = 0; i < old_.size(); ++i)
            if (old_.match[i] == kUnmatched)
                olds.push_back(i);
        for (std::size_t j = 0; j < new_.size(); ++j)
            if (new_.match[j] == kUnmatched)
                news.push_back(j);
        if (olds.empty() || news.empty() || olds.size() * news.size() > kMaxMoveCandidates)
            return;
        std::vector<std::tuple<double, std::size_t, std::size_t>> candidates;
        for (std::size_t i : olds)
            for (std::size_t j : news) {
                double s = similarity(i, j, kPairThreshold);
                if (s >= kPairThreshold)
                    candidates.emplace_back(s, i, j);
            }
        std::stable_sort(candidates.begin(), candidates.end(), [](const auto& x, const auto& y) {
            return std::get<0>(x) > std::get<0>(y);
        });
        for (auto [s, i, j] : candidates) {
            (void)s;
            if (old_.match[i] != kUnmatched || new_.match[j] != kUnmatched)
                continue;
            pair(i, j, old_.gap[i] == new_.gap[j] ? Match::amended : Match::moved);
        }
    }

    // Word edits of a matched pair; false when nothing but folded-away differences remain.
    bool fill_edits(std::size_t i, std::size_t j, Change& change) {
        const std::string& a = old_.doc.blocks[i].text;
        const std::string& b = new_.doc.blocks[j].text;
        const auto& ia = old_.token_ids(i, interner_);
        const auto& ib = new_.token_ids(j, interner_);
        change.links_changed = !same_links(old_.doc.blocks[i], new_.doc.blocks[j]);
        bool words_changed = ia != ib;
        if (words_changed)
            change.edits = detail::word_edits(a, *old_.tokens[i], ia, b, *new_.tokens[j], ib);
        else
            change.edits = {WordEdit{EditOp::equal, b}};
        // Each block is diffed once: its tokens are not needed again.
        old_.tokens[i].reset();
        old_.ids[i].reset();
        new_.tokens[j].reset();
        new_.ids[j].reset();
        return words_changed || change.links_changed;
    }

    static std::optional<std::string> successor(const std::string& number) {
        auto dot = number.rfind('.');
        std::string head = dot == std::string::npos ? "" : number.substr(0, dot + 1);
        std::string tail = dot == std::string::npos ? number : number.substr(dot + 1);
        if (tail.empty() || tail.size() > 9 ||
            !std::all_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        return head + std::to_string(std::stoull(tail) + 1);
    }

    // Sort key: position in the new version; removed blocks just before the new block that
    // follows the place they had.
    using Key = std::tuple<std::size_t, int, std::size_t>;

    ChangeSet build() {
        ChangeSet set;
        set.options = options_;
        Anchors old_anchor(old_.doc), new_anchor(new_.doc);
        std::vector<std::pair<Key, Change>> keyed;

        // Where each old block sits in new-version order: after the last in-order match before it.
        std::vector<std::size_t> place(old_.size(), 0);
        std::size_t next_new = 0;
        for (std::size_t i = 0; i < old_.size(); ++i) {
            place[i] = next_new;
            if (old_.kind[i] == Match::identical || old_.kind[i] == Match::amended)
                next_new = static_cast<std::size_t>(old_.match[i]) + 1;
        }

        for (std::size_t i = 0; i < old_.size(); ++i) {
            if (old_.match[i] != kUnmatched)
                continue;
            Change c;
            c.kind = ChangeKind::removed;
            c.old_anchor = old_anchor(i);
            c.old_block = old_.doc.blocks[i];
            keyed.emplace_back(Key{place[i], 0, i}, std::move(c));
        }

        std::vector<Renumbering> ranges;
        std::optional<Key> renumber_key;
        std::optional<std::size_t> renumber_old, renumber_new;
        for (std::size_t j = 0; j < new_.size(); ++j) {
            const model::Block& nb = new_.doc.blocks[j];
            if (new_.match[j] == kUnmatched) {
                Change c;
                c.kind = ChangeKind::added;
                c.new_anchor = new_anchor(j);
                c.new_block = nb;
                keyed.emplace_back(Key{j, 1, 0}, std::move(c));
                continue;
            }
            std::size_t i = static_cast<std::size_t>(new_.match[j]);
            const model::Block& ob = old_.doc.blocks[i];
            Match kind = new_.kind[j];
            if (kind == Match::moved) {
                Change c;
                c.kind = ChangeKind::moved;
                c.old_anchor = old_anchor(i);
                c.new_anchor = new_anchor(j);
                c.old_block = ob;
                c.new_block = nb;
                c.amended_too = fill_edits(i, j, c);
                if (!c.amended_too)
                    c.edits.clear();
                keyed.emplace_back(Key{j, 1, 0}, std::move(c));
                continue;
            }
            if (kind == Match::amended) {
                Change c;
                c.kind = ChangeKind::amended;
                c.old_anchor = old_anchor(i);
                c.new_anchor = new_anchor(j);
                c.old_block = ob;
                c.new_block = nb;
                if (fill_edits(i, j, c))
                    keyed.emplace_back(Key{j, 1, 0}, std::move(c));
            }
            if (!ob.number.empty() && !nb.number.empty() && ob.number != nb.number) {
                if (!ranges.empty() && successor(ranges.back().old_last) == ob.number &&
                    successor(ranges.back().new_last) == nb.number) {
                    ranges.back().old_last = ob.number;
                    ranges.back().new_last = nb.number;
                } else {
                    ranges.push_back({ob.number, ob.number, nb.number, nb.number});
                }
                if (!renumber_key) {
                    renumber_key = Key{j, 2, 0};
                    renumber_old = i;
                    renumber_new = j;
                }
            }
        }
        if (!ranges.empty()) {
            Change c;
            c.kind = ChangeKind::renumbered;
            c.old_anchor = old_anchor(*renumber_old);
            c.new_anchor = new_anchor(*renumber_new);
            c.renumbering = std::move(ranges);
            keyed.emplace_back(*renumber_key, std::move(c));
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        set.changes.reserve(keyed.size());
        for (auto& [key, change] : keyed)
            set.changes.push_back(std::move(change));
        return set;
    }
};

std::size_t words_in(std::string_view s) {
    std::size_t count = 0;
    bool in_word = false;
    for (char c : s) {
        bool space = c == ' ' || c == '\t' || c == '\n';
        if (!space && !in_word)
            ++count;
        in_word = !space;
    }
    return count;
}

std::size_t range_size(const Renumbering& r) {
    try {
        auto tail = [](const std::string& s) {
            auto dot = s.rfind('.');
            return std::stoull(dot == std::string::npos ? s : s.substr(dot + 1));
        };
        return static_cast<std::size_t>(tail(r.old_last) - tail(r.old_first) + 1);
    } catch (...) {
        return 1;
    }
}

} // namespace

ChangeSet compare(const model::Document& old_doc, const model::Document& new_doc,
                  const Options& options) {
    return Comparer(old_doc, new_doc, options).run();
}

Stats stats(const ChangeSet& changes) {
    Stats s;
    for (const Change& c : changes.changes) {
        switch (c.kind) {
        case ChangeKind::added:
            ++s.added;
            s.words_added += words_in(c.new_block ? c.new_block->text : "");
            break;
        case ChangeKind::removed:
            ++s.removed;
            s.words_removed += words_in(c.old_block ? c.old_block->text : "");
            break;
        case ChangeKind::amended:
        case ChangeKind::moved:
            ++(c.kind == ChangeKind::amended ? s.amended : s.moved);
            for (const WordEdit& e : c.edits) {
                if (e.op == EditOp::added)
                    s.words_added += words_in(e.text);
                else if (e.op == EditOp::removed)
                    s.words_removed += words_in(e.text);
            }
            break;
        case ChangeKind::renumbered:
            ++s.renumbered;
            for (const Renumbering& r : c.renumbering)
                s.renumbered_paragraphs += range_size(r);
            break;
        }
    }
    return s;
}

std::string describe_renumbering(const std::vector<Renumbering>& ranges) {
    std::size_t total = 0;
    for (const Renumbering& r : ranges)
        total += range_size(r);
    std::string out = total > 1 ? "paragraphs " : "paragraph ";
    bool first = true;
    for (const Renumbering& r : ranges) {
        if (!first)
            out += "; ";
        first = false;
        if (r.old_first == r.old_last)
            out += r.old_first + " is now " + r.new_first;
        else
            out += r.old_first + "-" + r.old_last + " are now " + r.new_first + "-" + r.new_last;
    }
    return out;
}

std::vector<EditOp> edit_script(std::span<const int> a, std::span<const int> b) {
    return detail::edit_script(a, b);
}

} // namespace guidetrack::diff
