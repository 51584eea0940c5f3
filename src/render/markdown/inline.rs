//! The inline pass: links (to items, citations, web links), images (files of the site only),
//! footnote references, and raw inline HTML shown as text; everything else passes through.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::anchors::embed_anchor;
use super::links::{is_remote, is_unsafe_url};
use super::text::{find_end, plain_text};
use super::{Renderer, Spanned, CITE_PREFIX};
use crate::model::Kind;
use crate::render::escape::attr as escape_attr;

impl<'e> Renderer<'_, 'e> {
    /// Inline events: links, citations, images, footnote references, raw inline HTML.
    pub(super) fn inline_run(&mut self, events: &'e [Spanned<'e>]) {
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            i = match event {
                Event::Start(Tag::Link { dest_url, .. }) => self.link(events, i, dest_url),
                Event::Start(Tag::Image { dest_url, .. }) => self.image(events, i, dest_url),
                Event::FootnoteReference(label) => {
                    self.footnote_reference(label);
                    i + 1
                }
                Event::InlineHtml(raw) | Event::Html(raw) => {
                    self.warn(
                        range.start,
                        "raw HTML is not allowed; it is shown as text".into(),
                        "use Markdown instead; see README, 'Raw HTML'",
                    );
                    self.out.push(Event::Text(raw.clone()));
                    i + 1
                }
                _ => {
                    self.out.push(event.clone());
                    i + 1
                }
            };
        }
    }

    /// The link starting at `events[i]`, to `dest_url`: a citation, a link to an item, or a web
    /// link (refused when unsafe: only its text is kept). Returns the index after the link.
    fn link(&mut self, events: &'e [Spanned<'e>], i: usize, dest_url: &str) -> usize {
        let range = &events[i].1;
        let end = find_end(events, i);
        let inner = &events[i + 1..end];
        if let Some(cite) = dest_url.strip_prefix(CITE_PREFIX) {
            let html = self.citation(cite, range.start, range.len());
            self.out.push(Event::InlineHtml(CowStr::from(html)));
        } else if let Some(dest) = dest_url.strip_prefix('@') {
            self.item_link(dest, range, inner);
        } else if is_unsafe_url(dest_url) {
            self.error(
                range.start,
                range.len(),
                format!("unsafe link target `{dest_url}`"),
                "links may use http, https, mailto, relative paths or @kind/id".into(),
            );
            self.inline_run(inner);
        } else {
            self.out.push(events[i].0.clone());
            self.inline_run(inner);
            self.out.push(Event::End(TagEnd::Link));
        }
        end + 1
    }

    /// A link to item `dest` (`kind/id#fragment`) around the events `inner`: to its embed when it
    /// is embedded on this page, and with empty text named after the item ("Figure 2", its title).
    /// An unknown item leaves the text alone (the error is recorded).
    /// "Figure 2": an interface string with its number.
    fn numbered(&self, key: &str, n: usize) -> String {
        let label = self.cx.strings.fill(key, &[("n", &n.to_string())]);
        // The caption forms end in a full stop ("Figure {n}."); a link in running text does not.
        label.trim_end_matches('.').to_string()
    }

    fn item_link(&mut self, dest: &str, range: &Range<usize>, inner: &'e [Spanned<'e>]) {
        let Some((kind, id, url, item_title)) = self.resolve(dest, range.start, range.len()) else {
            self.inline_run(inner);
            return;
        };
        // An entity is linked at its first mention in a section; later mentions read as text.
        let has_text = !plain_text(inner).trim().is_empty();
        if kind.is_entity()
            && !url.contains('#')
            && !self.linked_in_section.insert((kind, id.clone()))
        {
            if has_text {
                self.inline_run(inner);
            } else {
                self.out.push(Event::Text(CowStr::from(item_title)));
            }
            return;
        }
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
        if !has_text {
            let label = match (kind, number) {
                (Kind::Chart, Some(n)) => self.numbered("chart.figure", n),
                (Kind::Dataset, Some(n)) => self.numbered("dataset.table_n", n),
                (Kind::Figure, Some(n)) => self.numbered("figure.number", n),
                _ => item_title,
            };
            self.out.push(Event::Text(CowStr::from(label)));
        } else {
            self.inline_run(inner);
        }
        self.out.push(Event::InlineHtml(CowStr::from("</a>")));
    }

    /// The image starting at `events[i]`, from `dest_url`: kept when it is a file of the site; an
    /// embed not alone in its paragraph or an image from elsewhere is an error and dropped. Returns
    /// the index after the image.
    fn image(&mut self, events: &'e [Spanned<'e>], i: usize, dest_url: &str) -> usize {
        let range = &events[i].1;
        let end = find_end(events, i);
        if dest_url.starts_with('@') {
            self.error(
                range.start,
                range.len(),
                "an embed must be alone in its paragraph".into(),
                "put ![](@kind/id) on a line of its own with blank lines around it".into(),
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
        end + 1
    }
}
