//! Validate and index: every id in one table, every cross-reference in YAML fields checked.
//!
//! The [`Index`] maps `(kind, id)` to what a link needs (title, URL, summary) and is the only thing the
//! Markdown stage consults to resolve `@kind/id` links and `[@key]` citations. Building it finds invalid
//! and duplicate ids, reserved page ids and aliases; [`check_references`] then checks every id written
//! in a YAML field (a dataset's source, a chart's dataset and columns, an event's pages, ...).
//!
//! The work is split by what is checked: `ids` builds the index (ids and aliases), `references`
//! checks the ids each kind of item writes, `charts` a chart's columns and the values it draws,
//! `fields` dates, web addresses and place chains, and `figures` a key figure's printed form.

use std::collections::BTreeMap;

use crate::diag::did_you_mean;
use crate::model::Kind;

mod charts;
mod fields;
mod figures;
mod ids;
mod references;

pub use charts::chart_data_problems;
pub use fields::check_web_address;
pub use figures::numbers_in;
pub use references::check_references;

/// What a link to an item needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Title or name.
    pub title: String,
    /// Site path (`/places/harbor/`).
    pub url: String,
    /// One line, for previews and search.
    pub summary: String,
    /// Author-date label for sources ("Author and Writer 2016").
    pub cite_label: Option<String>,
}

/// Every item by kind and id, plus aliases.
#[derive(Debug, Clone, Default)]
pub struct Index {
    entries: BTreeMap<(Kind, String), Entry>,
    /// Old site path -> new site path.
    pub redirects: BTreeMap<String, String>,
}

impl Index {
    /// The entry for `kind`/`id`.
    pub fn get(&self, kind: Kind, id: &str) -> Option<&Entry> {
        self.entries.get(&(kind, id.to_string()))
    }

    /// Every entry, by kind and id, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&(Kind, String), &Entry)> {
        self.entries.iter()
    }

    /// Whether the item exists.
    pub fn contains(&self, kind: Kind, id: &str) -> bool {
        self.entries.contains_key(&(kind, id.to_string()))
    }

    /// All ids of a kind, sorted.
    pub fn ids(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.entries
            .keys()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, id)| id.as_str())
    }

    /// A "did you mean" hint for an unknown id of `kind`, naming candidates as `kind/id`.
    pub fn hint(&self, kind: Kind, id: &str) -> String {
        let fallback = if self.ids(kind).next().is_none() {
            format!("there are no items of kind `{}` yet", kind.ref_name())
        } else {
            format!(
                "see the list of {} for existing ids",
                kind.plural().to_lowercase()
            )
        };
        let near = crate::diag::closest(id, self.ids(kind));
        if near.is_empty() {
            return fallback;
        }
        let list: Vec<String> = near
            .iter()
            .map(|c| format!("`{}/{c}`", kind.ref_name()))
            .collect();
        format!("did you mean {}?", list.join(" or "))
    }
}

/// Parses `@kind/id#fragment` (the text after `@`). Returns kind, id and fragment.
pub fn parse_ref(text: &str) -> Result<(Kind, &str, Option<&str>), String> {
    let (path, fragment) = match text.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (text, None),
    };
    let Some((kind, id)) = path.split_once('/') else {
        return Err(format!(
            "`@{text}` needs a kind: write `@kind/id`, e.g. `@place/{path}`"
        ));
    };
    let Some(kind) = Kind::from_ref_name(kind) else {
        let names = Kind::ALL.iter().map(|k| k.ref_name());
        return Err(format!(
            "unknown kind `{kind}`; {}",
            did_you_mean(
                kind,
                names,
                "kinds: page, place, org, person, term, dataset, chart, source, figure, event"
            )
        ));
    };
    Ok((kind, id, fragment))
}

#[cfg(test)]
mod tests;
