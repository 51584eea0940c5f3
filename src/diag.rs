//! Diagnostics: every problem fieldbook reports about user input.
//!
//! A [`Diagnostic`] names the file (relative to the site root), the 1-based line and column, what is
//! wrong and, where we can tell, how to fix it. Library code never prints: it returns diagnostics, and
//! the CLI renders them with codespan-reporting (source line with a caret, colour only on a terminal and
//! never with `NO_COLOR`) or as JSON for tools.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is. Errors stop a build; warnings only fail `check --strict`; notes are informative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informative: an acknowledged data-consistency difference, for example.
    Note,
    /// Something worth fixing that does not break the site.
    Warning,
    /// The site cannot be built correctly.
    Error,
}

/// One problem with a location in a user file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The file, relative to the site root (or absolute when outside it).
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// Length of the offending text in characters, for the caret (at least 1).
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// The same problem, in the file `path`.
    pub fn relocated(self, path: impl Into<PathBuf>) -> Self {
        Diagnostic {
            path: path.into(),
            ..self
        }
    }

    /// An error at `path:line:col`.
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            len: 1,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `path:line:col`.
    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    /// A note at `path:line:col`.
    pub fn note(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the caret length.
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    /// Whether this stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.col,
            level,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// `text` with every lone carriage return (an old Mac line end) made a `\n`, so that line counts
/// agree with YAML, Markdown and editors, which all end a line there; `\r\n` stays. Byte offsets do
/// not move (one ASCII byte for another).
pub fn normalize_line_breaks(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Replacing an ASCII byte with another keeps the text valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// 1-based (line, column) of a byte offset in `text`; columns count characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Where every line of a text starts, so that many byte offsets become (line, column) without
/// rescanning the text from its start for each: one pass to build, a binary search per offset.
/// Gives what [`line_col`] gives.
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of each line's first byte: 0, then one past every `\n`.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Indexes the lines of `text`.
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based (line, column) of a byte offset; columns count characters, as [`line_col`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[..line].last().copied().unwrap_or(0);
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// Byte offset where 1-based `line` starts (line 0 is line 1); the text's length past its
    /// last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The closest candidates to `wanted` by edit distance, best first, for "did you mean" hints.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(wanted, c), c))
        .filter(|(d, c)| {
            *d <= (wanted.len().max(c.len()) / 2).max(2) || c.contains(wanted) || wanted.contains(c)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// A "did you mean" hint from [`closest`], or a fallback when nothing is close.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: &str,
) -> String {
    let near = closest(wanted, candidates);
    if near.is_empty() {
        fallback.to_string()
    } else {
        let list: Vec<String> = near.iter().map(|c| format!("`{c}`")).collect();
        format!("did you mean {}?", list.join(" or "))
    }
}

/// How to print diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Source snippet with caret, coloured.
    Color,
    /// Source snippet with caret, no colour.
    Plain,
    /// One JSON object per line.
    Json,
}

impl Style {
    /// Colour only on a terminal and never when `NO_COLOR` is set.
    pub fn for_stderr() -> Style {
        use std::io::IsTerminal;
        if std::env::var_os("NO_COLOR").is_some() || !std::io::stderr().is_terminal() {
            Style::Plain
        } else {
            Style::Color
        }
    }
}

/// Renders diagnostics to a string, reading each file under `root` for its source snippet.
pub fn render(diagnostics: &[Diagnostic], root: &Path, style: Style) -> String {
    use codespan_reporting::diagnostic::{
        Diagnostic as CsDiagnostic, Label, Severity as CsSeverity,
    };
    use codespan_reporting::files::SimpleFiles;
    use codespan_reporting::term::{self, termcolor::Buffer};

    if style == Style::Json {
        return diagnostics
            .iter()
            .filter_map(|d| serde_json::to_string(d).ok())
            .map(|line| line + "\n")
            .collect();
    }
    let mut files = SimpleFiles::new();
    let mut out = if style == Style::Color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = term::Config::default();
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
            Severity::Note => CsSeverity::Note,
        };
        let mut cs = CsDiagnostic::new(severity).with_message(&d.message);
        let full = if d.path.is_absolute() {
            d.path.clone()
        } else {
            root.join(&d.path)
        };
        let text = std::fs::read(&full)
            .map(|b| normalize_line_breaks(String::from_utf8_lossy(&b).into_owned()))
            .ok();
        match text {
            Some(text) if d.line > 0 => {
                let start = offset_of(&text, d.line, d.col.max(1));
                let end = offset_of_len(&text, start, d.len);
                let id = files.add(d.path.display().to_string(), text);
                cs = cs.with_labels(vec![Label::primary(id, start..end)]);
            }
            _ => {
                cs = cs.with_notes(vec![format!("in {}", d.path.display())]);
            }
        }
        if let Some(hint) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {hint}")]);
        }
        if term::emit_to_write_style(&mut out, &config, &files, &cs).is_err() {
            // The snippet could not be shown (file changed meanwhile): fall back to one line each.
            return diagnostics.iter().map(|d| format!("{d}\n")).collect();
        }
    }
    String::from_utf8_lossy(out.as_slice()).into_owned()
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let chars: usize = l
                .char_indices()
                .nth(col - 1)
                .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
            return offset + chars;
        }
        offset += l.len();
    }
    text.len()
}

