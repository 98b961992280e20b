//! What the simulated instances use, day by day: deterministic from a resource's id and the
//! simulator's own day, so a chart has something to draw and a test can move the day on
//! (`POST /__sim/clock`) and see the figures change. Most instances grow slowly; some are idle
//! (no API requests, no executions: Supabase would pause such a free project after 7 days),
//! some busy, and some near the free plan's 500 MB database. `POST /__sim/usage/profile` picks
//! one for a resource; otherwise its id does.

pub use crate::world::Profile;
use crate::world::World;
use chrono::{DateTime, NaiveDate, Utc};

pub const DAY_MS: i64 = 86_400_000;

/// The simulator's clock: the wall clock plus the days `POST /__sim/clock` moved it on.
pub fn now_ms(w: &World) -> i64 {
    crate::world::now_ms() + w.clock_offset_days * DAY_MS
}

/// The simulator's day (UTC).
pub fn today(w: &World) -> NaiveDate {
    day_of(now_ms(w))
}

pub fn day_of(ms: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .date_naive()
}

/// Midnight (UTC) of a day, epoch ms.
pub fn day_start_ms(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp_millis())
}

/// FNV-1a of the parts: the same figures in every build and on every machine.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A number in [0, 1) from the parts.
pub fn unit(parts: &[&str]) -> f64 {
    (hash(parts) >> 11) as f64 / (1u64 << 53) as f64
}

/// The profile of a resource: the one set for it, else one in ten idle, one in ten near the
/// limit, one in ten busy.
pub fn profile(w: &World, id: &str) -> Profile {
    if let Some(p) = w.usage_profiles.get(id) {
        return *p;
    }
    match hash(&[id, "profile"]) % 10 {
        0 => Profile::Idle,
        1 => Profile::NearLimit,
        2 => Profile::Busy,
        _ => Profile::Normal,
    }
}

/// Days since the resource was made (0 on its first day; negative before it).
fn age(created_ms: i64, day: NaiveDate) -> i64 {
    (day - day_of(created_ms)).num_days()
}

/// The day's API requests of a Supabase project, as `usage.api-counts` splits them
/// (rest, auth, storage, realtime).
pub fn api_requests(id: &str, profile: Profile, created_ms: i64, day: NaiveDate) -> [u64; 4] {
    let a = age(created_ms, day);
    if a < 0 || (profile == Profile::Idle && a > 1) {
        return [0; 4];
    }
    let base = match profile {
        Profile::Normal | Profile::NearLimit => 300.0 + 1500.0 * unit(&[id, "api"]),
        Profile::Busy => 20_000.0 + 30_000.0 * unit(&[id, "api"]),
        Profile::Idle => 40.0,
    };
    let d = day.to_string();
    let weekend = if day.format("%u").to_string().parse::<u8>().unwrap_or(1) >= 6 {
        0.6
    } else {
        1.0
    };
    let total = base * (1.0 + 0.02 * a as f64) * weekend * (0.75 + 0.5 * unit(&[id, &d, "api"]));
    let total = total.round() as u64;
    // Most requests go to the REST API.
    let auth = total / 10;
    let storage = total / 20;
    let realtime = total / 40;
    [total - auth - storage - realtime, auth, storage, realtime]
}

/// The database's size on a day (the parse-only SQL mode's `pg_database_size`).
pub fn database_bytes(id: &str, profile: Profile, created_ms: i64, day: NaiveDate) -> u64 {
    const MB: f64 = 1_048_576.0;
    let a = age(created_ms, day).max(0) as f64;
    let bytes = match profile {
        Profile::NearLimit => 480.0 * MB + a * MB,
        Profile::Idle => 9.0 * MB + a.min(2.0) * 0.1 * MB,
        Profile::Busy => 40.0 * MB + a * 3.0 * MB * (0.5 + unit(&[id, "db"])),
        Profile::Normal => 9.0 * MB + a * MB * (0.05 + 0.3 * unit(&[id, "db"])),
    };
    bytes.round() as u64
}

/// The free plan's database size, a project (Supabase's pricing: 500 MB).
pub const FREE_DATABASE_BYTES: u64 = 500 * 1_048_576;

