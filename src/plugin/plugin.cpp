#include "guidetrack/plugin/plugin.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#ifndef GUIDETRACK_PLUGIN_ABI
#error "GUIDETRACK_PLUGIN_ABI is set by CMakeLists.txt"
#endif

namespace guidetrack::plugin {
namespace {

namespace fs = std::filesystem;

fs::path executable_dir() {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

std::vector<fs::path> search_dirs() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("GUIDETRACK_PLUGIN_DIR"); env && *env)
        dirs.emplace_back(env);
    if (fs::path exe = executable_dir(); !exe.empty()) {
        dirs.push_back(exe);
        dirs.push_back(exe.parent_path() / GUIDETRACK_INSTALL_LIBDIR / "guidetrack");
        dirs.push_back(exe.parent_path());
    }
    dirs.emplace_back(GUIDETRACK_PLUGIN_INSTALL_DIR);
    return dirs;
}

using Entry = const void* (*)(const char*, const char*);

Result<const void*> open_plugin(const std::string& name, std::string_view feature) {
    const std::string file = "guidetrack-" + name + ".so";
    const std::vector<fs::path> dirs = search_dirs();
    for (const fs::path& dir : dirs) {
        fs::path path = dir / file;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            continue;
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            const char* why = dlerror();
            return runtime_error(std::string(feature) + " is not available: cannot load " +
                                 path.string() + ": " + (why ? why : "unknown error"));
        }
        auto entry = reinterpret_cast<Entry>(dlsym(handle, "guidetrack_plugin"));
        const void* table = entry ? entry(std::string(abi()).c_str(), name.c_str()) : nullptr;
        if (!table)
            return runtime_error(std::string(feature) + " is not available: " + path.string() +
                                 " is not the " + name +
                                 " plugin of this build of guidetrack (reinstall guidetrack)");
        return table; // never unloaded: its functions may be called until the process ends
    }
    std::string tried;
    for (const fs::path& dir : dirs)
        tried += (tried.empty() ? "" : ", ") + dir.string();
    return runtime_error(std::string(feature) + " is not installed: " + file + " is in none of " +
                         tried);
}

} // namespace

std::string_view abi() {
    return GUIDETRACK_PLUGIN_ABI;
}

Result<const void*> load(std::string_view name, std::string_view feature) {
    static std::mutex mutex;
    static std::map<std::string, Result<const void*>, std::less<>> loaded;
    std::lock_guard lock(mutex);
    auto it = loaded.find(name);
    if (it == loaded.end())
        it = loaded.emplace(std::string(name), open_plugin(std::string(name), feature)).first;
    return it->second;
}

} // namespace guidetrack::plugin
