//! The panels' axes: value domains that run through 0 and cover every value, tick and axis labels,
//! and the mesh style every panel shares.

use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::style::Paint;
use crate::model::Axis;

/// The axis's title with its unit: "Workers (thousands)".
pub(super) fn axis_title(axis: &Axis) -> String {
    match &axis.unit {
        Some(u) if !u.is_empty() => format!("{} ({u})", axis.title),
        _ => axis.title.clone(),
    }
}

/// The style of tick labels and axis titles.
pub(super) fn label_font(font: f64) -> TextStyle<'static> {
    ("sans-serif", font * 0.9)
        .into_font()
        .color(&Paint::Ink.rgb())
}

/// How many x tick labels fit: one per about three and a half ems of plotting width, 3 to 8.
pub(super) fn x_label_count(width: u32, font: f64) -> usize {
    (((f64::from(width) - font * 6.0) / (font * 3.5)) as usize).clamp(3, 8)
}

/// Grid, axis lines and label fonts, the same on every panel.
pub(super) fn house_style<DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, RangedCoordf64, RangedCoordf64, DB>,
    font: f64,
) {
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(Paint::Grid.rgb().stroke_width(1))
        .axis_style(Paint::Muted.rgb().stroke_width(1))
        .label_style(label_font(font))
        .axis_desc_style(label_font(font));
}

/// The value axis from the data's extremes: always through 0, both ends rounded outwards, never
/// empty. Every drawn value lies inside it, so no coordinate leaves the plotting area (a value far
/// below a subnormal axis once overflowed plotters' pixel arithmetic).
pub(super) fn value_domain(lowest: f64, highest: f64) -> (f64, f64) {
    let top = if highest > 0.0 {
        nice_max(highest)
    } else {
        0.0
    };
    let bottom = if lowest < 0.0 {
        -nice_max(-lowest)
    } else {
        0.0
    };
    if top > bottom {
        (bottom, top)
    } else {
        (bottom, bottom + 1.0)
    }
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * mag >= v * 1.05 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Tick label: thousands as "k" when the axis reaches 10,000, so one axis never mixes "5,000" and "10k".
pub(super) fn tick(v: f64, axis_max: f64) -> String {
    if axis_max >= 10_000.0 && v.abs() >= 1000.0 && v.abs() < 1_000_000.0 {
        format!("{}k", trim_float(v / 1000.0))
    } else {
        short_number(v)
    }
}

fn short_number(v: f64) -> String {
    if v.abs() >= 1_000_000.0 {
        format!("{}M", trim_float(v / 1_000_000.0))
    } else if v.abs() >= 10_000.0 {
        format!("{}k", trim_float(v / 1000.0))
    } else {
        crate::model::format_number((v * 100.0).round() / 100.0, None)
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{:.1}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
