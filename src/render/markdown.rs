//! Markdown: pulldown-cmark events to HTML with fieldbook's extensions (pure, no I/O).
//!
//! Extensions: `[text](@kind/id)` links resolved through the [`Index`]; Pandoc citations
//! `[@key, p. 33]` (caught by pulldown-cmark's broken-link callback); a paragraph holding only
//! `![](@chart/id)` embeds an item, numbered per page; ids on headings (from text, or pinned with
//! `{#id}`) and on top-level paragraphs (from their first words, or pinned with a trailing `{#p-id}`);
//! footnotes collected at the end. Raw HTML is never passed through: it is shown as text, with a warning.
//! Links with `javascript:`, `vbscript:` or `data:` targets are errors.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use pulldown_cmark::{html, BrokenLink, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diag::{line_col, Diagnostic};
use crate::model::{Kind, Located};
use crate::validate::index::{parse_ref, Index};

/// Renders the HTML of an embedded item; implemented by the render stage.
pub trait Embedder {
    /// HTML for item `kind`/`id` embedded as number `number` of its kind on the page.
    fn embed(&self, kind: Kind, id: &str, number: usize, caption: Option<&str>) -> String;
}

/// A citation found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteUse {
    /// Source id.
    pub key: String,
    /// Locator as written ("p. 33").
    pub locator: Option<String>,
}

/// A heading, for the in-page outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 2 for `##`, ...
    pub level: u8,
    /// Anchor id.
    pub id: String,
    /// Plain text.
    pub text: String,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML.
    pub html: String,
    /// Every item linked or embedded, in order of first use.
    pub refs: Vec<(Kind, String)>,
    /// Every citation, in order.
    pub cites: Vec<CiteUse>,
    /// Headings for the outline.
    pub headings: Vec<Heading>,
    /// Every id given to an element (headings, paragraphs, embeds, footnotes).
    pub anchors: BTreeSet<String>,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// Plain text, for search and word counts.
    pub text: String,
}

/// What rendering needs to know.
pub struct Context<'a> {
    /// Every item.
    pub index: &'a Index,
    /// Renders embeds.
    pub embedder: &'a dyn Embedder,
    /// Prefixes site paths (base URL's sub-path).
    pub link: &'a dyn Fn(&str) -> String,
    /// The file, for diagnostics.
    pub path: &'a Path,
    /// Give top-level paragraphs ids and link controls (pages, not short YAML descriptions).
    pub paragraph_ids: bool,
    /// Allow embeds (pages only).
    pub embeds: bool,
}

const CITE_PREFIX: &str = "fieldbook-cite:";

/// Renders `source` (positioned in its file by `source.line`/`source.col`).
pub fn render(source: &Located, cx: &Context) -> Rendered {
    let text = source.text.as_str();
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
    let events: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_with_broken_link_callback(text, options, Some(&mut callback))
            .into_offset_iter()
            .collect();
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
    };
    r.number_embeds(&events);
    r.run(&events);
    let mut html_out = String::with_capacity(text.len() * 2);
    html::push_html(&mut html_out, r.out.into_iter());
    if !r.footnote_order.is_empty() {
        html_out.push_str("<section class=\"footnotes\" aria-label=\"Notes\"><h2 class=\"visually-hidden\">Notes</h2><ol>");
        for (n, (label, id)) in r.footnote_order.iter().enumerate() {
            let body = r.footnotes.remove(label).unwrap_or_default();
            html_out.push_str(&format!("<li id=\"fn-{id}\" value=\"{}\">{body} <a class=\"fn-back\" href=\"#fnref-{id}\" aria-label=\"Back to the text\">↩</a></li>", n + 1));
        }
        html_out.push_str("</ol></section>");
    }
    for label in r.footnotes.keys() {
        r.result.diagnostics.push(
            Diagnostic::warning(
                cx.path,
                source.line,
                source.col,
                format!("footnote `[^{label}]` is defined but never referenced"),
            )
            .with_hint("reference it with [^label] or delete it"),
        );
    }
    r.result.text = html_to_text(&html_out);
    r.result.html = html_out;
    r.result
}

