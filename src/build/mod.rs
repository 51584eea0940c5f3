//! Build: the pipeline. [`compile_with`] is the readable, timed list of stage calls (load ->
//! validate -> render charts -> render Markdown -> site -> search -> write); [`build`] writes the
//! result, [`check_site`] adds what `check` reports, [`preview`] regenerates one edited page from
//! the last build for `serve`. Every stage reports [`Diagnostic`]s; any error stops the build
//! before anything is written. `memo` keeps serve's units between rebuilds; `verify` walks the
//! built site's links.

mod check;
pub mod external;
pub mod memo;
mod preview;
mod render;
mod units;
pub mod verify;

pub use check::{check_site, check_site_with};
pub use preview::preview;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::{Kind, Site};
use crate::output::OutputFile;
use crate::render::chart::{ChartOut, PngFonts as ChartFonts};
use crate::render::markdown::Rendered;
use crate::render::{cite, templates};
use crate::site::Inputs;
use crate::validate::index::Index;
use crate::validate::{consistency, index};
use crate::{load, output};

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site root (holds book.toml).
    pub root: PathBuf,
    /// Output folder; None means the config's `output-dir` under the root.
    pub out: Option<PathBuf>,
    /// Minify HTML; None follows the config's `minify-html`.
    pub minify: Option<bool>,
    /// The address the site is published at, replacing book.toml's `base-url` (`--base-url`).
    pub base_url: Option<String>,
    /// Render every unit again instead of reusing the last build's (`--fresh`); the memo is
    /// saved all the same.
    pub fresh: bool,
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
    /// (stage, milliseconds), one after the other: their sum is the build's time.
    pub stages: Vec<(&'static str, f64)>,
    /// The three parts of the `render` stage, which run at the same time: pages, the item pages'
    /// cards (each its own time) and the search index. Each is at most the `render` stage's time.
    pub render_parts: Vec<(&'static str, f64)>,
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
        let parts: Vec<String> = self
            .render_parts
            .iter()
            .map(|(n, ms)| format!("{n} {ms:.1}"))
            .collect();
        let stages: Vec<String> = self
            .stages
            .iter()
            .map(|(n, ms)| match *n {
                "render" if !parts.is_empty() => {
                    format!("{n} {ms:.1} ({}, at once)", parts.join(" | "))
                }
                _ => format!("{n} {ms:.1}"),
            })
            .collect();
        let written = match self.written {
            Some((w, r)) => format!(" ({w} written, {r} removed)"),
            None => String::new(),
        };
        let reused = match self.memo.reused {
            0 => String::new(),
            n => format!(", {n} of {} units reused", n + self.memo.computed),
        };
        let search = match self.search_bytes {
            Some(bytes) => format!("{} KB search index", bytes / 1024),
            None => "no search index".to_string(),
        };
        format!(
            "built {} pages, {} data files, {} charts, {} files{written}, {search}{reused}, in {:.0} ms [{}] -> {}",
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
    /// A failure of one problem.
    pub fn one(d: Diagnostic) -> Failure {
        Failure {
            diagnostics: vec![d],
        }
    }

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
    fn new() -> Timer {
        Timer {
            start: Instant::now(),
            stages: Vec::new(),
        }
    }

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
    /// Every output file, sorted by path (none when the build streamed them to disk).
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
    compile_into(root, minify, memo, &render::Target::Memory, None)
}

/// [`compile_with`] with the base URL replaced (`serve --base-url`).
pub fn compile_with_at(
    root: &Path,
    minify: bool,
    memo: &memo::Memo,
    base_url: Option<&str>,
) -> Result<Built, Failure> {
    compile_into(root, minify, memo, &render::Target::Memory, base_url)
}

/// [`compile`] for `check`, with the base URL replaced (`--base-url`): the item pages' cards
/// are listed as empty files, not drawn.
pub fn compile_for_check(
    root: &Path,
    minify: bool,
    base_url: Option<&str>,
) -> Result<Built, Failure> {
    compile_into(
        root,
        minify,
        &memo::Memo::off(),
        &render::Target::Check,
        base_url,
    )
}

/// Runs every stage but the write, handing the output files to `target` (kept in [`Built`] for
/// [`render::Target::Memory`], staged in the output folder for [`render::Target::Disk`]).
fn compile_into(
    root: &Path,
    minify: bool,
    memo: &memo::Memo,
    target: &render::Target,
    base_url: Option<&str>,
) -> Result<Built, Failure> {
    memo.begin();
    let mut t = Timer::new();
    let config = load_config(root, base_url)?;
    let fonts = png_fonts(root, &config)?;
    let (files, mut diagnostics) = load::read_content(root);
    diagnostics.extend(config_notes(root, &config));
    let (site, problems) = load::parse_site(&files);
    drop(files); // the model owns what it needs; the files' text is not kept to the end
    diagnostics.extend(problems);
    t.lap("load");
    let (index, problems) = Index::build(&site);
    diagnostics.extend(problems);
    diagnostics.extend(index::check_references(&site, &index));
    fail_if_errors(&mut diagnostics)?;
    t.lap("validate");
    let charts = units::render_charts(&config, &site, &index, memo, &fonts, &mut diagnostics);
    fail_if_errors(&mut diagnostics)?;
    t.lap("charts");
    let templates = templates::Templates::load(root, &config.strings).map_err(Failure::one)?;
    let (markdown, orphans) = markdown_stage(&config, &site, &index, memo, &mut diagnostics);
    fail_if_errors(&mut diagnostics)?;
    t.lap("markdown");
    let mismatches = consistency_mismatches(&site);
    let inputs = Inputs {
        config: &config,
        site: &site,
        index: &index,
        styles: cite::Styles::shared(),
        markdown: &markdown,
        charts: &charts,
        mismatches: &mismatches,
    };
    let rendered = render::render_site(&inputs, &templates, minify, &fonts, memo, root, target)
        .map_err(|d| Failure { diagnostics: d })?;
    t.lap("render");
    let report = Report {
        pages: site.pages.len(),
        datasets: site.datasets.len(),
        charts: charts.len(),
        files: rendered.count,
        search_bytes: config.search.then_some(rendered.search_bytes),
        stages: t.stages,
        render_parts: vec![
            ("pages", rendered.pages_ms),
            ("cards", rendered.cards_ms),
            ("search", rendered.search_ms),
        ],
        diagnostics,
        out: PathBuf::new(),
        memo: memo.finish(),
        written: None,
    };
    let parts = Parts {
        templates,
        charts,
        markdown,
        mismatches,
        minify,
    };
    Ok(Built {
        config,
        site,
        index,
        files: rendered.files,
        report,
        orphans,
        parts,
    })
}

/// Every Markdown text rendered, its problems and broken fragment links added to `diagnostics`;
/// with the orphans (items nothing links to, for `check`).
fn markdown_stage(
    config: &Config,
    site: &Site,
    index: &Index,
    memo: &memo::Memo,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<(Kind, String), Rendered>, Vec<Diagnostic>) {
    let deps = units::Dependencies::new(index);
    let markdown = units::render_markdown(config, site, index, memo, &deps);
    for r in markdown.values() {
        diagnostics.extend(r.diagnostics.iter().cloned());
    }
    diagnostics.extend(verify::fragments(site, &markdown));
    let orphans = verify::orphans(site, &markdown);
    (markdown, orphans)
}

/// book.toml (and the site's interface strings), with `--base-url` in place of its base-url.
fn load_config(root: &Path, base_url: Option<&str>) -> Result<Config, Failure> {
    let mut config = Config::load(root).map_err(Failure::one)?;
    if let Some(url) = base_url {
        config.set_base_url(url).map_err(Failure::one)?;
    }
    Ok(config)
}

/// The fonts PNGs are drawn with: the bundled ones, and `png-font` when book.toml names one (an
/// error at its line when it is not a readable font file inside the site folder).
fn png_fonts(root: &Path, config: &Config) -> Result<ChartFonts, Failure> {
    let Some(rel) = &config.png_font else {
        return Ok(ChartFonts::bundled());
    };
    let (line, col) = book_key_at(root, "png-font");
    let fail = |why: String| {
        Failure::one(
            Diagnostic::error("book.toml", line, col, format!("png-font `{}` {why}", rel.display()))
                .with_hint("name a TrueType or OpenType file inside the site folder, e.g. png-font = \"fonts/NotoSansKR-Regular.otf\": PNG cards draw with it the characters DejaVu Sans lacks (Hangul, Han, Kana, ...)"),
        )
    };
    if !output::is_safe_relative(&rel.to_string_lossy()) {
        return Err(fail("is not a path inside the site folder".to_string()));
    }
    let bytes = std::fs::read(root.join(rel)).map_err(|e| fail(format!("cannot be read: {e}")))?;
    ChartFonts::with_site_font(bytes).map_err(|e| fail(format!("is {e}")))
}

/// What book.toml leaves to be done before publishing: a placeholder base-url (a warning), no
/// base-url at all, interface strings without a translation (notes).
fn config_notes(root: &Path, config: &Config) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    if config.has_placeholder_base_url() {
        notes.push(placeholder_warning(root, config));
    }
    if !config.has_address() {
        notes.push(
            Diagnostic::note("book.toml", 1, 1, "no base-url: links are root-relative, and no sitemap.xml or atom.xml is written (both need the site's address)")
                .with_hint("set base-url in [output.fieldbook] to the address the site is published at, or pass --base-url URL"),
        );
    }
    notes.extend(untranslated_note(root, config));
    notes
}

/// The warning for a placeholder base URL, at `base-url` in book.toml (`check --strict` fails).
fn placeholder_warning(root: &Path, config: &Config) -> Diagnostic {
    let (line, col) = book_key_at(root, "base-url");
    Diagnostic::warning(
        "book.toml",
        line,
        col,
        format!(
            "base-url {} is a placeholder: permalinks, \"cite this\", embed codes, the feed and the sitemap would point there",
            config.base_url
        ),
    )
    .with_hint("set base-url in book.toml to the address the site is published at, or pass --base-url URL to build and check")
}

/// Where `key` is set in book.toml (the setting's own line, not a comment that mentions it); 1:1
/// when it is not set.
fn book_key_at(root: &Path, key: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(root.join("book.toml")).unwrap_or_default();
    text.match_indices(key)
        .find(|(o, _)| *o == 0 || text[..*o].ends_with('\n'))
        .map_or((1, 1), |(o, _)| crate::diag::line_col(&text, o))
}

/// A note naming the interface strings the site's language has no translation for (shown in
/// English), with where to add them.
fn untranslated_note(root: &Path, config: &Config) -> Option<Diagnostic> {
    let missing = &config.strings.untranslated;
    let first = missing.first()?;
    let more = match missing.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let (line, col) = book_key_at(root, "language");
    Some(
        Diagnostic::note(
            "book.toml",
            line,
            col,
            format!(
                "{} interface string(s) have no `{}` translation and are shown in English: `{first}`{more}",
                missing.len(),
                config.language
            ),
        )
        .with_hint(format!(
            "add them to templates/i18n/{}.toml (`fieldbook theme dump` writes the English file to start from)",
            config.language
        )),
    )
}

/// For each dataset whose printed totals disagree with its rows, the disagreements.
fn consistency_mismatches(site: &Site) -> BTreeMap<String, Vec<consistency::Mismatch>> {
    site.datasets
        .iter()
        .map(|d| (d.id.clone(), consistency::mismatches(d)))
        .filter(|(_, m)| !m.is_empty())
        .collect()
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
    // Opened (and locked) before the stages run: every file goes to its staging area as it is
    // made; a failed stage drops the stream, which leaves the folder as it was.
    let stream = output::Stream::open(&out, output::Written::default()).map_err(|e| {
        Failure::one(Diagnostic::error(&out, 0, 0, e.to_string()).with_hint(
            "choose another --out folder, or empty this one (fieldbook writes only into an empty folder or its own output)",
        ))
    })?;
    // What the last successful build into this folder saved: only its unchanged units are reused.
    let memo = match opts.fresh {
        false => memo::Memo::for_output(&opts.root, &out),
        true => memo::Memo::fresh_for_output(&opts.root, &out),
    };
    let built = compile_into(
        &opts.root,
        minify,
        &memo,
        &render::Target::Disk(&stream),
        opts.base_url.as_deref(),
    )?;
    let start = Instant::now();
    // The memo is saved while the files move into place. Whatever becomes of the write, it is
    // sound: its Markdown, charts and references are keyed by their inputs, and a receipt is
    // honoured only while the folder holds its bytes. One that cannot be saved costs the next
    // build its reuse, nothing else.
    let fingerprints = stream.fingerprints();
    let committed = std::thread::scope(|scope| {
        scope.spawn(|| memo.save(&built.parts.markdown, &fingerprints));
        stream.commit()
    });
    let (changed, removed, _) = committed.map_err(|e| Failure {
        diagnostics: vec![
            Diagnostic::error(&out, 0, 0, format!("{WRITE_FAILED}: {e}")).with_hint(
                "free some space or fix the folder's permissions, then build again: each file is whole (the old version or the new one), and the next build finishes the update",
            ),
        ],
    })?;
    let written = (changed, removed);
    let mut report = built.report;
    report
        .stages
        .push(("write", start.elapsed().as_secs_f64() * 1000.0));
    report.out = out;
    report.written = Some(written);
    Ok(report)
}
