// The edit-script engine: the O(NP) search where its memory is small, Myers' linear-space middle
// snake above that.
//
// The O(NP) search keeps every path point it visits: at most (P + 1) * (n + m), with P <= 900
// for n + m <= 1800 (the size at which dtl, whose scripts it reproduces, stays under its cap of
// 2,000,000 points and so exact). Bigger inputs are bisected at a point of an optimal path found
// with O(n + m) memory (Myers 1986, section 4b), recursively, until each piece is that small.
#include "diff/internal.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

namespace guidetrack::diff::detail {

namespace {

// A point an O(NP) search reached, and the one before it on its path. Searches are at most
// kMaxOnp elements, so coordinates fit in 16 bits.
constexpr std::size_t kMaxOnp = 65535;
struct Point {
    std::uint16_t x, y;
    std::int32_t prev;
};
// The points of one search in fixed chunks: growing never copies the ones already found.
struct Points {
    static constexpr std::size_t kChunk = 1 << 16;
    static constexpr std::size_t kKept = 2;
    std::vector<std::unique_ptr<Point[]>> chunks;
    std::size_t size = 0;
    Point* next = nullptr; // where the next point goes in the current chunk, if room
    Point* end = nullptr;
    void clear() {
        size = 0;
        next = end = nullptr;
    }
    __attribute__((always_inline)) std::int32_t push(Point p) {
        if (next == end)
            open_chunk();
        *next++ = p;
        return static_cast<std::int32_t>(size++);
    }
    void open_chunk() {
        const std::size_t chunk = size / kChunk;
        if (chunk == chunks.size())
            chunks.push_back(std::make_unique_for_overwrite<Point[]>(kChunk));
        next = chunks[chunk].get();
        end = next + kChunk;
    }
    const Point& operator[](std::int32_t r) const {
        const auto i = static_cast<std::size_t>(r);
        return chunks[i / kChunk][i % kChunk];
    }
};

} // namespace

void onp_script(std::span<const int> a, std::span<const int> b, std::vector<EditOp>& out) {
    // Wu, Manber, Myers & Miller's O(NP) search, step for step as dtl runs it (the shorter
    // sequence is A; equal lengths swap too), so the scripts are dtl's own. Unlike dtl it keeps
    // 8-byte path points in chunks reused from call to call, and never copies the inputs.
    thread_local std::vector<std::int32_t> fp, path, trace;
    thread_local Points points;
    const bool swapped = a.size() >= b.size();
    const std::span<const int> A = swapped ? b : a, B = swapped ? a : b;
    const auto M = static_cast<std::int32_t>(A.size());
    const auto N = static_cast<std::int32_t>(B.size());
    const std::int32_t delta = N - M, offset = M + 1;
    fp.assign(static_cast<std::size_t>(M + N + 3), -1);
    path.assign(static_cast<std::size_t>(M + N + 3), -1);
    points.clear();
    // Raw pointers indexed by diagonal; the search is the hot loop of every word diff.
    std::int32_t* const F = fp.data() + offset;
    std::int32_t* const Path = path.data() + offset;
    const int* const pa = A.data();
    const int* const pb = B.data();
    Points& pts = points;
    auto snake = [&](std::int32_t k) __attribute__((always_inline)) {
        const std::int32_t above = F[k - 1] + 1, below = F[k + 1];
        const std::int32_t prev = above > below ? Path[k - 1] : Path[k + 1];
        std::int32_t y = std::max(above, below), x = y - k;
        // Unsigned compares, as dtl's: a diagonal's x below 0 slides nowhere.
        while (static_cast<std::uint32_t>(x) < static_cast<std::uint32_t>(M) &&
               static_cast<std::uint32_t>(y) < static_cast<std::uint32_t>(N) && pa[x] == pb[y]) {
            ++x;
            ++y;
        }
        Path[k] = pts.push({static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y), prev});
        F[k] = y;
    };
    for (std::int32_t p = 0; F[delta] != N; ++p) {
        for (std::int32_t k = -p; k <= delta - 1; ++k)
            snake(k);
        for (std::int32_t k = delta + p; k >= delta + 1; --k)
            snake(k);
        snake(delta);
    }
    trace.clear();
    for (std::int32_t r = Path[delta]; r != -1; r = points[r].prev)
        trace.push_back(r);
    const EditOp b_step = swapped ? EditOp::removed : EditOp::added;
    const EditOp a_step = swapped ? EditOp::added : EditOp::removed;
    // Each point is one step off the diagonal from the one before (none for the first), then
    // a slide along its own: the same ops dtl's walk emits one at a time.
    std::int32_t px = 0, py = 0;
    for (std::size_t i = trace.size(); i-- > 0;) {
        const Point& q = points[trace[i]];
        const std::int32_t off = (q.y - q.x) - (py - px);
        if (off > 0) {
            out.insert(out.end(), static_cast<std::size_t>(off), b_step);
            py += off;
        } else if (off < 0) {
            out.insert(out.end(), static_cast<std::size_t>(-off), a_step);
            px -= off;
        }
        if (q.x > px) {
            out.insert(out.end(), static_cast<std::size_t>(q.x - px), EditOp::equal);
            py += q.x - px;
            px = q.x;
        }
    }
    // Keep a few chunks for the next search; a big one's memory goes back at once.
    if (points.chunks.size() > Points::kKept)
        points.chunks.resize(Points::kKept);
    points.clear();
}

