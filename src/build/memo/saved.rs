//! The memo on disk: what makes a `build` into an existing output folder pay only for what changed.
//!
//! After a successful build, its memo is saved in the site's [`CACHE_DIR`], one file per output
//! folder (named by the folder's absolute path), and the next build into that folder loads it.
//! Markdown results and chart drawings are saved as they are; output files, chart PNGs and search
//! shards as receipts (the BLAKE3 of the bytes written), which are honoured only while the output
//! folder still holds exactly those bytes. The references formatted for "cite this" (CSL, the
//! slowest part of a page) are saved by the work they format. The file starts with the identity of the binary that
//! wrote it: a file written by another fieldbook (or by none this process can read) is ignored,
//! as is any file that does not decode. Deleting the folder costs one full build, nothing else.
//! Nothing is written through a symlink: a cache folder that is one is not used, and the
//! temporary file is created new (the memo is then renamed over the old one).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Drawn, Entry, Kept, Memo, Table};
use crate::fingerprint::{Fingerprint, Hasher};
use crate::model::Kind;
use crate::output::write_whole_in;
use crate::render::cite::{Formatted, Styles};
use crate::render::markdown::Rendered;

/// The folder, in the site's root, that holds the saved memos. Safe to delete.
pub const CACHE_DIR: &str = ".fieldbook-cache";

/// What every saved memo starts with, before the binary's identity.
const MAGIC: &[u8] = b"fieldbook memo 1\n";

/// One saved row: name, key, dependency check, value.
type Row<V> = (String, Fingerprint, Fingerprint, V);
type RowRef<'a, V> = (&'a str, &'a Fingerprint, &'a Fingerprint, V);

/// A [`Drawn`] as saved, its PNG's receipt resolved (serialized as a `Drawn`).
#[derive(Serialize)]
struct DrawnRef<'a> {
    wide: &'a str,
    medium: &'a str,
    narrow: &'a str,
    png: Kept,
}

#[derive(Deserialize)]
struct Loaded {
    charts: Vec<Row<Drawn>>,
    markdown: Vec<Row<Rendered>>,
    files: Vec<Row<Kept>>,
    search: Vec<Row<Vec<(String, Kept)>>>,
    references: Vec<(String, Formatted)>,
}

#[derive(Serialize)]
struct Saving<'a> {
    charts: Vec<RowRef<'a, DrawnRef<'a>>>,
    markdown: Vec<RowRef<'a, &'a Rendered>>,
    files: Vec<RowRef<'a, Kept>>,
    search: Vec<RowRef<'a, Vec<(&'a str, Kept)>>>,
    references: Vec<(String, Formatted)>,
}

/// Where the memo of builds of the site at `root` into `out` is saved; none when the running
/// binary cannot be identified (a memo of another binary's making must never be trusted).
pub(super) fn location(root: &Path, out: &Path) -> Option<PathBuf> {
    identity()?;
    let out = std::fs::canonicalize(out)
        .or_else(|_| std::path::absolute(out))
        .ok()?;
    let name = crate::fingerprint::hex(&Hasher::new().str(&out.to_string_lossy()).finish()[..8]);
    Some(root.join(CACHE_DIR).join(format!("memo-{name}")))
}

/// The running binary: its version, and its file's length and modification time (a rebuilt
/// binary is another binary, whatever its version says).
fn identity() -> Option<Fingerprint> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    Some(
        Hasher::new()
            .str(env!("CARGO_PKG_VERSION"))
            .debug(&(meta.len(), meta.modified().ok()?))
            .finish(),
    )
}

/// Fills `memo`'s tables from the file at `path`, when it is a memo this binary wrote; leaves
/// them empty otherwise.
pub(super) fn load(memo: &Memo, path: &Path) {
    let Some(loaded) = read(path) else { return };
    fill(&memo.charts, loaded.charts);
    fill(&memo.markdown, loaded.markdown);
    fill(&memo.files, loaded.files);
    fill(&memo.search, loaded.search);
    Styles::shared().remember(loaded.references);
}

