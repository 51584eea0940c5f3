//! Spanned YAML: where keys and values are written in a file's text, so every item, field and
//! error points at a line and column; and serde_yaml's errors turned into located diagnostics with
//! a hint.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::{did_you_mean, line_col, Diagnostic};
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
        if start < from {
            continue;
        }
        let trimmed = line.trim_start_matches([' ', '-', '\t', '{']);
        let Some(rest) = trimmed.strip_prefix(key) else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let v = rest
            .trim()
            .trim_end_matches([',', '}'])
            .trim()
            .trim_matches(['"', '\'']);
        if v == value {
            let col_in_line = line.find(value).unwrap_or(0);
            return Some(start + col_in_line);
        }
    }
    None
}

/// Where a Markdown field's text starts in the file, so its diagnostics point into the YAML.
pub(super) fn locate_field(file: &SourceFile, origin: &Origin, value: Option<&str>) -> Located {
    let Some(value) = value else {
        return Located::default();
    };
    let first = value
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let item_start = line_start_offset(&file.text, origin.line);
    let found = if first.is_empty() {
        None
    } else {
        file.text[item_start..].find(first).map(|i| i + item_start)
    };
    let (line, col) = found.map_or((origin.line, origin.col), |o| line_col(&file.text, o));
    Located {
        text: value.to_string(),
        line,
        col,
    }
}

fn line_start_offset(text: &str, line: usize) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum()
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