namespace {

using Seq = std::span<const int>;

void emit(std::vector<EditOp>& out, EditOp op, std::size_t count) {
    out.insert(out.end(), count, op);
}

// Past this many edits (and at least the square root of n + m) the search stops short of the
// optimum, as git's xdiff does: shuffled paragraphs made the optimal search quadratic (40,000 of
// them took 9 s, 3.4x per doubling). Scripts with fewer edits, every ordinary revision, are
// still minimal.
constexpr std::int64_t kMinCostCutoff = 256;

// A point (x, y) on an optimal edit path from (0, 0) to (n, m) strictly between its ends, found
// by running the greedy search from both ends until the paths overlap. When the paths have not
// met after the cost cutoff, the point furthest along either search instead.
std::optional<std::pair<std::size_t, std::size_t>> bisect(Seq a, Seq b) {
    const std::int64_t n = static_cast<std::int64_t>(a.size());
    const std::int64_t m = static_cast<std::int64_t>(b.size());
    const std::int64_t max_d = (n + m + 1) / 2;
    const std::int64_t offset = max_d + 1;
    const std::int64_t length = 2 * max_d + 3;
    // Furthest x reached on each diagonal k (index k + offset), forwards and backwards.
    std::vector<std::int32_t> forward(static_cast<std::size_t>(length), -1);
    std::vector<std::int32_t> backward(static_cast<std::size_t>(length), -1);
    auto at = [&](std::vector<std::int32_t>& v, std::int64_t k) -> std::int32_t& {
        return v[static_cast<std::size_t>(k + offset)];
    };
    at(forward, 1) = 0;
    at(backward, 1) = 0;
    const std::int64_t delta = n - m;
    const bool odd = (delta % 2) != 0;
    // Diagonals that ran off the grid are skipped from then on.
    std::int64_t f_start = 0, f_end = 0, b_start = 0, b_end = 0;
    std::int64_t cutoff = kMinCostCutoff;
    while (cutoff * cutoff < n + m)
        cutoff *= 2;
    for (std::int64_t d = 0; d <= max_d; ++d) {
        if (d > cutoff) {
            // The furthest point (largest x + y) reached forwards, or backwards from the end.
            std::int64_t best = -1, bx = 0, by = 0;
            for (std::int64_t k = -d + 1; k <= d - 1; ++k) {
                std::int64_t x = at(forward, k), y = x - k;
                if (x >= 0 && x <= n && y >= 0 && y <= m && x + y > best)
                    best = x + y, bx = x, by = y;
            }
            for (std::int64_t k = -d + 1; k <= d - 1; ++k) {
                std::int64_t x = at(backward, k), y = x - k;
                if (x >= 0 && x <= n && y >= 0 && y <= m && x + y > best)
                    best = x + y, bx = n - x, by = m - y;
            }
            if (best <= 0)
                return std::nullopt;
            return std::pair{static_cast<std::size_t>(bx), static_cast<std::size_t>(by)};
        }
        for (std::int64_t k = -d + f_start; k <= d - f_end; k += 2) {
            std::int64_t x = (k == -d || (k != d && at(forward, k - 1) < at(forward, k + 1)))
                                 ? at(forward, k + 1)
                                 : at(forward, k - 1) + 1;
            std::int64_t y = x - k;
            while (x < n && y < m &&
                   a[static_cast<std::size_t>(x)] == b[static_cast<std::size_t>(y)]) {
                ++x;
                ++y;
            }
            at(forward, k) = static_cast<std::int32_t>(x);
            if (x > n) {
                f_end += 2;
            } else if (y > m) {
                f_start += 2;
            } else if (odd) {
                std::int64_t k2 = delta - k;
                if (k2 + offset >= 0 && k2 + offset < length && at(backward, k2) != -1 &&
                    x >= n - at(backward, k2))
                    return std::pair{static_cast<std::size_t>(x), static_cast<std::size_t>(y)};
            }
        }
        for (std::int64_t k = -d + b_start; k <= d - b_end; k += 2) {
            std::int64_t x = (k == -d || (k != d && at(backward, k - 1) < at(backward, k + 1)))
                                 ? at(backward, k + 1)
                                 : at(backward, k - 1) + 1;
            std::int64_t y = x - k;
            while (x < n && y < m &&
                   a[static_cast<std::size_t>(n - x - 1)] ==
                       b[static_cast<std::size_t>(m - y - 1)]) {
                ++x;
                ++y;
            }
            at(backward, k) = static_cast<std::int32_t>(x);
            if (x > n) {
                b_end += 2;
            } else if (y > m) {
                b_start += 2;
            } else if (!odd) {
                std::int64_t k1 = delta - k;
                if (k1 + offset >= 0 && k1 + offset < length && at(forward, k1) != -1) {
                    std::int64_t x1 = at(forward, k1);
                    std::int64_t y1 = x1 - k1;
                    if (x1 >= n - x)
                        return std::pair{static_cast<std::size_t>(x1),
                                         static_cast<std::size_t>(y1)};
                }
            }
        }
    }
    return std::nullopt;
}

void script(Seq a, Seq b, std::size_t onp_limit, std::vector<EditOp>& out) {
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
        ++prefix;
    emit(out, EditOp::equal, prefix);
    a = a.subspan(prefix);
    b = b.subspan(prefix);
    std::size_t suffix = 0;
    while (suffix < a.size() && suffix < b.size() &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;
    a = a.first(a.size() - suffix);
    b = b.first(b.size() - suffix);

    if (a.empty() || b.empty()) {
        emit(out, EditOp::removed, a.size());
        emit(out, EditOp::added, b.size());
    } else if (a.size() + b.size() <= std::min(onp_limit, kMaxOnp)) {
        onp_script(a, b, out);
    } else {
        auto split = bisect(a, b);
        if (!split || (split->first == 0 && split->second == 0) ||
            (split->first == a.size() && split->second == b.size())) {
            emit(out, EditOp::removed, a.size());
            emit(out, EditOp::added, b.size());
        } else {
            script(a.first(split->first), b.first(split->second), onp_limit, out);
            script(a.subspan(split->first), b.subspan(split->second), onp_limit, out);
        }
    }
    emit(out, EditOp::equal, suffix);
}

} // namespace

std::vector<EditOp> edit_script(std::span<const int> a, std::span<const int> b,
                                std::size_t onp_limit) {
    std::vector<EditOp> out;
    out.reserve(std::max(a.size(), b.size()) + 16);
    script(a, b, onp_limit, out);
    // Within each run of changes, removals first, then additions (as git and readers expect;
    // the O(NP) search may interleave them). Any order inside a run is an equally short script.
    for (std::size_t k = 0; k < out.size();) {
        if (out[k] == EditOp::equal) {
            ++k;
            continue;
        }
        std::size_t end = k;
        std::size_t removed = 0;
        while (end < out.size() && out[end] != EditOp::equal)
            removed += out[end++] == EditOp::removed;
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(k),
                  out.begin() + static_cast<std::ptrdiff_t>(k + removed), EditOp::removed);
        std::fill(out.begin() + static_cast<std::ptrdiff_t>(k + removed),
                  out.begin() + static_cast<std::ptrdiff_t>(end), EditOp::added);
        k = end;
    }
    return out;
}

} // namespace guidetrack::diff::detail
