//! Embeds: a chart, a data table or a key figure placed in a Markdown page, rendered through
//! `embed_chart.html`, `embed_dataset.html` or `embed_figure.html`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::config::Config;
use crate::model::*;
use crate::render::chart::ChartOut;
use crate::render::templates::Templates;

/// Renders embeds (charts, data tables, key figures) inside Markdown pages through templates.
pub struct Embeds<'a> {
    /// Configuration.
    pub config: &'a Config,
    /// The model.
    pub site: &'a Site,
    /// Templates.
    pub templates: &'a Templates,
    /// Rendered charts.
    pub charts: &'a BTreeMap<String, ChartOut>,
}

impl crate::render::markdown::Embedder for Embeds<'_> {
    fn embed(&self, kind: Kind, id: &str, number: usize, caption: Option<&str>) -> String {
        let c = self.config;
        let anchor = crate::render::markdown::embed_anchor(kind, id);
        let cx = match kind {
            Kind::Chart => {
                let (Some(chart), Some(out)) = (
                    self.site.chart(id),
                    self.charts.get(id),
                ) else {
                    return String::new();
                };
                json!({"anchor": anchor, "number": number, "caption": caption, "title": chart.title, "description": chart.description,
                       "wide": out.wide,
                       "narrow": out.narrow,
                       "url": c.link(&Kind::Chart.url(id)), "data": c.link(&Kind::Dataset.url(&chart.dataset)), "svg": c.link(&format!("/charts/{id}.svg")), "png": c.link(&format!("/charts/{id}.png"))})
            }
            Kind::Dataset => {
                let Some(d) = self.site.dataset(id) else {
                    return String::new();
                };
                let columns: Vec<Value> = d.columns.iter().filter(|col| col.kind != ColumnType::Source && col.name != "locator").map(|col| json!({"title": col.title, "unit": col.unit, "numeric": col.kind.is_numeric() && !col.is_year()})).collect();
                let rows: Vec<Vec<String>> = d
                    .rows
                    .iter()
                    .take(40)
                    .map(|r| {
                        d.columns
                            .iter()
                            .filter(|col| col.kind != ColumnType::Source && col.name != "locator")
                            .map(|col| {
                                self.cell_text(col, r.get(&col.name).unwrap_or(&Cell::Blank))
                            })
                            .collect()
                    })
                    .collect();
                json!({"anchor": anchor, "number": number, "caption": caption, "title": d.title, "locator": self.site.readable_locator(&d.locator), "source": self.site.source(&d.source).map(Source::label), "columns": columns, "rows": rows, "more": d.rows.len().saturating_sub(40),
                       "url": c.link(&Kind::Dataset.url(id)), "csv": c.link(&format!("/data/{id}.csv"))})
            }
            Kind::Figure => {
                let Some(f) = self.site.figure(id) else {
                    return String::new();
                };
                json!({"anchor": anchor, "number": number, "shown": f.shown(), "unit": f.unit, "statement": f.statement, "locator": self.site.readable_locator(&f.locator), "url": c.link(&Kind::Figure.url(id))})
            }
            _ => return String::new(),
        };
        let template = match kind {
            Kind::Chart => "embed_chart.html",
            Kind::Dataset => "embed_dataset.html",
            _ => "embed_figure.html",
        };
        self.templates.render(template, &cx).unwrap_or_else(|d| {
            format!(
                "<p class=\"error\">{}</p>",
                crate::render::markdown::escape_text(&d.message)
            )
        })
    }
}

impl Embeds<'_> {
    /// A cell of an embedded table as text: a linked column's id as the item's name, a locator with
    /// source labels.
    fn cell_text(&self, col: &Column, cell: &Cell) -> String {
        let kind = col.links.as_deref().and_then(Kind::from_ref_name);
        if let (Some(k), Cell::Text(id)) = (kind, cell) {
            if let Some(e) = self
                .site
                .entities
                .iter()
                .find(|e| e.kind.kind() == k && e.id == *id)
            {
                return e.name.clone();
            }
        }
        self.site.readable_locator(&col.format(cell))
    }
}
