//! The site-wide pages: the chapters index and one index per kind (`index.html`), the timeline,
//! corrections, search page, 404, and a redirect page per alias (with `_redirects` for hosts that
//! read it).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;

use super::context::{BibEntry, Generator, Link, Meta, SiteCx};
use super::figure::ThemeCx;
use super::home::{BundleLink, ChartCard};

/// What `index.html` receives for the chapters index.
#[derive(Serialize)]
struct ChaptersCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    items: Vec<Link>,
    others: &'a [Link],
    kind: &'static str,
}

/// What `index.html` receives for the index of one kind.
#[derive(Serialize)]
struct KindIndexCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    items: Vec<Link>,
    kind: &'static str,
    /// Chart thumbnails (the charts index only).
    thumbs: &'a [ChartCard<'a>],
    /// Initial letters (the glossary only); each item's `kind` is then its letter.
    letters: Vec<String>,
    /// The key figures by theme (the figures index only, when figures have themes).
    themes: Vec<ThemeCx<'a>>,
    /// The zip of every dataset (the datasets index only).
    bundle: Option<BundleLink>,
    /// Every source as a formatted reference (the sources index only).
    references: Vec<BibEntry<'a>>,
    /// Each dataset's size, years and source, by the item of the same position (datasets only).
    facts: Vec<String>,
}

/// What `timeline.html` receives.
#[derive(Serialize)]
struct TimelineCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    /// The events by year, oldest first: a heading (`#y-YYYY`) and a year index for readers.
    years: Vec<YearCx<'a>>,
}

/// One year of the timeline.
#[derive(Serialize)]
struct YearCx<'a> {
    year: &'a str,
    events: Vec<EventCx<'a>>,
}

#[derive(Serialize)]
struct EventCx<'a> {
    id: &'a str,
    date: &'a str,
    title: &'a str,
    html: Option<String>,
    source: Option<Link>,
    locator: String,
    pages: Vec<Link>,
}

/// What `corrections.html` receives.
#[derive(Serialize)]
struct CorrectionsCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    corrections: Vec<CorrectionCx<'a>>,
}

#[derive(Serialize)]
struct CorrectionCx<'a> {
    id: &'a str,
    date: &'a str,
    html: Option<String>,
    target: Option<Link>,
}

/// What `search.html` receives: where the index bundle is and how many shards it has.
#[derive(Serialize)]
struct SearchCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    bundle: String,
    shards: usize,
}

/// What `404.html` receives.
#[derive(Serialize)]
struct PlainCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
}

/// What `redirect.html` receives.
#[derive(Serialize)]
struct RedirectCx<'a> {
    site: &'a SiteCx,
    to: String,
    canonical: String,
}

impl<'a> Generator<'a> {
    /// The chapters index, in reading order, each with its part.
    pub fn chapters_index(&self, others: &[Link]) -> Result<OutputFile, Diagnostic> {
        let items = self
            .chapters
            .iter()
            .filter_map(|p| {
                self.item_link(Kind::Page, &p.meta.id).map(|mut l| {
                    l.kind = p.meta.part.clone().unwrap_or_default();
                    l
                })
            })
            .collect();
        let cx = ChaptersCx {
            site: &self.site_cx,
            meta: self.site_page_meta(
                "/chapters/",
                self.t().get("nav.chapters"),
                self.t().get("index.chapters_lede"),
            ),
            cite: self.cite_this(
                self.t().get("nav.chapters"),
                "/chapters/",
                "fieldbook-chapters",
            ),
            items,
            others,
            kind: "chapters",
        };
        self.render("index.html", "chapters/index.html".into(), &cx)
    }

