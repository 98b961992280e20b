//! A template roll-out's part in one repository: the template's changes since the repository's
//! base, merged three ways onto the customer's own (`crate::template`), written as one tree,
//! one commit, one branch of Fabrik's and one pull request, never onto the customer's branch.
//!
//! Resuming after a crash finds what was written before: the pull request in the register, or
//! Fabrik's branch with its commit (by the commit's trailer), or the pull request GitHub already
//! has for that branch. A branch a person pushed to is left as it is.

use serde_json::json;

use super::{done, StepDef};
use crate::ledger::events::StepOutcome;
use crate::ledger::{BaseHow, LogLevel, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Say};
use crate::providers::error::ErrorKind;
use crate::provision::context::{Done, RunCtx, StepError};
use crate::provision::kinds::RunRequest;
use crate::provision::rollouts::RolloutRows;
use crate::provision::{outputs, proof};
use crate::secrets::Provider;
use crate::template::rows::NewPr;
use crate::template::rows::TemplateRows;
use crate::template::sync::{self, Target};

step!(PR: GithubTemplatePr, "Öppna en pull request med mallens ändringar", "Open a pull request with the template's changes", needs [GithubRepo], Some(Provider::Github), template_pr);

/// The trailer that names the template commit a commit of Fabrik's carries.
pub const TRAILER: &str = "Fabrik-Template:";

/// The roll-out this run belongs to, and the template commit it carries.
async fn planned_target(ctx: &RunCtx) -> Result<(i64, Target), StepError> {
    let missing = || {
        StepError::permanent(
            ErrorCode::LedgerIncomplete,
            params! { "step" => StepKey::GithubTemplatePr, "field" => "rollout" },
        )
    };
    let Some(RunRequest::TemplateSync { rollout }) = ctx.request else {
        return Err(missing());
    };
    let row = ctx
        .db(move |s| s.get_rollout(rollout))
        .await?
        .ok_or_else(missing)?;
    let target: Target = serde_json::from_str(&row.migrations).map_err(|_| missing())?;
    Ok((rollout, target))
}

