//! What Supabase reports of a project's use (Management API): its disk, its API requests by
//! day, its compute add-on, and the figures only SQL on its database knows (size, sign-in
//! users, storage bytes, the instance's own usage counters). Reads only.

use chrono::NaiveDate;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{Supabase, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

/// The disk as `config/disk/util` reports it (`DiskUtilMetricsResponse.metrics`), bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiskUse {
    pub used: f64,
    pub size: f64,
}

/// One bucket of `usage.api-counts` (`V1GetUsageApiCountResponse.result[]`).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCount {
    pub day: NaiveDate,
    /// REST, auth, storage and realtime requests together.
    pub requests: f64,
}

/// What `usage.api-counts` answered: buckets, or the `error` it carries in a 200 (Supabase's
/// analytics backend answers its own failures that way).
#[derive(Debug, Clone, PartialEq)]
pub enum ApiCounts {
    Buckets(Vec<ApiCount>),
    NotReported(String),
}

/// The figures SQL on the project's database gives.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DatabaseFigures {
    pub database_bytes: Option<f64>,
    pub auth_users: Option<f64>,
    /// `None` when the database has no `storage.objects` (not a Supabase storage database).
    pub storage_bytes: Option<f64>,
}

/// `pg_database_size`, the sign-in users and the bytes in the storage buckets (each object's
/// `metadata.size`), in one statement: every Supabase database has all three.
const FIGURES: &str = "select pg_database_size(current_database())::bigint as database_bytes, (select count(*) from auth.users)::bigint as auth_users, (select coalesce(sum((metadata->>'size')::bigint), 0) from storage.objects)::bigint as storage_bytes";
/// The same without storage, for a database that has none.
const FIGURES_NO_STORAGE: &str = "select pg_database_size(current_database())::bigint as database_bytes, (select count(*) from auth.users)::bigint as auth_users";
/// The instance's own counters of the period `$1` falls in (the template's table).
const APP_METRICS: &str = "select metric, sum(quantity)::bigint as quantity from public.client_usage_metrics where period_start <= $1::date and period_end >= $1::date group by metric";

/// PostgreSQL's "relation does not exist": a table this database does not have.
fn missing_table(e: &ProviderError) -> bool {
    e.message.contains("42P01")
}

/// A number from JSON: PostgreSQL's `bigint` may come as a number or, through text-format
/// results, as a string.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite() && *n >= 0.0)
}

impl Supabase {
    /// The project's disk use (spec: v1-get-disk-utilization).
    pub async fn disk_use(&self, project_ref: &str) -> Result<DiskUse, ProviderError> {
        #[derive(Deserialize)]
        struct Metrics {
            fs_size_bytes: f64,
            fs_used_bytes: f64,
        }
        #[derive(Deserialize)]
        struct Util {
            metrics: Metrics,
        }
        let path = format!("/v1/projects/{project_ref}/config/disk/util");
        let u: Util = http::json(P, http::send(P, self.req(Method::GET, &path)).await?).await?;
        Ok(DiskUse {
            used: u.metrics.fs_used_bytes,
            size: u.metrics.fs_size_bytes,
        })
    }