/// `base` (or `fallback` when it is empty), then `base-2`, `base-3`, ...: the first that is not `taken`.
/// The first of `base`, `base-2`, `base-3`, ... that is not `taken`. `next` remembers, per base, the
/// suffix after the last one handed out (ids are never freed), so many headings or paragraphs with
/// the same text cost linear time, not quadratic.
fn free_id(
    base: String,
    fallback: &str,
    next: &mut HashMap<String, usize>,
    taken: impl Fn(&str) -> bool,
) -> String {
    let base = if base.is_empty() {
        fallback.to_string()
    } else {
        base
    };
    if !taken(&base) {
        return base;
    }
    // Footnotes and other anchors are numbered apart (they test different names).
    let n = next.entry(format!("{fallback}\0{base}")).or_insert(2);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if !taken(&id) {
            return id;
        }
    }
}

struct Renderer<'a, 'e> {
    cx: &'a Context<'a>,
    source: &'a Located,
    out: Vec<Event<'e>>,
    result: Rendered,
    numbers: BTreeMap<(Kind, String), usize>,
    used_ids: BTreeSet<String>,
    /// Per id base, the next numeric suffix to try ([`free_id`]).
    next_suffix: HashMap<String, usize>,
    footnotes: BTreeMap<String, String>,
    /// Footnote labels in order of first reference, each with the id its anchors use (`fn-ID`,
    /// `fnref-ID`): the label's slug, made unique (`[^a b]` and `[^a-b]` share a slug).
    footnote_order: Vec<(String, String)>,
}

/// Lowercase ASCII slug of `text`, at most `max` bytes, words joined by `-`.
pub fn slug(text: &str, max: usize) -> String {
    let mut s = String::new();
    let mut dash = false;
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            if s.len() >= max {
                break;
            }
            s.push(ch.to_ascii_lowercase());
        } else if ch != '\'' && ch != '’' {
            dash = true;
        }
    }
    s
}

impl<'a, 'e> Renderer<'a, 'e> {
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

    /// The id of a new footnote's anchors: its label's slug, with `-2`, `-3`, ... when `fn-ID` or
    /// `fnref-ID` is already taken on the page (by another label with the same slug, or a heading).
    fn footnote_anchor_id(&mut self, label: &str) -> String {
        let id = free_id(slug(label, 40), "note", &mut self.next_suffix, |id| {
            self.used_ids.contains(&format!("fn-{id}"))
                || self.used_ids.contains(&format!("fnref-{id}"))
        });
        for anchor in [format!("fn-{id}"), format!("fnref-{id}")] {
            self.used_ids.insert(anchor.clone());
            self.result.anchors.insert(anchor);
        }
        id
    }

    fn unique_id(&mut self, base: String) -> String {
        let id = free_id(base, "section", &mut self.next_suffix, |id| {
            self.used_ids.contains(id)
        });
        self.used_ids.insert(id.clone());
        self.result.anchors.insert(id.clone());
        id
    }

    /// Whether events[i] starts a paragraph holding only an `@` image; returns its end index.
    fn embed_at(
        events: &[(Event, std::ops::Range<usize>)],
        i: usize,
    ) -> Option<(usize, String, String)> {
        if !matches!(events.get(i)?.0, Event::Start(Tag::Paragraph)) {
            return None;
        }
        let mut j = i + 1;
        while let Some((Event::Text(t), _)) = events.get(j) {
            if !t.trim().is_empty() {
                return None;
            }
            j += 1;
        }
        let Event::Start(Tag::Image { dest_url, .. }) = &events.get(j)?.0 else {
            return None;
        };
        let dest = dest_url.strip_prefix('@')?.to_string();
        let mut caption = String::new();
        let mut k = j + 1;
        loop {
            match &events.get(k)?.0 {
                Event::End(TagEnd::Image) => break,
                Event::Text(t) | Event::Code(t) => caption.push_str(t),
                _ => {}
            }
            k += 1;
        }
        k += 1;
        while let Some((ev, _)) = events.get(k) {
            match ev {
                Event::Text(t) if t.trim().is_empty() => k += 1,
                Event::SoftBreak | Event::HardBreak => k += 1,
                Event::End(TagEnd::Paragraph) => return Some((k, dest, caption)),
                _ => return None,
            }
        }
        None
    }

