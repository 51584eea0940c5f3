//! Site: the checked model and rendered Markdown to every output file of the site.
//!
//! Each page kind has a module with its typed template context (never the whole site: context size
//! must not grow with the page count; `docs/templates.md` lists what each template receives);
//! datasets also leave as CSV and JSON, charts as SVG and PNG; then the site-wide files (home,
//! indexes, timeline, corrections, search page, 404, redirects) and the files machines read
//! (sitemap, Atom, robots, card). Everything is sorted so the output is byte-identical for
//! identical input.

mod chart;
mod context;
mod dataset;
mod embeds;
mod entity;
mod feeds;
mod figure;
mod home;
mod indexes;
mod page;
mod records;
mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::cite::Styles;
use crate::render::markdown::Rendered;
use crate::render::templates::Templates;
use crate::validate::consistency::Mismatch;
use crate::validate::index::Index;

use context::Generator;
pub use dataset::{csv, neutralize_formula};
pub use embeds::Embeds;

/// A unit's input fingerprint, computed only when a cache asks for it.
pub type KeyFn<'a> = Box<dyn FnOnce() -> crate::fingerprint::Fingerprint + 'a>;

/// What this stage asks of a cache of rendered units. The stage defines it and never names the
/// cache: `serve` passes its memo (`build::memo::Memo`), and a full build passes one that is off and
/// computes every unit.
pub trait Units: Sync {
    /// Whether keys are worth computing (false in a full build).
    fn enabled(&self) -> bool;
    /// One HTML file: reused while its key is unchanged, else rendered.
    fn file<'a>(
        &self,
        path: &str,
        key: KeyFn<'a>,
        render: Box<dyn FnOnce() -> Result<Vec<u8>, Diagnostic> + 'a>,
    ) -> Result<Vec<u8>, Diagnostic>;
    /// The search index's files: reused while its key is unchanged, else built.
    fn search<'a>(
        &self,
        key: KeyFn<'a>,
        build: Box<dyn FnOnce() -> Result<Vec<OutputFile>, String> + 'a>,
    ) -> Result<Vec<OutputFile>, String>;
    /// A file of the previous output, when the build reuses one (the site card's PNG).
    fn previous_file(&self, path: &str) -> Option<Vec<u8>>;
}

/// Everything rendered before pages are generated.
pub struct Inputs<'a> {
    /// Configuration.
    pub config: &'a Config,
    /// The model.
    pub site: &'a Site,
    /// Ids and titles.
    pub index: &'a Index,
    /// Templates.
    pub templates: &'a Templates,
    /// Citation styles.
    pub styles: &'a Styles,
    /// Rendered Markdown of each item with a Markdown body or description, by (kind, id).
    pub markdown: &'a BTreeMap<(Kind, String), Rendered>,
    /// Charts: (wide SVG, narrow SVG, card PNG) by id.
    pub charts: &'a BTreeMap<String, ChartOut>,
    /// Data-consistency mismatches by dataset id.
    pub mismatches: &'a BTreeMap<String, Vec<Mismatch>>,
    /// Whether to minify HTML.
    pub minify: bool,
    /// Units kept from the previous build (serve) or nothing (build).
    pub memo: &'a dyn Units,
}

/// One unit of page rendering: some output files from the page model.
type Job<'a> = dyn Fn(&Generator) -> Result<Vec<OutputFile>, Diagnostic> + Send + Sync + 'a;

/// The generated files, and how long pages and the search index each took (they run at once).
pub struct Generated {
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Milliseconds from the first page job to the last (model lookups included).
    pub pages_ms: f64,
    /// Milliseconds the search index took on its own thread (0 when search is off).
    pub search_ms: f64,
}

