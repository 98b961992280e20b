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
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut tokens = Tokens::default();
    for t in &args.token {
        tokens.add_all(t);
    }
    let cfg = SimConfig {
        listen: args.listen,
        tokens,
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
