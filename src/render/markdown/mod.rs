//! Markdown: pulldown-cmark events to HTML with fieldbook's extensions (pure, no I/O).
//!
//! Extensions: `[text](@kind/id)` links resolved through the [`Index`]; Pandoc citations
//! `[@key, p. 33]` (caught by pulldown-cmark's broken-link callback); a paragraph holding only
//! `![](@chart/id)` embeds an item, numbered per page; ids on headings (from text, or pinned with
//! `{#id}`) and on top-level paragraphs (from their first words, or pinned with a trailing `{#p-id}`);
//! footnotes collected at the end. Raw HTML is never passed through: it is shown as text, with a warning.
//! Links with `javascript:`, `vbscript:` or `data:` targets are errors.
//!
//! This module holds the public API and the `Renderer` every pass shares. The passes: `blocks`
//! (headings, paragraphs, tables, raw HTML), `inline` (links, images, footnote references), `embeds`
//! (finding and numbering embeds), `links` (`@kind/id` and citations), `footnotes`; `anchors` hands
//! out element ids, and `text` holds escaping, plain text and the search text.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{html, BrokenLink, CowStr, Event, Options, Parser};

use crate::diag::{line_col, Diagnostic};
use crate::model::{Kind, Located};
use crate::validate::index::Index;

mod anchors;
mod blocks;
mod embeds;
mod footnotes;
mod inline;
mod links;
mod text;

#[cfg(test)]
mod tests;

pub use anchors::{embed_anchor, slug};
pub use text::html_to_text;

/// An item embedded in a page body (`![caption](@chart/x)`): the Markdown holds
/// [`embed_marker`]`(n)` where the `n`-th of a text's embeds goes, and the page stage fills it in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Embed {
    /// Chart, dataset or key figure.
    pub kind: Kind,
    /// The item's id.
    pub id: String,
    /// Its number among the embeds of its kind on the page ("Figure 2").
    pub number: usize,
    /// The caption written in the image's brackets, if any.
    pub caption: Option<String>,
}

/// The marker the rendered HTML holds where embed `n` goes, a line of its own (so the HTML
/// writer starts the next block on a new line, as after the item itself). Raw HTML in Markdown
/// is shown as text, so no author can write one.
pub fn embed_marker(n: usize) -> String {
    format!("<!--fb-embed:{n}-->\n")
}

/// The embed number of the marker `text` starts with (see [`embed_marker`]), and the marker's
/// length without its line break.
pub fn embed_marker_at(text: &str) -> Option<(usize, usize)> {
    let rest = text.strip_prefix("<!--fb-embed:")?;
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[digits..].starts_with("-->").then_some(())?;
    Some((
        rest[..digits].parse().ok()?,
        "<!--fb-embed:".len() + digits + 3,
    ))
}

