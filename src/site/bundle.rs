//! The data bundle: every dataset's provenance as a plain-text sidecar beside its CSV
//! (`/data/<id>.meta.txt`: source, locator, columns with units, notes, printed values that do not add
//! up, licence, how to cite), and one zip of every dataset as CSV + JSON + sidecar with a codebook
//! `README.md` (`/data/all-datasets.zip`).
//!
//! This is the only module that uses the `zip` crate. The zip's bytes depend only on the content:
//! entries sorted by name, every timestamp the site's `last-updated` date (1980-01-01 without one),
//! fixed permissions, deflate at a fixed level.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::markdown::html_to_text;

use super::context::Generator;
use super::dataset::{csv, row_source_ids};

/// Where the bundle is published.
pub const BUNDLE_PATH: &str = "data/all-datasets.zip";

/// The folder every entry of the zip sits in.
const FOLDER: &str = "fieldbook-data";

impl Generator<'_> {
    /// A dataset's provenance sidecar, `/data/<id>.meta.txt`: what the CSV alone does not say.
    pub fn dataset_sidecar(&self, d: &Dataset) -> String {
        let site = self.inp.site;
        let s = &self.inp.config.strings;
        let mut t = String::new();
        let _ = writeln!(t, "{}\n\n{}\n", d.title, d.description.trim());
        let rows = d.rows.len().to_string();
        let _ = writeln!(
            t,
            "{}",
            s.fill("download.files", &[("id", &d.id), ("n", &rows)])
        );
        let url = self.inp.config.absolute(&Kind::Dataset.url(&d.id));
        let _ = writeln!(t, "{}", s.fill("download.page", &[("url", &url)]));
        let source = self.reference_text(&d.source);
        let locator = site.readable_locator(&d.locator);
        let _ = writeln!(
            t,
            "{}",
            s.fill(
                "download.source",
                &[("source", &source), ("locator", &locator)]
            )
        );
        if let Some(table) = &d.table {
            let _ = writeln!(t, "{}", s.fill("download.table", &[("table", table)]));
        }
        if let Some(origin) = &d.origin_line {
            let _ = writeln!(t, "{}", s.fill("download.origin", &[("origin", origin)]));
        }
        self.row_sources(&mut t, d);
        let _ = writeln!(t, "\n{}", s.get("download.columns"));
        for c in &d.columns {
            let unit = c
                .unit
                .as_deref()
                .map(|u| format!(", {u}"))
                .unwrap_or_default();
            let kind = serde_json::to_value(c.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let links = c
                .links
                .as_deref()
                .map(|k| s.fill("download.column_links", &[("kind", k)]))
                .unwrap_or_default();
            let _ = write!(t, "  {}: {} ({kind}{unit}{links})", c.name, c.title);
            match &c.description {
                Some(desc) => {
                    let _ = writeln!(t, ". {}", desc.trim());
                }
                None => t.push('\n'),
            }
        }
        self.notes_text(&mut t, d);
        let licence = &self.inp.config.licence;
        let _ = writeln!(
            t,
            "\n{}",
            s.fill("download.licence", &[("licence", licence)])
        );
        let cite = self.cite_this(
            &d.title,
            &Kind::Dataset.url(&d.id),
            &format!("fieldbook-data-{}", d.id),
        );
        let citation = html_to_text(&cite.chicago);
        let _ = writeln!(t, "{}", s.fill("download.cite", &[("citation", &citation)]));
        t
    }

    /// "Author Year, Title" of a source, or its id when it is unknown.
    fn reference_text(&self, id: &str) -> String {
        self.source(id)
            .map(|s| format!("{}, {}", s.label(), s.title))
            .unwrap_or_else(|| id.to_string())
    }

    /// The sources that rows cite in a `source` column, with the id the CSV writes.
    fn row_sources(&self, t: &mut String, d: &Dataset) {
        let ids = row_source_ids(d);
        if !ids.is_empty() {
            let _ = writeln!(t, "{}", self.inp.config.strings.get("download.row_sources"));
            for id in ids {
                let _ = writeln!(t, "  {id}: {}", self.reference_text(id));
            }
        }
    }

    /// The data notes as plain text, and the printed values that do not add up.
    fn notes_text(&self, t: &mut String, d: &Dataset) {
        let s = &self.inp.config.strings;
        if !d.notes.is_empty() {
            let _ = writeln!(t, "\n{}", s.get("download.notes"));
            for i in 0..d.notes.len() {
                let text = self
                    .md_or_empty(Kind::Dataset, &format!("{}#note-{i}", d.id))
                    .text();
                let _ = writeln!(t, "  {}. {}", i + 1, text.trim());
            }
        }
        if let Some(ms) = self.inp.mismatches.get(&d.id).filter(|m| !m.is_empty()) {
            let _ = writeln!(t, "\n{}", s.get("download.mismatches"));
            for m in ms {
                let line = s.fill(
                    "download.mismatch",
                    &[
                        ("row", &m.row),
                        ("what", &m.what),
                        ("printed", &m.printed),
                        ("computed", &m.computed),
                    ],
                );
                let _ = writeln!(t, "  {line}");
            }
        }
    }

    /// The codebook: what the bundle holds, the licence, how to cite, then every sidecar.
    fn codebook(&self) -> String {
        let c = self.inp.config;
        let s = &c.strings;
        let mut t = String::new();
        let title = s.fill("download.bundle_title", &[("title", &c.title)]);
        let _ = writeln!(t, "# {title}\n");
        let url = c.absolute("/");
        let intro = s.fill(
            "download.bundle_intro",
            &[("url", &url), ("date", &c.last_updated)],
        );
        let _ = writeln!(t, "{intro}\n");
        let _ = writeln!(
            t,
            "{}\n",
            s.fill("download.licence", &[("licence", &c.licence)])
        );
        let cite = self.cite_this(&c.title, "/", "fieldbook-site");
        let citation = html_to_text(&cite.chicago);
        let _ = writeln!(
            t,
            "{}\n",
            s.fill("download.bundle_cite", &[("citation", &citation)])
        );
        let _ = writeln!(t, "{}\n", s.get("download.bundle_each"));
        let _ = writeln!(t, "## {}\n", s.get("download.datasets"));
        for d in self.sorted_datasets() {
            let _ = writeln!(t, "- `{}`: {}", d.id, d.title);
        }
        for d in self.sorted_datasets() {
            let _ = writeln!(
                t,
                "\n## {}\n\n```text\n{}```",
                d.id,
                self.dataset_sidecar(d)
            );
        }
        t
    }

    fn sorted_datasets(&self) -> Vec<&Dataset> {
        let mut ds: Vec<&Dataset> = self.inp.site.datasets.iter().collect();
        ds.sort_by(|a, b| a.id.cmp(&b.id));
        ds
    }

    /// The zip of every dataset, or a diagnostic when it cannot be written.
    pub fn bundle(&self) -> Result<OutputFile, Diagnostic> {
        let mut entries: Vec<(String, Vec<u8>)> =
            vec![("README.md".into(), self.codebook().into_bytes())];
        for d in &self.inp.site.datasets {
            entries.push((format!("{}.csv", d.id), csv(d).into_bytes()));
            entries.push((format!("{}.json", d.id), self.dataset_json(d).into_bytes()));
            entries.push((
                format!("{}.meta.txt", d.id),
                self.dataset_sidecar(d).into_bytes(),
            ));
        }
        entries.sort();
        let bytes = zip_bytes(&entries, &self.inp.config.last_updated).map_err(|e| {
            Diagnostic::error(
                "book.toml",
                1,
                1,
                format!("cannot write the data bundle: {e}"),
            )
        })?;
        Ok(OutputFile {
            path: BUNDLE_PATH.to_string(),
            bytes,
        })
    }
}

