//! Bar panels: a band per category, holding a bar per series side by side, or one stack of them
//! (`stacked`), upright or lying (`orientation: horizontal`, where long category names fit). Each
//! bar's value is printed at its end; a stack prints its total.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{axis_title, house_style, label_font, tick, value_domain, x_label_count};
use super::style::Paint;
use super::text::wrap;
use super::{position, value, Coords, Plot};
use crate::model::{format_number, Axis, Orientation, Row};

/// The share of its band a category's bars fill.
const BAND: f64 = 0.76;

/// One bar panel's values and its value axis.
struct Bars<'a> {
    plot: &'a Plot<'a>,
    axis: &'a Axis,
    /// Value per (category, series), with its row.
    cells: BTreeMap<(usize, usize), (f64, &'a Row)>,
    /// How many series (1 when the chart has none).
    series: usize,
    /// The value axis.
    domain: (f64, f64),
}

impl<'a> Bars<'a> {
    fn new(plot: &'a Plot<'a>, axis: &'a Axis) -> Bars<'a> {
        let chart = plot.chart;
        let series = plot.series.len().max(1);
        let mut cells: BTreeMap<(usize, usize), (f64, &'a Row)> = BTreeMap::new();
        for r in plot.rows {
            let c = position(plot.columns, plot.categories, r, Some(&chart.x.field));
            let s = position(plot.columns, plot.series, r, chart.series.as_deref());
            if let Some(v) = value(r, &axis.field) {
                cells.insert((c, s), (v, *r));
            }
        }
        // Every bar end: each value, and for stacks each running total.
        let mut ends: Vec<f64> = cells.values().map(|(v, _)| *v).collect();
        if chart.stacked {
            for c in 0..plot.categories.len() {
                let mut acc = 0.0;
                for (v, _) in (0..series).filter_map(|s| cells.get(&(c, s))) {
                    acc += v;
                    ends.push(acc);
                }
            }
        }
        let domain = value_domain(
            ends.iter().copied().fold(0.0, f64::min),
            ends.iter().copied().fold(0.0, f64::max),
        );
        Bars {
            plot,
            axis,
            cells,
            series,
            domain,
        }
    }

    /// How many category bands (at least 1).
    fn bands(&self) -> f64 {
        self.plot.categories.len().max(1) as f64
    }

    /// The value axis's largest magnitude, which decides its tick labels' form.
    fn tick_top(&self) -> f64 {
        self.domain.1.max(-self.domain.0)
    }

    /// Category `c`'s values with their series and rows, in series order.
    fn values(&self, c: usize) -> impl Iterator<Item = (usize, f64, &'a Row)> + '_ {
        (0..self.series).filter_map(move |s| {
            let (v, row) = self.cells.get(&(c, s))?;
            Some((s, *v, *row))
        })
    }
}

/// Draws one bar panel for the value axis `axis`.
pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    axis: &Axis,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let bars = Bars::new(plot, axis);
    if plot.chart.orientation == Orientation::Horizontal {
        draw_horizontal(area, &bars)
    } else {
        draw_vertical(area, &bars)
    }
}

/// The chart builder with the margins every bar panel has.
fn builder<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    font: f64,
) -> ChartBuilder<'a, 'b, DB> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(8)
        .margin_right((font * 3.2) as u32)
        .margin_top(6);
    builder
}

/// Lying bars: categories top to bottom, their names (up to 16 or 30 characters) on the left.
fn draw_horizontal<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &Bars,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (plot, font) = (bars.plot, bars.plot.font);
    let longest = plot
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4) as f64;
    let name_area =
        (longest.min(if plot.width < 500 { 16.0 } else { 30.0 }) * font * 0.55 + 12.0) as u32;
    // The value axis's title under the tick labels, wrapped to the chart's width.
    let title = wrap(
        &axis_title(bars.axis),
        plot.width.saturating_sub(24),
        font * 0.9 / 1.24,
    );
    let line = font * 0.9 * 1.1;
    let mut builder = builder(area, font);
    builder
        .x_label_area_size((font * 1.8 + title.len() as f64 * line) as u32)
        .y_label_area_size(name_area);
    let (vmin, vmax) = bars.domain;
    let mut cc = builder.build_cartesian_2d(vmin..vmax, 0.0..bars.bands())?;
    let fmt = |v: &f64| tick(*v, bars.tick_top());
    let mut mesh = cc.configure_mesh();
    house_style(&mut mesh, font);
    mesh.disable_y_mesh()
        .y_labels(0)
        .x_labels(x_label_count(plot.width, font).min(5))
        .x_label_formatter(&fmt)
        .draw()?;
    let (_, bottom) = cc.backend_coord(&(vmin, 0.0));
    let base = area.get_base_pixel();
    let st = label_font(font).pos(Pos::new(HPos::Center, VPos::Top));
    let centre = area.dim_in_pixel().0 as i32 / 2;
    for (k, text) in title.into_iter().enumerate() {
        let y = bottom - base.1 + (font * 1.6 + k as f64 * line) as i32;
        area.draw(&Text::new(text, (centre, y), st.clone()))?;
    }
    for (c, name) in plot.categories.iter().enumerate() {
        draw_horizontal_band(area, &mut cc, bars, c, name)?;
    }
    Ok(())
}

