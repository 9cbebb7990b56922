#include "io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <istream>
#include <ostream>

namespace guidetrack::cli {
namespace fs = std::filesystem;

std::string size_text(std::size_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0)
        return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

namespace {

Error too_big(const std::string& what, std::size_t max_bytes) {
    return input_error(what + " is over the size limit of " + size_text(max_bytes) +
                       " (see --max-size)");
}

// Read fd to the end in chunks, stopping as soon as more than max_bytes arrived.
Result<std::string> read_fd(int fd, const std::string& what, std::size_t max_bytes) {
    std::string data;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return runtime_error(what + ": read error: " + std::strerror(errno));
        }
        if (n == 0)
            return data;
        if (data.size() + static_cast<std::size_t>(n) > max_bytes)
            return too_big(what, max_bytes);
        data.append(buf, static_cast<std::size_t>(n));
    }
}

bool inside(const fs::path& path, const fs::path& dir) {
    std::error_code ec;
    fs::path d = fs::weakly_canonical(dir, ec);
    if (ec)
        return false;
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec)
        return false;
    auto [d_end, p_it] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
    return d_end == d.end();
}

} // namespace

Result<std::string> read_document(Context& ctx, const std::string& file, std::size_t max_bytes) {
    if (file == "-") {
        std::string data;
        char buf[1 << 16];
        while (ctx.in.read(buf, sizeof buf) || ctx.in.gcount() > 0) {
            if (data.size() + static_cast<std::size_t>(ctx.in.gcount()) > max_bytes)
                return too_big("standard input", max_bytes);
            data.append(buf, static_cast<std::size_t>(ctx.in.gcount()));
        }
        if (ctx.in.bad())
            return runtime_error("standard input: read error");
        return data;
    }
    std::string what = "'" + file + "'";
    std::error_code ec;
    auto status = fs::status(file, ec);
    if (ec || !fs::exists(status))
        return input_error(what + ": no such file");
    if (fs::is_directory(status))
        return input_error(what + " is a folder, not a document");
    if (fs::is_regular_file(status)) {
        auto size = fs::file_size(file, ec);
        if (!ec && size > max_bytes)
            return too_big(what + " (" + size_text(size) + ")", max_bytes);
    }
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return input_error(what + ": cannot read: " + std::strerror(errno));
    auto data = read_fd(fd, what, max_bytes);
    ::close(fd);
    return data;
}

Result<void> write_file_atomically(const std::string& path, std::string_view content,
                                   const std::string& store_dir) {
    fs::path target(path);
    std::error_code ec;
    if (fs::is_directory(target, ec))
        return input_error("'" + path + "' is a folder");
    if (!store_dir.empty() && fs::exists(store_dir, ec) && inside(target, store_dir))
        return input_error("'" + path + "' is inside the store (" + store_dir +
                           "); write the output somewhere else");
    // A device, FIFO or other special file (/dev/stdout, a pipe) is written in place: renaming
    // over it would replace the device with a regular file.
    auto status = fs::status(target, ec);
    if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
        int out = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (out < 0)
            return runtime_error("'" + path + "': cannot write: " + std::strerror(errno));
        for (std::size_t done = 0; done < content.size();) {
            ssize_t n = ::write(out, content.data() + done, content.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                std::string msg = "'" + path + "': write error: " + std::strerror(errno);
                ::close(out);
                return runtime_error(msg);
            }
            done += static_cast<std::size_t>(n);
        }
        if (::close(out) != 0)
            return runtime_error("'" + path + "': write error: " + std::strerror(errno));
        return {};
    }
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string tmpl = (dir / ("." + target.filename().string() + ".guidetrack-XXXXXX")).string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        return runtime_error("'" + path + "': cannot write: " + std::strerror(errno));
    ::fchmod(fd, 0644);
    auto fail = [&](const char* what) {
        std::string msg = "'" + path + "': " + what + ": " + std::strerror(errno);
        ::close(fd);
        ::unlink(tmpl.c_str());
        return runtime_error(msg);
    };
    for (std::size_t done = 0; done < content.size();) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail("write error");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        return fail("write error");
    if (::close(fd) != 0) {
        std::string msg = "'" + path + "': write error: " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return runtime_error(msg);
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        std::string msg = "'" + path + "': cannot write: " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return runtime_error(msg);
    }
    return {};
}

Result<void> check_output(Context& ctx) {
    ctx.out.flush();
    if (!ctx.out)
        return runtime_error("cannot write standard output" +
                             (errno ? std::string(": ") + std::strerror(errno) : std::string()));
    return {};
}

Result<void> write_output(Context& ctx, const std::string& out_path, std::string_view content,
                          const std::string& store_dir) {
    if (!out_path.empty() && out_path != "-")
        return write_file_atomically(out_path, content, store_dir);
    ctx.out << content;
    return check_output(ctx);
}

} // namespace guidetrack::cli
