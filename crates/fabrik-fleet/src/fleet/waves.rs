//! The rules of a fleet change, apart from how it is driven: the waves a roll-out's instances are
//! cut into ("1,10%,rest": one canary, a tenth, the rest) and the halt rule between waves (any
//! failure in the canary; more than a set share in a later wave).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::messages::params;
use crate::messages::{Say, Text};

/// The default waves: one canary, then a tenth, then the rest.
pub const DEFAULT_WAVES: &str = "1,10%,rest";
/// A later wave halts the roll-out when more than this share of its instances failed.
pub const DEFAULT_HALT_SHARE: f64 = 0.2;

/// One wave's size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Wave {
    Count(usize),
    /// A share of all instances, rounded up (at least one).
    Percent(f64),
    Rest,
}

/// Reads "1,10%,rest". `rest` may only come last; a plan without it gets it.
pub fn parse_waves(spec: &str) -> Result<Vec<Wave>, Text> {
    let bad = |part: &str| Say::WaveNotUnderstood.with(params! { "part" => part });
    let mut waves = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if waves.last() == Some(&Wave::Rest) {
            return Err(Say::WaveRestLast.text());
        }
        let wave = if part.eq_ignore_ascii_case("rest") {
            Wave::Rest
        } else if let Some(p) = part.strip_suffix('%') {
            match p.trim().parse::<f64>() {
                Ok(v) if v > 0.0 && v <= 100.0 => Wave::Percent(v),
                _ => return Err(bad(part)),
            }
        } else {
            match part.parse::<usize>() {
                Ok(n) if n > 0 => Wave::Count(n),
                _ => return Err(bad(part)),
            }
        };
        waves.push(wave);
    }
    if waves.last() != Some(&Wave::Rest) {
        waves.push(Wave::Rest);
    }
    Ok(waves)
}

/// The wave of each of `n` instances, in order; empty waves are dropped, so wave numbers are
/// consecutive from 0.
pub fn assign(n: usize, waves: &[Wave]) -> Vec<i64> {
    let mut out = Vec::with_capacity(n);
    for (wave, w) in waves.iter().enumerate() {
        let left = n - out.len();
        if left == 0 {
            break;
        }
        let size = match *w {
            Wave::Count(c) => c.min(left),
            Wave::Percent(p) => (((n as f64) * p / 100.0).ceil() as usize).clamp(1, left),
            Wave::Rest => left,
        };
        out.extend(std::iter::repeat_n(wave as i64, size));
    }
    out
}

/// Whether a finished wave stops the roll-out, and why.
pub fn halt(wave: i64, done: usize, failed: usize, halt_share: f64) -> Option<Text> {
    if failed == 0 {
        return None;
    }
    let total = done + failed;
    if wave == 0 {
        return Some(Say::CanaryFailed.with(params! { "failed" => failed, "total" => total }));
    }
    let share = failed as f64 / total as f64;
    (share > halt_share).then(|| {
        Say::WaveHalted.with(params! {
            "wave" => wave + 1,
            "failed" => failed,
            "total" => total,
            "share" => format!("{:.0}", share * 100.0),
            "limit" => format!("{:.0}", halt_share * 100.0),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_waves_are_a_canary_a_tenth_and_the_rest() {
        let waves = parse_waves(DEFAULT_WAVES).unwrap();
        let a = assign(25, &waves);
        assert_eq!(a.iter().filter(|w| **w == 0).count(), 1);
        assert_eq!(a.iter().filter(|w| **w == 1).count(), 3);
        assert_eq!(a.iter().filter(|w| **w == 2).count(), 21);
        assert_eq!(assign(1, &waves), [0]);
        assert_eq!(assign(3, &waves), [0, 1, 2]);
        assert!(assign(0, &waves).is_empty());
        assert_eq!(parse_waves("2").unwrap(), [Wave::Count(2), Wave::Rest]);
        assert!(parse_waves("rest,1").is_err());
        assert!(parse_waves("0").is_err());
        assert!(parse_waves("x%").is_err());
    }

    #[test]
    fn the_canary_halts_on_any_failure_a_later_wave_over_its_share() {
        assert!(halt(0, 0, 1, 0.5).is_some());
        assert!(halt(0, 1, 0, 0.0).is_none());
        assert!(halt(1, 8, 2, 0.2).is_none());
        let why = halt(1, 7, 3, 0.2).unwrap();
        assert!(why.en.contains("3 of 10"), "{}", why.en);
    }
}
