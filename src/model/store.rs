//! The whole site as loaded: every item of every kind, and the questions asked of all of them at
//! once (which item has which URL, which web addresses the content writes).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

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
    /// Each kind's positions by id, made on the first lookup (the model is not changed after
    /// it is loaded).
    ids: OnceLock<Ids>,
}

/// Where each item of the kinds looked up by id sits in its list.
#[derive(Debug, Clone, Default)]
struct Ids {
    datasets: HashMap<String, usize>,
    charts: HashMap<String, usize>,
    sources: HashMap<String, usize>,
    figures: HashMap<String, usize>,
}

/// Positions by id; the first of two items with one id (a duplicate is an error of its own).
fn positions<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id.clone()).or_insert(i);
    }
    map
}

impl Site {
    fn ids(&self) -> &Ids {
        self.ids.get_or_init(|| Ids {
            datasets: positions(self.datasets.iter().map(|d| &d.id)),
            charts: positions(self.charts.iter().map(|c| &c.id)),
            sources: positions(self.sources.iter().map(|s| &s.id)),
            figures: positions(self.figures.iter().map(|f| &f.id)),
        })
    }

    /// The dataset with this id.
    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.datasets.get(*self.ids().datasets.get(id)?)
    }

    /// The chart with this id.
    pub fn chart(&self, id: &str) -> Option<&Chart> {
        self.charts.get(*self.ids().charts.get(id)?)
    }

    /// The source with this id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.get(*self.ids().sources.get(id)?)
    }

    /// The key figure with this id.
    pub fn figure(&self, id: &str) -> Option<&KeyFigure> {
        self.figures.get(*self.ids().figures.get(id)?)
    }

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

    /// `text` (a locator, or a source's `cited-in`) as readers see it: a source id after
    /// "cited in ", or before the first comma, becomes the source's author-date label ("cited in
    /// doc2016 II.1" reads "cited in Author and Writer 2016, II.1"). Content keeps the ids, which
    /// `check` follows to the cited text.
    pub fn readable_locator(&self, text: &str) -> String {
        let label = |id: &str| self.source(id).map(super::Source::label);
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        if let Some(l) = text
            .split_once(',')
            .and_then(|(head, _)| label(head.trim()))
        {
            out.push_str(&l);
            rest = &text[text.find(',').unwrap_or(0)..];
        }
        while let Some(at) = rest.find("cited in ") {
            out.push_str(&rest[..at + 9]);
            rest = &rest[at + 9..];
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ')'))
                .unwrap_or(rest.len());
            let Some(l) = label(&rest[..end]) else {
                continue;
            };
            out.push_str(&l);
            rest = &rest[end..];
            if let Some(after) = rest.strip_prefix(' ') {
                if !after.starts_with(['(', ',', ';']) {
                    out.push(',');
                }
            }
        }
        out.push_str(rest);
        out
    }
}
