//! Fingerprints: the one hasher (BLAKE3) behind every cache key, chart PNG record and output
//! manifest. A leaf module: everything may use it, it uses nothing of fieldbook.

use std::fmt;

/// A BLAKE3 digest of a unit's inputs.
pub type Fingerprint = [u8; 32];

/// Builds a fingerprint from parts.
#[derive(Default)]
pub struct Hasher(blake3::Hasher);

impl Hasher {
    /// A new, empty fingerprint.
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Adds bytes, length-prefixed so that parts cannot run into each other.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Hasher {
        self.0.update(&(b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    /// Adds a string.
    pub fn str(&mut self, s: &str) -> &mut Hasher {
        self.bytes(s.as_bytes())
    }

    /// Adds a value through its `Debug` form (the model's types print every field, in order).
    pub fn debug<T: fmt::Debug + ?Sized>(&mut self, value: &T) -> &mut Hasher {
        struct Sink<'a>(&'a mut blake3::Hasher);
        impl fmt::Write for Sink<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                self.0.update(s.as_bytes());
                Ok(())
            }
        }
        let _ = fmt::write(&mut Sink(&mut self.0), format_args!("{value:?}"));
        self.0.update(&[0xff]);
        self
    }

    /// Adds a JSON value (a template context) by walking it: what it holds, in order, without
    /// printing it first.
    pub fn json(&mut self, value: &serde_json::Value) -> &mut Hasher {
        use serde_json::Value;
        match value {
            Value::Null => self.0.update(&[0]),
            Value::Bool(b) => self.0.update(&[1, u8::from(*b)]),
            Value::Number(n) => {
                self.0.update(&[2]);
                match (n.as_u64(), n.as_i64(), n.as_f64()) {
                    (Some(u), _, _) => self.0.update(&u.to_le_bytes()).update(&[0]),
                    (_, Some(i), _) => self.0.update(&i.to_le_bytes()).update(&[1]),
                    (_, _, f) => self
                        .0
                        .update(&f.unwrap_or(f64::NAN).to_le_bytes())
                        .update(&[2]),
                }
            }
            Value::String(s) => {
                self.0.update(&[3]);
                self.str(s);
                &mut self.0
            }
            Value::Array(items) => {
                self.0
                    .update(&[4])
                    .update(&(items.len() as u64).to_le_bytes());
                for v in items {
                    self.json(v);
                }
                &mut self.0
            }
            Value::Object(map) => {
                self.0
                    .update(&[5])
                    .update(&(map.len() as u64).to_le_bytes());
                for (k, v) in map {
                    self.str(k).json(v);
                }
                &mut self.0
            }
        };
        self
    }

    /// Adds another fingerprint.
    pub fn fingerprint(&mut self, f: &Fingerprint) -> &mut Hasher {
        self.0.update(f);
        self
    }

    /// The digest.
    pub fn finish(&self) -> Fingerprint {
        *self.0.finalize().as_bytes()
    }
}

/// `bytes` (a fingerprint, or the start of one) in lowercase hexadecimal, as file names and
/// records show it.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The fingerprint of one `Debug` value.
pub fn of_debug<T: fmt::Debug + ?Sized>(value: &T) -> Fingerprint {
    Hasher::new().debug(value).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_do_not_run_into_each_other() {
        assert_ne!(
            Hasher::new().str("ab").str("c").finish(),
            Hasher::new().str("a").str("bc").finish()
        );
    }
}