/// Whether a free project's database has grown past its plan's size by the simulator's day (its
/// profile's figure): Supabase then locks it read-only ("Database size › Free Plan behavior",
/// https://supabase.com/docs/guides/platform/database-size#free-plan-behavior).
pub fn over_free_limit(w: &World, p: &crate::world::Project) -> bool {
    let (id, created) = (p.r#ref.as_str(), p.created_ms);
    !p.recovery.on_paid_plan()
        && database_bytes(id, profile(w, id), created, today(w)) > FREE_DATABASE_BYTES
}

/// The bytes in the project's storage buckets (the parse-only SQL mode's `storage.objects`).
pub fn storage_bytes(id: &str, profile: Profile, created_ms: i64, day: NaiveDate) -> u64 {
    let a = age(created_ms, day).max(0) as f64;
    let per_day = match profile {
        Profile::Idle => 0.0,
        Profile::Busy => 50_000_000.0,
        Profile::Normal | Profile::NearLimit => 2_000_000.0 * unit(&[id, "storage"]),
    };
    (a * per_day).round() as u64
}

/// `config/disk/util`: an 8 GB disk, of which the system takes 1.4 GB and the database the rest.
pub fn disk(id: &str, profile: Profile, created_ms: i64, day: NaiveDate) -> (u64, u64) {
    let size = 8 * 1024 * 1024 * 1024u64;
    let used = 1_400_000_000 + database_bytes(id, profile, created_ms, day);
    (size, used.min(size))
}

/// The compute add-on a project runs on.
pub fn compute(id: &str, profile: Profile) -> &'static str {
    match profile {
        Profile::Busy => "ci_small",
        _ if hash(&[id, "compute"]).is_multiple_of(4) => "ci_small",
        _ => "ci_micro",
    }
}

/// One simulated workflow execution.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    pub id: u64,
    pub started_ms: i64,
    pub stopped_ms: i64,
    pub failed: bool,
}

/// How many days back executions are kept (n8n prunes old ones; 14 days by default).
pub const EXECUTION_DAYS: i64 = 14;

/// A workflow's executions on `day` that had started by `now_ms`, oldest first: an active
/// workflow runs on a schedule (every hour, or every five minutes when busy), and a few fail.
pub fn executions(
    id: &str,
    profile: Profile,
    created_ms: i64,
    day: NaiveDate,
    now_ms: i64,
) -> Vec<Execution> {
    let a = age(created_ms, day);
    if a < 0 || (profile == Profile::Idle && a > 1) {
        return Vec::new();
    }
    let (runs, failing) = match profile {
        Profile::Busy => (288, 0.02),
        _ => (24, 0.05),
    };
    let start = day_start_ms(day);
    let step = DAY_MS / runs;
    let d = day.to_string();
    // Unique across workflows and days: the day's number, the workflow's, the run's.
    let base = (start / DAY_MS) as u64 * 1_000_000 + (hash(&[id, "wf"]) % 1000) * 1000;
    (0..runs)
        .map(|i| {
            let started = start + i * step + (unit(&[id, &d, &i.to_string()]) * 60_000.0) as i64;
            let n = i.to_string();
            Execution {
                id: base + i as u64,
                started_ms: started,
                stopped_ms: started + 800 + (unit(&[id, &d, &n, "took"]) * 4000.0) as i64,
                failed: unit(&[id, &d, &n, "failed"]) < failing,
            }
        })
        .filter(|e| e.started_ms >= created_ms && e.started_ms <= now_ms)
        .collect()
}

