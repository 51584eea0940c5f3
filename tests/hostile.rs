//! The hostile-input suite. Every string field of every content kind and of `book.toml` is taken
//! from the model's own JSON Schemas (`model::content_schemas`, `config::schemas`), so a field added
//! to the model is covered without editing this file. Each field gets each payload in turn (markup
//! and attribute breakouts, `javascript:` and `data:` URLs in their case and blank variants, control
//! characters, spreadsheet formulas); the build must then either refuse it with an error located at
//! file:line:col, or publish it inert in every output format: HTML, SVG, CSV, JSON, Atom, sitemap and
//! the search index's fragments.
//!
//! Last, every field that accepted the markup payload gets it at once, and that site is left in
//! `target/tmp/hostile-site/public` for `tests/browser/hostile.test.mjs`, which opens each page in
//! Chromium and checks that no payload ran.

mod common;

use common::*;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a payload's script does if it ever runs; the browser test looks for it.
const MARK: &str = "fbPwned";

fn payloads() -> Vec<(&'static str, String)> {
    vec![
        (
            "markup",
            format!("\"'><script>window.{MARK}=1</script><img src=x onerror=\"window.{MARK}=2\"><svg onload=window.{MARK}=3>"),
        ),
        ("javascript-url", format!(" \tJaVaScRiPt:window.{MARK}=4")),
        ("data-url", format!("data:text/html,<script>window.{MARK}=5</script>")),
        ("control", "nul\u{0}esc\u{1b}bell\u{7}".to_string()),
        ("formula", "=HYPERLINK(\"https://evil.example\",\"x\")".to_string()),
    ]
}

/// One string field: where it lives (content folder or book.toml table) and its path of keys.
#[derive(Debug, Clone)]
struct Field {
    file: &'static str,
    path: Vec<String>,
}

impl Field {
    fn name(&self) -> String {
        format!("{}:{}", self.file, self.path.join("."))
    }
}

/// Resolves `$ref`s against the schema's `$defs`.
fn deref<'a>(root: &'a Json, s: &'a Json) -> &'a Json {
    match s.get("$ref").and_then(Json::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or("");
            root.get("$defs").and_then(|d| d.get(name)).unwrap_or(s)
        }
        None => s,
    }
}

/// Whether a schema admits a string (directly, or as one of its alternatives).
fn admits_string(root: &Json, s: &Json) -> bool {
    let s = deref(root, s);
    let ty = s.get("type");
    let direct = match ty {
        Some(Json::String(t)) => t == "string",
        Some(Json::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    let enumerated = s.get("enum").is_some() || s.get("const").is_some();
    direct && !enumerated
        || ["anyOf", "oneOf"]
            .iter()
            .filter_map(|k| s.get(*k).and_then(Json::as_array))
            .flatten()
            .any(|alt| admits_string(root, alt))
}

/// Every string field under `s`, as key paths (`[]` stands for "the first item of a list").
fn string_fields(root: &Json, s: &Json, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let s = deref(root, s);
    if admits_string(root, s) {
        out.push(prefix.clone());
    }
    for alt in ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| s.get(*k).and_then(Json::as_array))
        .flatten()
    {
        let alt = deref(root, alt);
        if alt.get("properties").is_some() || alt.get("items").is_some() {
            string_fields(root, alt, prefix.clone(), out);
        }
    }
    if let Some(props) = s.get("properties").and_then(Json::as_object) {
        for (k, v) in props {
            let mut p = prefix.clone();
            p.push(k.clone());
            string_fields(root, v, p, out);
        }
    }
    // A map of free keys (an entity's `names` and `extra`): one key, its value poisoned.
    if let Some(values) = s.get("additionalProperties") {
        if *values == Json::Bool(true) || admits_string(root, values) {
            let mut p = prefix.clone();
            p.push("en".into());
            out.push(p);
        }
    }
    if let Some(items) = s.get("items") {
        let mut p = prefix;
        p.push("[]".into());
        string_fields(root, items, p, out);
    }
}

fn all_fields() -> Vec<Field> {
    let mut fields = Vec::new();
    for (folder, shape, schema) in fieldbook::model::content_schemas() {
        let mut paths = Vec::new();
        string_fields(&schema, &schema, Vec::new(), &mut paths);
        for mut path in paths {
            if shape == fieldbook::model::FileShape::List {
                path.remove(0); // the list itself: the fixture's first item takes the payload
            }
            if path.first().is_some_and(|p| p == "rows") {
                continue; // cells: covered through the text column added below
            }
            fields.push(Field { file: folder, path });
        }
        if folder == "pages" {
            fields.push(Field {
                file: folder,
                path: vec!["<body>".into()],
            });
        }
        if folder == "datasets" {
            fields.push(Field {
                file: folder,
                path: vec!["rows".into(), "[]".into(), "label".into()],
            });
            // The same text column, with the rows moved to a CSV file beside the sidecar.
            fields.push(Field {
                file: folder,
                path: vec!["csv-rows".into(), "[]".into(), "label".into()],
            });
        }
    }
    for (table, schema) in fieldbook::config::schemas() {
        let mut paths = Vec::new();
        string_fields(&schema, &schema, Vec::new(), &mut paths);
        for path in paths {
            let mut full: Vec<String> = table.split('.').map(String::from).collect();
            full.extend(path);
            fields.push(Field {
                file: "book.toml",
                path: full,
            });
        }
    }
    fields
}

/// The fixture file a field of `folder` is written into.
fn fixture_file(root: &Path, folder: &str) -> PathBuf {
    let dir = root.join("content").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "csv")) // a sidecar's rows: not YAML
        .collect();
    files.sort();
    files.into_iter().next().unwrap()
}