fn offset_of_len(text: &str, start: usize, len: usize) -> usize {
    let rest = &text[start..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let end = rest.char_indices().nth(len).map_or(rest.len(), |(b, _)| b);
    start + end.min(line_end.max(1)).min(rest.len())
}

/// The first control character in a text file (NUL, escape, form feed, ...: anything but tab and
/// line breaks), which would otherwise reach the HTML, the feeds and the CSV as it is.
pub fn control_character(text: &str) -> Option<Diagnostic> {
    let (offset, c) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))?;
    let (line, col) = line_col(text, offset);
    Some(
        Diagnostic::error(
            PathBuf::new(),
            line,
            col,
            format!("control character U+{:04X} in the text", c as u32),
        )
        .with_hint(
            "delete it (it is invisible in most editors; it often comes from copying out of a PDF)",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_end_lines_and_keep_offsets() {
        let text = normalize_line_breaks("a\rb\r\nc\r".to_string());
        assert_eq!(text, "a\nb\r\nc\n");
        assert_eq!(line_col(&text, 2), (2, 1));
        assert_eq!(line_col(&text, 5), (3, 1));
    }

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncdé f";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.len()), (2, 6));
    }

    #[test]
    fn the_line_index_gives_what_line_col_gives() {
        for text in ["", "\n", "ab\ncdé f", "é\n\nx\n", "a\r\nb\n한국\nend"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.line_col(offset),
                    line_col(text, offset),
                    "{text:?} at {offset}"
                );
            }
            for line in 0..6_usize {
                let start: usize = text
                    .split_inclusive('\n')
                    .take(line.saturating_sub(1))
                    .map(str::len)
                    .sum();
                assert_eq!(index.line_start(line), start, "{text:?} line {line}");
            }
        }
    }

    #[test]
    fn closest_suggests_near_ids() {
        let ids = ["harbor", "capital", "bayside"];
        assert_eq!(closest("harbr", ids), vec!["harbor"]);
        assert!(closest("zzzzzzzzzz", ids).is_empty());
    }

    #[test]
    fn plain_render_shows_location_and_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "line one\nsee [x](@place/harbr) here\n",
        )
        .unwrap();
        let d = Diagnostic::error("a.md", 2, 5, "unknown id")
            .with_hint("did you mean `harbor`?")
            .with_len(18);
        let text = render(&[d], dir.path(), Style::Plain);
        assert!(text.contains("a.md:2:5"), "{text}");
        assert!(text.contains("hint: did you mean"), "{text}");
        assert!(text.contains("^^^"), "{text}");
    }
}