    fn number_embeds(&mut self, events: &[(Event, std::ops::Range<usize>)]) {
        let mut counters: BTreeMap<Kind, usize> = BTreeMap::new();
        for i in 0..events.len() {
            if let Some((_, dest, _)) = Self::embed_at(events, i) {
                if let Ok((kind, id, _)) = parse_ref(&dest) {
                    let key = (kind, id.to_string());
                    if let std::collections::btree_map::Entry::Vacant(e) = self.numbers.entry(key) {
                        let n = counters.entry(kind).or_insert(0);
                        *n += 1;
                        e.insert(*n);
                        // Reserved before any heading takes it: an embed's id is its permalink.
                        self.used_ids.insert(embed_anchor(kind, id));
                    }
                }
            }
        }
    }

    fn note_ref(&mut self, kind: Kind, id: &str) {
        let key = (kind, id.to_string());
        if !self.result.refs.contains(&key) {
            self.result.refs.push(key);
        }
    }

    /// Resolves `@kind/id#frag` at `offset`; on failure records an error and returns None.
    fn resolve(
        &mut self,
        dest: &str,
        offset: usize,
        len: usize,
    ) -> Option<(Kind, String, String, String)> {
        let (kind, id, fragment) = match parse_ref(dest) {
            Ok(r) => r,
            Err(hint) => {
                self.error(
                    offset,
                    len,
                    format!("`@{dest}` is not a valid reference"),
                    hint,
                );
                return None;
            }
        };
        let Some(entry) = self.cx.index.get(kind, id) else {
            let hint = self.cx.index.hint(kind, id);
            self.error(
                offset,
                len,
                format!("unknown id `{}/{id}`", kind.ref_name()),
                hint,
            );
            return None;
        };
        let mut url = (self.cx.link)(&entry.url);
        if let Some(f) = fragment {
            if url.contains('#') {
                self.error(
                    offset,
                    len,
                    format!("`@{dest}` already points to an anchor"),
                    "remove the `#...` part".into(),
                );
            } else {
                url.push('#');
                url.push_str(f);
            }
        }
        let title = entry.title.clone();
        self.note_ref(kind, id);
        Some((kind, id.to_string(), url, title))
    }

