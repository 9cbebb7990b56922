// The store's own pack writer (see store/deltapack.hpp). Pack format: "PACK", version 2, the
// object count, then each object as a type-and-size header and zlib data (for OFS_DELTA, the
// distance back to its base first), then the SHA-1 of everything before it.
//
// Deltas: the base is cut into 16-byte blocks, each indexed by a hash; the target is scanned byte
// by byte for a block that matches, and each match is extended both ways into one copy
// instruction. Versions of a document share most of their text in long runs, which this finds
// in one pass (linear in the two sizes).
#include "store/deltapack.hpp"

#include "store/git.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace guidetrack::store::detail {
namespace {

constexpr std::size_t kBlock = 16;
constexpr std::size_t kMaxCopy = 0x10000; // the largest size one copy instruction carries

void varint(std::string& out, std::size_t n) {
    do {
        unsigned char c = n & 0x7f;
        n >>= 7;
        if (n)
            c |= 0x80;
        out.push_back(static_cast<char>(c));
    } while (n);
}

std::uint64_t load64(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

std::uint32_t block_hash(const char* p, unsigned shift) {
    std::uint64_t h = load64(p) * 0x9E3779B97F4A7C15ull ^ load64(p + 8) * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return static_cast<std::uint32_t>((h * 0xff51afd7ed558ccdull) >> shift);
}

void emit_insert(std::string& out, std::string_view lit) {
    while (!lit.empty()) {
        std::size_t n = std::min<std::size_t>(lit.size(), 127);
        out.push_back(static_cast<char>(n));
        out.append(lit.substr(0, n));
        lit.remove_prefix(n);
    }
}

void emit_copy(std::string& out, std::size_t offset, std::size_t size) {
    while (size > 0) {
        std::size_t n = std::min(size, kMaxCopy);
        unsigned char cmd = 0x80;
        char args[7];
        int k = 0;
        for (int b = 0; b < 4; ++b) {
            unsigned char byte = (offset >> (8 * b)) & 0xff;
            if (byte) {
                cmd |= static_cast<unsigned char>(1u << b);
                args[k++] = static_cast<char>(byte);
            }
        }
        std::size_t sz = n == kMaxCopy ? 0 : n; // 0 means 0x10000
        for (int b = 0; b < 3; ++b) {
            unsigned char byte = (sz >> (8 * b)) & 0xff;
            if (byte) {
                cmd |= static_cast<unsigned char>(0x10u << b);
                args[k++] = static_cast<char>(byte);
            }
        }
        out.push_back(static_cast<char>(cmd));
        out.append(args, static_cast<std::size_t>(k));
        offset += n;
        size -= n;
    }
}

} // namespace

std::string make_delta(std::string_view base, std::string_view target, std::size_t max_size) {
    std::string out;
    varint(out, base.size());
    varint(out, target.size());
    if (base.size() >= kBlock && target.size() >= kBlock) {
        std::size_t blocks = base.size() / kBlock;
        unsigned bits = 4;
        while ((std::size_t{1} << bits) < blocks * 2)
            ++bits;
        const unsigned shift = 64 - bits;
        std::vector<std::uint32_t> table(std::size_t{1} << bits, 0); // position + 1
        for (std::size_t b = blocks; b-- > 0;)                       // the first occurrence wins
            table[block_hash(base.data() + b * kBlock, shift)] =
                static_cast<std::uint32_t>(b * kBlock + 1);
        std::size_t lit = 0; // start of the pending literal run
        std::size_t i = 0;
        while (i + kBlock <= target.size()) {
            std::uint32_t cand = table[block_hash(target.data() + i, shift)];
            if (cand == 0 || std::memcmp(base.data() + cand - 1, target.data() + i, kBlock) != 0) {
                ++i;
                continue;
            }
            std::size_t p = cand - 1, len = kBlock;
            while (p + len < base.size() && i + len < target.size() &&
                   base[p + len] == target[i + len])
                ++len;
            while (i > lit && p > 0 && base[p - 1] == target[i - 1]) {
                --i;
                --p;
                ++len;
            }
            emit_insert(out, target.substr(lit, i - lit));
            emit_copy(out, p, len);
            i += len;
            lit = i;
            if (out.size() >= max_size)
                return {};
        }
        emit_insert(out, target.substr(lit));
    } else {
        emit_insert(out, target);
    }
    if (out.size() >= max_size)
        return {};
    return out;
}

std::string apply_delta(std::string_view base, std::string_view delta) {
    std::size_t at = 0;
    auto read_varint = [&](std::size_t& n) {
        n = 0;
        for (int shift = 0; at < delta.size(); shift += 7) {
            auto c = static_cast<unsigned char>(delta[at++]);
            n |= static_cast<std::size_t>(c & 0x7f) << shift;
            if (!(c & 0x80))
                return true;
            if (shift > 56)
                return false;
        }
        return false;
    };
    std::size_t base_size = 0, target_size = 0;
    if (!read_varint(base_size) || !read_varint(target_size) || base_size != base.size())
        return {};
    std::string out;
    out.reserve(target_size);
    while (at < delta.size()) {
        auto cmd = static_cast<unsigned char>(delta[at++]);
        if (cmd & 0x80) {
            std::size_t offset = 0, size = 0;
            for (int b = 0; b < 4; ++b)
                if (cmd & (1u << b)) {
                    if (at >= delta.size())
                        return {};
                    offset |= static_cast<std::size_t>(static_cast<unsigned char>(delta[at++]))
                              << (8 * b);
                }
            for (int b = 0; b < 3; ++b)
                if (cmd & (0x10u << b)) {
                    if (at >= delta.size())
                        return {};
                    size |= static_cast<std::size_t>(static_cast<unsigned char>(delta[at++]))
                            << (8 * b);
                }
            if (size == 0)
                size = kMaxCopy;
            if (offset + size > base.size())
                return {};
            out.append(base.substr(offset, size));
        } else if (cmd > 0) {
            if (at + cmd > delta.size())
                return {};
            out.append(delta.substr(at, cmd));
            at += cmd;
        } else {
            return {};
        }
    }
    if (out.size() != target_size)
        return {};
    return out;
}

PackWriter::PackWriter() {
    buf_ = std::string("PACK\0\0\0\x02\0\0\0\0", 12);
}

void PackWriter::header(unsigned type, std::size_t size) {
    unsigned char c = static_cast<unsigned char>((type << 4) | (size & 0x0f));
    size >>= 4;
    while (size) {
        buf_.push_back(static_cast<char>(c | 0x80));
        c = size & 0x7f;
        size >>= 7;
    }
    buf_.push_back(static_cast<char>(c));
}

void PackWriter::deflate(std::string_view data) {
    z_stream z{};
    deflateInit(&z, Z_DEFAULT_COMPRESSION);
    std::size_t at = buf_.size();
    buf_.resize(at + deflateBound(&z, static_cast<uLong>(data.size())));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(buf_.data() + at);
    z.avail_out = static_cast<uInt>(buf_.size() - at);
    ::deflate(&z, Z_FINISH);
    buf_.resize(at + z.total_out);
    deflateEnd(&z);
}

std::size_t PackWriter::start(const git_oid& id) {
    std::size_t index = offsets_.size();
    offsets_.push_back(buf_.size());
    ids_.push_back(id);
    index_of_.emplace(id, index);
    return index;
}

std::size_t PackWriter::add(const git_oid& id, git_object_t type, std::string_view data) {
    if (auto found = index_of_.find(id); found != index_of_.end())
        return found->second;
    std::size_t index = start(id);
    header(static_cast<unsigned>(type), data.size());
    deflate(data);
    return index;
}

std::size_t PackWriter::add_delta(const git_oid& id, std::string_view delta,
                                  std::size_t base_index) {
    if (auto found = index_of_.find(id); found != index_of_.end())
        return found->second;
    std::size_t index = start(id);
    std::uint64_t offset = offsets_[index];
    header(6 /* OFS_DELTA */, delta.size());
    std::uint64_t back = offset - offsets_[base_index];
    char enc[16];
    std::size_t pos = sizeof enc - 1;
    enc[pos] = static_cast<char>(back & 0x7f);
    while (back >>= 7)
        enc[--pos] = static_cast<char>(0x80 | (--back & 0x7f));
    buf_.append(enc + pos, sizeof enc - pos);
    deflate(delta);
    return index;
}

std::size_t DeltaChain::add(PackWriter& pack, const git_oid& id, git_object_t type,
                            std::string data, const DeltaChain* also) {
    constexpr std::size_t none = SIZE_MAX;
    std::string best;
    const DeltaChain* from = nullptr;
    std::size_t from_pos = 0;
    auto consider = [&](const DeltaChain& chain, std::size_t pos) {
        if (!chain.links_[pos].kept)
            return;
        std::size_t limit = best.empty() ? data.size() * 3 / 4 : best.size();
        std::string delta = make_delta(chain.links_[pos].bytes, data, limit);
        if (!delta.empty()) {
            best = std::move(delta);
            from = &chain;
            from_pos = pos;
        }
    };
    if (data.size() >= 64) {
        if (!links_.empty() && type == type_) {
            std::size_t pos = links_.size() - 1;
            if (first_depth_ + pos >= kMaxDeltaDepth)
                pos = kMaxDeltaDepth / 2 >= first_depth_ ? kMaxDeltaDepth / 2 - first_depth_ : none;
            if (pos != none)
                consider(*this, pos);
            // A document that flips between two texts (a page served two ways): the version
            // before the last one.
            if (pos != none && pos > 0 && (best.empty() || best.size() > data.size() / 8))
                consider(*this, pos - 1);
        }
        if (also && also != this && !also->links_.empty() && also->type_ == type &&
            also->first_depth_ + also->links_.size() - 1 < kMaxDeltaDepth) {
            std::size_t size = also->links_.back().bytes.size();
            if (size <= 2 * data.size() && data.size() <= 2 * size)
                consider(*also, also->links_.size() - 1);
        }
    }
    std::size_t index;
    if (!from) {
        index = pack.add(id, type, data);
        links_.clear();
        first_depth_ = 0;
    } else {
        index = pack.add_delta(id, best, from->links_[from_pos].index);
        if (from == this) {
            links_.resize(from_pos + 1);
        } else {
            Link base = from->links_[from_pos];
            first_depth_ = from->first_depth_ + from_pos;
            links_.clear();
            links_.push_back(std::move(base));
        }
    }
    type_ = type;
    links_.push_back({index, std::move(data), true});
    // Only the last two versions and the one at half the depth can be bases again: the bytes of
    // the others go (a chain of a 300 KB document would otherwise hold 15 MB).
    for (std::size_t i = 0; i + 2 < links_.size(); ++i)
        if (links_[i].kept && first_depth_ + i != kMaxDeltaDepth / 2) {
            std::string().swap(links_[i].bytes);
            links_[i].kept = false;
        }
    return index;
}

std::size_t geometric_merge_count(const std::vector<std::uintmax_t>& sizes) {
    std::size_t n = sizes.size();
    if (n < 2)
        return 0;
    std::size_t i = n - 1;
    while (i > 0 && sizes[i] >= 2 * sizes[i - 1])
        --i;
    if (i == 0)
        return 0; // already a progression
    std::size_t k = i + 1;
    std::uintmax_t total = 0;
    for (std::size_t j = 0; j < k; ++j)
        total += sizes[j];
    while (k < n && sizes[k] < 2 * total)
        total += sizes[k++];
    return k;
}

namespace {

void put32(std::string& out, std::uint32_t v) {
    for (int b = 3; b >= 0; --b)
        out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
}

void put64(std::string& out, std::uint64_t v) {
    put32(out, static_cast<std::uint32_t>(v >> 32));
    put32(out, static_cast<std::uint32_t>(v & 0xffffffffu));
}

std::string sha1(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha1(), nullptr);
    return std::string(reinterpret_cast<const char*>(digest), len);
}

// Writes bytes to a new file made from templ (mkstemp), read-only as git's packs are; the
// file's name, or an error (and no file).
Result<std::filesystem::path> write_temporary(const std::filesystem::path& templ,
                                              std::string_view bytes) {
    std::string name = templ.string();
    int fd = ::mkstemp(name.data());
    if (fd < 0)
        return runtime_error("cannot write a pack in " + templ.parent_path().string() + ": " +
                             std::strerror(errno));
    if (int err = write_all(fd, bytes); err != 0) {
        ::close(fd);
        ::unlink(name.c_str());
        return runtime_error("cannot write a pack in " + templ.parent_path().string() + ": " +
                             std::strerror(err));
    }
    ::fchmod(fd, 0444);
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(name.c_str());
        return runtime_error("cannot write a pack in " + templ.parent_path().string() + ": " +
                             std::strerror(err));
    }
    return std::filesystem::path(name);
}

} // namespace

