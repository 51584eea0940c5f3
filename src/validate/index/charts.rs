//! Charts against their dataset: the columns a chart names must exist (and hold numbers where it
//! draws values), every value it draws must be drawable, and its series breaks and open values
//! must fall on its data.

use crate::diag::{did_you_mean, Diagnostic};
use crate::model::{Axis, Cell, Chart, ChartKind, Dataset, Row, CHART_VALUE_LIMIT};

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
    problems.extend(break_problems(c, d));
    problems.extend(open_problems(c, d));
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
    if let Some(o) = &c.open {
        fields.push(("open.field", &o.field, false));
    }
    for k in c.filter.keys() {
        fields.push(("filter", k, false));
    }
    fields
}

/// Series breaks that cannot be drawn: on a bar chart (its x is not a number line), with an empty
/// label, twice at one x, or not between two of the chart's x values. Each at its `at` value.
fn break_problems(c: &Chart, d: &Dataset) -> Vec<Diagnostic> {
    let xs: Vec<f64> = c
        .rows(d)
        .iter()
        .filter_map(|r| r.get(&c.x.field).and_then(Cell::as_f64))
        .collect();
    let (lo, hi) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let mut problems = Vec::new();
    for (i, b) in c.breaks.iter().enumerate() {
        let at = b.at_text();
        let problem = if c.kind == ChartKind::Bar {
            Some((format!("series break at {at}: a bar chart cannot show a series break"), "breaks mark a change of source along a number line; use them on `line` or `points` charts, or say it in `notes`".to_string()))
        } else if b.label.trim().is_empty() {
            Some((
                format!("series break at {at} has an empty label"),
                "write a short label saying what changes there, such as the new source".to_string(),
            ))
        } else if c.breaks[..i].iter().any(|o| o.at == b.at) {
            Some((
                format!("two series breaks at {at}"),
                "keep one break per x value".to_string(),
            ))
        } else if !(b.at.is_finite()
            && xs.iter().any(|x| *x < b.at)
            && xs.iter().any(|x| *x >= b.at))
        {
            let range = if xs.is_empty() {
                "no x values".to_string()
            } else {
                format!("x values from {lo} to {hi}")
            };
            Some((format!("series break at {at} is not inside the chart's data ({range})"), "`at` is the first x value of the new basis: after the chart's first x value and at most its last".to_string()))
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            let (line, col) = c.position_of(&at);
            problems.push(Diagnostic::error(&c.origin.path, line, col, message).with_hint(hint));
        }
    }
    problems
}

/// Open values that match no row: an `above` or `below` value that no drawn row has in the
/// `open` column (a typo would silently draw every value as exact), or neither given.
fn open_problems(c: &Chart, d: &Dataset) -> Vec<Diagnostic> {
    let Some(o) = &c.open else {
        return Vec::new();
    };
    if d.column(&o.field).is_none() {
        return Vec::new(); // reported as a missing column
    }
    let rows = c.rows(d);
    let mut problems = Vec::new();
    if o.above.is_none() && o.below.is_none() {
        let (line, col) = c.position_of(&o.field);
        problems.push(
            Diagnostic::error(&c.origin.path, line, col, "`open` names neither `above` nor `below`")
                .with_hint("give `above: <value>` for rows printed as \"more than\", `below: <value>` for \"less than\""),
        );
    }
    for (key, wanted) in [("open.above", &o.above), ("open.below", &o.below)] {
        let Some(w) = wanted else { continue };
        if rows
            .iter()
            .any(|r| r.get(&o.field).is_some_and(|cell| cell.matches(w)))
        {
            continue;
        }
        let (line, col) = c.position_of(w);
        let values = rows
            .iter()
            .filter_map(|r| r.get(&o.field))
            .map(|c| c.display(None));
        let mut seen: Vec<String> = Vec::new();
        values.for_each(|v| {
            if !seen.contains(&v) {
                seen.push(v)
            }
        });
        problems.push(
            Diagnostic::error(
                &c.origin.path,
                line,
                col,
                format!(
                    "{key}: no row the chart draws has `{w}` in column `{}`",
                    o.field
                ),
            )
            .with_hint(did_you_mean(
                w,
                seen.iter().map(String::as_str),
                "use a value of that column exactly as written",
            )),
        );
    }
    problems
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
                    let at = d.cell_origin(i, field);
                    problems.push(
                        Diagnostic::error(
                            &at.path,
                            at.line,
                            at.col,
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