/// Category `c`'s lying bars, their values (or the stack's total) and the category's name.
fn draw_horizontal_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cc: &mut Coords<DB>,
    bars: &Bars,
    c: usize,
    name: &str,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (n, font, stacked) = (bars.bands(), bars.plot.font, bars.plot.chart.stacked);
    let top = n - c as f64 - (1.0 - BAND) / 2.0;
    let y_mid = n - c as f64 - 0.5;
    let beside = Pos::new(HPos::Left, VPos::Center);
    let mut acc = 0.0;
    for (s, v, row) in bars.values(c) {
        let (y_hi, y_lo, x_lo, x_hi) = if stacked {
            (top, top - BAND, acc, acc + v)
        } else {
            let h = BAND / bars.series as f64;
            (top - h * s as f64, top - h * (s as f64 + 1.0), 0.0, v)
        };
        acc += v;
        draw_bar(cc, [(x_lo, y_lo), (x_hi, y_hi)], s)?;
        super::tips::record(bars.plot, row, bars.axis);
        if !stacked {
            let text = format!(" {}", format_number(v, None));
            draw_value(
                cc,
                text,
                (x_hi, (y_lo + y_hi) / 2.0),
                font * super::SMALL_TEXT,
                beside,
            )?;
        }
    }
    if stacked {
        let text = format!(" {}", format_number(acc, None));
        draw_value(cc, text, (acc, y_mid), font * super::SMALL_TEXT, beside)?;
    }
    let st = label_font(font).pos(Pos::new(HPos::Right, VPos::Center));
    let label: String = if name.chars().count() > 30 {
        name.chars().take(29).collect::<String>() + "…"
    } else {
        name.to_string()
    };
    let (px, py) = cc.backend_coord(&(0.0, y_mid));
    let base = area.get_base_pixel();
    area.draw(&Text::new(label, (px - 6 - base.0, py - base.1), st))?;
    Ok(())
}

/// Upright bars: categories left to right, their names under the axis.
fn draw_vertical<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    bars: &Bars,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = bars.plot.font;
    let names = category_lines(bars, area.dim_in_pixel().0);
    let lines = names.iter().map(Vec::len).max().unwrap_or(1);
    let mut builder = builder(area, font);
    builder
        .x_label_area_size((font * 1.2 + lines as f64 * font * 0.9 * 1.1) as u32)
        .y_label_area_size((font * 4.6) as u32);
    let (vmin, vmax) = bars.domain;
    let mut cc = builder.build_cartesian_2d(0.0..bars.bands(), vmin..vmax)?;
    let fmt = |v: &f64| tick(*v, bars.tick_top());
    let mut mesh = cc.configure_mesh();
    house_style(&mut mesh, font);
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&fmt)
        .y_desc(axis_title(bars.axis))
        .draw()?;
    for (c, name) in names.iter().enumerate() {
        draw_vertical_band(area, &mut cc, bars, c, name)?;
    }
    Ok(())
}

/// Each category's name wrapped to the width of its band (upright bars, `width` the panel's).
fn category_lines(bars: &Bars, width: u32) -> Vec<Vec<String>> {
    let font = bars.plot.font;
    let n = bars.plot.categories.len().max(1) as f64;
    let band = ((f64::from(width) - font * 6.0) / n).max(font * 2.0);
    bars.plot
        .categories
        .iter()
        .map(|c| wrap(c, (band + 24.0) as u32, font * 0.9 / 1.24))
        .collect()
}

/// Category `c`'s upright bars, their values (not on stacks) and the category's name.
fn draw_vertical_band<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cc: &mut Coords<DB>,
    bars: &Bars,
    c: usize,
    name: &[String],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (font, stacked) = (bars.plot.font, bars.plot.chart.stacked);
    let left = c as f64 + (1.0 - BAND) / 2.0;
    let mut acc = 0.0;
    for (s, v, row) in bars.values(c) {
        let (x_lo, x_hi, y_lo, y_hi) = if stacked {
            (left, left + BAND, acc, acc + v)
        } else {
            let w = BAND / bars.series as f64;
            (left + w * s as f64, left + w * (s as f64 + 1.0), 0.0, v)
        };
        acc += v;
        draw_bar(cc, [(x_lo, y_lo), (x_hi, y_hi)], s)?;
        super::tips::record(bars.plot, row, bars.axis);
        if !stacked {
            let above = Pos::new(HPos::Center, VPos::Bottom);
            let at = ((x_lo + x_hi) / 2.0, y_hi);
            draw_value(
                cc,
                format_number(v, None),
                at,
                font * super::SMALL_TEXT,
                above,
            )?;
        }
    }
    let st = label_font(font).pos(Pos::new(HPos::Center, VPos::Top));
    let (px, py) = cc.backend_coord(&(c as f64 + 0.5, 0.0));
    let base = area.get_base_pixel();
    for (k, line) in name.iter().enumerate() {
        let y = py + 6 - base.1 + (k as f64 * font * 0.9 * 1.1) as i32;
        area.draw(&Text::new(line.clone(), (px - base.0, y), st.clone()))?;
    }
    Ok(())
}

/// One bar of series `s` between two corners: a data mark.
fn draw_bar<DB: DrawingBackend>(
    cc: &mut Coords<DB>,
    corners: [(f64, f64); 2],
    s: usize,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    cc.draw_series(std::iter::once(Rectangle::new(
        corners,
        Paint::Mark(s as u8).rgb().filled(),
    )))?;
    Ok(())
}

/// A value printed at `at` (value coordinates), in type of size `size` anchored at `pos`.
fn draw_value<DB: DrawingBackend>(
    cc: &mut Coords<DB>,
    text: String,
    at: (f64, f64),
    size: f64,
    pos: Pos,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let st = ("sans-serif", size)
        .into_font()
        .color(&Paint::Ink.rgb())
        .pos(pos);
    cc.draw_series(std::iter::once(Text::new(text, at, st)))?;
    Ok(())
}
