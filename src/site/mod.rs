//! Site: the checked model and rendered Markdown to every output file of the site.
//!
//! Each page kind has a module with its typed template context (never the whole site: context size
//! must not grow with the page count; `docs/templates.md` lists what each template receives);
//! datasets also leave as CSV, JSON and a provenance sidecar, and all together as one zip (`bundle`),
//! charts as SVG and PNG; then the site-wide files (home,
//! indexes, timeline, corrections, search page, 404, redirects) and the files machines read
//! (sitemap, Atom, robots). `card` says which pages have a link-preview card of their own; the
//! build draws them. Everything is sorted so the output is byte-identical for identical input.

mod bundle;
mod card;
mod chart;
mod context;
mod dataset;
mod embeds;
mod entity;
mod feeds;
mod figure;
mod home;
mod indexes;
mod jsonld;
mod page;
mod print;
mod records;
mod source;

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::cite::Styles;
use crate::render::markdown::Rendered;
use crate::validate::consistency::Mismatch;
use crate::validate::index::Index;

pub use card::{card_path, card_units, CardUnit};
use context::Generator;
pub use dataset::{csv, neutralize_formula};
pub use embeds::embed_unit;
pub use records::search_records;

/// One HTML page for the caller to render: a template and its context (plain data).
pub struct PageUnit {
    /// The template's name (`page.html`, ...).
    pub template: &'static str,
    /// Where the page goes in the output.
    pub path: String,
    /// What the template receives (`docs/templates.md`).
    pub context: serde_json::Value,
    /// The items embedded in the page's Markdown: the `n`-th goes where the rendered page holds
    /// `render::markdown::embed_marker(n)`.
    pub embeds: Vec<EmbedUnit>,
}

/// One embedded item for the caller to render and put at its marker.
pub struct EmbedUnit {
    /// `embed_chart.html`, `embed_dataset.html` or `embed_figure.html`.
    pub template: &'static str,
    /// What the template receives (`docs/templates.md`).
    pub context: serde_json::Value,
}

/// How the caller renders a page: through its templates, and through a cache of rendered pages
/// when it keeps one (`serve`). The stage never sees either.
pub type RenderPage<'a> = dyn Fn(PageUnit) -> Result<OutputFile, Diagnostic> + Sync + 'a;

/// Everything rendered before pages are generated.
pub struct Inputs<'a> {
    /// Configuration.
    pub config: &'a Config,
    /// The model.
    pub site: &'a Site,
    /// Ids and titles.
    pub index: &'a Index,
    /// Citation styles.
    pub styles: &'a Styles,
    /// Rendered Markdown of each item with a Markdown body or description, by (kind, id).
    pub markdown: &'a BTreeMap<(Kind, String), Rendered>,
    /// Charts: (wide SVG, narrow SVG, card PNG) by id.
    pub charts: &'a BTreeMap<String, ChartOut>,
    /// Data-consistency mismatches by dataset id.
    pub mismatches: &'a BTreeMap<String, Vec<Mismatch>>,
}

/// Where the page stage hands each unit's files as soon as they are made: the caller writes them
/// out or keeps them, so the stage itself never holds the site.
pub type Emit<'a> = dyn Fn(Vec<OutputFile>) -> Result<(), Diagnostic> + Sync + 'a;

/// One unit of page rendering: some output files from the page model.
type Job<'a> = dyn Fn(&Generator) -> Result<Vec<OutputFile>, Diagnostic> + Send + Sync + 'a;

/// Builds every output file but the search index and the cards (the build makes those):
/// each page through `render_page`, each unit's files handed to `emit` as soon as they are made.
/// `shards`: how many search bundles the search page merges.
pub fn generate(
    inp: &Inputs,
    render_page: &RenderPage,
    shards: usize,
    emit: &Emit,
) -> Result<(), Vec<Diagnostic>> {
    let g = Generator::new(inp, render_page, None);
    let problems: Vec<Diagnostic> = jobs(inp, shards)
        .par_iter()
        .filter_map(|job| job(&g).and_then(emit).err())
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Every unit of work: one per item, and one for the site-wide files.
fn jobs<'a>(inp: &'a Inputs, shards: usize) -> Vec<Box<Job<'a>>> {
    let mut jobs: Vec<Box<Job>> = Vec::new();
    for p in &inp.site.pages {
        jobs.push(Box::new(move |g| g.page(p)));
    }
    for e in &inp.site.entities {
        jobs.push(Box::new(move |g| g.entity(e)));
    }
    for d in &inp.site.datasets {
        jobs.push(Box::new(move |g| g.dataset(d)));
    }
    for c in &inp.site.charts {
        jobs.push(Box::new(move |g| g.chart(c)));
    }
    for s in &inp.site.sources {
        jobs.push(Box::new(move |g| g.source_page(s)));
    }
    for f in &inp.site.figures {
        jobs.push(Box::new(move |g| g.figure(f)));
    }
    jobs.push(Box::new(|g| g.print_edition()));
    jobs.push(Box::new(move |g| site_files(g, shards)));
    jobs
}

/// Home, indexes, timeline, corrections, search page, 404, redirects and the machine-read files.
/// `shards` is how many search bundles the search page merges.
fn site_files(g: &Generator, shards: usize) -> Result<Vec<OutputFile>, Diagnostic> {
    let charts = g.chart_cards();
    let others = g.other_pages();
    let mut files = vec![g.home(&charts, &others)?, g.chapters_index(&others)?];
    files.extend(g.kind_indexes(&charts)?);
    if !g.inp.site.events.is_empty() {
        files.push(g.timeline()?);
    }
    files.push(g.corrections()?);
    if g.inp.config.search {
        files.push(g.search_page(shards)?);
    }
    files.push(g.not_found()?);
    files.push(g.bundle()?);
    files.extend(g.redirects()?);
    files.extend(g.machine_files()?);
    Ok(files)
}

/// The output files of the pages with these ids alone (a `serve` preview).
pub fn pages(
    inp: &Inputs,
    render_page: &RenderPage,
    ids: &[String],
) -> Result<Vec<OutputFile>, Diagnostic> {
    let targets: BTreeSet<(Kind, String)> = ids.iter().map(|id| (Kind::Page, id.clone())).collect();
    let g = Generator::new(inp, render_page, Some(&targets));
    let mut files = Vec::new();
    for p in &inp.site.pages {
        if ids.contains(&p.meta.id) {
            files.extend(g.page(p)?);
        }
    }
    Ok(files)
}
