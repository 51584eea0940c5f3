//! Embeds: a paragraph holding only `![caption](@kind/id)` shows the item itself (a chart, a
//! dataset's table or a key figure), numbered per kind on the page (so "Figure 2" can be linked
//! to before it appears). Markdown stays pure: it leaves a marker and an [`Embed`] record, and
//! the page stage puts the item there.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::anchors::embed_anchor;
use super::{Embed, Renderer, Spanned};
use crate::model::Kind;
use crate::validate::index::parse_ref;

impl Renderer<'_, '_> {
    /// Whether events[i] starts a paragraph holding only an `@` image; returns the paragraph's end
    /// index, the image's target without its `@`, and its caption.
    pub(super) fn embed_at(events: &[Spanned], i: usize) -> Option<(usize, String, String)> {
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

    /// Numbers the embeds per kind, in order, and reserves their anchors.
    pub(super) fn number_embeds(&mut self, events: &[Spanned]) {
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

    /// The embed of `dest` (`kind/id`) found at `range`, inside `depth` blocks: the item's HTML, or
    /// an error when embeds are not allowed here, the item cannot be embedded, or it already was.
    pub(super) fn embed(&mut self, depth: usize, range: &Range<usize>, dest: &str, caption: &str) {
        if !(self.cx.embeds && depth == 0) {
            self.error(
                range.start,
                range.len(),
                "embeds are allowed only in page bodies, at the top level".into(),
                "use a link [text](@kind/id) here".into(),
            );
            return;
        }
        let Some((kind, id, _, _)) = self.resolve(dest, range.start, range.len()) else {
            return;
        };
        let anchor = embed_anchor(kind, &id);
        if !matches!(kind, Kind::Chart | Kind::Dataset | Kind::Figure) {
            self.error(
                range.start,
                range.len(),
                format!("cannot embed a {}", kind.label().to_lowercase()),
                "embed charts, datasets and key figures; link other items with [text](@kind/id)"
                    .into(),
            );
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
            let number = self.numbers.get(&(kind, id.clone())).copied().unwrap_or(1);
            let caption = if caption.trim().is_empty() {
                None
            } else {
                Some(caption.to_string())
            };
            let marker = super::embed_marker(self.result.embeds.len());
            self.result.embeds.push(Embed {
                kind,
                id,
                number,
                caption,
            });
            self.result.anchors.insert(anchor);
            self.out.push(Event::Html(CowStr::from(marker)));
        }
    }
}
