//! Derived values: the ``derived: `target = formula` `` declarations in notes, the formulas'
//! arithmetic, and the comparison of a stored value with its recomputation.

use crate::model::{format_number, Origin};

use super::Report;

/// Compares a derived value with its recomputation, at the printed decimals.
pub(super) fn recompute(
    r: &mut Report,
    what: &str,
    stored: f64,
    decimals: Option<u8>,
    computed: Result<f64, String>,
    at: &Origin,
) {
    let d = decimals
        .map_or_else(
            || {
                format!("{stored}")
                    .split_once('.')
                    .map_or(0, |(_, f)| f.len())
            },
            usize::from,
        )
        .min(12);
    let scale = 10f64.powi(d as i32);
    let problem = match computed {
        Ok(c) if (c * scale).round() == (stored * scale).round() => return r.derived += 1,
        Ok(c) => format!(
            "{} is declared derived, but its formula gives {}",
            format_number(stored, None),
            format_number((c * 1e6).round() / 1e6, None)
        ),
        Err(e) => format!("its derived formula cannot be computed: {e}"),
    };
    r.missed += 1;
    r.warn(at, format!("{what}: {problem}"), "a formula has numbers, + - * / ( ), the row's numeric columns, sum(column), row() and rank(column); a value printed as it is is not derived");
}

/// Every ``derived: `target = formula` `` in a note, as (target, formula).
pub(super) fn declarations(note: &str) -> Vec<(String, String)> {
    let lower = note.to_ascii_lowercase();
    let found = lower.match_indices("derived:").filter_map(|(at, m)| {
        let body = note[at + m.len()..]
            .trim_start()
            .strip_prefix('`')?
            .split_once('`')?
            .0;
        let eq = body.find(']').map_or(0, |b| b + 1);
        let (target, formula) = body.split_at(eq + body[eq..].find('=')?);
        Some((target.trim().to_string(), formula[1..].trim().to_string()))
    });
    found.collect()
}

pub(super) type Var<'a> = &'a dyn Fn(&str, Option<&str>) -> Option<f64>;

/// Computes a formula: numbers, `+ - * / ( )`, names and `name(argument)` looked up by `var`.
pub(super) fn eval(formula: &str, var: Var) -> Result<f64, String> {
    let (b, mut lexed, mut i) = (formula.as_bytes(), Vec::new(), 0);
    while i < b.len() {
        let run = |ok: fn(&u8) -> bool| b[i..].iter().take_while(|c| ok(c)).count();
        let n = match b[i] {
            c if c.is_ascii_digit() => run(|c| c.is_ascii_digit() || *c == b'.' || *c == b','),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                run(|c| c.is_ascii_alphanumeric() || *c == b'_')
            }
            _ => formula[i..].chars().next().map_or(1, char::len_utf8),
        };
        lexed.extend(formula.get(i..i + n).filter(|t| !t.trim().is_empty()));
        i += n;
    }
    let mut at = 0;
    let v = calc(&lexed, &mut at, 0, var)?;
    lexed
        .get(at)
        .map_or(Ok(v), |t| Err(format!("unexpected `{t}` in `{formula}`")))
}

/// Precedence climbing from `t[*at]`, taking operators that bind tighter than `min` (+ - 1, * / 2).
fn calc(t: &[&str], at: &mut usize, min: u8, var: Var) -> Result<f64, String> {
    let tok = *t.get(*at).ok_or("the formula ends too soon")?;
    *at += 1;
    let close = |at: &mut usize| {
        (t.get(*at) == Some(&")"))
            .then(|| *at += 1)
            .ok_or(format!("a `(` after `{tok}` is not closed"))
    };
    let mut v = match tok {
        "(" => (calc(t, at, 0, var)?, close(at)?).0,
        "-" => -calc(t, at, 3, var)?,
        _ if tok.starts_with(|c: char| c.is_ascii_digit()) => tok
            .replace(',', "")
            .parse()
            .map_err(|_| format!("`{tok}` is not a number"))?,
        _ if t.get(*at) == Some(&"(") => {
            let arg = t.get(*at + 1).filter(|a| **a != ")").copied();
            *at += 1 + usize::from(arg.is_some());
            close(at)?;
            var(tok, Some(arg.unwrap_or("")))
                .ok_or(format!("`{tok}({})` cannot be computed", arg.unwrap_or("")))?
        }
        _ => var(tok, None).ok_or(format!("`{tok}` has no number here"))?,
    };
    let binds = |op: &str| match op {
        "+" | "-" => 1,
        "*" | "/" => 2,
        _ => 0,
    };
    while let Some(&op) = t.get(*at).filter(|op| binds(op) > min) {
        *at += 1;
        let r = calc(t, at, binds(op), var)?;
        v = match op {
            "+" => v + r,
            "-" => v - r,
            "*" => v * r,
            _ => v / r,
        };
    }
    Ok(v)
}
