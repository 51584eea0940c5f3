//! Key figures: `figure.html` at `/figures/<id>/`, one citable number with its source and locator;
//! the figure cards the home page (headline figures) and the figures index (by theme) list.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;

use super::context::{Generator, Link, Meta, SiteCx};

/// What `figure.html` receives.
#[derive(Serialize)]
struct FigureCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    figure: FigureFields<'a>,
    source: Option<Link>,
    dataset: Option<Link>,
    note: Option<String>,
    backlinks: Vec<Link>,
}

#[derive(Serialize)]
struct FigureFields<'a> {
    id: &'a str,
    statement: &'a str,
    shown: String,
    unit: &'a str,
    year: i32,
    locator: String,
}

impl<'a> Generator<'a> {
    /// A key figure's HTML file.
    pub fn figure(&self, f: &'a KeyFigure) -> Result<Vec<OutputFile>, Diagnostic> {
        let cx = FigureCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Figure, &f.id, &f.statement, &f.statement),
            cite: self.cite_this(
                &f.statement,
                &Kind::Figure.url(&f.id),
                &format!("fieldbook-figure-{}", f.id),
            ),
            figure: FigureFields {
                id: &f.id,
                statement: &f.statement,
                shown: f.shown(),
                unit: &f.unit,
                year: f.year,
                locator: self.inp.site.readable_locator(&f.locator),
            },
            source: self.item_link(Kind::Source, &f.source),
            dataset: f
                .dataset
                .as_ref()
                .and_then(|d| self.item_link(Kind::Dataset, d)),
            note: self.md(Kind::Figure, &f.id).map(|r| r.html()),
            backlinks: self.backlinks_of(Kind::Figure, &f.id),
        };
        Ok(vec![self.render(
            "figure.html",
            format!("figures/{}/index.html", f.id),
            &cx,
        )?])
    }
}

/// A key figure as the home page and the figures index list it.
#[derive(Serialize)]
pub struct FigureCard<'a> {
    shown: String,
    unit: &'a str,
    statement: &'a str,
    year: i32,
    url: String,
    /// The source's author-date label.
    source: Option<String>,
    /// The source's page.
    source_url: String,
    locator: String,
}

/// A theme of the figures index: its title, an anchor, and its figures by year.
#[derive(Serialize)]
pub struct ThemeCx<'a> {
    title: &'a str,
    id: String,
    figures: Vec<FigureCard<'a>>,
}

impl<'a> Generator<'a> {
    /// A figure's card: value, unit, statement, year, source and locator.
    pub fn figure_card(&self, f: &'a KeyFigure) -> FigureCard<'a> {
        FigureCard {
            shown: f.shown(),
            unit: &f.unit,
            statement: &f.statement,
            year: f.year,
            url: self.link(&Kind::Figure.url(&f.id)),
            source: self.source(&f.source).map(Source::label),
            source_url: self.link(&Kind::Source.url(&f.source)),
            locator: self.inp.site.readable_locator(&f.locator),
        }
    }

    /// The figures marked `headline`, in file order (the home page).
    pub fn headline_figures(&self) -> Vec<FigureCard<'a>> {
        let site: &'a Site = self.inp.site;
        site.figures
            .iter()
            .filter(|f| f.headline)
            .map(|f| self.figure_card(f))
            .collect()
    }

    /// The figures by theme, themes in the order of their first figure in the files, figures by
    /// year within each; empty when no figure has a theme.
    pub fn figure_themes(&self) -> Vec<ThemeCx<'a>> {
        let site: &'a Site = self.inp.site;
        let mut titles: Vec<&'a str> = Vec::new();
        for t in site.figures.iter().filter_map(|f| f.theme.as_deref()) {
            if !titles.contains(&t) {
                titles.push(t);
            }
        }
        titles
            .into_iter()
            .map(|title| {
                let mut figures: Vec<&'a KeyFigure> = site
                    .figures
                    .iter()
                    .filter(|f| f.theme.as_deref() == Some(title))
                    .collect();
                figures.sort_by_key(|f| f.year);
                ThemeCx {
                    title,
                    id: crate::render::markdown::slug(title, 60),
                    figures: figures.into_iter().map(|f| self.figure_card(f)).collect(),
                }
            })
            .collect()
    }
}
