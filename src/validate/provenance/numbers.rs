//! The numbers a line of text prints: digits (with thousands commas), English number words, and
//! either times a scale word after it (`1.2 billion`).

use super::Text;

/// Equal as printed numbers are (`1.2e9` against `1.2 billion`).
pub(super) fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Whether a line of a text prints `v`.
pub(super) fn prints(v: f64) -> impl Fn(&Text, usize) -> bool {
    move |t, l| t.numbers[l].iter().any(|&n| same(n, v))
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [(&str, f64); 4] = [
    ("hundred", 1e2),
    ("thousand", 1e3),
    ("million", 1e6),
    ("billion", 1e9),
];

/// A number, a lower-case word or another character of a line.
enum Tok {
    Num(f64),
    Word(String),
    Gap(char),
}

/// The value of a number word below a hundred (`seven`, `forty`), and of a scale word.
fn word_value(w: &str) -> Option<f64> {
    UNITS
        .iter()
        .position(|u| *u == w)
        .map(|i| i as f64)
        .or_else(|| {
            TENS.iter()
                .position(|t| *t == w)
                .map(|i| (i as f64 + 2.0) * 10.0)
        })
}
fn scale(w: &str) -> Option<f64> {
    SCALES.iter().find(|(s, _)| *s == w).map(|(_, f)| *f)
}

/// A line as numbers (`7,336` is one), lower-case words and single other characters.
fn tokens(line: &str) -> Vec<Tok> {
    let c: Vec<char> = line.chars().collect();
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let (mut out, mut i) = (Vec::new(), 0);
    while i < c.len() {
        if digit(i) {
            let mut s = String::new();
            while digit(i)
                || c.get(i) == Some(&',') && (1..=3).all(|k| digit(i + k)) && !digit(i + 4)
                || c.get(i) == Some(&'.') && !s.contains('.') && digit(i + 1)
            {
                s.extend(Some(c[i]).filter(|&ch| ch != ','));
                i += 1;
            }
            out.extend(s.parse().ok().map(Tok::Num));
        } else {
            let n = c[i..].iter().take_while(|ch| ch.is_alphabetic()).count();
            out.push(if n == 0 {
                Tok::Gap(c[i])
            } else {
                Tok::Word(c[i..i + n].iter().collect::<String>().to_lowercase())
            });
            i += n.max(1);
        }
    }
    out
}

/// The scale word a number is followed by, across a range (`1.2-2.3 billion`, `$150-$230 million`).
fn scale_after(t: &[Tok]) -> Option<f64> {
    for tok in t.iter().take(8) {
        match tok {
            Tok::Word(w) if scale(w).is_some() => return scale(w),
            Tok::Word(w) if matches!(w.as_str(), "to" | "or" | "and") => {}
            Tok::Num(_) | Tok::Gap(' ' | '-' | '–' | '$' | '\\' | '~') => {}
            _ => return None,
        }
    }
    None
}

/// Every number printed in a line: digits and English number words, each also times a scale word after it.
pub(super) fn printed(line: &str) -> Vec<f64> {
    let t = tokens(line);
    let (mut out, mut i) = (Vec::new(), 0);
    let is_number = |tok: Option<&Tok>| matches!(tok, Some(Tok::Word(n)) if word_value(n).or(scale(n)).is_some());
    while i < t.len() {
        match &t[i] {
            Tok::Num(v) => out.extend(
                [Some(*v), scale_after(&t[i + 1..]).map(|f| v * f)]
                    .into_iter()
                    .flatten(),
            ),
            Tok::Word(w) if word_value(w).is_some() => {
                let (mut total, mut current) = (0.0, 0.0);
                while let Some(Tok::Word(w)) = t.get(i) {
                    match (word_value(w), scale(w)) {
                        (Some(v), _) => current += v,
                        (_, Some(100.0)) => current *= 100.0,
                        (_, Some(f)) => (total, current) = (total + current * f, 0.0),
                        _ => break,
                    }
                    if !matches!(t.get(i + 1), Some(Tok::Gap(' ' | '-')))
                        || !is_number(t.get(i + 2))
                    {
                        break;
                    }
                    i += 2;
                }
                out.push(total + current);
            }
            _ => {}
        }
        i += 1;
    }
    out
}
