//! The frame around a chart's panels: title and subtitle above, legend (colour swatches for series,
//! marker shapes for `shape`, arrows for open values), the notes and the source line below. Its text is wrapped and measured once, in
//! [`Frame::new`], so the panels get the height that is left.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::annotate::{draw_arrow, open_kinds};
use super::marker::draw_marker;
use super::style::Paint;
use super::text::{wrap, wrap_bold, CHAR_W};
use super::{distinct, Plot};
use crate::model::Open;

/// What a legend entry shows before its name.
enum LegendMark {
    /// The colour of series `i`.
    Swatch(u8),
    /// Marker shape `k`.
    Shape(usize),
    /// An arrow: up for "more than", down for "less than".
    Arrow(Open),
}

/// The chart's header and footer, wrapped and measured.
pub(super) struct Frame {
    title: Vec<String>,
    subtitle: Vec<String>,
    /// Each note's wrapped lines.
    notes: Vec<Vec<String>>,
    source: Vec<String>,
    legend: Vec<(String, LegendMark)>,
    legend_rows: u32,
    /// Height of the title and subtitle, in pixels.
    pub(super) header: u32,
    /// Height of the legend, notes and source line, in pixels.
    pub(super) footer: u32,
    /// The part of `footer` the notes take.
    pub(super) notes_height: u32,
}

impl Frame {
    /// Wraps the title, subtitle, `notes` and `source_line` to the chart's width and lays out the
    /// legend. A single note is introduced by `note_format` ("Note: {note}").
    pub(super) fn new(plot: &Plot, notes: &[String], caption: &super::Caption) -> Frame {
        let (source_line, note_format) = (caption.source, caption.note_format);
        let (w, font) = (plot.width, plot.font);
        let title = wrap_bold(&plot.chart.title, w, font * 1.3 / 1.24);
        let subtitle = plot
            .chart
            .subtitle
            .as_deref()
            .map(|s| wrap(s, w, font / 1.24))
            .unwrap_or_default();
        let source = wrap(source_line, w, font * 0.85 / 1.24);
        let numbered = notes.len() > 1;
        let notes: Vec<Vec<String>> = notes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let text = if numbered {
                    format!("{}. {n}", i + 1)
                } else {
                    note_format.replace("{note}", n)
                };
                // Notes are plain running text, narrower on average than titles: 0.54 em a letter.
                wrap(&text, w, font * NOTE / 1.24 * 0.9)
            })
            .collect();
        let note_lines: usize = notes.iter().map(Vec::len).sum();
        let notes_height = if notes.is_empty() {
            0
        } else {
            (note_lines as f64 * font * NOTE * 1.15 + notes.len() as f64 * font * 0.3 + font * 0.4)
                as u32
        };
        let legend = legend_items(plot, caption);
        let legend_rows = if legend.is_empty() {
            0
        } else {
            place_legend(&legend, w, font).1
        };
        let header = (font * 0.9
            + title.len() as f64 * font * 1.25
            + subtitle.len() as f64 * font
            + font * 0.6) as u32;
        let footer = (font * 0.8 + source.len() as f64 * font * 0.95) as u32
            + legend_rows * (font * 1.2) as u32
            + notes_height;
        Frame {
            title,
            subtitle,
            notes,
            source,
            legend,
            legend_rows,
            header,
            footer,
            notes_height,
        }
    }

    /// The title (bold) and the subtitle (muted).
    pub(super) fn draw_header<DB: DrawingBackend>(
        &self,
        head: &DrawingArea<DB, Shift>,
        font: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let title_style = ("sans-serif", font * 1.3)
            .into_font()
            .style(FontStyle::Bold)
            .color(&Paint::Ink.rgb());
        let mut y = (font * 0.5) as i32;
        for line in &self.title {
            head.draw(&Text::new(line.clone(), (12, y), title_style.clone()))?;
            y += (font * 1.25) as i32;
        }
        let st = ("sans-serif", font).into_font().color(&Paint::Muted.rgb());
        for line in &self.subtitle {
            head.draw(&Text::new(line.clone(), (12, y), st.clone()))?;
            y += font as i32;
        }
        Ok(())
    }

    /// The legend, the notes, then the source line under them.
    pub(super) fn draw_footer<DB: DrawingBackend>(
        &self,
        foot: &DrawingArea<DB, Shift>,
        plot: &Plot,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let font = plot.font;
        self.draw_legend(foot, plot.width, font)?;
        let note_style = ("sans-serif", font * NOTE)
            .into_font()
            .color(&Paint::Ink.rgb());
        let mut ny = (self.legend_rows as f64 * font * 1.2 + font * 0.5) as i32;
        for note in &self.notes {
            for line in note {
                foot.draw(&Text::new(line.clone(), (12, ny), note_style.clone()))?;
                ny += (font * NOTE * 1.15) as i32;
            }
            ny += (font * 0.3) as i32;
        }
        let src_style = ("sans-serif", font * super::SMALL_TEXT)
            .into_font()
            .color(&Paint::Muted.rgb());
        let mut sy =
            (self.legend_rows as f64 * font * 1.2 + font * 0.5) as i32 + self.notes_height as i32;
        for line in &self.source {
            foot.draw(&Text::new(line.clone(), (12, sy), src_style.clone()))?;
            sy += (font * 0.95) as i32;
        }
        Ok(())
    }

    /// Legend entries left to right, starting a new row where the next would pass the right edge.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        foot: &DrawingArea<DB, Shift>,
        w: u32,
        font: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        let st = ("sans-serif", font * 0.9)
            .into_font()
            .color(&Paint::Ink.rgb());
        let (placed, _) = place_legend(&self.legend, w, font);
        let step = (font * 1.2) as i32;
        for ((lines, x, line), (_, mark)) in placed.into_iter().zip(&self.legend) {
            let y = (font * 0.3) as i32 + line as i32 * step;
            let r = (font * 0.3) as i32;
            let (cx, cy) = (x + 6, y + (font * 0.45) as i32);
            match mark {
                LegendMark::Swatch(i) => foot.draw(&Rectangle::new(
                    [(x, cy - r - 1), (x + 12, cy + r + 1)],
                    Paint::Series(*i).rgb().filled(),
                ))?,
                LegendMark::Shape(k) => {
                    draw_marker(foot, (cx, cy), *k, r, Paint::Ink.rgb().filled())?
                }
                LegendMark::Arrow(dir) => {
                    let from = match dir {
                        Open::Above => cy + r + 2,
                        Open::Below => cy - r - 2,
                    };
                    draw_arrow(foot, (cx, from), *dir, 2 * r + 4, Paint::Ink)?
                }
            }
            for (k, text) in lines.into_iter().enumerate() {
                foot.draw(&Text::new(text, (x + 18, y + k as i32 * step), st.clone()))?;
            }
        }
        Ok(())
    }
}

