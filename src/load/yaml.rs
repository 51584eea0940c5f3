//! Spanned YAML: where keys and values are written in a file's text, so every item, field and
//! error points at a line and column; and serde_yaml's errors turned into located diagnostics with
//! a hint.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{did_you_mean, line_col, Diagnostic, LineIndex};
use crate::model::{Located, Origin};

use super::files::SourceFile;

/// Turns a serde_yaml error into a diagnostic. `line_offset` shifts lines (front matter starts at line 2).
pub(super) fn yaml_error(
    path: &Path,
    text: &str,
    e: &serde_yaml::Error,
    line_offset: usize,
) -> Diagnostic {
    let (mut line, mut col) = e
        .location()
        .map_or((1, 1), |l| (l.line() + line_offset, l.column()));
    // The location is shown beside the message; serde_yaml's own "at line N column M" counts from
    // the start of the YAML (not the file, for front matter), so it is taken out.
    let mut message = e.to_string();
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    while let Some(i) = message.find(" at line ") {
        let mut end = i + 9 + digits(&message[i + 9..]);
        if let Some(rest) = message[end..].strip_prefix(" column ") {
            end += 8 + digits(rest);
        }
        message.replace_range(i..end, "");
    }
    // A duplicate key is reported at the mapping; point at the second occurrence instead.
    if let Some(key) = message
        .strip_prefix("duplicate field `")
        .and_then(|r| r.split('`').next())
    {
        let at_key = |l: &&str| {
            let t = l.trim_start_matches([' ', '-']);
            t.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        };
        if let Some((i, l)) = text.lines().enumerate().filter(|(_, l)| at_key(l)).nth(1) {
            line = i + 1 + line_offset;
            col = l.len() - l.trim_start_matches([' ', '-']).len() + 1;
        }
    }
    let hint = yaml_hint(&message);
    Diagnostic::error(path, line, col, message).with_hint(hint)
}

fn yaml_hint(message: &str) -> String {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let key = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split('`')
                    .filter(|s| {
                        s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                            && !s.is_empty()
                    })
                    .collect()
            })
            .unwrap_or_default();
        return did_you_mean(
            key,
            expected.iter().copied(),
            "remove the key; docs/authoring.md lists the keys of each kind",
        );
    }
    if message.contains("tab character") {
        return "YAML indents with spaces only: replace the tab at the start of the line with spaces".to_string();
    }
    if message.starts_with("duplicate field") {
        return "a key may appear once per item: remove or merge the second one".to_string();
    }
    if message.contains("missing field") {
        return "add the field; docs/authoring.md lists the required keys of each kind".to_string();
    }
    if message.contains("invalid type") {
        return "check the value's type: numbers without quotes or separators, text in quotes when it could be read as a number".to_string();
    }
    if message.contains("unknown variant") {
        return "use one of the values listed in the message".to_string();
    }
    "check the YAML syntax: indentation, a colon after each key, quotes around text with ': ' or '#'".to_string()
}

/// Finds where `key: value` is written, for the origin of an item.
pub(super) fn origin_of(file: &SourceFile, key: &str, value: &str) -> Origin {
    let (line, col) =
        find_key_value(&file.text, key, value, 0).map_or((1, 1), |o| line_col(&file.text, o));
    Origin {
        path: file.path.clone(),
        line,
        col,
    }
}

/// Byte offset of the value in the first line at or after `from` that reads `key: value` (quotes allowed).
pub(super) fn find_key_value(text: &str, key: &str, value: &str, from: usize) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if start >= from && value_after_key(line, key) == Some(value) {
            return Some(start + line.find(value).unwrap_or(0));
        }
    }
    None
}

/// The value of a line that reads `key: value` (after `- `, `{` and indents; quotes taken off).
fn value_after_key<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let trimmed = line.trim_start_matches([' ', '-', '\t', '{']);
    let rest = trimmed.strip_prefix(key)?.trim_start().strip_prefix(':')?;
    Some(
        rest.trim()
            .trim_end_matches([',', '}'])
            .trim()
            .trim_matches(['"', '\'']),
    )
}

