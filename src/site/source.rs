//! Sources: `source.html` at `/sources/<id>/`, with the reference in every citation style and the
//! datasets and key figures drawn from it.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::{Formatted, Work};

use super::context::{Generator, Link, Meta, SiteCx};

/// What `source.html` receives.
#[derive(Serialize)]
struct SourceCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    /// The source itself in every style (not the site's page about it).
    cite: &'a Formatted,
    reference: &'a str,
    source: &'a Source,
    label: String,
    /// Where the report cites it, with source ids read as labels.
    cited_in: Option<String>,
    datasets: Vec<Link>,
    figures: Vec<Link>,
    backlinks: Vec<Link>,
}

impl<'a> Generator<'a> {
    /// A source's HTML file.
    pub fn source_page(&self, s: &'a Source) -> Result<Vec<OutputFile>, Diagnostic> {
        let fallback;
        let formatted = match self.references.get(&s.id) {
            Some(f) => f,
            None => {
                fallback = self.inp.styles.formatted(&Work::from_source(s));
                &fallback
            }
        };
        let cx = SourceCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Source, &s.id, &s.title, &s.label()),
            cite: formatted,
            reference: &formatted.chicago,
            source: s,
            label: s.label(),
            cited_in: s
                .cited_in
                .as_deref()
                .map(|c| self.inp.site.readable_locator(c)),
            datasets: self.datasets_drawing_on(s),
            figures: self
                .inp
                .site
                .figures
                .iter()
                .filter(|f| f.source == s.id)
                .filter_map(|f| self.item_link(Kind::Figure, &f.id))
                .collect(),
            backlinks: self.backlinks_of(Kind::Source, &s.id),
        };
        Ok(vec![self.render(
            "source.html",
            format!("sources/{}/index.html", s.id),
            &cx,
        )?])
    }

    /// Datasets whose source is `s` or that cite it in a row.
    fn datasets_drawing_on(&self, s: &Source) -> Vec<Link> {
        self.inp
            .site
            .datasets
            .iter()
            .filter(|d| {
                d.source == s.id
                    || d.rows
                        .iter()
                        .any(|r| r.values().any(|v| matches!(v, Cell::Text(t) if t == &s.id)))
            })
            .filter_map(|d| self.item_link(Kind::Dataset, &d.id))
            .collect()
    }
}
