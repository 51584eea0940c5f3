//! What every page of the site shares: the site-wide template context, links to items, page
//! metadata for link previews, "cite this", backlinks, and the one place a template is rendered
//! (through the cache of rendered units). Page kinds build on [`Generator`].

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::{Formatted, SiteCiter, Work};
use crate::render::markdown::Rendered;

use super::{EmbedUnit, Inputs, PageUnit, RenderPage};

/// A link to an item, with what an index lists beside it.
#[derive(Serialize, Clone)]
pub struct Link {
    /// The item's title.
    pub title: String,
    /// Its address, with the site's base path.
    pub url: String,
    /// Its kind's label (an index may put a part or a letter here).
    pub kind: String,
    /// Its one-line summary.
    pub summary: String,
}

/// The site-wide context every template receives as `site`.
#[derive(Serialize)]
pub struct SiteCx {
    title: String,
    description: String,
    language: String,
    licence: String,
    last_updated: String,
    base: String,
    home: String,
    about: Option<String>,
    sections: Vec<Link>,
    chapters: Vec<Link>,
    /// Whether the site has a search page (`search` in book.toml).
    search: bool,
    /// Whether the Atom feed is written (it needs the site's address, `base-url`).
    feed: bool,
}

/// A page's metadata (`meta` in templates): title, addresses and its link-preview image.
#[derive(Serialize)]
pub struct Meta {
    pub title: String,
    pub kind: String,
    pub kind_label: String,
    pub url: String,
    pub canonical: String,
    pub summary: String,
    pub og_image: String,
    pub og_image_alt: String,
    pub og_image_width: u32,
    pub og_image_height: u32,
    pub og_type: String,
}

/// A reference-list entry of a page (`bibliography`).
#[derive(Serialize)]
pub struct BibEntry<'a> {
    id: &'a str,
    label: String,
    html: Option<&'a String>,
    url: String,
}

/// The places, organizations, people and terms a text names, one group per kind (`named`).
#[derive(Serialize)]
pub struct NamedGroup<'a> {
    label: &'a str,
    items: Vec<Link>,
}

/// The site's lookups, computed once per build and shared by every page kind.
pub struct Generator<'a> {
    pub inp: &'a Inputs<'a>,
    render_page: &'a RenderPage<'a>,
    pub site_cx: SiteCx,
    backlinks: BTreeMap<(Kind, String), Vec<(Kind, String)>>,
    pub chapters: Vec<&'a Page>,
    citer: SiteCiter,
    /// For each page id, the pages (in site order) whose `updates` name it.
    pub updated_by: BTreeMap<&'a str, Vec<&'a str>>,
    /// For each place id, the entities (in site order) whose `parent` it is.
    pub children: BTreeMap<&'a str, Vec<&'a Entity>>,
    /// For each page id, the events (in site order) that list it.
    pub events_of: BTreeMap<&'a str, Vec<&'a str>>,
    /// Each source in every "cite this" format (Chicago is also its reference-list entry).
    pub references: BTreeMap<String, Formatted>,
    /// The date each item last changed, where it has one of its own (`feeds::updated_dates`).
    updated: BTreeMap<(Kind, String), String>,
}

