//! Generated identifiers that look like the real ones and are reproducible from the seed.
//!
//! Each id is drawn from a ChaCha stream seeded by (seed, counter); the counter lives in the
//! persisted world so a restarted simulator continues the same sequence instead of repeating ids.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdGen {
    seed: u64,
    counter: u64,
}

impl IdGen {
    pub fn new(seed: u64) -> Self {
        IdGen { seed, counter: 0 }
    }

    fn rng(&mut self) -> ChaCha8Rng {
        self.counter += 1;
        let mut r = ChaCha8Rng::seed_from_u64(self.seed);
        r.set_stream(self.counter);
        r
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        let mut r = self.rng();
        (0..len)
            .map(|_| alphabet[r.random_range(0..alphabet.len())] as char)
            .collect()
    }

    /// Supabase project ref: 20 lowercase letters.
    pub fn supabase_ref(&mut self) -> String {
        self.pick(LOWER, 20)
    }

    /// `prefix` + 24 alphanumerics (Vercel `prj_`, `dpl_`, `team_`, ...).
    pub fn prefixed(&mut self, prefix: &str) -> String {
        format!("{prefix}{}", self.pick(ALNUM, 24))
    }

    /// n8n workflow id: 16 alphanumerics.
    pub fn n8n_id(&mut self) -> String {
        self.pick(ALNUM, 16)
    }

    /// Alphanumerics of any length.
    pub fn alnum(&mut self, len: usize) -> String {
        self.pick(ALNUM, len)
    }

    /// Lowercase hex (commit shas, hashes).
    pub fn hex(&mut self, len: usize) -> String {
        self.pick(HEX, len)
    }

    /// Lowercase letters and digits (Vercel deployment url hashes).
    pub fn lower_alnum(&mut self, len: usize) -> String {
        self.pick(b"abcdefghijklmnopqrstuvwxyz0123456789", len)
    }

    /// Positive numeric id in GitHub's range.
    pub fn number(&mut self) -> u64 {
        self.rng().random_range(100_000_000..999_999_999)
    }

    /// Random (version 4) UUID.
    pub fn uuid_v4(&mut self) -> String {
        let mut b: [u8; 16] = self.rng().random();
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// base64url characters (fake JWT signatures, key hashes).
    pub fn b64url(&mut self, len: usize) -> String {
        self.pick(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            len,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_real_shapes_and_repeat_per_seed() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        let r = a.supabase_ref();
        assert_eq!(r, b.supabase_ref());
        assert_eq!(r.len(), 20);
        assert!(r.chars().all(|c| c.is_ascii_lowercase()));
        let p = a.prefixed("prj_");
        assert_eq!(p.len(), 28);
        let u = a.uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(a.n8n_id(), a.n8n_id());
    }
}
