//! The render stage: every page through its template (and serve's cache), each item page's card
//! beside them in the same thread pool, the search index on a thread of its own at the same time,
//! the site card, and the static files, each handed to its
//! [`Target`] as soon as it is made (`build` streams them into the output folder's staging area,
//! so no stage holds the whole site); no two files may share a path. Every cache key of this
//! stage is computed here, from exactly what the unit reads; the page stage (`site`) never sees
//! the cache.

use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::fingerprint::Hasher;
use crate::model::Kind;
use crate::output::{OutputFile, Stream};
use crate::render::chart;
use crate::render::markdown::{html_to_text, replace_embed_markers};
use crate::render::templates::Templates;
use crate::site::{self, CardUnit, EmbedUnit, Inputs, PageUnit};

use super::memo::Memo;

/// Where rendered files go.
pub enum Target<'a> {
    /// Kept in memory and returned (`serve`, tests).
    Memory,
    /// Kept in memory like [`Target::Memory`], but the item pages' cards are listed, not drawn
    /// (empty files): `check` reads the pages' links, not the cards' pixels.
    Check,
    /// Staged in the output folder as they come, moved into place by the write stage (`build`).
    Disk(&'a Stream),
}

/// The rendered site, and how long pages, cards and the search index each took (they run at once).
pub struct Rendered {
    /// Every output file, sorted by path ([`Target::Memory`]; empty for [`Target::Disk`]).
    pub files: Vec<OutputFile>,
    /// How many files the site has.
    pub count: usize,
    /// Bytes of the search index proper (see [`crate::search::index_bytes`]).
    pub search_bytes: usize,
    /// Milliseconds of the pages (model lookups included).
    pub pages_ms: f64,
    /// Milliseconds of the item pages' cards (drawn or reused), in the pages' thread pool.
    pub cards_ms: f64,
    /// Milliseconds the search index took on its own thread (0 when search is off).
    pub search_ms: f64,
}

/// Takes the files of each unit as it finishes: their paths (to refuse two files at one path)
/// and, by target, their bytes in memory or on disk.
struct Collector<'a> {
    target: &'a Target<'a>,
    /// Set by the first file that cannot be staged: the build fails, the rest is not staged.
    failed: std::sync::atomic::AtomicBool,
    paths: Mutex<Vec<String>>,
    files: Mutex<Vec<OutputFile>>,
}

impl Collector<'_> {
    fn take(&self, files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        lock(&self.paths).extend(files.iter().map(|f| f.path.clone()));
        match self.target {
            Target::Memory | Target::Check => lock(&self.files).extend(files),
            Target::Disk(stream) => {
                use std::sync::atomic::Ordering::Relaxed;
                for f in &files {
                    if self.failed.load(Relaxed) {
                        break;
                    }
                    if let Err(e) = stream.put(f) {
                        // Two workers can fail at once (a full disk): the first reports, for all.
                        if self.failed.swap(true, Relaxed) {
                            break;
                        }
                        return Err(Diagnostic::error(stream.out(), 0, 0, format!("cannot stage {}: {e}", f.path))
                            .with_hint("the output folder was not changed; free some space or fix the folder's permissions, then build again"));
                    }
                }
            }
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Renders every file of the site from `inp`, with static files read from `root`, into `target`.
pub fn render_site(
    inp: &Inputs,
    templates: &Templates,
    minify: bool,
    fonts: &chart::PngFonts,
    memo: &Memo,
    root: &Path,
    target: &Target,
) -> Result<Rendered, Vec<Diagnostic>> {
    let render_page = |unit: PageUnit| render_page(unit, templates, minify, memo);
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    let collector = Collector {
        target,
        failed: Default::default(),
        paths: Mutex::new(Vec::new()),
        files: Mutex::new(Vec::new()),
    };
    let emit = |files: Vec<OutputFile>| collector.take(files);
    // Pagefind runs on a tokio runtime and uses rayon inside, so it must not run on (and block) a
    // rayon worker. Its records come from the Markdown texts alone, so it starts before the page
    // model (which formats every source's reference) and runs while the pages render.
    let records = if inp.config.search {
        site::search_records(inp)
    } else {
        Vec::new()
    };
    let shards = crate::search::shard_count(records.len());
    let ((pages, pages_ms), (cards, cards_ms), (search, search_ms)) = std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            let start = Instant::now();
            (search_index(inp, &records, templates, memo), ms(start))
        });
        let draw = !matches!(target, Target::Check);
        let cards = Cards { draw, fonts };
        let (pages, cards) = pages_and_cards(inp, &render_page, shards, memo, &emit, &cards);
        let search = search.join().unwrap_or_else(|_| {
            (
                Err("the search indexer stopped unexpectedly".to_string()),
                0.0,
            )
        });
        (pages, cards, search)
    });
    drop(records);
    let mut problems = pages;
    problems.extend(cards);
    let search_bytes = search.as_ref().map_or(0, |f| crate::search::index_bytes(f));
    problems.extend(search.map_err(search_failed).and_then(&emit).err());
    let card = site_card(inp, memo, fonts);
    problems.extend(card.and_then(|card| emit(vec![card])).err());
    let statics = copy_static(root, &mut problems);
    problems.extend(emit(statics).err());
    let paths = std::mem::take(&mut *lock(&collector.paths));
    let count = paths.len();
    problems.extend(clashes(paths));
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut files = collector
        .files
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Rendered {
        files,
        count,
        search_bytes,
        pages_ms,
        cards_ms,
        search_ms,
    })
}

