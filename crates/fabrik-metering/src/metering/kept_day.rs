//! A usage day as the register writes it, `YYYY-MM-DD` (text sorts as the days do), and read
//! back: the days (`kept.rs`) and the series (`kept_series.rs`) both keep them.

use chrono::NaiveDate;

use crate::error::{Error, Result};

const DAY: &str = "%Y-%m-%d";

pub fn day_text(day: NaiveDate) -> String {
    day.format(DAY).to_string()
}

/// A day as the register writes it, `YYYY-MM-DD`: read by its digits (the fleet view reads
/// thousands a time, and chrono's format parser was a third of a read of many rows), anything
/// else by chrono, which says what is wrong.
pub fn parse_day(text: &str) -> Result<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let fast = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?))
        .flatten();
    match fast {
        Some(day) => Ok(day),
        None => NaiveDate::parse_from_str(text, DAY)
            .map_err(|e| Error::Internal(format!("a usage day {text}: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_reads_back_as_written_and_a_wrong_one_is_refused() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(parse_day(&day_text(day)).unwrap(), day);
        for bad in ["2026-02-30", "2026-13-01", "2026-1-01x", "", "2026-11-2a"] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }
}
