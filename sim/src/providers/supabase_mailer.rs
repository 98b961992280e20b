//! The mailer of a simulated project's Auth, as GoTrue's `sendEmail` (internal/api/mail.go):
//!
//! 1. Without custom SMTP, Supabase's built-in mailer only mails the organization's team
//!    (`SeedWorld::supabase_org_members`; `+labels` ignored): anyone else → 400
//!    `email_address_not_authorized`.
//! 2. At most `rate_limit_email_sent` mails per window (an hour; `RateLimits::
//!    supabase_auth_email_window_secs`) per project → 429 `over_email_send_rate_limit`. As in
//!    GoTrue the mail is counted before it is sent (a failed send still uses its place) and
//!    there is no limit while `mailer_autoconfirm` is on.
//! 3. The mail is rendered from the project's subject and template and delivered: with
//!    `smtp_host` through custom SMTP (the simulator stands in for Resend's relay only, and
//!    records the mail in the Resend world like one sent through the API), otherwise into the
//!    project's built-in outbox (`Project::auth_mail`). A failed SMTP delivery is a 500
//!    `unexpected_failure` ("Error sending invite email"); the caller then keeps nothing.
//!
//! Per-address frequency (`smtp_max_frequency`) is the caller's check, because GoTrue applies
//! it only to some mails (recovery, confirmation), not to invitations: [`check_frequency`].

use axum::response::Response;
use serde_json::Value;

use super::supabase_auth_config::{effective, email_window_key, sha256_hex, Settings, Smtp};
use crate::errors;
use crate::state::{lock, AppState};
use crate::world::{AuthMail, Email, ResendAccess, World};

/// Who Supabase's built-in mailer sends as.
const BUILT_IN_FROM: &str = "Supabase Auth <noreply@mail.app.supabase.io>";
/// Resend's SMTP relay (resend.com/docs/send-with-smtp): host, user, ports.
const RESEND_HOST: &str = "smtp.resend.com";
const RESEND_USER: &str = "resend";
const RESEND_PORTS: [&str; 5] = ["25", "465", "587", "2465", "2587"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Invite,
    Recovery,
}

impl MailKind {
    /// The `type` of the link (`/verify?type=…`).
    pub fn verify_type(self) -> &'static str {
        match self {
            MailKind::Invite => "invite",
            MailKind::Recovery => "recovery",
        }
    }

    fn subject_key(self) -> &'static str {
        match self {
            MailKind::Invite => "mailer_subjects_invite",
            MailKind::Recovery => "mailer_subjects_recovery",
        }
    }

    fn template_key(self) -> &'static str {
        match self {
            MailKind::Invite => "mailer_templates_invite_content",
            MailKind::Recovery => "mailer_templates_recovery_content",
        }
    }

    /// What a project without a subject of its own sends.
    fn default_subject(self) -> &'static str {
        match self {
            MailKind::Invite => "You have been invited",
            MailKind::Recovery => "Reset Your Password",
        }
    }

    fn default_template(self) -> &'static str {
        match self {
            MailKind::Invite => "<h2>You have been invited</h2>\n\n<p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p>\n<p><a href=\"{{ .ConfirmationURL }}\">Accept the invite</a></p>",
            MailKind::Recovery => "<h2>Reset Password</h2>\n\n<p>Follow this link to reset the password for your user:</p>\n<p><a href=\"{{ .ConfirmationURL }}\">Reset Password</a></p>",
        }
    }

    /// GoTrue's 500 message when the mail cannot be sent.
    pub fn failure(self) -> &'static str {
        match self {
            MailKind::Invite => "Error sending invite email",
            MailKind::Recovery => "Error sending recovery email",
        }
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("Email address \"{0}\" cannot be used as it is not authorized")]
    NotAuthorized(String),
    #[error("email rate limit exceeded")]
    RateLimited,
    /// The SMTP server refused or could not be reached (the reason is only logged, as GoTrue).
    #[error("{0}")]
    Delivery(String),
}