/// Builds every output file.
pub fn generate(inp: &Inputs) -> Result<Generated, Vec<Diagnostic>> {
    let records = if inp.config.search {
        records::search_records(inp)
    } else {
        Vec::new()
    };
    let shards = crate::search::shard_count(records.len());
    let jobs = jobs(inp, shards);
    // The search index is built on a thread of its own: Pagefind runs on a tokio runtime and uses
    // rayon inside, so it must not run on (and block) a rayon worker. Its records come from the
    // Markdown texts alone, so it starts before the page model (which formats every source's
    // reference) and runs while the pages render.
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let (results, pages_ms, (search, search_ms)): (Vec<Result<Vec<OutputFile>, Diagnostic>>, _, _) =
        std::thread::scope(|scope| {
            let search = scope.spawn(|| {
                let start = Instant::now();
                (search_index(inp, &records), ms(start))
            });
            let start = Instant::now();
            let g = Generator::new(inp, None);
            let results = jobs.par_iter().map(|job| job(&g)).collect();
            let pages_ms = ms(start);
            let search = search.join().unwrap_or_else(|_| {
                (
                    Err("the search indexer stopped unexpectedly".to_string()),
                    0.0,
                )
            });
            (results, pages_ms, search)
        });
    let search = search.map_err(|e| {
        Diagnostic::error("content", 0, 0, e).with_hint(
            "the search index is built from the pages' text; this is a fieldbook bug if it persists",
        )
    });
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for r in results.into_iter().chain([search]) {
        match r {
            Ok(f) => files.extend(f),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Generated {
        files: sorted_without_clash(files)?,
        pages_ms,
        search_ms,
    })
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
    jobs.push(Box::new(move |g| site_files(g, shards)));
    jobs
}

/// The search index's files (none when search is off), through the cache of units.
fn search_index(
    inp: &Inputs,
    records: &[crate::search::Record],
) -> Result<Vec<OutputFile>, String> {
    if !inp.config.search {
        return Ok(Vec::new());
    }
    let language = &inp.config.language;
    inp.memo.search(
        Box::new(|| {
            crate::fingerprint::Hasher::new()
                .debug(&records)
                .str(language)
                .finish()
        }),
        Box::new(|| crate::search::build(records, language)),
    )
}

/// Home, indexes, timeline, corrections, search, 404, redirects and the machine-read files.
/// `shards` is how many search bundles the search page merges.
fn site_files(g: &Generator, shards: usize) -> Result<Vec<OutputFile>, Diagnostic> {
    let charts = g.chart_cards();
    let others = g.other_pages();
    let mut files = vec![g.home(&charts, &others)?, g.chapters_index(&others)?];
    files.extend(g.kind_indexes(&charts)?);
    files.push(g.timeline()?);
    files.push(g.corrections()?);
    if g.inp.config.search {
        files.push(g.search_page(shards)?);
    }
    files.push(g.not_found()?);
    files.extend(g.redirects()?);
    files.extend(g.machine_files()?);
    Ok(files)
}

/// The files sorted by path; two files for one path is an error (a static file shadowing a page).
fn sorted_without_clash(mut files: Vec<OutputFile>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let problems: Vec<Diagnostic> = files
        .windows(2)
        .filter(|pair| pair[0].path == pair[1].path)
        .map(|pair| {
            Diagnostic::error(
                "static",
                0,
                0,
                format!("two files would be written to {}", pair[0].path),
            )
            .with_hint("a file in static/ has the same path as a generated page; rename it")
        })
        .collect();
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// The output files of the pages with these ids alone (a `serve` preview).
pub fn pages(inp: &Inputs, ids: &[String]) -> Result<Vec<OutputFile>, Diagnostic> {
    let targets: BTreeSet<(Kind, String)> = ids.iter().map(|id| (Kind::Page, id.clone())).collect();
    let g = Generator::new(inp, Some(&targets));
    let mut files = Vec::new();
    for p in &inp.site.pages {
        if ids.contains(&p.meta.id) {
            files.extend(g.page(p)?);
        }
    }
    Ok(files)
}
