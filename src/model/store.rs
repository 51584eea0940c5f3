//! The whole site as loaded: every item of every kind, and the questions asked of all of them at
//! once (which item has which URL, which web addresses the content writes).

use std::collections::BTreeMap;

use super::charts::Chart;
use super::datasets::Dataset;
use super::entities::Entity;
use super::events::{Correction, Event};
use super::figures::KeyFigure;
use super::kind::{Kind, Origin};
use super::pages::Page;
use super::sources::Source;

/// The whole site: every item, loaded and checked.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Markdown pages.
    pub pages: Vec<Page>,
    /// Datasets.
    pub datasets: Vec<Dataset>,
    /// Chart specs.
    pub charts: Vec<Chart>,
    /// Places, organizations, people and terms.
    pub entities: Vec<Entity>,
    /// Timeline events.
    pub events: Vec<Event>,
    /// Bibliography.
    pub sources: Vec<Source>,
    /// Key figures.
    pub figures: Vec<KeyFigure>,
    /// Corrections log.
    pub corrections: Vec<Correction>,
}

impl Site {
    /// Where each item with a page of its own was declared, by its site path (`/places/x/`).
    pub fn origins_by_url(&self) -> BTreeMap<String, &Origin> {
        let mut out = BTreeMap::new();
        out.extend(
            self.pages
                .iter()
                .map(|p| (Kind::Page.url(&p.meta.id), &p.origin)),
        );
        out.extend(
            self.datasets
                .iter()
                .map(|d| (Kind::Dataset.url(&d.id), &d.origin)),
        );
        out.extend(
            self.charts
                .iter()
                .map(|c| (Kind::Chart.url(&c.id), &c.origin)),
        );
        out.extend(
            self.entities
                .iter()
                .map(|e| (e.kind.kind().url(&e.id), &e.origin)),
        );
        out.extend(
            self.sources
                .iter()
                .map(|s| (Kind::Source.url(&s.id), &s.origin)),
        );
        out.extend(
            self.figures
                .iter()
                .map(|f| (Kind::Figure.url(&f.id), &f.origin)),
        );
        out
    }

    /// Every web address written in content, with where it was declared and its field name: the
    /// URL-valued fields of every kind, so one policy (`index::check_web_address`) covers them all.
    /// A new URL field of any kind is added here.
    pub fn web_addresses(&self) -> Vec<(&str, &Origin, &'static str)> {
        self.sources
            .iter()
            .filter_map(|s| Some((s.url.as_deref()?, &s.origin, "url")))
            .collect()
    }
}
