//! Key figures: `figure.html` at `/figures/<id>/`, one citable number with its source and locator.

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
    locator: &'a str,
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
                locator: &f.locator,
            },
            source: self.item_link(Kind::Source, &f.source),
            dataset: f
                .dataset
                .as_ref()
                .and_then(|d| self.item_link(Kind::Dataset, d)),
            note: self.md(Kind::Figure, &f.id).map(|r| r.html.clone()),
            backlinks: self.backlinks_of(Kind::Figure, &f.id),
        };
        Ok(vec![self.render(
            "figure.html",
            format!("figures/{}/index.html", f.id),
            &cx,
        )?])
    }
}
