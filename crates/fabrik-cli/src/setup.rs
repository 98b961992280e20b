//! `fabrik setup`: the setup guide in a terminal, one step per provider: what the token is
//! for, where it is made, what it must be allowed to do and why (`fabrik::providers::guide`),
//! the token read without echo straight into the keyring, and the same live check as
//! Inställningar. A step already verified is passed; an empty line skips one (done later by
//! running the guide again, which starts at the first step not verified).
//! `fabrik setup --check` runs every check without asking; `fabrik setup --proof` provisions a
//! test customer and tears it down, its cost said first (`fabrik::api::proof`).

use crate::language::Said;
use std::sync::Arc;

use clap::Args;
use fabrik::credentials::{CredentialState, CredentialStatus};
use fabrik::messages::Say;
use fabrik::providers::guide::{guide, Guide};
use fabrik::secrets::Provider;
use fabrik::setup::test_customer::ProofPhase;
use fabrik::supervisor::cloud::CloudApi;
use fabrik::ApiError;

use crate::print::{print_json, read_secret_line, say};

/// Tries per step before the guide moves on (the step stays to do).
const TRIES: usize = 3;

#[derive(Args)]
pub struct SetupArgs {
    /// Run every check without asking anything: exit 0 when every required token works, 1
    /// naming each that does not.
    #[arg(long)]
    check: bool,
    /// With --check or --proof: the result as JSON.
    #[arg(long)]
    json: bool,
    /// Provision a test customer for real and tear it down again, saying first what it costs
    /// and then each resource made and removed (continues one that stopped).
    #[arg(long, conflicts_with = "check")]
    proof: bool,
    /// With --proof: start without asking.
    #[arg(long, requires = "proof")]
    yes: bool,
}

/// One provider's check, as `--check --json` prints it.
#[derive(serde::Serialize)]
struct Checked {
    #[serde(flatten)]
    status: CredentialStatus,
    optional: bool,
    /// Where its token is made (the first way, for a provider with several).
    make_at: String,
    ok: bool,
}

pub async fn run(cloud: &Arc<CloudApi>, args: SetupArgs) -> Result<(), ApiError> {
    if args.proof {
        return proof(cloud, args.yes, args.json).await;
    }
    if cloud.environment == fabrik::environment::Environment::Sandbox {
        // The sandbox's simulator has its own tokens; the guide is for the real accounts.
        println!("{}", say(Say::SetupCliSandbox, &[]));
        return Ok(());
    }
    let endpoints = cloud.endpoints();
    let (n8n, gitea) = (endpoints.n8n_api, endpoints.gitea_api);
    let guides: Vec<Guide> = Provider::ALL
        .iter()
        .map(|&p| guide(p, &n8n, &gitea))
        .collect();
    if !args.check {
        walk(cloud, &guides).await?;
        println!();
        println!("{}", say(Say::SetupCliCheckingAll, &[]));
    }
    check(cloud, &guides, args.json).await
}

/// Every check, without asking.
async fn check(cloud: &Arc<CloudApi>, guides: &[Guide], json: bool) -> Result<(), ApiError> {
    let creds = cloud.credentials();
    {
        let mut all = Vec::new();
        for g in guides {
            let saved = creds.status(g.provider)?;
            // An optional token not given is not a failure, and is not asked for.
            let status = if g.optional && saved.state == CredentialState::Missing {
                saved
            } else {
                creds.test(g.provider).await?
            };
            let ok = status.state == CredentialState::Verified
                || (g.optional && status.state == CredentialState::Missing);
            all.push(Checked {
                status,
                optional: g.optional,
                make_at: g.kinds[0].url.clone(),
                ok,
            });
        }
        if all.iter().any(|c| !c.ok) {
            crate::runtime::mark_incomplete();
        }
        if json {
            print_json(&all);
        } else {
            for c in &all {
                print_check(c);
            }
            let failed: Vec<&str> = all
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.status.provider.display_name())
                .collect();
            if failed.is_empty() {
                println!("{}", say(Say::SetupCliAllReady, &[]));
            } else {
                let names = failed.join(", ");
                println!("{}", say(Say::SetupCliNotReady, &[("names", &names)]));
            }
        }
    }
    Ok(())
}

