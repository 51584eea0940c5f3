//! Text helpers: escaping for HTML, the plain text of events (for ids), the readable text of
//! rendered HTML (for search and word counts), and finding a block's end event.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Spanned, CITE_PREFIX};

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

/// Decodes the character references in HTML (once: `&amp;lt;` becomes `&lt;`) and collapses each
/// run of whitespace to one space, trimmed.
pub(super) fn decode_and_collapse(text: &str) -> String {
    let decoded = crate::render::escape::decode(text);
    let mut out = String::with_capacity(decoded.len());
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Index of the End event matching the Start at `start`.
pub(super) fn find_end(events: &[Spanned], start: usize) -> usize {
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

/// The text of inline events, citations left out.
pub(super) fn plain_text(events: &[Spanned]) -> String {
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
