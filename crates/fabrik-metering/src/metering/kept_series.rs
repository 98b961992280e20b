//! Each customer's daily series of the figures the fleet view draws in its rows, one register
//! row a customer (migration 034): kept in step with the days as each is saved, so the fleet
//! view reads 500 rows where it read 45,000 (500 customers × 90 days took longer than a frame).
//! The days and their figures stay the truth; this is what they say, kept ready.

use chrono::NaiveDate;

use super::kept_day::{day_text, parse_day};
use crate::environment::Environment;
use crate::error::Result;
use crate::store::db::{params, Conn, Optional};
use crate::usage::{Figure, Reading};

/// The figures kept as series (034 rebuilt the same from the days already there).
pub const SERIES: [Figure; 1] = [Figure::DatabaseBytes];

/// How many days a series keeps: the longest window a view asks for.
pub const SERIES_DAYS: i64 = 366;

/// One series: the day of its first value and a value a day from it (`None`: not reported).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub first: Option<NaiveDate>,
    pub values: Vec<Option<f64>>,
}

impl Series {
    /// `value` as `day`'s: the series grows either way to reach it (a gap is `None`), and the
    /// oldest days beyond `SERIES_DAYS` from its newest fall off.
    pub fn set(&mut self, day: NaiveDate, value: Option<f64>) {
        let first = *self.first.get_or_insert(day);
        if day < first {
            let missing = (first - day).num_days() as usize;
            self.values.splice(0..0, std::iter::repeat_n(None, missing));
            self.first = Some(day);
        }
        let at = (day - self.first.unwrap_or(day)).num_days() as usize;
        if at >= self.values.len() {
            self.values.resize(at + 1, None);
        }
        self.values[at] = value;
        let over = self.values.len().saturating_sub(SERIES_DAYS as usize);
        if over > 0 {
            self.values.drain(..over);
            self.first = self.first.map(|f| f + chrono::Duration::days(over as i64));
        }
        // A series that begins or ends with days not reported keeps only what it knows.
        while self.values.first() == Some(&None) {
            self.values.remove(0);
            self.first = self.first.map(|f| f + chrono::Duration::days(1));
        }
        while self.values.last() == Some(&None) {
            self.values.pop();
        }
        if self.values.is_empty() {
            self.first = None;
        }
    }

    /// The values of the `width` days from `since` (`None` where none is known).
    pub fn window(&self, since: NaiveDate, width: usize) -> Vec<Option<f64>> {
        let Some(first) = self.first else {
            return vec![None; width];
        };
        let offset = (since - first).num_days();
        (0..width as i64)
            .map(|i| {
                usize::try_from(offset + i)
                    .ok()
                    .and_then(|at| self.values.get(at).copied().flatten())
            })
            .collect()
    }

    pub(super) fn parse(first: &str, series: &str) -> Result<Series> {
        Ok(Series {
            first: Some(parse_day(first)?),
            values: serde_json::from_str(series).unwrap_or_default(),
        })
    }
}

/// Keeps `reading`'s series figures as `day`'s in the customer's series (within the caller's
/// transaction, beside the day itself).
pub(super) fn keep(
    conn: &Conn,
    customer_id: i64,
    env: Environment,
    day: NaiveDate,
    reading: &Reading,
) -> Result<()> {
    for figure in SERIES {
        let kept = conn
            .query_row(
                "SELECT first_day, series FROM usage_series
                  WHERE customer_id = ?1 AND environment = ?2 AND figure = ?3",
                params![customer_id, env, figure],
                |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
            )
            .optional()?;
        let mut series = match kept {
            Some((first, values)) => Series::parse(&first, &values)?,
            None => Series::default(),
        };
        series.set(day, reading.get(figure));
        match series.first {
            None => conn.execute(
                "DELETE FROM usage_series WHERE customer_id = ?1 AND environment = ?2 AND figure = ?3",
                params![customer_id, env, figure],
            )?,
            Some(first) => conn.execute(
                "INSERT INTO usage_series (customer_id, environment, figure, first_day, series)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (customer_id, environment, figure)
                 DO UPDATE SET first_day = excluded.first_day, series = excluded.series",
                params![
                    customer_id,
                    env,
                    figure,
                    day_text(first),
                    serde_json::to_string(&series.values).expect("numbers serialize")
                ],
            )?,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn a_series_grows_to_any_day_with_gaps_and_reads_a_window() {
        let mut s = Series::default();
        s.set(day(10), Some(10.0));
        s.set(day(12), Some(12.0));
        assert_eq!(s.values, [Some(10.0), None, Some(12.0)]);
        // A day before the first, saved late.
        s.set(day(8), Some(8.0));
        assert_eq!(s.first, Some(day(8)));
        assert_eq!(s.values, [Some(8.0), None, Some(10.0), None, Some(12.0)]);
        // The same day again replaces it; a day not reported is a gap, never 0.
        s.set(day(12), None);
        assert_eq!(s.values, [Some(8.0), None, Some(10.0)]);
        assert_eq!(
            s.window(day(7), 5),
            [None, Some(8.0), None, Some(10.0), None]
        );
    }

    #[test]
    fn a_series_keeps_no_more_than_the_longest_window() {
        let mut s = Series::default();
        let start = day(1);
        for i in 0..(SERIES_DAYS + 10) {
            s.set(start + chrono::Duration::days(i), Some(i as f64));
        }
        assert_eq!(s.values.len(), SERIES_DAYS as usize);
        assert_eq!(s.first, Some(start + chrono::Duration::days(10)));
        assert_eq!(s.values[0], Some(10.0));
    }
}
