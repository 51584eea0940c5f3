//! Key figures against themselves and their dataset: the printed `display` must show the `value`
//! (or `low` and `high`), and the value should be in the dataset the figure names.

use crate::diag::Diagnostic;
use crate::model::{Cell, KeyFigure, Site};

/// The numbers written in a text: digit runs with thousands commas and a decimal point
/// ("20,000-30,000" gives 20000 and 30000; "$4.5 million" gives 4.5).
pub fn numbers_in(text: &str) -> Vec<f64> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joins = matches!(c, ',' | '.')
            && !current.is_empty()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            current.push(c);
        } else if joins {
            if c == '.' {
                current.push('.');
            }
        } else if !current.is_empty() {
            out.extend(current.parse::<f64>().ok());
            current.clear();
        }
    }
    out.extend(current.parse::<f64>().ok());
    out
}

/// A key figure whose printed `display` does not show its `value` (or `low` and `high`), and,
/// as a warning, one whose value is not in the dataset it names.
pub(super) fn figure_problems(f: &KeyFigure, site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let values: Vec<f64> = match (f.value, f.low, f.high) {
        (Some(v), _, _) => vec![v],
        (None, Some(l), Some(h)) => vec![l, h],
        _ => Vec::new(),
    };
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
    if let Some(display) = &f.display {
        let mut shown = numbers_in(display);
        let lower = display.to_lowercase();
        for (word, factor) in [("thousand", 1e3), ("million", 1e6), ("billion", 1e9)] {
            if lower.contains(word) {
                shown.extend(numbers_in(display).iter().map(|n| n * factor));
            }
        }
        let missing: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| !shown.iter().any(|s| same(*s, *v)))
            .collect();
        if !shown.is_empty() && !missing.is_empty() {
            problems.push(
                Diagnostic::error(&f.origin.path, f.origin.line, f.origin.col, format!("key figure `{}`: display \"{display}\" does not show {}", f.id, missing.iter().map(|v| crate::model::format_number(*v, None)).collect::<Vec<_>>().join(" and ")))
                    .with_hint("`display` is the figure as printed and `value` (or `low`/`high`) the same figure as a number; make them agree"),
            );
        }
    }
    let dataset = f.dataset.as_ref().and_then(|id| site.dataset(id));
    if let Some(d) = dataset {
        let cells: Vec<f64> = d
            .rows
            .iter()
            .flat_map(|r| r.values())
            .filter_map(Cell::as_f64)
            .collect();
        let absent: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| !cells.iter().any(|c| same(*c, *v)))
            .collect();
        if !absent.is_empty() {
            problems.push(
                Diagnostic::warning(
                    &f.origin.path,
                    f.origin.line,
                    f.origin.col,
                    format!(
                        "key figure `{}`: {} is not a value of dataset `{}`",
                        f.id,
                        absent
                            .iter()
                            .map(|v| crate::model::format_number(*v, None))
                            .collect::<Vec<_>>()
                            .join(" and "),
                        d.id
                    ),
                )
                .with_hint("name the dataset that holds this figure, or add the row it comes from"),
            );
        }
    }
    problems
}

/// Themes that would leave a figure out of the grouped figures index: once any figure has a
/// `theme`, a figure without one (or with an empty one) is an error at the figure.
pub(super) fn theme_problems(site: &Site) -> Vec<Diagnostic> {
    if !site.figures.iter().any(|f| f.theme.is_some()) {
        return Vec::new();
    }
    site.figures
        .iter()
        .filter(|f| f.theme.as_deref().is_none_or(|t| t.trim().is_empty()))
        .map(|f| {
            Diagnostic::error(
                &f.origin.path,
                f.origin.line,
                f.origin.col,
                format!("key figure `{}` has no theme, though other figures have one", f.id),
            )
            .with_hint("give it `theme: <title>` (a theme of the other figures, or a new one); the figures index lists figures by theme")
        })
        .collect()
}
