//! Line breaking for the chart's text (title, subtitle, source line, the card's lines): plotters
//! does not wrap, so lines are broken here by an estimated character width.

/// Average advance of DejaVu Sans per em, for line breaking.
pub(super) const CHAR_W: f64 = 0.6;

/// [`wrap`] for bold text, which runs about a tenth wider.
pub(super) fn wrap_bold(text: &str, w: u32, px: f64) -> Vec<String> {
    wrap(text, w, px * 1.1)
}

/// Greedy word wrap by an estimated character width; `font` is the rendered size in pixels.
pub(super) fn wrap(text: &str, w: u32, font: f64) -> Vec<String> {
    let max = ((w as f64 - 24.0) / (font * CHAR_W)).max(10.0) as usize;
    wrap_where(text, |line| line.chars().count() <= max)
}

/// Greedy word wrap: each word joins the line before it while `fits` the joined line (a word that
/// fits no line stays whole on its own); at least one line, empty for an empty text.
pub(super) fn wrap_where(text: &str, fits: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if fits(&format!("{line} {word}")) => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}
