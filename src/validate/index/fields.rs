//! Field values that must be well-formed on their own: real dates, `http(s)` web addresses,
//! language tags keying an entity's `names`, and place `parent` chains that end.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::model::{EntityKind, Origin, Site};

/// Dates that name no real day (`2007-02-30`) and web addresses that are not `http(s)` (a
/// `javascript:` or `data:` URL in a source would be a live link on every page citing it).
pub(super) fn date_and_url_problems(site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut date = |value: &str, origin: &Origin, field: &str, full: bool| {
        let shape_ok = !full || value.len() == 10;
        if !shape_ok || !crate::config::is_iso_date(value) {
            let form = if full {
                "YYYY-MM-DD"
            } else {
                "YYYY, YYYY-MM or YYYY-MM-DD"
            };
            problems.push(
                Diagnostic::error(&origin.path, origin.line, origin.col, format!("{field} `{value}` is not a real date of the form {form}"))
                    .with_hint("write a date that exists, e.g. \"2007-08-31\" (months 01-12, days up to the month's last)"),
            );
        }
    };
    for p in &site.pages {
        if let Some(u) = &p.meta.updated {
            date(u, &p.origin, "updated", true);
        }
    }
    for c in &site.corrections {
        date(&c.date, &c.origin, "date", true);
    }
    for s in &site.sources {
        if let Some(d) = &s.date {
            date(d, &s.origin, "date", false);
        }
    }
    for e in &site.entities {
        for tag in e
            .names
            .keys()
            .filter(|t| !crate::config::is_language_tag(t))
        {
            problems.push(
                Diagnostic::error(
                    &e.origin.path,
                    e.origin.line,
                    e.origin.col,
                    format!("`names` key `{tag}` of `{}` is not a language tag", e.id),
                )
                .with_hint(
                    "key each name by its BCP 47 language tag, e.g. `ko: ...`, `ru-Latn: ...`",
                ),
            );
        }
    }
    for (value, origin, field) in site.web_addresses() {
        if let Err(why) = check_web_address(value) {
            problems.push(
                Diagnostic::error(
                    &origin.path,
                    origin.line,
                    origin.col,
                    format!("{field} `{}` {why}", value.trim()),
                )
                .with_hint("give the full web address, starting with https:// or http://"),
            );
        }
    }
    problems
}

/// The one policy for a web address written in content: an absolute `http` or `https` URL with a
/// host, no spaces or control characters. Everything else (`javascript:`, `data:`, `file:`, relative
/// paths) is refused, whatever its case or leading blanks.
pub fn check_web_address(value: &str) -> Result<(), &'static str> {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains a space or a control character");
    }
    let url = url::Url::parse(value).map_err(|_| "is not a full web address")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("is not an http(s) address");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host");
    }
    Ok(())
}

/// Places whose `parent` chain comes back to themselves (a place inside itself).
pub(super) fn parent_cycles(site: &Site) -> Vec<Diagnostic> {
    let parents: BTreeMap<&str, &str> = site
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Place)
        .filter_map(|e| Some((e.id.as_str(), e.parent.as_deref()?)))
        .collect();
    let mut problems = Vec::new();
    for e in site.entities.iter().filter(|e| e.kind == EntityKind::Place) {
        let mut seen = BTreeSet::from([e.id.as_str()]);
        let mut at = e.id.as_str();
        while let Some(&parent) = parents.get(at) {
            if parent == e.id {
                let chain = if at == e.id {
                    "itself".to_string()
                } else {
                    format!("`{at}`, which lies in it")
                };
                problems.push(
                    Diagnostic::error(&e.origin.path, e.origin.line, e.origin.col, format!("place `{}` lies inside {chain}", e.id))
                        .with_hint("a place's `parent` is the larger place containing it; remove or correct one `parent` so the chain ends"),
                );
                break;
            }
            if !seen.insert(parent) {
                break; // a cycle further up, reported at its own places
            }
            at = parent;
        }
    }
    problems
}
