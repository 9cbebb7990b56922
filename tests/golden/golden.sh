#!/usr/bin/env bash
# Golden files: what every renderer prints for the bundled sample and for real corpus pairs,
# compared byte for byte with the files under tests/golden/<case>/.
#
#   golden.sh GUIDETRACK SOURCE_DIR sample|corpus            compare (exit 1 on any difference)
#   golden.sh GUIDETRACK SOURCE_DIR sample|corpus --refresh  rewrite the files, then read the diff
#
# Only standard output is kept (warnings and deprecation lines go to stderr). Commit ids and
# retrieval times, which change on every run, are replaced by fixed tokens, and the report's
# generation time is pinned through GUIDETRACK_NOW. The corpus set needs $GUIDETRACK_CORPUS and
# exits 77 (skipped) without it. scripts/refresh-golden.sh refreshes both sets.
set -uo pipefail
gt="$1"
src="$2"
set_name="$3"
mode="${4:-compare}"
golden="$src/tests/golden"

export NO_COLOR=1 COLUMNS=80 LC_ALL=C.UTF-8 TZ=UTC
export GUIDETRACK_NOW=2024-06-01T12:00:00Z
unset PAGER GUIDETRACK_CONFIG
export XDG_CONFIG_HOME=/nonexistent-guidetrack-config

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
cd "$work"

# Replace what differs between runs: commit ids (7-40 hex after "commit"/"/" or standalone 40
# hex) and the retrieval time the store writes.
scrub() {
    sed -E -e 's/\b[0-9a-f]{40}\b/<commit>/g' \
        -e 's#(tag:guidetrack,[0-9]+:[a-z0-9-]+/)[0-9a-f]{7,40}#\1<commit>#g' \
        -e 's/("retrieved_at": ")[^"]*"/\1<time>"/g' \
        -e 's#<updated>[0-9T:Z-]+</updated>#<updated><recorded></updated>#g'
}

# run NAME CMD...: standard output of CMD into $out/NAME (exit 0 or 1 both count as output).
run() {
    local name="$1"
    shift
    mkdir -p "$(dirname "$out/$name")"
    "$@" 2>"$work/stderr" | scrub >"$out/$name"
    local rc=${PIPESTATUS[0]}
    if [ "$rc" -gt 1 ]; then
        echo "golden: $name: exit $rc: $(head -c 400 "$work/stderr")" >&2
        echo "exit $rc" >>"$out/$name"
    fi
}

renderers_files() { # CASE OLD NEW [notice options...]: every renderer over two files
    # The files are copied to fixed names (extension kept) so that no path reaches the output.
    local c="$1" old="old.${2##*.}" new="new.${3##*.}"
    cp "$2" "$work/$old" && cp "$3" "$work/$new" || { echo "golden: $c: missing input" >&2; return 1; }
    shift 3
    run "$c/diff.txt" "$gt" diff --files "$old" "$new" --no-pager --color=never
    run "$c/diff-stat.txt" "$gt" diff --files "$old" "$new" --no-pager --stat
    run "$c/notice.txt" "$gt" notice --files "$old" "$new" "$@"
    run "$c/notice-table.md" "$gt" notice --files "$old" "$new" --format md --table "$@"
    run "$c/notice.json" "$gt" notice --files "$old" "$new" --format json "$@"
}

case "$set_name" in
sample)
    store="$work/store"
    export GUIDETRACK_STORE="$store"
    # Recorded from a copy under a relative path, so that the versions' source (shown in the
    # report's header and the JSON) is the same in every checkout.
    cp -r "$src/snapshots/sample" "$work/sample"
    sample="sample"
    "$gt" init >/dev/null
    "$gt" track sample --title "Keeping Learners Safe in Sample Town (SAMPLE)" --input-format md \
        --publisher "guidetrack sample" >/dev/null
    tail -n +2 "$sample/versions.tsv" | while IFS=$'\t' read -r file label date _; do
        "$gt" snapshot sample "$sample/$file" --label "$label" --date "$date" >/dev/null
    done
    for pair in "2024-01 2024-02" "2024-02 2024-06"; do
        set -- $pair
        c="sample/$1_$2"
        run "$c/diff.txt" "$gt" diff sample "$1" "$2" --no-pager --color=never
        run "$c/diff-color.txt" "$gt" diff sample "$1" "$2" --no-pager --color=always
        run "$c/diff-side-by-side.txt" "$gt" diff sample "$1" "$2" --no-pager -y
        run "$c/diff-stat.txt" "$gt" diff sample "$1" "$2" --no-pager --stat
        run "$c/diff-unified.diff" "$gt" diff sample "$1" "$2" --no-pager -u
        run "$c/diff.json" "$gt" diff sample "$1" "$2" --json
        run "$c/notice.txt" "$gt" notice sample "$1" "$2"
        run "$c/notice-minor.txt" "$gt" notice sample "$1" "$2" --include-minor
        run "$c/notice.md" "$gt" notice sample "$1" "$2" --format md
        run "$c/notice-table.md" "$gt" notice sample "$1" "$2" --format md --table
        run "$c/notice.html" "$gt" notice sample "$1" "$2" --format html
        run "$c/notice.json" "$gt" notice sample "$1" "$2" --format json
    done
    run "sample/feed.atom" "$gt" feed
    ;;
