//! Units: the two stages a cache can skip per item, charts and Markdown texts, with every cache key
//! computed here, where the stage is called, from exactly what the unit reads. A full build passes
//! a memo that is off (no key computed); `serve` passes its memo.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::fingerprint::{Fingerprint, Hasher};
use crate::model::{self, Kind, Located, Site};
use crate::render::chart::{self, ChartOut};
use crate::render::markdown::{self, Rendered};
use crate::validate::index::Index;

use super::memo;

/// Draws every chart (its three screen SVGs and its card PNG).
pub fn render_charts(
    config: &Config,
    site: &Site,
    index: &Index,
    memo: &memo::Memo,
    fonts: &chart::PngFonts,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, ChartOut> {
    let results: Vec<(String, Result<ChartOut, String>)> = site
        .charts
        .par_iter()
        .filter_map(|c| {
            let d = site.dataset(&c.dataset)?;
            let label = index
                .get(Kind::Source, &d.source)
                .and_then(|e| e.cite_label.clone())
                .unwrap_or_else(|| d.source.clone());
            let locator = site.readable_locator(&d.locator);
            let t = &config.strings;
            let source_line = source_line(config, &label, &locator);
            let notes = plain_notes(c, index, t);
            let source_labels = row_source_labels(d, index, site);
            let result = memo.chart(
                &c.id,
                || {
                    Hasher::new()
                        .debug(c)
                        .debug(d)
                        .str(&source_line)
                        .debug(&notes)
                        .debug(&source_labels)
                        .str(t.get("common.source_of"))
                        .str(fonts.id())
                        .finish()
                },
                || {
                    let caption = chart::Caption {
                        notes: &notes,
                        source: &source_line,
                        note_format: t.get("chart.note"),
                        break_format: t.get("chart.series_break"),
                        open_above: t.get("chart.open_above"),
                        open_below: t.get("chart.open_below"),
                        row_source_format: t.get("common.source_of"),
                        source_labels: &source_labels,
                    };
                    let previous = memo.previous_file(&chart::png_path(&c.id));
                    chart::draw_all(c, d, caption, previous, fonts)
                },
            );
            Some((c.id.clone(), result))
        })
        .collect();
    let mut out = BTreeMap::new();
    for (id, r) in results {
        match r {
            Ok(c) => {
                out.insert(id, c);
            }
            Err(e) => {
                let origin = site
                    .charts
                    .iter()
                    .find(|c| c.id == id)
                    .map(|c| c.origin.clone())
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::error(
                        origin.path,
                        origin.line,
                        origin.col,
                        format!("cannot draw chart `{id}`: {e}"),
                    )
                    .with_hint("check the chart's fields against its dataset"),
                );
            }
        }
    }
    out
}

/// For the tooltips: the citation label of each source a source column of the dataset names,
/// and each cell of its `locator` column as readers see it (source ids in it as labels).
fn row_source_labels(d: &model::Dataset, index: &Index, site: &Site) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    for c in &d.columns {
        let is_source = c.kind == model::ColumnType::Source;
        if !(is_source || c.name == "locator") {
            continue;
        }
        for row in &d.rows {
            let Some(model::Cell::Text(text)) = row.get(&c.name) else {
                continue;
            };
            if labels.contains_key(text) {
                continue;
            }
            let shown = if is_source {
                index
                    .get(Kind::Source, text)
                    .and_then(|e| e.cite_label.clone())
                    .unwrap_or_else(|| text.clone())
            } else {
                site.readable_locator(text)
            };
            labels.insert(text.clone(), shown);
        }
    }
    labels
}

/// "Source: <label>, <locator>." and, when book.toml names a publisher, "Chart: <publisher>."
fn source_line(config: &Config, label: &str, locator: &str) -> String {
    let t = &config.strings;
    let mut line = t.fill(
        "chart.source_line",
        &[("source", label), ("locator", locator)],
    );
    if !config.publisher.is_empty() {
        line.push(' ');
        line.push_str(&t.fill("chart.credit", &[("publisher", &config.publisher)]));
    }
    line
}

/// A chart's notes as plain text, for the SVG: links read as their text (an item's title when the
/// link has none), emphasis dropped. Problems in them are reported by the Markdown stage.
fn plain_notes(c: &model::Chart, index: &Index, strings: &crate::theme::Strings) -> Vec<String> {
    let link = |p: &str| p.to_string();
    let cx = markdown::Context {
        index,
        link: &link,
        path: &c.origin.path,
        paragraph_ids: false,
        embeds: false,
        strings,
    };
    c.notes
        .iter()
        .map(|n| {
            let text = Located {
                text: n.clone(),
                line: c.origin.line,
                col: c.origin.col,
            };
            markdown::render(&text, &cx).text()
        })
        .collect()
}

/// One Markdown text to render: its key, text, file, and whether it is a page body (paragraph
/// anchors and embeds allowed).
struct MarkdownJob {
    key: (Kind, String),
    text: Located,
    path: PathBuf,
    is_page: bool,
}

