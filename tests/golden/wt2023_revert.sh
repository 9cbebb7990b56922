#!/usr/bin/env bash
# Stored text of Working Together 2023 (stdin) with the four places the 23 February 2024 update
# changed put back as they read before it (stdout): page 26 paragraph 48, the review panel's email
# address on page 42, the glossary definition on page 161 (two points fewer, two shorter) and the
# page 167 reference (visible words only: the 2016 edition instead of the 2021 one).
set -euo pipefail
awk '
/^<!-- page [0-9]+ -->$/ { page = $3 }
page == 26 { sub(/The LSPs for safeguarding partners are/, "The lead representatives of the safeguarding partners are") }
page == 42 { gsub(/Mailbox\.NationalReviewPanel@education\.gov\.uk/, "NationalReviewPanel@education.gsi.gov.uk") }
page == 167 { sub(/learning disability \(2021\)/, "learning disability (2016)") }
/^Safeguarding and promoting the welfare of children - Defined/ { glossary = 1; print; next }
glossary && /^- / {
    if ($0 ~ /^- providing help and support/ || $0 ~ /^- promoting the upbringing of children/) { skip = 1; next }
    if ($0 ~ /^- protecting children from maltreatment/) $0 = "- protecting children from maltreatment"
    if ($0 ~ /^- taking action to enable all children/) $0 = "- taking action to enable all children to have the best outcomes"
}
glossary && /^[^-]/ && !/^$/ { glossary = 0 }
skip && /^$/ { skip = 0; next }
{ print }
'