    /// The project's API requests of the last seven days, by bucket (spec:
    /// v1-get-project-usage-api-count, `interval=7day`).
    pub async fn api_counts(&self, project_ref: &str) -> Result<ApiCounts, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/analytics/endpoints/usage.api-counts");
        let req = self.req(Method::GET, &path).query(&[("interval", "7day")]);
        let v: Value = http::json(P, http::send(P, req).await?).await?;
        Ok(api_counts_of(&v))
    }

    /// The compute add-on's variant (`ci_micro`, …), `None` when none is selected (spec:
    /// v1-list-project-addons).
    pub async fn compute_addon(&self, project_ref: &str) -> Result<Option<String>, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/billing/addons");
        let v: Value = http::json(P, http::send(P, self.req(Method::GET, &path)).await?).await?;
        let Some(selected) = v["selected_addons"].as_array() else {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                "unexpected answer: no selected_addons",
            ));
        };
        Ok(selected
            .iter()
            .find(|a| a["type"] == "compute_instance")
            .and_then(|a| a["variant"]["id"].as_str())
            .map(str::to_string))
    }

    /// One read-only statement (`V1RunQueryBody.read_only`): usage is read, never written.
    async fn read_rows(
        &self,
        project_ref: &str,
        sql: &str,
        parameters: &[Value],
    ) -> Result<Vec<Value>, ProviderError> {
        let mut body = json!({ "query": sql, "read_only": true });
        if !parameters.is_empty() {
            body["parameters"] = Value::Array(parameters.to_vec());
        }
        let path = format!("/v1/projects/{project_ref}/database/query");
        let req = self.req(Method::POST, &path).json(&body);
        let v: Value = http::json(P, http::send(P, req).await?).await?;
        Ok(match v {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        })
    }

    /// The database's size, its sign-in users and its storage bytes, by SQL (one statement;
    /// a second without storage only when the database has no `storage.objects`).
    pub async fn database_figures(
        &self,
        project_ref: &str,
    ) -> Result<DatabaseFigures, ProviderError> {
        let rows = match self.read_rows(project_ref, FIGURES, &[]).await {
            Err(e) if missing_table(&e) => {
                self.read_rows(project_ref, FIGURES_NO_STORAGE, &[]).await?
            }
            other => other?,
        };
        let row = rows.first().cloned().unwrap_or(Value::Null);
        Ok(DatabaseFigures {
            database_bytes: number(&row["database_bytes"]),
            auth_users: number(&row["auth_users"]),
            storage_bytes: number(&row["storage_bytes"]),
        })
    }

    /// The instance's own `client_usage_metrics` of the period `day` falls in, summed by metric;
    /// `None` when its template has no such table.
    pub async fn app_metrics(
        &self,
        project_ref: &str,
        day: NaiveDate,
    ) -> Result<Option<Vec<(String, f64)>>, ProviderError> {
        let day = json!(day.format("%Y-%m-%d").to_string());
        match self.read_rows(project_ref, APP_METRICS, &[day]).await {
            Ok(rows) => Ok(Some(
                rows.iter()
                    .filter_map(|r| {
                        Some((r["metric"].as_str()?.to_string(), number(&r["quantity"])?))
                    })
                    .collect(),
            )),
            Err(e) if missing_table(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Reads `V1GetUsageApiCountResponse`: an `error` (a text or an object with a `message`) means
/// not reported; buckets whose timestamp or counts cannot be read are left out.
pub fn api_counts_of(v: &Value) -> ApiCounts {
    match &v["error"] {
        Value::Null => {}
        Value::String(s) => return ApiCounts::NotReported(s.clone()),
        e => {
            let said = e["message"]
                .as_str()
                .map_or_else(|| e.to_string(), str::to_string);
            return ApiCounts::NotReported(said);
        }
    }
    let Some(result) = v["result"].as_array() else {
        return ApiCounts::NotReported("no result".into());
    };
    let buckets = result
        .iter()
        .filter_map(|b| {
            let at = b["timestamp"].as_str()?;
            // RFC 3339, or the analytics backend's `2026-03-01 00:00:00`: the day is what counts.
            let day = chrono::DateTime::parse_from_rfc3339(at)
                .map(|t| t.with_timezone(&chrono::Utc).date_naive())
                .ok()
                .or_else(|| NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok())?;
            let requests: f64 = [
                "total_rest_requests",
                "total_auth_requests",
                "total_storage_requests",
                "total_realtime_requests",
            ]
            .iter()
            .map(|k| number(&b[*k]).unwrap_or(0.0))
            .sum();
            Some(ApiCount { day, requests })
        })
        .collect();
    ApiCounts::Buckets(buckets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_in_a_200_is_not_reported_with_its_reason() {
        let v = json!({"error": {"code": 500, "errors": [], "message": "backend down", "status": "INTERNAL"}});
        assert_eq!(
            api_counts_of(&v),
            ApiCounts::NotReported("backend down".into())
        );
        assert_eq!(
            api_counts_of(&json!({"error": "timeout"})),
            ApiCounts::NotReported("timeout".into())
        );
    }

    #[test]
    fn buckets_are_read_by_day_and_odd_ones_left_out() {
        let v = json!({"result": [
            {"timestamp": "2026-03-01T00:00:00Z", "total_rest_requests": 10, "total_auth_requests": 2,
             "total_storage_requests": 1, "total_realtime_requests": 0, "extra": true},
            {"timestamp": "not a time", "total_rest_requests": 5},
            {"timestamp": "2026-03-02 00:00:00", "total_rest_requests": "7"}
        ]});
        let ApiCounts::Buckets(b) = api_counts_of(&v) else {
            panic!("buckets")
        };
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].requests, 13.0);
        assert_eq!(b[1].day, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(b[1].requests, 7.0);
    }
}
