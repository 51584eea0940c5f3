//! Element ids: slugs, ids made unique on the page (headings, paragraphs, footnotes), ids pinned in
//! the text (`{#p-id}`), and the anchor of an embedded item.

use std::collections::HashMap;

use pulldown_cmark::{Event, HeadingLevel};

use super::{Renderer, Spanned};
use crate::model::Kind;

/// Lowercase slug of `text`, words joined by `-`: letters and digits of every script are kept
/// (a Korean or Cyrillic heading keeps its words, as on GitHub), everything else separates words,
/// apostrophes vanish. At most `max` bytes, cut at a character.
pub fn slug(text: &str, max: usize) -> String {
    let mut s = String::new();
    let mut dash = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            let lower: String = ch.to_lowercase().collect();
            if s.len() + lower.len() > max {
                break;
            }
            s.push_str(&lower);
        } else if ch != '\'' && ch != '’' {
            dash = true;
        }
    }
    s.trim_end_matches('-').to_string()
}

/// The anchor of an embedded item on a page.
pub fn embed_anchor(kind: Kind, id: &str) -> String {
    format!("{}-{id}", kind.ref_name())
}

/// The first of `base` (or `fallback` when it is empty), `base-2`, `base-3`, ... that is not `taken`. `next` remembers, per base, the
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

impl Renderer<'_, '_> {
    /// The id of a new footnote's anchors: its label's slug, with `-2`, `-3`, ... when `fn-ID` or
    /// `fnref-ID` is already taken on the page (by another label with the same slug, or a heading).
    pub(super) fn footnote_anchor_id(&mut self, label: &str) -> String {
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

    /// `base`, or the first of `base-2`, `base-3`, ... not yet taken on the page; taken from now on.
    pub(super) fn unique_id(&mut self, base: String) -> String {
        let id = free_id(base, "section", &mut self.next_suffix, |id| {
            self.used_ids.contains(id)
        });
        self.used_ids.insert(id.clone());
        self.result.anchors.insert(id.clone());
        id
    }
}

pub(super) fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The first `n` words of `text`, for a paragraph's id.
pub(super) fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A trailing `{#p-id}` in the paragraph's last text event: (id, the text without it).
pub(super) fn pinned_id(inner: &[Spanned]) -> (Option<String>, Option<String>) {
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