    fn run(&mut self, events: &'e [(Event<'e>, std::ops::Range<usize>)]) {
        let mut i = 0;
        let mut depth = 0usize; // nesting of blocks that contain paragraphs
        let mut footnote: Option<(String, Vec<Event<'e>>, Vec<Event<'e>>)> = None;
        while i < events.len() {
            let (event, range) = &events[i];
            // Embeds: a paragraph holding only `![..](@kind/id)`.
            if let Some((end, dest, caption)) = Self::embed_at(events, i) {
                if self.cx.embeds && depth == 0 {
                    if let Some((kind, id, _, _)) = self.resolve(&dest, range.start, range.len()) {
                        let anchor = embed_anchor(kind, &id);
                        if !matches!(kind, Kind::Chart | Kind::Dataset | Kind::Figure) {
                            self.error(range.start, range.len(), format!("cannot embed a {}", kind.label().to_lowercase()), "embed charts, datasets and key figures; link other items with [text](@kind/id)".into());
                        } else if self.result.anchors.contains(&anchor) {
                            // An embed's anchor is recorded when it is embedded (headings never
                            // take it: `number_embeds` reserved it).
                            self.error(
                                range.start,
                                range.len(),
                                format!(
                                    "{} `{id}` is embedded twice in this text",
                                    kind.label().to_lowercase()
                                ),
                                format!(
                                    "embed it once; elsewhere link to it with [text](@{}/{id})",
                                    kind.ref_name()
                                ),
                            );
                        } else {
                            let number =
                                self.numbers.get(&(kind, id.clone())).copied().unwrap_or(1);
                            let caption = if caption.trim().is_empty() {
                                None
                            } else {
                                Some(caption.as_str())
                            };
                            let html = self.cx.embedder.embed(kind, &id, number, caption);
                            self.result.anchors.insert(anchor);
                            self.out.push(Event::Html(CowStr::from(html)));
                        }
                    }
                } else {
                    self.error(
                        range.start,
                        range.len(),
                        "embeds are allowed only in page bodies, at the top level".into(),
                        "use a link [text](@kind/id) here".into(),
                    );
                }
                i = end + 1;
                continue;
            }
            match event {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let end = find_end(events, i);
                    let inner = &events[i + 1..end];
                    let plain = plain_text(inner);
                    let anchor = match id {
                        Some(id) => self.unique_id(id.to_string()),
                        None => self.unique_id(slug(&plain, 60)),
                    };
                    let lvl = heading_level(*level);
                    self.result.headings.push(Heading {
                        level: lvl,
                        id: anchor.clone(),
                        text: plain.trim().to_string(),
                    });
                    let _ = (classes, attrs);
                    self.out.push(Event::Html(CowStr::from(format!(
                        "<h{lvl} id=\"{}\">",
                        escape_attr(&anchor)
                    ))));
                    self.inline_run(inner);
                    self.out.push(Event::Html(CowStr::from(format!(
                        "<a class=\"anchor\" href=\"#{0}\" aria-label=\"Link to this section\" data-copy-link>#</a></h{lvl}>\n",
                        escape_attr(&anchor)
                    ))));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Paragraph)
                    if depth == 0 && self.cx.paragraph_ids && footnote.is_none() =>
                {
                    let end = find_end(events, i);
                    let inner = &events[i + 1..end];
                    let plain = plain_text(inner);
                    let (pinned, trim_last) = pinned_id(inner);
                    let anchor = match pinned {
                        Some(p) => self.unique_id(p),
                        None => self.unique_id(format!("p-{}", slug(&first_words(&plain, 5), 48))),
                    };
                    self.out.push(Event::Html(CowStr::from(format!(
                        "<p id=\"{}\">",
                        escape_attr(&anchor)
                    ))));
                    if let Some(trimmed) = trim_last {
                        self.inline_run(&inner[..inner.len() - 1]);
                        self.out.push(Event::Text(CowStr::from(trimmed)));
                    } else {
                        self.inline_run(inner);
                    }
                    self.out.push(Event::Html(CowStr::from(format!(
                        " <a class=\"pilcrow\" href=\"#{0}\" aria-label=\"Link to this paragraph\" data-copy-link>¶</a></p>\n",
                        escape_attr(&anchor)
                    ))));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let saved = std::mem::take(&mut self.out);
                    footnote = Some((label.to_string(), saved, Vec::new()));
                    depth += 1;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    depth = depth.saturating_sub(1);
                    if let Some((label, saved, _)) = footnote.take() {
                        let body_events = std::mem::replace(&mut self.out, saved);
                        let mut body = String::new();
                        html::push_html(&mut body, body_events.into_iter());
                        let body = body
                            .trim()
                            .trim_start_matches("<p>")
                            .trim_end_matches("</p>")
                            .to_string();
                        self.footnotes.insert(label, body);
                    }
                }
                Event::Start(Tag::BlockQuote(_))
                | Event::Start(Tag::List(_))
                | Event::Start(Tag::Item) => {
                    depth += 1;
                    self.out.push(event.clone());
                }
                Event::End(TagEnd::BlockQuote(_))
                | Event::End(TagEnd::List(_))
                | Event::End(TagEnd::Item) => {
                    depth = depth.saturating_sub(1);
                    self.out.push(event.clone());
                }
                Event::Start(Tag::Table(_)) => {
                    self.out.push(Event::Html(CowStr::from(
                        "<div class=\"table-wrap\" tabindex=\"0\">",
                    )));
                    self.out.push(event.clone());
                }
                Event::End(TagEnd::Table) => {
                    self.out.push(event.clone());
                    self.out.push(Event::Html(CowStr::from("</div>")));
                }
                Event::Html(raw) => {
                    self.warn(
                        range.start,
                        "raw HTML is not allowed; it is shown as text".into(),
                        "use Markdown instead; see README, 'Raw HTML'",
                    );
                    self.out.push(Event::Start(Tag::Paragraph));
                    self.out.push(Event::Text(raw.clone()));
                    self.out.push(Event::End(TagEnd::Paragraph));
                }
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {
                    self.out.push(event.clone())
                }
                _ => {
                    let end = if let Event::Start(_) = event {
                        find_end(events, i)
                    } else {
                        i
                    };
                    self.inline_run(&events[i..=end]);
                    i = end + 1;
                    continue;
                }
            }
            i += 1;
        }
    }

    /// Inline events: links, citations, images, footnote references, raw inline HTML.
    fn inline_run(&mut self, events: &'e [(Event<'e>, std::ops::Range<usize>)]) {
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            match event {
                Event::Start(Tag::Link {
                    dest_url,
                    title,
                    link_type,
                    id,
                }) => {
                    let end = find_end(events, i);
                    let inner = &events[i + 1..end];
                    if let Some(cite) = dest_url.strip_prefix(CITE_PREFIX) {
                        let html = self.citation(cite, range.start, range.len());
                        self.out.push(Event::InlineHtml(CowStr::from(html)));
                        i = end + 1;
                        continue;
                    }
                    if let Some(dest) = dest_url.strip_prefix('@') {
                        match self.resolve(dest, range.start, range.len()) {
                            Some((kind, id, url, item_title)) => {
                                let number = self.numbers.get(&(kind, id.clone())).copied();
                                let url = match number {
                                    Some(_) if !url.contains('#') => {
                                        format!("#{}", embed_anchor(kind, &id))
                                    }
                                    _ => url,
                                };
                                let class = format!("ref ref-{}", kind.ref_name());
                                self.out.push(Event::InlineHtml(CowStr::from(format!(
                                    "<a class=\"{class}\" href=\"{}\">",
                                    escape_attr(&url)
                                ))));
                                if plain_text(inner).trim().is_empty() {
                                    let label = match (kind, number) {
                                        (Kind::Chart, Some(n)) => format!("Figure {n}"),
                                        (Kind::Dataset, Some(n)) => format!("Table {n}"),
                                        (Kind::Figure, Some(n)) => format!("Key figure {n}"),
                                        _ => item_title,
                                    };
                                    self.out.push(Event::Text(CowStr::from(label)));
                                } else {
                                    self.inline_run(inner);
                                }
                                self.out.push(Event::InlineHtml(CowStr::from("</a>")));
                            }
                            None => self.inline_run(inner),
                        }
                        i = end + 1;
                        continue;
                    }
                    if is_unsafe_url(dest_url) {
                        self.error(
                            range.start,
                            range.len(),
                            format!("unsafe link target `{dest_url}`"),
                            "links may use http, https, mailto, relative paths or @kind/id".into(),
                        );
                        self.inline_run(inner);
                        i = end + 1;
                        continue;
                    }
                    let _ = (title, link_type, id);
                    self.out.push(event.clone());
                    self.inline_run(inner);
                    self.out.push(Event::End(TagEnd::Link));
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let end = find_end(events, i);
                    if dest_url.starts_with('@') {
                        self.error(
                            range.start,
                            range.len(),
                            "an embed must be alone in its paragraph".into(),
                            "put ![](@kind/id) on a line of its own with blank lines around it"
                                .into(),
                        );
                    } else if is_unsafe_url(dest_url) || is_remote(dest_url) {
                        self.error(
                            range.start,
                            range.len(),
                            format!("image source `{dest_url}` is not a file of this site"),
                            "put the image in static/ and write its path, e.g. ![A map](/images/map.png): the site loads nothing from other hosts".into(),
                        );
                    } else {
                        self.out
                            .extend(events[i..=end].iter().map(|(e, _)| e.clone()));
                    }
                    i = end + 1;
                    continue;
                }
                Event::FootnoteReference(label) => {
                    let known = self
                        .footnote_order
                        .iter()
                        .position(|(l, _)| l == label.as_ref());
                    let (n, id, back) = match known {
                        Some(p) => (p + 1, self.footnote_order[p].1.clone(), String::new()),
                        None => {
                            let id = self.footnote_anchor_id(label);
                            self.footnote_order.push((label.to_string(), id.clone()));
                            let back = format!(" id=\"fnref-{id}\"");
                            (self.footnote_order.len(), id, back)
                        }
                    };
                    self.out.push(Event::InlineHtml(CowStr::from(format!("<sup class=\"fnref\"{back}><a href=\"#fn-{id}\" aria-label=\"Note {n}\">{n}</a></sup>"))));
                }
                Event::InlineHtml(raw) | Event::Html(raw) => {
                    self.warn(
                        range.start,
                        "raw HTML is not allowed; it is shown as text".into(),
                        "use Markdown instead; see README, 'Raw HTML'",
                    );
                    self.out.push(Event::Text(raw.clone()));
                }
                Event::Text(t) if t.contains("[@") => {
                    self.out.push(event.clone());
                }
                _ => self.out.push(event.clone()),
            }
            i += 1;
        }
    }

    fn citation(&mut self, text: &str, offset: usize, len: usize) -> String {
        let mut parts = Vec::new();
        for piece in text.split(';') {
            let piece = piece.trim();
            let Some(at) = piece.find('@') else {
                self.error(
                    offset,
                    len,
                    format!("`[{text}]` mixes a citation with text"),
                    "write [@key, p. 33] or [@a, p. 1; @b]".into(),
                );
                continue;
            };
            let prefix = piece[..at].trim();
            let suppress = prefix.ends_with('-');
            let prefix = prefix.trim_end_matches('-').trim();
            let rest = &piece[at + 1..];
            let key_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_:.".contains(c)))
                .unwrap_or(rest.len());
            let key = rest[..key_len].trim_end_matches(['.', ':']);
            let locator = rest[key.len()..].trim_start_matches([',', ' ']).trim();
            let Some(entry) = self.cx.index.get(Kind::Source, key) else {
                let hint = self.cx.index.hint(Kind::Source, key);
                self.error(
                    offset,
                    len,
                    format!("unknown source `{key}` in citation"),
                    hint.replace("source/", ""),
                );
                continue;
            };
            let label = entry
                .cite_label
                .clone()
                .unwrap_or_else(|| entry.title.clone());
            let label = if suppress {
                label.rsplit(' ').next().unwrap_or(&label).to_string()
            } else {
                label
            };
            self.note_ref(Kind::Source, key);
            self.result.cites.push(CiteUse {
                key: key.to_string(),
                locator: (!locator.is_empty()).then(|| locator.to_string()),
            });
            let mut shown = String::new();
            if !prefix.is_empty() {
                shown.push_str(&escape_text(prefix));
                shown.push(' ');
            }
            shown.push_str(&format!(
                "<a href=\"#ref-{}\">{}</a>",
                escape_attr(key),
                escape_text(&label)
            ));
            if !locator.is_empty() {
                shown.push_str(", ");
                shown.push_str(&escape_text(locator));
            }
            parts.push(shown);
        }
        if parts.is_empty() {
            return escape_text(&format!("[{text}]"));
        }
        format!("<span class=\"citation\">({})</span>", parts.join("; "))
    }
}

