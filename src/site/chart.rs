//! Charts: `chart.html` at `/charts/<id>/`, the bare `embed.html` at `/embed/<id>/` (for an
//! iframe), and the drawn files `/charts/<id>.svg` and the link-preview PNG.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::cite::Formatted;
use crate::render::escape::attr as escape_attr;

use super::context::{Generator, Link, Meta, SiteCx};
use super::dataset::TableCx;

/// What `chart.html` and `embed.html` receive.
#[derive(Serialize)]
struct ChartCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    chart: ChartFields<'a>,
    iframe: String,
    breaks: Vec<BreakCx>,
    notes: Vec<String>,
    table: TableCx<'a>,
    dataset: Option<Link>,
    csv: String,
    json: String,
    source_line: String,
    backlinks: Vec<Link>,
}

/// A series break as the chart's notes list it.
#[derive(Serialize)]
struct BreakCx {
    /// The x value where the new basis begins, as written ("2006").
    at: String,
    /// Its label.
    label: String,
    /// The sentence the SVG draws among its notes ("Series break at 2006: ...").
    note: String,
}

#[derive(Serialize)]
struct ChartFields<'a> {
    id: &'a str,
    title: &'a str,
    subtitle: &'a Option<String>,
    description: &'a str,
    wide: &'a str,
    narrow: &'a str,
    svg: String,
    png: String,
    embed: String,
}

impl<'a> Generator<'a> {
    /// A chart's page, embed page, SVG and PNG (nothing when the chart was not drawn).
    pub fn chart(&self, c: &'a Chart) -> Result<Vec<OutputFile>, Diagnostic> {
        let Some(out) = self.inp.charts.get(&c.id) else {
            return Ok(Vec::new());
        };
        let Some(d) = self.inp.site.dataset(&c.dataset) else {
            return Ok(Vec::new());
        };
        // The data behind the chart: the chart's rows, with source/locator columns when present.
        let sub = Dataset {
            rows: c.rows(d).into_iter().cloned().collect(),
            ..d.clone()
        };
        let embed_url = self.inp.config.absolute(&format!("/embed/{}/", c.id));
        let cx = ChartCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Chart, &c.id, &c.title, &c.description),
            cite: self.cite_this(
                &c.title,
                &Kind::Chart.url(&c.id),
                &format!("fieldbook-chart-{}", c.id),
            ),
            chart: self.chart_fields(c, out),
            iframe: format!("<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"560\" style=\"border:0\" loading=\"lazy\"></iframe>", embed_url, escape_attr(&c.title)),
            breaks: c
                .breaks
                .iter()
                .map(|b| BreakCx {
                    at: b.at_text(),
                    label: b.label.clone(),
                    note: b.note(self.inp.config.strings.get("chart.series_break")),
                })
                .collect(),
            notes: (0..c.notes.len())
                .filter_map(|i| {
                    self.md(Kind::Chart, &format!("{}#note-{i}", c.id))
                        .map(|r| r.html.clone())
                })
                .collect(),
            table: self.table_cx(&sub),
            dataset: self.item_link(Kind::Dataset, &d.id),
            csv: self.link(&format!("/data/{}.csv", d.id)),
            json: self.link(&format!("/data/{}.json", d.id)),
            source_line: self.source_line(d),
            backlinks: self.backlinks_of(Kind::Chart, &c.id),
        };
        let page = self.render("chart.html", format!("charts/{}/index.html", c.id), &cx)?;
        let embed = self.render("embed.html", format!("embed/{}/index.html", c.id), &cx)?;
        Ok(vec![
            page,
            embed,
            OutputFile {
                path: format!("charts/{}.svg", c.id),
                bytes: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", out.wide)
                    .into_bytes(),
            },
            OutputFile {
                path: crate::render::chart::png_path(&c.id),
                bytes: out.png.clone(),
            },
        ])
    }

    fn chart_fields(&self, c: &'a Chart, out: &'a ChartOut) -> ChartFields<'a> {
        ChartFields {
            id: &c.id,
            title: &c.title,
            subtitle: &c.subtitle,
            description: &c.description,
            wide: &out.wide,
            narrow: &out.narrow,
            svg: self.link(&format!("/charts/{}.svg", c.id)),
            png: self.link(&format!("/charts/{}.png", c.id)),
            embed: self.link(&format!("/embed/{}/", c.id)),
        }
    }
}