async fn template_pr(ctx: &RunCtx) -> Result<Done, StepError> {
    let (rollout, target) = planned_target(ctx).await?;
    let (customer_id, env) = (ctx.customer.id, ctx.environment);
    let gh = &ctx.clients.github;
    // Opened before (a resumed run): nothing more to write.
    let t = target.sha.clone();
    if let Some(pr) = ctx
        .db(move |s| s.template_pr_for(customer_id, env, &t))
        .await?
    {
        return done(
            StepOutcome::Done,
            Some(pr.url.clone()),
            json!({ "number": pr.number, "url": pr.url, "conflicts": pr.conflicts }),
        );
    }
    let r = proof::repo(ctx).await?;
    let repo = (r.owner.login.as_str(), r.name.as_str());
    let default_branch = r
        .default_branch
        .clone()
        .or(ctx.out::<outputs::GithubRepo>()?.default_branch)
        .unwrap_or_else(|| "main".into());
    let base = match ctx.db(move |s| s.template_base(customer_id, env)).await? {
        Some(b) => b.sha,
        None => {
            let found = sync::find_base(gh, &target, repo, &default_branch).await?;
            let Some(sha) = found else {
                return Err(StepError::permanent(
                    ErrorCode::TemplateBaseUnknown,
                    params! { "repo" => r.full_name.clone(), "slug" => ctx.customer.slug.clone() },
                ));
            };
            let s2 = sha.clone();
            ctx.db(move |s| s.set_template_base(customer_id, env, &s2, BaseHow::Found))
                .await?;
            sha
        }
    };
    if base == target.sha {
        ctx.log(
            StepKey::GithubTemplatePr,
            LogLevel::Info,
            &Say::TemplateCurrent.with(params! { "sha" => target.short() }),
        )
        .await;
        return done(StepOutcome::Done, None, json!({ "current": true }));
    }
    let branch = target.branch();
    let existing = gh.branch_head(repo.0, repo.1, &branch).await?;
    let cache = sync::shared();
    let (commit, proposal) = match existing {
        Some(head) => {
            // Fabrik's branch from a run that stopped before its pull request: its commit is
            // reused. Anyone else's branch of that name is left alone.
            let c = gh.commit(repo.0, repo.1, &head).await?;
            let ours = c.message.contains(&format!("{TRAILER} {}", target.sha));
            if !ours || c.parents.len() != 1 {
                return Err(StepError::permanent(
                    ErrorCode::TemplateBranchTaken,
                    params! { "repo" => r.full_name.clone(), "branch" => branch.clone() },
                ));
            }
            let customer = sync::customer_at(gh, &cache, repo, &c.parents[0]).await?;
            let proposal = sync::propose(gh, &cache, &target, &base, repo, &customer).await?;
            (head, proposal)
        }
        None => {
            let Some(customer) = sync::customer(gh, &cache, repo, &default_branch).await? else {
                return Err(StepError::permanent(
                    ErrorCode::ResourceGone,
                    params! { "resource" => "Grenen", "resource_en" => "The branch", "name" => format!("{}:{default_branch}", r.full_name) },
                ));
            };
            let proposal = sync::propose(gh, &cache, &target, &base, repo, &customer).await?;
            if proposal.is_empty() {
                // The customer has every change already: the base moves, no pull request.
                let t = target.sha.clone();
                ctx.db(move |s| s.set_template_base(customer_id, env, &t, BaseHow::Synced))
                    .await?;
                ctx.log(
                    StepKey::GithubTemplatePr,
                    LogLevel::Info,
                    &Say::TemplateNothingToChange.with(params! { "sha" => target.short() }),
                )
                .await;
                return done(StepOutcome::Done, None, json!({ "current": true }));
            }
            // Proven again right before the first write (marker and fence).
            proof::repo(ctx).await?;
            let changes =
                sync::tree_changes(gh, repo, proposal.writes.clone(), proposal.removes.clone())
                    .await?;
            let tree = gh
                .create_tree(repo.0, repo.1, &customer.tree, &changes)
                .await?;
            let message = commit_message(&target, &base, &ctx.customer.uid, proposal.conflicts);
            let commit = gh
                .create_commit(
                    repo.0,
                    repo.1,
                    &message,
                    &tree,
                    std::slice::from_ref(&customer.head),
                )
                .await?;
            match gh.create_branch(repo.0, repo.1, &branch, &commit).await {
                Ok(()) => {}
                // Made meanwhile (a second driver): only Fabrik's own commit is taken.
                Err(e) if e.kind == ErrorKind::Conflict => {
                    return Err(StepError::permanent(
                        ErrorCode::TemplateBranchTaken,
                        params! { "repo" => r.full_name.clone(), "branch" => branch.clone() },
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            (commit, proposal)
        }
    };
    let title = pr_title(&target, &proposal);
    let body = pr_body(&target, &base, &proposal);
    let pull = match gh
        .create_pull(repo.0, repo.1, &title, &branch, &default_branch, &body)
        .await
    {
        Ok(p) => p,
        Err(e) if matches!(e.kind, ErrorKind::Conflict | ErrorKind::Invalid) => {
            // One exists for this branch already (opened before a crash): that one.
            let open = gh.pulls_of(repo.0, repo.1, &branch).await?;
            open.into_iter()
                .find(|p| p.head.sha == commit)
                .ok_or_else(|| StepError::from(e))?
        }
        Err(e) => return Err(e.into()),
    };
    let files = serde_json::to_string(&proposal.changes).unwrap_or_default();
    let (url, number) = (pull.html_url.clone(), pull.number as i64);
    let (run_id, repo_id) = (ctx.run_id, r.id as i64);
    let (b, t, br, c, u) = (
        base.clone(),
        target.sha.clone(),
        branch.clone(),
        commit.clone(),
        url.clone(),
    );
    let conflicts = proposal.conflicts as i64;
    ctx.db(move |s| {
        s.record_template_pr(&NewPr {
            customer_id,
            environment: env,
            rollout_id: Some(rollout),
            run_id: Some(run_id),
            repo_id,
            base_sha: &b,
            target_sha: &t,
            branch: &br,
            commit_sha: &c,
            number,
            url: &u,
            files: &files,
            conflicts,
        })
    })
    .await?;
    ctx.log(
        StepKey::GithubTemplatePr,
        LogLevel::Info,
        &Say::TemplatePrOpened.with(params! {
            "number" => number, "repo" => r.full_name.clone(), "files" => proposal.changes.len(),
            "conflicts" => conflicts,
        }),
    )
    .await;
    done(
        StepOutcome::Created,
        Some(url.clone()),
        json!({ "number": number, "url": url, "conflicts": conflicts, "branch": branch, "commit": commit }),
    )
}

fn commit_message(target: &Target, base: &str, uid: &str, conflicts: usize) -> String {
    let mut m = format!(
        "Mallen: {} → {}\n\nFabrik tar in mallens ändringar sedan {} ({}).\n",
        sync::short(base),
        target.short(),
        sync::short(base),
        target.template
    );
    if conflicts > 0 {
        m.push_str(&format!(
            "{conflicts} konflikt(er) har markeringar som en person måste lösa.\n"
        ));
    }
    m.push_str(&format!(
        "\n{TRAILER} {}\nFabrik-Customer: {uid}\n",
        target.sha
    ));
    m
}

fn pr_title(target: &Target, p: &sync::Proposal) -> String {
    if p.conflicts > 0 {
        format!(
            "Mallen {}: {} filer, {} konflikter att lösa",
            target.short(),
            p.changes.len(),
            p.conflicts
        )
    } else {
        format!("Mallen {}: {} filer", target.short(), p.changes.len())
    }
}

fn pr_body(target: &Target, base: &str, p: &sync::Proposal) -> String {
    let mut b = format!(
        "Fabrik tar in mallens ändringar från `{}` till `{}` ({}).\n\
         Kundens egna ändringar är kvar; mallens är tillagda per fil (trevägssammanslagning).\n\n",
        sync::short(base),
        target.short(),
        target.template
    );
    if p.conflicts > 0 {
        b.push_str(
            "**Konflikter:** där både kunden och mallen ändrat samma rader har filen \
             konfliktmarkeringar (`<<<<<<<`, `>>>>>>>`). Lös dem innan pull requesten slås ihop; \
             Fabrik slår aldrig ihop den själv.\n\n",
        );
    }
    b.push_str("| Fil | Mallen | Kunden | Resultat |\n|---|---|---|---|\n");
    for line in p.table_lines() {
        b.push_str(&line);
        b.push('\n');
    }
    b
}
