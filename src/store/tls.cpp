// libgit2's start-up without the system's CA bundle.
//
// Debian's libgit2 is built with mbedTLS, and its git_libgit2_init parses every certificate in
// the system bundle (/etc/ssl/certs/ca-certificates.crt) before anything else: about 3 ms of CPU
// on every command that opens a store, more than reading a 5,000-version log. Only `sync` to an
// https:// remote needs them. So this file defines the two mbedTLS calls libgit2 makes for it,
// which the dynamic linker binds before libmbedx509's own (the executable exports them: see
// CMakeLists.txt): until load_tls_certificates() is called they only remember the location and
// leave the chain empty, so a TLS connection made by mistake fails verification rather than
// passing it; afterwards they hand over to mbedTLS. A libgit2 built with OpenSSL, or linked to
// mbedTLS statically, never calls them, and loads its certificates as it always did.
#include "tls.hpp"
#include "git.hpp"

#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <string>

namespace {

std::atomic<bool> g_load{false};
std::mutex g_mutex;
std::string g_file; // what libgit2 asked for while loading was deferred
std::string g_dir;

using ParseFn = int (*)(void*, const char*);

int forward(const char* name, void* chain, const char* path) {
    auto real = reinterpret_cast<ParseFn>(dlsym(RTLD_NEXT, name));
    if (!real)
        return -0x2900; // MBEDTLS_ERR_X509_FILE_IO_ERROR: libgit2 reports it as a failure
    return real(chain, path);
}

int defer_or_forward(const char* name, void* chain, const char* path, std::string& remembered) {
    if (g_load.load())
        return forward(name, chain, path);
    std::lock_guard lock(g_mutex);
    if (path)
        remembered = path;
    return 0;
}

} // namespace

extern "C" {
// The signatures mbedTLS 2.28 declares in <mbedtls/x509_crt.h> (a chain pointer and a path).
int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
    return defer_or_forward("mbedtls_x509_crt_parse_file", chain, path, g_file);
}
int mbedtls_x509_crt_parse_path(void* chain, const char* path) {
    return defer_or_forward("mbedtls_x509_crt_parse_path", chain, path, g_dir);
}
}

namespace guidetrack::store::detail {

std::string deferred_tls_certificates() {
    std::lock_guard lock(g_mutex);
    return g_file.empty() ? g_dir : g_file;
}

Result<void> load_tls_certificates() {
    if (g_load.exchange(true))
        return {};
    std::string file, dir;
    {
        std::lock_guard lock(g_mutex);
        file = g_file;
        dir = g_dir;
    }
    if (file.empty() && dir.empty())
        return {}; // libgit2 loaded its certificates itself, or has none configured
    if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file.empty() ? nullptr : file.c_str(),
                         dir.empty() ? nullptr : dir.c_str()) < 0)
        return git_failure("cannot load the system's CA certificates from '" +
                           (file.empty() ? dir : file) + "'");
    return {};
}

} // namespace guidetrack::store::detail