/// Sets `path` inside a YAML value to `text`, creating mappings and a first list item on the way.
fn set_yaml(v: &mut serde_yaml::Value, path: &[String], text: &str) {
    use serde_yaml::Value as Y;
    let Some((head, rest)) = path.split_first() else {
        *v = Y::String(text.to_string());
        return;
    };
    if head == "[]" {
        if !matches!(v, Y::Sequence(s) if !s.is_empty()) {
            *v = Y::Sequence(vec![Y::Mapping(Default::default())]);
        }
        if let Y::Sequence(s) = v {
            // A list of strings takes the payload as its first item.
            set_yaml(&mut s[0], rest, text);
        }
        return;
    }
    if !v.is_mapping() {
        *v = Y::Mapping(Default::default());
    }
    let m = v.as_mapping_mut().unwrap();
    let key = Y::String(head.clone());
    if !m.contains_key(&key) {
        m.insert(key.clone(), Y::Null);
    }
    set_yaml(m.get_mut(&key).unwrap(), rest, text);
}

fn set_toml(v: &mut toml::Value, path: &[String], text: &str) {
    let Some((head, rest)) = path.split_first() else {
        *v = toml::Value::String(text.to_string());
        return;
    };
    if head == "[]" {
        *v = toml::Value::Array(vec![toml::Value::String(text.to_string())]);
        return;
    }
    let t = v.as_table_mut().unwrap();
    let entry = t
        .entry(head.clone())
        .or_insert_with(|| toml::Value::Table(Default::default()));
    set_toml(entry, rest, text);
}

/// Writes `text` into `field` of the site at `root`.
fn plant(root: &Path, field: &Field, text: &str) {
    if field.file == "book.toml" {
        let p = root.join("book.toml");
        let mut v: toml::Value = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        set_toml(&mut v, &field.path, text);
        std::fs::write(&p, toml::to_string(&v).unwrap()).unwrap();
        return;
    }
    let p = fixture_file(root, field.file);
    let raw = std::fs::read_to_string(&p).unwrap();
    if field.file == "pages" {
        let (front, body) = raw
            .strip_prefix("---\n")
            .and_then(|r| r.split_once("\n---\n"))
            .unwrap();
        if field.path[0] == "<body>" {
            std::fs::write(&p, format!("---\n{front}\n---\n{body}\n\n{text}\n")).unwrap();
            return;
        }
        let mut v: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        set_yaml(&mut v, &field.path, text);
        let front = serde_yaml::to_string(&v).unwrap();
        std::fs::write(&p, format!("---\n{front}---\n{body}")).unwrap();
        return;
    }
    let mut v: serde_yaml::Value = serde_yaml::from_str(&raw).unwrap();
    if field.path.first().is_some_and(|p| p == "csv-rows") {
        rows_to_csv(&p, v, text);
        return;
    }
    if field.path.first().is_some_and(|p| p == "rows") {
        // A text column for the cell payload.
        let cols = v.get_mut("columns").unwrap().as_sequence_mut().unwrap();
        cols.push(serde_yaml::from_str("{name: label, title: Label, type: text}").unwrap());
    }
    if v.is_sequence() {
        set_yaml(
            &mut v,
            &[&["[]".to_string()][..], &field.path[..]].concat(),
            text,
        );
    } else {
        set_yaml(&mut v, &field.path, text);
    }
    std::fs::write(&p, serde_yaml::to_string(&v).unwrap()).unwrap();
}

