//! Positions in a content file's YAML: where a key is written in an item or a row, so a warning
//! points at the field it is about.

use crate::model::Origin;

/// Where `key:` is written in the item declared at `item`, else the item itself.
pub(super) fn origin_at(yaml: &str, item: &Origin, key: &str) -> Origin {
    let (line, col) = key_at(yaml, item.line, key).unwrap_or((item.line, item.col));
    Origin {
        path: item.path.clone(),
        line,
        col,
    }
}

/// 1-based line and column of `key:` at or after line `from`, within the list item starting there.
pub(super) fn key_at(text: &str, from: usize, key: &str) -> Option<(usize, usize)> {
    let mut lines = text.lines().enumerate().skip(from.saturating_sub(1));
    let first = lines.next()?;
    std::iter::once(first)
        .chain(lines.take_while(|(_, l)| !l.starts_with("- ")))
        .find_map(|(n, l)| key_col(l, key).map(|c| (n + 1, c)))
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