/// Every line of a file that reads `key: value`, by value, read in one pass: what
/// [`find_key_value`] finds, for many values, without rescanning the file for each (a list of
/// thousands of items would take time quadratic in its length).
pub(super) struct KeyLines<'t> {
    /// Value -> (where its line starts, where the value is), in the file's order.
    by_value: BTreeMap<&'t str, Vec<(usize, usize)>>,
}

impl<'t> KeyLines<'t> {
    pub(super) fn new(text: &'t str, key: &str) -> KeyLines<'t> {
        let mut by_value: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            if let Some(value) = value_after_key(line, key) {
                let at = start + line.find(value).unwrap_or(0);
                by_value.entry(value).or_default().push((start, at));
            }
        }
        KeyLines { by_value }
    }

    /// `find_key_value(text, key, value, from)`.
    pub(super) fn find(&self, value: &str, from: usize) -> Option<usize> {
        let lines = self.by_value.get(value)?;
        let first = lines.partition_point(|&(start, _)| start < from);
        lines.get(first).map(|&(_, at)| at)
    }
}

/// Where each item's Markdown field starts in a list file, so its diagnostics point into the
/// YAML: the field's first non-blank line, looked for from the line of the item's origin up to
/// the line where the next item starts (the whole file for an item placed at 1:1, whose id was
/// not found); the item's origin when it is not there. Bounded by the next item, a field not
/// written as it reads (escapes, folded lines) costs a scan of its item, not of the rest of the
/// file.
pub(super) fn locate_fields<'v>(
    file: &SourceFile,
    items: impl Iterator<Item = (&'v Origin, Option<&'v str>)>,
) -> Vec<Located> {
    let lines = LineIndex::new(&file.text);
    let items: Vec<(&Origin, Option<&str>)> = items.collect();
    let placed = |o: &Origin| (o.line, o.col) != (1, 1);
    let mut starts: Vec<usize> = items
        .iter()
        .filter(|(o, _)| placed(o))
        .map(|(o, _)| lines.line_start(o.line))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    items
        .into_iter()
        .map(|(origin, value)| {
            let start = lines.line_start(origin.line);
            let next = starts.partition_point(|&s| s <= start);
            let end = match placed(origin) {
                true => starts.get(next).copied().unwrap_or(file.text.len()),
                false => file.text.len(),
            };
            locate_field(&file.text, &lines, origin, start..end, value)
        })
        .collect()
}

fn locate_field(
    text: &str,
    lines: &LineIndex,
    origin: &Origin,
    item: std::ops::Range<usize>,
    value: Option<&str>,
) -> Located {
    let Some(value) = value else {
        return Located::default();
    };
    let first = value
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let found = match (first.is_empty(), text.get(item.clone())) {
        (false, Some(within)) => within.find(first).map(|i| i + item.start),
        _ => None,
    };
    let (line, col) = found.map_or((origin.line, origin.col), |o| lines.line_col(o));
    Located {
        text: value.to_string(),
        line,
        col,
    }
}

/// Where each scalar value written after a `key:` first appears (`field: workers` gives
/// `workers` its line and column), so a problem with a value points at it, not at the item.
pub(super) fn value_positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        for (i, _) in line.match_indices(':') {
            let rest = &line[i + 1..];
            let value = rest.trim_start();
            let end = value.find([',', '}', ']', '#']).unwrap_or(value.len());
            let value = value[..end].trim().trim_matches(['"', '\'']);
            if !value.is_empty() {
                let col = line[..i + 1].chars().count() + rest.chars().count()
                    - rest.trim_start().chars().count()
                    + 1;
                out.entry(value.to_string()).or_insert((n + 1, col));
            }
        }
    }
    out
}