    /// One index per kind, items by title.
    pub fn kind_indexes(&self, charts: &[ChartCard]) -> Result<Vec<OutputFile>, Diagnostic> {
        // Every kind with a section and pages of its own (events and corrections have one page).
        Kind::ALL
            .into_iter()
            .filter(|k| k.section().is_some() && k.has_own_page())
            // A kind with no items gets no index (and no link to one).
            .filter(|k| self.inp.index.ids(*k).next().is_some())
            .map(|kind| self.kind_index(kind, charts))
            .collect()
    }

    fn kind_index(&self, kind: Kind, charts: &[ChartCard]) -> Result<OutputFile, Diagnostic> {
        let section = kind.section().unwrap_or("");
        let mut items: Vec<(Link, &str)> = self
            .inp
            .index
            .ids(kind)
            .filter_map(|id| Some((self.item_link(kind, id)?, id)))
            .collect();
        items.sort_by_key(|(l, _)| l.title.to_lowercase());
        let (mut items, ids): (Vec<Link>, Vec<&str>) = items.into_iter().unzip();
        let facts = if kind == Kind::Dataset {
            ids.iter().map(|id| self.dataset_facts(id)).collect()
        } else {
            Vec::new()
        };
        let letters = if kind == Kind::Term {
            initial_letters(&mut items)
        } else {
            Vec::new()
        };
        let cx = KindIndexCx {
            site: &self.site_cx,
            meta: self.site_page_meta(
                &format!("/{section}/"),
                self.t().kinds(kind),
                &self.t().fill(
                    "index.kind_lede",
                    &[("kind", &self.t().kind(kind).to_lowercase())],
                ),
            ),
            cite: self.cite_this(
                self.t().kinds(kind),
                &format!("/{section}/"),
                &format!("fieldbook-{section}"),
            ),
            items,
            kind: kind.ref_name(),
            thumbs: if kind == Kind::Chart { charts } else { &[] },
            letters,
            themes: if kind == Kind::Figure {
                self.figure_themes()
            } else {
                Vec::new()
            },
            bundle: if kind == Kind::Dataset {
                self.bundle_link()
            } else {
                None
            },
            references: if kind == Kind::Source {
                self.all_references()
            } else {
                Vec::new()
            },
            facts,
        };
        self.render("index.html", format!("{section}/index.html"), &cx)
    }

    /// Every event by date.
    pub fn timeline(&self) -> Result<OutputFile, Diagnostic> {
        let mut events: Vec<&Event> = self.inp.site.events.iter().collect();
        events.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
        let events: Vec<EventCx> = events
            .iter()
            .map(|e| EventCx {
                id: &e.id,
                date: &e.date,
                title: &e.title,
                html: self.md(Kind::Event, &e.id).map(|r| r.html()),
                source: self.item_link(Kind::Source, &e.source).map(|mut l| {
                    // "Author Year" beside each event, not the source's full title each time.
                    if let Some(label) = self
                        .inp
                        .index
                        .get(Kind::Source, &e.source)
                        .and_then(|x| x.cite_label.clone())
                    {
                        l.title = label;
                    }
                    l
                }),
                locator: self.inp.site.readable_locator(&e.locator),
                pages: e
                    .pages
                    .iter()
                    .filter_map(|p| self.item_link(Kind::Page, p))
                    .collect(),
            })
            .collect();
        let summary = match (events.first(), events.last()) {
            (Some(first), Some(last)) => self.t().fill(
                "index.timeline_lede",
                &[("from", year_of(first.date)), ("to", year_of(last.date))],
            ),
            _ => self.t().get("index.timeline_lede_undated").to_string(),
        };
        let title = self.t().kinds(Kind::Event);
        let cx = TimelineCx {
            site: &self.site_cx,
            meta: self.site_page_meta("/timeline/", title, &summary),
            cite: self.cite_this(title, "/timeline/", "fieldbook-timeline"),
            years: by_year(events),
        };
        self.render("timeline.html", "timeline/index.html".into(), &cx)
    }

