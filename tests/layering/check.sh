#!/usr/bin/env bash
# The module seams, checked on the includes (ARCHITECTURE.md draws the same arrows):
#   - each module includes only the public headers of the modules it may depend on;
#   - each third-party library is included only in the module that owns it.
# Usage: check.sh SOURCE_DIR. Prints every violation; exit 1 if there is one.
set -uo pipefail
src="${1:?usage: check.sh SOURCE_DIR}"
cd "$src" || exit 2

# module -> the modules whose headers it may include (besides its own, result.hpp, exit_codes.hpp)
declare -A allowed=(
    [model]="text"
    [text]=""
    [plugin]=""
    [extract]="model text plugin"
    [store]="model text"
    [fetch]="text plugin"
    [diff]="model text"
    [notice]="model text diff"
    [render]="model text diff notice"
    [config]="model text"
    [notify]="model text diff notice render fetch config store app plugin"
    [app]="model text extract store fetch diff notice render config"
    [cli]="model text extract store fetch diff notice render config notify app"
)
# library include pattern -> the modules that may include it
declare -A owners=(
    ['<git2']="store"
    ['<dtl/']="diff"
    ['<poppler']="extract"
    ['<qpdf/']="extract"
    ['<libxml/']="extract"
    ['<cmark']="extract model"
    ['<curl/']="fetch notify"
    ['<toml++/']="config"
    ['<utf8proc']="text diff extract"
    ['<CLI/']="cli"
)

bad=0
report() {
    echo "layering: $1"
    bad=1
}

for dir in src/* include/guidetrack/*; do
    [ -d "$dir" ] || continue
    module="$(basename "$dir")"
    if [ -z "${allowed[$module]+set}" ]; then
        report "$dir: module '$module' is not in tests/layering/check.sh; add it with its arrows"
        continue
    fi
    while IFS= read -r line; do
        file="${line%%:*}"
        inc="$(sed -E 's/.*#include[[:space:]]*//' <<<"${line#*:}")"
        case "$inc" in
        \"guidetrack/*/*)
            dep="$(sed -E 's#"guidetrack/([^/]+)/.*#\1#' <<<"$inc")"
            if [ "$dep" != "$module" ] && ! grep -qw "$dep" <<<"${allowed[$module]}"; then
                report "$file includes $inc: $module may not depend on $dep"
            fi
            ;;
        \"guidetrack/result.hpp\" | \"guidetrack/exit_codes.hpp\") ;;
        \"*/*)
            # a private header of another module ("diff/internal.hpp")
            dep="$(sed -E 's#"([^/]+)/.*#\1#' <<<"$inc")"
            if [ "$dep" != "$module" ]; then
                report "$file includes $inc: private to $dep"
            fi
            ;;
        \<*)
            for pattern in "${!owners[@]}"; do
                if [[ "$inc" == "$pattern"* ]] && ! grep -qw "$module" <<<"${owners[$pattern]}"; then
                    report "$file includes $inc: only ${owners[$pattern]} may"
                fi
            done
            ;;
        esac
    done < <(grep -rn --include='*.cpp' --include='*.hpp' -E '^[[:space:]]*#include' "$dir" |
        sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
# Headers at the top of include/guidetrack/ are the base (result, exit codes) only.
for f in include/guidetrack/*.hpp; do
    case "$(basename "$f")" in
    result.hpp | exit_codes.hpp) ;;
    *) report "$f: public headers live in include/guidetrack/<module>/" ;;
    esac
done
if [ "$bad" -eq 0 ]; then
    echo "layering: every include follows the module arrows"
fi
exit "$bad"
