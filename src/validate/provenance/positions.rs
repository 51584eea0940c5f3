//! Positions in a content file's YAML: where a key is written in an item or a row, so a warning
//! points at the field it is about.

use crate::model::Origin;

/// A content file's text with where each of its lines starts, so that the line of an item or a
/// row is found without reading the lines before it (a file of many items stays linear).
pub(super) struct Lines {
    text: String,
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl Lines {
    /// Indexes `text`'s lines (as `str::lines` splits them).
    pub(super) fn new(text: String) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i < text.len())
            .collect();
        Lines { text, starts }
    }

    /// A file with no text (one that could not be read).
    pub(super) const fn empty() -> Lines {
        Lines {
            text: String::new(),
            starts: Vec::new(),
        }
    }

    /// Line `n` (1-based), without its line break.
    pub(super) fn line(&self, n: usize) -> Option<&str> {
        let start = *self.starts.get(n.checked_sub(1)?)?;
        let end = self.starts.get(n).copied().unwrap_or(self.text.len());
        let line = &self.text[start..end];
        let line = line.strip_suffix('\n').unwrap_or(line);
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// Where `key:` is written in the item declared at `item`, else the item itself.
pub(super) fn origin_at(yaml: &Lines, item: &Origin, key: &str) -> Origin {
    let (line, col) = key_at(yaml, item.line, key).unwrap_or((item.line, item.col));
    Origin {
        path: item.path.clone(),
        line,
        col,
    }
}

/// 1-based line and column of `key:` at or after line `from`, within the list item starting there.
pub(super) fn key_at(text: &Lines, from: usize, key: &str) -> Option<(usize, usize)> {
    let from = from.max(1);
    let first = text.line(from)?;
    let rest = (from + 1..).map_while(|n| text.line(n).map(|l| (n, l)));
    std::iter::once((from, first))
        .chain(rest.take_while(|(_, l)| !l.starts_with("- ")))
        .find_map(|(n, l)| key_col(l, key).map(|c| (n, c)))
}

/// 1-based column of `key:` (quotes allowed) in a line.
pub(super) fn key_col(line: &str, key: &str) -> Option<usize> {
    line.match_indices(key).find_map(|(at, _)| {
        let joined = line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
        (!joined
            && line[at + key.len()..]
                .trim_start_matches(['"', '\''])
                .starts_with(':'))
        .then(|| line[..at].chars().count() + 1)
    })
}
