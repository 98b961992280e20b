//! The template schema: which tables it declares, and the check after applying it that every
//! expected table exists and every table in `public` has row-level security on.

use serde_json::Value;

/// The tables a script creates in `public`, from its `CREATE TABLE` statements, in order.
pub fn declared_tables(sql: &str) -> Vec<String> {
    let lower = sql.to_lowercase();
    let mut tables = Vec::new();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("create table") {
        rest = &rest[i + "create table".len()..];
        let mut words = rest.split_whitespace();
        let mut name = words.next().unwrap_or("");
        if name == "if" {
            // "if not exists"
            let _ = words.next();
            let _ = words.next();
            name = words.next().unwrap_or("");
        }
        let name = name.split('(').next().unwrap_or("").trim_matches('"');
        let (schema, table) = name.split_once('.').unwrap_or(("public", name));
        let table = table.trim_matches('"');
        if schema.trim_matches('"') == "public"
            && !table.is_empty()
            && !tables.iter().any(|t| t == table)
        {
            tables.push(table.to_string());
        }
    }
    tables
}

/// The customer's organization: `$1` its id (the customer's uid), `$2` name, `$3` slug, `$4`
/// plan (the template's vocabulary). Idempotent, so a resumed run writes it again harmlessly.
/// Without it and `ADMIN_PROFILE_SQL` the template's RLS shows the admin nothing at all
/// (`private.user_organization_ids()` reads `public.users`). Plain single statements: every
/// implementation of the query endpoint answers their `RETURNING` rows.
pub const ORGANIZATION_SQL: &str = "
insert into public.organizations (id, name, slug, plan)
values ($1::uuid, $2, $3, $4)
on conflict (id) do update set name = excluded.name, plan = excluded.plan
returning id::text as organization_id";

/// The first admin's profile as the organization's owner: `$1` the Auth user's id, `$2` the
/// organization's id, `$3` e-mail, `$4` name (may be empty).
pub const ADMIN_PROFILE_SQL: &str = "
insert into public.users (id, organization_id, email, full_name, role, status)
values ($1::uuid, $2::uuid, $3, nullif($4, ''), 'owner', 'active')
on conflict (id) do update
    set organization_id = excluded.organization_id, email = excluded.email,
        role = 'owner', status = 'active'
returning organization_id::text as organization_id, role";

/// The template's name for a Fabrik plan (`organizations.plan` is checked against its own list).
pub fn organization_plan(plan: crate::customer::Plan) -> &'static str {
    use crate::customer::Plan;
    match plan {
        Plan::Starter => "starter",
        Plan::Professional => "pro",
        Plan::Enterprise => "enterprise",
    }
}

/// The query whose rows `verify` reads.
pub const VERIFY_SQL: &str =
    "select tablename, rowsecurity from pg_tables where schemaname = 'public' order by tablename";

/// Names what is wrong: expected tables that are missing, tables without RLS.
pub fn verify(rows: &[Value], expected: &[String]) -> Result<usize, String> {
    let present: Vec<(String, bool)> = rows
        .iter()
        .filter_map(|r| {
            let name = r["tablename"]
                .as_str()
                .or_else(|| r["table_name"].as_str())?;
            let rls = match &r["rowsecurity"] {
                Value::Bool(b) => *b,
                Value::String(s) => s == "t" || s == "true",
                _ => false,
            };
            Some((name.to_string(), rls))
        })
        .collect();
    let missing: Vec<&str> = expected
        .iter()
        .filter(|t| !present.iter().any(|(n, _)| n == *t))
        .map(String::as_str)
        .collect();
    let without_rls: Vec<&str> = present
        .iter()
        .filter(|(_, rls)| !rls)
        .map(|(n, _)| n.as_str())
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("tabeller saknas: {}", missing.join(", ")));
    }
    if !without_rls.is_empty() {
        problems.push(format!(
            "radnivåsäkerhet (RLS) är inte påslagen för: {}",
            without_rls.join(", ")
        ));
    }
    if problems.is_empty() {
        Ok(present.len())
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_declared_tables() {
        let sql = "CREATE TABLE IF NOT EXISTS public.organizations (id uuid);\ncreate table contacts(id int);\nCREATE TABLE private.x (id int);\nCREATE TABLE \"public\".\"deals\" (id int);";
        assert_eq!(
            declared_tables(sql),
            vec!["organizations", "contacts", "deals"]
        );
    }

    #[test]
    fn verification_names_missing_tables_and_missing_rls() {
        let expected = vec!["a".to_string(), "b".to_string()];
        let ok = [
            json!({"tablename": "a", "rowsecurity": true}),
            json!({"tablename": "b", "rowsecurity": "t"}),
        ];
        assert_eq!(verify(&ok, &expected), Ok(2));
        let bad = [
            json!({"tablename": "a", "rowsecurity": false}),
            json!({"tablename": "c", "rowsecurity": true}),
        ];
        let err = verify(&bad, &expected).unwrap_err();
        assert!(err.contains("saknas: b") && err.contains("för: a"), "{err}");
    }
}