Result<std::string> PackWriter::write(git_odb* odb, const std::filesystem::path& pack_dir) {
    if (offsets_.empty())
        return std::string();
    const auto n = static_cast<std::uint32_t>(offsets_.size());
    for (int b = 0; b < 4; ++b)
        buf_[8 + b] = static_cast<char>((n >> (8 * (3 - b))) & 0xff);
    const std::string pack_sum = sha1(buf_);
    const std::uint64_t end = buf_.size();
    buf_ += pack_sum;

    // The index, version 2: fan-out by first byte, ids in order, then each entry's CRC-32 and
    // offset (31 bits, or an index into a table of 64-bit offsets), the pack's checksum, and
    // the index's own.
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return git_oid_cmp(&ids_[a], &ids_[b]) < 0;
    });
    std::string idx("\377tOc", 4);
    put32(idx, 2);
    std::uint32_t fanout[256] = {};
    for (const git_oid& id : ids_)
        ++fanout[id.id[0]];
    for (std::uint32_t b = 0, total = 0; b < 256; ++b) {
        total += fanout[b];
        put32(idx, total);
    }
    for (std::uint32_t i : order)
        idx.append(reinterpret_cast<const char*>(ids_[i].id), GIT_OID_RAWSZ);
    for (std::uint32_t i : order) {
        std::uint64_t from = offsets_[i], to = i + 1 < n ? offsets_[i + 1] : end;
        uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(buf_.data() + from),
                          static_cast<uInt>(to - from));
        put32(idx, static_cast<std::uint32_t>(crc));
    }
    std::vector<std::uint64_t> large;
    for (std::uint32_t i : order) {
        if (offsets_[i] < 0x80000000u) {
            put32(idx, static_cast<std::uint32_t>(offsets_[i]));
        } else {
            put32(idx, 0x80000000u | static_cast<std::uint32_t>(large.size()));
            large.push_back(offsets_[i]);
        }
    }
    for (std::uint64_t off : large)
        put64(idx, off);
    idx += pack_sum;
    idx += sha1(idx);

    static constexpr char kHex[] = "0123456789abcdef";
    std::string name = "pack-";
    for (unsigned char c : pack_sum) {
        name += kHex[c >> 4];
        name += kHex[c & 15];
    }
    GT_TRY(auto pack_tmp, write_temporary(pack_dir / "tmp_pack_XXXXXX", buf_));
    auto idx_tmp = write_temporary(pack_dir / "tmp_idx_XXXXXX", idx);
    if (!idx_tmp.ok()) {
        ::unlink(pack_tmp.c_str());
        return idx_tmp.error();
    }
    std::error_code ec;
    std::filesystem::rename(pack_tmp, pack_dir / (name + ".pack"), ec);
    if (!ec)
        std::filesystem::rename(*idx_tmp, pack_dir / (name + ".idx"), ec);
    if (ec) {
        std::filesystem::remove(pack_tmp, ec);
        std::filesystem::remove(*idx_tmp, ec);
        return runtime_error("cannot move a new pack into " + pack_dir.string());
    }
    int rc = git_odb_refresh(odb);
    if (rc < 0)
        return git_failure("reading the new pack", rc);
    return name + ".pack";
}

} // namespace guidetrack::store::detail
