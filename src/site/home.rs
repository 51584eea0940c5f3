//! The home page: `home.html` at `/`, with the headline key figures, the data bundle, charts, the documents the site summarizes
//! (the sources pages name as their `source`), section counts and the pages that are not chapters.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;

use super::context::{Generator, Link, Meta, SiteCx};
use super::figure::FigureCard;

/// What `home.html` receives.
#[derive(Serialize)]
struct HomeCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    figures: Vec<FigureCard<'a>>,
    charts: &'a [ChartCard<'a>],
    sources: Vec<HomeSource<'a>>,
    counts: Vec<SectionCount<'a>>,
    others: &'a [Link],
    bundle: Option<BundleLink>,
}

/// The zip of every dataset, when the site has datasets.
#[derive(Serialize)]
pub struct BundleLink {
    url: String,
    datasets: usize,
}

/// A chart's thumbnail (home page and the charts index).
#[derive(Serialize, Clone)]
pub struct ChartCard<'a> {
    title: &'a str,
    url: String,
    svg: String,
    description: &'a str,
}

#[derive(Serialize)]
struct HomeSource<'a> {
    html: Option<&'a String>,
    url: String,
}

/// A section of the site and how many items it holds.
#[derive(Serialize)]
struct SectionCount<'a> {
    label: &'a str,
    url: String,
    count: usize,
}

impl<'a> Generator<'a> {
    /// The home page.
    pub fn home(&self, charts: &[ChartCard], others: &[Link]) -> Result<OutputFile, Diagnostic> {
        let inp = self.inp;
        let c = inp.config;
        let figures = self.headline_figures();
        // The documents the site summarizes: every source a page names as its `source`, by id.
        let summarized: std::collections::BTreeSet<&str> = inp
            .site
            .pages
            .iter()
            .filter_map(|p| p.meta.source.as_deref())
            .collect();
        let sources = summarized
            .into_iter()
            .filter_map(|id| self.source(id))
            .map(|s| HomeSource {
                html: self.references.get(&s.id).map(|f| &f.chicago),
                url: self.link(&Kind::Source.url(&s.id)),
            })
            .collect();
        let counts = Kind::ALL
            .iter()
            .filter(|k| k.section().is_some() && **k != Kind::Correction)
            .filter(|k| inp.index.ids(**k).next().is_some())
            .map(|k| SectionCount {
                label: c.strings.kinds(*k),
                url: self.link(&format!("/{}/", k.section().unwrap_or(""))),
                count: inp.index.ids(*k).count(),
            })
            .collect();
        let cx = HomeCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Page, "", &c.title, &c.description),
            cite: self.cite_this(&c.title, "/", "fieldbook-site"),
            figures,
            charts,
            sources,
            counts,
            others,
            bundle: self.bundle_link(),
        };
        self.render("home.html", "index.html".into(), &cx)
    }

    /// The data bundle's address and size, when the site has datasets.
    pub fn bundle_link(&self) -> Option<BundleLink> {
        let n = self.inp.site.datasets.len();
        (n > 0).then(|| BundleLink {
            url: self.link(&format!("/{}", super::bundle::BUNDLE_PATH)),
            datasets: n,
        })
    }

    /// A thumbnail of every drawn chart, in site order.
    pub fn chart_cards(&self) -> Vec<ChartCard<'a>> {
        self.inp
            .site
            .charts
            .iter()
            .filter(|ch| self.inp.charts.contains_key(&ch.id))
            .map(|ch| ChartCard {
                title: &ch.title,
                url: self.link(&Kind::Chart.url(&ch.id)),
                svg: self.link(&format!("/charts/{}.svg", ch.id)),
                description: &ch.description,
            })
            .collect()
    }

    /// Links to every page that is not a chapter (the about page, notes).
    pub fn other_pages(&self) -> Vec<Link> {
        self.inp
            .site
            .pages
            .iter()
            .filter(|p| p.meta.kind != PageKind::Chapter)
            .filter_map(|p| self.item_link(Kind::Page, &p.meta.id))
            .collect()
    }
}