impl<'a> Generator<'a> {
    /// `only`: the items whose backlinks will be asked for, when not all (a preview of one page
    /// need not collect the backlinks of the whole site).
    pub fn new(
        inp: &'a Inputs<'a>,
        render_page: &'a RenderPage<'a>,
        only: Option<&BTreeSet<(Kind, String)>>,
    ) -> Generator<'a> {
        let mut chapters: Vec<&Page> = inp
            .site
            .pages
            .iter()
            .filter(|p| p.meta.kind == PageKind::Chapter)
            .collect();
        chapters.sort_by(|a, b| (a.meta.order, &a.meta.id).cmp(&(b.meta.order, &b.meta.id)));
        let references = inp
            .site
            .sources
            .par_iter()
            .map(|s| (s.id.clone(), inp.styles.formatted(&Work::from_source(s))))
            .collect();
        let mut updated_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for p in &inp.site.pages {
            for u in &p.meta.updates {
                updated_by.entry(u.as_str()).or_default().push(&p.meta.id);
            }
        }
        let mut children: BTreeMap<&str, Vec<&Entity>> = BTreeMap::new();
        for e in &inp.site.entities {
            if let Some(parent) = &e.parent {
                children.entry(parent.as_str()).or_default().push(e);
            }
        }
        Generator {
            inp,
            render_page,
            site_cx: site_context(inp, &chapters),
            updated_by,
            children,
            events_of: events_of(&inp.site.events),
            backlinks: backlinks(inp, only),
            chapters,
            citer: site_citer(inp),
            references,
            updated: super::feeds::updated_dates(inp.site),
        }
    }

    /// A site path with the base path in front.
    pub fn link(&self, path: &str) -> String {
        self.inp.config.link(path)
    }

    /// The interface strings in the site's language.
    pub fn t(&self) -> &'a crate::theme::Strings {
        &self.inp.config.strings
    }

    /// A link to an item, when it exists.
    pub fn item_link(&self, kind: Kind, id: &str) -> Option<Link> {
        let e = self.inp.index.get(kind, id)?;
        Some(Link {
            title: e.title.clone(),
            url: self.link(&e.url),
            kind: self.inp.config.strings.kind(kind).to_string(),
            summary: e.summary.clone(),
        })
    }

    /// The items whose texts link to this one, in site order.
    pub fn backlinks_of(&self, kind: Kind, id: &str) -> Vec<Link> {
        self.backlinks
            .get(&(kind, id.to_string()))
            .map(|l| {
                l.iter()
                    .filter_map(|(k, i)| self.item_link(*k, i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The metadata of an item's page (a page with an empty id is the home page).
    pub fn meta(&self, kind: Kind, id: &str, title: &str, summary: &str) -> Meta {
        let url = if kind == Kind::Page && id.is_empty() {
            "/".to_string()
        } else {
            kind.url(id)
        };
        let (og_image, alt, w, h) = match (kind, self.inp.charts.contains_key(id)) {
            (Kind::Chart, true) => (
                format!("/{}", crate::render::chart::png_path(id)),
                format!("{}: {title}", self.t().kind(Kind::Chart)),
                1200,
                630,
            ),
            _ => match super::card::card_of(self.inp, kind, id, title) {
                // The alt text describes the image shown: the page's own card...
                Some(card) => (
                    format!("/{}", card.path),
                    self.t().fill(
                        "common.page_card_alt",
                        &[
                            ("title", &card.title),
                            ("kind", &card.kind),
                            ("site", &card.site),
                        ],
                    ),
                    1200,
                    630,
                ),
                None => (
                    format!("/{}", crate::render::chart::SITE_CARD_PATH),
                    // ...or the site's card, not the page.
                    self.t()
                        .fill("common.card_alt", &[("title", &self.inp.config.title)]),
                    1200,
                    630,
                ),
            },
        };
        Meta {
            title: title.to_string(),
            kind: kind.ref_name().to_string(),
            kind_label: self.inp.config.strings.kind(kind).to_string(),
            url: self.link(&url),
            canonical: self.inp.config.absolute(&url),
            summary: summary.to_string(),
            og_image: self.inp.config.absolute(&og_image),
            og_image_alt: alt,
            og_image_width: w,
            og_image_height: h,
            og_type: if kind == Kind::Page {
                "article".into()
            } else {
                "website".into()
            },
        }
    }

    /// The metadata of a site-wide page at `path` (an index, the timeline, 404).
    pub fn site_page_meta(&self, path: &str, title: &str, summary: &str) -> Meta {
        Meta {
            url: self.link(path),
            canonical: self.inp.config.absolute(path),
            ..self.meta(Kind::Page, "", title, summary)
        }
    }

    /// "Cite this" for an item of the site, crediting the site and its permalink.
    pub fn cite_this(&self, title: &str, url: &str, key: &str) -> Formatted {
        self.citer
            .formatted(title, &self.inp.config.absolute(url), key)
    }

    /// The date an item last changed (`YYYY-MM-DD`), when it has one of its own: a page's
    /// `updated`, or the latest correction to it. The feed, the sitemap and the page show it.
    pub fn updated_of(&self, kind: Kind, id: &str) -> Option<&str> {
        self.updated
            .get(&(kind, id.to_string()))
            .map(String::as_str)
    }

    /// The rendered Markdown of an item (or of one of its notes, `id#note-N`).
    pub fn md(&self, kind: Kind, id: &str) -> Option<&'a Rendered> {
        self.inp.markdown.get(&(kind, id.to_string()))
    }

    /// The rendered Markdown of an item, or an empty text when it has none.
    pub fn md_or_empty(&self, kind: Kind, id: &str) -> &'a Rendered {
        static EMPTY: std::sync::OnceLock<Rendered> = std::sync::OnceLock::new();
        self.md(kind, id)
            .unwrap_or_else(|| EMPTY.get_or_init(Rendered::default))
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&'a Source> {
        self.inp.site.source(id)
    }

    /// Hands the page at `path` (its template and context) to the caller's renderer, which
    /// renders it, or reuses the last build's file when template and context are unchanged.
    pub fn render<C: Serialize>(
        &self,
        template: &'static str,
        path: String,
        cx: &C,
    ) -> Result<OutputFile, Diagnostic> {
        self.render_with_embeds(template, path, cx, Vec::new())
    }

    /// [`Generator::render`] for a page whose Markdown embeds items (filled in by the renderer).
    pub fn render_with_embeds<C: Serialize>(
        &self,
        template: &'static str,
        path: String,
        cx: &C,
        embeds: Vec<EmbedUnit>,
    ) -> Result<OutputFile, Diagnostic> {
        let context = serde_json::to_value(cx).map_err(|e| {
            Diagnostic::error(
                std::path::Path::new("templates").join(template),
                0,
                0,
                format!("cannot build the template context: {e}"),
            )
        })?;
        (self.render_page)(PageUnit {
            template,
            path,
            context,
            embeds,
        })
    }

    /// The reference list of a text: every source it cites, by label.
    pub fn bibliography(&self, rendered: &'a Rendered) -> Vec<BibEntry<'_>> {
        self.bibliography_of(rendered.cites.iter().map(|c| c.key.as_str()))
    }

    /// The references of these cited source keys (each once), by label.
    pub fn bibliography_of<'k>(&self, cited: impl Iterator<Item = &'k str>) -> Vec<BibEntry<'_>> {
        let keys: BTreeSet<&str> = cited.collect();
        let mut entries: Vec<BibEntry> = keys
            .into_iter()
            .filter_map(|k| self.source(k))
            .map(|s| self.bib_entry(s))
            .collect();
        entries.sort_by(|a, b| a.label.cmp(&b.label));
        entries
    }

    fn bib_entry<'s>(&'s self, s: &'s Source) -> BibEntry<'s> {
        BibEntry {
            id: &s.id,
            label: s.label(),
            html: self.references.get(&s.id).map(|f| &f.chicago),
            url: self.link(&Kind::Source.url(&s.id)),
        }
    }

    /// Every source as a reference, by author and year (the sources index).
    pub fn all_references(&self) -> Vec<BibEntry<'_>> {
        let mut entries: Vec<BibEntry> = self
            .inp
            .site
            .sources
            .iter()
            .map(|s| self.bib_entry(s))
            .collect();
        entries.sort_by(|a, b| (a.label.to_lowercase(), a.id).cmp(&(b.label.to_lowercase(), b.id)));
        entries
    }

    /// The places, organizations, people and terms a text links to, grouped by kind.
    pub fn named(&self, rendered: &Rendered) -> Vec<NamedGroup<'_>> {
        let mut groups: BTreeMap<Kind, Vec<Link>> = BTreeMap::new();
        for (k, id) in &rendered.refs {
            if k.is_entity() {
                if let Some(l) = self.item_link(*k, id) {
                    groups.entry(*k).or_default().push(l);
                }
            }
        }
        groups
            .into_iter()
            .map(|(k, mut items)| {
                items.sort_by(|a, b| a.title.cmp(&b.title));
                NamedGroup {
                    label: self.inp.config.strings.kinds(k),
                    items,
                }
            })
            .collect()
    }
}

