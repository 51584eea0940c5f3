//! A `book.toml` through the configuration reader: any text is either a located error or a
//! configuration whose links and permalinks can be formed (a malformed `base-url` once panicked).
#![no_main]

use fieldbook::config::Config;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, Path::new("book.toml")) {
        Ok(c) => {
            assert!(c.base_url.ends_with('/'), "{}", c.base_url);
            assert!(c.base_path.starts_with('/') && c.base_path.ends_with('/'), "{}", c.base_path);
            for p in ["/", "/places/x/", "/data/x.csv"] {
                let abs = c.absolute(p);
                assert!(abs.ends_with(p.trim_start_matches('/')), "{abs}");
                let _ = c.link(p);
            }
        }
        Err(d) => {
            assert!(d.is_error());
            // A located error: the line exists in the text (0 only for whole-file problems).
            assert!(d.line <= text.lines().count().max(1) + 1, "line {} of {}", d.line, text.lines().count());
        }
    }
});
