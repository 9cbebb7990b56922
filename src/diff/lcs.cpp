// The edit-script engine: dtl where it is exact, Myers' linear-space middle snake above that.
//
// dtl keeps every path coordinate it visits and stops recording at 2,000,000 of them, after which
// it restarts on the rest and the script is no longer minimal. For n + m <= 1800 the coordinates
// stay below that cap (at most (P + 1) * (n + m) with P <= 900), so dtl's result is exact there.
// Bigger inputs are bisected at a point of an optimal path found with O(n + m) memory (Myers 1986,
// section 4b), recursively, until each piece is small enough for dtl.
#include "diff/internal.hpp"

#include <dtl/dtl.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

namespace guidetrack::diff::detail {
namespace {

using Seq = std::span<const int>;

void emit(std::vector<EditOp>& out, EditOp op, std::size_t count) {
    out.insert(out.end(), count, op);
}

void dtl_script(Seq a, Seq b, std::vector<EditOp>& out) {
    std::vector<int> va(a.begin(), a.end());
    std::vector<int> vb(b.begin(), b.end());
    dtl::Diff<int, std::vector<int>> d(va, vb);
    d.compose();
    for (const auto& [elem, info] : d.getSes().getSequence()) {
        (void)elem;
        switch (info.type) {
        case dtl::SES_COMMON:
            out.push_back(EditOp::equal);
            break;
        case dtl::SES_DELETE:
            out.push_back(EditOp::removed);
            break;
        case dtl::SES_ADD:
            out.push_back(EditOp::added);
            break;
        default:
            break;
        }
    }
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

void script(Seq a, Seq b, std::size_t dtl_limit, std::vector<EditOp>& out) {
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
    } else if (a.size() + b.size() <= dtl_limit) {
        dtl_script(a, b, out);
    } else {
        auto split = bisect(a, b);
        if (!split || (split->first == 0 && split->second == 0) ||
            (split->first == a.size() && split->second == b.size())) {
            emit(out, EditOp::removed, a.size());
            emit(out, EditOp::added, b.size());
        } else {
            script(a.first(split->first), b.first(split->second), dtl_limit, out);
            script(a.subspan(split->first), b.subspan(split->second), dtl_limit, out);
        }
    }
    emit(out, EditOp::equal, suffix);
}

} // namespace

std::vector<EditOp> edit_script(std::span<const int> a, std::span<const int> b,
                                std::size_t dtl_limit) {
    std::vector<EditOp> out;
    out.reserve(std::max(a.size(), b.size()) + 16);
    script(a, b, dtl_limit, out);
    // Within each run of changes, removals first, then additions (as git and readers expect;
    // dtl may interleave them). Any order inside a run is an equally short script.
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