    /// Every correction, newest first.
    pub fn corrections(&self) -> Result<OutputFile, Diagnostic> {
        let mut corrections: Vec<&Correction> = self.inp.site.corrections.iter().collect();
        corrections.sort_by(|a, b| (&b.date, &a.id).cmp(&(&a.date, &b.id)));
        let corrections = corrections
            .iter()
            .map(|k| CorrectionCx {
                id: &k.id,
                date: &k.date,
                html: self.md(Kind::Correction, &k.id).map(|r| r.html()),
                target: k
                    .target
                    .strip_prefix('@')
                    .and_then(|t| crate::validate::index::parse_ref(t).ok())
                    .and_then(|(kind, id, _)| self.item_link(kind, id)),
            })
            .collect();
        let cx = CorrectionsCx {
            site: &self.site_cx,
            meta: self.site_page_meta(
                "/corrections/",
                self.t().kinds(Kind::Correction),
                self.t().get("index.corrections_lede"),
            ),
            cite: self.cite_this(
                self.t().kinds(Kind::Correction),
                "/corrections/",
                "fieldbook-corrections",
            ),
            corrections,
        };
        self.render("corrections.html", "corrections/index.html".into(), &cx)
    }

    /// The search page; its index is built beside the pages (`shards` bundles to merge).
    pub fn search_page(&self, shards: usize) -> Result<OutputFile, Diagnostic> {
        let cx = SearchCx {
            site: &self.site_cx,
            meta: self.site_page_meta(
                "/search/",
                self.t().get("nav.search"),
                self.t().get("index.search_lede"),
            ),
            cite: self.cite_this(self.t().get("nav.search"), "/search/", "fieldbook-search"),
            bundle: self.link(&format!("/{}/", crate::search::DIR)),
            shards,
        };
        self.render("search.html", "search/index.html".into(), &cx)
    }

    /// The page a host shows for an address the site does not have.
    pub fn not_found(&self) -> Result<OutputFile, Diagnostic> {
        let cx = PlainCx {
            site: &self.site_cx,
            meta: self.site_page_meta(
                "/404.html",
                self.t().get("index.not_found"),
                self.t().get("index.not_found_lede"),
            ),
            cite: self.cite_this(
                self.t().get("index.not_found"),
                "/404.html",
                "fieldbook-404",
            ),
        };
        self.render("404.html", "404.html".into(), &cx)
    }

    /// A redirect page per alias, and `_redirects` listing them all.
    pub fn redirects(&self) -> Result<Vec<OutputFile>, Diagnostic> {
        let c = self.inp.config;
        let mut files = Vec::new();
        let mut redirects = String::new();
        for (from, to) in &self.inp.index.redirects {
            let cx = RedirectCx {
                site: &self.site_cx,
                to: self.link(to),
                canonical: c.absolute(to),
            };
            let path = format!("{}index.html", from.trim_start_matches('/'));
            files.push(self.render("redirect.html", path, &cx)?);
            redirects.push_str(&format!("{} {} 301\n", c.link(from), c.link(to)));
        }
        files.push(OutputFile {
            path: "_redirects".into(),
            bytes: redirects.into_bytes(),
        });
        Ok(files)
    }
}

/// The year of a date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn year_of(date: &str) -> &str {
    date.split('-').next().unwrap_or(date)
}

/// Sets each item's `kind` to the upper-case first letter of its title; returns the letters.
fn initial_letters(items: &mut [Link]) -> Vec<String> {
    for item in items.iter_mut() {
        item.kind = item
            .title
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default();
    }
    items
        .iter()
        .map(|l| l.kind.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Events (already in date order) grouped by the year their date begins with.
fn by_year(events: Vec<EventCx<'_>>) -> Vec<YearCx<'_>> {
    let mut years: Vec<YearCx> = Vec::new();
    for e in events {
        let year = year_of(e.date);
        match years.last_mut() {
            Some(y) if y.year == year => y.events.push(e),
            _ => years.push(YearCx {
                year,
                events: vec![e],
            }),
        }
    }
    years
}
