//! SVG to PNG: charts' link previews, the site's title card and each page's own card, rasterized
//! by resvg with the bundled DejaVu Sans so the bytes are the same on every machine. A PNG records
//! a fingerprint of its SVG, so one kept from the last build is reused while it still matches.

use std::fmt::Write as _;

/// Where chart `id`'s PNG goes in the output (the social card of its pages).
pub fn png_path(id: &str) -> String {
    format!("charts/{id}.png")
}

/// Where the site's own card goes in the output.
pub const SITE_CARD_PATH: &str = "cards/site.png";

/// Names the way PNGs are drawn and encoded. It is part of the fingerprint a PNG records, so change
/// it whenever the rasterizer, the encoder settings or the bundled fonts change: PNGs kept from an
/// earlier build are then drawn again instead of reused.
const PNG_FORMAT: &str =
    "fieldbook png 2: resvg 0.45, DejaVu Sans 2.37, palette (Up) or RGB (Paeth), fast deflate";

/// The PNG text chunk keyword under which a PNG records the fingerprint of its SVG.
const SOURCE_KEYWORD: &str = "fieldbook-source";

/// Rasterizes an SVG to PNG at its viewBox size with the bundled font: the same bytes everywhere.
/// The PNG records a fingerprint of `svg` (and of `PNG_FORMAT`, the name of the way PNGs are drawn); when `previous` (the same
/// file from the last build) records the same one, it is returned as it is instead of being drawn
/// again, which is most of the cost of a chart.
pub fn png(svg: &str, previous: Option<Vec<u8>>, fonts: &PngFonts) -> Result<Vec<u8>, String> {
    let key = source_key(svg, fonts);
    if let Some(bytes) = previous {
        if recorded_source(&bytes).as_deref() == Some(key.as_str()) {
            return Ok(bytes);
        }
    }
    rasterize(svg, &key, fonts)
}

fn source_key(svg: &str, fonts: &PngFonts) -> String {
    let mut h = crate::fingerprint::Hasher::new();
    h.str(PNG_FORMAT);
    if !fonts.id.is_empty() {
        h.str(&fonts.id);
    }
    crate::fingerprint::hex(&h.str(svg).finish())
}

/// The fingerprint a PNG written by [`png`] records, if the file is whole: every chunk's length
/// fits and it ends with `IEND`.
fn recorded_source(png: &[u8]) -> Option<String> {
    let mut rest = png.strip_prefix(b"\x89PNG\r\n\x1a\n".as_slice())?;
    let mut source = None;
    loop {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let kind = rest.get(4..8)?;
        let data = rest.get(8..8 + len)?;
        rest = rest.get(12 + len..)?;
        if kind == b"tEXt" {
            if let Some(value) = data.strip_prefix(format!("{SOURCE_KEYWORD}\0").as_bytes()) {
                source = Some(String::from_utf8(value.to_vec()).ok()?);
            }
        }
        if kind == b"IEND" {
            return if rest.is_empty() { source } else { None };
        }
    }
}

/// The fonts PNGs are drawn with: the bundled DejaVu Sans (regular and bold), and the site's
/// `png-font`, if it names one, for every character DejaVu Sans lacks (Hangul, Han, Kana and other
/// scripts; resvg falls back character by character). Which fonts they are is part of the
/// fingerprint each PNG records.
#[derive(Clone)]
pub struct PngFonts {
    db: std::sync::Arc<resvg::usvg::fontdb::Database>,
    /// The site's font file, when it has one.
    extra: Option<std::sync::Arc<[u8]>>,
    /// Empty for the bundled fonts alone, else the fingerprint of the site's font (hex).
    id: String,
}

impl PngFonts {
    /// The bundled fonts alone, parsed once per process.
    pub fn bundled() -> PngFonts {
        static BUNDLED: std::sync::OnceLock<PngFonts> = std::sync::OnceLock::new();
        BUNDLED
            .get_or_init(|| PngFonts {
                db: std::sync::Arc::new(bundled_database()),
                extra: None,
                id: String::new(),
            })
            .clone()
    }