impl MailError {
    /// GoTrue's answer.
    pub fn response(&self, kind: MailKind, api24: bool) -> Response {
        match self {
            MailError::NotAuthorized(_) => errors::gotrue(
                400,
                "email_address_not_authorized",
                &self.to_string(),
                api24,
            ),
            MailError::RateLimited => {
                errors::gotrue(429, "over_email_send_rate_limit", &self.to_string(), api24)
            }
            MailError::Delivery(why) => {
                tracing::warn!("fabrik-sim: auth mail not delivered: {why}");
                errors::gotrue(500, "unexpected_failure", kind.failure(), api24)
            }
        }
    }
}

/// One mail to send: its kind, recipient and the link's one-time token.
pub struct Letter<'a> {
    pub kind: MailKind,
    pub to: &'a str,
    pub otp: &'a str,
    pub token_hash: &'a str,
    pub redirect_to: &'a str,
    pub data: &'a Value,
}

/// A rendered mail.
struct Message {
    from: String,
    to: String,
    subject: String,
    html: String,
    link: String,
}

/// A one-time code of `len` digits and its hash as GoTrue keeps it (hex SHA-224 of the address
/// and the code, `crypto.GenerateTokenHash`).
pub fn new_token(w: &mut World, email: &str, len: usize) -> (String, String) {
    let len = len.clamp(6, 10);
    let otp: String = (0..len)
        .map(|_| char::from(b'0' + (w.ids.number() % 10) as u8))
        .collect();
    (otp.clone(), token_hash(email, &otp))
}

