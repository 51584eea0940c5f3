//! The default theme, compiled into the binary (the only include_dir user): the templates and
//! static files every site starts from. A site's own `templates/` and `static/` override them file
//! by file (same relative path), as in Zola and mdBook; `fieldbook theme dump` writes them out to
//! edit, and `fieldbook init` writes the starter site (`starter/`).

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

mod strings;
pub use strings::Strings;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/theme/templates");
static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/theme/static");
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/theme/starter");

/// One file of the default theme: its path relative to its folder (`base.html`, `style.css`).
pub struct ThemeFile {
    pub path: &'static str,
    pub bytes: &'static [u8],
}

/// Every default template, sorted by path.
pub fn templates() -> Vec<ThemeFile> {
    files(&TEMPLATES)
}

/// Every default static file, sorted by path.
pub fn static_files() -> Vec<ThemeFile> {
    files(&STATIC)
}

fn files(dir: &'static Dir<'static>) -> Vec<ThemeFile> {
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            if let Some(path) = f.path().to_str() {
                out.push(ThemeFile {
                    path,
                    bytes: f.contents(),
                });
            }
        }
        stack.extend(d.dirs());
    }
    out.sort_by_key(|f| f.path);
    out
}

/// Writes the default theme into `root/templates` and `root/static`, leaving every file that
/// already exists alone (a site's overrides are never overwritten). Returns the files written.
pub fn dump(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (folder, list) in [("templates", templates()), ("static", static_files())] {
        for f in list {
            let path = root.join(folder).join(f.path);
            if path.exists() {
                continue;
            }
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, f.bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Writes the starter site (`fieldbook init`) into `dir`, which must not exist or be empty, so
/// nothing of anyone's is overwritten. Returns how many files were written.
pub fn init(dir: &Path) -> Result<usize, String> {
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(format!(
                "{} is not empty; fieldbook init writes only into a new or empty folder",
                dir.display()
            ));
        }
    } else if dir.exists() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let files = files(&STARTER);
    for f in &files {
        let path = dir.join(f.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, f.bytes));
        written.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_has_a_base_template_and_a_stylesheet() {
        assert!(templates().iter().any(|f| f.path == "base.html"));
        assert!(static_files().iter().any(|f| f.path == "style.css"));
    }

    #[test]
    fn dump_keeps_existing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/base.html"), "mine").unwrap();
        let written = dump(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("templates/base.html")).unwrap(),
            "mine"
        );
        assert!(written.iter().any(|p| p.ends_with("static/style.css")));
        assert!(!written.iter().any(|p| p.ends_with("templates/base.html")));
    }
}