    /// The bundled fonts and a site's own font file (TrueType or OpenType, a collection's first
    /// face); an error says why `bytes` is not one.
    pub fn with_site_font(bytes: Vec<u8>) -> Result<PngFonts, String> {
        let face = ttf_parser::Face::parse(&bytes, 0)
            .map_err(|e| format!("not a font file that can be read ({e})"))?;
        if face.number_of_glyphs() < 2 {
            return Err("a font without glyphs".to_string());
        }
        let id = crate::fingerprint::hex(&crate::fingerprint::Hasher::new().bytes(&bytes).finish());
        let mut db = bundled_database();
        let extra: std::sync::Arc<[u8]> = bytes.into();
        db.load_font_source(resvg::usvg::fontdb::Source::Binary(std::sync::Arc::new(
            extra.clone(),
        )));
        Ok(PngFonts {
            db: std::sync::Arc::new(db),
            extra: Some(extra),
            id,
        })
    }
}

impl PngFonts {
    /// What names these fonts in a cache key: empty for the bundled ones alone.
    pub fn id(&self) -> &str {
        &self.id
    }
}

fn bundled_database() -> resvg::usvg::fontdb::Database {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_font_data(include_bytes!("../../assets/DejaVuSans.ttf").to_vec());
    db.load_font_data(include_bytes!("../../assets/DejaVuSans-Bold.ttf").to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    db
}

fn rasterize(svg: &str, key: &str, fonts: &PngFonts) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    let options = usvg::Options {
        fontdb: std::sync::Arc::clone(&fonts.db),
        font_family: "DejaVu Sans".to_string(),
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(svg, &options).map_err(|e| format!("cannot read the SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty chart")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode_png(&pixmap, key).map_err(|e| format!("cannot encode PNG: {e}"))
}

/// Encodes a rendered chart or card. Both paint an opaque background, so they are written with
/// fast deflate as 8-bit palette images when they have at most 256 colours (a card has about 80:
/// its text is anti-aliased between a few colours), with the Up filter, else as RGB with the
/// Paeth filter: a 1200x630 card takes about 3 ms and 23 KB as a palette image, 3.7 ms and 59 KB
/// as RGB. A pixmap with any transparency keeps RGBA (its colours un-premultiplied). `source` is
/// recorded in a text chunk.
fn encode_png(pixmap: &resvg::tiny_skia::Pixmap, source: &str) -> Result<Vec<u8>, String> {
    let opaque = pixmap.data().chunks_exact(4).all(|p| p[3] == 255);
    let mut palette = None;
    let (color, filter, pixels): (png::ColorType, png::FilterType, Vec<u8>) = if !opaque {
        let rgba = pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        (png::ColorType::Rgba, png::FilterType::Paeth, rgba)
    } else if let Some((colours, indices)) = indexed(pixmap.data()) {
        palette = Some(colours);
        (png::ColorType::Indexed, png::FilterType::Up, indices)
    } else {
        let rgb = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        (png::ColorType::Rgb, png::FilterType::Paeth, rgb)
    };
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder
        .add_text_chunk(SOURCE_KEYWORD.to_string(), source.to_string())
        .map_err(|e| e.to_string())?;
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    if let Some(colours) = palette {
        encoder.set_palette(colours);
    }
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(filter);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// An opaque RGBA image as a palette of its colours (RGB, in order of first use) and one index
/// per pixel, or None when it has more than 256 colours.
fn indexed(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut palette: Vec<u8> = Vec::new();
    let mut seen: std::collections::HashMap<[u8; 3], u8> = std::collections::HashMap::new();
    let mut indices = Vec::with_capacity(rgba.len() / 4);
    let mut last: Option<([u8; 3], u8)> = None;
    for p in rgba.chunks_exact(4) {
        let colour = [p[0], p[1], p[2]];
        let index = match last {
            Some((c, i)) if c == colour => i,
            _ => {
                let next = seen.len();
                let i = match seen.get(&colour) {
                    Some(i) => *i,
                    None => {
                        let i = u8::try_from(next).ok()?;
                        seen.insert(colour, i);
                        palette.extend_from_slice(&colour);
                        i
                    }
                };
                last = Some((colour, i));
                i
            }
        };
        indices.push(index);
    }
    Some((palette, indices))
}

/// The first `n` lines; an ellipsis ends the last one when text was left out.
fn at_most(mut lines: Vec<String>, n: usize) -> Vec<String> {
    if lines.len() > n {
        lines.truncate(n);
        if let Some(last) = lines.last_mut() {
            last.push('\u{2026}');
        }
    }
    lines
}

/// A 1200x630 title card for link previews of pages that have no card of their own.
/// `previous` is the card of the last build, reused when it was drawn from the same text.
pub fn card_png(
    title: &str,
    subtitle: &str,
    previous: Option<Vec<u8>>,
    fonts: &PngFonts,
) -> Result<Vec<u8>, crate::diag::Diagnostic> {
    let mut lines = title_lines(title, 200, fonts);
    for (i, line) in at_most(wrap_measured(subtitle, 30.0, false, fonts), 3)
        .iter()
        .enumerate()
    {
        text_line(&mut lines, 450 + i * 42, 30, false, "#333", line);
    }
    png(&card_svg(&lines), previous, fonts).map_err(|e| {
        crate::diag::Diagnostic::error("book.toml", 0, 0, format!("cannot draw the site card: {e}"))
    })
}

/// The SVG of a page's own 1200x630 card, in the site card's style: the kind's label above, the
/// page's title in large type (at most three lines), the site's title below. [`png`](fn@png) draws it.
pub fn page_card_svg(title: &str, kind: &str, site: &str, fonts: &PngFonts) -> String {
    let mut lines = String::new();
    text_line(&mut lines, 130, 32, true, "#0072B2", kind);
    lines.push_str(&title_lines(title, 240, fonts));
    let site = at_most(wrap_measured(site, 32.0, false, fonts), 1);
    let site = site.first().map_or("", String::as_str);
    text_line(&mut lines, 540, 32, false, "#333", site);
    card_svg(&lines)
}

/// A card's title: bold 60 px, at most three lines from baseline `y`.
fn title_lines(title: &str, y: usize, fonts: &PngFonts) -> String {
    let mut lines = String::new();
    for (i, line) in at_most(wrap_measured(title, 60.0, true, fonts), 3)
        .iter()
        .enumerate()
    {
        text_line(&mut lines, y + i * 74, 60, true, "#111", line);
    }
    lines
}

/// How wide a card's line may run: the card is 1200 px wide and its text starts 80 px in.
const CARD_LINE_PX: f64 = 1040.0;

/// Greedy word wrap of a card's text into lines of at most [`CARD_LINE_PX`], measured with the
/// bundled face's own advance widths at `px` (a word longer than a line stays whole).
fn wrap_measured(text: &str, px: f64, bold: bool, fonts: &PngFonts) -> Vec<String> {
    let extra = fonts
        .extra
        .as_deref()
        .and_then(|b| ttf_parser::Face::parse(b, 0).ok());
    super::text::wrap_where(text, |line| {
        text_width(line, px, bold, extra.as_ref()) <= CARD_LINE_PX
    })
}

/// The width of `text` at `px` in the bundled DejaVu Sans (bold or not): the sum of its glyphs'
/// advances, without kerning (which only narrows a line); a character the face lacks is measured
/// in `extra` (the site's font, which draws it) when that has it, else as DejaVu's missing-glyph
/// box.
fn text_width(text: &str, px: f64, bold: bool, extra: Option<&ttf_parser::Face>) -> f64 {
    use ttf_parser::{Face, GlyphId};
    static FACES: std::sync::OnceLock<[Option<Face<'static>>; 2]> = std::sync::OnceLock::new();
    let faces = FACES.get_or_init(|| {
        [
            Face::parse(include_bytes!("../../assets/DejaVuSans.ttf"), 0).ok(),
            Face::parse(include_bytes!("../../assets/DejaVuSans-Bold.ttf"), 0).ok(),
        ]
    });
    let Some(face) = &faces[usize::from(bold)] else {
        return text.chars().count() as f64 * px * super::text::CHAR_W;
    };
    let advance = |f: &Face, g| f64::from(f.glyph_hor_advance(g).unwrap_or(0));
    // Font units of each face, summed apart and scaled once each.
    let (mut own, mut other) = (0.0, 0.0);
    for c in text.chars() {
        match (face.glyph_index(c), extra) {
            (Some(g), _) => own += advance(face, g),
            (None, Some(f)) if f.glyph_index(c).is_some() => {
                other += advance(f, f.glyph_index(c).unwrap_or(GlyphId(0)))
            }
            (None, _) => own += advance(face, GlyphId(0)),
        }
    }
    let extra_em = extra.map_or(1.0, |f| f64::from(f.units_per_em()).max(1.0));
    own * px / f64::from(face.units_per_em()) + other * px / extra_em
}

/// One line of a card's text at baseline `y`, bold or not.
fn text_line(out: &mut String, y: usize, size: u32, bold: bool, fill: &str, text: &str) {
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    let _ = write!(
        out,
        "<text x=\"80\" y=\"{y}\" font-size=\"{size}\"{weight} fill=\"{fill}\">{}</text>",
        crate::render::escape::text(text)
    );
}

/// A card's SVG: a cream background with a blue edge, and `lines` on it.
fn card_svg(lines: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1200 630\" width=\"1200\" height=\"630\" font-family=\"DejaVu Sans\"><rect width=\"1200\" height=\"630\" fill=\"#f7f4ee\"/><rect width=\"24\" height=\"630\" fill=\"#0072B2\"/>{lines}</svg>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#fff\"/><rect width=\"10\" height=\"20\" fill=\"#0072B2\"/></svg>";

    #[test]
    fn a_png_records_its_source_and_is_reused_only_while_it_matches() {
        let fresh = png(SVG, None, &PngFonts::bundled()).unwrap();
        assert_eq!(
            recorded_source(&fresh),
            Some(source_key(SVG, &PngFonts::bundled()))
        );
        // Reused as it is when drawn from the same SVG.
        assert_eq!(
            png(SVG, Some(fresh.clone()), &PngFonts::bundled()).unwrap(),
            fresh
        );
        // Drawn again for another SVG: the same bytes as a fresh build of that SVG.
        let other = SVG.replace("#0072B2", "#D55E00");
        let redrawn = png(&other, Some(fresh.clone()), &PngFonts::bundled()).unwrap();
        assert_ne!(redrawn, fresh);
        assert_eq!(redrawn, png(&other, None, &PngFonts::bundled()).unwrap());
        // A truncated or foreign file is never reused.
        let cut = fresh[..fresh.len() - 4].to_vec();
        assert_eq!(png(SVG, Some(cut), &PngFonts::bundled()).unwrap(), fresh);
        assert_eq!(
            png(SVG, Some(b"not a png".to_vec()), &PngFonts::bundled()).unwrap(),
            fresh
        );
    }

    #[test]
    fn a_card_line_never_runs_past_the_card() {
        // Capitals run wider than the face's average: 28 of them were one line before.
        let title = "WAGES MEMORANDUM QUOTAS WORKERS HARBOUR WAREHOUSE MOMENTUM";
        let lines = wrap_measured(title, 60.0, true, &PngFonts::bundled());
        assert!(lines.len() > 1, "{lines:?}");
        for line in &lines {
            assert!(text_width(line, 60.0, true, None) <= CARD_LINE_PX, "{line}");
        }
        // Nothing is lost or reordered.
        assert_eq!(lines.join(" "), title);
        // Narrow letters fit more to a line than wide ones; bold runs wider than regular.
        assert!(text_width("iiii", 60.0, true, None) < text_width("WWWW", 60.0, true, None));
        assert!(text_width("Harbor", 60.0, false, None) < text_width("Harbor", 60.0, true, None));
        // A line that fits is kept whole.
        assert_eq!(
            wrap_measured("Harbor Town", 60.0, true, &PngFonts::bundled()),
            vec!["Harbor Town"]
        );
    }

    /// A font with Hangul, where the test machine has one (`tests/run.sh` installs Debian's
    /// fonts-nanum); the tests that need it say so and pass without it only outside CI.
    fn hangul_font() -> Option<Vec<u8>> {
        let font = std::fs::read("/usr/share/fonts/truetype/nanum/NanumGothic.ttf").ok();
        assert!(
            font.is_some() || std::env::var_os("CI").is_none(),
            "fonts-nanum is not installed (bash tests/run.sh installs it)"
        );
        font
    }

    #[test]
    fn a_site_font_draws_and_measures_what_dejavu_lacks() {
        let Some(font) = hangul_font() else { return };
        let fonts = PngFonts::with_site_font(font).unwrap();
        let bundled = PngFonts::bundled();
        let title = "북한 노동자 연해주";
        // DejaVu Sans has no Hangul: alone it draws each syllable as its missing-glyph box.
        let svg = |fonts: &PngFonts| page_card_svg(title, "Page", "Site", fonts);
        let (with, without) = (
            png(&svg(&fonts), None, &fonts).unwrap(),
            png(&svg(&bundled), None, &bundled).unwrap(),
        );
        assert_ne!(with, without);
        // The font is part of the fingerprint a PNG records: neither is reused for the other.
        assert_ne!(
            source_key(&svg(&fonts), &fonts),
            source_key(&svg(&fonts), &bundled)
        );
        assert_eq!(png(&svg(&fonts), Some(without), &fonts).unwrap(), with);
        // Measured in the site's font, not as missing-glyph boxes.
        let face = ttf_parser::Face::parse(fonts.extra.as_deref().unwrap(), 0).unwrap();
        assert_ne!(
            text_width(title, 60.0, true, Some(&face)),
            text_width(title, 60.0, true, None)
        );
        assert!(PngFonts::with_site_font(b"not a font".to_vec()).is_err());
    }

    #[test]
    fn a_card_line_cut_short_ends_with_an_ellipsis() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(at_most(lines(&["a", "b"]), 3), lines(&["a", "b"]));
        assert_eq!(
            at_most(lines(&["a", "b", "c", "d"]), 3),
            lines(&["a", "b", "c\u{2026}"])
        );
    }

    #[test]
    fn an_opaque_image_is_a_palette_image_up_to_256_colours_then_rgb() {
        // IHDR: width, height, bit depth 8, colour type 3 (palette), 2 (RGB) or 6 (RGBA).
        let header = |bytes: &[u8]| {
            assert_eq!(&bytes[12..16], b"IHDR");
            (bytes[24], bytes[25])
        };
        assert_eq!(
            header(&png(SVG, None, &PngFonts::bundled()).unwrap()),
            (8, 3)
        );
        // A grey ramp and a red one: more than 256 colours.
        let ramps = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 20\" width=\"600\" height=\"20\"><defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#000\"/><stop offset=\"1\" stop-color=\"#fff\"/></linearGradient><linearGradient id=\"r\"><stop offset=\"0\" stop-color=\"#000\"/><stop offset=\"1\" stop-color=\"#f00\"/></linearGradient></defs><rect width=\"600\" height=\"10\" fill=\"url(#g)\"/><rect y=\"10\" width=\"600\" height=\"10\" fill=\"url(#r)\"/></svg>";
        assert_eq!(
            header(&png(ramps, None, &PngFonts::bundled()).unwrap()),
            (8, 2)
        );
        let transparent = SVG.replace("fill=\"#fff\"", "fill=\"none\"");
        assert_eq!(
            header(&png(&transparent, None, &PngFonts::bundled()).unwrap()),
            (8, 6)
        );
    }

    #[test]
    fn a_palette_lists_each_colour_once_in_order_of_first_use() {
        let px = |c: [u8; 3]| [c[0], c[1], c[2], 255];
        let (a, b) = ([1, 2, 3], [9, 8, 7]);
        let rgba: Vec<u8> = [a, a, b, a, b].iter().flat_map(|c| px(*c)).collect();
        assert_eq!(
            indexed(&rgba),
            Some((vec![1, 2, 3, 9, 8, 7], vec![0, 0, 1, 0, 1]))
        );
        let many: Vec<u8> = (0..257u32)
            .flat_map(|i| px([(i % 256) as u8, (i / 256) as u8, 0]))
            .collect();
        assert_eq!(indexed(&many), None);
        assert!(indexed(&many[..256 * 4]).is_some());
    }
}
