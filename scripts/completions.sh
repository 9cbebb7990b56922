#!/usr/bin/env bash
# Write bash, zsh and fish completions for guidetrack, read from the built binary's own --help
# (so they list exactly the commands and options it has). Run by the build.
# Usage: completions.sh GUIDETRACK OUTDIR
set -euo pipefail
gt="$1"
out="$2"
mkdir -p "$out"
commands="$("$gt" --help | awk '/^Subcommands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')"
options_of() { # CMD: its long and short options, one per line
    "$gt" "$1" --help | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9-]*' | sed -E 's/^[ ,]//' | sort -u
}

{
    echo "# bash completion for guidetrack (generated from guidetrack --help)"
    echo "_guidetrack() {"
    echo '    local cur="${COMP_WORDS[COMP_CWORD]}" cmd="" i'
    echo '    for ((i = 1; i < COMP_CWORD; i++)); do'
    echo '        case "${COMP_WORDS[i]}" in --store) ((i++)) ;; -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac'
    echo '    done'
    echo '    case "$cmd" in'
    echo "    \"\") COMPREPLY=(\$(compgen -W \"$(echo $commands) --store --help --version\" -- \"\$cur\")) ;;"
    for c in $commands; do
        echo "    $c) if [[ \$cur == -* ]]; then COMPREPLY=(\$(compgen -W \"$(options_of "$c" | tr '\n' ' ')\" -- \"\$cur\")); else COMPREPLY=(\$(compgen -f -- \"\$cur\")); fi ;;"
    done
    echo '    esac'
    echo "}"
    echo "complete -o filenames -F _guidetrack guidetrack"
} >"$out/guidetrack.bash"

{
    echo "#compdef guidetrack"
    echo "# zsh completion for guidetrack (generated from guidetrack --help)"
    echo "_guidetrack() {"
    echo "    local -a commands"
    echo "    commands=($(echo $commands))"
    echo '    if (( CURRENT == 2 )); then _describe command commands; return; fi'
    echo '    case "${words[2]}" in'
    for c in $commands; do
        echo "    $c) _arguments '*:file:_files' $(options_of "$c" | sed "s/.*/'&'/" | tr '\n' ' ') ;;"
    done
    echo '    esac'
    echo "}"
    echo '_guidetrack "$@"'
} >"$out/_guidetrack"

{
    echo "# fish completion for guidetrack (generated from guidetrack --help)"
    echo "complete -c guidetrack -n __fish_use_subcommand -l store -r -d 'The store'"
    for c in $commands; do
        echo "complete -c guidetrack -f -n __fish_use_subcommand -a $c"
        for o in $(options_of "$c"); do
            case "$o" in
            --*) echo "complete -c guidetrack -n '__fish_seen_subcommand_from $c' -l ${o#--}" ;;
            -*) echo "complete -c guidetrack -n '__fish_seen_subcommand_from $c' -s ${o#-}" ;;
            esac
        done
    done
} >"$out/guidetrack.fish"
