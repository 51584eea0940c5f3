//! Generate: the checked model and rendered Markdown to every output file of the site.
//!
//! Each page kind gets a small context (never the whole site: context size must not grow with the
//! page count) rendered through its template; datasets also leave as CSV and JSON, charts as SVG and
//! PNG; then the site-wide files (home, indexes, timeline, search index, sitemap, Atom feed, robots,
//! 404, redirects). Everything is sorted so the output is byte-identical for identical input.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::chart::ChartOut;
use crate::render::cite::{Formatted, Styles, Work};
use crate::render::markdown::{escape_attr, Heading, Rendered};
use crate::render::templates::Templates;
use crate::validate::consistency::Mismatch;
use crate::validate::index::Index;

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

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
    kind: String,
    summary: String,
}

#[derive(Serialize)]
struct SiteCx<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    licence: &'a str,
    last_updated: &'a str,
    base: String,
    home: String,
    about: Option<String>,
    sections: Vec<Link>,
    chapters: Vec<Link>,
    /// Whether the site has a search page (`search` in book.toml).
    search: bool,
}

#[derive(Serialize)]
struct Meta {
    title: String,
    kind: String,
    kind_label: String,
    url: String,
    canonical: String,
    summary: String,
    og_image: String,
    og_image_alt: String,
    og_image_width: u32,
    og_image_height: u32,
    og_type: String,
}

/// One unit of page rendering: some output files from the page model.
type Job<'a> = dyn Fn(&Gen) -> Result<Vec<OutputFile>, Diagnostic> + Send + Sync + 'a;