/// Renders every Markdown text of the site: page bodies and the descriptions and notes in YAML.
pub fn render_markdown(
    config: &Config,
    site: &Site,
    index: &Index,
    memo: &memo::Memo,
    deps: &Dependencies,
) -> BTreeMap<(Kind, String), Rendered> {
    let config_key = if memo.enabled() {
        crate::fingerprint::of_debug(config)
    } else {
        [0; 32]
    };
    let link = |p: &str| config.link(p);
    markdown_jobs(site)
        .into_par_iter()
        .map(|job| {
            let cx = markdown::Context {
                index,
                link: &link,
                path: &job.path,
                paragraph_ids: job.is_page,
                embeds: job.is_page,
                strings: &config.strings,
            };
            let rendered = memo.markdown(
                &job.key,
                || {
                    Hasher::new()
                        .fingerprint(&config_key)
                        .str(&job.text.text)
                        .debug(&(job.text.line, job.text.col))
                        .debug(&job.path)
                        .debug(&job.is_page)
                        .finish()
                },
                |r| deps.of(r),
                || markdown::render(&job.text, &cx),
            );
            (job.key, rendered)
        })
        .collect()
}

/// Every Markdown text of the site with the file it is written in, in site order (what
/// `check --external` reads links from).
pub(super) fn markdown_texts(site: &Site) -> Vec<(Located, PathBuf)> {
    markdown_jobs(site)
        .into_iter()
        .map(|j| (j.text, j.path))
        .collect()
}

/// Every Markdown text of the site, in site order.
fn markdown_jobs(site: &Site) -> Vec<MarkdownJob> {
    let mut jobs = Vec::new();
    let mut push = |key: (Kind, String), text: Located, path: &PathBuf, is_page: bool| {
        jobs.push(MarkdownJob {
            key,
            text,
            path: path.clone(),
            is_page,
        })
    };
    let at = |text: &str, origin: &model::Origin| Located {
        text: text.to_string(),
        line: origin.line,
        col: origin.col,
    };
    for p in &site.pages {
        push(
            (Kind::Page, p.meta.id.clone()),
            p.body.clone(),
            &p.origin.path,
            true,
        );
    }
    for e in site.entities.iter().filter(|e| e.description.is_some()) {
        push(
            (e.kind.kind(), e.id.clone()),
            e.description_at.clone(),
            &e.origin.path,
            false,
        );
    }
    for e in site.events.iter().filter(|e| e.description.is_some()) {
        push(
            (Kind::Event, e.id.clone()),
            e.description_at.clone(),
            &e.origin.path,
            false,
        );
    }
    for d in &site.datasets {
        for (i, n) in d.notes.iter().enumerate() {
            let key = (Kind::Dataset, format!("{}#note-{i}", d.id));
            push(key, at(&n.text, &d.origin), &d.origin.path, false);
        }
    }
    for c in &site.charts {
        for (i, n) in c.notes.iter().enumerate() {
            let key = (Kind::Chart, format!("{}#note-{i}", c.id));
            push(key, at(n, &c.origin), &c.origin.path, false);
        }
    }
    for f in &site.figures {
        if let Some(n) = &f.note {
            push(
                (Kind::Figure, f.id.clone()),
                at(n, &f.origin),
                &f.origin.path,
                false,
            );
        }
    }
    for c in &site.corrections {
        push(
            (Kind::Correction, c.id.clone()),
            at(&c.text, &c.origin),
            &c.origin.path,
            false,
        );
    }
    jobs
}

/// What a rendered Markdown text read besides its own text: the index entries of the items it
/// links, cites and embeds (an embed is a marker in the text; the page stage fills it in).
pub struct Dependencies<'a> {
    index: &'a Index,
    /// The fingerprint of every index entry, made once when a memo first asks (a text reads
    /// several entries, and many texts read the same ones).
    entries: std::sync::OnceLock<HashMap<(Kind, &'a str), Fingerprint>>,
}

impl<'a> Dependencies<'a> {
    /// What texts may read: the index.
    pub fn new(index: &'a Index) -> Dependencies<'a> {
        Dependencies {
            index,
            entries: std::sync::OnceLock::new(),
        }
    }

    fn of(&self, r: &Rendered) -> Fingerprint {
        let entries = self.entries.get_or_init(|| {
            let all: Vec<_> = self.index.entries().collect();
            all.par_iter()
                .map(|((kind, id), e)| ((*kind, id.as_str()), crate::fingerprint::of_debug(e)))
                .collect()
        });
        let mut h = Hasher::new();
        let mut entry = |kind: Kind, id: &str| {
            h.str(kind.ref_name()).str(id);
            match entries.get(&(kind, id)) {
                Some(f) => h.fingerprint(f),
                None => h.str("missing"),
            };
        };
        for (kind, id) in &r.refs {
            entry(*kind, id);
        }
        for c in &r.cites {
            entry(Kind::Source, &c.key);
        }
        h.finish()
    }
}