/// The `site` context: title, addresses, the section list and the chapters in reading order.
fn site_context(inp: &Inputs, chapters: &[&Page]) -> SiteCx {
    let c = inp.config;
    let link_of = |title: &str, url: &str, kind: &str| Link {
        title: title.into(),
        url: c.link(url),
        kind: kind.into(),
        summary: String::new(),
    };
    let t = &c.strings;
    let mut sections = vec![link_of(t.get("nav.chapters"), "/chapters/", "index")];
    for kind in [
        Kind::Dataset,
        Kind::Chart,
        Kind::Figure,
        Kind::Event,
        Kind::Place,
        Kind::Organization,
        Kind::Person,
        Kind::Term,
        Kind::Source,
    ] {
        // A section with no items is neither generated nor linked.
        if inp.index.ids(kind).next().is_none() {
            continue;
        }
        sections.push(link_of(
            t.kinds(kind),
            &format!("/{}/", kind.section().unwrap_or("")),
            "index",
        ));
    }
    SiteCx {
        title: c.title.clone(),
        description: c.description.clone(),
        language: c.language.clone(),
        licence: c.licence.clone(),
        last_updated: c.last_updated.clone(),
        feed: c.has_address(),
        base: c.base_path.trim_end_matches('/').to_string(),
        home: c.link("/"),
        about: inp
            .site
            .pages
            .iter()
            .find(|p| p.meta.kind == PageKind::About)
            .map(|p| c.link(&Kind::Page.url(&p.meta.id))),
        sections,
        chapters: chapters
            .iter()
            .map(|p| Link {
                title: p.meta.title.clone(),
                url: c.link(&Kind::Page.url(&p.meta.id)),
                kind: p.meta.part.clone().unwrap_or_default(),
                summary: p.meta.summary.clone(),
            })
            .collect(),
        search: c.search,
    }
}

