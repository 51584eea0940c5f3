//! Charts: `chart.html` at `/charts/<id>/`, the bare `embed.html` at `/embed/<id>/` (for an
//! iframe), and the drawn files `/charts/<id>.svg` and the link-preview PNG.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::cite::Formatted;
use crate::render::escape::attr as escape_attr;

use super::context::{Generator, Link, Meta, SiteCx};
use super::dataset::TableCx;

/// What `chart.html` and `embed.html` receive.
#[derive(Serialize)]
struct ChartCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    chart: ChartFields<'a>,
    iframe: String,
    breaks: Vec<BreakCx>,
    notes: Vec<String>,
    table: TableCx<'a>,
    dataset: Option<Link>,
    csv: String,
    json: String,
    source_line: String,
    backlinks: Vec<Link>,
}

/// A series break as the chart's notes list it.
#[derive(Serialize)]
struct BreakCx {
    /// The x value where the new basis begins, as written ("2006").
    at: String,
    /// Its label.
    label: String,
    /// The sentence the SVG draws among its notes ("Series break at 2006: ...").
    note: String,
}

#[derive(Serialize)]
struct ChartFields<'a> {
    id: &'a str,
    title: &'a str,
    subtitle: &'a Option<String>,
    description: &'a str,
    wide: &'a str,
    medium: &'a str,
    narrow: &'a str,
    svg: String,
    png: String,
    embed: String,
}

impl<'a> Generator<'a> {
    /// A chart's page, embed page, SVG and PNG (nothing when the chart was not drawn).
    pub fn chart(&self, c: &'a Chart) -> Result<Vec<OutputFile>, Diagnostic> {
        let Some(out) = self.inp.charts.get(&c.id) else {
            return Ok(Vec::new());
        };
        let Some(d) = self.inp.site.dataset(&c.dataset) else {
            return Ok(Vec::new());
        };
        // The data behind the chart: the chart's rows, with source/locator columns when present.
        let sub = Dataset {
            rows: c.rows(d).into_iter().cloned().collect(),
            ..d.clone()
        };
        let embed_url = self.inp.config.absolute(&format!("/embed/{}/", c.id));
        let cx = ChartCx {
            site: &self.site_cx,
            meta: self.meta(Kind::Chart, &c.id, &c.title, &c.description),
            cite: self.cite_this(
                &c.title,
                &Kind::Chart.url(&c.id),
                &format!("fieldbook-chart-{}", c.id),
            ),
            chart: self.chart_fields(c, out),
            iframe: {
                let c0 = self.inp.config;
                let caption = format!("{} · {} · {}", self.source_line(d), c0.title, c0.licence);
                embed_snippet(&embed_url, &c.title, &out.wide, &caption)
            },
            breaks: c
                .breaks
                .iter()
                .map(|b| BreakCx {
                    at: b.at_text(),
                    label: b.label.clone(),
                    note: b.note(self.inp.config.strings.get("chart.series_break")),
                })
                .collect(),
            notes: (0..c.notes.len())
                .filter_map(|i| {
                    self.md(Kind::Chart, &format!("{}#note-{i}", c.id))
                        .map(|r| r.html())
                })
                .collect(),
            table: self.table_cx(&sub),
            dataset: self.item_link(Kind::Dataset, &d.id),
            csv: self.link(&format!("/data/{}.csv", d.id)),
            json: self.link(&format!("/data/{}.json", d.id)),
            source_line: self.source_line(d),
            backlinks: self.backlinks_of(Kind::Chart, &c.id),
        };
        let page = self.render("chart.html", format!("charts/{}/index.html", c.id), &cx)?;
        let embed = self.render("embed.html", format!("embed/{}/index.html", c.id), &cx)?;
        Ok(vec![
            page,
            embed,
            OutputFile {
                path: format!("charts/{}.svg", c.id),
                bytes: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n", out.wide)
                    .into_bytes(),
            },
            OutputFile {
                path: crate::render::chart::png_path(&c.id),
                bytes: out.png.clone(),
            },
        ])
    }

    fn chart_fields(&self, c: &'a Chart, out: &'a ChartOut) -> ChartFields<'a> {
        ChartFields {
            id: &c.id,
            title: &c.title,
            subtitle: &c.subtitle,
            description: &c.description,
            wide: &out.wide,
            medium: &out.medium,
            narrow: &out.narrow,
            svg: self.link(&format!("/charts/{}.svg", c.id)),
            png: self.link(&format!("/charts/{}.png", c.id)),
            embed: self.link(&format!("/embed/{}/", c.id)),
        }
    }
}

/// The width an embed is sized for: the iframe in a 680 px column (a common article width), the
/// chart drawn 16 px narrower inside it (the embed page's padding), so the wide drawing shows.
const EMBED_COLUMN: f64 = 680.0;

/// The embed code: an iframe as tall as the embed page is at [`EMBED_COLUMN`] (the wide drawing
/// scaled to it, plus `caption`, the source line with the licence, at about 7.6 px a character in
/// lines of 24 px), and a few lines of script that
/// let the embed page set the iframe's height to its content at any other width (as Datawrapper's
/// embed code does). Without the script the fixed height still shows the whole chart at 680 px.
fn embed_snippet(embed_url: &str, title: &str, wide_svg: &str, caption: &str) -> String {
    let (vw, vh) = crate::render::chart::view_box(wide_svg).unwrap_or((760.0, 560.0));
    let shown = (EMBED_COLUMN - 16.0).min(vw);
    let lines = (caption.chars().count() as f64 * 7.6 / shown).ceil();
    let height = (vh * shown / vw + 40.0 + lines * 24.0).ceil() as u32;
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" style=\"border:0;max-width:776px\" loading=\"lazy\" data-fieldbook-embed></iframe><script>window.addEventListener(\"message\",function(e){{var d=e.data;if(!d||typeof d.fieldbookHeight!==\"number\")return;document.querySelectorAll(\"iframe[data-fieldbook-embed]\").forEach(function(f){{if(f.contentWindow===e.source)f.style.height=Math.ceil(d.fieldbookHeight)+\"px\"}})}});</script>",
        embed_url,
        escape_attr(title)
    )
}
