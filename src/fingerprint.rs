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