pub fn token_hash(email: &str, otp: &str) -> String {
    use sha2::Digest;
    sha2::Sha224::digest(format!("{email}{otp}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// GoTrue's per-address check (`validateSentWithinFrequencyLimit`): `Err(seconds left)` while
/// the last such mail is younger than `smtp_max_frequency`.
pub fn check_frequency(sent_ms: Option<i64>, settings: &Settings, now: i64) -> Result<(), i64> {
    let freq_ms = settings.int("smtp_max_frequency").unwrap_or(60).max(0) * 1000;
    match sent_ms {
        Some(sent) if sent + freq_ms > now => Err((sent + freq_ms - now) / 1000),
        _ => Ok(()),
    }
}

/// The 429 of [`check_frequency`].
pub fn frequency_response(seconds_left: i64, api24: bool) -> Response {
    errors::gotrue(
        429,
        "over_email_send_rate_limit",
        &format!("For security purposes, you can only request this after {seconds_left} seconds."),
        api24,
    )
}

/// Sends `letter` for project `project_ref` (called with the world locked, so the checks and
/// the delivery are one step).
pub fn send(
    st: &AppState,
    w: &mut World,
    project_ref: &str,
    letter: &Letter,
    now: i64,
) -> Result<(), MailError> {
    let Some(settings) = w
        .supabase
        .projects
        .iter()
        .find(|p| p.r#ref == project_ref)
        .map(|p| effective(&p.auth_config))
    else {
        return Err(MailError::Delivery("the project is gone".into()));
    };
    let smtp = settings.smtp();
    if smtp.is_none() && !authorized(&w.seed.supabase_org_members, letter.to) {
        return Err(MailError::NotAuthorized(letter.to.to_string()));
    }
    count_against_limit(st, project_ref, &settings, now)?;
    let msg = render(st, project_ref, &settings, smtp.as_ref(), letter);
    match smtp {
        Some(smtp) => relay(st, w, &smtp, msg, now),
        None => {
            keep_built_in(w, project_ref, letter, msg, now);
            Ok(())
        }
    }
}

/// GoTrue's `checkEmailAddressAuthorization`: an empty list allows everyone.
fn authorized(members: &[String], to: &str) -> bool {
    let normalized = match (to.find('+'), to.rfind('@')) {
        (Some(plus), Some(at)) if plus < at => format!("{}{}", &to[..plus], &to[at..]),
        _ => to.to_string(),
    };
    members.is_empty() || members.iter().any(|m| m.eq_ignore_ascii_case(&normalized))
}

fn count_against_limit(
    st: &AppState,
    project_ref: &str,
    settings: &Settings,
    now: i64,
) -> Result<(), MailError> {
    let limit = settings.int("rate_limit_email_sent").unwrap_or(2);
    if limit <= 0 {
        return Err(MailError::RateLimited);
    }
    if settings.flag("mailer_autoconfirm") {
        // GoTrue skips the limiter while autoconfirm is on ("TODO: Deprecate this behaviour").
        return Ok(());
    }
    let window = i64::from(st.rate_limits().supabase_auth_email_window_secs).max(1) * 1000;
    let limit = u32::try_from(limit).unwrap_or(u32::MAX);
    let info = lock(&st.limiter).hit(&email_window_key(project_ref), limit, window, now, true);
    if info.allowed {
        Ok(())
    } else {
        Err(MailError::RateLimited)
    }
}

fn render(
    st: &AppState,
    project_ref: &str,
    settings: &Settings,
    smtp: Option<&Smtp>,
    letter: &Letter,
) -> Message {
    let kind = letter.kind;
    let link = format!(
        "{}/supabase-project/{project_ref}/auth/v1/verify?token={}&type={}&redirect_to={}",
        st.base_url,
        query_escape(letter.token_hash),
        kind.verify_type(),
        redirect_param(letter.redirect_to),
    );
    let vars = [
        ("ConfirmationURL", link.as_str()),
        ("SiteURL", settings.site_url()),
        ("Email", letter.to),
        ("Token", letter.otp),
        ("TokenHash", letter.token_hash),
        ("RedirectTo", letter.redirect_to),
    ];
    let subject = settings
        .text(kind.subject_key())
        .unwrap_or(kind.default_subject());
    let template = settings
        .text(kind.template_key())
        .unwrap_or(kind.default_template());
    let from = match smtp {
        Some(s) => sender(s),
        None => BUILT_IN_FROM.to_string(),
    };
    Message {
        from,
        to: letter.to.to_string(),
        subject: fill(subject, &vars, letter.data, false),
        html: fill(template, &vars, letter.data, true),
        link,
    }
}

/// `Name <address>`, or the bare address without a sender name.
fn sender(s: &Smtp) -> String {
    let addr = s.admin_email.clone().unwrap_or_default();
    match &s.sender_name {
        Some(name) => format!("{name} <{addr}>"),
        None => addr,
    }
}

/// GoTrue leaves `redirect_to` as it is unless it holds `&`, `=` or `#` (`encodeRedirectURL`).
fn redirect_param(r: &str) -> String {
    if r.contains(['&', '=', '#']) {
        query_escape(r)
    } else {
        r.to_string()
    }
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The escaping of Go's `html/template` for a value in a mail body (and in the simulator's
/// own pages).
pub(crate) fn html_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&#34;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Fills `{{ .Name }}` and `{{ .Data.key }}` (GoTrue's template variables); anything else in
/// braces is left as it is.
fn fill(template: &str, vars: &[(&str, &str)], data: &Value, html: bool) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = after[..end].trim();
        match lookup(name, vars, data) {
            Some(v) if html => out.push_str(&html_escape(&v)),
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn lookup(name: &str, vars: &[(&str, &str)], data: &Value) -> Option<String> {
    let name = name.strip_prefix('.')?;
    if let Some(key) = name.strip_prefix("Data.") {
        // html/template renders a missing key as nothing.
        return Some(match data.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        });
    }
    vars.iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| (*v).to_string())
}

fn keep_built_in(w: &mut World, project_ref: &str, letter: &Letter, msg: Message, now: i64) {
    let id = w.ids.uuid_v4();
    if let Some(p) = w
        .supabase
        .projects
        .iter_mut()
        .find(|p| p.r#ref == project_ref)
    {
        p.auth_mail.push(AuthMail {
            id,
            kind: letter.kind.verify_type().to_string(),
            from: msg.from,
            to: msg.to,
            subject: msg.subject,
            html: msg.html,
            link: msg.link,
            token_hash: letter.token_hash.to_string(),
            otp: letter.otp.to_string(),
            created_ms: now,
        });
    }
}

/// Custom SMTP. Only Resend's relay is reachable from the simulator: it takes the mail when
/// the user is `resend`, the password a Resend API key the account has (a configured token, or
/// a key made through the API and not deleted; a sending key restricted to a domain sends from
/// that domain only), the sender's domain a verified one, and the team is under its per-second
/// limit (SMTP counts like the API).
fn relay(
    st: &AppState,
    w: &mut World,
    smtp: &Smtp,
    msg: Message,
    now: i64,
) -> Result<(), MailError> {
    let fail = |why: String| Err(MailError::Delivery(why));
    if !smtp.host.trim().eq_ignore_ascii_case(RESEND_HOST) {
        return fail(format!("dial tcp: lookup {}: no such host", smtp.host));
    }
    let port = smtp.port.as_deref().unwrap_or("");
    if !RESEND_PORTS.contains(&port) {
        return fail(format!("dial tcp {RESEND_HOST}:{port}: i/o timeout"));
    }
    let access = resend_access(st, w, smtp.pass_sha256.as_deref());
    let (true, Some(access)) = (smtp.user.as_deref() == Some(RESEND_USER), access) else {
        return fail("535 Authentication credentials invalid".into());
    };
    let Some(sender_addr) = smtp.admin_email.as_deref() else {
        return fail("no sender address (smtp_admin_email)".into());
    };
    let domain = sender_addr.rsplit('@').next().unwrap_or("").to_lowercase();
    let verified = w
        .resend_domains()
        .iter()
        .any(|d| d.name.eq_ignore_ascii_case(&domain) && d.status == "verified");
    if !verified {
        return fail(format!("550 The {domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains"));
    }
    if !access.may_send_from(&domain) {
        return fail(format!(
            "550 This API key is not authorized to send emails from {domain}"
        ));
    }
    let per_second = st.rate_limits().resend_per_second;
    if !lock(&st.limiter)
        .hit(super::resend::TEAM_BUDGET, per_second, 1_000, now, true)
        .allowed
    {
        return fail("451 Too many requests: rate limit exceeded".into());
    }
    let id = w.ids.uuid_v4();
    w.resend.emails.push(Email {
        id,
        from: msg.from,
        to: vec![msg.to],
        subject: msg.subject,
        html: Some(msg.html),
        text: None,
        cc: vec![],
        bcc: vec![],
        reply_to: vec![],
        created_ms: now,
    });
    Ok(())
}

/// What the Resend key whose SHA-256 is `pass_sha256` may do, if the account has it.
fn resend_access(st: &AppState, w: &World, pass_sha256: Option<&str>) -> Option<ResendAccess> {
    let digest = pass_sha256?;
    let tokens = st.tokens.read().unwrap_or_else(|p| p.into_inner());
    if tokens.resend.iter().any(|t| sha256_hex(t) == digest) {
        return Some(ResendAccess::Full);
    }
    w.resend_key_access(digest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_fill_known_variables_and_escape_html() {
        let vars = [
            ("ConfirmationURL", "https://x/verify?a=1&b=2"),
            ("Email", "a@b.se"),
        ];
        let data = json!({"name": "Ada", "n": 3});
        let out = fill(
            "<a href=\"{{ .ConfirmationURL }}\">{{.Email}}</a> {{ .Data.name }} {{ .Data.n }} {{ .Data.x }} {{ .Other }}",
            &vars,
            &data,
            true,
        );
        assert_eq!(
            out,
            "<a href=\"https://x/verify?a=1&amp;b=2\">a@b.se</a> Ada 3  {{ .Other }}"
        );
        assert_eq!(fill("Hi {{ .Email", &vars, &data, false), "Hi {{ .Email");
    }

    #[test]
    fn labels_do_not_escape_the_team_list() {
        let team = vec!["ops@agency.se".to_string()];
        assert!(authorized(&team, "ops+x@agency.se"));
        assert!(authorized(&team, "OPS@agency.se"));
        assert!(!authorized(&team, "kund@kund.se"));
        assert!(authorized(&[], "anyone@x.se"));
    }

    #[test]
    fn token_hash_is_sha224_of_address_and_code() {
        assert_eq!(token_hash("a@b.se", "123456").len(), 56);
        assert_eq!(query_escape("a b&c/é"), "a+b%26c%2F%C3%A9");
    }
}
