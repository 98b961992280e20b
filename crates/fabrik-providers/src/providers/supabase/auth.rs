//! One project's Auth admin API (contract: supabase/auth admin.go, contracts/README.md, section
//! "2. Supabase Auth admin"): its users, and the mail settings its Auth sends with.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{found, ApiKeys, Supabase, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;
use crate::secrets::Secret;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AuthUser {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    /// When the last invitation went (an invited person has this and no confirmation yet).
    #[serde(default)]
    pub invited_at: Option<String>,
    #[serde(default)]
    pub email_confirmed_at: Option<String>,
    #[serde(default)]
    pub last_sign_in_at: Option<String>,
    /// Set while the person may not sign in (a revoked team member).
    #[serde(default)]
    pub banned_until: Option<String>,
    /// Only the service role writes it: where Fabrik's marker lives.
    #[serde(default)]
    pub app_metadata: Value,
}

/// What Fabrik reads back of a project's Auth configuration (`AuthConfigResponse`): the mail
/// settings it sets. The SMTP password is never read back.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthMailConfig {
    #[serde(default)]
    pub site_url: Option<String>,
    #[serde(default)]
    pub smtp_host: Option<String>,
    /// A string in the spec; some answers carry a number.
    #[serde(default, deserialize_with = "text_or_number")]
    pub smtp_port: Option<String>,
    #[serde(default)]
    pub smtp_user: Option<String>,
    #[serde(default)]
    pub smtp_admin_email: Option<String>,
    #[serde(default)]
    pub smtp_sender_name: Option<String>,
    /// Emails the project's Auth sends an hour, at most.
    #[serde(default)]
    pub rate_limit_email_sent: Option<u32>,
    /// Seconds before the same address may be mailed again.
    #[serde(default)]
    pub smtp_max_frequency: Option<u32>,
}

fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// The mail settings Fabrik gives an instance's Auth: the agency's SMTP relay and sender.
pub struct AuthMail<'a> {
    pub smtp_host: &'a str,
    pub smtp_port: &'a str,
    pub smtp_user: &'a str,
    pub smtp_pass: &'a Secret,
    pub admin_email: &'a str,
    pub sender_name: &'a str,
    pub per_hour: u32,
    pub max_frequency: u32,
    /// Where the invitation's link leads (the instance's address), when known.
    pub site_url: Option<&'a str>,
}

impl AuthMailConfig {
    /// Whether the project's Auth sends through `host` from `sender` (what an invitation needs).
    pub fn relays(&self, host: &str, sender: &str) -> bool {
        self.smtp_host.as_deref() == Some(host)
            && self
                .smtp_admin_email
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(sender))
    }

    /// Whether the project sends as `want` says (the password aside, which is not readable).
    pub fn sends_as(&self, want: &AuthMail<'_>) -> bool {
        let is = |v: &Option<String>, w: &str| v.as_deref() == Some(w);
        self.relays(want.smtp_host, want.admin_email)
            && is(&self.smtp_port, want.smtp_port)
            && is(&self.smtp_user, want.smtp_user)
            && is(&self.smtp_sender_name, want.sender_name)
            && self.rate_limit_email_sent == Some(want.per_hour)
            && want.site_url.is_none_or(|u| is(&self.site_url, u))
    }
}

