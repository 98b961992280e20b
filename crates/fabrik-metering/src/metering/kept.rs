//! What the register keeps of each customer's use, a day at a time (issue #57): one reading a
//! customer, environment and day (`usage_days`), each reported figure a row of its own
//! (`usage_figures`; one not reported has none), the fleet view's series (`kept_series.rs`) and
//! the agency's price book (a register setting, the owners'). The fleet view reads a few index
//! ranges, not every row: see `fleet_usage`. Usage's own tables, read and written here over the
//! register's connection (`Store::conn`): the register knows none of usage's model.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};

use super::kept_day::{day_text, parse_day};
use super::kept_series::Series;
use crate::environment::Environment;
use crate::error::Result;
use crate::messages::Right;
use crate::store::db::{params, Conn, Optional, Row};
use crate::store::{now, Store};
use crate::usage::build::Kept;
use crate::usage::view::PriceBook;
use crate::usage::{limits, prices, Figure, Reading};

/// The first day of a window of `days` ending on `last`.
fn window_start(last: NaiveDate, days: i64) -> NaiveDate {
    last - Duration::days(days.max(1) - 1)
}

/// A `usage_days` row's reading, without its figures: `day, compute, revenue, last_active,
/// app_metrics, problems` from column `at`. A part this build cannot read is left out.
fn reading_of(r: &Row, at: usize) -> Result<Reading> {
    let json = |i: usize| -> Result<Option<String>> { Ok(r.get(at + i)?) };
    Ok(Reading {
        figures: BTreeMap::new(),
        compute: r.get(at)?,
        revenue: json(1)?.and_then(|t| serde_json::from_str(&t).ok()),
        last_active: json(2)?.and_then(|t| parse_day(&t).ok()),
        app_metrics: json(3)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        problems: json(4)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
    })
}

const READING_COLUMNS: &str = "compute, revenue, last_active, app_metrics, problems";

/// The environment's latest collected day.
fn latest_day(conn: &Conn, env: Environment) -> Result<Option<NaiveDate>> {
    let day: Option<String> = conn.query_row(
        "SELECT max(day) FROM usage_days WHERE environment = ?1",
        params![env],
        |r| r.get(0),
    )?;
    day.as_deref().map(parse_day).transpose()
}

/// The register's usage rows (`Store` implements it: bring it into scope to read or keep them).
pub trait UsageRows {
    /// Keeps `reading` as the customer's day in `env`; a second collection the same day
    /// replaces the first (figures it no longer reports included).
    fn save_usage(
        &self,
        customer_id: i64,
        env: Environment,
        day: NaiveDate,
        reading: &Reading,
    ) -> Result<()>;

    /// The customer's readings in `env` over the last `days` days up to the environment's latest
    /// collected day, oldest first (a day not collected is not there).
    fn usage_of(
        &self,
        customer_id: i64,
        env: Environment,
        days: i64,
    ) -> Result<Vec<(NaiveDate, Reading)>>;

    /// When the customer's latest day in `env` was collected (RFC 3339).
    fn usage_collected_at(&self, customer_id: i64, env: Environment) -> Result<Option<String>>;

    /// Every delivered customer in `env` with what the fleet view needs of its last `days`
    /// days, by name. Each read seeks each customer in a key, none reads every row: the
    /// customers with the days picked (the window's first, the latest and the one before it),
    /// those days' rows and their figures, the database's size across the window, and the
    /// month's sums of the figures limits count by the month.
    fn fleet_usage(&self, env: Environment, days: i64) -> Result<Vec<Kept>>;

    /// As [`UsageRows::fleet_usage`], with how long each of its queries took, by name (the usage
    /// benchmark prints them: each is held to a frame, 16 ms).
    fn fleet_usage_timed(&self, env: Environment, days: i64) -> Result<(Vec<Kept>, Laps)>;

    /// The agency's price book; a register that has none (or one this build cannot read) has
    /// the default book.
    fn price_book(&self) -> Result<PriceBook>;

    /// Keeps `book` once it passes `PriceBook::checked` (nothing changes otherwise); returns it
    /// as kept.
    fn set_price_book(&self, book: &PriceBook) -> Result<PriceBook>;
}

impl UsageRows for Store {
    fn save_usage(
        &self,
        customer_id: i64,
        env: Environment,
        day: NaiveDate,
        reading: &Reading,
    ) -> Result<()> {
        let (on, day) = (day, day_text(day));
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let write = || -> Result<()> {
            let key = params![customer_id, env, day];
            tx.execute(
                "DELETE FROM usage_figures WHERE customer_id = ?1 AND environment = ?2 AND day = ?3",
                key,
            )?;
            tx.execute(
                "DELETE FROM usage_days WHERE customer_id = ?1 AND environment = ?2 AND day = ?3",
                key,
            )?;
            tx.execute(
                &format!(
                    "INSERT INTO usage_days (customer_id, environment, day, collected_at, {READING_COLUMNS})
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                ),
                params![
                    customer_id,
                    env,
                    day,
                    now().to_rfc3339(),
                    reading.compute,
                    reading.revenue.as_ref().map(json),
                    reading.last_active.map(day_text),
                    json(&reading.app_metrics),
                    json(&reading.problems)
                ],
            )?;
            for (figure, value) in &reading.figures {
                tx.execute(
                    "INSERT INTO usage_figures (customer_id, environment, day, figure, value)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![customer_id, env, day, figure, value],
                )?;
            }
            super::kept_series::keep(&tx, customer_id, env, on, reading)
        };
        write().map_err(self.refused(Right::Write))?;
        Ok(tx.commit()?)
    }