/// The error of a search index that could not be built.
fn search_failed(e: String) -> Diagnostic {
    Diagnostic::error("content", 0, 0, e).with_hint(
        "the search index is built from the pages' text; this is a fieldbook bug if it persists",
    )
}

/// The pages and the item pages' cards, at once in rayon's pool: each one's problems and
/// milliseconds.
fn pages_and_cards(
    inp: &Inputs,
    render_page: &site::RenderPage,
    shards: usize,
    memo: &Memo,
    emit: &site::Emit,
    cards: &Cards,
) -> ((Vec<Diagnostic>, f64), (Vec<Diagnostic>, f64)) {
    let timed = |f: &(dyn Fn() -> Vec<Diagnostic> + Sync)| {
        let start = Instant::now();
        (f(), start.elapsed().as_secs_f64() * 1000.0)
    };
    rayon::join(
        || {
            timed(&|| {
                site::generate(inp, render_page, shards, emit)
                    .err()
                    .unwrap_or_default()
            })
        },
        || timed(&|| page_cards(inp, memo, emit, cards)),
    )
}

/// One page: reused while its template and context (and those of the items it embeds) are
/// unchanged (serve), else rendered, each embedded item put at its marker, and minified when asked.
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
        embeds,
    } = unit;
    let key = || {
        let mut h = Hasher::new();
        h.fingerprint(&templates.fingerprint(template))
            .str(template)
            .json(&context)
            .debug(&minify);
        for e in &embeds {
            h.fingerprint(&templates.fingerprint(e.template))
                .str(e.template)
                .json(&e.context);
        }
        h.finish()
    };
    let bytes = memo.file(&path, key, || {
        let html = fill_embeds(templates.render(template, &context)?, &embeds, templates)?;
        Ok(if minify {
            crate::output::minify_html(&html)
        } else {
            html.into_bytes()
        })
    })?;
    Ok(OutputFile { path, bytes })
}

/// Puts each embedded item, rendered, at its marker in `html` (one pass over the page; each item
/// at the first marker of its number).
fn fill_embeds(
    html: String,
    embeds: &[EmbedUnit],
    templates: &Templates,
) -> Result<String, Diagnostic> {
    if embeds.is_empty() {
        return Ok(html);
    }
    let mut items = Vec::with_capacity(embeds.len());
    for e in embeds {
        // The marker's own line break ends the item.
        let mut item = templates.render(e.template, &e.context)?;
        if item.ends_with('\n') {
            item.pop();
        }
        items.push(Some(item));
    }
    Ok(replace_embed_markers(&html, |n| items.get_mut(n)?.take()))
}

/// The body text of an item's search record: its Markdown's plain text, with the embedded items
/// in place for a page (the text alone when an embed cannot be rendered: the page stage reports
/// that).
fn body_text(inp: &Inputs, kind: Kind, id: &str, templates: &Templates) -> String {
    let Some(r) = inp.markdown.get(&(kind, id.to_string())) else {
        return String::new();
    };
    if r.embeds.is_empty() {
        return r.text();
    }
    let units: Result<Vec<EmbedUnit>, Diagnostic> =
        r.embeds.iter().map(|e| site::embed_unit(inp, e)).collect();
    match units.and_then(|u| fill_embeds(r.html(), &u, templates)) {
        Ok(html) => html_to_text(&html),
        Err(_) => r.text(),
    }
}