/// Builds every output file.
pub fn generate(inp: &Inputs) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let search_on = inp.config.search;
    let records = if search_on {
        search_records(inp)
    } else {
        Vec::new()
    };
    let shards = crate::search::shard_count(records.len());
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
        jobs.push(Box::new(move |g| g.source(s)));
    }
    for f in &inp.site.figures {
        jobs.push(Box::new(move |g| g.figure(f)));
    }
    jobs.push(Box::new(move |g| g.site_files(shards)));
    // The search index is built on a thread of its own: Pagefind runs on a tokio runtime and uses
    // rayon inside, so it must not run on (and block) a rayon worker. Its records come from the
    // Markdown texts alone, so it starts before the page model (which formats every source's
    // reference) and runs while the pages render.
    let language = &inp.config.language;
    let (results, search): (Vec<Result<Vec<OutputFile>, Diagnostic>>, _) =
        std::thread::scope(|scope| {
            let search = scope.spawn(|| {
                if !search_on {
                    return Ok(Vec::new());
                }
                inp.memo.search(
                    Box::new(|| {
                        crate::fingerprint::Hasher::new()
                            .debug(&records)
                            .str(language)
                            .finish()
                    }),
                    Box::new(|| crate::search::build(&records, language)),
                )
            });
            let g = Gen::new(inp, None);
            let results = jobs.par_iter().map(|job| job(&g)).collect();
            let search = search
                .join()
                .unwrap_or_else(|_| Err("the search indexer stopped unexpectedly".to_string()));
            (results, search)
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
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for pair in files.windows(2) {
        if pair[0].path == pair[1].path {
            problems.push(
                Diagnostic::error(
                    "static",
                    0,
                    0,
                    format!("two files would be written to {}", pair[0].path),
                )
                .with_hint("a file in static/ has the same path as a generated page; rename it"),
            );
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// The output files of the pages with these ids alone (a `serve` preview).
pub fn pages(inp: &Inputs, ids: &[String]) -> Result<Vec<OutputFile>, Diagnostic> {
    let targets: BTreeSet<(Kind, String)> = ids.iter().map(|id| (Kind::Page, id.clone())).collect();
    let g = Gen::new(inp, Some(&targets));
    let mut files = Vec::new();
    for p in &inp.site.pages {
        if ids.contains(&p.meta.id) {
            files.extend(g.page(p)?);
        }
    }
    Ok(files)
}

struct Gen<'a> {
    inp: &'a Inputs<'a>,
    site_cx: Value,
    backlinks: BTreeMap<(Kind, String), Vec<(Kind, String)>>,
    chapters: Vec<&'a Page>,
    citer: crate::render::cite::SiteCiter,
    /// For each page id, the pages (in site order) whose `updates` name it.
    updated_by: BTreeMap<&'a str, Vec<&'a str>>,
    /// For each place id, the entities (in site order) whose `parent` it is.
    children: BTreeMap<&'a str, Vec<&'a Entity>>,
    /// For each page id, the events (in site order) that list it.
    events_of: BTreeMap<&'a str, Vec<&'a str>>,
    /// Each source in every "cite this" format (Chicago is also its reference-list entry).
    references: BTreeMap<String, crate::render::cite::Formatted>,
}

impl<'a> Gen<'a> {
    /// `only`: the items whose backlinks will be asked for, when not all (a preview of one page
    /// need not collect the backlinks of the whole site).
    fn new(inp: &'a Inputs<'a>, only: Option<&BTreeSet<(Kind, String)>>) -> Gen<'a> {
        let wanted = |to: &(Kind, String)| only.is_none_or(|o| o.contains(to));
        let c = inp.config;
        let mut chapters: Vec<&Page> = inp
            .site
            .pages
            .iter()
            .filter(|p| p.meta.kind == PageKind::Chapter)
            .collect();
        chapters.sort_by(|a, b| (a.meta.order, &a.meta.id).cmp(&(b.meta.order, &b.meta.id)));
        let link_of = |title: &str, url: &str, kind: &str| Link {
            title: title.into(),
            url: c.link(url),
            kind: kind.into(),
            summary: String::new(),
        };
        let mut sections = vec![link_of("Chapters", "/chapters/", "index")];
        for kind in [
            Kind::Dataset,
            Kind::Chart,
            Kind::Figure,
            Kind::Event,
            Kind::Place,
            Kind::Organization,
            Kind::Person,
            Kind::Term,
            Kind::Source,
        ] {
            sections.push(link_of(
                kind.plural(),
                &format!("/{}/", kind.section().unwrap_or("")),
                "index",
            ));
        }
        let site_cx = serde_json::to_value(SiteCx {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            licence: &c.licence,
            last_updated: &c.last_updated,
            base: c.base_path.trim_end_matches('/').to_string(),
            home: c.link("/"),
            about: inp
                .site
                .pages
                .iter()
                .find(|p| p.meta.kind == PageKind::About)
                .map(|p| c.link(&Kind::Page.url(&p.meta.id))),
            sections,
            chapters: chapters
                .iter()
                .map(|p| Link {
                    title: p.meta.title.clone(),
                    url: c.link(&Kind::Page.url(&p.meta.id)),
                    kind: p.meta.part.clone().unwrap_or_default(),
                    summary: p.meta.summary.clone(),
                })
                .collect(),
            search: c.search,
        })
        .unwrap_or(Value::Null);
        // Backlinks: who mentions whom, from every rendered Markdown text.
        let mut backlinks: BTreeMap<(Kind, String), Vec<(Kind, String)>> = BTreeMap::new();
        for (from, rendered) in inp.markdown {
            for to in &rendered.refs {
                if to != from && wanted(to) {
                    backlinks.entry(to.clone()).or_default().push(from.clone());
                }
            }
        }
        for ev in &inp.site.events {
            for p in &ev.pages {
                backlinks
                    .entry((Kind::Event, ev.id.clone()))
                    .or_default()
                    .push((Kind::Page, p.clone()));
            }
        }
        // Sorted and deduplicated once at the end (a `contains` per insert was quadratic in the
        // number of pages that mention one item).
        for list in backlinks.values_mut() {
            list.sort();
            list.dedup();
        }
        let site_work = Work {
            kind: "web".into(),
            authors: c.authors.clone(),
            year: c.last_updated.get(..4).and_then(|y| y.parse().ok()),
            date: (!c.last_updated.is_empty()).then(|| c.last_updated.clone()),
            publisher: (!c.publisher.is_empty()).then(|| c.publisher.clone()),
            container: Some(c.title.clone()),
            ..Work::default()
        };
        let citer = crate::render::cite::SiteCiter::new(inp.styles, &site_work);
        let references = inp
            .site
            .sources
            .par_iter()
            .map(|s| (s.id.clone(), inp.styles.formatted(&Work::from_source(s))))
            .collect();
        let mut updated_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for p in &inp.site.pages {
            for u in &p.meta.updates {
                updated_by.entry(u.as_str()).or_default().push(&p.meta.id);
            }
        }
        let mut children: BTreeMap<&str, Vec<&Entity>> = BTreeMap::new();
        for e in &inp.site.entities {
            if let Some(parent) = &e.parent {
                children.entry(parent.as_str()).or_default().push(e);
            }
        }
        let mut events_of: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for ev in &inp.site.events {
            for p in &ev.pages {
                let events = events_of.entry(p.as_str()).or_default();
                if !events.contains(&ev.id.as_str()) {
                    events.push(&ev.id);
                }
            }
        }
        Gen {
            inp,
            site_cx,
            updated_by,
            children,
            events_of,
            backlinks,
            chapters,
            citer,
            references,
        }
    }

    fn link(&self, path: &str) -> String {
        self.inp.config.link(path)
    }

    fn item_link(&self, kind: Kind, id: &str) -> Option<Link> {
        let e = self.inp.index.get(kind, id)?;
        Some(Link {
            title: e.title.clone(),
            url: self.link(&e.url),
            kind: kind.label().to_string(),
            summary: e.summary.clone(),
        })
    }

    fn backlinks_of(&self, kind: Kind, id: &str) -> Vec<Link> {
        self.backlinks
            .get(&(kind, id.to_string()))
            .map(|l| {
                l.iter()
                    .filter_map(|(k, i)| self.item_link(*k, i))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn meta(&self, kind: Kind, id: &str, title: &str, summary: &str) -> Meta {
        let url = if kind == Kind::Page && id.is_empty() {
            "/".to_string()
        } else {
            kind.url(id)
        };
        let (og_image, alt, w, h) = match (kind, self.inp.charts.contains_key(id)) {
            (Kind::Chart, true) => (
                format!("/{}", crate::render::chart::png_path(id)),
                format!("Chart: {title}"),
                1200,
                630,
            ),
            _ => (
                format!("/{}", crate::render::chart::SITE_CARD_PATH),
                format!("{} — {}", self.inp.config.title, title),
                1200,
                630,
            ),
        };
        Meta {
            title: title.to_string(),
            kind: kind.ref_name().to_string(),
            kind_label: kind.label().to_string(),
            url: self.link(&url),
            canonical: self.inp.config.absolute(&url),
            summary: summary.to_string(),
            og_image: self.inp.config.absolute(&og_image),
            og_image_alt: alt,
            og_image_width: w,
            og_image_height: h,
            og_type: if kind == Kind::Page {
                "article".into()
            } else {
                "website".into()
            },
        }
    }

    /// "Cite this" for an item of the site, crediting the site and its permalink.
    fn cite_this(&self, title: &str, url: &str, key: &str) -> Formatted {
        self.citer
            .formatted(title, &self.inp.config.absolute(url), key)
    }

    fn md(&self, kind: Kind, id: &str) -> Option<&Rendered> {
        self.inp.markdown.get(&(kind, id.to_string()))
    }

    /// Renders `template` with `cx` (and minifies); in `serve`, only when the template or the
    /// context changed since the last build.
    fn render(&self, template: &str, path: String, cx: Value) -> Result<OutputFile, Diagnostic> {
        // Computed before the context moves into the renderer (only when the memo is on).
        let key = self.inp.memo.enabled().then(|| {
            crate::fingerprint::Hasher::new()
                .fingerprint(&self.inp.templates.fingerprint(template))
                .str(template)
                .bytes(&serde_json::to_vec(&cx).unwrap_or_default())
                .debug(&self.inp.minify)
                .finish()
        });
        let bytes = self.inp.memo.file(
            &path,
            Box::new(|| key.unwrap_or_default()),
            Box::new(|| {
                let html = self.inp.templates.render(template, cx)?;
                Ok(if self.inp.minify {
                    crate::output::minify_html(&html)
                } else {
                    html.into_bytes()
                })
            }),
        )?;
        Ok(OutputFile { path, bytes })
    }

    fn bibliography(&self, rendered: &Rendered) -> Vec<Value> {
        let keys: BTreeSet<&str> = rendered.cites.iter().map(|c| c.key.as_str()).collect();
        let mut entries: Vec<(String, Value)> = keys
            .into_iter()
            .filter_map(|k| self.inp.site.sources.iter().find(|s| s.id == k))
            .map(|s| {
                let label = s.label();
                (label.clone(), json!({"id": s.id, "label": label, "html": self.references.get(&s.id).map(|f| &f.chicago), "url": self.link(&Kind::Source.url(&s.id))}))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.into_iter().map(|(_, v)| v).collect()
    }

    fn named(&self, rendered: &Rendered) -> Value {
        let mut groups: BTreeMap<Kind, Vec<Link>> = BTreeMap::new();
        for (k, id) in &rendered.refs {
            if matches!(
                k,
                Kind::Place | Kind::Organization | Kind::Person | Kind::Term
            ) {
                if let Some(l) = self.item_link(*k, id) {
                    groups.entry(*k).or_default().push(l);
                }
            }
        }
        Value::Array(
            groups
                .into_iter()
                .map(|(k, mut items)| {
                    items.sort_by(|a, b| a.title.cmp(&b.title));
                    json!({"label": k.plural(), "items": items})
                })
                .collect(),
        )
    }

    fn page(&self, p: &Page) -> Result<Vec<OutputFile>, Diagnostic> {
        let m = &p.meta;
        let empty = Rendered::default();
        let rendered = self.md(Kind::Page, &m.id).unwrap_or(&empty);
        let pos = self.chapters.iter().position(|c| c.meta.id == m.id);
        let nav = |i: Option<usize>| {
            i.and_then(|i| self.chapters.get(i))
                .and_then(|c| self.item_link(Kind::Page, &c.meta.id))
        };
        let prev = pos
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| nav(Some(i)));
        let next = pos.and_then(|i| nav(Some(i + 1)));
        let updates: Vec<Link> = m
            .updates
            .iter()
            .filter_map(|u| self.item_link(Kind::Page, u))
            .collect();
        let updated_by: Vec<Link> = self
            .updated_by
            .get(m.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|o| self.item_link(Kind::Page, o))
            .collect();
        let source = m
            .source
            .as_ref()
            .and_then(|s| self.inp.site.sources.iter().find(|x| &x.id == s));
        let citation_meta = source.map(|s| json!({"title": s.title, "authors": s.authors, "year": s.year, "publisher": s.publisher}));
        let outline: Vec<&Heading> = rendered.headings.iter().filter(|h| h.level <= 3).collect();
        let meta = self.meta(Kind::Page, &m.id, &m.title, &m.summary);
        let cite = self.cite_this(
            &m.title,
            &Kind::Page.url(&m.id),
            &format!("fieldbook-{}", m.id),
        );
        let events: Vec<Link> = self
            .events_of
            .get(m.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|e| self.item_link(Kind::Event, e))
            .collect();
        let cx = json!({
            "site": self.site_cx, "meta": meta, "cite": cite,
            "page": {"id": m.id, "title": m.title, "kind": m.kind, "part": m.part, "locator": m.locator, "summary": m.summary, "updated": m.updated,
                     "source": source.map(|s| json!({"label": s.label(), "title": s.title, "url": self.link(&Kind::Source.url(&s.id))}))},
            "body": rendered.html, "outline": outline, "bibliography": self.bibliography(rendered), "named": self.named(rendered),
            "prev": prev, "next": next, "updates": updates, "updated_by": updated_by, "backlinks": self.backlinks_of(Kind::Page, &m.id),
            "citation_meta": citation_meta, "events": events, "words": rendered.text.split_whitespace().count(),
        });
        Ok(vec![self.render(
            "page.html",
            format!("{}/index.html", m.id),
            cx,
        )?])
    }

    fn entity(&self, e: &Entity) -> Result<Vec<OutputFile>, Diagnostic> {
        let kind = e.kind.kind();
        let empty = Rendered::default();
        let rendered = self.md(kind, &e.id).unwrap_or(&empty);
        let parent = e
            .parent
            .as_ref()
            .and_then(|p| self.item_link(Kind::Place, p));
        let children: Vec<Link> = self
            .children
            .get(e.id.as_str())
            .into_iter()
            .flatten()
            .filter_map(|c| self.item_link(c.kind.kind(), &c.id))
            .collect();
        let sources: Vec<Value> = e
            .sources
            .iter()
            .filter_map(|s| {
                self.item_link(Kind::Source, &s.source)
                    .map(|l| json!({"link": l, "locator": s.locator}))
            })
            .collect();
        let meta = self.meta(kind, &e.id, &e.name, &e.summary);
        let cite = self.cite_this(
            &e.name,
            &kind.url(&e.id),
            &format!("fieldbook-{}-{}", kind.ref_name(), e.id),
        );
        let cx = json!({
            "site": self.site_cx, "meta": meta, "cite": cite,
            "entity": {"id": e.id, "name": e.name, "also": e.also, "summary": e.summary, "category": e.category, "note": e.note, "romanized": e.romanized, "table_2_2": e.table_2_2},
            "body": rendered.html, "bibliography": self.bibliography(rendered), "parent": parent, "children": children, "sources": sources,
            "backlinks": self.backlinks_of(kind, &e.id),
        });
        let section = kind.section().unwrap_or("");
        Ok(vec![self.render(
            "entity.html",
            format!("{section}/{}/index.html", e.id),
            cx,
        )?])
    }

    fn table_cx(&self, d: &Dataset) -> Value {
        let columns: Vec<Value> = d.columns.iter().map(|c| json!({"name": c.name, "title": c.title, "unit": c.unit, "numeric": c.kind.is_numeric() && !c.is_year(), "description": c.description})).collect();
        let rows: Vec<Vec<Value>> = d
            .rows
            .iter()
            .map(|r| {
                d.columns
                    .iter()
                    .map(|c| {
                        let cell = r.get(&c.name).unwrap_or(&Cell::Blank);
                        match (c.kind, cell) {
                            (ColumnType::Source, Cell::Text(id)) => {
                                let label = self.inp.site.sources.iter().find(|s| &s.id == id).map(Source::label).unwrap_or_else(|| id.clone());
                                json!({"text": label, "url": self.link(&Kind::Source.url(id))})
                            }
                            _ => json!({"text": c.format(cell), "blank": matches!(cell, Cell::Blank)}),
                        }
                    })
                    .collect()
            })
            .collect();
        json!({"columns": columns, "rows": rows})
    }

    fn source_line(&self, d: &Dataset) -> String {
        let label = self
            .inp
            .site
            .sources
            .iter()
            .find(|s| s.id == d.source)
            .map(Source::label)
            .unwrap_or_else(|| d.source.clone());
        format!("Source: {label}, {}", d.locator)
    }

    fn dataset(&self, d: &Dataset) -> Result<Vec<OutputFile>, Diagnostic> {
        let notes: Vec<Value> = d.notes.iter().enumerate().map(|(i, n)| {
            let html = self.md(Kind::Dataset, &format!("{}#note-{i}", d.id)).map(|r| r.html.clone()).unwrap_or_default();
            json!({"id": n.id.clone().unwrap_or_else(|| format!("note-{}", i + 1)), "html": html})
        }).collect();
        let charts: Vec<Link> = self
            .inp
            .site
            .charts
            .iter()
            .filter(|c| c.dataset == d.id)
            .filter_map(|c| self.item_link(Kind::Chart, &c.id))
            .collect();
        let source = self.item_link(Kind::Source, &d.source);
        let mismatches = self.inp.mismatches.get(&d.id).cloned().unwrap_or_default();
        let meta = self.meta(Kind::Dataset, &d.id, &d.title, &d.description);
        let cite = self.cite_this(
            &d.title,
            &Kind::Dataset.url(&d.id),
            &format!("fieldbook-data-{}", d.id),
        );
        let mut figures: Vec<Link> = self
            .inp
            .site
            .figures
            .iter()
            .filter(|f| f.dataset.as_deref() == Some(d.id.as_str()))
            .filter_map(|f| self.item_link(Kind::Figure, &f.id))
            .collect();
        figures.sort_by(|a, b| a.title.cmp(&b.title));
        let cx = json!({
            "site": self.site_cx, "meta": meta, "cite": cite,
            "dataset": {"id": d.id, "title": d.title, "description": d.description, "locator": d.locator, "table": d.table, "origin": d.origin_line, "rows": d.rows.len(),
                        "csv": self.link(&format!("/data/{}.csv", d.id)), "json": self.link(&format!("/data/{}.json", d.id))},
            "table": self.table_cx(d), "notes": notes, "mismatches": mismatches, "charts": charts, "figures": figures, "source": source,
            "source_line": self.source_line(d), "backlinks": self.backlinks_of(Kind::Dataset, &d.id),
        });
        let page = self.render("dataset.html", format!("data/{}/index.html", d.id), cx)?;
        let csv = OutputFile {
            path: format!("data/{}.csv", d.id),
            bytes: csv(d).into_bytes(),
        };
        let json_file = OutputFile {
            path: format!("data/{}.json", d.id),
            bytes: self.dataset_json(d).into_bytes(),
        };
        Ok(vec![page, csv, json_file])
    }

    fn dataset_json(&self, d: &Dataset) -> String {
        let source = self.inp.site.sources.iter().find(|s| s.id == d.source);
        let row_sources: BTreeSet<&str> = d
            .rows
            .iter()
            .flat_map(|r| {
                d.columns
                    .iter()
                    .filter(|c| c.kind == ColumnType::Source)
                    .filter_map(move |c| match r.get(&c.name) {
                        Some(Cell::Text(t)) => Some(t.as_str()),
                        _ => None,
                    })
            })
            .collect();
        let sources: Vec<Value> = row_sources
            .iter()
            .chain(std::iter::once(&d.source.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|id| self.inp.site.sources.iter().find(|s| s.id == **id))
            .map(|s| json!({"id": s.id, "citation": s.label(), "title": s.title}))
            .collect();
        let doc = json!({
            "id": d.id, "title": d.title, "description": d.description,
            "url": self.inp.config.absolute(&Kind::Dataset.url(&d.id)),
            "source": source.map(|s| json!({"id": s.id, "citation": s.label(), "title": s.title})), "locator": d.locator, "table": d.table, "origin": d.origin_line,
            "sources": sources,
            "licence": self.inp.config.licence,
            "columns": d.columns, "rows": d.rows, "notes": d.notes.iter().map(|n| &n.text).collect::<Vec<_>>(),
            "consistency": self.inp.mismatches.get(&d.id),
        });
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    }

    fn chart(&self, c: &Chart) -> Result<Vec<OutputFile>, Diagnostic> {
        let Some(out) = self.inp.charts.get(&c.id) else {
            return Ok(Vec::new());
        };
        let Some(d) = self.inp.site.datasets.iter().find(|d| d.id == c.dataset) else {
            return Ok(Vec::new());
        };
        let notes: Vec<String> = (0..c.notes.len())
            .filter_map(|i| {
                self.md(Kind::Chart, &format!("{}#note-{i}", c.id))
                    .map(|r| r.html.clone())
            })
            .collect();
        // The data behind the chart: the chart's rows, with source/locator columns when present.
        let rows = c.rows(d);
        let sub = Dataset {
            rows: rows.into_iter().cloned().collect(),
            ..d.clone()
        };
        let meta = self.meta(Kind::Chart, &c.id, &c.title, &c.description);
        let cite = self.cite_this(
            &c.title,
            &Kind::Chart.url(&c.id),
            &format!("fieldbook-chart-{}", c.id),
        );
        let embed_url = self.inp.config.absolute(&format!("/embed/{}/", c.id));
        let iframe = format!("<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"560\" style=\"border:0\" loading=\"lazy\"></iframe>", embed_url, escape_attr(&c.title));
        let cx = json!({
            "site": self.site_cx, "meta": meta, "cite": cite,
            "chart": {"id": c.id, "title": c.title, "subtitle": c.subtitle, "description": c.description, "wide": out.wide, "narrow": out.narrow,
                      "svg": self.link(&format!("/charts/{}.svg", c.id)), "png": self.link(&format!("/charts/{}.png", c.id)), "embed": self.link(&format!("/embed/{}/", c.id))},
            "iframe": iframe, "notes": notes, "table": self.table_cx(&sub), "dataset": self.item_link(Kind::Dataset, &d.id),
            "csv": self.link(&format!("/data/{}.csv", d.id)), "json": self.link(&format!("/data/{}.json", d.id)),
            "source_line": self.source_line(d), "backlinks": self.backlinks_of(Kind::Chart, &c.id),
        });
        let page = self.render(
            "chart.html",
            format!("charts/{}/index.html", c.id),
            cx.clone(),
        )?;
        let embed = self.render("embed.html", format!("embed/{}/index.html", c.id), cx)?;
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

    fn source(&self, s: &Source) -> Result<Vec<OutputFile>, Diagnostic> {
        let work = Work::from_source(s);
        let formatted = match self.references.get(&s.id) {
            Some(f) => f.clone(),
            None => self.inp.styles.formatted(&work),
        };
        let meta = self.meta(Kind::Source, &s.id, &s.title, &s.label());
        let datasets: Vec<Link> = self
            .inp
            .site
            .datasets
            .iter()
            .filter(|d| {
                d.source == s.id
                    || d.rows
                        .iter()
                        .any(|r| r.values().any(|v| matches!(v, Cell::Text(t) if t == &s.id)))
            })
            .filter_map(|d| self.item_link(Kind::Dataset, &d.id))
            .collect();
        let figures: Vec<Link> = self
            .inp
            .site
            .figures
            .iter()
            .filter(|f| f.source == s.id)
            .filter_map(|f| self.item_link(Kind::Figure, &f.id))
            .collect();
        let cx = json!({
            "site": self.site_cx, "meta": meta, "cite": formatted, "reference": formatted.chicago,
            "source": s, "label": s.label(), "datasets": datasets, "figures": figures, "backlinks": self.backlinks_of(Kind::Source, &s.id),
        });
        Ok(vec![self.render(
            "source.html",
            format!("sources/{}/index.html", s.id),
            cx,
        )?])
    }

    fn figure(&self, f: &KeyFigure) -> Result<Vec<OutputFile>, Diagnostic> {
        let meta = self.meta(Kind::Figure, &f.id, &f.statement, &f.statement);
        let cite = self.cite_this(
            &f.statement,
            &Kind::Figure.url(&f.id),
            &format!("fieldbook-figure-{}", f.id),
        );
        let note = self.md(Kind::Figure, &f.id).map(|r| r.html.clone());
        let cx = json!({
            "site": self.site_cx, "meta": meta, "cite": cite,
            "figure": {"id": f.id, "statement": f.statement, "shown": f.shown(), "unit": f.unit, "year": f.year, "locator": f.locator},
            "source": self.item_link(Kind::Source, &f.source), "dataset": f.dataset.as_ref().and_then(|d| self.item_link(Kind::Dataset, d)),
            "note": note, "backlinks": self.backlinks_of(Kind::Figure, &f.id),
        });
        Ok(vec![self.render(
            "figure.html",
            format!("figures/{}/index.html", f.id),
            cx,
        )?])
    }

    /// Home, indexes, timeline, corrections, search, 404, feeds, sitemap, robots, redirects, card.
    /// The site-wide files; `shards` is how many search bundles the search page merges.
    fn site_files(&self, shards: usize) -> Result<Vec<OutputFile>, Diagnostic> {
        let inp = self.inp;
        let c = inp.config;
        let mut files = Vec::new();
        // Home.
        let mut figures: Vec<&KeyFigure> = inp.site.figures.iter().collect();
        figures.sort_by(|a, b| (a.year, &a.id).cmp(&(b.year, &b.id)));
        let home_figures: Vec<Value> = figures.iter().take(8).map(|f| json!({"shown": f.shown(), "unit": f.unit, "statement": f.statement, "url": self.link(&Kind::Figure.url(&f.id)),
            "source": inp.site.sources.iter().find(|s| s.id == f.source).map(Source::label), "locator": f.locator})).collect();
        let charts: Vec<Value> = inp.site.charts.iter().filter(|ch| inp.charts.contains_key(&ch.id)).map(|ch| json!({"title": ch.title, "url": self.link(&Kind::Chart.url(&ch.id)), "svg": self.link(&format!("/charts/{}.svg", ch.id)), "description": ch.description})).collect();
        let sources: Vec<Value> = ["kinu2016", "rfa2019"].iter().filter_map(|id| inp.site.sources.iter().find(|s| s.id == *id)).map(|s| json!({"html": self.references.get(&s.id).map(|f| &f.chicago), "url": self.link(&Kind::Source.url(&s.id))})).collect();
        let counts: Vec<Value> = Kind::ALL.iter().filter(|k| k.section().is_some() && **k != Kind::Correction).map(|k| json!({"label": k.plural(), "url": self.link(&format!("/{}/", k.section().unwrap_or(""))), "count": inp.index.ids(*k).count()})).collect();
        let others: Vec<Link> = inp
            .site
            .pages
            .iter()
            .filter(|p| p.meta.kind != PageKind::Chapter)
            .filter_map(|p| self.item_link(Kind::Page, &p.meta.id))
            .collect();
        let meta = self.meta(Kind::Page, "", &c.title, &c.description);
        let cite = self.cite_this(&c.title, "/", "fieldbook-site");
        files.push(self.render("home.html", "index.html".into(), json!({"site": self.site_cx, "meta": meta, "cite": cite, "figures": home_figures, "charts": charts, "sources": sources, "counts": counts, "others": others}))?);
        // Chapters index.
        let meta = Meta {
            url: self.link("/chapters/"),
            canonical: c.absolute("/chapters/"),
            ..self.meta(
                Kind::Page,
                "",
                "Chapters",
                "The report, part by part, in reading order.",
            )
        };
        let cite = self.cite_this("Chapters", "/chapters/", "fieldbook-chapters");
        let items: Vec<Link> = self
            .chapters
            .iter()
            .filter_map(|p| {
                self.item_link(Kind::Page, &p.meta.id).map(|mut l| {
                    l.kind = p.meta.part.clone().unwrap_or_default();
                    l
                })
            })
            .collect();
        files.push(self.render("index.html", "chapters/index.html".into(), json!({"site": self.site_cx, "meta": meta, "cite": cite, "items": items, "others": others, "kind": "chapters"}))?);
        // Kind indexes.
        for kind in [
            Kind::Place,
            Kind::Organization,
            Kind::Person,
            Kind::Term,
            Kind::Dataset,
            Kind::Chart,
            Kind::Source,
            Kind::Figure,
        ] {
            let section = kind.section().unwrap_or("");
            let mut items: Vec<Link> = inp
                .index
                .ids(kind)
                .filter_map(|id| self.item_link(kind, id))
                .collect();
            items.sort_by_key(|l| l.title.to_lowercase());
            let thumbs: Vec<Value> = if kind == Kind::Chart {
                charts.clone()
            } else {
                Vec::new()
            };
            let letters: Vec<String> = if kind == Kind::Term {
                for item in &mut items {
                    item.kind = item
                        .title
                        .trim_start_matches(|c: char| !c.is_alphanumeric())
                        .chars()
                        .next()
                        .map(|c| c.to_uppercase().to_string())
                        .unwrap_or_default();
                }
                items
                    .iter()
                    .map(|l| l.kind.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            } else {
                Vec::new()
            };
            let meta = Meta {
                url: self.link(&format!("/{section}/")),
                canonical: c.absolute(&format!("/{section}/")),
                ..self.meta(
                    Kind::Page,
                    "",
                    kind.plural(),
                    &format!(
                        "Every item of kind {} on this site.",
                        kind.label().to_lowercase()
                    ),
                )
            };
            let cite = self.cite_this(
                kind.plural(),
                &format!("/{section}/"),
                &format!("fieldbook-{section}"),
            );
            files.push(self.render("index.html", format!("{section}/index.html"), json!({"site": self.site_cx, "meta": meta, "cite": cite, "items": items, "kind": kind.ref_name(), "thumbs": thumbs, "letters": letters}))?);
        }
        // Timeline.
        let mut events: Vec<&Event> = inp.site.events.iter().collect();
        events.sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
        let events: Vec<Value> = events.iter().map(|e| json!({"id": e.id, "date": e.date, "title": e.title, "html": self.md(Kind::Event, &e.id).map(|r| r.html.clone()),
            "source": self.item_link(Kind::Source, &e.source), "locator": e.locator, "pages": e.pages.iter().filter_map(|p| self.item_link(Kind::Page, p)).collect::<Vec<_>>()})).collect();
        let meta = Meta {
            url: self.link("/timeline/"),
            canonical: c.absolute("/timeline/"),
            ..self.meta(
                Kind::Page,
                "",
                "Timeline",
                "Dated events from both sources, 1860 to 2019.",
            )
        };
        let cite = self.cite_this("Timeline", "/timeline/", "fieldbook-timeline");
        files.push(self.render(
            "timeline.html",
            "timeline/index.html".into(),
            json!({"site": self.site_cx, "meta": meta, "cite": cite, "events": events}),
        )?);
        // Corrections.
        let mut corrections: Vec<&Correction> = inp.site.corrections.iter().collect();
        corrections.sort_by(|a, b| (&b.date, &a.id).cmp(&(&a.date, &b.id)));
        let corr: Vec<Value> = corrections.iter().map(|k| {
            let target = k.target.strip_prefix('@').and_then(|t| crate::validate::index::parse_ref(t).ok()).and_then(|(kind, id, _)| self.item_link(kind, id));
            json!({"id": k.id, "date": k.date, "html": self.md(Kind::Correction, &k.id).map(|r| r.html.clone()), "target": target})
        }).collect();
        let meta = Meta {
            url: self.link("/corrections/"),
            canonical: c.absolute("/corrections/"),
            ..self.meta(
                Kind::Page,
                "",
                "Corrections",
                "Every correction made to this site, newest first.",
            )
        };
        let cite = self.cite_this("Corrections", "/corrections/", "fieldbook-corrections");
        files.push(self.render(
            "corrections.html",
            "corrections/index.html".into(),
            json!({"site": self.site_cx, "meta": meta, "cite": cite, "corrections": corr}),
        )?);
        // Search page (its index is built beside the pages).
        if c.search {
            let meta = Meta {
                url: self.link("/search/"),
                canonical: c.absolute("/search/"),
                ..self.meta(
                    Kind::Page,
                    "",
                    "Search",
                    "Search the pages, places, organizations, data, charts and key figures.",
                )
            };
            let cite = self.cite_this("Search", "/search/", "fieldbook-search");
            files.push(self.render("search.html", "search/index.html".into(), json!({"site": self.site_cx, "meta": meta, "cite": cite, "bundle": self.link(&format!("/{}/", crate::search::DIR)), "shards": shards}))?);
        }
        // 404.
        let meta = Meta {
            url: self.link("/404.html"),
            canonical: c.absolute("/404.html"),
            ..self.meta(
                Kind::Page,
                "",
                "Page not found",
                "This address does not exist on the site.",
            )
        };
        let cite = self.cite_this("Page not found", "/404.html", "fieldbook-404");
        files.push(self.render(
            "404.html",
            "404.html".into(),
            json!({"site": self.site_cx, "meta": meta, "cite": cite}),
        )?);
        // Redirects for aliases.
        let mut redirects = String::new();
        for (from, to) in &inp.index.redirects {
            let cx =
                json!({"site": self.site_cx, "to": self.link(to), "canonical": c.absolute(to)});
            let path = format!("{}index.html", from.trim_start_matches('/'));
            files.push(self.render("redirect.html", path, cx)?);
            redirects.push_str(&format!("{} {} 301\n", c.link(from), c.link(to)));
        }
        files.push(OutputFile {
            path: "_redirects".into(),
            bytes: redirects.into_bytes(),
        });
        // Crawl files.
        let urls = self.all_urls();
        let mut sitemap = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for u in &urls {
            sitemap.push_str(&format!(
                "  <url><loc>{}</loc>{}</url>\n",
                xml_escape(&c.absolute(u)),
                if c.last_updated.is_empty() {
                    String::new()
                } else {
                    format!("<lastmod>{}</lastmod>", c.last_updated)
                }
            ));
        }
        sitemap.push_str("</urlset>\n");
        files.push(OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap.into_bytes(),
        });
        files.push(OutputFile {
            path: "atom.xml".into(),
            bytes: self.atom().into_bytes(),
        });
        files.push(OutputFile {
            path: "robots.txt".into(),
            bytes: format!(
                "User-agent: *\nAllow: /\nSitemap: {}\n",
                c.absolute("/sitemap.xml")
            )
            .into_bytes(),
        });
        // Stylesheet additions for charts in a forced theme, and the site card.
        files.push(OutputFile {
            path: "charts.css".into(),
            bytes: crate::render::chart::theme_css().into_bytes(),
        });
        files.push(OutputFile {
            path: crate::render::chart::SITE_CARD_PATH.into(),
            bytes: crate::render::chart::card_png(
                &c.title,
                &c.description,
                self.inp
                    .memo
                    .previous_file(crate::render::chart::SITE_CARD_PATH),
            )?,
        });
        Ok(files)
    }

    fn all_urls(&self) -> Vec<String> {
        let mut urls: BTreeSet<String> = BTreeSet::new();
        urls.insert("/".into());
        for p in ["/chapters/", "/timeline/", "/corrections/"] {
            urls.insert(p.into());
        }
        if self.inp.config.search {
            urls.insert("/search/".into());
        }
        for k in Kind::ALL {
            if let (Some(section), true) = (k.section(), k.has_own_page()) {
                urls.insert(format!("/{section}/"));
            }
            if k.has_own_page() {
                for id in self.inp.index.ids(k) {
                    urls.insert(k.url(id));
                }
            }
        }
        urls.into_iter().collect()
    }

    fn atom(&self) -> String {
        let c = self.inp.config;
        let updated = if c.last_updated.is_empty() {
            "1970-01-01".to_string()
        } else {
            c.last_updated.clone()
        };
        let mut feed = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
            xml_escape(&c.title), xml_escape(&c.absolute("/")), xml_escape(&c.absolute("/atom.xml")), xml_escape(&c.absolute("/")), updated, xml_escape(&c.authors.join(", "))
        );
        let mut entries: Vec<(String, String, String, String)> = Vec::new();
        for p in &self.inp.site.pages {
            let date = p.meta.updated.clone().unwrap_or_else(|| updated.clone());
            entries.push((
                date,
                p.meta.title.clone(),
                Kind::Page.url(&p.meta.id),
                p.meta.summary.clone(),
            ));
        }
        for k in &self.inp.site.corrections {
            entries.push((
                k.date.clone(),
                format!("Correction: {}", k.target),
                Kind::Correction.url(&k.id),
                k.text.clone(),
            ));
        }
        for u in self.all_urls() {
            if !entries.iter().any(|e| e.2 == u) {
                let title = Kind::ALL
                    .iter()
                    .find_map(|k| {
                        u.strip_prefix(&format!("/{}/", k.section().unwrap_or("-")))
                            .filter(|r| !r.is_empty())
                            .and_then(|r| self.inp.index.get(*k, r.trim_end_matches('/')))
                    })
                    .map(|e| e.title.clone());
                if let Some(t) = title {
                    entries.push((updated.clone(), t, u.clone(), String::new()));
                }
            }
        }
        entries.sort_by(|a, b| (&b.0, &a.2).cmp(&(&a.0, &b.2)));
        for (date, title, url, summary) in entries {
            let date = if date.len() == 10 {
                date
            } else {
                updated.clone()
            };
            feed.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
                xml_escape(&title), xml_escape(&c.absolute(&url)), xml_escape(&c.absolute(&url)), date, xml_escape(&summary)
            ));
        }
        feed.push_str("</feed>\n");
        feed
    }
}

/// One search record per page, entity, dataset, chart, key figure and source.
fn search_records(inp: &Inputs) -> Vec<crate::search::Record> {
    let mut docs: Vec<crate::search::Record> = Vec::new();
    let mut push =
        |kind: Kind, id: &str, title: &str, summary: &str, text: &str, also: &[String]| {
            docs.push(crate::search::Record {
                url: inp.config.link(&kind.url(id)),
                title: title.to_string(),
                kind: kind.label().to_string(),
                text: [also.join(", ").as_str(), summary, text]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<&str>>()
                    .join(" "),
            });
        };
    for p in &inp.site.pages {
        let text = inp
            .markdown
            .get(&(Kind::Page, p.meta.id.clone()))
            .map(|r| r.text.clone())
            .unwrap_or_default();
        push(
            Kind::Page,
            &p.meta.id,
            &p.meta.title,
            &p.meta.summary,
            &text,
            &[],
        );
    }
    for e in &inp.site.entities {
        let text = inp
            .markdown
            .get(&(e.kind.kind(), e.id.clone()))
            .map(|r| r.text.clone())
            .unwrap_or_default();
        push(e.kind.kind(), &e.id, &e.name, &e.summary, &text, &e.also);
    }
    for d in &inp.site.datasets {
        push(
            Kind::Dataset,
            &d.id,
            &d.title,
            &d.description,
            &d.locator,
            &[],
        );
    }
    for c in &inp.site.charts {
        push(
            Kind::Chart,
            &c.id,
            &c.title,
            &c.description,
            c.subtitle.as_deref().unwrap_or(""),
            &[],
        );
    }
    for f in &inp.site.figures {
        push(
            Kind::Figure,
            &f.id,
            &f.statement,
            &f.shown(),
            &f.locator,
            &[],
        );
    }
    for s in &inp.site.sources {
        push(
            Kind::Source,
            &s.id,
            &s.title,
            &s.label(),
            &s.authors.join(" "),
            &[],
        );
    }
    docs
}

/// Renders embeds (charts, data tables, key figures) inside Markdown pages through templates.
pub struct Embeds<'a> {
    /// Configuration.
    pub config: &'a Config,
    /// The model.
    pub site: &'a Site,
    /// Templates.
    pub templates: &'a Templates,
    /// Rendered charts.
    pub charts: &'a BTreeMap<String, ChartOut>,
}

impl crate::render::markdown::Embedder for Embeds<'_> {
    fn embed(&self, kind: Kind, id: &str, number: usize, caption: Option<&str>) -> String {
        let c = self.config;
        let anchor = crate::render::markdown::embed_anchor(kind, id);
        let cx = match kind {
            Kind::Chart => {
                let (Some(chart), Some(out)) = (
                    self.site.charts.iter().find(|x| x.id == id),
                    self.charts.get(id),
                ) else {
                    return String::new();
                };
                json!({"anchor": anchor, "number": number, "caption": caption, "title": chart.title, "description": chart.description,
                       "wide": out.wide,
                       "narrow": out.narrow,
                       "url": c.link(&Kind::Chart.url(id)), "data": c.link(&Kind::Dataset.url(&chart.dataset)), "svg": c.link(&format!("/charts/{id}.svg")), "png": c.link(&format!("/charts/{id}.png"))})
            }
            Kind::Dataset => {
                let Some(d) = self.site.datasets.iter().find(|x| x.id == id) else {
                    return String::new();
                };
                let columns: Vec<Value> = d.columns.iter().filter(|col| col.kind != ColumnType::Source && col.name != "locator").map(|col| json!({"title": col.title, "unit": col.unit, "numeric": col.kind.is_numeric() && !col.is_year()})).collect();
                let rows: Vec<Vec<String>> = d
                    .rows
                    .iter()
                    .take(40)
                    .map(|r| {
                        d.columns
                            .iter()
                            .filter(|col| col.kind != ColumnType::Source && col.name != "locator")
                            .map(|col| col.format(r.get(&col.name).unwrap_or(&Cell::Blank)))
                            .collect()
                    })
                    .collect();
                json!({"anchor": anchor, "number": number, "caption": caption, "title": d.title, "locator": d.locator, "columns": columns, "rows": rows, "more": d.rows.len().saturating_sub(40),
                       "url": c.link(&Kind::Dataset.url(id)), "csv": c.link(&format!("/data/{id}.csv"))})
            }
            Kind::Figure => {
                let Some(f) = self.site.figures.iter().find(|x| x.id == id) else {
                    return String::new();
                };
                json!({"anchor": anchor, "number": number, "shown": f.shown(), "unit": f.unit, "statement": f.statement, "locator": f.locator, "url": c.link(&Kind::Figure.url(id))})
            }
            _ => return String::new(),
        };
        let template = match kind {
            Kind::Chart => "embed_chart.html",
            Kind::Dataset => "embed_dataset.html",
            _ => "embed_figure.html",
        };
        self.templates.render(template, cx).unwrap_or_else(|d| {
            format!(
                "<p class=\"error\">{}</p>",
                crate::render::markdown::escape_text(&d.message)
            )
        })
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// RFC 4180 CSV (the `csv` crate) with a header row of column names; blanks stay empty. A text
/// cell that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, and is more than that sign or a number) gets a leading `'`, as OWASP recommends; numbers are written as they are and
/// the JSON download keeps every value exactly.
pub fn csv(d: &Dataset) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(d.columns.iter().map(|c| c.name.as_str()));
    for r in &d.rows {
        let _ = w.write_record(d.columns.iter().map(|c| match r.get(&c.name) {
            Some(Cell::Text(t)) => neutralize_formula(t),
            Some(cell) => cell.raw(),
            None => String::new(),
        }));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A text cell as written to CSV: with a leading `'` when a spreadsheet would read it as a formula.
/// A lone sign (`-`, printed for "none") and a plain number (`-5.3`) cannot run and stay as printed.
pub fn neutralize_formula(text: &str) -> String {
    let inert = text.chars().count() == 1 || text.trim().parse::<f64>().is_ok();
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !inert {
        format!("'{text}")
    } else {
        text.to_string()
    }
}