/// A zip of `entries` (already sorted) under [`FOLDER`], every entry dated `date` (`YYYY-MM-DD`).
fn zip_bytes(entries: &[(String, Vec<u8>)], date: &str) -> zip::result::ZipResult<Vec<u8>> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip_date(date))
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        z.start_file(format!("{FOLDER}/{name}"), options)?;
        z.write_all(bytes)?;
    }
    Ok(z.finish()?.into_inner())
}

/// The date of `YYYY-MM-DD` at midnight; 1980-01-01 (zip's earliest) when it is missing or bad.
fn zip_date(date: &str) -> DateTime {
    let mut parts = date.split('-').map(|p| p.parse::<u16>().ok());
    match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(y), Some(m), Some(d)) => {
            DateTime::from_date_and_time(y, m as u8, d as u8, 0, 0, 0).unwrap_or_default()
        }
        _ => DateTime::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zip_depends_only_on_its_entries_and_date() {
        let entries = vec![
            ("a.csv".to_string(), b"x\r\n1\r\n".to_vec()),
            ("b.json".to_string(), b"{}\n".to_vec()),
        ];
        let one = zip_bytes(&entries, "2026-11-25").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let two = zip_bytes(&entries, "2026-11-25").unwrap();
        assert_eq!(one, two, "no wall clock in the bytes");
        assert_ne!(one, zip_bytes(&entries, "2026-11-26").unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(one)).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect();
        assert_eq!(names, ["fieldbook-data/a.csv", "fieldbook-data/b.json"]);
        let f = archive.by_index(0).unwrap();
        let t = f.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (2026, 11, 25));
    }
}
