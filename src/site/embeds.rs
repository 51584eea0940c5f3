//! Embeds: a chart, a data table or a key figure placed in a Markdown page. The Markdown stage
//! leaves a marker and an [`Embed`] record; here each becomes an [`EmbedUnit`] (the
//! `embed_chart.html`, `embed_dataset.html` or `embed_figure.html` template and its context),
//! which the build renders and puts at its marker.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::render::markdown::{embed_anchor, Embed};

use super::{EmbedUnit, Inputs};

/// The rows an embedded table shows; the dataset's page has them all.
const TABLE_ROWS: usize = 40;

/// What `embed_chart.html` receives.
#[derive(Serialize)]
struct ChartEmbed<'a> {
    anchor: String,
    number: usize,
    caption: Option<&'a str>,
    title: &'a str,
    description: &'a str,
    wide: &'a str,
    medium: &'a str,
    narrow: &'a str,
    url: String,
    data: String,
    svg: String,
    png: String,
}

/// A column of an embedded table.
#[derive(Serialize)]
struct EmbedColumn<'a> {
    title: &'a str,
    unit: &'a Option<String>,
    numeric: bool,
}

/// What `embed_dataset.html` receives.
#[derive(Serialize)]
struct DatasetEmbed<'a> {
    anchor: String,
    number: usize,
    caption: Option<&'a str>,
    title: &'a str,
    locator: String,
    source: Option<String>,
    columns: Vec<EmbedColumn<'a>>,
    rows: Vec<Vec<String>>,
    more: usize,
    url: String,
    csv: String,
}

/// What `embed_figure.html` receives.
#[derive(Serialize)]
struct FigureEmbed<'a> {
    anchor: String,
    number: usize,
    shown: String,
    unit: &'a str,
    statement: &'a str,
    locator: String,
    url: String,
}

/// The template and context of one embedded item.
pub fn embed_unit(inp: &Inputs, e: &Embed) -> Result<EmbedUnit, Diagnostic> {
    let missing = || {
        Diagnostic::error(
            "content",
            0,
            0,
            format!("cannot embed {}/{}: no such item", e.kind.ref_name(), e.id),
        )
    };
    let (template, context) = match e.kind {
        Kind::Chart => ("embed_chart.html", chart_embed(inp, e).ok_or_else(missing)?),
        Kind::Dataset => (
            "embed_dataset.html",
            dataset_embed(inp, e).ok_or_else(missing)?,
        ),
        Kind::Figure => (
            "embed_figure.html",
            figure_embed(inp, e).ok_or_else(missing)?,
        ),
        _ => return Err(missing()),
    };
    let context = context.map_err(|err| {
        Diagnostic::error(
            std::path::Path::new("templates").join(template),
            0,
            0,
            format!("cannot build the template context: {err}"),
        )
    })?;
    Ok(EmbedUnit { template, context })
}

type Context = serde_json::Result<serde_json::Value>;

fn chart_embed(inp: &Inputs, e: &Embed) -> Option<Context> {
    let (c, id) = (inp.config, e.id.as_str());
    let chart = inp.site.chart(id)?;
    let out = inp.charts.get(id)?;
    Some(serde_json::to_value(ChartEmbed {
        anchor: embed_anchor(e.kind, id),
        number: e.number,
        caption: e.caption.as_deref(),
        title: &chart.title,
        description: &chart.description,
        wide: &out.wide,
        medium: &out.medium,
        narrow: &out.narrow,
        url: c.link(&Kind::Chart.url(id)),
        data: c.link(&Kind::Dataset.url(&chart.dataset)),
        svg: c.link(&format!("/charts/{id}.svg")),
        png: c.link(&format!("/charts/{id}.png")),
    }))
}

fn dataset_embed(inp: &Inputs, e: &Embed) -> Option<Context> {
    let (c, id) = (inp.config, e.id.as_str());
    let d = inp.site.dataset(id)?;
    let shown: Vec<&Column> = d.columns.iter().filter(|col| !col.is_detail()).collect();
    Some(serde_json::to_value(DatasetEmbed {
        anchor: embed_anchor(e.kind, id),
        number: e.number,
        caption: e.caption.as_deref(),
        title: &d.title,
        locator: inp.site.readable_locator(&d.locator),
        source: inp.site.source(&d.source).map(Source::label),
        columns: shown
            .iter()
            .map(|col| EmbedColumn {
                title: &col.title,
                unit: &col.unit,
                numeric: col.kind.is_numeric() && !col.is_year(),
            })
            .collect(),
        rows: d
            .rows
            .iter()
            .take(TABLE_ROWS)
            .map(|r| {
                shown
                    .iter()
                    .map(|col| cell_text(inp, col, r.get(&col.name).unwrap_or(&Cell::Blank)))
                    .collect()
            })
            .collect(),
        more: d.rows.len().saturating_sub(TABLE_ROWS),
        url: c.link(&Kind::Dataset.url(id)),
        csv: c.link(&format!("/data/{id}.csv")),
    }))
}

fn figure_embed(inp: &Inputs, e: &Embed) -> Option<Context> {
    let f = inp.site.figure(&e.id)?;
    Some(serde_json::to_value(FigureEmbed {
        anchor: embed_anchor(e.kind, &e.id),
        number: e.number,
        shown: f.shown(),
        unit: &f.unit,
        statement: &f.statement,
        locator: inp.site.readable_locator(&f.locator),
        url: inp.config.link(&Kind::Figure.url(&e.id)),
    }))
}

/// A cell of an embedded table as text: a linked column's id as the item's name, a locator with
/// source labels.
fn cell_text(inp: &Inputs, col: &Column, cell: &Cell) -> String {
    let kind = col.links.as_deref().and_then(Kind::from_ref_name);
    if let (Some(k), Cell::Text(id)) = (kind, cell) {
        if let Some(e) = inp
            .site
            .entities
            .iter()
            .find(|e| e.kind.kind() == k && e.id == *id)
        {
            return e.name.clone();
        }
    }
    inp.site.readable_locator(&col.format(cell))
}
