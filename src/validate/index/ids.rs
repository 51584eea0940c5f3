//! Building the index: every item's id and aliases, in one table per kind. Invalid, reserved and
//! duplicate ids, and aliases that are invalid, taken twice or shadow a live item, are reported at
//! the item that declares them.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::model::{is_valid_id, Kind, Origin, Site, RESERVED_PAGE_IDS};

use super::{Entry, Index};

impl Index {
    /// Builds the index, reporting invalid, reserved and duplicate ids.
    pub fn build(site: &Site) -> (Index, Vec<Diagnostic>) {
        let mut b = Builder::default();
        for p in &site.pages {
            let e = entry(&p.meta.title, Kind::Page.url(&p.meta.id), &p.meta.summary);
            b.add(Kind::Page, &p.meta.id, &p.origin, e, &p.meta.aliases);
        }
        for d in &site.datasets {
            let e = entry(&d.title, Kind::Dataset.url(&d.id), &d.description);
            b.add(Kind::Dataset, &d.id, &d.origin, e, &d.aliases);
        }
        for c in &site.charts {
            let e = entry(&c.title, Kind::Chart.url(&c.id), &c.description);
            b.add(Kind::Chart, &c.id, &c.origin, e, &c.aliases);
        }
        for en in &site.entities {
            let kind = en.kind.kind();
            let e = entry(&en.name, kind.url(&en.id), &en.summary);
            b.add(kind, &en.id, &en.origin, e, &en.aliases);
        }
        for ev in &site.events {
            let e = entry(&ev.title, Kind::Event.url(&ev.id), &ev.title);
            b.add(Kind::Event, &ev.id, &ev.origin, e, &[]);
        }
        for s in &site.sources {
            let e = Entry {
                cite_label: Some(s.label()),
                ..entry(&s.title, Kind::Source.url(&s.id), &s.title)
            };
            b.add(Kind::Source, &s.id, &s.origin, e, &s.aliases);
        }
        for f in &site.figures {
            let e = entry(&f.statement, Kind::Figure.url(&f.id), &f.statement);
            b.add(Kind::Figure, &f.id, &f.origin, e, &f.aliases);
        }
        for c in &site.corrections {
            let title = format!("Correction of {}", c.date);
            let e = entry(&title, Kind::Correction.url(&c.id), &c.text);
            b.add(Kind::Correction, &c.id, &c.origin, e, &[]);
        }
        b.drop_aliases_of_live_items();
        (b.index, b.problems)
    }
}

/// An entry without a citation label.
fn entry(title: &str, url: String, summary: &str) -> Entry {
    Entry {
        title: title.to_string(),
        url,
        summary: summary.to_string(),
        cite_label: None,
    }
}

/// The index being built, the problems found so far, and where each id and alias was declared.
#[derive(Default)]
struct Builder {
    index: Index,
    problems: Vec<Diagnostic>,
    origins: BTreeMap<(Kind, String), Origin>,
    /// Old site path -> (where the alias is declared, `kind/id` of its item).
    alias_origins: BTreeMap<String, (Origin, String)>,
}

impl Builder {
    /// Adds an item and its aliases, unless its id is invalid, reserved or taken.
    fn add(&mut self, kind: Kind, id: &str, origin: &Origin, entry: Entry, aliases: &[String]) {
        if let Some(problem) = self.id_problem(kind, id, origin) {
            self.problems.push(problem);
            return;
        }
        for alias in aliases {
            self.add_alias(kind, id, alias, origin, &entry.url);
        }
        let key = (kind, id.to_string());
        self.origins.insert(key.clone(), origin.clone());
        self.index.entries.insert(key, entry);
    }

    /// Why `id` cannot be the id of an item of `kind`: not valid, reserved, or already taken.
    fn id_problem(&self, kind: Kind, id: &str, origin: &Origin) -> Option<Diagnostic> {
        if !is_valid_id(id) {
            return Some(
                Diagnostic::error(&origin.path, origin.line, origin.col, format!("`{id}` is not a valid id"))
                    .with_len(id.chars().count())
                    .with_hint("ids use lowercase letters, digits and `-` only (no `/`, `.` or spaces), e.g. `yearly-counts`"),
            );
        }
        if kind == Kind::Page && RESERVED_PAGE_IDS.contains(&id) {
            return Some(
                Diagnostic::error(
                    &origin.path,
                    origin.line,
                    origin.col,
                    format!("page id `{id}` is reserved"),
                )
                .with_hint(format!(
                    "/{id}/ is where the site keeps its own pages; choose another id"
                )),
            );
        }
        let first = self.origins.get(&(kind, id.to_string()))?;
        Some(
            Diagnostic::error(
                &origin.path,
                origin.line,
                origin.col,
                format!("duplicate id `{}/{id}`", kind.ref_name()),
            )
            .with_len(id.chars().count())
            .with_hint(format!(
                "`{id}` is already the id of an item in {}:{}; ids must be unique per kind",
                first.path.display(),
                first.line
            )),
        )
    }

    /// Makes the old URL of `alias` redirect to `url`, unless the alias is invalid, reserved or
    /// already an alias of another item.
    fn add_alias(&mut self, kind: Kind, id: &str, alias: &str, origin: &Origin, url: &str) {
        let problem = if !is_valid_id(alias) {
            Some((
                format!("alias `{alias}` is not a valid id"),
                "aliases are old ids: lowercase letters, digits and `-`".to_string(),
            ))
        } else if kind == Kind::Page && RESERVED_PAGE_IDS.contains(&alias) {
            Some((
                format!("alias `{alias}` is reserved"),
                format!("/{alias}/ is where the site keeps its own pages; remove the alias"),
            ))
        } else {
            self.alias_origins
                .get(&kind.url(alias))
                .map(|(o, of): &(Origin, String)| {
                    (
                        format!("alias `{alias}` is already an alias of `{of}`"),
                        format!(
                            "{}:{} declares it first; an old URL can redirect to one item only",
                            o.path.display(),
                            o.line
                        ),
                    )
                })
        };
        if let Some((message, hint)) = problem {
            self.problems.push(
                Diagnostic::error(&origin.path, origin.line, origin.col, message).with_hint(hint),
            );
            return;
        }
        self.alias_origins.insert(
            kind.url(alias),
            (origin.clone(), format!("{}/{id}", kind.ref_name())),
        );
        self.index
            .redirects
            .insert(kind.url(alias), url.to_string());
    }

    /// An alias may not shadow a live item: each one that would is reported and dropped.
    fn drop_aliases_of_live_items(&mut self) {
        let index = &mut self.index;
        let live: BTreeSet<String> = index.entries.values().map(|e| e.url.clone()).collect();
        let shadowed: Vec<String> = index
            .redirects
            .keys()
            .filter(|u| live.contains(*u))
            .cloned()
            .collect();
        for url in shadowed {
            let (origin, of) = self.alias_origins.get(&url).cloned().unwrap_or_default();
            self.problems.push(
                Diagnostic::error(
                    &origin.path,
                    origin.line,
                    origin.col,
                    format!("an alias of `{of}` makes {url} a redirect, but it is the URL of an existing item"),
                )
                .with_hint("remove the alias or rename the item that uses that id"),
            );
            index.redirects.remove(&url);
        }
    }
}
