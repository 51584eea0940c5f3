//! Front matter: a Markdown page file split into its YAML front matter and its body, each with
//! the line it starts on.

use std::path::PathBuf;

use crate::diag::{line_col, Diagnostic};
use crate::model::{FrontMatter, Located, Page};

use super::files::SourceFile;
use super::yaml::{origin_of, yaml_error};

/// Splits `---` front matter from a Markdown file: (yaml, yaml first line, body, body first line).
fn split_front_matter(file: &SourceFile) -> Result<(&str, &str, usize), Diagnostic> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let missing = || {
        Diagnostic::error(
            &file.path,
            1,
            1,
            "a page must start with YAML front matter between two `---` lines",
        )
        .with_hint(
            "start the file with:\n---\nid: my-page\ntitle: My page\nsummary: One sentence.\n---",
        )
    };
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(missing)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.matches('\n').count() + 1;
            return Ok((yaml, body, body_line));
        }
        offset += line.len();
    }
    let (line, _) = line_col(text, text.len());
    Err(
        Diagnostic::error(&file.path, line, 1, "the front matter is not closed")
            .with_hint("add a line `---` after the front matter"),
    )
}

/// Parses one page file on its own (`path` relative to the site root), as `serve` does to preview
/// an edited page before the full rebuild.
pub fn parse_page_file(path: PathBuf, text: String) -> Result<Page, Diagnostic> {
    parse_page(&SourceFile { path, text })
}

pub(super) fn parse_page(file: &SourceFile) -> Result<Page, Diagnostic> {
    let (yaml, body, body_line) = split_front_matter(file)?;
    let meta: FrontMatter =
        serde_yaml::from_str(yaml).map_err(|e| yaml_error(&file.path, yaml, &e, 1))?;
    let origin = origin_of(file, "id", &meta.id);
    Ok(Page {
        meta,
        body: Located {
            text: body.to_string(),
            line: body_line,
            col: 1,
        },
        origin,
    })
}