/// Moves the rows of the dataset file `p` (its YAML `v`) to a CSV file beside it, with a text
/// column `label` holding `text` in every row; the file keeps the rest as the CSV's sidecar.
fn rows_to_csv(p: &Path, mut v: serde_yaml::Value, text: &str) {
    use serde_yaml::Value as Y;
    let m = v.as_mapping_mut().unwrap();
    let cols = m.get_mut("columns").unwrap().as_sequence_mut().unwrap();
    let name = |c: &Y| c.get("name").and_then(Y::as_str).unwrap().to_string();
    if !cols.iter().any(|c| name(c) == "label") {
        cols.push(serde_yaml::from_str("{name: label, title: Label, type: text}").unwrap());
    }
    let names: Vec<String> = cols.iter().map(name).collect();
    let rows = m.remove("rows").unwrap_or(Y::Sequence(Vec::new()));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&names).unwrap();
    for row in rows.as_sequence().unwrap() {
        let cell = |n: &String| match row.get(n.as_str()) {
            _ if n == "label" => text.to_string(),
            Some(Y::String(s)) => s.clone(),
            Some(Y::Number(x)) => x.to_string(),
            Some(Y::Bool(b)) => b.to_string(),
            _ => String::new(),
        };
        w.write_record(names.iter().map(cell)).unwrap();
    }
    std::fs::write(p.with_extension("csv"), w.into_inner().unwrap()).unwrap();
    std::fs::write(p, serde_yaml::to_string(&v).unwrap()).unwrap();
}

/// What went wrong in one output file, if anything.
fn problems_in(rel: &str, bytes: &[u8], payload: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let markup = [
        "<script>window.fbpwned",
        "<img src=x onerror",
        "<svg onload",
    ];
    let is_markup = rel.ends_with(".html") || rel.ends_with(".svg") || rel.ends_with(".xml");
    if is_markup {
        for m in markup {
            if lower.contains(m) {
                out.push(format!("{rel}: raw markup `{m}` from content"));
            }
        }
        // Live URL attributes: the value, blanks and case aside, starts with a dangerous scheme.
        for attr in ["href=", "src=", "action=", "xlink:href="] {
            for (i, _) in lower.match_indices(attr) {
                let v = lower[i + attr.len()..].trim_start_matches(['"', '\'']);
                let v: String = v
                    .chars()
                    .take(40)
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                if (v.starts_with("javascript:")
                    || v.starts_with("data:")
                    || v.starts_with("vbscript:"))
                    && v.contains("fbpwned")
                {
                    out.push(format!("{rel}: live link `{attr}{v}`"));
                }
            }
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            out.push(format!("{rel}: a control character"));
        }
    }
    if rel.ends_with(".svg") || rel.ends_with(".xml") {
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Err(e) => {
                    out.push(format!("{rel}: not well-formed XML: {e}"));
                    break;
                }
                _ => {}
            }
        }
    }
    if rel.ends_with(".csv") {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes);
        for rec in r.records() {
            match rec {
                Ok(rec) => {
                    for cell in rec.iter() {
                        let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
                        if formula
                            && cell.chars().count() > 1
                            && cell.trim().parse::<f64>().is_err()
                        {
                            out.push(format!("{rel}: a cell a spreadsheet runs: {cell:?}"));
                        }
                    }
                }
                Err(e) => out.push(format!("{rel}: not valid CSV: {e}")),
            }
        }
    }
    if rel.ends_with(".json") && serde_json::from_slice::<Json>(bytes).is_err() {
        out.push(format!("{rel}: not valid JSON"));
    }
    if rel.ends_with(".pf_fragment") || rel.ends_with(".pf_meta") {
        use std::io::Read;
        let mut plain = Vec::new();
        let _ = flate2::read::GzDecoder::new(bytes).read_to_end(&mut plain);
        let plain = String::from_utf8_lossy(&plain).to_lowercase();
        for m in markup {
            if plain.contains(m) {
                out.push(format!("{rel}: raw markup `{m}` in the search index"));
            }
        }
    }
    let _ = payload;
    out
}

