//! Tooltips of a chart's marks. While the wide drawing is made, each data mark's text is
//! recorded in drawing order (its x or category and series, its value, and where the value is
//! from); `style::restyle` writes the `n`-th text on the `n`-th `fb-mark` as `data-tip`. The
//! medium and narrow drawings draw the same marks in the same order, and the site's script lends
//! them the wide drawing's texts and shows them on hover, tap and keyboard focus. Reading the
//! chart never needs them: the same values are in the chart's data table.

use super::{range, value, Plot};
use crate::model::{format_number, Axis, Cell, ColumnType, Open, Row};

/// Records the tooltip of the mark `row` draws on `axis` (call it right where the mark is drawn).
pub(super) fn record(plot: &Plot, row: &Row, axis: &Axis) {
    if let Ok(mut tips) = plot.tips.try_borrow_mut() {
        if let Some(tips) = tips.as_mut() {
            tips.push(tip(plot, row, axis));
        }
    }
}

/// "x, series", "axis title: value" and the row's source, one per line.
fn tip(plot: &Plot, row: &Row, axis: &Axis) -> String {
    let chart = plot.chart;
    let mut head = shown(plot, row, Some(&chart.x.field));
    let series = shown(plot, row, chart.series.as_deref());
    if !series.is_empty() {
        if !head.is_empty() {
            head.push_str(", ");
        }
        head.push_str(&series);
    }
    let shown = match range(row, axis) {
        Some((lo, hi)) => format!("{}–{}", format_number(lo, None), format_number(hi, None)),
        None => value(row, &axis.field)
            .map(|v| format_number(v, None))
            .unwrap_or_default(),
    };
    let open = match chart.open_of(row) {
        Some(Open::Above) => "> ",
        Some(Open::Below) => "< ",
        None => "",
    };
    let unit = axis
        .unit
        .as_deref()
        .map(|u| format!(" ({u})"))
        .unwrap_or_default();
    format!(
        "{head}\n{}{unit}: {open}{shown}\n{}",
        axis.title,
        source_of(plot, row)
    )
}

/// The row's own source and locator when the dataset has a source column, else the chart's
/// source line.
fn source_of(plot: &Plot, row: &Row) -> String {
    let caption = plot.caption;
    let readable = |text: String| caption.source_labels.get(&text).cloned().unwrap_or(text);
    let label = plot
        .columns
        .iter()
        .filter(|c| c.kind == ColumnType::Source)
        .find_map(|c| {
            let id = shown(plot, row, Some(&c.name));
            (!id.is_empty()).then(|| readable(id))
        });
    match label {
        Some(label) => {
            let locator = shown(plot, row, Some("locator"));
            caption
                .row_source_format
                .replace("{source}", &label)
                .replace("{locator}", &readable(locator))
        }
        None => caption.source.to_string(),
    }
}

/// The row's cell in `field` as the dataset's tables show it (a year without a thousands
/// separator, its decimals).
fn shown(plot: &Plot, row: &Row, field: Option<&str>) -> String {
    let Some(field) = field else {
        return String::new();
    };
    let cell = row.get(field).unwrap_or(&Cell::Blank);
    match plot.columns.iter().find(|c| c.name == field) {
        Some(c) => c.format(cell),
        None => cell.display(None),
    }
}
