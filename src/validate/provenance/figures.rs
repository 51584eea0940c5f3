//! Key figures against their source's text: the display printed where the locator says, and each
//! value printed by the display (or, without one, printed there); derived values recomputed.

use crate::model::{format_number, KeyFigure};

use super::formulas::{declarations, eval, recompute};
use super::locators::{locate, look};
use super::numbers::{printed, prints, same};
use super::positions::origin_at;
use super::sections::plain;
use super::{Cx, Report, HINT_DERIVED};

/// A key figure: its display printed where the locator says and each value printed by the display
/// (without a display, each value printed there); derived values recomputed.
pub(super) fn figure(cx: &Cx, r: &mut Report, f: &KeyFigure) {
    let yaml = cx.files.get(&f.origin.path);
    let at = |key: &str| yaml.map_or_else(|| f.origin.clone(), |y| origin_at(y, &f.origin, key));
    let what = |field: &str| format!("key figure `{}` ({field})", f.id);
    let declared = f.note.as_deref().map(declarations).unwrap_or_default();
    let mut searched = Vec::new();
    for (field, value) in [("value", f.value), ("low", f.low), ("high", f.high)] {
        let Some(value) = value else { continue };
        match declared.iter().find(|(target, _)| target.as_str() == field) {
            Some((_, formula)) => recompute(
                r,
                &what(field),
                value,
                None,
                eval(formula, &|_, _| None),
                &at(field),
            ),
            None => searched.push((field, value)),
        }
    }
    if searched.is_empty() && f.display.is_none() {
        return;
    }
    let Some(places) = locate(
        cx,
        r,
        &format!("key figure `{}`", f.id),
        (&f.locator, &f.source),
        &at("locator"),
        searched.len().max(1),
    ) else {
        return;
    };
    let Some(display) = &f.display else {
        for (field, v) in searched {
            let found = look(
                r,
                &what(field),
                &format_number(v, None),
                &f.locator,
                &places,
                &prints(v),
                &at(field),
            );
            r.count(found);
        }
        return;
    };
    let needle = plain(display);
    let shown = look(
        r,
        &what("display"),
        &format!("\"{display}\""),
        &f.locator,
        &places,
        &|t, l| t.plain[l].contains(&needle),
        &at("display"),
    );
    if searched.is_empty() {
        return r.missed += usize::from(!shown); // every value derived: a display not printed still counts
    }
    let in_display = printed(display);
    for (field, v) in searched {
        let printed_by_display = in_display.iter().any(|&n| same(n, v));
        if !printed_by_display {
            r.warn(
                &at(field),
                format!(
                    "{}: display \"{display}\" does not print {}",
                    what(field),
                    format_number(v, None)
                ),
                HINT_DERIVED,
            );
        }
        r.count(shown && printed_by_display);
    }
}
