//! The print edition (`/print/`, template `print.html`): every chapter in reading order on one
//! page, as mdBook's `print.html`, so a reader can save the whole report as one PDF. Each
//! chapter's ids are prefixed with its id (`intro--p-...`) so the page stays valid HTML and
//! its anchors unique; links between chapters become links inside the page; citations point at
//! one bibliography at the end. Search engines are asked not to index it (the chapters are the
//! pages to find).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;
use crate::render::markdown;

use super::context::{BibEntry, Generator, Meta, SiteCx};
use super::EmbedUnit;

/// The print edition's address.
pub const PRINT_PATH: &str = "/print/";

/// What `print.html` receives.
#[derive(Serialize)]
struct PrintCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    chapters: Vec<ChapterCx<'a>>,
    bibliography: Vec<BibEntry<'a>>,
}

/// One chapter of the edition.
#[derive(Serialize)]
struct ChapterCx<'a> {
    /// The chapter's anchor on the print page (its page id).
    id: &'a str,
    title: &'a str,
    part: &'a Option<String>,
    summary: &'a str,
    /// Its own page: the link, and the address as printed (absolute when the site has a base URL).
    url: String,
    address: String,
    /// Its body, ids prefixed, embeds marked with the page's own numbering.
    body: String,
}

impl<'a> Generator<'a> {
    /// The print edition, or nothing when the site has no chapters.
    pub fn print_edition(&self) -> Result<Vec<OutputFile>, Diagnostic> {
        if self.chapters.is_empty() {
            return Ok(Vec::new());
        }
        let targets: BTreeMap<String, String> = self
            .chapters
            .iter()
            .map(|c| (self.link(&Kind::Page.url(&c.meta.id)), c.meta.id.clone()))
            .collect();
        let mut chapters = Vec::new();
        let mut embeds = Vec::new();
        let mut cited: Vec<&str> = Vec::new();
        for c in &self.chapters {
            let r = self.md_or_empty(Kind::Page, &c.meta.id);
            let prefix = format!("{}--", c.meta.id);
            let body = renumber_embeds(&r.html(), embeds.len());
            for e in &r.embeds {
                let mut unit = super::embeds::embed_unit(self.inp, e)?;
                prefix_embed(&mut unit, &prefix);
                embeds.push(unit);
            }
            cited.extend(r.cites.iter().map(|c| c.key.as_str()));
            chapters.push(ChapterCx {
                id: &c.meta.id,
                title: &c.meta.title,
                part: &c.meta.part,
                summary: &c.meta.summary,
                url: self.link(&Kind::Page.url(&c.meta.id)),
                address: self.inp.config.absolute(&Kind::Page.url(&c.meta.id)),
                body: demote_headings(&prefix_ids(&body, &prefix, &targets)),
            });
        }
        let title = self.t().get("print.title").to_string();
        let cx = PrintCx {
            site: &self.site_cx,
            meta: self.site_page_meta(PRINT_PATH, &title, self.t().get("print.lede")),
            cite: self.cite_this(&title, PRINT_PATH, "fieldbook-print"),
            chapters,
            bibliography: self.bibliography_of(cited.into_iter()),
        };
        Ok(vec![self.render_with_embeds(
            "print.html",
            "print/index.html".to_string(),
            &cx,
            embeds,
        )?])
    }
}

/// `html` with each embed marker's number moved up by `offset` (the embeds of earlier chapters).
fn renumber_embeds(html: &str, offset: usize) -> String {
    markdown::replace_embed_markers(html, |n| {
        Some(markdown::embed_marker(n + offset).trim_end().to_string())
    })
}

/// Headings one level down (a chapter's title is an `h2` here, under the edition's `h1`).
fn demote_headings(html: &str) -> String {
    let mut out = html.to_string();
    for level in (2..=5).rev() {
        out = out
            .replace(&format!("<h{level}"), &format!("<h{}", level + 1))
            .replace(&format!("</h{level}>"), &format!("</h{}>", level + 1));
    }
    out
}

