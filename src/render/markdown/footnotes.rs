//! Footnotes: a definition's body is rendered apart and kept by label; a reference becomes a numbered
//! superscript (numbers in order of first reference); the notes follow the text in one list, and a
//! note never referenced is a warning.

use pulldown_cmark::{html, CowStr, Event};

use super::Renderer;
use crate::diag::Diagnostic;
use crate::render::escape::attr as escape_attr;

/// A footnote definition being rendered: its label, and the output it interrupted.
pub(super) struct OpenFootnote<'e> {
    label: String,
    outer: Vec<Event<'e>>,
    /// The entities linked in the section around the note, restored when the note ends.
    linked: std::collections::BTreeSet<(crate::model::Kind, String)>,
}

impl<'e> Renderer<'_, 'e> {
    /// Starts rendering definition `label` into an output of its own.
    pub(super) fn open_footnote(&mut self, label: &str) -> OpenFootnote<'e> {
        let outer = std::mem::take(&mut self.out);
        // A note is read on its own: its entities are linked at their first mention in it.
        let linked = std::mem::take(&mut self.linked_in_section);
        OpenFootnote {
            label: label.to_string(),
            outer,
            linked,
        }
    }

    /// Keeps the definition's HTML (without its paragraph tags) and returns to the interrupted output.
    pub(super) fn close_footnote(&mut self, open: OpenFootnote<'e>) {
        let body_events = std::mem::replace(&mut self.out, open.outer);
        self.linked_in_section = open.linked;
        let mut body = String::new();
        html::push_html(&mut body, body_events.into_iter());
        let body = body
            .trim()
            .trim_start_matches("<p>")
            .trim_end_matches("</p>")
            .to_string();
        self.footnotes.insert(open.label, body);
    }

    /// The superscript number of footnote `label`; its first reference is the note's back-link target.
    pub(super) fn footnote_reference(&mut self, label: &str) {
        let known = self.footnote_order.iter().position(|(l, _)| l == label);
        let (n, id, back) = match known {
            Some(p) => (p + 1, self.footnote_order[p].1.clone(), String::new()),
            None => {
                let id = self.footnote_anchor_id(label);
                self.footnote_order.push((label.to_string(), id.clone()));
                let back = format!(" id=\"fnref-{id}\"");
                (self.footnote_order.len(), id, back)
            }
        };
        self.out.push(Event::InlineHtml(CowStr::from(format!(
            "<sup class=\"fnref\"{back}><a href=\"#fn-{id}\" aria-label=\"{}\">{n}</a></sup>",
            escape_attr(
                &self
                    .cx
                    .strings
                    .fill("text.note_ref", &[("n", &n.to_string())])
            )
        ))));
    }

    /// Appends the referenced notes, in order of first reference, as the text's last section.
    pub(super) fn push_notes(&mut self, html_out: &mut String) {
        if self.footnote_order.is_empty() {
            return;
        }
        let notes = escape_attr(self.cx.strings.get("text.notes"));
        html_out.push_str(&format!("<section class=\"footnotes\" aria-label=\"{notes}\"><h2 class=\"visually-hidden\">{notes}</h2><ol>"));
        let back = escape_attr(self.cx.strings.get("text.back"));
        for (n, (label, id)) in self.footnote_order.iter().enumerate() {
            let body = self.footnotes.remove(label).unwrap_or_default();
            html_out.push_str(&format!("<li id=\"fn-{id}\" value=\"{}\">{body} <a class=\"fn-back\" href=\"#fnref-{id}\" aria-label=\"{back}\">↩</a></li>", n + 1));
        }
        html_out.push_str("</ol></section>");
    }

    /// A warning for each note defined but never referenced (those [`Self::push_notes`] left).
    pub(super) fn warn_unreferenced_notes(&mut self) {
        for label in self.footnotes.keys() {
            self.result.diagnostics.push(
                Diagnostic::warning(
                    self.cx.path,
                    self.source.line,
                    self.source.col,
                    format!("footnote `[^{label}]` is defined but never referenced"),
                )
                .with_hint("reference it with [^label] or delete it"),
            );
        }
    }
}
