#include "store/git_push.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace guidetrack::store::detail {
namespace {

namespace fs = std::filesystem;

// The helper git runs for credentials: it prints what the environment holds. (git runs it
// through the shell with its environment, so the password is never an argument.)
constexpr const char* kHelper =
    "!f() { test \"$1\" = get || exit 0; echo \"username=${GUIDETRACK_GIT_USERNAME:-git}\"; "
    "echo \"password=$GUIDETRACK_GIT_PASSWORD\"; }; f";

std::string last_line(const std::string& s) {
    std::string line, last;
    std::istringstream in(s);
    while (std::getline(in, line))
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            last = line;
    while (!last.empty() && (last.back() == '\r' || last.back() == ' '))
        last.pop_back();
    return last;
}

// A git folder that lives for one push (git_push.hpp): its refs are the ones to push, its
// objects the store's (by alternates), its config an include of the store's. Removed on
// destruction; nothing in the store is written.
class PushFolder {
  public:
    ~PushFolder() {
        if (!path_.empty()) {
            std::error_code ec;
            fs::remove_all(path_, ec);
        }
    }
    const fs::path& path() const { return path_; }

    Result<void> create(const fs::path& store, const std::vector<PushRef>& refs) {
        std::error_code ec;
        fs::path tmp = fs::temp_directory_path(ec);
        if (ec)
            tmp = "/tmp";
        std::string templ = (tmp / "guidetrack-push-XXXXXX").string();
        if (!::mkdtemp(templ.data()))
            return runtime_error("cannot make a folder for the push in " + tmp.string() + ": " +
                                 std::strerror(errno));
        path_ = templ;
        fs::path abs_store = fs::absolute(store, ec);
        if (ec)
            abs_store = store;
        if (abs_store.string().find('\n') != std::string::npos)
            return runtime_error("cannot push with git from a store whose path holds a line break");
        fs::create_directories(path_ / "objects" / "info", ec);
        if (!ec)
            fs::create_directories(path_ / "refs", ec);
        if (ec)
            return runtime_error("cannot make a folder for the push: " + ec.message());
        // git config quoting: a backslash and a double quote are escaped inside "...".
        std::string quoted;
        for (char c : abs_store.string() + "/config") {
            if (c == '\\' || c == '"')
                quoted += '\\';
            quoted += c;
        }
        std::string packed;
        for (const auto& r : refs)
            packed += r.oid + " " + r.name + "\n";
        const std::pair<fs::path, std::string> files[] = {
            {path_ / "HEAD", "ref: refs/heads/guidetrack-push\n"},
            {path_ / "objects" / "info" / "alternates", (abs_store / "objects").string() + "\n"},
            {path_ / "config", "[include]\n\tpath = \"" + quoted + "\"\n"},
            {path_ / "packed-refs", packed},
        };
        for (const auto& [file, text] : files) {
            std::ofstream out(file, std::ios::binary);
            out << text;
            out.close();
            if (!out)
                return runtime_error("cannot write " + file.string() + " for the push");
        }
        return {};
    }

  private:
    fs::path path_;
};

} // namespace

std::optional<std::string> git_for_push() {
    const char* transport = std::getenv("GUIDETRACK_SYNC_TRANSPORT");
    if (transport && std::string_view(transport) == "libgit2")
        return std::nullopt;
    const char* path = std::getenv("PATH");
    std::string dirs = path && *path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos)
            end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (!dir.empty()) {
            std::string candidate = dir + "/git";
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
        }
        start = end + 1;
    }
    return std::nullopt;
}

Result<GitPushResult> git_push(const std::string& git, const fs::path& store,
                               const std::string& url, const std::vector<PushRef>& refs) {
    PushFolder folder;
    GT_CHECK(folder.create(store, refs));
    std::vector<std::string> args = {git, "--git-dir=" + folder.path().string()};
    const char* password = std::getenv("GUIDETRACK_GIT_PASSWORD");
    if (password && *password) {
        args.push_back("-c");
        args.push_back("credential.helper=");
        args.push_back("-c");
        args.push_back(std::string("credential.helper=") + kHelper);
    }
    args.insert(args.end(), {"push", "--porcelain", "--", url, "refs/*:refs/*"});
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    // The environment, without prompts and with messages git's own way (C locale).
    std::vector<std::string> env_store;
    for (char** e = environ; *e; ++e) {
        std::string_view kv(*e);
        if (kv.starts_with("GIT_TERMINAL_PROMPT=") || kv.starts_with("LC_ALL=") ||
            kv.starts_with("GIT_DIR="))
            continue;
        env_store.emplace_back(kv);
    }
    env_store.emplace_back("GIT_TERMINAL_PROMPT=0");
    env_store.emplace_back("LC_ALL=C");
    std::vector<char*> envp;
    for (auto& e : env_store)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0)
        return runtime_error(std::string("cannot run git: ") + std::strerror(errno));
    if (pipe2(err, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        return runtime_error(std::string("cannot run git: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, git.c_str(), &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(out[0]);
        ::close(err[0]);
        return runtime_error("cannot run " + git + ": " + std::strerror(rc));
    }
    std::string stdout_text, stderr_text;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[8192];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? stdout_text : stderr_text).append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }

    // Porcelain lines: FLAG TAB FROM:TO TAB SUMMARY [(REASON)]; '!' is a refused ref.
    GitPushResult result;
    bool reported = false;
    std::istringstream in(stdout_text);
    for (std::string line; std::getline(in, line);) {
        if (line.size() < 3 || line[1] != '\t')
            continue;
        std::size_t tab = line.find('\t', 2);
        if (tab == std::string::npos)
            continue;
        reported = true;
        if (line[0] != '!')
            continue;
        std::string refs = line.substr(2, tab - 2);
        std::string to = refs.substr(refs.find(':') + 1);
        result.rejected[to] = line.substr(tab + 1);
    }
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && !reported) {
        std::string why = last_line(stderr_text);
        if (why.empty())
            why = WIFEXITED(status)
                      ? "git exited with status " + std::to_string(WEXITSTATUS(status))
                      : "git was killed by a signal";
        if (why.find("lock") != std::string::npos)
            result.locked = true;
        else
            return runtime_error(why);
    }
    return result;
}

} // namespace guidetrack::store::detail