/// `html` with each embed marker (see [`embed_marker`], its line break left in place) replaced by
/// what `with` gives for its number, in one pass; a marker `with` gives nothing for stays as it is.
pub fn replace_embed_markers(html: &str, mut with: impl FnMut(usize) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<!--fb-embed:") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match embed_marker_at(rest).and_then(|(n, len)| Some((with(n)?, len))) {
            Some((text, len)) => {
                out.push_str(&text);
                rest = &rest[len..];
            }
            None => {
                out.push_str("<!--");
                rest = &rest[4..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A citation found in the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CiteUse {
    /// Source id.
    pub key: String,
    /// Locator as written ("p. 33").
    pub locator: Option<String>,
}

/// A heading, for the in-page outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    /// 2 for `##`, ...
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    /// HTML, compressed: every text's is held from the Markdown stage to the page that shows it.
    html: PackedHtml,
    /// Every item linked or embedded, in order of first use.
    pub refs: Vec<(Kind, String)>,
    /// Every citation, in order.
    pub cites: Vec<CiteUse>,
    /// Headings for the outline.
    pub headings: Vec<Heading>,
    /// Every id given to an element (headings, paragraphs, embeds, footnotes).
    pub anchors: BTreeSet<String>,
    /// Problems found (never saved: a text with problems is rendered again every time).
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// How many words the plain text has ([`Rendered::text`]).
    pub words: usize,
    /// The items embedded, in order: the `n`-th goes where [`embed_marker`]`(n)` stands.
    pub embeds: Vec<Embed>,
}

impl Rendered {
    /// The HTML.
    pub fn html(&self) -> String {
        self.html.unpack()
    }

    /// Plain text, for search (without the embedded items, which have their own), made from the
    /// HTML when asked: a site's texts are not held twice (a 10,000-page build held 70 MB of it).
    pub fn text(&self) -> String {
        html_to_text(&self.html())
    }
}

/// HTML held LZ4-compressed (about a third of its size): a build holds every text's rendered
/// Markdown at once, from the Markdown stage (which must see every text for backlinks and
/// anchors) to the page that shows it; packing it took the peak memory of a 10,000-page build
/// without search from 433 MB to 343 MB (BENCHMARKS.md).
/// Shared, not copied, when a memo keeps it.
#[derive(Clone, Default)]
struct PackedHtml(std::sync::Arc<[u8]>);

impl PackedHtml {
    fn pack(html: &str) -> PackedHtml {
        PackedHtml(lz4_flex::compress_prepend_size(html.as_bytes()).into())
    }

    fn unpack(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        lz4_flex::decompress_size_prepended(&self.0)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

impl serde::Serialize for PackedHtml {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PackedHtml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PackedHtml, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(d)?;
        Ok(PackedHtml(bytes.into_vec().into()))
    }
}

impl std::fmt::Debug for PackedHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PackedHtml").field(&self.unpack()).finish()
    }
}

/// What rendering needs to know.
pub struct Context<'a> {
    /// Every item.
    pub index: &'a Index,
    /// Prefixes site paths (base URL's sub-path).
    pub link: &'a dyn Fn(&str) -> String,
    /// The file, for diagnostics.
    pub path: &'a Path,
    /// Give top-level paragraphs ids and link controls (pages, not short YAML descriptions).
    pub paragraph_ids: bool,
    /// Allow embeds (pages only).
    pub embeds: bool,
    /// Interface strings ("Figure 2" for an embedded chart linked without text).
    pub strings: &'a crate::theme::Strings,
}

/// The link target a citation `[@key]` gets from the broken-link callback.
const CITE_PREFIX: &str = "fieldbook-cite:";

/// A parser event with its byte range in the text.
type Spanned<'e> = (Event<'e>, Range<usize>);

/// Renders `source` (positioned in its file by `source.line`/`source.col`).
pub fn render(source: &Located, cx: &Context) -> Rendered {
    let text = source.text.as_str();
    let events = parse(text);
    let mut r = Renderer {
        cx,
        source,
        out: Vec::new(),
        result: Rendered::default(),
        numbers: BTreeMap::new(),
        used_ids: BTreeSet::new(),
        next_suffix: HashMap::new(),
        footnotes: BTreeMap::new(),
        footnote_order: Vec::new(),
        linked_in_section: BTreeSet::new(),
    };
    r.number_embeds(&events);
    r.run(&events);
    let out = group_key_figures(std::mem::take(&mut r.out), &r.result.embeds);
    let mut html_out = String::with_capacity(text.len() * 2);
    html::push_html(&mut html_out, out.into_iter());
    r.push_notes(&mut html_out);
    r.warn_unreferenced_notes();
    r.result.words = html_to_text(&html_out).split_whitespace().count();
    r.result.html = PackedHtml::pack(&html_out);
    r.result
}

/// Two or more key figures embedded one after the other become one strip
/// (`<div class="key-figures">`), so a run of embeds reads as a row of numbers, not a stack of boxes.
fn group_key_figures<'e>(out: Vec<Event<'e>>, embeds: &[Embed]) -> Vec<Event<'e>> {
    let figure_marker = |e: &Event| match e {
        Event::Html(h) => embed_marker_at(h)
            .and_then(|(n, _)| embeds.get(n))
            .is_some_and(|embed| embed.kind == Kind::Figure),
        _ => false,
    };
    let mut grouped = Vec::with_capacity(out.len() + 4);
    let mut run: Vec<Event<'e>> = Vec::new();
    let flush = |run: &mut Vec<Event<'e>>, grouped: &mut Vec<Event<'e>>| {
        if run.len() > 1 {
            grouped.push(Event::Html(CowStr::from("<div class=\"key-figures\">\n")));
            grouped.append(run);
            grouped.push(Event::Html(CowStr::from("</div>\n")));
        } else {
            grouped.append(run);
        }
    };
    for event in out {
        if figure_marker(&event) {
            run.push(event);
        } else {
            flush(&mut run, &mut grouped);
            grouped.push(event);
        }
    }
    flush(&mut run, &mut grouped);
    grouped
}