    fn usage_of(
        &self,
        customer_id: i64,
        env: Environment,
        days: i64,
    ) -> Result<Vec<(NaiveDate, Reading)>> {
        let conn = self.conn();
        let Some(last) = latest_day(&conn, env)? else {
            return Ok(Vec::new());
        };
        let since = day_text(window_start(last, days));
        let key = params![customer_id, env, since];
        let mut out: Vec<(NaiveDate, Reading)> = conn
            .rows(
                &format!(
                    "SELECT day, {READING_COLUMNS} FROM usage_days
                     WHERE customer_id = ?1 AND environment = ?2 AND day >= ?3 ORDER BY day"
                ),
                key,
            )?
            .iter()
            .map(|r| Ok((parse_day(&r.get::<String>(0)?)?, reading_of(r, 1)?)))
            .collect::<Result<_>>()?;
        let at: HashMap<NaiveDate, usize> =
            out.iter().enumerate().map(|(i, (d, _))| (*d, i)).collect();
        for r in conn.rows(
            "SELECT day, figure, value FROM usage_figures
             WHERE customer_id = ?1 AND environment = ?2 AND day >= ?3",
            key,
        )? {
            if let Some(i) = at.get(&parse_day(&r.get::<String>(0)?)?) {
                out[*i].1.set(r.get::<Figure>(1)?, Some(r.get(2)?));
            }
        }
        Ok(out)
    }

    fn usage_collected_at(&self, customer_id: i64, env: Environment) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT collected_at FROM usage_days WHERE customer_id = ?1 AND environment = ?2
                 ORDER BY day DESC LIMIT 1",
                params![customer_id, env],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn fleet_usage(&self, env: Environment, days: i64) -> Result<Vec<Kept>> {
        Ok(self.fleet_usage_timed(env, days)?.0)
    }