/// The readable text of rendered HTML, for search and word counts: tags dropped (block tags become
/// spaces), link-copy controls and back-links skipped, entities decoded, whitespace collapsed.
pub fn html_to_text(html: &str) -> String {
    const BLOCK: [&str; 20] = [
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "tr",
        "div",
        "section",
        "figure",
        "figcaption",
        "br",
        "blockquote",
        "ol",
        "ul",
        "sup",
    ];
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_anchor = false;
    while let Some(lt) = rest.find('<') {
        if !skip_anchor {
            out.push_str(&rest[..lt]);
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag.trim_start_matches('/');
        let name = &name[..name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len())];
        if name == "a" && (tag.contains("data-copy-link") || tag.contains("fn-back")) {
            skip_anchor = true;
        } else if tag == "/a" && skip_anchor {
            skip_anchor = false;
        }
        if BLOCK.contains(&name) {
            out.push(' ');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(rest);
    decode_and_collapse(&out)
}

/// Decodes the character references the HTML writers emit (`&amp;` last, so `&amp;lt;` stays
/// `&lt;`) and collapses each run of whitespace to one space, trimmed: one pass over the text.
fn decode_and_collapse(text: &str) -> String {
    const REFERENCES: [(&str, char); 5] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let (ch, len) = if c == '&' {
            REFERENCES
                .iter()
                .find(|(reference, _)| rest.starts_with(reference))
                .map_or(('&', 1), |(reference, ch)| (*ch, reference.len()))
        } else {
            (c, c.len_utf8())
        };
        rest = &rest[len..];
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(ch);
    }
    out
}

/// The anchor of an embedded item on a page.
pub fn embed_anchor(kind: Kind, id: &str) -> String {
    format!("{}-{id}", kind.ref_name())
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Index of the End event matching the Start at `start`.
fn find_end(events: &[(Event, std::ops::Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn plain_text(events: &[(Event, std::ops::Range<usize>)]) -> String {
    let mut s = String::new();
    let mut in_cite = 0;
    for (e, _) in events {
        match e {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITE_PREFIX) => {
                in_cite += 1
            }
            Event::End(TagEnd::Link) if in_cite > 0 => in_cite -= 1,
            Event::Text(t) | Event::Code(t) if in_cite == 0 => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A trailing `{#p-id}` in the paragraph's last text event: (id, the text without it).
fn pinned_id(inner: &[(Event, std::ops::Range<usize>)]) -> (Option<String>, Option<String>) {
    if let Some((Event::Text(t), _)) = inner.last() {
        let trimmed = t.trim_end();
        if trimmed.ends_with('}') {
            if let Some(start) = trimmed.rfind("{#") {
                let id = &trimmed[start + 2..trimmed.len() - 1];
                if crate::model::is_valid_id(id) {
                    return (
                        Some(id.to_string()),
                        Some(trimmed[..start].trim_end().to_string()),
                    );
                }
            }
        }
    }
    (None, None)
}

/// Whether a URL points to another host (`https://...`, `//host/...`, any other scheme).
fn is_remote(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("//")
        || url.starts_with("\\\\")
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '?', '#']))
}

fn is_unsafe_url(url: &str) -> bool {
    let lowered: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| lowered.starts_with(s))
}

/// Escapes text for HTML content.
pub fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes text for a double-quoted HTML attribute.
pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    struct NoEmbed;
    impl Embedder for NoEmbed {
        fn embed(&self, kind: Kind, id: &str, number: usize, _: Option<&str>) -> String {
            format!(
                "<figure id=\"{}\">EMBED {number}</figure>",
                embed_anchor(kind, id)
            )
        }
    }

    fn site() -> Index {
        let mut s = Site::default();
        let e: Vec<Entity> =
            serde_yaml::from_str("- {id: artyom, kind: place, name: Artyom, summary: A city.}")
                .unwrap();
        s.entities = e;
        let src: Vec<Source> = serde_yaml::from_str("- {id: kinu2016, type: report, title: T, authors: ['Lee, Aeliah', 'Lee, Chang-ho'], year: 2016}").unwrap();
        s.sources = src;
        let c: Chart = serde_yaml::from_str("{id: c1, title: C, description: D, kind: bar, dataset: d, x: {field: a, title: A}, y: {field: b, title: B}}").unwrap();
        s.charts = vec![c];
        Index::build(&s).0
    }

    fn md(text: &str) -> Rendered {
        let index = site();
        let link = |p: &str| p.to_string();
        let cx = Context {
            index: &index,
            embedder: &NoEmbed,
            link: &link,
            path: Path::new("content/pages/a.md"),
            paragraph_ids: true,
            embeds: true,
        };
        render(
            &Located {
                text: text.into(),
                line: 5,
                col: 1,
            },
            &cx,
        )
    }

    #[test]
    fn links_by_id_and_empty_text_uses_the_name() {
        let r = md("See [](@place/artyom) and [the city](@place/artyom).");
        assert!(
            r.html
                .contains("<a class=\"ref ref-place\" href=\"/places/artyom/\">Artyom</a>"),
            "{}",
            r.html
        );
        assert!(r.html.contains(">the city</a>"));
        assert_eq!(r.refs, vec![(Kind::Place, "artyom".to_string())]);
    }

    #[test]
    fn unknown_id_is_located_with_a_hint() {
        let r = md("line\n\nSee [x](@place/artym) here.");
        let d = &r.diagnostics[0];
        assert_eq!((d.line, d.col), (7, 5), "{d}");
        assert!(d.hint.as_deref().unwrap().contains("place/artyom"), "{d}");
    }

    #[test]
    fn citations_render_author_date_with_locator() {
        let r = md("A fact [@kinu2016, p. 33].");
        assert!(
            r.html
                .contains("(<a href=\"#ref-kinu2016\">Lee and Lee 2016</a>, p. 33)"),
            "{}",
            r.html
        );
        assert_eq!(
            r.cites,
            vec![CiteUse {
                key: "kinu2016".into(),
                locator: Some("p. 33".into())
            }]
        );
        let bad = md("A fact [@kinu2061, p. 33].");
        assert!(bad.diagnostics[0]
            .message
            .contains("unknown source `kinu2061`"));
    }

    #[test]
    fn embeds_are_numbered_and_cross_referenced() {
        let r = md("As [](@chart/c1) shows.\n\n![](@chart/c1)\n");
        assert!(r.html.contains("EMBED 1"), "{}", r.html);
        assert!(
            r.html.contains("href=\"#chart-c1\">Figure 1</a>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn an_item_embedded_twice_is_an_error_and_headings_keep_clear_of_embed_ids() {
        let r = md("## Chart c1\n\n![](@chart/c1)\n\nText.\n\n![](@chart/c1)\n");
        assert_eq!(r.html.matches("id=\"chart-c1\"").count(), 1, "{}", r.html);
        assert!(r.html.contains("<h2 id=\"chart-c1-2\">"), "{}", r.html);
        let errors: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("embedded twice"), "{errors:?}");
        assert!(errors[0].line > 1, "points at the second embed: {errors:?}");
        assert!(
            errors[0]
                .hint
                .as_deref()
                .unwrap_or("")
                .contains("[text](@chart/c1)"),
            "{errors:?}"
        );
    }

    #[test]
    fn footnote_labels_with_the_same_slug_get_distinct_anchors() {
        let r = md("One[^a b], two[^a-b], again[^a b].\n\n[^a b]: First.\n\n[^a-b]: Second.\n");
        for id in ["fn-a-b", "fnref-a-b", "fn-a-b-2", "fnref-a-b-2"] {
            assert_eq!(
                r.html.matches(&format!("id=\"{id}\"")).count(),
                1,
                "{id}: {}",
                r.html
            );
            assert!(r.anchors.contains(id), "{id}");
        }
        assert!(
            r.html.contains("<li id=\"fn-a-b\" value=\"1\">First."),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<li id=\"fn-a-b-2\" value=\"2\">Second."),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("href=\"#fn-a-b\"").count(), 2, "{}", r.html);
    }

    #[test]
    fn raw_html_and_javascript_links_do_not_pass() {
        let r = md("<script>alert(1)</script>\n\nText <b>bold</b> [x](javascript:alert(1))");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
        assert!(r
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("unsafe link")));
    }

    #[test]
    fn paragraph_ids_come_from_content_and_can_be_pinned() {
        let a = md("First para here.\n\nSecond one {#p-pinned}");
        assert!(
            a.html.contains("<p id=\"p-first-para-here\">"),
            "{}",
            a.html
        );
        assert!(
            a.html.contains("<p id=\"p-pinned\">Second one"),
            "{}",
            a.html
        );
        let b = md("Inserted before.\n\nFirst para here.");
        assert!(
            b.html.contains("<p id=\"p-first-para-here\">"),
            "ids survive edits elsewhere"
        );
    }

    #[test]
    fn decoding_and_collapsing_in_one_pass_matches_replace_then_split() {
        let reference = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        for s in [
            "",
            "   ",
            " a  b\n\tc ",
            "&amp;lt; &lt;b&gt; &quot;q&quot; it&#39;s &amp;amp; & &x; &",
            "\u{a0}Nakhodka\u{2003}&amp;\u{3000}Artyom\u{85}",
            "뉴스&amp;&#39;",
            "&&lt;&",
        ] {
            assert_eq!(decode_and_collapse(s), reference(s), "{s:?}");
        }
    }

    #[test]
    fn search_text_keeps_link_text_and_word_boundaries() {
        let r = md("Near [](@place/artyom) and [the city](@place/artyom) [@kinu2016, p. 3].\n\n- sewing\n- factories");
        assert!(
            r.text
                .contains("Near Artyom and the city (Lee and Lee 2016, p. 3)."),
            "{}",
            r.text
        );
        assert!(r.text.contains("sewing factories"), "{}", r.text);
        assert!(!r.text.contains('¶'), "{}", r.text);
    }

    #[test]
    fn footnotes_are_collected_at_the_end() {
        let r = md("Text[^a].\n\n[^a]: The note.\n\nMore.");
        assert!(r.html.contains("<a href=\"#fn-a\""), "{}", r.html);
        assert!(
            r.html.contains("<li id=\"fn-a\" value=\"1\">The note."),
            "{}",
            r.html
        );
    }
}
