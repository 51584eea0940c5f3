//! Build: the pipeline. [`compile_with`] is the readable, timed list of stage calls (load ->
//! validate -> render charts -> render Markdown -> site -> search -> write); [`build`] writes the
//! result, [`check_site`] adds what `check` reports, [`preview`] regenerates one edited page from
//! the last build for `serve`. Every stage reports [`Diagnostic`]s; any error stops the build
//! before anything is written. `memo` keeps serve's units between rebuilds; `verify` walks the
//! built site's links.

pub mod memo;
pub mod verify;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::{Kind, Located, Site};
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::markdown::Rendered;
use crate::render::{chart, cite, markdown, templates};
use crate::site::{Embeds, Inputs};
use crate::validate::index::Index;
use crate::validate::{consistency, index};
use crate::{diag, load, model, output, search, site};

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site root (holds book.toml).
    pub root: PathBuf,
    /// Output folder; None means the config's `output-dir` under the root.
    pub out: Option<PathBuf>,
    /// Minify HTML; None follows the config's `minify-html`.
    pub minify: Option<bool>,
}

/// Timings and counts of one build.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Markdown pages.
    pub pages: usize,
    /// Datasets.
    pub datasets: usize,
    /// Charts.
    pub charts: usize,
    /// Files the site has.
    pub files: usize,
    /// Files written and removed by the last write (a rebuild writes only what changed).
    pub written: Option<(usize, usize)>,
    /// Bytes of the search index; None when `search = false`.
    pub search_bytes: Option<usize>,
    /// (stage, milliseconds).
    pub stages: Vec<(&'static str, f64)>,
    /// Warnings and notes (a successful build may have some).
    pub diagnostics: Vec<Diagnostic>,
    /// Where the site was written.
    pub out: PathBuf,
    /// Units reused from and computed past the memo (all computed in a full build).
    pub memo: memo::Stats,
}

impl Report {
    /// Total milliseconds.
    pub fn total_ms(&self) -> f64 {
        self.stages.iter().map(|(_, ms)| ms).sum()
    }

    /// The one-line summary the CLI prints.
    pub fn summary(&self) -> String {
        let stages: Vec<String> = self
            .stages
            .iter()
            .map(|(n, ms)| format!("{n} {ms:.1}"))
            .collect();
        let written = match self.written {
            Some((w, r)) => format!(" ({w} written, {r} removed)"),
            None => String::new(),
        };
        let search = match self.search_bytes {
            Some(bytes) => format!("{} KB search index", bytes / 1024),
            None => "no search index".to_string(),
        };
        format!(
            "built {} pages, {} data files, {} charts, {} files{written}, {search}, in {:.0} ms [{}] -> {}",
            self.pages,
            self.datasets,
            self.charts,
            self.files,
            self.total_ms(),
            stages.join(", "),
            self.out.display()
        )
    }
}

/// A failed build: every error found (and the warnings seen on the way).
#[derive(Debug, Clone)]
pub struct Failure {
    /// Problems, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

/// How the message of a failure during the write starts (every earlier failure leaves the output
/// folder untouched; this one may have updated part of it, each file whole).
pub const WRITE_FAILED: &str = "cannot write the site";

impl Failure {
    /// Whether the build failed while writing, after some files may have been updated.
    pub fn during_write(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.starts_with(WRITE_FAILED))
    }
}

struct Timer {
    start: Instant,
    stages: Vec<(&'static str, f64)>,
}

impl Timer {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.stages
            .push((name, (now - self.start).as_secs_f64() * 1000.0));
        self.start = now;
    }
}

fn fail_if_errors(diagnostics: &mut Vec<Diagnostic>) -> Result<(), Failure> {
    if diagnostics.iter().any(Diagnostic::is_error) {
        let mut all = std::mem::take(diagnostics);
        // Errors first, otherwise in discovery order: a file that fails to load comes before the
        // references to its items that fail because of it.
        all.sort_by_key(|d| std::cmp::Reverse(d.severity));
        all.dedup();
        return Err(Failure { diagnostics: all });
    }
    Ok(())
}

