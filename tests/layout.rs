//! The house: data flows one way. No module of `src/` imports a module that (directly or through
//! others) imports it, at the level of modules and at the level of stage folders. Test code
//! (`#[cfg(test)]` and below) is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = p.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|l| l == "mod") {
            parts.pop();
        }
        if matches!(parts.as_slice(), [x] if x == "lib" || x == "main")
            || parts.last().is_some_and(|l| l == "tests")
        {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
        out.insert(parts.join("::"), code);
    }
    out
}

fn edges(mods: &BTreeMap<String, String>, stage_level: bool) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, code) in mods {
        for (i, _) in code.match_indices("crate::") {
            let path: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == ':')
                .collect();
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            let target = (1..=parts.len())
                .rev()
                .map(|k| parts[..k].join("::"))
                .find(|c| mods.contains_key(c));
            let Some(t) = target else { continue };
            let (a, b) = if stage_level {
                (
                    m.split("::").next().unwrap().to_string(),
                    t.split("::").next().unwrap().to_string(),
                )
            } else {
                (m.clone(), t)
            };
            let nested = a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"));
            if a != b && !nested {
                edges.entry(a).or_default().insert(b);
            }
        }
    }
    edges
}

fn a_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        u: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(u.to_string(), 1);
        stack.push(u.to_string());
        for v in edges.get(u).into_iter().flatten() {
            match state.get(v) {
                Some(1) => {
                    let from = stack.iter().position(|s| s == v).unwrap();
                    let mut c = stack[from..].to_vec();
                    c.push(v.clone());
                    return Some(c);
                }
                None => {
                    if let Some(c) = visit(v, edges, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(u.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for u in edges.keys() {
        if !state.contains_key(u) {
            if let Some(c) = visit(u, edges, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let mods = modules();
    assert!(mods.len() > 15, "found only {} modules", mods.len());
    for stage_level in [false, true] {
        let e = edges(&mods, stage_level);
        assert!(!e.is_empty());
        if let Some(c) = a_cycle(&e) {
            panic!(
                "an import circle ({}): {}",
                if stage_level { "stages" } else { "modules" },
                c.join(" -> ")
            );
        }
    }
}

/// Every function in `src/` (test modules included) with its file, first line and length in lines,
/// found by matching braces from each `fn` item (strings, chars and comments skipped).
fn functions() -> Vec<(String, usize, usize)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&src).into_iter().flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let item = t
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub(super) ")
                .trim_start_matches("pub ")
                .trim_start_matches("const ")
                .trim_start_matches("async ")
                .trim_start_matches("unsafe ");
            if !item.starts_with("fn ") {
                continue;
            }
            // From the signature's first `{` to its match.
            let mut depth = 0i32;
            let mut opened = false;
            let mut end = i;
            'scan: for (j, l) in lines.iter().enumerate().skip(i) {
                let mut chars = l.chars().peekable();
                let mut in_str = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' if in_str => {
                            chars.next();
                        }
                        '"' => in_str = !in_str,
                        '/' if !in_str && chars.peek() == Some(&'/') => break,
                        '\'' if !in_str => {
                            // A char literal such as '{' (a lifetime has no closing quote nearby).
                            let rest: String = chars.clone().take(3).collect();
                            if rest.chars().nth(1) == Some('\'') {
                                chars.next();
                                chars.next();
                            } else if rest.starts_with('\\') {
                                for c in chars.by_ref() {
                                    if c == '\'' {
                                        break;
                                    }
                                }
                            }
                        }
                        '{' if !in_str => {
                            depth += 1;
                            opened = true;
                        }
                        '}' if !in_str => {
                            depth -= 1;
                            if opened && depth == 0 {
                                end = j;
                                break 'scan;
                            }
                        }
                        ';' if !in_str && !opened && depth == 0 => {
                            // A declaration without a body (trait item).
                            end = j;
                            break 'scan;
                        }
                        _ => {}
                    }
                }
            }
            let rel = p.strip_prefix(&src).unwrap().display().to_string();
            out.push((rel, i + 1, end - i + 1));
        }
    }
    out
}

#[test]
fn no_file_over_600_lines_and_no_function_over_80() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut too_long = Vec::new();
    for e in walkdir::WalkDir::new(&src).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "rs") {
            let n = std::fs::read_to_string(e.path()).unwrap().lines().count();
            if n > 600 {
                too_long.push(format!(
                    "{}: {n} lines",
                    e.path().strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    let fns = functions();
    assert!(fns.len() > 300, "found only {} functions", fns.len());
    for (file, line, n) in fns {
        if n > 80 {
            too_long.push(format!("{file}:{line}: a function of {n} lines"));
        }
    }
    assert!(
        too_long.is_empty(),
        "over the size limits:\n{}",
        too_long.join("\n")
    );
}
