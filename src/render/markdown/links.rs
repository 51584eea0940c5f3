//! Links to items and sources: `@kind/id#fragment` resolved through the index, citations
//! `[@key, p. 33; @other]` turned into author-date labels, and the URL checks for web links and images.

use super::{CiteUse, Renderer};
use crate::model::Kind;
use crate::render::escape::{attr as escape_attr, text as escape_text};
use crate::validate::index::parse_ref;

impl Renderer<'_, '_> {
    /// Records that the text links to or embeds `kind`/`id` (once).
    pub(super) fn note_ref(&mut self, kind: Kind, id: &str) {
        let key = (kind, id.to_string());
        if !self.result.refs.contains(&key) {
            self.result.refs.push(key);
        }
    }

    /// Resolves `@kind/id#frag` at `offset`; on failure records an error and returns None.
    pub(super) fn resolve(
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

    /// A citation's HTML: each `@key` (with its prefix and locator) as a link to its reference.
    pub(super) fn citation(&mut self, text: &str, offset: usize, len: usize) -> String {
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
            return escape_text(&format!("[{text}]")).into_owned();
        }
        format!("<span class=\"citation\">({})</span>", parts.join("; "))
    }
}

/// Whether a URL points to another host (`https://...`, `//host/...`, any other scheme).
pub(super) fn is_remote(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("//")
        || url.starts_with("\\\\")
        || url
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '?', '#']))
}

/// Whether a link target runs code or reads local data (`javascript:`, `vbscript:`, `data:`, `file:`).
pub(super) fn is_unsafe_url(url: &str) -> bool {
    let lowered: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| lowered.starts_with(s))
}