/// An outbound web address a Markdown text links to: the address and where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink {
    /// The `http(s)` address, as written.
    pub url: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file.
    pub col: usize,
}

/// Every `http://` and `https://` link target of `source` (inline, reference and autolinks), at
/// the position of the address in the file; for `check --external`.
pub fn web_links(source: &Located) -> Vec<WebLink> {
    let text = source.text.as_str();
    let mut out = Vec::new();
    for (event, range) in parse(text) {
        let Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) = event else {
            continue;
        };
        let lower = dest_url.get(..8).unwrap_or(&dest_url).to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            continue;
        }
        // The address inside the link's text, else (a reference link) where it is defined.
        let written = text[range.clone()]
            .find(dest_url.as_ref())
            .map(|i| range.start + i)
            .or_else(|| text.find(dest_url.as_ref()))
            .unwrap_or(range.start);
        // As `Renderer::at`: a block scalar's lines share the first line's indent.
        let (l, c) = line_col(text, written);
        out.push(WebLink {
            url: dest_url.to_string(),
            line: source.line + l - 1,
            col: source.col + c - 1,
        });
    }
    out
}

/// The text's events, with a citation `[@key, p. 33]` turned into a link to `CITE_PREFIX` + its text.
fn parse(text: &str) -> Vec<Spanned<'_>> {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_GFM);
    options.insert(Options::ENABLE_SMART_PUNCTUATION);
    let mut callback = |link: BrokenLink<'_>| {
        let reference = link.reference.trim();
        if reference.contains('@') && !reference.starts_with('^') {
            Some((
                CowStr::from(format!("{CITE_PREFIX}{reference}")),
                CowStr::from(""),
            ))
        } else {
            None
        }
    };
    Parser::new_with_broken_link_callback(text, options, Some(&mut callback))
        .into_offset_iter()
        .collect()
}

/// The state of rendering one text, shared by the passes.
struct Renderer<'a, 'e> {
    cx: &'a Context<'a>,
    source: &'a Located,
    out: Vec<Event<'e>>,
    result: Rendered,
    /// Each embedded item's number among the embeds of its kind.
    numbers: BTreeMap<(Kind, String), usize>,
    used_ids: BTreeSet<String>,
    /// Per id base, the next numeric suffix to try (`anchors::free_id`).
    next_suffix: HashMap<String, usize>,
    /// Each footnote's HTML by label.
    footnotes: BTreeMap<String, String>,
    /// Footnote labels in order of first reference, each with the id its anchors use (`fn-ID`,
    /// `fnref-ID`): the label's slug, made unique (`[^a b]` and `[^a-b]` share a slug).
    footnote_order: Vec<(String, String)>,
    /// The entities linked since the last heading: a later mention in the same section is text.
    linked_in_section: BTreeSet<(Kind, String)>,
}

impl Renderer<'_, '_> {
    /// Line and column in the file of byte `offset` of the text.
    fn at(&self, offset: usize) -> (usize, usize) {
        let (l, c) = line_col(&self.source.text, offset);
        (self.source.line + l - 1, self.source.col + c - 1)
    }

    fn error(&mut self, offset: usize, len: usize, message: String, hint: String) {
        let (line, col) = self.at(offset);
        self.result.diagnostics.push(
            Diagnostic::error(self.cx.path, line, col, message)
                .with_hint(hint)
                .with_len(len),
        );
    }

    fn warn(&mut self, offset: usize, message: String, hint: &str) {
        let (line, col) = self.at(offset);
        self.result
            .diagnostics
            .push(Diagnostic::warning(self.cx.path, line, col, message).with_hint(hint));
    }
}