corpus)
    corpus="${GUIDETRACK_CORPUS:-}"
    if [ -z "$corpus" ] || [ ! -d "$corpus/govuk" ]; then
        echo "SKIPPED: GUIDETRACK_CORPUS is not set or missing; corpus golden files not checked"
        exit 77
    fi
    v() { # FOLDER IDX: the HTML version file
        ls "$corpus/govuk/$1/versions/$(printf %03d "$2")_"*.html | head -1
    }
    ey="ofsted_early_years_handbook"
    renderers_files corpus/early-years-2021_001-002 \
        "$(v $ey/handbook-september-2021 1)" "$(v $ey/handbook-september-2021 2)"
    renderers_files corpus/early-years-2021-002_2022-001 \
        "$(v $ey/handbook-september-2021 2)" "$(v $ey/handbook-september-2022 1)"
    renderers_files corpus/section8_001-002 \
        "$(v ofsted_section8_handbook/school-inspection-handbook-section-8 1)" \
        "$(v ofsted_section8_handbook/school-inspection-handbook-section-8 2)"
    renderers_files corpus/eif-childminders_001-002 \
        "$(v ofsted_eif_inspections_and_the_eyfs/childminders 1)" \
        "$(v ofsted_eif_inspections_and_the_eyfs/childminders 2)"
    renderers_files corpus/sccif-fostering_001-002 \
        "$(v ofsted_sccif/independent-fostering-agencies 1)" \
        "$(v ofsted_sccif/independent-fostering-agencies 2)"
    renderers_files corpus/sccif-secure-homes-landing_001-002 \
        "$(v ofsted_sccif/secure-childrens-homes_landing_page 1)" \
        "$(v ofsted_sccif/secure-childrens-homes_landing_page 2)"
    renderers_files corpus/kcsie-landing_001-002 \
        "$(v kcsie_landing_page 1)" "$(v kcsie_landing_page 2)"
    renderers_files corpus/covid-rolling-update_013-014 \
        "$(v ofsted_covid_rolling_update 13)" "$(v ofsted_covid_rolling_update 14)"
    renderers_files corpus/online-safety-parents_002-003 \
        "$(v dfe_keeping_children_safe_online/support-for-parents-and-carers 2)" \
        "$(v dfe_keeping_children_safe_online/support-for-parents-and-carers 3)"
    # Working Together 2023 with its four February 2024 places put back as they were, made from
    # the stored text so that pages and paragraph numbers are the PDF's own.
    wt="$corpus/wt2023/Working_together_to_safeguard_children_2023_-_statutory_guidance.pdf"
    if [ -f "$wt" ]; then
        GUIDETRACK_STORE="$work/wt-store" "$gt" track wt --title WT --input-format pdf >/dev/null
        GUIDETRACK_STORE="$work/wt-store" "$gt" snapshot wt "$wt" --date 2024-02-23 >/dev/null
        GUIDETRACK_STORE="$work/wt-store" "$gt" show wt >"$work/wt-now.md"
        bash "$src/tests/golden/wt2023_revert.sh" <"$work/wt-now.md" >"$work/wt-before.md"
        renderers_files corpus/wt2023-four-places "$work/wt-before.md" "$work/wt-now.md" \
            --title "Working together to safeguard children 2023"
    fi
    ;;
*)
    echo "golden.sh: unknown set '$set_name' (sample or corpus)" >&2
    exit 2
    ;;
esac

if [ "$mode" = "--refresh" ]; then
    rm -rf "${golden:?}/$set_name"
    mkdir -p "$golden"
    cp -r "$out/$set_name" "$golden/$set_name"
    echo "golden: refreshed $set_name ($(find "$out/$set_name" -type f | wc -l) files); read git diff tests/golden"
    exit 0
fi
if diff -ru "$golden/$set_name" "$out/$set_name" >"$work/golden.diff"; then
    echo "golden: $set_name: $(find "$out/$set_name" -type f | wc -l) files match"
    exit 0
fi
head -c 20000 "$work/golden.diff"
echo
echo "golden: $set_name differs from tests/golden/$set_name; if the change is intended, run" \
    "scripts/refresh-golden.sh and read the diff" >&2
exit 1
