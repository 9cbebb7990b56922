#!/usr/bin/env bash
# One process recording hundreds of documents keeps its open files bounded: `track --catalog`
# of 400 documents under `ulimit -n 128`. (libgit2 kept every pack it had read open, also after
# a merge deleted it, and a 20,000-document catalogue ran out of descriptors.) Also checks that
# the packs were merged as they accumulated.
# Usage: many_documents.sh GUIDETRACK_BINARY SOURCE_DIR
set -uo pipefail
gt="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export GUIDETRACK_STORE="$tmp/store"
fail() { echo "FAIL: $*" >&2; exit 1; }

/usr/bin/python3 - "$tmp/catalog.json" <<'PY'
import json, sys
docs = [{"id": f"doc-{i}", "title": f"Guidance {i}", "url": f"http://127.0.0.1:9/doc-{i}.html",
         "format": "html", "publisher": "test", "origin": "test", "groups": ["gen"]}
        for i in range(400)]
json.dump({"schema_version": 1, "groups": {"gen": "generated"}, "documents": docs},
          open(sys.argv[1], "w"))
PY
"$gt" init >/dev/null || fail init
(ulimit -n 128 && "$gt" track --catalog --catalog-file "$tmp/catalog.json" >/dev/null 2>"$tmp/err") ||
    fail "track --catalog under ulimit -n 128: $(tail -1 "$tmp/err")"
listed="$("$gt" list --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
[ "$listed" = 400 ] || fail "list shows $listed documents, not 400"
packs=$(find "$GUIDETRACK_STORE/objects/pack" -name '*.pack' | wc -l)
[ "$packs" -le 51 ] || fail "$packs packs after 400 writes: not merged"
git --git-dir="$GUIDETRACK_STORE" fsck --no-progress >/dev/null 2>&1 || fail "git fsck"
echo "ok: 400 documents tracked in one process with 128 descriptors, $packs packs"
