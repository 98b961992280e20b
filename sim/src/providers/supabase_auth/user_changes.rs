//! What an admin update changes on a user, and the changes GoTrue makes to a user that other
//! routes share (metadata merged, an address confirmed).

use axum::response::Response;
use serde_json::{json, Value};

use super::go::{go_type_error, parse_go_duration};
use super::password_digest;
use crate::errors;
use crate::world::AuthUser;

/// What a `PUT /admin/users/{id}` changes.
pub(super) struct UserChanges {
    password: Option<String>,
    user_metadata: Option<serde_json::Map<String, Value>>,
    app_metadata: Option<serde_json::Map<String, Value>>,
    email_confirm: bool,
    /// `Some(None)`: lift the ban; `Some(Some(ms))`: banned for `ms` from now.
    ban: Option<Option<i64>>,
}

impl UserChanges {
    /// GoTrue's order: the body is decoded, the ban duration parsed, the password checked.
    pub(super) fn parse(b: &serde_json::Map<String, Value>, api24: bool) -> Result<Self, Response> {
        let typed = |k: &str, ok: fn(&Value) -> bool, want: &str| match b.get(k) {
            Some(v) if !v.is_null() && !ok(v) => Err(go_type_error(
                &format!("adminUserParams.{k}"),
                v,
                want,
                api24,
            )),
            _ => Ok(()),
        };
        typed("password", Value::is_string, "string")?;
        typed("ban_duration", Value::is_string, "string")?;
        typed("email_confirm", Value::is_boolean, "bool")?;
        typed("user_metadata", Value::is_object, "map[string]interface {}")?;
        typed("app_metadata", Value::is_object, "map[string]interface {}")?;
        let ban = match b.get("ban_duration").and_then(Value::as_str) {
            None | Some("") => None,
            Some("none") => Some(None),
            Some(d) => match parse_go_duration(d) {
                Ok(ms) => Some((ms != 0).then_some(ms)),
                Err(e) => {
                    return Err(errors::gotrue(
                        400,
                        "validation_failed",
                        &format!("invalid format for ban duration: {e}"),
                        api24,
                    ))
                }
            },
        };
        let password = b
            .get("password")
            .and_then(Value::as_str)
            .map(str::to_string);
        if password.as_ref().is_some_and(|pw| pw.chars().count() < 6) {
            return Err(errors::gotrue(
                422,
                "weak_password",
                "Password should be at least 6 characters.",
                api24,
            ));
        }
        let object = |k: &str| b.get(k).and_then(Value::as_object).cloned();
        Ok(UserChanges {
            password,
            user_metadata: object("user_metadata"),
            app_metadata: object("app_metadata"),
            email_confirm: b.get("email_confirm").and_then(Value::as_bool) == Some(true),
            ban,
        })
    }

    pub(super) fn apply(&self, u: &mut AuthUser, now: i64) {
        if self.email_confirm {
            confirm_email(u, now);
        }
        if let Some(pw) = &self.password {
            u.password_digest = Some(password_digest(&u.id, pw));
            u.has_password = true;
        }
        if let Some(m) = &self.app_metadata {
            merge_metadata(&mut u.app_metadata, m);
        }
        if let Some(m) = &self.user_metadata {
            merge_metadata(&mut u.user_metadata, m);
        }
        if let Some(ban) = self.ban {
            u.banned_until_ms = ban.map(|ms| now.saturating_add(ms));
        }
        u.updated_ms = Some(now);
    }
}

/// GoTrue's `UpdateUserMetaData`/`UpdateAppMetaData`: keys set, a `null` removes its key.
pub(crate) fn merge_metadata(have: &mut Value, updates: &serde_json::Map<String, Value>) {
    if !have.is_object() {
        *have = json!({});
    }
    if let Value::Object(have) = have {
        for (k, v) in updates {
            if v.is_null() {
                have.remove(k);
            } else {
                have.insert(k.clone(), v.clone());
            }
        }
    }
}

/// GoTrue's `User.Confirm`: the address confirmed now, `email_verified` in the user's metadata,
/// and every one-time token of the user spent.
pub(crate) fn confirm_email(u: &mut AuthUser, now: i64) {
    u.email_confirmed_ms = Some(now);
    u.confirmation_token = None;
    u.recovery_token = None;
    let verified = json!({"email_verified": true});
    if let Some(m) = verified.as_object() {
        merge_metadata(&mut u.user_metadata, m);
    }
    u.updated_ms = Some(now);
}
