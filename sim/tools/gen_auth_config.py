#!/usr/bin/env python3
"""Writes sim/src/providers/supabase_auth_config/spec.rs from the Management API description.

Every property of `UpdateAuthConfigBody` becomes a validation rule (type, nullable, minimum,
maximum, pattern, format, enum) and every property of `AuthConfigResponse` gets a default (what
a new hosted project answers: the values below, otherwise `false` for a nullable boolean and
`null` for any other nullable field, 0 for a non-nullable number). Run from the repository root:

    python3 sim/tools/gen_auth_config.py

The simulator's unit test `spec_table_matches_the_description` fails when the description and
the generated table disagree, so a regenerated contract shows up in `cargo test -p fabrik-sim`.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "contracts/supabase/management-api-v1.openapi.json"
OUT = ROOT / "sim/src/providers/supabase_auth_config/spec.rs"

INVITE_TEMPLATE = (
    "<h2>You have been invited</h2>\n\n"
    "<p>You have been invited to create a user on {{ .SiteURL }}. Follow this link to accept the invite:</p>\n"
    '<p><a href="{{ .ConfirmationURL }}">Accept the invite</a></p>'
)
RECOVERY_TEMPLATE = (
    "<h2>Reset Password</h2>\n\n"
    "<p>Follow this link to reset the password for your user:</p>\n"
    '<p><a href="{{ .ConfirmationURL }}">Reset Password</a></p>'
)
CONFIRMATION_TEMPLATE = (
    "<h2>Confirm your signup</h2>\n\n"
    "<p>Follow this link to confirm your user:</p>\n"
    '<p><a href="{{ .ConfirmationURL }}">Confirm your mail</a></p>'
)
MAGIC_LINK_TEMPLATE = (
    "<h2>Magic Link</h2>\n\n"
    "<p>Follow this link to login:</p>\n"
    '<p><a href="{{ .ConfirmationURL }}">Log In</a></p>'
)
EMAIL_CHANGE_TEMPLATE = (
    "<h2>Confirm Change of Email</h2>\n\n"
    "<p>Follow this link to confirm the update of your email from {{ .Email }} to {{ .NewEmail }}:</p>\n"
    '<p><a href="{{ .ConfirmationURL }}">Change Email</a></p>'
)
REAUTH_TEMPLATE = "<h2>Confirm reauthentication</h2>\n\n<p>Enter the code: {{ .Token }}</p>"

# A new hosted project's values where they are not false/null (the simulator's choice where
# Supabase documents none).
DEFAULTS = {
    "site_url": "http://localhost:3000",
    "uri_allow_list": "",
    "jwt_exp": 3600,
    "api_max_request_duration": 10,
    "external_email_enabled": True,
    "mailer_secure_email_change_enabled": True,
    "mailer_otp_exp": 3600,
    "mailer_otp_length": 6,
    "mailer_subjects_invite": "You have been invited",
    "mailer_subjects_confirmation": "Confirm Your Signup",
    "mailer_subjects_recovery": "Reset Your Password",
    "mailer_subjects_magic_link": "Your Magic Link",
    "mailer_subjects_email_change": "Confirm Email Change",
    "mailer_subjects_reauthentication": "Confirm reauthentication",
    "mailer_templates_invite_content": INVITE_TEMPLATE,
    "mailer_templates_recovery_content": RECOVERY_TEMPLATE,
    "mailer_templates_confirmation_content": CONFIRMATION_TEMPLATE,
    "mailer_templates_magic_link_content": MAGIC_LINK_TEMPLATE,
    "mailer_templates_email_change_content": EMAIL_CHANGE_TEMPLATE,
    "mailer_templates_reauthentication_content": REAUTH_TEMPLATE,
    "mfa_max_enrolled_factors": 10,
    "mfa_totp_enroll_enabled": True,
    "mfa_totp_verify_enabled": True,
    "mfa_phone_otp_length": 6,
    "mfa_phone_max_frequency": 5,
    "mfa_phone_template": "Your code is {{ .Code }}",
    "password_min_length": 6,
    "password_required_characters": "",
    "rate_limit_anonymous_users": 30,
    "rate_limit_email_sent": 2,
    "rate_limit_sms_sent": 30,
    "rate_limit_token_refresh": 150,
    "rate_limit_verify": 30,
    "rate_limit_otp": 30,
    "rate_limit_web3": 30,
    "refresh_token_rotation_enabled": True,
    "security_refresh_token_reuse_interval": 10,
    "sms_max_frequency": 60,
    "sms_otp_exp": 60,
    "sms_otp_length": 6,
    "sms_provider": "twilio",
    "sms_template": "Your code is {{ .Code }}",
    "smtp_max_frequency": 60,
}

PATTERNS = {
    "^[^,]+$": "Pattern::NoComma",
    "^\\s*([a-zA-Z0-9_-]+(\\s*,+\\s*)?)*\\s*$": "Pattern::Tags",
    "^([0-9]{1,15}=[0-9]+,?)*$": "Pattern::TestOtps",
}
FORMATS = {"email": "Format::Email", "date-time": "Format::DateTime"}
TYPES = {"boolean": "Ty::Bool", "integer": "Ty::Int", "number": "Ty::Num", "string": "Ty::Str"}


def rust_str(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ord(ch) > 0x7E:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def num(v):
    return "None" if v is None else f"Some({float(v)!r})"


def default_of(name, prop):
    if name in DEFAULTS:
        return DEFAULTS[name]
    if prop.get("nullable"):
        return False if prop["type"] == "boolean" else None
    return {"boolean": False, "integer": 0, "number": 0, "string": ""}[prop["type"]]


def main():
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    update = schemas["UpdateAuthConfigBody"]["properties"]
    response = schemas["AuthConfigResponse"]["properties"]
    lines = [
        "//! Generated by `sim/tools/gen_auth_config.py` from",
        "//! `contracts/supabase/management-api-v1.openapi.json` (`UpdateAuthConfigBody`,",
        "//! `AuthConfigResponse`). Do not edit by hand: change the script and run it again.",
        "",
        "use super::{Field, Format, Pattern, Ty};",
        "",
        "/// Every property `PATCH /v1/projects/{ref}/config/auth` accepts, with its rules.",
        "#[rustfmt::skip]",
        "pub(crate) const UPDATE_FIELDS: &[Field] = &[",
    ]
    for name, p in update.items():
        pattern = PATTERNS[p["pattern"]] if "pattern" in p else None
        fmt = FORMATS[p["format"]] if "format" in p else None
        choices = ", ".join(rust_str(c) for c in p.get("enum", []))
        lines.append(
            f"    Field {{ name: {rust_str(name)}, ty: {TYPES[p['type']]}, nullable: {str(bool(p.get('nullable'))).lower()}, "
            f"min: {num(p.get('minimum'))}, max: {num(p.get('maximum'))}, "
            f"pattern: {'Some(' + pattern + ')' if pattern else 'None'}, format: {'Some(' + fmt + ')' if fmt else 'None'}, "
            f"choices: &[{choices}] }},"
        )
    lines.append("];")
    lines.append("")
    lines.append("/// `AuthConfigResponse` of a new project: every property, in the description's order.")
    lines.append("#[rustfmt::skip]")
    lines.append("pub(crate) const DEFAULTS: &[(&str, &str)] = &[")
    for name, p in response.items():
        lines.append(f"    ({rust_str(name)}, {rust_str(json.dumps(default_of(name, p), ensure_ascii=False))}),")
    lines.append("];")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(update)} fields, {len(response)} defaults")


if __name__ == "__main__":
    main()