/// Everything a build computes before writing: the model, the index and the output files.
pub struct Built {
    /// The configuration.
    pub config: Config,
    /// The model.
    pub site: Site,
    /// The index.
    pub index: Index,
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Counts, timings, warnings.
    pub report: Report,
    /// Entities no text mentions (reported by `check`, not by `build`).
    pub orphans: Vec<Diagnostic>,
    /// What the pages were generated from besides the model, kept for [`preview`].
    pub parts: Parts,
}

/// The rendered parts a build generates pages from (besides the model and index).
pub struct Parts {
    templates: templates::Templates,
    charts: BTreeMap<String, ChartOut>,
    markdown: BTreeMap<(Kind, String), Rendered>,
    mismatches: BTreeMap<String, Vec<consistency::Mismatch>>,
    minify: bool,
}

/// Runs every stage but the write. Used by `build` and `check`.
pub fn compile(root: &Path, minify: bool) -> Result<Built, Failure> {
    compile_with(root, minify, &memo::Memo::off())
}

/// Runs every stage but the write, reusing from `memo` every unit whose inputs did not change
/// since the last build with the same memo (`serve`). The output is the same as [`compile`]'s.
pub fn compile_with(root: &Path, minify: bool, memo: &memo::Memo) -> Result<Built, Failure> {
    memo.begin();
    let mut t = Timer {
        start: Instant::now(),
        stages: Vec::new(),
    };
    let config = Config::load(root).map_err(|d| Failure {
        diagnostics: vec![d],
    })?;
    let (files, mut diagnostics) = load::read_content(root);
    let (site, problems) = load::parse_site(&files);
    diagnostics.extend(problems);
    t.lap("load");
    let (index, problems) = Index::build(&site);
    diagnostics.extend(problems);
    diagnostics.extend(index::check_references(&site, &index));
    fail_if_errors(&mut diagnostics)?;
    t.lap("validate");
    let (charts, chart_keys) = render_charts(&site, &index, memo, &mut diagnostics);
    fail_if_errors(&mut diagnostics)?;
    t.lap("charts");
    let templates = templates::Templates::load(root).map_err(|d| Failure {
        diagnostics: vec![d],
    })?;
    let styles = cite::Styles::shared();
    let embeds = Embeds {
        config: &config,
        site: &site,
        templates: &templates,
        charts: &charts,
    };
    let deps = Dependencies {
        site: &site,
        index: &index,
        templates: &templates,
        chart_keys: &chart_keys,
    };
    let markdown = render_markdown(&config, &site, &index, &embeds, memo, &deps);
    for r in markdown.values() {
        diagnostics.extend(r.diagnostics.iter().cloned());
    }
    diagnostics.extend(verify::fragments(&site, &markdown));
    let orphans = verify::orphans(&site, &markdown);
    fail_if_errors(&mut diagnostics)?;
    t.lap("markdown");
    let mismatches: BTreeMap<String, Vec<consistency::Mismatch>> = site
        .datasets
        .iter()
        .map(|d| (d.id.clone(), consistency::mismatches(d)))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let inputs = Inputs {
        config: &config,
        site: &site,
        index: &index,
        templates: &templates,
        styles,
        markdown: &markdown,
        charts: &charts,
        mismatches: &mismatches,
        minify,
        memo,
    };
    let mut out = site::generate(&inputs).map_err(|d| Failure { diagnostics: d })?;
    out.extend(copy_static(root, &mut diagnostics));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    fail_if_errors(&mut diagnostics)?;
    t.lap("render");
    let memo_stats = memo.finish();
    let report = Report {
        pages: site.pages.len(),
        datasets: site.datasets.len(),
        charts: charts.len(),
        files: out.len(),
        search_bytes: config.search.then(|| search::index_bytes(&out)),
        stages: t.stages,
        diagnostics,
        out: PathBuf::new(),
        memo: memo_stats,
        written: None,
    };
    Ok(Built {
        config,
        site,
        index,
        files: out,
        report,
        orphans,
        parts: Parts {
            templates,
            charts,
            markdown,
            mismatches,
            minify,
        },
    })
}

