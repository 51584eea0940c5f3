//! HTML escaping, the one module that uses html-escape: `text` for element content, `attr` for a
//! quoted attribute value (and for Tera's autoescape, which cannot know which of the two it is
//! writing), `decode` for reading back what the writers wrote (search text, the link checker).

use std::borrow::Cow;

/// Escapes `& < >` for text between tags.
pub fn text(s: &str) -> Cow<'_, str> {
    html_escape::encode_text(s)
}

/// Escapes `& < > " '` for a quoted attribute value; safe in text too.
pub fn attr(s: &str) -> Cow<'_, str> {
    html_escape::encode_quoted_attribute(s)
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
    fn decode_inverts_both_and_decodes_once() {
        let s = r#"<a href="x?a=1&b='2'">"#;
        assert_eq!(decode(&attr(s)), s);
        assert_eq!(decode(&text(s)), s);
        assert_eq!(decode("&amp;lt;"), "&lt;");
    }
}