fn read(path: &Path) -> Option<Loaded> {
    let dir = std::fs::symlink_metadata(path.parent()?).ok()?;
    if !dir.is_dir() {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let rest = bytes.strip_prefix(MAGIC)?;
    let (id, body) = rest.split_at_checked(32)?;
    if id != identity()? {
        return None;
    }
    postcard::from_bytes(body).ok()
}

fn fill<V>(table: &Table<V>, rows: Vec<Row<V>>) {
    let mut map = table.lock();
    for (name, key, check, value) in rows {
        let used = false; // until this build asks for it
        map.insert(
            name,
            Entry {
                key,
                check,
                value,
                used,
            },
        );
    }
}

/// Writes `memo`, with the texts of `markdown` it has keys for, to `path` whole (a temporary file
/// renamed over the old one). `written` is the fingerprint of every file of the output, which
/// gives each [`Kept::Written`] its receipt (a unit whose files are not all there is left out).
pub(super) fn save(
    memo: &Memo,
    markdown: &BTreeMap<(Kind, String), Rendered>,
    written: &BTreeMap<String, Fingerprint>,
    path: &Path,
) -> std::io::Result<()> {
    let id = identity().ok_or_else(|| std::io::Error::other("the running binary is unknown"))?;
    let (charts, keys) = (memo.charts.lock(), memo.markdown.lock());
    let (files, search) = (memo.files.lock(), memo.search.lock());
    let names: Vec<(String, &Rendered)> = markdown
        .iter()
        .map(|(key, r)| (super::markdown_name(key), r))
        .collect();
    let mut texts: Vec<RowRef<'_, &Rendered>> = names
        .iter()
        .filter_map(|(name, r)| {
            let e = keys.get(name)?;
            Some((name.as_str(), &e.key, &e.check, *r))
        })
        .collect();
    texts.sort_by(|a, b| a.0.cmp(b.0));
    let receipt = |path: &str, kept: &Kept| match kept {
        Kept::Written => written.get(path).map(|hash| Kept::Receipt(*hash)),
        other => Some(other.clone()),
    };
    let saving = Saving {
        charts: rows(&charts, |id, d| {
            Some(DrawnRef {
                wide: &d.wide,
                medium: &d.medium,
                narrow: &d.narrow,
                png: receipt(&crate::render::chart::png_path(id), &d.png)?,
            })
        }),
        markdown: texts,
        files: rows(&files, |path, kept| receipt(path, kept)),
        search: rows(&search, |_, files| {
            files
                .iter()
                .map(|(path, kept)| Some((path.as_str(), receipt(path, kept)?)))
                .collect()
        }),
        references: Styles::shared().used(),
    };
    // Through the output's one write path: no symlink followed, the file whole.
    let (root, name) = split_location(path)?;
    if std::fs::symlink_metadata(path.with_file_name("CACHEDIR.TAG")).is_err() {
        let tag = format!("{CACHE_DIR}/CACHEDIR.TAG");
        write_whole_in(root, &tag, |f| f.write_all(CACHEDIR_TAG.as_bytes()))?;
    }
    write_whole_in(root, &format!("{CACHE_DIR}/{name}"), |file| {
        let mut f = std::io::BufWriter::new(file);
        f.write_all(MAGIC)?;
        f.write_all(&id)?;
        postcard::to_io(&saving, &mut f).map_err(std::io::Error::other)?;
        f.flush()
    })
}

/// The site root and the file name of a memo's [`location`].
fn split_location(path: &Path) -> std::io::Result<(&Path, String)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let root = path.parent().and_then(Path::parent);
    root.zip(name)
        .ok_or_else(|| std::io::Error::other("a memo's place is <root>/.fieldbook-cache/<name>"))
}

/// The rows of a table as `saved` gives each value (none: left out), sorted by name (the same memo
/// saves the same bytes).
fn rows<'a, V, S>(
    map: &'a std::collections::HashMap<String, Entry<V>>,
    saved: impl Fn(&str, &'a V) -> Option<S>,
) -> Vec<RowRef<'a, S>> {
    let mut rows: Vec<RowRef<'a, S>> = map
        .iter()
        .filter_map(|(name, e)| Some((name.as_str(), &e.key, &e.check, saved(name, &e.value)?)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    rows
}

/// Marks the folder as a cache for backup tools (<https://bford.info/cachedir/>).
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder holds fieldbook's build memo (safe to delete; the next build is a full one).\n";
