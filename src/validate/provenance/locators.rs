//! Locators: the regions of a source's text a locator names (by section key or by pages, possibly
//! `cited in` another source), and the look-up of a value in them, warning where it is printed
//! instead.

use std::collections::BTreeMap;

use crate::model::Origin;

use super::sections::parse_pages;
use super::{Cx, Part, Place, Region, Report, Text, HINT_DERIVED};

/// The regions `locator` names, after warning at `loc_at` about its bad parts; `None` (counting
/// `n` values as not checked, or as missed when a part is bad) when it names none.
pub(super) fn locate<'c>(
    cx: &'c Cx,
    r: &mut Report,
    what: &str,
    (locator, source): (&str, &str),
    loc_at: &Origin,
    n: usize,
) -> Option<Vec<Place<'c>>> {
    let parts: Vec<Part> = locator
        .split(';')
        .map(|p| part(cx, p.trim(), source))
        .collect();
    let mut places = Vec::new();
    for p in &parts {
        match p {
            Part::Bad(why)
                if r.seen
                    .insert((loc_at.path.clone(), loc_at.line, why.clone())) =>
            {
                r.warn(loc_at, format!("{what}: locator `{locator}`: {why}"), "a locator names sections declared under the source's `sections:`, or pages inside their `pages`");
            }
            Part::Regions(id, keys) => {
                let (id, text) = cx.texts.get_key_value(id)?;
                places.extend(
                    keys.iter()
                        .filter_map(|k| text.regions.get_key_value(k))
                        .map(|(k, g)| (id.as_str(), text, k.as_str(), *g)),
                );
            }
            _ => {}
        }
    }
    if !places.is_empty() {
        return Some(places);
    }
    let no_text = parts.iter().find_map(|p| {
        if let Part::NoText(id) = p {
            Some(id)
        } else {
            None
        }
    });
    match no_text.filter(|_| !parts.iter().any(|p| matches!(p, Part::Bad(_)))) {
        Some(id) => *r.skipped.entry(id.clone()).or_default() += n,
        None => r.missed += n,
    }
    None
}

/// Whether `hit` holds on a line of one of the places; if not, a warning at `at` names where it does.
pub(super) fn look(
    r: &mut Report,
    what: &str,
    shown: &str,
    locator: &str,
    places: &[Place],
    hit: &dyn Fn(&Text, usize) -> bool,
    at: &Origin,
) -> bool {
    if places
        .iter()
        .any(|&(_, t, _, g)| (g.from..g.to).any(|l| hit(t, l)))
    {
        return true;
    }
    let (id, text, _, _) = places[0];
    let looked: Vec<String> = places
        .iter()
        .map(|(_, _, k, g)| format!("`{k}` (lines {}-{})", g.from + 1, g.to))
        .collect();
    let elsewhere: Vec<String> = (0..text.plain.len())
        .filter(|&l| hit(text, l))
        .take(3)
        .map(|l| {
            let within = text
                .regions
                .iter()
                .filter(|(_, g)| l >= g.from && l < g.to)
                .min_by_key(|(_, g)| g.to - g.from);
            format!(
                "line {}{}",
                l + 1,
                within.map_or(String::new(), |(k, _)| format!(" (`{k}`)"))
            )
        })
        .collect();
    let elsewhere = if elsewhere.is_empty() {
        format!("it is printed nowhere in {}", text.path)
    } else {
        format!("{} prints it at {}", text.path, elsewhere.join(", "))
    };
    r.warn(
        at,
        format!(
            "{what}: {shown} is not printed in {} of {id}'s text (locator `{locator}`)",
            looked.join(" or ")
        ),
        format!("{elsewhere}; {HINT_DERIVED}"),
    );
    false
}

/// What one `;`-separated part of a locator names.
fn part(cx: &Cx, clause: &str, own: &str) -> Part {
    let cited = clause.find("cited in ").map(|at| &clause[at + 9..]);
    let (source, clause) =
        match cited.map(|rest| (rest, rest.split_whitespace().next().unwrap_or(""))) {
            Some((rest, id)) if cx.sources.contains(id) => (id, rest[id.len()..].trim()),
            _ => (own, clause),
        };
    let Some(text) = cx.texts.get(source) else {
        return Part::NoText(source.to_string());
    };
    let (keys, pages) = (keys_in(clause, &text.regions), pages_in(clause));
    let overlap = |(a, b): (u32, u32), (lo, hi): (u32, u32)| a <= hi && b >= lo;
    if keys.is_empty() {
        let Some(p) = pages else {
            return Part::Bad(format!("`{clause}` names no section of {source}'s text"));
        };
        let hits: Vec<String> = text
            .regions
            .iter()
            .filter(|(_, g)| g.pages.is_some_and(|q| overlap(p, q)))
            .map(|(k, _)| k.clone())
            .collect();
        let none = format!("no section of {source}'s text covers pp. {}-{}", p.0, p.1);
        return if hits.is_empty() {
            Part::Bad(none)
        } else {
            Part::Regions(source.to_string(), hits)
        };
    }
    if let Some((k, p, q)) = keys
        .iter()
        .filter_map(|k| Some((k, pages?, text.regions[*k].pages?)))
        .find(|(_, p, q)| !overlap(*p, *q))
    {
        return Part::Bad(format!(
            "`{k}` covers pp. {}-{}, not pp. {}-{}",
            q.0, q.1, p.0, p.1
        ));
    }
    Part::Regions(
        source.to_string(),
        keys.iter().map(|k| k.to_string()).collect(),
    )
}

/// The section keys a locator part names, whole (`II.3` is not in `III.3`), longest first.
pub(super) fn keys_in<'a>(clause: &str, regions: &'a BTreeMap<String, Region>) -> Vec<&'a str> {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut hits: Vec<(usize, usize, &str)> = Vec::new();
    for key in regions.keys().filter(|k| !k.is_empty()) {
        for (at, _) in clause.match_indices(key.as_str()) {
            let (a1, a2) = (
                clause[at + key.len()..].chars().next(),
                clause[at + key.len()..].chars().nth(1),
            );
            let joined = matches!(a1, Some('.' | '-' | '–')) && word(a2);
            if !word(clause[..at].chars().next_back()) && !word(a1) && !joined {
                hits.push((at, at + key.len(), key));
            }
        }
    }
    let inside = |&(a, b, k): &(usize, usize, &str)| {
        hits.iter()
            .any(|&(c, d, j)| c <= a && b <= d && j.len() > k.len())
    };
    let mut keys: Vec<&str> = hits.iter().filter(|h| !inside(h)).map(|h| h.2).collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    keys.dedup();
    keys
}

/// The pages a locator part cites (`p. 32`, `pp. 43-44`, several: from the first to the last).
pub(super) fn pages_in(clause: &str) -> Option<(u32, u32)> {
    let found: Vec<(u32, u32)> = clause
        .match_indices("p.")
        .filter(|(at, _)| {
            let before = clause[..*at].chars().next_back();
            before.is_none_or(|c| {
                !c.is_alphanumeric()
                    || (c == 'p' && !clause[..at - 1].ends_with(char::is_alphanumeric))
            })
        })
        .filter_map(|(at, _)| {
            parse_pages(
                clause[at + 2..]
                    .trim_start()
                    .split([',', ';', ')', ' '])
                    .next()
                    .unwrap_or(""),
            )
        })
        .collect();
    Some((
        found.iter().map(|p| p.0).min()?,
        found.iter().map(|p| p.1).max()?,
    ))
}
