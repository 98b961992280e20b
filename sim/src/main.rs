//! `fabrik-sim` binary: runs the simulator until Ctrl-C (or SIGTERM).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use fabrik_sim::{Profile, SimConfig, Tokens};

#[derive(Parser, Debug)]
#[command(
    name = "fabrik-sim",
    about = "Local simulator of Supabase, GitHub, Vercel, n8n and Resend"
)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Token accepted by every provider (repeat for several).
    #[arg(long, required = true)]
    token: Vec<String>,
    /// Multiplies every simulated duration.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// realistic (durations like the real services) or instant.
    #[arg(long, default_value = "realistic")]
    profile: Profile,
    /// Persist the simulated world in this JSON file.
    #[arg(long)]
    state: Option<PathBuf>,
    /// PostgreSQL superuser URL; SQL is executed there instead of only parsed.
    #[arg(long)]
    database_url: Option<String>,
    /// Seed for generated ids.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// A GitHub token's scopes, `TOKEN=repo,read:user` (repeat for several; others get
    /// `repo, delete_repo, read:user`).
    #[arg(long, value_parser = token_and)]
    github_scopes: Vec<(String, String)>,
    /// A GitHub token made with an expiry, `TOKEN=DAYS` from now (negative: expired).
    #[arg(long, value_parser = token_and, allow_hyphen_values = true)]
    github_expires_in_days: Vec<(String, String)>,
}

/// `TOKEN=VALUE`, split at the last `=` (a token has none).
fn token_and(s: &str) -> Result<(String, String), String> {
    s.rsplit_once('=')
        .map(|(t, v)| (t.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected TOKEN=VALUE, got {s}"))
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut tokens = Tokens::default();
    for t in &args.token {
        tokens.add_all(t);
    }
    let github_scopes = args
        .github_scopes
        .iter()
        .map(|(t, s)| {
            (
                t.clone(),
                s.split(',').map(|x| x.trim().to_string()).collect(),
            )
        })
        .collect();
    let now = chrono::Utc::now().timestamp_millis();
    let mut github_token_expiry = std::collections::HashMap::new();
    for (t, days) in &args.github_expires_in_days {
        let Ok(days) = days.parse::<f64>() else {
            eprintln!("fabrik-sim: --github-expires-in-days {t}={days}: not a number of days");
            std::process::exit(2);
        };
        github_token_expiry.insert(t.clone(), now + (days * 86_400_000.0) as i64);
    }
    let cfg = SimConfig {
        listen: args.listen,
        tokens,
        github_scopes,
        github_token_expiry,
        profile: args.profile,
        time_scale: args.time_scale,
        state_file: args.state,
        database_url: args.database_url,
        seed: args.seed,
        ..SimConfig::default()
    };
    let sim = match fabrik_sim::start(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fabrik-sim: {e}");
            std::process::exit(1);
        }
    };
    println!("fabrik-sim listening on {}", sim.base_url());
    wait_for_signal().await;
    sim.shutdown().await;
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
