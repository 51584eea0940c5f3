//! The render stage: every page through its template (and serve's cache), the search index on a
//! thread of its own at the same time, the site card, and the static files; then one sorted list
//! in which no two files share a path. Every cache key of this stage is computed here, from
//! exactly what the unit reads; the page stage (`site`) never sees the cache.

use std::path::Path;
use std::time::Instant;

use crate::diag::Diagnostic;
use crate::fingerprint::Hasher;
use crate::output::OutputFile;
use crate::render::chart;
use crate::render::templates::Templates;
use crate::site::{self, Inputs, PageUnit};

use super::memo::Memo;

/// The rendered site, and how long pages and the search index each took (they run at once).
pub struct Rendered {
    /// Every output file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Milliseconds of the pages (model lookups included).
    pub pages_ms: f64,
    /// Milliseconds the search index took on its own thread (0 when search is off).
    pub search_ms: f64,
}

/// Renders every file of the site from `inp`, with static files read from `root`.
pub fn render_site(
    inp: &Inputs,
    templates: &Templates,
    minify: bool,
    memo: &Memo,
    root: &Path,
) -> Result<Rendered, Vec<Diagnostic>> {
    let render_page = |unit: PageUnit| render_page(unit, templates, minify, memo);
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    // Pagefind runs on a tokio runtime and uses rayon inside, so it must not run on (and block) a
    // rayon worker. Its records come from the Markdown texts alone, so it starts before the page
    // model (which formats every source's reference) and runs while the pages render.
    let records = if inp.config.search {
        site::search_records(inp)
    } else {
        Vec::new()
    };
    let shards = crate::search::shard_count(records.len());
    let (pages, pages_ms, (search, search_ms)) = std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            let start = Instant::now();
            (search_index(inp, &records, memo), ms(start))
        });
        let start = Instant::now();
        let pages = site::generate(inp, &render_page, shards);
        let pages_ms = ms(start);
        let search = search.join().unwrap_or_else(|_| {
            (
                Err("the search indexer stopped unexpectedly".to_string()),
                0.0,
            )
        });
        (pages, pages_ms, search)
    });
    let mut problems = Vec::new();
    let mut files = pages.unwrap_or_else(|p| {
        problems.extend(p);
        Vec::new()
    });
    match search {
        Ok(f) => files.extend(f),
        Err(e) => problems.push(Diagnostic::error("content", 0, 0, e).with_hint(
            "the search index is built from the pages' text; this is a fieldbook bug if it persists",
        )),
    }
    match site_card(inp, memo) {
        Ok(card) => files.push(card),
        Err(d) => problems.push(d),
    }
    files.extend(copy_static(root, &mut problems));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Rendered {
        files: sorted_without_clash(files)?,
        pages_ms,
        search_ms,
    })
}

/// One page: reused while its template and context are unchanged (serve), else rendered and
/// minified when asked.
pub(super) fn render_page(
    unit: PageUnit,
    templates: &Templates,
    minify: bool,
    memo: &Memo,
) -> Result<OutputFile, Diagnostic> {
    let PageUnit {
        template,
        path,
        context,
    } = unit;
    let key = || {
        Hasher::new()
            .fingerprint(&templates.fingerprint(template))
            .str(template)
            .bytes(&serde_json::to_vec(&context).unwrap_or_default())
            .debug(&minify)
            .finish()
    };
    let bytes = memo.file(&path, key, || {
        let html = templates.render(template, &context)?;
        Ok(if minify {
            crate::output::minify_html(&html)
        } else {
            html.into_bytes()
        })
    })?;
    Ok(OutputFile { path, bytes })
}

/// The search index's files (none when search is off), reused while its records are unchanged.
fn search_index(
    inp: &Inputs,
    records: &[crate::search::Record],
    memo: &Memo,
) -> Result<Vec<OutputFile>, String> {
    if !inp.config.search {
        return Ok(Vec::new());
    }
    let language = &inp.config.language;
    memo.search(
        || Hasher::new().debug(&records).str(language).finish(),
        || crate::search::build(records, language),
    )
}

/// The site's link-preview card (PNG), reused from the last output while its source matches.
fn site_card(inp: &Inputs, memo: &Memo) -> Result<OutputFile, Diagnostic> {
    let c = inp.config;
    Ok(OutputFile {
        path: chart::SITE_CARD_PATH.into(),
        bytes: chart::card_png(
            &c.title,
            &c.description,
            memo.previous_file(chart::SITE_CARD_PATH),
        )?,
    })
}

/// Every file under `static/`, as it is.
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

/// The files sorted by path; two files for one path is an error (a static file shadowing a page).
fn sorted_without_clash(mut files: Vec<OutputFile>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let problems: Vec<Diagnostic> = files
        .windows(2)
        .filter(|pair| pair[0].path == pair[1].path)
        .map(|pair| {
            Diagnostic::error(
                Path::new("static").join(&pair[0].path),
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