fn output_problems(out: &Path, payload: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for e in walkdir::WalkDir::new(out).into_iter().flatten() {
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            problems.extend(problems_in(
                &rel,
                &std::fs::read(e.path()).unwrap(),
                payload,
            ));
        }
    }
    problems
}

/// A refused payload must be named at file:line:col (line and column known).
fn located(stderr: &str) -> bool {
    stderr.lines().any(|l| {
        let l = l.trim_start_matches(|c: char| c == '┌' || c == '─' || c.is_whitespace());
        let mut parts = l.rsplitn(3, ':');
        let (col, line) = (parts.next(), parts.next());
        matches!((line.and_then(|x| x.parse::<usize>().ok()), col.and_then(|x| x.trim().parse::<usize>().ok())), (Some(l), Some(c)) if l > 0 && c > 0)
    })
}

#[test]
fn every_field_of_every_kind_is_refused_with_a_location_or_published_inert() {
    let fields = all_fields();
    // The schemas must reach the fields one expects of them (a guard against an empty walk).
    for must in [
        "sources:title",
        "entities:names.en",
        "entities:extra.en",
        "sources:url",
        "sources:authors.[]",
        "book.toml:book.title",
        "charts:x.title",
        "datasets:columns.[].title",
        "pages:summary",
    ] {
        assert!(
            fields.iter().any(|f| f.name() == must),
            "the schema walk lost {must}: {:?}",
            fields.iter().map(Field::name).collect::<Vec<_>>()
        );
    }
    let mut failures = Vec::new();
    let mut accepted_markup: Vec<Field> = Vec::new();
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for field in &fields {
        for (class, payload) in payloads() {
            let site = fixture("mini");
            plant(site.path(), field, &payload);
            let out = site.path().join("public");
            let o = build(site.path(), &out);
            let stderr = String::from_utf8_lossy(&o.stderr);
            let t = tally.entry(class).or_default();
            if o.status.success() {
                t.0 += 1;
                for p in output_problems(&out, &payload) {
                    failures.push(format!("{} with {class}: {p}", field.name()));
                }
                if class == "markup" {
                    accepted_markup.push(field.clone());
                }
            } else {
                t.1 += 1;
                if stderr.contains("panicked") || !located(&stderr) {
                    failures.push(format!(
                        "{} with {class}: refused without a file:line:col\n{stderr}",
                        field.name()
                    ));
                }
            }
        }
    }
    eprintln!(
        "{} fields; (accepted, refused) per payload: {tally:?}",
        fields.len()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // A CSV cell is published (inert), not refused: the rows of a CSV file are covered.
    assert!(
        accepted_markup
            .iter()
            .any(|f| f.name() == "datasets:csv-rows.[].label"),
        "the CSV cell did not take the markup: {accepted_markup:?}"
    );
    assert!(
        accepted_markup.len() > 20,
        "too few fields took markup: {accepted_markup:?}"
    );

    // Every field that took the markup at once, left for the browser test.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile-site");
    let _ = std::fs::remove_dir_all(&dir);
    let site = fixture("mini");
    let (_, markup) = &payloads()[0];
    for f in &accepted_markup {
        plant(site.path(), f, markup);
    }
    build_ok(site.path(), &dir.join("public"));
    assert!(output_problems(&dir.join("public"), markup).is_empty());
}