    fn fleet_usage_timed(&self, env: Environment, days: i64) -> Result<(Vec<Kept>, Laps)> {
        let mut laps = Laps::default();
        let conn = self.conn();
        let last = latest_day(&conn, env)?;
        laps.lap("latest");
        let since = last.map(|l| window_start(l, days));
        let since_text = since.map(day_text).unwrap_or_default();
        let picked = "SELECT p.id, p.slug, p.name, p.plan, p.status, p.first, p.last,
                    (SELECT max(day) FROM usage_days d
                      WHERE d.customer_id = p.id AND d.environment = ?1 AND d.day < p.last) AS prev
               FROM (SELECT c.id, c.slug, c.name, c.plan, i.status,
                            (SELECT min(day) FROM usage_days d
                              WHERE d.customer_id = c.id AND d.environment = ?1 AND d.day >= ?2) AS first,
                            (SELECT max(day) FROM usage_days d
                              WHERE d.customer_id = c.id AND d.environment = ?1 AND d.day >= ?2) AS last
                       FROM customers c
                       JOIN instances i ON i.customer_id = c.id AND i.environment = ?1
                      WHERE c.archived_at IS NULL AND i.status IN ('active', 'inactive')) p";
        let mut kept: Vec<Kept> = Vec::new();
        let mut at: HashMap<i64, usize> = HashMap::new();
        // Each customer's picked days, as SQL values: ids and days the register wrote, the
        // days parsed and written again, so nothing else reaches the text.
        let mut picks: Vec<String> = Vec::new();
        for r in conn.rows(
            &format!(
                "{picked} ORDER BY {}, p.id",
                conn.dialect().nocase("p.name")
            ),
            params![env, since_text],
        )? {
            let id: i64 = r.get(0)?;
            for i in 5..=7 {
                if let Some(day) = r.get::<Option<String>>(i)? {
                    picks.push(format!("({id}, '{}')", day_text(parse_day(&day)?)));
                }
            }
            at.insert(id, kept.len());
            kept.push(Kept {
                customer_id: id,
                slug: r.get(1)?,
                name: r.get(2)?,
                plan: r.get(3)?,
                status: r.get(4)?,
                collected_at: None,
                days: Vec::new(),
                month: BTreeMap::new(),
                database: Vec::new(),
            });
        }
        laps.lap("customers");
        let (Some(last), Some(since), false) = (last, since, picks.is_empty()) else {
            return Ok((kept, laps));
        };
        picks.sort();
        picks.dedup();
        let values = picks.join(", ");
        // CROSS JOIN: SQLite walks the picks and seeks each in the key (not the other way
        // round, which compared every row with every pick); PostgreSQL plans it as any join.
        let sql = |columns: &str, table: &str| {
            format!(
                "WITH w (id, day) AS (VALUES {values}) SELECT {columns} FROM w CROSS JOIN {table} d
                 WHERE d.customer_id = w.id AND d.environment = ?1 AND d.day = w.day"
            )
        };
        for r in conn.rows(
            &sql(
                "d.customer_id, d.day, d.collected_at, d.compute, d.revenue, d.last_active,
                 d.app_metrics, d.problems",
                "usage_days",
            ),
            params![env],
        )? {
            let Some(k) = at.get(&r.get(0)?).map(|i| &mut kept[*i]) else {
                continue;
            };
            let day = parse_day(&r.get::<String>(1)?)?;
            if k.days.iter().all(|(d, _)| *d < day) {
                k.collected_at = r.get(2)?;
            }
            k.days.push((day, reading_of(&r, 3)?));
        }
        for k in &mut kept {
            k.days.sort_by_key(|(d, _)| *d);
        }
        laps.lap("days");
        conn.for_each(
            &sql("d.customer_id, d.day, d.figure, d.value", "usage_figures"),
            params![env],
            |r| -> Result<()> {
                let Some(k) = at.get(&r.get(0)?).map(|i| &mut kept[*i]) else {
                    return Ok(());
                };
                let day = parse_day(r.text(1).unwrap_or_default())?;
                if let Some((_, reading)) = k.days.iter_mut().find(|(d, _)| *d == day) {
                    reading.set(r.get::<Figure>(2)?, Some(r.get(3)?));
                }
                Ok(())
            },
        )?;
        // The customers as SQL values (their ids), each sought in a key.
        laps.lap("figures");
        let ids: Vec<String> = kept
            .iter()
            .map(|k| format!("({})", k.customer_id))
            .collect();
        let customers = format!("WITH c (id) AS (VALUES {})", ids.join(", "));
        // The database's size over the window, one kept series a customer (`usage_series`).
        let width = (last - since).num_days() as usize + 1;
        for k in &mut kept {
            k.database = vec![None; width];
        }
        conn.for_each(
            &format!(
                "{customers} SELECT s.customer_id, s.first_day, s.series FROM c CROSS JOIN usage_series s
                 WHERE s.customer_id = c.id AND s.environment = ?1 AND s.figure = ?2"
            ),
            params![env, Figure::DatabaseBytes],
            |r| -> Result<()> {
                if let Some(k) = at.get(&r.get(0)?).map(|i| &mut kept[*i]) {
                    let series = Series::parse(
                        r.text(1).unwrap_or_default(),
                        r.text(2).unwrap_or_default(),
                    )?;
                    k.database = series.window(since, width);
                }
                Ok(())
            },
        )?;
        laps.lap("series");
        let sums: Vec<String> = limits::MONTHLY
            .iter()
            .map(|f| {
                format!(
                    "(SELECT sum(value) FROM usage_figures f WHERE f.environment = ?1
                       AND f.figure = '{f}' AND f.customer_id = c.id AND f.day >= ?2)"
                )
            })
            .collect();
        let month_start = last.with_day(1).unwrap_or(last);
        for r in conn.rows(
            &format!("{customers} SELECT c.id, {} FROM c", sums.join(", ")),
            params![env, day_text(month_start)],
        )? {
            let Some(k) = at.get(&r.get(0)?).map(|i| &mut kept[*i]) else {
                continue;
            };
            for (i, f) in limits::MONTHLY.iter().enumerate() {
                if let Some(sum) = r.get::<Option<f64>>(i + 1)? {
                    k.month.insert(*f, sum);
                }
            }
        }
        laps.lap("month");
        Ok((kept, laps))
    }

    fn price_book(&self) -> Result<PriceBook> {
        Ok(self
            .get_setting(prices::SETTING)?
            .and_then(|t| serde_json::from_str::<PriceBook>(&t).ok())
            .and_then(|b| b.checked().ok())
            .unwrap_or_else(prices::default_book))
    }

    fn set_price_book(&self, book: &PriceBook) -> Result<PriceBook> {
        let book = book.checked()?;
        let text = serde_json::to_string(&book).expect("a price book serializes");
        self.set_setting(prices::SETTING, &text)?;
        Ok(book)
    }
}

/// JSON text of a part of a reading kept in a column.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("a reading serializes")
}

/// How long each step of a read took, in order (`UsageRows::fleet_usage_timed`).
#[derive(Debug)]
pub struct Laps {
    pub laps: Vec<(&'static str, std::time::Duration)>,
    from: std::time::Instant,
}

impl Default for Laps {
    fn default() -> Laps {
        Laps {
            laps: Vec::new(),
            from: std::time::Instant::now(),
        }
    }
}

impl Laps {
    fn lap(&mut self, name: &'static str) {
        self.laps.push((name, self.from.elapsed()));
        self.from = std::time::Instant::now();
    }
}
