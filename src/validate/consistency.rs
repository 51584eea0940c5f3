//! Data consistency: recompute what a printed table implies and compare with what it prints.
//!
//! Each dataset declares its arithmetic in `checks:` (shares, row sums, column sums). A mismatch keeps
//! the printed value; it is reported by `check` with both numbers and shown on the dataset page as a
//! data note. Blank cells count as zero in sums (a dash in a printed table means none).

use std::collections::BTreeMap;

use crate::model::{format_number, Cell, Check, Dataset, Row};

/// One printed value that disagrees with what its table implies.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mismatch {
    /// File line of the row.
    pub line: usize,
    /// Human description of the row ("year 2004").
    pub row: String,
    /// What was compared ("share_printed = 100 × part / whole").
    pub what: String,
    /// The value as printed.
    pub printed: String,
    /// The value computed from the table.
    pub computed: String,
}

fn num(c: Option<&Cell>) -> f64 {
    c.and_then(Cell::as_f64).unwrap_or(0.0)
}

fn row_label(d: &Dataset, i: usize) -> String {
    let row = &d.rows[i];
    d.columns
        .iter()
        .find(|c| !c.kind.is_numeric() || c.is_year())
        .and_then(|c| {
            row.get(&c.name)
                .map(|v| format!("{} {}", c.title.to_lowercase(), c.format(v)))
        })
        .unwrap_or_else(|| format!("row {}", i + 1))
}

/// Every mismatch in a dataset.
pub fn mismatches(d: &Dataset) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for check in &d.checks {
        match check {
            Check::Share {
                part,
                whole,
                printed,
            } => out.extend(share_mismatches(d, part, whole, printed)),
            Check::RowSum { parts, total } => out.extend(row_sum_mismatches(d, parts, total)),
            Check::ColumnSum {
                column,
                total_row,
                filter,
            } => out.extend(column_sum_mismatch(d, column, total_row, filter)),
        }
    }
    out
}

/// Rows whose printed percentage `printed` is not 100 × `part` / `whole` at its decimals.
fn share_mismatches(d: &Dataset, part: &str, whole: &str, printed: &str) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let decimals = d.column(printed).and_then(|c| c.decimals).unwrap_or(1) as i32;
    for (i, row) in d.rows.iter().enumerate() {
        let (Some(p), Some(w), Some(shown)) = (
            row.get(part).and_then(Cell::as_f64),
            row.get(whole).and_then(Cell::as_f64),
            row.get(printed).and_then(Cell::as_f64),
        ) else {
            continue;
        };
        if w == 0.0 {
            continue;
        }
        let computed = 100.0 * p / w;
        let scale = 10f64.powi(decimals);
        if ((computed * scale).round() - (shown * scale).round()).abs() >= 1.0 {
            out.push(Mismatch {
                line: d.row_lines.get(i).copied().unwrap_or(0),
                row: row_label(d, i),
                what: format!("{printed} = 100 × {part} / {whole}"),
                printed: format!("{shown:.*}", decimals as usize),
                computed: format!("{computed:.*}", decimals as usize + 1),
            });
        }
    }
    out
}

/// Rows whose printed `total` is not the sum of `parts`.
fn row_sum_mismatches(d: &Dataset, parts: &[String], total: &str) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for (i, row) in d.rows.iter().enumerate() {
        let Some(t) = row.get(total).and_then(Cell::as_f64) else {
            continue;
        };
        let sum: f64 = parts.iter().map(|p| num(row.get(p))).sum();
        if (sum - t).abs() > 1e-6 {
            out.push(Mismatch {
                line: d.row_lines.get(i).copied().unwrap_or(0),
                row: row_label(d, i),
                what: format!("{total} = {}", parts.join(" + ")),
                printed: format_number(t, None),
                computed: format_number(sum, None),
            });
        }
    }
    out
}

/// The total row (matching `total_row`, among the rows matching `filter`) when its `column` is not
/// the sum of the other rows matching `filter`.
fn column_sum_mismatch(
    d: &Dataset,
    column: &str,
    total_row: &BTreeMap<String, String>,
    filter: &BTreeMap<String, String>,
) -> Option<Mismatch> {
    let is_total = |r: &Row| {
        total_row
            .iter()
            .all(|(k, v)| r.get(k).is_some_and(|c| c.matches(v)))
    };
    let selected = |r: &Row| {
        filter
            .iter()
            .all(|(k, v)| r.get(k).is_some_and(|c| c.matches(v)))
    };
    let (ti, trow) = d
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| is_total(r) && selected(r))?;
    let t = trow.get(column).and_then(Cell::as_f64)?;
    let sum: f64 = d
        .rows
        .iter()
        .filter(|r| !is_total(r) && selected(r))
        .map(|r| num(r.get(column)))
        .sum();
    ((sum - t).abs() > 1e-6).then(|| Mismatch {
        line: d.row_lines.get(ti).copied().unwrap_or(0),
        row: row_label(d, ti),
        what: format!("total of {column} over the other rows"),
        printed: format_number(t, None),
        computed: format_number(sum, None),
    })
}

#[cfg(test)]
mod tests;