impl Supabase {
    /// Creates a confirmed user through the project's Auth admin API, an administrator with
    /// `marker` (Fabrik's) in its `app_metadata`. `email_exists` comes back as a `Conflict` so
    /// the caller can adopt the user.
    pub async fn create_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        email: &str,
        password: &Secret,
        marker: &Value,
    ) -> Result<AuthUser, ProviderError> {
        let url = format!("{}/auth/v1/admin/users", self.project_url(project_ref));
        let req = self
            .http
            .post(url)
            .header("apikey", keys.service_role.expose())
            .bearer_auth(keys.service_role.expose())
            .header("X-Supabase-Api-Version", "2024-01-01")
            // The password is a one-time one (it goes out by e-mail): the app asks for a new one
            // at first login, which it reads from the user's metadata.
            .json(&json!({
                "email": email,
                "password": password.expose(),
                "email_confirm": true,
                "app_metadata": { "role": "admin", "fabrik": marker },
                "user_metadata": { "must_change_password": true },
            }));
        user_or_conflict(req).await
    }

    /// Gives a user a new password through the Auth admin API (`PUT /admin/users/{id}`), and
    /// asks the app to have it changed at the next login, as at first delivery.
    pub async fn set_user_password(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        user_id: &str,
        password: &Secret,
    ) -> Result<AuthUser, ProviderError> {
        let req = self
            .auth_admin(
                Method::PUT,
                project_ref,
                &format!("/admin/users/{user_id}"),
                keys,
            )
            .json(&json!({
                "password": password.expose(),
                "user_metadata": { "must_change_password": true },
            }));
        http::json(P, http::send(P, req).await?).await
    }

    /// The project's Auth configuration (spec: v1-get-auth-service-config), its mail part.
    pub async fn auth_config(&self, project_ref: &str) -> Result<AuthMailConfig, ProviderError> {
        let path = format!("/v1/projects/{project_ref}/config/auth");
        http::json(P, http::send(P, self.req(Method::GET, &path)).await?).await
    }

    /// Makes the project's Auth send through `mail` (spec: v1-update-auth-service-config):
    /// invitations, confirmations and password resets leave from the agency's address, under
    /// the hourly limit given. Answers the configuration as it now stands.
    pub async fn set_auth_mail(
        &self,
        project_ref: &str,
        mail: &AuthMail<'_>,
    ) -> Result<AuthMailConfig, ProviderError> {
        let mut body = json!({
            "external_email_enabled": true,
            "smtp_host": mail.smtp_host,
            "smtp_port": mail.smtp_port,
            "smtp_user": mail.smtp_user,
            "smtp_pass": mail.smtp_pass.expose(),
            "smtp_admin_email": mail.admin_email,
            "smtp_sender_name": mail.sender_name,
            "smtp_max_frequency": mail.max_frequency,
            "rate_limit_email_sent": mail.per_hour,
        });
        if let Some(url) = mail.site_url {
            body["site_url"] = json!(url);
        }
        let path = format!("/v1/projects/{project_ref}/config/auth");
        let req = self.req(Method::PATCH, &path).json(&body);
        http::json(P, http::send(P, req).await?).await
    }

    fn auth_admin(
        &self,
        method: Method,
        project_ref: &str,
        path: &str,
        keys: &ApiKeys,
    ) -> reqwest::RequestBuilder {
        self.as_service(method, project_ref, "/auth/v1", path, keys)
    }

    /// Invites a person by email (GoTrue `POST /invite`): they are made unconfirmed and sent a
    /// link with which they set their own password. Asked again before they accepted, the
    /// invitation goes again; once they have, 422 `email_exists` comes back as a `Conflict`.
    pub async fn invite_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        email: &str,
        data: &Value,
    ) -> Result<AuthUser, ProviderError> {
        let req = self
            .auth_admin(Method::POST, project_ref, "/invite", keys)
            .json(&json!({ "email": email, "data": data }));
        user_or_conflict(req).await
    }

    /// One user by id (GoTrue `GET /admin/users/{id}`); `None` when there is none.
    pub async fn get_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        user_id: &str,
    ) -> Result<Option<AuthUser>, ProviderError> {
        let req = self.auth_admin(
            Method::GET,
            project_ref,
            &format!("/admin/users/{user_id}"),
            keys,
        );
        found(req).await
    }

    /// Changes a user's account (GoTrue `PUT /admin/users/{id}`): `ban_duration` ("876000h"
    /// bars signing in, "none" lifts it) and `app_metadata` (merged; only the service role
    /// writes it).
    pub async fn update_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        user_id: &str,
        change: &Value,
    ) -> Result<AuthUser, ProviderError> {
        let req = self
            .auth_admin(
                Method::PUT,
                project_ref,
                &format!("/admin/users/{user_id}"),
                keys,
            )
            .json(change);
        http::json(P, http::send(P, req).await?).await
    }

    /// Finds a user by email, paging through the admin list (bounded).
    pub async fn find_user(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
        email: &str,
    ) -> Result<Option<AuthUser>, ProviderError> {
        Ok(self.users(project_ref, keys).await?.into_iter().find(|u| {
            u.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        }))
    }

    /// Every user of the project's Auth, pages of 100 (bounded: 20 pages).
    pub async fn users(
        &self,
        project_ref: &str,
        keys: &ApiKeys,
    ) -> Result<Vec<AuthUser>, ProviderError> {
        #[derive(Deserialize)]
        struct Page {
            users: Vec<AuthUser>,
        }
        let mut all = Vec::new();
        for page in 1..=20 {
            let req = self
                .auth_admin(Method::GET, project_ref, "/admin/users", keys)
                .query(&[("page", page.to_string()), ("per_page", "100".to_string())]);
            let p: Page = http::json(P, http::send(P, req).await?).await?;
            let n = p.users.len();
            all.extend(p.users);
            if n < 100 {
                break;
            }
        }
        Ok(all)
    }
}

/// A user made (201/200), or GoTrue's 422 `email_exists` as a `Conflict`, so the caller can
/// adopt or name the person who is there already.
async fn user_or_conflict(req: reqwest::RequestBuilder) -> Result<AuthUser, ProviderError> {
    match http::send(P, req).await {
        Ok(r) => http::json(P, r).await,
        Err(mut e) if e.status == Some(422) && e.code.as_deref() == Some("email_exists") => {
            e.kind = ErrorKind::Conflict;
            Err(e)
        }
        Err(e) => Err(e),
    }
}
