//! Datasets: `dataset.html` at `/data/<id>/`, and the downloads `/data/<id>.csv`,
//! `/data/<id>.json` and the CSV's provenance `/data/<id>.meta.txt` (written by `bundle`). The table context is shared with chart pages (the data behind a chart).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{json, Value};

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;
use crate::validate::consistency::Mismatch;

use super::context::{Generator, Link, Meta, SiteCx};

/// What `dataset.html` receives.
#[derive(Serialize)]
struct DatasetCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    dataset: DatasetFields<'a>,
    table: TableCx<'a>,
    notes: Vec<NoteCx>,
    mismatches: &'a [Mismatch],
    charts: Vec<Link>,
    figures: Vec<Link>,
    source: Option<Link>,
    source_line: String,
    backlinks: Vec<Link>,
    /// schema.org JSON-LD for the head (a `Dataset`), escaped for a `<script>` element.
    json_ld: String,
}

#[derive(Serialize)]
struct DatasetFields<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    locator: String,
    table: &'a Option<String>,
    origin: &'a Option<String>,
    rows: usize,
    csv: String,
    json: String,
    /// The CSV's provenance sidecar, `/data/<id>.meta.txt`.
    meta: String,
    /// The zip of every dataset.
    bundle: String,
}

/// A dataset note, rendered.
#[derive(Serialize)]
struct NoteCx {
    id: String,
    html: String,
}

/// A table: its columns and, per row, each cell as shown.
#[derive(Serialize)]
pub struct TableCx<'a> {
    /// Unique on the page: the ids of the caption and the "show all columns" switch start with it.
    id: String,
    columns: Vec<ColumnCx<'a>>,
    rows: Vec<Vec<CellCx>>,
    /// The titles of the detail columns the reader table hides until "Show all columns".
    details: Vec<&'a str>,
    /// The CSV, which holds every column (said where a printout leaves the details out).
    csv: String,
}

#[derive(Serialize)]
struct ColumnCx<'a> {
    name: &'a str,
    title: &'a str,
    unit: &'a Option<String>,
    numeric: bool,
    description: &'a Option<String>,
    detail: bool,
}

/// A cell: a source column's cell links to the source; any other is its formatted text.
#[derive(Serialize)]
#[serde(untagged)]
enum CellCx {
    Link {
        text: String,
        url: String,
    },
    Value {
        text: String,
        blank: bool,
        /// The number, for sorting (`data-v`).
        #[serde(skip_serializing_if = "Option::is_none")]
        num: Option<f64>,
    },
}