/// The pages of `changed` (files under `root`) regenerated at once from the last build, before the
/// full rebuild that follows: what `serve` shows first after an edit. Only an edit to the body of
/// an existing page is previewed; anything else (a new page, a changed front matter, a data or
/// template file, a Markdown error) returns `None` and waits for the full rebuild. The preview
/// may differ from that rebuild only on other pages (backlinks, search), which it does not touch.
pub fn preview(built: &mut Built, root: &Path, changed: &[PathBuf]) -> Option<Vec<OutputFile>> {
    let mut ids = Vec::new();
    for path in changed {
        let rel = path
            .strip_prefix(root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let rel = PathBuf::from(rel);
        let i = built.site.pages.iter().position(|p| p.origin.path == rel)?;
        let text = diag::normalize_line_breaks(std::fs::read_to_string(path).ok()?);
        let page = load::parse_page_file(rel.clone(), text).ok()?;
        let old = &built.site.pages[i];
        if page.meta != old.meta || page.origin != old.origin {
            return None;
        }
        let embeds = Embeds {
            config: &built.config,
            site: &built.site,
            templates: &built.parts.templates,
            charts: &built.parts.charts,
        };
        let link = |p: &str| built.config.link(p);
        let cx = markdown::Context {
            index: &built.index,
            embedder: &embeds,
            link: &link,
            path: &rel,
            paragraph_ids: true,
            embeds: true,
        };
        let rendered = markdown::render(&page.body, &cx);
        if rendered.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        ids.push(page.meta.id.clone());
        built
            .parts
            .markdown
            .insert((Kind::Page, page.meta.id.clone()), rendered);
        built.site.pages[i] = page;
    }
    let memo = memo::Memo::off();
    let inputs = Inputs {
        config: &built.config,
        site: &built.site,
        index: &built.index,
        templates: &built.parts.templates,
        styles: cite::Styles::shared(),
        markdown: &built.parts.markdown,
        charts: &built.parts.charts,
        mismatches: &built.parts.mismatches,
        minify: built.parts.minify,
        memo: &memo,
    };
    site::pages(&inputs, &ids).ok()
}

/// Builds the site and brings the output folder up to date (nothing is written if any stage fails).
pub fn build(opts: &Options) -> Result<Report, Failure> {
    // The output folder and whether to minify are needed before the build (the folder to reuse
    // its PNGs); a book.toml that does not load is reported by the build itself.
    let config = Config::load(&opts.root);
    let out = match (&opts.out, &config) {
        (Some(out), _) => out.clone(),
        (None, Ok(config)) => opts.root.join(&config.output_dir),
        (None, Err(d)) => {
            return Err(Failure {
                diagnostics: vec![d.clone()],
            })
        }
    };
    output::check_location(&opts.root, &out).map_err(|message| Failure {
        diagnostics: vec![Diagnostic::error(&out, 0, 0, message).with_hint(
            "write the site outside content/, templates/ and static/, e.g. --out public",
        )],
    })?;
    let minify = opts
        .minify
        .unwrap_or_else(|| config.as_ref().is_ok_and(|c| c.minify_html));
    let memo = memo::Memo::off().with_previous_output(&out);
    let built = compile_with(&opts.root, minify, &memo)?;
    let start = Instant::now();
    let written = output::write_site(&out, &built.files).map_err(|e| Failure {
        diagnostics: vec![
            Diagnostic::error(&out, 0, 0, format!("{WRITE_FAILED}: {e}")).with_hint(
                "free some space or fix the folder's permissions, then build again: each file is whole (the old version or the new one), and the next build finishes the update",
            ),
        ],
    })?;
    let mut report = built.report;
    report
        .stages
        .push(("write", start.elapsed().as_secs_f64() * 1000.0));
    report.out = out;
    report.written = Some(written);
    Ok(report)
}

fn render_charts(
    site: &Site,
    index: &Index,
    memo: &memo::Memo,
    diagnostics: &mut Vec<Diagnostic>,
) -> (
    BTreeMap<String, ChartOut>,
    BTreeMap<String, crate::fingerprint::Fingerprint>,
) {
    let results: Vec<(
        String,
        crate::fingerprint::Fingerprint,
        Result<ChartOut, String>,
    )> = site
        .charts
        .par_iter()
        .filter_map(|c| {
            let d = site.datasets.iter().find(|d| d.id == c.dataset)?;
            let label = index
                .get(Kind::Source, &d.source)
                .and_then(|e| e.cite_label.clone())
                .unwrap_or_else(|| d.source.clone());
            let source_line = format!("Source: {label}, {}. Chart: fieldbook.", d.locator);
            let key = if memo.enabled() {
                crate::fingerprint::Hasher::new()
                    .debug(c)
                    .debug(d)
                    .str(&source_line)
                    .finish()
            } else {
                [0; 32]
            };
            let result = memo.chart(
                &c.id,
                || key,
                || {
                    let wide = chart::svg(c, d, chart::Size::Wide, &source_line)?;
                    let narrow = chart::svg(c, d, chart::Size::Narrow, &source_line)?;
                    let card = chart::svg(c, d, chart::Size::Card, &source_line)?;
                    let previous = memo.previous_file(&chart::png_path(&c.id));
                    let png = chart::png(&card, previous)?;
                    Ok(ChartOut { wide, narrow, png })
                },
            );
            Some((c.id.clone(), key, result))
        })
        .collect();
    let mut keys = BTreeMap::new();
    let mut out = BTreeMap::new();
    for (id, key, r) in results {
        keys.insert(id.clone(), key);
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
    (out, keys)
}

/// Renders every Markdown text of the site: page bodies and the descriptions and notes in YAML.
fn render_markdown(
    config: &Config,
    site: &Site,
    index: &Index,
    embeds: &Embeds,
    memo: &memo::Memo,
    deps: &Dependencies,
) -> BTreeMap<(Kind, String), Rendered> {
    let config_key = if memo.enabled() {
        crate::fingerprint::of_debug(config)
    } else {
        [0; 32]
    };
    let link = |p: &str| config.link(p);
    let mut jobs: Vec<((Kind, String), Located, PathBuf, bool)> = Vec::new();
    for p in &site.pages {
        jobs.push((
            (Kind::Page, p.meta.id.clone()),
            p.body.clone(),
            p.origin.path.clone(),
            true,
        ));
    }
    for e in &site.entities {
        if e.description.is_some() {
            jobs.push((
                (e.kind.kind(), e.id.clone()),
                e.description_at.clone(),
                e.origin.path.clone(),
                false,
            ));
        }
    }
    for e in &site.events {
        if e.description.is_some() {
            jobs.push((
                (Kind::Event, e.id.clone()),
                e.description_at.clone(),
                e.origin.path.clone(),
                false,
            ));
        }
    }
    let at = |text: &str, origin: &model::Origin| Located {
        text: text.to_string(),
        line: origin.line,
        col: origin.col,
    };
    for d in &site.datasets {
        for (i, n) in d.notes.iter().enumerate() {
            jobs.push((
                (Kind::Dataset, format!("{}#note-{i}", d.id)),
                at(&n.text, &d.origin),
                d.origin.path.clone(),
                false,
            ));
        }
    }
    for c in &site.charts {
        for (i, n) in c.notes.iter().enumerate() {
            jobs.push((
                (Kind::Chart, format!("{}#note-{i}", c.id)),
                at(n, &c.origin),
                c.origin.path.clone(),
                false,
            ));
        }
    }
    for f in &site.figures {
        if let Some(n) = &f.note {
            jobs.push((
                (Kind::Figure, f.id.clone()),
                at(n, &f.origin),
                f.origin.path.clone(),
                false,
            ));
        }
    }
    for c in &site.corrections {
        jobs.push((
            (Kind::Correction, c.id.clone()),
            at(&c.text, &c.origin),
            c.origin.path.clone(),
            false,
        ));
    }
    jobs.into_par_iter()
        .map(|(key, located, path, is_page)| {
            let cx = markdown::Context {
                index,
                embedder: embeds,
                link: &link,
                path: &path,
                paragraph_ids: is_page,
                embeds: is_page,
            };
            let rendered = memo.markdown(
                &key,
                || {
                    crate::fingerprint::Hasher::new()
                        .fingerprint(&config_key)
                        .str(&located.text)
                        .debug(&(located.line, located.col))
                        .debug(&path)
                        .debug(&is_page)
                        .finish()
                },
                |r| deps.of(r),
                || markdown::render(&located, &cx),
            );
            (key, rendered)
        })
        .collect()
}

/// What a rendered Markdown text read besides its own text: the index entries of the items it
/// links and cites, and for items it may embed, the item and the embed template.
struct Dependencies<'a> {
    site: &'a Site,
    index: &'a Index,
    templates: &'a templates::Templates,
    chart_keys: &'a BTreeMap<String, crate::fingerprint::Fingerprint>,
}

impl Dependencies<'_> {
    fn of(&self, r: &Rendered) -> crate::fingerprint::Fingerprint {
        let mut h = crate::fingerprint::Hasher::new();
        for (kind, id) in &r.refs {
            h.str(kind.ref_name())
                .str(id)
                .debug(&self.index.get(*kind, id));
            match kind {
                Kind::Chart => {
                    h.debug(&self.site.charts.iter().find(|c| &c.id == id))
                        .debug(&self.chart_keys.get(id))
                        .fingerprint(&self.templates.fingerprint("embed_chart.html"));
                }
                Kind::Dataset => {
                    h.debug(&self.site.datasets.iter().find(|d| &d.id == id))
                        .fingerprint(&self.templates.fingerprint("embed_dataset.html"));
                }
                Kind::Figure => {
                    h.debug(&self.site.figures.iter().find(|f| &f.id == id))
                        .fingerprint(&self.templates.fingerprint("embed_figure.html"));
                }
                _ => {}
            }
        }
        for c in &r.cites {
            h.str(&c.key).debug(&self.index.get(Kind::Source, &c.key));
        }
        h.finish()
    }
}

