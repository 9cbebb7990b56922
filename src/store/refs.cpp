#include "store/refs.hpp"

#include "store/git.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace guidetrack::store::detail {
namespace {

namespace fs = std::filesystem;

// The whole file; nullopt when it does not exist.
Result<std::optional<std::string>> slurp(const fs::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return std::optional<std::string>();
        return runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
    }
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ::close(fd);
            return runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
        }
        if (n == 0)
            break;
        data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return std::optional<std::string>(std::move(data));
}

std::optional<git_oid> parse_oid(std::string_view hex) {
    if (hex.size() < GIT_OID_HEXSZ)
        return std::nullopt;
    git_oid oid;
    if (git_oid_fromstrn(&oid, hex.data(), GIT_OID_HEXSZ) < 0)
        return std::nullopt;
    return oid;
}

// A loose ref file's value.
RefValue loose_value(std::string_view content) {
    RefValue v;
    v.exists = true;
    std::string_view line = content.substr(0, content.find('\n'));
    if (line.size() == GIT_OID_HEXSZ)
        v.oid = parse_oid(line);
    return v;
}

// The line "<40 hex> <name>" of packed-refs, if there is one.
RefValue packed_value(std::string_view packed, std::string_view name) {
    const std::string needle = " " + std::string(name);
    for (std::size_t at = packed.find(needle); at != std::string_view::npos;
         at = packed.find(needle, at + 1)) {
        std::size_t end = at + needle.size();
        bool whole_name = end == packed.size() || packed[end] == '\n';
        bool line_start =
            at == GIT_OID_HEXSZ || (at > GIT_OID_HEXSZ && packed[at - GIT_OID_HEXSZ - 1] == '\n');
        if (!whole_name || !line_start)
            continue;
        RefValue v;
        v.exists = true;
        v.oid = parse_oid(packed.substr(at - GIT_OID_HEXSZ, GIT_OID_HEXSZ));
        return v;
    }
    return {};
}

} // namespace

Result<RefValue> read_ref(const fs::path& store, const std::string& name) {
    GT_TRY(auto loose, slurp(store / name));
    if (loose)
        return loose_value(*loose);
    GT_TRY(auto packed, slurp(store / "packed-refs"));
    if (packed)
        return packed_value(*packed, name);
    return RefValue{};
}

Result<RefOutcome> write_refs(const fs::path& store, const std::vector<RefUpdate>& updates) {
    struct Held {
        fs::path file, lock;
        int fd = -1;
    };
    std::vector<Held> held;
    std::error_code ec;
    auto release = [&]() {
        for (Held& h : held) {
            if (h.fd >= 0)
                ::close(h.fd);
            fs::remove(h.lock, ec);
        }
    };
    for (std::size_t i = 0; i < updates.size(); ++i) {
        const RefUpdate& u = updates[i];
        Held h;
        h.file = store / u.name;
        h.lock = fs::path(h.file.string() + ".lock");
        fs::create_directories(h.file.parent_path(), ec);
        if (ec) {
            release();
            return runtime_error("cannot create " + h.file.parent_path().string() + ": " +
                                 ec.message());
        }
        h.fd = ::open(h.lock.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (h.fd < 0) {
            int err = errno;
            release();
            if (err == EEXIST)
                return RefOutcome{RefWrite::locked, i};
            return runtime_error("cannot lock " + u.name + ": " + std::strerror(err));
        }
        held.push_back(h);
        // The current value, read under the lock (a writer that got there first has renamed
        // its lock over the ref by now).
        auto now = read_ref(store, u.name);
        if (!now.ok()) {
            release();
            return now.error();
        }
        if (!u.expected && now->exists) {
            release();
            return RefOutcome{RefWrite::exists, i};
        }
        if (u.expected && (!now->oid || !git_oid_equal(&*now->oid, &*u.expected))) {
            release();
            return RefOutcome{RefWrite::modified, i};
        }
    }
    for (std::size_t i = 0; i < updates.size(); ++i) {
        std::string line = oid_hex(updates[i].to) + "\n";
        bool written = write_all(held[i].fd, line) == 0;
        bool closed = ::close(held[i].fd) == 0;
        held[i].fd = -1;
        if (!written || !closed) {
            release();
            return runtime_error("cannot write " + held[i].lock.string());
        }
    }
    for (std::size_t i = 0; i < held.size(); ++i) {
        fs::rename(held[i].lock, held[i].file, ec);
        if (ec) {
            std::string why = ec.message();
            for (std::size_t j = i; j < held.size(); ++j)
                fs::remove(held[j].lock, ec);
            return runtime_error("cannot move " + updates[i].name + ": " + why);
        }
    }
    return RefOutcome{};
}

Result<RefWrite> write_ref(const fs::path& store, const std::string& name, const git_oid& to,
                           const std::optional<git_oid>& expected) {
    GT_TRY(RefOutcome out, write_refs(store, {RefUpdate{name, to, expected}}));
    return out.result;
}

} // namespace guidetrack::store::detail