impl<'a> Generator<'a> {
    /// A dataset's page, CSV and JSON.
    pub fn dataset(&self, d: &'a Dataset) -> Result<Vec<OutputFile>, Diagnostic> {
        let mut figures: Vec<Link> = self
            .inp
            .site
            .figures
            .iter()
            .filter(|f| f.dataset.as_deref() == Some(d.id.as_str()))
            .filter_map(|f| self.item_link(Kind::Figure, &f.id))
            .collect();
        figures.sort_by(|a, b| a.title.cmp(&b.title));
        let cx = DatasetCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Dataset, &d.id, &d.title, &d.description),
            cite: self.cite_this(
                &d.title,
                &Kind::Dataset.url(&d.id),
                &format!("fieldbook-data-{}", d.id),
            ),
            dataset: DatasetFields {
                id: &d.id,
                title: &d.title,
                description: &d.description,
                locator: self.inp.site.readable_locator(&d.locator),
                table: &d.table,
                origin: &d.origin_line,
                rows: d.rows.len(),
                csv: self.link(&format!("/data/{}.csv", d.id)),
                json: self.link(&format!("/data/{}.json", d.id)),
                meta: self.link(&format!("/data/{}.meta.txt", d.id)),
                bundle: self.link(&format!("/{}", super::bundle::BUNDLE_PATH)),
            },
            table: self.table_cx(d),
            notes: self.dataset_notes(d),
            mismatches: self.inp.mismatches.get(&d.id).map_or(&[], Vec::as_slice),
            charts: self
                .inp
                .site
                .charts
                .iter()
                .filter(|c| c.dataset == d.id)
                .filter_map(|c| self.item_link(Kind::Chart, &c.id))
                .collect(),
            figures,
            source: self.item_link(Kind::Source, &d.source),
            source_line: self.source_line(d),
            backlinks: self.backlinks_of(Kind::Dataset, &d.id),
            json_ld: self.dataset_json_ld(d),
        };
        let page = self.render("dataset.html", format!("data/{}/index.html", d.id), &cx)?;
        let csv = OutputFile {
            path: format!("data/{}.csv", d.id),
            bytes: csv(d).into_bytes(),
        };
        let json_file = OutputFile {
            path: format!("data/{}.json", d.id),
            bytes: self.dataset_json(d).into_bytes(),
        };
        let meta = OutputFile {
            path: format!("data/{}.meta.txt", d.id),
            bytes: self.dataset_sidecar(d).into_bytes(),
        };
        Ok(vec![page, csv, json_file, meta])
    }

    fn dataset_notes(&self, d: &Dataset) -> Vec<NoteCx> {
        d.notes
            .iter()
            .enumerate()
            .map(|(i, n)| NoteCx {
                id: n.id.clone().unwrap_or_else(|| format!("note-{}", i + 1)),
                html: self
                    .md(Kind::Dataset, &format!("{}#note-{i}", d.id))
                    .map(|r| r.html())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The table of a dataset (or of a chart's rows) as templates show it.
    pub fn table_cx<'d>(&self, d: &'d Dataset) -> TableCx<'d> {
        // A table whose every column is a detail would show nothing: it shows them all then.
        let any_reader_column = d.columns.iter().any(|c| !c.is_detail());
        let columns: Vec<ColumnCx> = d
            .columns
            .iter()
            .map(|c| ColumnCx {
                name: &c.name,
                title: &c.title,
                unit: &c.unit,
                numeric: c.kind.is_numeric() && !c.is_year(),
                description: &c.description,
                detail: any_reader_column && c.is_detail(),
            })
            .collect();
        let rows = d
            .rows
            .iter()
            .map(|r| d.columns.iter().map(|c| self.cell_cx(c, r)).collect())
            .collect();
        let details = columns
            .iter()
            .filter(|c| c.detail)
            .map(|c| c.title)
            .collect();
        TableCx {
            id: format!("table-{}", d.id),
            columns,
            rows,
            details,
            csv: self.link(&format!("/data/{}.csv", d.id)),
        }
    }

    fn cell_cx(&self, c: &Column, r: &Row) -> CellCx {
        let cell = r.get(&c.name).unwrap_or(&Cell::Blank);
        match (c.kind, cell) {
            (ColumnType::Source, Cell::Text(id)) => CellCx::Link {
                text: self
                    .source(id)
                    .map(Source::label)
                    .unwrap_or_else(|| id.clone()),
                url: self.link(&Kind::Source.url(id)),
            },
            (_, Cell::Text(id)) if c.links.is_some() => {
                let kind = c.links.as_deref().and_then(Kind::from_ref_name);
                match kind.and_then(|k| self.item_link(k, id)) {
                    Some(l) => CellCx::Link {
                        text: l.title,
                        url: l.url,
                    },
                    None => CellCx::Value {
                        text: id.clone(),
                        blank: false,
                        num: None,
                    },
                }
            }
            _ => CellCx::Value {
                text: self.inp.site.readable_locator(&c.format(cell)),
                blank: matches!(cell, Cell::Blank),
                num: cell.as_f64().filter(|n| n.is_finite()),
            },
        }
    }

    /// A dataset's size, the years it covers (from its first year column) and its source line,
    /// for the datasets index: "20 rows, 1990-2009. Source: ..., p. 79".
    pub fn dataset_facts(&self, id: &str) -> String {
        let Some(d) = self.inp.site.dataset(id) else {
            return String::new();
        };
        let years: Vec<f64> = d
            .columns
            .iter()
            .find(|c| c.is_year())
            .map(|c| {
                d.rows
                    .iter()
                    .filter_map(|r| r.get(&c.name).and_then(Cell::as_f64))
                    .collect()
            })
            .unwrap_or_default();
        let first = years.iter().copied().fold(f64::INFINITY, f64::min);
        let last = years.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let rows = d.rows.len().to_string();
        let size = if years.is_empty() {
            self.t().fill("index.dataset_rows", &[("rows", &rows)])
        } else {
            let span = if first == last {
                format!("{first}")
            } else {
                format!("{first}-{last}")
            };
            self.t().fill(
                "index.dataset_rows_years",
                &[("rows", &rows), ("years", &span)],
            )
        };
        format!("{size}. {}", self.source_line(d))
    }

    /// "Source: <label>, <locator>" under a table or chart.
    pub fn source_line(&self, d: &Dataset) -> String {
        let label = self
            .source(&d.source)
            .map(Source::label)
            .unwrap_or_else(|| d.source.clone());
        self.t().fill(
            "common.source_of",
            &[
                ("source", &label),
                ("locator", &self.inp.site.readable_locator(&d.locator)),
            ],
        )
    }

    /// The JSON download: every value exactly, with the sources, licence and consistency notes.
    pub(super) fn dataset_json(&self, d: &Dataset) -> String {
        let source = self.source(&d.source);
        let row_sources = row_source_ids(d);
        let sources: Vec<Value> = row_sources
            .iter()
            .chain(std::iter::once(&d.source.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|id| self.source(id))
            .map(|s| json!({"id": s.id, "citation": s.label(), "title": s.title}))
            .collect();
        // A JSON object with sorted keys (serde_json's map), so the file's bytes are stable.
        let doc = json!({
            "id": d.id, "title": d.title, "description": d.description,
            "url": self.inp.config.absolute(&Kind::Dataset.url(&d.id)),
            "source": source.map(|s| json!({"id": s.id, "citation": s.label(), "title": s.title})), "locator": d.locator, "table": d.table, "origin": d.origin_line,
            "sources": sources,
            "licence": self.inp.config.licence,
            "columns": d.columns, "rows": d.rows, "notes": d.notes.iter().map(|n| &n.text).collect::<Vec<_>>(),
            "consistency": self.inp.mismatches.get(&d.id),
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    }
}

/// The source ids the rows name in columns of type `source`, sorted.
pub(super) fn row_source_ids(d: &Dataset) -> BTreeSet<&str> {
    d.rows
        .iter()
        .flat_map(|r| {
            d.columns
                .iter()
                .filter(|c| c.kind == ColumnType::Source)
                .filter_map(move |c| match r.get(&c.name) {
                    Some(Cell::Text(t)) => Some(t.as_str()),
                    _ => None,
                })
        })
        .collect()
}

/// RFC 4180 CSV (the `csv` crate) with a header row of column names; blanks stay empty. A text
/// cell that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, and is more than that sign or a number) gets a leading `'`, as OWASP
/// recommends; numbers are written as they are and the JSON download keeps every value exactly.
pub fn csv(d: &Dataset) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(d.columns.iter().map(|c| c.name.as_str()));
    for r in &d.rows {
        let _ = w.write_record(d.columns.iter().map(|c| match r.get(&c.name) {
            Some(Cell::Text(t)) => neutralize_formula(t),
            Some(cell) => cell.raw(),
            None => String::new(),
        }));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A text cell as written to CSV: with a leading `'` when a spreadsheet would read it as a formula.
/// A lone sign (`-`, printed for "none") and a plain number (`-5.3`) cannot run and stay as printed.
pub fn neutralize_formula(text: &str) -> String {
    let inert = text.chars().count() == 1 || text.trim().parse::<f64>().is_ok();
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !inert {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
