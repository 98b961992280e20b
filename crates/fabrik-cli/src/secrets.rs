//! `fabrik secrets …`: the agency's tokens in the OS keyring, never shown, never on the
//! command line.

use crate::language::{tr, trf, Said};
use std::sync::Arc;

use clap::Subcommand;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_json, read_secret_line};

#[derive(Subcommand)]
pub enum SecretsCmd {
    /// Saved, verified or missing, per provider.
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Save a token: typed at a hidden prompt, or read from standard input.
    Set {
        /// github, supabase, vercel, n8n or resend.
        provider: fabrik::secrets::Provider,
        /// What is kept now (never the token), as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify saved tokens against the providers (read-only calls).
    Test {
        /// One provider (github, supabase, vercel, n8n, resend); all when left out.
        provider: Option<fabrik::secrets::Provider>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Resend: also send a test email to the sender address.
        #[arg(long)]
        send_email: bool,
    },
    /// Delete a token from the keyring.
    Rm {
        /// github, supabase, vercel, n8n or resend.
        provider: fabrik::secrets::Provider,
        /// What is kept now, as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(cloud: &Arc<CloudApi>, cmd: SecretsCmd) -> Result<(), ApiError> {
    let creds = cloud.credentials();
    match cmd {
        SecretsCmd::Status { json } => {
            let all = creds.all()?;
            if json {
                print_json(&all);
            } else {
                all.iter().for_each(print_credential);
            }
            Ok(())
        }
        SecretsCmd::Set { provider, json } => {
            let token = read_token(provider)?;
            let saved = creds.save(provider, &token)?;
            match json {
                true => print_json(&saved),
                false => print_credential(&saved),
            }
            Ok(())
        }
        SecretsCmd::Test {
            provider,
            json,
            send_email,
        } => {
            let providers = provider
                .map(|p| vec![p])
                .unwrap_or_else(|| fabrik::secrets::Provider::ALL.to_vec());
            let mut out = Vec::new();
            for p in providers {
                let resend = p == fabrik::secrets::Provider::Resend;
                out.push(if send_email && resend {
                    creds.send_test_email().await?
                } else {
                    creds.test(p).await?
                });
            }
            if json {
                print_json(&out);
            } else {
                out.iter().for_each(print_credential);
            }
            let bad = out
                .iter()
                .any(|s| s.state == fabrik::credentials::CredentialState::Problem);
            if bad {
                Err(fabrik::Error::InvalidToken(fabrik::messages::Text::new(
                    "minst en token fungerar inte (se ovan)",
                    "at least one token does not work (see above)",
                ))
                .into())
            } else {
                Ok(())
            }
        }
        SecretsCmd::Rm { provider, json } => {
            let left = creds.delete(provider)?;
            match json {
                true => print_json(&left),
                false => print_credential(&left),
            }
            Ok(())
        }
    }
}

/// Reads a token without echo at a terminal, or as one line from a pipe.
fn read_token(p: fabrik::secrets::Provider) -> Result<String, ApiError> {
    read_secret_line(&trf!(
        "Token för {} (visas inte): ",
        "Token for {} (not shown): ",
        p.display_name()
    ))
}

fn print_credential(s: &fabrik::credentials::CredentialStatus) {
    let state = s.state.label().text().said();
    let detail = s
        .verification
        .as_ref()
        .map(|v| v.message.said().clone())
        .unwrap_or_default();
    let env = if s.from_env {
        tr(" (från miljövariabel)", " (from an environment variable)")
    } else {
        ""
    };
    println!(
        "{:<10} {:<11} {detail}{env}",
        s.provider.display_name(),
        state
    );
    if let Some(v) = &s.verification {
        for w in &v.warnings {
            let w = w.said();
            println!("{:<10} {:<11} {}", "", "", trf!("obs: {w}", "note: {w}"));
        }
    }
}
