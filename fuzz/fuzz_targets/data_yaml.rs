//! A YAML content file through the loader. The first byte picks the folder (its low bits: datasets,
//! charts, entities, events, sources, figures, corrections); the rest replaces the mini fixture's file
//! there. Then index, reference checks, Markdown of every description and note, data-consistency
//! checks and the CSV download (datasets), "cite this" in every format (sources), the chart SVGs at
//! three sizes (charts and datasets, when the site validates, as in the build; the card is also
//! rasterized to PNG when the first byte's high bit is set, as that is slow), and the CLI's rendering
//! of every diagnostic.
#![no_main]

mod common;

use fieldbook::render::chart::{self, Size};
use fieldbook::render::cite::{Styles, Work};
use fieldbook::model::{Cell, Kind};
use libfuzzer_sys::fuzz_target;

const FILES: &[&str] = &[
    "content/datasets/counts.yaml",
    "content/charts/counts-chart.yaml",
    "content/entities/all.yaml",
    "content/events/events.yaml",
    "content/sources/sources.yaml",
    "content/figures/figures.yaml",
    "content/corrections/corrections.yaml",
];

thread_local! {
    static STYLES: Styles = Styles::load();
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let path = FILES[(which & 0x7f) as usize % FILES.len()];
    let (files, site, mut diagnostics) = common::load_with(path, text);
    let index = common::validate(&site, &mut diagnostics);
    let errors = diagnostics.iter().any(|d| d.is_error());
    let folder = path.split('/').nth(1).unwrap_or("");

    for d in &site.datasets {
        assert_eq!(d.rows.len(), d.row_lines.len());
        for row in &d.rows {
            for c in &d.columns {
                match row.get(&c.name) {
                    Some(Cell::Num(v)) => assert!(v.is_finite()),
                    Some(_) => {}
                    None => panic!("row without column `{}`", c.name),
                }
            }
        }
        let _ = fieldbook::validate::consistency::mismatches(d);
        let _ = fieldbook::site::csv(d);
    }
    if folder == "sources" {
        STYLES.with(|styles| {
            for s in &site.sources {
                let f = styles.formatted(&Work::from_source(s));
                for html in [&f.apa, &f.chicago] {
                    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
                }
            }
        });
    }
    let markdown = common::render_site(&site, &index);
    for r in markdown.values() {
        diagnostics.extend(r.diagnostics.iter().cloned());
    }
    if !errors && (folder == "charts" || folder == "datasets") {
        // The build draws charts only for a site that validated.
        for c in &site.charts {
            let Some(d) = site.datasets.iter().find(|d| d.id == c.dataset) else {
                continue;
            };
            let label = index
                .get(Kind::Source, &d.source)
                .and_then(|e| e.cite_label.clone())
                .unwrap_or_else(|| d.source.clone());
            let line = format!("Source: {label}, {}. Chart: fieldbook.", d.locator);
            let wide = chart::svg(c, d, Size::Wide, &line);
            let narrow = chart::svg(c, d, Size::Narrow, &line);
            let card = chart::svg(c, d, Size::Card, &line);
            for svg in [&wide, &narrow, &card].into_iter().flatten() {
                // Well-formed XML (every label escaped), no script.
                if let Err(e) = roxmltree::Document::parse(svg) {
                    panic!("chart SVG does not parse: {e}\n{svg}");
                }
                assert!(!svg.to_ascii_lowercase().contains("<script"), "{svg}");
            }
            if which & 0x80 != 0 {
                if let Ok(card) = &card {
                    if let Err(e) = chart::png(card, None) {
                        panic!("chart drawn but not rasterized: {e}\n{card}");
                    }
                }
            }
        }
    }
    common::check_diagnostics(&files, &diagnostics);
    common::render_diagnostics(&files, &diagnostics);
});