/// An embedded item with its anchor, and the ids inside its drawings, prefixed.
fn prefix_embed(unit: &mut EmbedUnit, prefix: &str) {
    let Value::Object(map) = &mut unit.context else {
        return;
    };
    for (key, value) in map.iter_mut() {
        if let Value::String(s) = value {
            if key == "anchor" {
                *s = format!("{prefix}{s}");
            } else if s.starts_with("<svg") {
                *s = prefix_ids(s, prefix, &BTreeMap::new());
            }
        }
    }
}

/// The attributes that hold ids (`id`) or point at them (the rest, several ids for the ARIA ones).
const ID_ATTRIBUTES: [&str; 5] = ["id", "for", "aria-labelledby", "aria-describedby", "href"];

/// `html` (quoted attributes, as the Markdown renderer and the chart module write them) with
/// every id and in-page link given `prefix`; a link to a chapter in `targets` (its address ->
/// its id) becomes a link to that chapter on this page. Citations (`#ref-...`) keep pointing at
/// the one bibliography.
fn prefix_ids(html: &str, prefix: &str, targets: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some((at, name)) = next_attribute(rest) {
        let value_start = at + name.len() + 3; // ` name="`
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.push_str(&rest[..value_start]);
        let value = &rest[value_start..value_start + len];
        out.push_str(&rewrite(name, value, prefix, targets));
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// The next ` name="` of an id attribute in `html`: its position and the name.
fn next_attribute(html: &str) -> Option<(usize, &'static str)> {
    html.match_indices(' ').find_map(|(i, _)| {
        let after = &html[i + 1..];
        ID_ATTRIBUTES
            .iter()
            .find(|name| after.starts_with(*name) && after[name.len()..].starts_with("=\""))
            .map(|name| (i, *name))
    })
}

fn rewrite(name: &str, value: &str, prefix: &str, targets: &BTreeMap<String, String>) -> String {
    match name {
        "href" => {
            if let Some(frag) = value.strip_prefix('#') {
                if frag.is_empty() || frag.starts_with("ref-") {
                    return value.to_string();
                }
                return format!("#{prefix}{frag}");
            }
            let (page, frag) = value.split_once('#').unwrap_or((value, ""));
            match targets.get(page) {
                Some(id) if frag.is_empty() => format!("#{id}"),
                Some(id) => format!("#{id}--{frag}"),
                None => value.to_string(),
            }
        }
        "id" | "for" => format!("{prefix}{value}"),
        _ => value
            .split_whitespace()
            .map(|id| format!("{prefix}{id}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_links_inside_the_page_are_prefixed_and_chapters_linked_in_place() {
        let targets = BTreeMap::from([("/b/".to_string(), "b".to_string())]);
        let html = r##"<h2 id="x">X</h2><p><a href="#x">up</a> <a href="#ref-doc">Doc</a> <a href="/b/">B</a> <a href="/b/#y">B y</a> <a href="/c/">C</a></p><svg aria-labelledby="t-1 d-1"><title id="t-1">T</title></svg>"##;
        let out = prefix_ids(html, "a--", &targets);
        assert_eq!(
            out,
            r##"<h2 id="a--x">X</h2><p><a href="#a--x">up</a> <a href="#ref-doc">Doc</a> <a href="#b">B</a> <a href="#b--y">B y</a> <a href="/c/">C</a></p><svg aria-labelledby="a--t-1 a--d-1"><title id="a--t-1">T</title></svg>"##
        );
    }

    #[test]
    fn embed_markers_are_renumbered_after_earlier_chapters() {
        let html = format!(
            "a{}b{}c",
            markdown::embed_marker(0),
            markdown::embed_marker(1)
        );
        let out = renumber_embeds(&html, 3);
        assert!(out.contains(markdown::embed_marker(3).trim_end()), "{out}");
        assert!(out.contains(markdown::embed_marker(4).trim_end()), "{out}");
        assert!(!out.contains("fb-embed:0-->"), "{out}");
    }
}