/// A swatch per series and a shape per `shape` value, each only when there is more than one.
fn legend_items(plot: &Plot, caption: &super::Caption) -> Vec<(String, LegendMark)> {
    let shape_names = distinct(plot.columns, plot.rows, plot.chart.shape.as_deref());
    let mut items: Vec<(String, LegendMark)> = Vec::new();
    if plot.series.len() > 1 {
        items.extend(
            plot.series
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), LegendMark::Swatch(i as u8))),
        );
    }
    if shape_names.len() > 1 {
        items.extend(
            shape_names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), LegendMark::Shape(i))),
        );
    }
    items.extend(open_kinds(plot).into_iter().map(|dir| {
        let name = match dir {
            Open::Above => caption.open_above,
            Open::Below => caption.open_below,
        };
        (name.to_string(), LegendMark::Arrow(dir))
    }));
    items
}

/// Size of the notes' text, relative to the chart's font.
const NOTE: f64 = super::SMALL_TEXT;

/// The width a legend entry takes: its mark, its name and the gap after it.
fn legend_width(name: &str, font: f64) -> i32 {
    (name.chars().count() as f64 * font * 0.9 / 1.24 * CHAR_W) as i32 + 30
}

/// Where each legend entry goes at width `w`: its lines (a name too long for one row is wrapped
/// and given rows of its own), its x and its first line, and how many lines the legend takes.
/// [`Frame::draw_legend`] draws exactly this, and the frame's height counts its lines.
fn place_legend(
    items: &[(String, LegendMark)],
    w: u32,
    font: f64,
) -> (Vec<(Vec<String>, i32, u32)>, u32) {
    let right = w as i32 - 8;
    // The text may run from x + 18 to the right edge on a row of its own.
    let room = right - 12 - 18;
    let mut placed = Vec::with_capacity(items.len());
    let (mut x, mut line, mut tallest) = (12i32, 0u32, 1u32);
    for (name, _) in items {
        let one_line = legend_width(name, font);
        let lines = if one_line - 30 > room {
            wrap(name, (room + 24).max(0) as u32, font * 0.9 / 1.24)
        } else {
            vec![name.clone()]
        };
        let width = if lines.len() > 1 { right } else { one_line };
        if x + width > right && x > 12 {
            x = 12;
            line += tallest;
            tallest = 1;
        }
        tallest = tallest.max(lines.len() as u32);
        placed.push((lines, x, line));
        x += width;
    }
    (placed, line + tallest)
}
