//! Markdown pages (chapters, the about page, notes): `page.html`, at `/<id>/`.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;
use crate::render::markdown::Heading;

use super::context::{BibEntry, Generator, Link, Meta, NamedGroup, SiteCx};

/// What `page.html` receives.
#[derive(Serialize)]
struct PageCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    page: PageFields<'a>,
    body: &'a str,
    outline: Vec<&'a Heading>,
    bibliography: Vec<BibEntry<'a>>,
    named: Vec<NamedGroup<'a>>,
    prev: Option<Link>,
    next: Option<Link>,
    updates: Vec<Link>,
    updated_by: Vec<Link>,
    backlinks: Vec<Link>,
    scholar: Option<Scholar<'a>>,
    /// schema.org JSON-LD for the head (an `Article` for chapters and articles), escaped for a
    /// `<script>` element.
    json_ld: Option<String>,
    events: Vec<Link>,
    words: usize,
}

#[derive(Serialize)]
struct PageFields<'a> {
    id: &'a str,
    title: &'a str,
    kind: PageKind,
    part: &'a Option<String>,
    locator: Option<String>,
    summary: &'a str,
    /// When the page last changed: its `updated`, or the latest correction to it.
    updated: Option<&'a str>,
    source: Option<SourceLink>,
}

/// The source a page summarizes.
#[derive(Serialize)]
struct SourceLink {
    label: String,
    title: String,
    url: String,
}

/// Google Scholar's (Highwire) `citation_*` tags of a chapter or article. They describe the page
/// itself, the site's text, so they credit whom its "cite this" credits: the site's editors
/// (`authors` in book.toml), its publisher and its date. The report a page summarizes is credited
/// to its own authors on its source page and in the JSON-LD's `isBasedOn`, never as this page's
/// authors.
#[derive(Serialize)]
struct Scholar<'a> {
    title: &'a str,
    authors: &'a [String],
    date: &'a str,
    publisher: &'a str,
}

impl<'a> Generator<'a> {
    /// A page's HTML file.
    pub fn page(&self, p: &'a Page) -> Result<Vec<OutputFile>, Diagnostic> {
        let m = &p.meta;
        let rendered = self.md_or_empty(Kind::Page, &m.id);
        let body = rendered.html();
        let (prev, next) = self.chapter_neighbours(&m.id);
        let source = m.source.as_ref().and_then(|s| self.source(s));
        let cx = PageCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Page, &m.id, &m.title, &m.summary),
            cite: self.cite_this(
                &m.title,
                &Kind::Page.url(&m.id),
                &format!("fieldbook-{}", m.id),
            ),
            page: PageFields {
                id: &m.id,
                title: &m.title,
                kind: m.kind,
                part: &m.part,
                locator: m
                    .locator
                    .as_deref()
                    .map(|l| self.inp.site.readable_locator(l)),
                summary: &m.summary,
                updated: self.updated_of(Kind::Page, &m.id),
                source: source.map(|s| SourceLink {
                    label: s.label(),
                    title: s.title.clone(),
                    url: self.link(&Kind::Source.url(&s.id)),
                }),
            },
            body: &body,
            outline: rendered.headings.iter().filter(|h| h.level <= 3).collect(),
            bibliography: self.bibliography(rendered),
            named: self.named(rendered),
            prev,
            next,
            updates: self.page_links(m.updates.iter().map(String::as_str)),
            updated_by: self.page_links(
                self.updated_by
                    .get(m.id.as_str())
                    .into_iter()
                    .flatten()
                    .copied(),
            ),
            backlinks: self.backlinks_of(Kind::Page, &m.id),
            scholar: (m.kind != PageKind::About).then(|| Scholar {
                title: &m.title,
                authors: &self.inp.config.authors,
                date: &self.inp.config.last_updated,
                publisher: &self.inp.config.publisher,
            }),
            json_ld: self.article_json_ld(p, source),
            events: self
                .events_of
                .get(m.id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|e| self.item_link(Kind::Event, e))
                .collect(),
            words: rendered.words,
        };
        let embeds = rendered
            .embeds
            .iter()
            .map(|e| super::embeds::embed_unit(self.inp, e))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(vec![self.render_with_embeds(
            "page.html",
            format!("{}/index.html", m.id),
            &cx,
            embeds,
        )?])
    }

    /// The chapters before and after this page in reading order (none for other pages).
    fn chapter_neighbours(&self, id: &str) -> (Option<Link>, Option<Link>) {
        let Some(i) = self.chapters.iter().position(|c| c.meta.id == id) else {
            return (None, None);
        };
        let link = |i: usize| {
            self.chapters
                .get(i)
                .and_then(|c| self.item_link(Kind::Page, &c.meta.id))
        };
        (i.checked_sub(1).and_then(link), link(i + 1))
    }

    fn page_links<'b>(&self, ids: impl Iterator<Item = &'b str>) -> Vec<Link> {
        ids.filter_map(|id| self.item_link(Kind::Page, id))
            .collect()
    }
}