/// The search index's files (none when search is off), each shard reused while its records are
/// unchanged.
fn search_index(
    inp: &Inputs,
    records: &[crate::search::Record],
    templates: &Templates,
    memo: &Memo,
) -> Result<Vec<OutputFile>, String> {
    if !inp.config.search {
        return Ok(Vec::new());
    }
    let language = &inp.config.language;
    // One cache unit per shard: an edit re-indexes only the shard holding the edited record.
    let body = |kind, id: &str| body_text(inp, kind, id, templates);
    crate::search::build_cached(records, language, &body, &|i, part, index| {
        memo.search(
            i,
            || Hasher::new().debug(&part).str(language).finish(),
            index,
        )
    })
}

/// How the item pages' cards are made: drawn with these fonts, or (`check`) listed as empty files.
struct Cards<'a> {
    draw: bool,
    fonts: &'a chart::PngFonts,
}

/// Every item page's own card (PNG, `site::card_units`), each handed to `emit` when drawn (or,
/// unless `draw`, as an empty file at its path).
fn page_cards(inp: &Inputs, memo: &Memo, emit: &site::Emit, cards: &Cards) -> Vec<Diagnostic> {
    let card = |c: &CardUnit| match cards.draw {
        true => page_card(c, memo, cards.fonts),
        false => Ok(OutputFile {
            path: c.path.clone(),
            bytes: Vec::new(),
        }),
    };
    site::card_units(inp)
        .par_iter()
        .filter_map(|c| card(c).and_then(|f| emit(vec![f])).err())
        .collect()
}

/// One page's card: reused from serve's memo while the text it shows is unchanged, else from the
/// last output while the PNG there records the same SVG (a rebuild draws none), else drawn.
fn page_card(c: &CardUnit, memo: &Memo, fonts: &chart::PngFonts) -> Result<OutputFile, Diagnostic> {
    let svg = chart::page_card_svg(&c.title, &c.kind, &c.site, fonts);
    let bytes = memo
        .file(
            &c.path,
            || Hasher::new().str(&svg).str(fonts.id()).finish(),
            || chart::png(&svg, memo.previous_file(&c.path), fonts),
        )
        .map_err(|e| {
            Diagnostic::error("content", 0, 0, format!("cannot draw {}: {e}", c.path)).with_hint(
                "this is a fieldbook bug; `page-cards = false` in book.toml leaves the cards out",
            )
        })?;
    Ok(OutputFile {
        path: c.path.clone(),
        bytes,
    })
}

/// The site's link-preview card (PNG), reused from the last output while its source matches.
fn site_card(inp: &Inputs, memo: &Memo, fonts: &chart::PngFonts) -> Result<OutputFile, Diagnostic> {
    let c = inp.config;
    Ok(OutputFile {
        path: chart::SITE_CARD_PATH.into(),
        bytes: chart::card_png(
            &c.title,
            &c.description,
            memo.previous_file(chart::SITE_CARD_PATH),
            fonts,
        )?,
    })
}

/// The default theme's static files with the site's `static/` laid over them (same relative path
/// replaces; new paths are added), as they are.
fn copy_static(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = crate::theme::static_files()
        .into_iter()
        .map(|f| (f.path.to_string(), f.bytes.to_vec()))
        .collect();
    let dir = root.join("static");
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
            Ok(bytes) => {
                files.insert(rel, bytes);
            }
            Err(e) => diagnostics.push(Diagnostic::error(
                Path::new("static").join(&rel),
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    files
        .into_iter()
        .map(|(path, bytes)| OutputFile { path, bytes })
        .collect()
}

/// An error for each path two files would be written to (a static file shadowing a page).
fn clashes(mut paths: Vec<String>) -> Vec<Diagnostic> {
    paths.sort();
    paths
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| {
            Diagnostic::error(
                Path::new("static").join(&pair[0]),
                0,
                0,
                format!("two files would be written to {}", pair[0]),
            )
            .with_hint("a file in static/ has the same path as a generated page; rename it")
        })
        .collect()
}
