//! Datasets against their source's text: every numeric cell outside year columns printed where its
//! row's or the dataset's locator says, or, when a note declares it derived, recomputed.

use crate::model::{Cell, ColumnType, Dataset, Origin, Row};

use super::formulas::{declarations, eval, recompute};
use super::locators::{locate, look};
use super::numbers::prints;
use super::positions::{key_col, origin_at, Lines};
use super::{Cx, Report};

/// A dataset: every numeric cell outside year columns, where its row's or the dataset's locator says.
pub(super) fn dataset(cx: &Cx, r: &mut Report, d: &Dataset) {
    static NONE: Lines = Lines::empty();
    let yaml = cx.files.get(&d.origin.path).unwrap_or(&NONE);
    let notes = d
        .notes
        .iter()
        .map(|n| n.text.as_str())
        .chain(d.columns.iter().filter_map(|c| c.description.as_deref()));
    let declared: Vec<Derivation> = notes
        .flat_map(declarations)
        .filter_map(|(t, f)| Derivation::new(&t, f))
        .collect();
    let source_col = d
        .columns
        .iter()
        .find(|c| c.kind == ColumnType::Source)
        .map(|c| c.name.as_str());
    let table = Table {
        d,
        yaml,
        declared,
        source_col,
        locator_at: origin_at(yaml, &d.origin, "locator"),
    };
    for i in 0..d.rows.len() {
        table.row(cx, r, i);
    }
}

/// A dataset with what checking its rows needs: its file's text, its derived declarations, its
/// source column and where its `locator` is written.
struct Table<'d> {
    d: &'d Dataset,
    yaml: &'d Lines,
    declared: Vec<Derivation>,
    source_col: Option<&'d str>,
    locator_at: Origin,
}

impl Table<'_> {
    /// The declaration that makes column `col` of `row` derived, if any.
    fn derived_at(&self, col: &str, row: &Row) -> Option<&Derivation> {
        self.declared
            .iter()
            .find(|x| x.column == col && x.applies(row))
    }

    /// The value of a name in a formula for row `i`: a column of the row, `sum(column)` over the
    /// cells that are not derived, `row()` the row's number, `rank(column)` the run of equal values.
    fn var(&self, i: usize, name: &str, arg: Option<&str>) -> Option<f64> {
        let d = self.d;
        let row = &d.rows[i];
        match (name, arg) {
            (_, None) => row.get(name).and_then(Cell::as_f64),
            ("sum", Some(col)) => Some(
                d.rows
                    .iter()
                    .filter(|o| self.derived_at(col, o).is_none())
                    .filter_map(|o| o.get(col).and_then(Cell::as_f64))
                    .sum(),
            ),
            ("row", Some("")) => Some(i as f64 + 1.0),
            ("rank", Some(col)) => Some(
                d.rows[..=i]
                    .chunk_by(|a, b| a.get(col) == b.get(col))
                    .count() as f64,
            ),
            _ => None,
        }
    }

    /// Row `i`: each numeric cell outside year columns recomputed or looked up.
    fn row(&self, cx: &Cx, r: &mut Report, i: usize) {
        let d = self.d;
        let row = &d.rows[i];
        let line = d.row_lines.get(i).copied().unwrap_or(d.origin.line);
        let row_text = self.yaml.line(line).unwrap_or("");
        // A CSV cell's position is known; a YAML cell is found by its key on the row's line.
        let at = |col: &str| match d.cell_positions.is_empty() {
            true => Origin {
                path: d.origin.path.clone(),
                line,
                col: key_col(row_text, col).unwrap_or(1),
            },
            false => d.cell_origin(i, col),
        };
        let text_of = |col: Option<&str>| {
            col.and_then(|c| {
                if let Some(Cell::Text(t)) = row.get(c) {
                    Some(t.as_str())
                } else {
                    None
                }
            })
        };
        let source = text_of(self.source_col).unwrap_or(&d.source);
        let (locator, loc_at) = match text_of(Some("locator")) {
            Some(l) => (l, at("locator")),
            None => (d.locator.as_str(), self.locator_at.clone()),
        };
        for c in d
            .columns
            .iter()
            .filter(|c| c.kind.is_numeric() && !c.is_year())
        {
            let Some(v) = row.get(&c.name).and_then(Cell::as_f64) else {
                continue;
            };
            let what = format!("dataset `{}`, row {} (`{}`)", d.id, i + 1, c.name);
            if let Some(x) = self.derived_at(&c.name, row) {
                let var = |name: &str, arg: Option<&str>| self.var(i, name, arg);
                recompute(
                    r,
                    &what,
                    v,
                    c.decimals,
                    eval(&x.formula, &var),
                    &at(&c.name),
                );
            } else if let Some(places) = locate(cx, r, &what, (locator, source), &loc_at, 1) {
                let found = look(
                    r,
                    &what,
                    &c.format(&Cell::Num(v)),
                    locator,
                    &places,
                    &prints(v),
                    &at(&c.name),
                );
                r.count(found);
            }
        }
    }
}

/// A dataset's `derived:` declaration: the column, the rows it covers, the formula.
struct Derivation {
    column: String,
    only: Option<(String, String)>,
    formula: String,
}

impl Derivation {
    fn new(target: &str, formula: String) -> Option<Derivation> {
        let (column, only) = target
            .split_once('[')
            .map_or(Some((target, None)), |(c, rest)| {
                let (k, v) = rest.strip_suffix(']')?.split_once('=')?;
                Some((c, Some((k.trim().to_string(), v.trim().to_string()))))
            })?;
        Some(Derivation {
            column: column.trim().to_string(),
            only,
            formula,
        })
    }
    fn applies(&self, row: &Row) -> bool {
        self.only
            .as_ref()
            .is_none_or(|(k, v)| row.get(k).is_some_and(|c| c.raw() == *v))
    }
}
