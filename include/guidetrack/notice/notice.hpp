// Change notices: the diff's change model turned into the items a reader acts on.
//
// build_notice() walks a ChangeSet and classifies each change by fixed rules (no model, nothing
// invented): an email address corrected, a link pointed elsewhere, a date or number changed, a
// glossary definition updated, a heading renamed, a paragraph added, removed, moved or renumbered,
// cross-references following a renumbering, a typographic fix, or otherwise amended wording, with
// the words removed and added quoted when they are short. Changes that belong together (the
// paragraph and bullet points of one glossary definition, neighbouring paragraphs changed the same
// way) become one item with a range location. Page furniture and publication metadata ("Updated 9
// February 2022", "Crown copyright 2022", "Print or save to PDF") are never items; the date they
// carry becomes the notice's date when the caller has none.
//
// Items are "major" or "minor" in GOV.UK's sense: typographic and punctuation fixes are minor and
// left out unless the caller asks for them. Rendering (text, Markdown, HTML, JSON) is in
// render_notice.hpp and never changes the classification.
#pragma once

#include "guidetrack/diff/diff.hpp"
#include "guidetrack/model/document.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace guidetrack::notice {

enum class ItemKind {
    email_corrected,
    link_added,
    link_removed,
    link_updated,
    date_changed,
    number_changed,
    definition_updated,
    heading_renamed,
    paragraph_added,
    paragraph_removed,
    paragraph_moved,
    renumbered,
    cross_references_updated,
    typographic,
    wording_amended,
    term_replaced,   // one wording change made in many places ("throughout")
    section_revised, // many changes in one section, summarised (the changes are its details)
};

// "email_corrected", ... (the JSON names).
std::string_view kind_name(ItemKind kind);

// Where an item is, as a reader finds it, from what the document prints: its pages, its paragraph
// numbers (only where the document prints them), otherwise the section heading, and inside it the
// bullet point's place in its list or the table row's first cell. A block's position under its
// heading is kept (ordinal) but never printed as if it were a paragraph number.
struct Location {
    std::string page, page_last;           // page labels; page_last set for a page range
    std::string paragraph, paragraph_last; // printed paragraph numbers; last set for a range
    std::vector<std::string> section;      // heading path, outermost first
    std::size_t ordinal = 0;               // position under its heading (1-based; 0 unknown)
    std::size_t bullet = 0;                // list items: place in their list (1-based; 0 none)
    std::string row;                       // table rows: the row's first cell
    std::string after_paragraph;           // table rows: the printed number the table follows
    std::string footnote;                  // the footnote's mark, for footnote blocks
    bool previous_numbering = false;       // numbers are the old version's, which changed since
};

// "Page 26, paragraph 48", "Paragraphs 205 to 209", "Section 'Training', bullet 2",
// "Page 42, the table after paragraph 118, row 'Week 2'". Empty when nothing locates the item
// (a renamed top-level heading, say).
std::string location_text(const Location& where);

// One changed block inside an item: its place, texts and word-level edits for the redline.
struct Part {
    Location where;
    std::string old_text, new_text; // empty for an addition / a removal
    std::vector<diff::WordEdit> edits;
    std::string old_link, new_link; // link items: the first target that changed (may be empty)
};

struct NoticeItem {
    ItemKind kind = ItemKind::wording_amended;
    bool major = true;
    Location where;
    std::string description; // lower-case start, GOV.UK style: "replaced "X" with "Y""
    std::vector<Part> parts; // at least one
    // term_replaced, section_revised and a summarised renumbering: the items it stands for, as
    // --detail full would list them (shown in the JSON and the HTML report).
    std::vector<NoticeItem> details;
};

struct Notice {
    std::string title;
    std::string date; // YYYY-MM-DD, may be empty
    std::string old_label, new_label;
    // The report's header, filled in by the caller (all optional; more publisher fields, such as
    // the publisher's own change note, belong here too).
    std::string old_date;     // the earlier version's date (YYYY-MM-DD)
    std::string source;       // where the document is published (URL, or the file compared)
    std::string publisher;    // who publishes it
    std::string generated_at; // when the notice was made (ISO 8601, UTC)
    bool files = false;       // two files compared (`--files`): the labels are file names
    std::vector<NoticeItem> items;
    std::size_t minor_omitted = 0; // minor items left out (include_minor off)
    // Optional header lines: the publisher's change note for the new version, and ours (`snapshot
    // --note`). Renderers print them only when set.
    std::string publisher_note, note;
};

enum class Detail {
    summary, // sweeping changes summarised: a term replaced throughout, big sections, renumbering
    full,    // every change its own item
};

struct Options {
    bool include_minor = false;
    Detail detail = Detail::summary;
    // summary: past this many items, the sections with most changes become one item each.
    std::size_t max_items = 40;
};

// What the caller knows about the two versions. date: the new version's publication date
// (YYYY-MM-DD); when empty, a date found in the new version's publication metadata is used, then
// fallback_date (the retrieved date). The header fields of the notice (source, publisher, dates)
// are the caller's to fill in after build_notice().
struct Versions {
    std::string title;
    std::string old_label, new_label;
    std::string date;
    std::string fallback_date;
};

Notice build_notice(const model::Document& old_doc, const model::Document& new_doc,
                    const diff::ChangeSet& changes, const Versions& versions,
                    const Options& options = {});

// True for page furniture and publication metadata that never make an item.
bool is_metadata(std::string_view text);

// The last "23 February 2024" style date in text, as YYYY-MM-DD; empty when there is none.
std::string find_date(std::string_view text);

// "2024-02-23" -> "23 February 2024"; other input is returned unchanged.
std::string display_date(std::string_view iso_date);

// The document's title as printed: its first level-1 heading, else its first heading; empty when
// it has none.
std::string document_title(const model::Document& doc);

// The term a block defines: "**Term**: ...", "Term - definition", "Term means ...", or
// "Term: ..." inside a Glossary / Definitions / Terms section. Empty when it defines nothing.
std::string defined_term(const model::Block& block);

} // namespace guidetrack::notice