/// Who mentions whom, from every rendered Markdown text and every event's pages.
fn backlinks(
    inp: &Inputs,
    only: Option<&BTreeSet<(Kind, String)>>,
) -> BTreeMap<(Kind, String), Vec<(Kind, String)>> {
    let wanted = |to: &(Kind, String)| only.is_none_or(|o| o.contains(to));
    let mut backlinks: BTreeMap<(Kind, String), Vec<(Kind, String)>> = BTreeMap::new();
    for (from, rendered) in inp.markdown {
        for to in &rendered.refs {
            if to != from && wanted(to) {
                backlinks.entry(to.clone()).or_default().push(from.clone());
            }
        }
    }
    for ev in &inp.site.events {
        for p in &ev.pages {
            backlinks
                .entry((Kind::Event, ev.id.clone()))
                .or_default()
                .push((Kind::Page, p.clone()));
        }
    }
    // Sorted and deduplicated once at the end (a `contains` per insert was quadratic in the
    // number of pages that mention one item).
    for list in backlinks.values_mut() {
        list.sort();
        list.dedup();
    }
    backlinks
}

/// "Cite this" credits the site: its authors, date, publisher and title.
fn site_citer(inp: &Inputs) -> SiteCiter {
    let c = inp.config;
    let site_work = Work {
        kind: "web".into(),
        authors: c.authors.clone(),
        year: c.last_updated.get(..4).and_then(|y| y.parse().ok()),
        date: (!c.last_updated.is_empty()).then(|| c.last_updated.clone()),
        publisher: (!c.publisher.is_empty()).then(|| c.publisher.clone()),
        container: Some(c.title.clone()),
        ..Work::default()
    };
    SiteCiter::new(inp.styles, &site_work)
}

/// For each page id, the events that list it (in site order, once each).
fn events_of(events: &[Event]) -> BTreeMap<&str, Vec<&str>> {
    let mut events_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ev in events {
        for p in &ev.pages {
            let list = events_of.entry(p.as_str()).or_default();
            if !list.contains(&ev.id.as_str()) {
                list.push(&ev.id);
            }
        }
    }
    events_of
}
