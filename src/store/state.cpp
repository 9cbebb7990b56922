#include "guidetrack/store/state.hpp"

#include "store/git.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace guidetrack::store {
namespace {

Result<std::filesystem::path> state_file(const Store& store, std::string_view name) {
    bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
    for (char c : name)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
    if (!ok)
        return input_error("bad state file name '" + std::string(name) + "'");
    return store.path() / "guidetrack-state" / std::string(name);
}

} // namespace

Result<std::optional<std::string>> read_state(const Store& store, std::string_view name) {
    GT_TRY(auto path, state_file(store, name));
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return std::optional<std::string>{};
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return runtime_error("cannot read '" + path.string() + "'");
    std::ostringstream text;
    text << in.rdbuf();
    return std::optional<std::string>{text.str()};
}

Result<void> write_state(const Store& store, std::string_view name, std::string_view content) {
    GT_TRY(auto path, state_file(store, name));
    std::error_code ec;
    if (content.empty()) {
        std::filesystem::remove(path, ec);
        if (ec)
            return runtime_error("cannot remove '" + path.string() + "': " + ec.message());
        return {};
    }
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
        return runtime_error("cannot create '" + path.parent_path().string() +
                             "': " + ec.message());
    std::string tmp = path.string() + ".tmp." + std::to_string(getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return runtime_error("cannot write '" + tmp + "': " + std::strerror(errno));
    if (int e = detail::write_all(fd, content); e != 0) {
        ::close(fd);
        ::unlink(tmp.c_str());
        return runtime_error("cannot write '" + tmp + "': " + std::strerror(e));
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        return runtime_error("cannot write '" + tmp + "': " + std::strerror(errno));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        return runtime_error("cannot write '" + path.string() + "': " + std::strerror(e));
    }
    return {};
}

Result<std::string> store_identity(const Store& store) {
    GT_TRY(auto docs, store.documents());
    std::string best_time, best_commit;
    for (const auto& d : docs) {
        GT_TRY(auto versions, store.versions(d.id));
        for (const auto& v : versions) {
            if (best_commit.empty() || v.retrieved_at < best_time ||
                (v.retrieved_at == best_time && v.commit < best_commit)) {
                best_time = v.retrieved_at;
                best_commit = v.commit;
            }
        }
    }
    return best_commit;
}

} // namespace guidetrack::store