/// Without PostgreSQL, the usage queries a client reads a project's size, users and storage
/// with are answered from the figures above and the project's recorded Auth users (each
/// column by its alias, as PostgreSQL would name it); `None` for any other query.
pub fn answer_sql(w: &World, r: &str, sql: &str) -> Option<serde_json::Value> {
    let lower = sql.to_lowercase();
    let p = w.supabase.projects.iter().find(|p| p.r#ref == r)?;
    let profile = profile(w, r);
    let day = today(w);
    let named = |alias: &str, fallback: &str| {
        if lower.contains(&format!("as {alias}")) {
            alias.to_string()
        } else {
            fallback.to_string()
        }
    };
    let mut row = serde_json::Map::new();
    if lower.contains("pg_database_size(") {
        let bytes = database_bytes(r, profile, p.created_ms, day);
        row.insert(named("database_bytes", "pg_database_size"), bytes.into());
    }
    if lower.contains("from auth.users") && lower.contains("count(") {
        row.insert(named("auth_users", "count"), p.auth_users.len().into());
    }
    if lower.contains("from storage.objects") {
        let bytes = storage_bytes(r, profile, p.created_ms, day);
        row.insert(named("storage_bytes", "coalesce"), bytes.into());
    }
    (!row.is_empty()).then(|| serde_json::json!([row]))
}

/// What an empty project's database weighs in the profiles above (`database_bytes` on its
/// first day, before any growth): on a real PostgreSQL the database itself stands for it.
const EMPTY_DATABASE_BYTES: f64 = 9.0 * 1_048_576.0;

/// The rows a real database answered, with the profile's `figures` (one row from
/// [`answer_sql`]) laid over the columns they also name: its shape and errors stay the
/// database's. A size is the profile's growth added to what the database really holds (so rows
/// a test writes still count); a count of users is the project's own.
pub fn overlay(rows: serde_json::Value, figures: &serde_json::Value) -> serde_json::Value {
    let Some(profile) = figures.get(0).and_then(|r| r.as_object()) else {
        return rows;
    };
    let added = |k: &str, real: &serde_json::Value, figure: &serde_json::Value| {
        let (Some(real), Some(figure)) = (number(real), figure.as_f64()) else {
            return figure.clone();
        };
        let growth = match k {
            "database_bytes" | "pg_database_size" => (figure - EMPTY_DATABASE_BYTES).max(0.0),
            _ => figure,
        };
        serde_json::json!((real + growth).round() as u64)
    };
    match rows {
        serde_json::Value::Array(rows) => rows
            .into_iter()
            .map(|mut row| {
                if let Some(row) = row.as_object_mut() {
                    for (k, v) in profile {
                        if let Some(slot) = row.get_mut(k) {
                            *slot = match k.as_str() {
                                "auth_users" | "count" => v.clone(),
                                _ => added(k, slot, v),
                            };
                        }
                    }
                }
                row
            })
            .collect(),
        other => other,
    }
}

/// A number as PostgreSQL's JSON gives it: a bigint (`pg_database_size`) or a numeric sum
/// (`coalesce(sum(…))`) may come as text.
fn number(v: &serde_json::Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn figures_are_deterministic_and_change_from_day_to_day() {
        let created = day_start_ms(day("2026-03-01"));
        let a = api_requests("abc", Profile::Normal, created, day("2026-03-10"));
        assert_eq!(
            a,
            api_requests("abc", Profile::Normal, created, day("2026-03-10"))
        );
        assert_ne!(
            a,
            api_requests("abc", Profile::Normal, created, day("2026-03-11"))
        );
        let db1 = database_bytes("abc", Profile::Normal, created, day("2026-03-10"));
        let db2 = database_bytes("abc", Profile::Normal, created, day("2026-03-11"));
        assert!(db2 > db1, "grows");
    }

    #[test]
    fn an_idle_instance_stops_and_one_near_the_limit_passes_it() {
        let created = day_start_ms(day("2026-03-01"));
        assert!(api_requests("x", Profile::Idle, created, day("2026-03-02"))[0] > 0);
        assert_eq!(
            api_requests("x", Profile::Idle, created, day("2026-03-04")),
            [0; 4]
        );
        let mb = |d| database_bytes("x", Profile::NearLimit, created, day(d)) / 1_048_576;
        assert!(mb("2026-03-01") < 500 && mb("2026-03-25") > 500);
    }

    #[test]
    fn executions_are_those_started_by_now_and_some_fail() {
        let created = day_start_ms(day("2026-03-01"));
        let d = day("2026-03-05");
        let all = executions("wf", Profile::Busy, created, d, day_start_ms(d) + DAY_MS);
        assert_eq!(all.len(), 288);
        let half = executions(
            "wf",
            Profile::Busy,
            created,
            d,
            day_start_ms(d) + DAY_MS / 2,
        );
        assert!(half.len() < all.len() && !half.is_empty());
        assert!(all.iter().any(|e| e.failed) && all.iter().any(|e| !e.failed));
    }
}
