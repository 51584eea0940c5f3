//! A source's local text: the lines its sections cover, and lines normalized for comparison.

use crate::model::Section;

use super::Region;

/// `"31-55"` or `"33"` (en dash allowed).
pub(super) fn parse_pages(text: &str) -> Option<(u32, u32)> {
    let mut ends = text
        .trim()
        .split(['-', '–'])
        .map(|n| n.trim().parse::<u32>());
    let first = ends.next()?.ok()?;
    let last = ends.next().map_or(Ok(first), |n| n).ok()?;
    (ends.next().is_none() && first <= last).then_some((first, last))
}

/// A line without heading marks, emphasis stars, escapes and blanks at its ends.
fn norm(line: &str) -> &str {
    line.trim()
        .trim_start_matches(['#', '*', '\\', '>', ' ', '\t'])
        .trim_end_matches(['*', ' ', '\t'])
}

/// A line for comparing printed text: lower case, one kind of dash and quote, no `\`, single blanks.
pub(super) fn plain(line: &str) -> String {
    let mapped = line
        .to_lowercase()
        .replace('\\', "")
        .replace(['–', '—', '‑', '−'], "-")
        .replace(['‘', '’'], "'")
        .replace(['“', '”'], "\"");
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a line begins with `marker`, or, for `head … tail` (or `...`), begins with `head` and ends with `tail`.
fn begins(line: &str, marker: &str) -> bool {
    match marker
        .split_once('…')
        .or_else(|| marker.split_once("..."))
        .map(|(h, t)| (h.trim_end(), t.trim_start()))
    {
        Some((h, t)) => line.len() >= h.len() + t.len() && line.starts_with(h) && line.ends_with(t),
        None => !marker.is_empty() && line.starts_with(marker),
    }
}

/// The lines a section covers in `lines`.
pub(super) fn find_region(lines: &[&str], s: &Section) -> Result<Region, String> {
    let start = norm(&s.start);
    let numbered = |hit: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..lines.len()).filter(|&i| hit(norm(lines[i]))).collect()
    };
    let (equal, begin) = (numbered(&|l| l == start), numbered(&|l| begins(l, start)));
    let from = match (equal.as_slice(), begin.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => return Err(format!("no line of the text begins with `{}`", s.start)),
        (e, b) => {
            return Err(format!(
                "`start` matches lines {} of the text; make it match one",
                if e.is_empty() { b } else { e }
                    .iter()
                    .take(4)
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    };
    let to = match s.end.as_deref().map(norm) {
        None => lines.len(),
        Some(end) => (from + 1..lines.len())
            .find(|&i| begins(norm(lines[i]), end))
            .ok_or_else(|| format!("no line after line {} begins with `{end}`", from + 1))?,
    };
    let pages = s
        .pages
        .as_deref()
        .map(|p| {
            parse_pages(p)
                .ok_or_else(|| format!("`pages: {p}` is not a page or a range like 31-55"))
        })
        .transpose()?;
    Ok(Region { from, to, pages })
}
