//! The chart's colours: plotters draws with sentinel colours ([`Paint`]), and [`restyle`] turns each
//! into `currentColor` plus a CSS class (`fb-s0`..., `fb-mark`, `fb-range`, `fb-muted`, `fb-grid`),
//! so the site's stylesheet and dark mode colour the chart; it also adds the accessibility markup.
//! [`chart_css`] and [`theme_css`] hold the palette those classes take.

use std::fmt::Write as _;

use plotters::style::RGBColor;

use super::Size;
use crate::model::Chart;

/// Sentinel colours, replaced by classes after drawing.
#[derive(Clone, Copy)]
pub(super) enum Paint {
    /// Text and the legend's shapes.
    Ink,
    /// The subtitle, the source line and the axis lines.
    Muted,
    /// Grid lines.
    Grid,
    /// Series `i`'s line and legend swatch.
    Series(u8),
    /// The caps of a range in series `i`.
    Range(u8),
    /// A data mark of series `i` (one per drawn value): `fb-mark`.
    Mark(u8),
}

impl Paint {
    pub(super) fn rgb(self) -> RGBColor {
        match self {
            Paint::Ink => RGBColor(1, 1, 1),
            Paint::Muted => RGBColor(1, 1, 2),
            Paint::Grid => RGBColor(1, 1, 3),
            Paint::Series(i) => RGBColor(1, 2, i),
            Paint::Range(i) => RGBColor(1, 4, i),
            Paint::Mark(i) => RGBColor(1, 3, i),
        }
    }
}

/// Okabe–Ito colour-blind-safe palette, ordered for contrast on white; dark-mode variants follow.
const PALETTE_LIGHT: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#332288", "#6b6b6b",
];
const PALETTE_DARK: [&str; 7] = [
    "#56B4E9", "#F08A4B", "#3CC7A0", "#E3A3C8", "#F0C43A", "#A99CF0", "#bdbdbd",
];

/// Replaces sentinel colours with classes, adds accessibility markup and a responsive viewBox;
/// the `n`-th data mark gets `tips[n]` as its `data-tip`.
pub(super) fn restyle(svg: &str, chart: &Chart, size: Size, tips: &[String]) -> String {
    let uid = format!("{}-{}", chart.id, size.suffix());
    let mut out = String::with_capacity(svg.len() + 2048);
    let mut rest = svg;
    let mut marks = 0;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + end + 1];
        let mut tag = restyle_tag(tag);
        if tag.contains(" fb-mark\"") {
            if let (Some(tip), Some(at)) = (tips.get(marks), tag.find(" class=\"")) {
                let tip = crate::render::escape::attr(tip).replace('\n', "&#10;");
                tag.insert_str(at, &format!(" data-tip=\"{tip}\""));
            }
            marks += 1;
        }
        out.push_str(&tag);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    // Root element: drop fixed width/height, keep the viewBox, add role and labels.
    let open_end = out.find('>').unwrap_or(0);
    let root = &out[..open_end];
    let view_box = root
        .split("viewBox=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0 0 760 470")
        .to_string();
    let esc = crate::render::escape::text;
    let new_root = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{view_box}\" class=\"fb-chart fb-chart-{}\" role=\"img\" aria-labelledby=\"t-{uid} d-{uid}\" font-family=\"DejaVu Sans, Verdana, sans-serif\"><title id=\"t-{uid}\">{}</title><desc id=\"d-{uid}\">{}</desc><style>{}</style><rect class=\"fb-bg\" width=\"100%\" height=\"100%\"/>",
        size.suffix(),
        esc(&chart.title),
        esc(chart.description.trim()),
        chart_css()
    );
    out.replace_range(..open_end + 1, &new_root);
    out.replace("font-family=\"sans-serif\" ", "")
}

/// The chart's own stylesheet: light colours by default, dark when the viewer prefers it. The site's
/// stylesheet overrides these through the same classes when the reader toggles the theme.
pub fn chart_css() -> String {
    let mut css = String::from(
        ".fb-chart{color:#1a1a1a}.fb-bg{fill:#fff}.fb-muted{color:#555}.fb-grid{color:#e2e2e2}",
    );
    for (i, c) in PALETTE_LIGHT.iter().enumerate() {
        let _ = write!(css, ".fb-s{i}{{color:{c}}}");
    }
    css.push_str("@media (prefers-color-scheme:dark){.fb-chart{color:#eee}.fb-bg{fill:#161616}.fb-muted{color:#b5b5b5}.fb-grid{color:#3a3a3a}");
    for (i, c) in PALETTE_DARK.iter().enumerate() {
        let _ = write!(css, ".fb-s{i}{{color:{c}}}");
    }
    css.push('}');
    css
}

/// The site stylesheet's overrides for a forced theme (`html[data-theme=dark]`).
pub fn theme_css() -> String {
    let mut css = String::from("html[data-theme=dark] .fb-chart{color:#eee}html[data-theme=dark] .fb-bg{fill:#161616}html[data-theme=dark] .fb-muted{color:#b5b5b5}html[data-theme=dark] .fb-grid{color:#3a3a3a}");
    for (i, c) in PALETTE_DARK.iter().enumerate() {
        let _ = write!(css, "html[data-theme=dark] .fb-s{i}{{color:{c}}}");
    }
    css.push_str("html[data-theme=light] .fb-chart{color:#1a1a1a}html[data-theme=light] .fb-bg{fill:#fff}html[data-theme=light] .fb-muted{color:#555}html[data-theme=light] .fb-grid{color:#e2e2e2}");
    for (i, c) in PALETTE_LIGHT.iter().enumerate() {
        let _ = write!(css, "html[data-theme=light] .fb-s{i}{{color:{c}}}");
    }
    css
}

fn restyle_tag(tag: &str) -> String {
    let mut classes: Vec<String> = Vec::new();
    let mut out = tag.to_string();
    for attr in ["fill", "stroke"] {
        let pat = format!("{attr}=\"#");
        if let Some(i) = out.find(&pat) {
            let hex = &out[i + pat.len()..i + pat.len() + 6];
            let class = match hex {
                "010101" => Some(String::new()),
                "010102" => Some("fb-muted".to_string()),
                "010103" => Some("fb-grid".to_string()),
                h if h.starts_with("0102") => Some(format!(
                    "fb-s{}",
                    u8::from_str_radix(&h[4..], 16).unwrap_or(0)
                )),
                h if h.starts_with("0103") => Some(format!(
                    "fb-s{} fb-mark",
                    u8::from_str_radix(&h[4..], 16).unwrap_or(0)
                )),
                h if h.starts_with("0104") => Some(format!(
                    "fb-s{} fb-range",
                    u8::from_str_radix(&h[4..], 16).unwrap_or(0)
                )),
                _ => None,
            };
            if let Some(class) = class {
                out.replace_range(
                    i..i + pat.len() + 6 + 1,
                    &format!("{attr}=\"currentColor\""),
                );
                for c in class.split_whitespace() {
                    if !classes.iter().any(|x| x == c) {
                        classes.push(c.to_string());
                    }
                }
            }
        }
    }
    out = out.replace(" opacity=\"1\"", "");
    if !classes.is_empty() {
        let at = out
            .find(|c: char| c.is_whitespace())
            .unwrap_or(out.len() - 1);
        out.insert_str(at, &format!(" class=\"{}\"", classes.join(" ")));
    }
    out
}