fn copy_static(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let dir = root.join("static");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push(OutputFile { path: rel, bytes }),
            Err(e) => diagnostics.push(Diagnostic::error(
                Path::new("static").join(&rel),
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    files
}

/// Everything `check` reports: build errors, data-consistency mismatches, orphans, broken links.
pub fn check_site(root: &Path) -> Vec<Diagnostic> {
    let built = match compile(root, false) {
        Ok(b) => b,
        Err(f) => return f.diagnostics,
    };
    let mut out = built.report.diagnostics.clone();
    for d in &built.site.datasets {
        let acknowledged =
            |m: &consistency::Mismatch| d.notes.iter().any(|n| n.text.contains(&m.printed));
        for m in consistency::mismatches(d) {
            let message = format!(
                "dataset `{}`, {}: {} is printed as {}, but the table implies {}",
                d.id, m.row, m.what, m.printed, m.computed
            );
            let diag = if acknowledged(&m) {
                Diagnostic::note(&d.origin.path, m.line, 1, message)
            } else {
                Diagnostic::warning(&d.origin.path, m.line, 1, message)
            };
            out.push(diag.with_hint("keep the printed value; explain the difference in a dataset note that quotes the printed value (it then becomes a note)"));
        }
    }
    let origins = built.site.origins_by_url();
    for (page, target) in verify::broken_links(&built.files, &built.config.base_path) {
        let url = format!("/{}", page.trim_end_matches("index.html"));
        let message = format!("broken internal link {target} (on {url})");
        let located = origins.get(url.as_str()).map(|origin| {
            // Where the item's own file writes the target, else the item itself.
            let written = target.strip_prefix(built.config.base_path.trim_end_matches('/')).unwrap_or(&target);
            let text = std::fs::read_to_string(root.join(&origin.path)).unwrap_or_default();
            let (line, col) = text.find(written).map_or((origin.line, origin.col), |o| diag::line_col(&text, o));
            Diagnostic::error(&origin.path, line, col, message.clone())
                .with_hint("link to an item with [text](@kind/id), which is checked; if the link is not in this file, it comes from a template")
        });
        out.push(located.unwrap_or_else(|| {
            Diagnostic::error(PathBuf::from("templates"), 0, 0, message).with_hint(format!(
                "the page {url} is made by a template (or is a static file); find the link there"
            ))
        }));
    }
    // Every key figure and dataset cell against the source texts (sources with `text:`).
    out.extend(crate::validate::provenance::check(&built.site, root));
    out.extend(built.orphans);
    out.sort_by(|a, b| {
        (b.severity, &a.path, a.line, a.col).cmp(&(a.severity, &b.path, b.line, b.col))
    });
    out.dedup();
    out
}
