// Internal to the store: libgit2 starts without parsing the system's CA bundle (tls.cpp).
#pragma once

#include "guidetrack/result.hpp"

#include <string>

namespace guidetrack::store::detail {

// Loads the CA certificates libgit2 asked for at start-up, before a connection that may use TLS.
// Once called, later start-ups in this process load them as libgit2 always did.
Result<void> load_tls_certificates();

// The location libgit2 asked for while loading was deferred ("" if none, or not deferred).
std::string deferred_tls_certificates();

} // namespace guidetrack::store::detail