/// One step per provider, asking for what is not verified yet.
async fn walk(cloud: &Arc<CloudApi>, guides: &[Guide]) -> Result<(), ApiError> {
    let creds = cloud.credentials();
    let total = guides.len();
    for (i, g) in guides.iter().enumerate() {
        let name = g.provider.display_name();
        println!();
        println!(
            "[{}/{total}] {name}{} — {}",
            i + 1,
            optional(g.optional),
            g.purpose.said()
        );
        let now = creds.status(g.provider)?;
        if now.state == CredentialState::Verified && !now.from_env {
            let detail = detail(&now);
            println!("  ✓ {}", say(Say::SetupCliVerified, &[("detail", &detail)]));
            continue;
        }
        for kind in &g.kinds {
            println!("  {}: {}", kind.name.said(), kind.url);
            for p in &kind.permissions {
                println!("    • {}{}: {}", p.name, optional(p.optional), p.why.said());
            }
        }
        if now.from_env {
            println!("  {}", say(Say::SetupCliFromEnv, &[]));
            continue;
        }
        for _ in 0..TRIES {
            let prompt = say(Say::SetupCliPasteToken, &[("name", &name)]);
            let token = read_secret_line(&format!("  {prompt}"))?;
            if token.trim().is_empty() {
                println!("  {}", say(Say::SetupCliSkipped, &[]));
                break;
            }
            // Saved first (it is the user's to keep even if the check cannot reach the
            // provider now), then checked as Inställningar does.
            if let Err(e) = creds.save(g.provider, token.trim()) {
                let e = ApiError::from(e);
                let text = fabrik::messages::Text::of(e.code, &e.params);
                println!("  ✗ {}", crate::language::tr(e.message, text.said()));
                continue;
            }
            let checked = creds.test(g.provider).await?;
            if checked.state == CredentialState::Verified {
                println!("  ✓ {}", detail(&checked));
                break;
            }
            println!("  ✗ {}", detail(&checked));
        }
    }
    Ok(())
}

/// ` (valfri)` after an optional token or permission.
fn optional(optional: bool) -> String {
    match optional {
        true => format!(" ({})", say(Say::SetupCliOptional, &[])),
        false => String::new(),
    }
}

fn detail(s: &CredentialStatus) -> String {
    let v = s.verification.as_ref();
    let mut text = v.map(|v| v.message.said().clone()).unwrap_or_default();
    for w in v.map(|v| v.warnings.as_slice()).unwrap_or_default() {
        text.push_str(&format!(
            " ({})",
            say(Say::SetupCliNote, &[("warning", &w.said())])
        ));
    }
    text
}

fn print_check(c: &Checked) {
    let name = c.status.provider.display_name();
    let mark = if c.ok { "✓" } else { "✗" };
    let what = match c.status.state {
        CredentialState::Missing if c.optional => say(Say::SetupCliOptionalMissing, &[]),
        CredentialState::Missing => say(Say::SetupCliMissing, &[("url", &c.make_at)]),
        _ => detail(&c.status),
    };
    println!("{mark} {name}: {what}");
}

/// `--proof`: the cost, a question, the two runs with their progress, the report.
async fn proof(cloud: &Arc<CloudApi>, yes: bool, json: bool) -> Result<(), ApiError> {
    let supervisor = crate::runtime::supervisor(cloud, false);
    crate::watch::stop_on_ctrl_c(&supervisor);
    let proof = fabrik::setup::test_customer::Proof::new(cloud.clone(), supervisor.clone());
    let under_way = proof.report().await?;
    if !json {
        if under_way.phase == ProofPhase::Stopped {
            let slug = under_way.slug.as_deref().unwrap_or_default();
            println!("{}", say(Say::SetupCliProofContinues, &[("slug", &slug)]));
        } else {
            let plan = proof.plan().await?;
            let environment = plan.environment.as_str();
            println!(
                "{}",
                say(Say::SetupCliProofPlan, &[("environment", &environment)])
            );
            for item in &plan.items {
                println!("  • {}: {}", item.provider.display_name(), item.made.said());
                println!("      {}", item.cost.said());
            }
            for c in &plan.caveats {
                println!("  ! {}", c.said());
            }
        }
    }
    if !yes && !crate::print::confirm(&say(Say::SetupCliProofAsk, &[])) {
        println!("{}", say(Say::SetupCliNothingDone, &[]));
        return Ok(());
    }
    let report = proof.run(crate::watch::terminal(json)).await?;
    if report.phase != ProofPhase::Done {
        crate::runtime::mark_incomplete();
    }
    if json {
        print_json(&report);
        return Ok(());
    }
    println!();
    let slug = report.slug.as_deref().unwrap_or_default();
    println!("{}", say(Say::SetupCliProofMade, &[("slug", &slug)]));
    for r in &report.made {
        println!("  + {} {}", r.step.as_str(), r.id);
    }
    println!("{}", say(Say::SetupCliProofRemoved, &[]));
    for r in &report.removed {
        let mark = if r.state == fabrik::ledger::StepState::Compensated {
            "−"
        } else {
            "!"
        };
        println!(
            "  {mark} {} {} ({})",
            r.step.as_str(),
            r.id,
            r.state.as_str()
        );
    }
    let seconds = report.seconds.unwrap_or(0);
    let problem = report.problem.map(|p| p.said()).unwrap_or_default();
    let end = match report.phase {
        ProofPhase::Done => say(Say::SetupCliProofDone, &[("seconds", &seconds)]),
        _ => say(Say::SetupCliProofStopped, &[("problem", &problem)]),
    };
    println!("{end}");
    Ok(())
}
