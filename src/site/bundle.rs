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
        let mut t = String::new();
        let _ = writeln!(t, "{}\n\n{}\n", d.title, d.description.trim());
        let _ = writeln!(
            t,
            "Files: {id}.csv ({} rows; blanks are empty cells, never 0), {id}.json (the same values exactly, with these notes)",
            d.rows.len(),
            id = d.id
        );
        let url = self.inp.config.absolute(&Kind::Dataset.url(&d.id));
        let _ = writeln!(t, "Dataset page: {url}");
        let _ = writeln!(
            t,
            "Source: {}; {}",
            self.reference_text(&d.source),
            site.readable_locator(&d.locator)
        );
        if let Some(table) = &d.table {
            let _ = writeln!(t, "Table in the source: {table}");
        }
        if let Some(origin) = &d.origin_line {
            let _ = writeln!(t, "Origin of the table: {origin}");
        }
        self.row_sources(&mut t, d);
        let _ = writeln!(t, "\nColumns");
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
                .map(|k| format!(", ids of items of kind {k} on the site"))
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
        let _ = writeln!(t, "\nLicence: {}", self.inp.config.licence);
        let cite = self.cite_this(
            &d.title,
            &Kind::Dataset.url(&d.id),
            &format!("fieldbook-data-{}", d.id),
        );
        let _ = writeln!(t, "How to cite: {}", html_to_text(&cite.chicago));
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
            let _ = writeln!(
                t,
                "Source ids in the rows (columns of type source, and `cited in` in locators):"
            );
            for id in ids {
                let _ = writeln!(t, "  {id}: {}", self.reference_text(id));
            }
        }
    }

    /// The data notes as plain text, and the printed values that do not add up.
    fn notes_text(&self, t: &mut String, d: &Dataset) {
        if !d.notes.is_empty() {
            let _ = writeln!(t, "\nNotes");
            for i in 0..d.notes.len() {
                let text = &self
                    .md_or_empty(Kind::Dataset, &format!("{}#note-{i}", d.id))
                    .text;
                let _ = writeln!(t, "  {}. {}", i + 1, text.trim());
            }
        }
        if let Some(ms) = self.inp.mismatches.get(&d.id).filter(|m| !m.is_empty()) {
            let _ = writeln!(t, "\nPrinted values that do not add up (kept as printed)");
            for m in ms {
                let _ = writeln!(
                    t,
                    "  {}: {} is printed as {}, the table implies {}",
                    m.row, m.what, m.printed, m.computed
                );
            }
        }
    }

    /// The codebook: what the bundle holds, the licence, how to cite, then every sidecar.
    fn codebook(&self) -> String {
        let c = self.inp.config;
        let mut t = String::new();
        let _ = writeln!(t, "# {}: all datasets\n", c.title);
        let _ = writeln!(
            t,
            "Every dataset of {} as CSV (RFC 4180, UTF-8, a header row of column names; blanks are empty, never 0) and JSON (every value exact, with sources and notes), each with its provenance in `<id>.meta.txt`. Last updated {}.\n",
            c.absolute("/"),
            c.last_updated
        );
        let _ = writeln!(t, "Licence: {}\n", c.licence);
        let cite = self.cite_this(&c.title, "/", "fieldbook-site");
        let _ = writeln!(t, "How to cite the site: {}\n", html_to_text(&cite.chicago));
        let _ = writeln!(t, "Each dataset below says how to cite it, and cites its own source and locator (a section, table or page of the source). A CSV text cell that a spreadsheet would run as a formula starts with `'`; the JSON keeps it as printed.\n");
        let _ = writeln!(t, "## Datasets\n");
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
