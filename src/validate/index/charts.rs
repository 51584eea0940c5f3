//! Charts against their dataset: the columns a chart names must exist (and hold numbers where it
//! draws values), and every value it draws must be drawable.

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{Axis, Cell, Chart, Dataset, Row, CHART_VALUE_LIMIT};

/// Problems with the columns a chart names in its dataset `d`: a column the dataset lacks (at the
/// value), text where the chart draws values; and, as a warning, an empty description.
pub(super) fn chart_columns(c: &Chart, d: &Dataset) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (what, field, numeric) in named_columns(c) {
        match d.column(field) {
            None => {
                let cols = d.columns.iter().map(|c| c.name.as_str());
                let (line, col) = c.position_of(field);
                problems.push(
                    Diagnostic::error(
                        &c.origin.path,
                        line,
                        col,
                        format!("{what}: dataset `{}` has no column `{field}`", d.id),
                    )
                    .with_hint(did_you_mean(
                        field,
                        cols,
                        "name a column of the dataset",
                    )),
                );
            }
            Some(col) if numeric && !col.kind.is_numeric() => {
                problems.push(
                    Diagnostic::error(
                        &c.origin.path,
                        c.origin.line,
                        c.origin.col,
                        format!("{what}: column `{field}` holds text, a chart needs numbers"),
                    )
                    .with_hint("plot a column of type integer or number"),
                );
            }
            _ => {}
        }
    }
    if c.description.trim().is_empty() {
        problems.push(
            Diagnostic::warning(
                &c.origin.path,
                c.origin.line,
                c.origin.col,
                "chart has an empty description",
            )
            .with_hint(
                "write one or two sentences saying what the chart shows; screen readers read it",
            ),
        );
    }
    problems
}

/// Every column a chart names: (the key naming it, the column, whether it must hold numbers).
fn named_columns(c: &Chart) -> Vec<(&str, &String, bool)> {
    let mut fields: Vec<(&str, &String, bool)> = vec![
        ("x.field", &c.x.field, false),
        ("y.field", &c.y.field, true),
    ];
    for (name, f) in [
        ("y.low", &c.y.low),
        ("y.high", &c.y.high),
        ("series", &c.series),
        ("shape", &c.shape),
    ] {
        if let Some(f) = f {
            fields.push((name, f, name.starts_with("y.")));
        }
    }
    for p in &c.panels {
        fields.push(("panels.field", &p.field, true));
    }
    for k in c.filter.keys() {
        fields.push(("filter", k, false));
    }
    fields
}

/// Problems in the data a chart draws: values out of range, zero or negative values on a log
/// scale, and a chart whose filters leave no row. Each is located at the dataset row.
pub fn chart_data_problems(c: &Chart, d: &Dataset) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let rows = c.rows(d);
    if rows.is_empty() {
        problems.push(
            Diagnostic::error(&c.origin.path, c.origin.line, c.origin.col, format!("chart draws no row of dataset `{}`", d.id))
                .with_hint("check `filter` and `exclude` against the dataset's values; a chart with no data would be published as empty axes"),
        );
        return problems;
    }
    let mut axes: Vec<(&Axis, bool)> = vec![(&c.x, false)];
    if c.panels.is_empty() {
        axes.push((&c.y, true));
    } else {
        axes.extend(c.panels.iter().map(|p| (p, true)));
    }
    let drawn: std::collections::HashSet<*const Row> =
        rows.iter().map(|r| *r as *const Row).collect();
    let rows_with_lines = d
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| drawn.contains(&(*r as *const Row)));
    for (i, row) in rows_with_lines {
        let line = d.row_lines.get(i).copied().unwrap_or(d.origin.line);
        for (axis, is_value) in &axes {
            let log = *is_value && axis.scale.as_deref() == Some("log");
            let fields = [Some(&axis.field), axis.low.as_ref(), axis.high.as_ref()];
            for field in fields.into_iter().flatten() {
                let Some(v) = row.get(field).and_then(Cell::as_f64) else {
                    continue;
                };
                let problem = if !v.is_finite() || v.abs() > CHART_VALUE_LIMIT {
                    Some((
                        format!("`{field}` = {v} is too large to chart"),
                        "a chart draws values up to 1e15 in size; check the value, or give the column a larger unit (millions, billions)",
                    ))
                } else if !crate::model::chartable(v) {
                    Some((
                        format!("`{field}` = {v} is too small to chart"),
                        "a chart's axis labels go down to 0.000001; give the column a smaller unit (per thousand, per million) and say so in its title",
                    ))
                } else if log && v <= 0.0 {
                    Some((
                        format!("`{field}` = {v} cannot be drawn on a log scale"),
                        "a log scale shows only values above 0; remove `scale: log`, or leave the cell blank (null) if it is not a value",
                    ))
                } else {
                    None
                };
                if let Some((message, hint)) = problem {
                    problems.push(
                        Diagnostic::error(
                            &d.origin.path,
                            line,
                            1,
                            format!("chart `{}`: {message}", c.id),
                        )
                        .with_hint(hint),
                    );
                }
            }
        }
    }
    problems
}
