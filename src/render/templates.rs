//! Templates: Tera set-up and rendering (the only module that imports tera).
//!
//! Templates are the default theme's (`crate::theme`) with the site's `templates/*.html` laid
//! over them by name, read once with autoescaping on; they receive plain
//! serializable contexts and never touch the file system (no `include` of files outside the
//! template folder, no functions that read files). Pre-rendered HTML (Markdown, SVG) is passed as
//! strings the templates mark `| safe`.

use std::path::{Path, PathBuf};

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::fingerprint::{Fingerprint, Hasher};
use crate::theme::Strings;

/// Loaded templates.
pub struct Templates {
    tera: tera::Tera,
    /// Per template: a fingerprint of its source and of every template it names (extends,
    /// includes, imports), transitively; what a page rendered with it depends on.
    fingerprints: BTreeMap<String, Fingerprint>,
}

impl Templates {
    /// The default theme's templates, each replaced by the site's `templates/<name>` where it
    /// has one (a site's extra templates are added).
    pub fn load(root: &Path, strings: &Strings) -> Result<Templates, Diagnostic> {
        let mut files: BTreeMap<String, String> = crate::theme::templates()
            .into_iter()
            .map(|f| {
                (
                    f.path.to_string(),
                    String::from_utf8_lossy(f.bytes).into_owned(),
                )
            })
            .collect();
        let dir = root.join("templates");
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e)
                    if e.io_error().map(|io| io.kind()) == Some(std::io::ErrorKind::NotFound) =>
                {
                    break
                }
                Err(e) => {
                    return Err(Diagnostic::error(
                        "templates",
                        0,
                        0,
                        format!("cannot read templates: {e}"),
                    ))
                }
            };
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "html")
            {
                let name = entry
                    .path()
                    .strip_prefix(&dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let rel = PathBuf::from("templates").join(&name);
                let text = std::fs::read_to_string(entry.path()).map_err(|e| {
                    Diagnostic::error(&rel, 0, 0, format!("cannot read: {e}"))
                        .with_hint("templates must be UTF-8 text")
                })?;
                files.insert(name, text);
            }
        }
        let mut tera = tera::Tera::default();
        let named: Vec<(String, String)> = files.into_iter().collect();
        // Every template may print interface strings: they are part of each one's fingerprint.
        let strings_key = crate::fingerprint::of_debug(strings);
        let fingerprints = closure_fingerprints(&named)
            .into_iter()
            .map(|(name, f)| {
                (
                    name,
                    Hasher::new()
                        .fingerprint(&f)
                        .fingerprint(&strings_key)
                        .finish(),
                )
            })
            .collect();
        tera.add_raw_templates(named)
            .map_err(|e| template_error(&e))?;
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_function("t", Translate(strings.clone()));
        // Escapes what matters in text and quoted attributes; unlike Tera's default it leaves `/`
        // alone, so URLs stay readable in the page source.
        tera.set_escape_fn(escape_html);
        Ok(Templates { tera, fingerprints })
    }

    /// The fingerprint of `template` and of every template it uses.
    pub fn fingerprint(&self, template: &str) -> Fingerprint {
        self.fingerprints
            .get(template)
            .copied()
            .unwrap_or_else(|| Hasher::new().str(template).finish())
    }

    /// Whether a template exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Renders `template` with `context`, any value that serializes to a JSON object (made into
    /// Tera's context with `Context::from_serialize`, which copies it into Tera's values).
    pub fn render<C: serde::Serialize>(
        &self,
        template: &str,
        context: &C,
    ) -> Result<String, Diagnostic> {
        let cx = tera::Context::from_serialize(context).map_err(|e| {
            Diagnostic::error(
                PathBuf::from("templates").join(template),
                0,
                0,
                format!("cannot build the template context: {e}"),
            )
        })?;
        self.tera
            .render(template, &cx)
            .map_err(|e| template_error(&e))
    }
}

/// `t(key="nav.search", n=3)`: the interface string `key` in the site's language, each `{name}`
/// replaced by the argument of that name. An unknown key is a template error that names it.
struct Translate(Strings);

impl tera::Function for Translate {
    fn call(
        &self,
        args: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let key = args
            .get("key")
            .and_then(tera::Value::as_str)
            .ok_or_else(|| tera::Error::msg("t() needs key=\"section.name\""))?;
        if !self.0.has(key) {
            return Err(tera::Error::msg(format!(
                "unknown interface string `{key}` (the keys are in the theme's i18n/en.toml)"
            )));
        }
        let mut values: Vec<(&str, String)> = args
            .iter()
            .filter(|(name, _)| name.as_str() != "key")
            .map(|(name, v)| {
                (
                    name.as_str(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect();
        values.sort();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        Ok(tera::Value::String(self.0.fill(key, &pairs)))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

/// For each template, a fingerprint over its own source and the sources of every template whose
/// name it mentions as a quoted string, transitively. Tera names the templates a template extends,
/// includes or imports only by string literals, so this covers everything a rendering can read.
fn closure_fingerprints(named: &[(String, String)]) -> BTreeMap<String, Fingerprint> {
    let uses: BTreeMap<&str, Vec<&str>> = named
        .iter()
        .map(|(name, text)| {
            let used = named
                .iter()
                .map(|(other, _)| other.as_str())
                .filter(|other| {
                    other != name
                        && (text.contains(&format!("\"{other}\""))
                            || text.contains(&format!("'{other}'")))
                })
                .collect();
            (name.as_str(), used)
        })
        .collect();
    let sources: BTreeMap<&str, &str> = named
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    named
        .iter()
        .map(|(name, _)| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![name.as_str()];
            while let Some(n) = stack.pop() {
                if seen.insert(n) {
                    stack.extend(uses.get(n).into_iter().flatten().copied());
                }
            }
            let mut h = Hasher::new();
            for n in seen {
                h.str(n).str(sources.get(n).copied().unwrap_or(""));
            }
            (name.clone(), h.finish())
        })
        .collect()
}

/// Tera's autoescape: `& < > " '`, as for a quoted attribute (a value may land in either place).
fn escape_html(input: &str) -> String {
    crate::render::escape::attr(input).into_owned()
}

/// A Tera error with its whole cause chain; Tera names the template and, for syntax errors, the line.
fn template_error(e: &tera::Error) -> Diagnostic {
    use std::error::Error;
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let template = message.split('\'').nth(1).unwrap_or("").to_string();
    let (line, col) = parse_line_col(&message);
    Diagnostic::error(PathBuf::from("templates").join(template), line, col, format!("template error: {message}"))
        .with_hint("check the template syntax and the variable names it uses (see ARCHITECTURE.md, 'Templates')")
}

fn parse_line_col(message: &str) -> (usize, usize) {
    // Tera's parse errors contain " --> 3:14".
    if let Some(rest) = message.split(" --> ").nth(1) {
        let mut nums = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty());
        if let (Some(l), Some(c)) = (nums.next(), nums.next()) {
            return (l.parse().unwrap_or(0), c.parse().unwrap_or(0));
        }
    }
    (0, 0)
}
