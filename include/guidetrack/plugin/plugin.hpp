// Plugins: the parts of guidetrack that need a heavy library, loaded on first use.
//
// Reading PDFs (poppler), fetching URLs and sending notifications (libcurl) pull in about forty
// shared libraries between them. Mapping and relocating those costs every command about 4.5 ms
// of CPU at start-up, more than `git log` takes, although most commands need none of them. So
// each lives in its own shared object (guidetrack-pdf.so, guidetrack-fetch.so,
// guidetrack-notify.so), built and installed with the program, and the module that owns it
// loads it the first time it is needed.
//
// A plugin exports one C function, guidetrack_plugin(abi, name), that returns its table of
// functions, or nullptr when abi is not the string this build was compiled with (another
// version, compiler or sanitizer build) or name is not its own: a stale or misplaced plugin is
// refused, never called. Where a plugin is looked for, in
// order: $GUIDETRACK_PLUGIN_DIR; the executable's folder (a build tree); the executable's
// ../LIBDIR/guidetrack (an installed tree, wherever it was moved); the folder above the
// executable's (tests and benchmarks of a build tree); the configured install folder.
#pragma once

#include "guidetrack/result.hpp"

#include <string_view>

namespace guidetrack::plugin {

// The string a plugin and the program that loads it must agree on.
std::string_view abi();

// The table of plugin `name` ("pdf" loads guidetrack-pdf.so), loaded once per process; safe from
// several threads. `feature` names what it is for in the error ("reading PDF files"): a runtime
// error of one line when the plugin is missing, cannot be loaded or is from another build.
Result<const void*> load(std::string_view name, std::string_view feature);

template <class Table> Result<const Table*> table(std::string_view name, std::string_view feature) {
    GT_TRY(const void* t, load(name, feature));
    return static_cast<const Table*>(t);
}

} // namespace guidetrack::plugin

// In the plugin's own source, once: GUIDETRACK_PLUGIN("pdf", the_table) where the_table is a
// static object of the table type the loading module declares.
#define GUIDETRACK_PLUGIN(plugin_name, table_object)                                               \
    extern "C" __attribute__((visibility("default"))) const void* guidetrack_plugin(               \
        const char* abi, const char* name) {                                                       \
        bool ours = abi && name && std::string_view(abi) == ::guidetrack::plugin::abi() &&         \
                    std::string_view(name) == (plugin_name);                                       \
        return ours ? &(table_object) : nullptr;                                                   \
    }
