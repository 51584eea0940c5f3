//! The block pass: embeds, headings with anchors, top-level paragraphs with ids and link controls,
//! tables in a scrolling wrapper, footnote definitions set apart, raw HTML shown as text. The text
//! inside a block goes to the inline pass.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::anchors::{first_words, heading_level, pinned_id, slug};
use super::footnotes::OpenFootnote;
use super::text::{find_end, plain_text};
use super::{Heading, Renderer, Spanned};
use crate::render::escape::attr as escape_attr;

impl<'e> Renderer<'_, 'e> {
    /// Renders the text's events, block by block.
    pub(super) fn run(&mut self, events: &'e [Spanned<'e>]) {
        let mut i = 0;
        let mut depth = 0usize; // nesting of blocks that contain paragraphs
        let mut footnote: Option<OpenFootnote<'e>> = None;
        while i < events.len() {
            let (event, range) = &events[i];
            // Embeds: a paragraph holding only `![..](@kind/id)`.
            if let Some((end, dest, caption)) = Self::embed_at(events, i) {
                self.embed(depth, range, &dest, &caption);
                i = end + 1;
                continue;
            }
            i = match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    self.heading(events, i, *level, id.as_deref())
                }
                Event::Start(Tag::Paragraph)
                    if depth == 0 && self.cx.paragraph_ids && footnote.is_none() =>
                {
                    self.paragraph(events, i)
                }
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    footnote = Some(self.open_footnote(label));
                    depth += 1;
                    i + 1
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    depth = depth.saturating_sub(1);
                    if let Some(open) = footnote.take() {
                        self.close_footnote(open);
                    }
                    i + 1
                }
                Event::Start(Tag::BlockQuote(_))
                | Event::Start(Tag::List(_))
                | Event::Start(Tag::Item) => {
                    depth += 1;
                    self.out.push(event.clone());
                    i + 1
                }
                Event::End(TagEnd::BlockQuote(_))
                | Event::End(TagEnd::List(_))
                | Event::End(TagEnd::Item) => {
                    depth = depth.saturating_sub(1);
                    self.out.push(event.clone());
                    i + 1
                }
                _ => self.other_block(events, i),
            };
        }
    }

    /// A table (wrapped so it scrolls on its own), raw HTML, a paragraph without an id, or inline
    /// events outside any paragraph. Returns the index after what it rendered.
    fn other_block(&mut self, events: &'e [Spanned<'e>], i: usize) -> usize {
        let (event, range) = &events[i];
        match event {
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
                return end + 1;
            }
        }
        i + 1
    }

    /// The heading starting at `events[i]`, with its anchor (pinned as `id`, or from its text) and
    /// a link to itself; listed in the outline. Returns the index after it.
    fn heading(
        &mut self,
        events: &'e [Spanned<'e>],
        i: usize,
        level: HeadingLevel,
        id: Option<&str>,
    ) -> usize {
        let end = find_end(events, i);
        self.linked_in_section.clear();
        let inner = &events[i + 1..end];
        let plain = plain_text(inner);
        let anchor = match id {
            Some(id) => self.unique_id(id.to_string()),
            None => self.unique_id(slug(&plain, 60)),
        };
        let lvl = heading_level(level);
        self.result.headings.push(Heading {
            level: lvl,
            id: anchor.clone(),
            text: plain.trim().to_string(),
        });
        self.out.push(Event::Html(CowStr::from(format!(
            "<h{lvl} id=\"{}\">",
            escape_attr(&anchor)
        ))));
        self.inline_run(inner);
        self.out.push(Event::Html(CowStr::from(format!(
            "<a class=\"anchor\" href=\"#{0}\" aria-label=\"{1}\" data-copy-link>#</a></h{lvl}>\n",
            escape_attr(&anchor),
            escape_attr(self.cx.strings.get("text.link_section"))
        ))));
        end + 1
    }

    /// The top-level paragraph starting at `events[i]`, with its id (pinned by a trailing `{#p-id}`,
    /// or from its first words) and a link to itself. Returns the index after it.
    fn paragraph(&mut self, events: &'e [Spanned<'e>], i: usize) -> usize {
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
            " <a class=\"pilcrow\" href=\"#{0}\" aria-label=\"{1}\" data-copy-link>¶</a></p>\n",
            escape_attr(&anchor),
            escape_attr(self.cx.strings.get("text.link_paragraph"))
        ))));
        end + 1
    }
}
