//! HTML escaping, the one module that uses html-escape: `text` for element content, `attr` for a
//! quoted attribute value (and for Tera's autoescape, which cannot know which of the two it is
//! writing), `json_script` for JSON inside a `<script>` element (JSON-LD), `decode` for reading
//! back what the writers wrote (search text, the link checker).

use std::borrow::Cow;

/// Escapes `& < >` for text between tags.
pub fn text(s: &str) -> Cow<'_, str> {
    html_escape::encode_text(s)
}

/// Escapes `& < > " '` for a quoted attribute value; safe in text too.
pub fn attr(s: &str) -> Cow<'_, str> {
    html_escape::encode_quoted_attribute(s)
}

/// Makes JSON text safe inside `<script type="application/ld+json">`: `< > &` and the line and
/// paragraph separators are written as `\u` escapes, so no `</script>` or `<!--` can end or change
/// the element. JSON has these characters only inside strings, where the escapes mean the same.
pub fn json_script(json: &str) -> Cow<'_, str> {
    if !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Decodes every HTML character reference (`&amp;lt;` becomes `&lt;`, as in a browser).
pub fn decode(s: &str) -> Cow<'_, str> {
    html_escape::decode_html_entities(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_but_not_quotes() {
        assert_eq!(text(r#"a<b & "c" 'd'"#), r#"a&lt;b &amp; "c" 'd'"#);
    }

    #[test]
    fn attr_escapes_both_quotes() {
        assert_eq!(
            attr(r#"<"x" & 'y'>"#),
            "&lt;&quot;x&quot; &amp; &#x27;y&#x27;&gt;"
        );
    }

    #[test]
    fn json_script_cannot_end_the_script_and_means_the_same() {
        let json = serde_json::json!({"t": "</script><!-- & \u{2028}"}).to_string();
        let safe = json_script(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "</script><!-- & \u{2028}");
    }

    #[test]
    fn decode_inverts_both_and_decodes_once() {
        let s = r#"<a href="x?a=1&b='2'">"#;
        assert_eq!(decode(&attr(s)), s);
        assert_eq!(decode(&text(s)), s);
        assert_eq!(decode("&amp;lt;"), "&lt;");
    }
}
