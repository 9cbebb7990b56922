// The table of guidetrack-fetch.so: the HTTP transfer, loaded by fetch::get on first use
// (guidetrack/plugin/plugin.hpp says why). Private to src/fetch.
#pragma once

#include "guidetrack/fetch/fetch.hpp"

namespace guidetrack::fetch::detail {

struct FetchPlugin {
    // get() without the URL check, which the caller has made.
    Result<Response> (*get)(const std::string& url, const Validators& validators,
                            const Options& options);
};

} // namespace guidetrack::fetch::detail
