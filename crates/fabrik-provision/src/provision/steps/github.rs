//! The customer's private repository, generated from the agency's template.

use serde_json::{json, Value};

use super::{created_or_adopted, done, gone, Owned, StepDef};
use crate::ledger::{BaseHow, StepKey};
use crate::messages::params;
use crate::messages::{ErrorCode, Text};
use crate::provision::context::{Done, Poll, RunCtx, StepError};
use crate::provision::ownership;
use crate::provision::{creation, outputs, proof};
use crate::secrets::Provider;

/// What a step waits for, as the window shows it.
const WAIT_TEMPLATE_COPY: (&str, &str) = (
    "Väntar på att mallens filer kopieras till repot",
    "Waiting for the template's files to be copied to the repository",
);

step!(REPO: GithubRepo, "Skapa GitHub-repo från mallen", "Create GitHub repo from template", needs [], Some(Provider::Github), repo;
    undo find_repo, owns_repo, delete_repo,
    by hand "Ta bort repot {id} under Settings → Danger Zone på GitHub (https://github.com/{id}/settings).",
    "Delete the repository {id} under Settings → Danger Zone on GitHub (https://github.com/{id}/settings).");

async fn repo(ctx: &RunCtx) -> Result<Done, StepError> {
    let s = &ctx.settings;
    let (owner, name) = (s.repo_owner.clone(), ctx.customer.slug.clone());
    let template = format!("{}/{}", s.template_owner, s.template_repo);
    let uid = ctx.customer.uid.clone();
    let github = &ctx.clients.github;
    let desc = ownership::github_description_by_run(&ctx.customer.name, &uid, &ctx.mark);
    let found = super::create_first(
        ctx,
        StepKey::GithubRepo,
        &format!("{owner}/{name}"),
        || github.repo(&owner, &name),
        || github.generate(&s.template_owner, &s.template_repo, &owner, &name, &desc),
        |r| creation::in_text(r.description.as_deref(), &ctx.mark),
    )
    .await?;
    let (r, created) = match found {
        super::Made::Created(r) => (r, true),
        super::Made::Existing { it, ours } => existing(ctx, it, &template, ours).await?,
    };
    let out = json!({
        "id": r.id, "full_name": r.full_name, "html_url": r.html_url, "owner": r.owner.login, "name": r.name,
        "default_branch": r.default_branch.clone().unwrap_or_else(|| "main".into()),
    });
    ctx.record_resource(StepKey::GithubRepo, &r.full_name, created, &out)
        .await?;
    // The template's files are copied after the call returns; Vercel cannot deploy an empty repo.
    // The history read that says so is the one the template base is found from.
    let branch = r.default_branch.clone().unwrap_or_else(|| "main".into());
    let history = ctx
        .wait_until(
            StepKey::GithubRepo,
            WAIT_TEMPLATE_COPY.into(),
            ctx.timing.repo_contents,
            || async {
                let github = &ctx.clients.github;
                Ok(
                    match github.history(&r.owner.login, &r.name, &branch, 3000).await {
                        Ok(h) if !h.is_empty() => Poll::Ready(h),
                        Ok(_) => Poll::Pending(Some("tomt".into())),
                        // An empty repository has no branch (404) or no history (409) yet.
                        Err(e)
                            if matches!(
                                e.kind,
                                crate::providers::ErrorKind::NotFound
                                    | crate::providers::ErrorKind::Conflict
                            ) =>
                        {
                            Poll::Pending(Some("tomt".into()))
                        }
                        Err(e) => return Err(e.into()),
                    },
                )
            },
        )
        .await?;
    let mut out = out;
    if let Some(base) = template_base(ctx, &r, &template, &history).await {
        // Where the repository stands on the template: what a template update merges against.
        out["template_base"] = json!(base);
        out["template_base_how"] = json!(if created {
            BaseHow::Generated
        } else {
            BaseHow::Found
        });
        // The ledger's record of the repository carries it (recorded above before it was known).
        ctx.record_resource(StepKey::GithubRepo, &r.full_name, created, &out)
            .await?;
    }
    write_client_config(ctx, &r.owner.login, &r.name, &history).await?;
    done(created_or_adopted(created), Some(r.full_name.clone()), out)
}

/// A repository that is there already, and whether this run made it: the customer's by its
/// marker (this run's own when it carries this run's mark: `ours`), or generated from the
/// template and adopted after the owner's confirmation; any other is refused with its name.
async fn existing(
    ctx: &RunCtx,
    r: crate::providers::github::Repo,
    template: &str,
    ours: bool,
) -> Result<(crate::providers::github::Repo, bool), StepError> {
    let (owner, name) = (ctx.settings.repo_owner.clone(), ctx.customer.slug.clone());
    let uid = &ctx.customer.uid;
    let from_template = r
        .template_repository
        .as_ref()
        .is_some_and(|t| t.full_name.eq_ignore_ascii_case(template));
    if !from_template {
        return Err(StepError::permanent(
            ErrorCode::RepoNameTaken,
            params! { "repo" => format!("{owner}/{name}"), "template" => template },
        ));
    }
    if ownership::carries(r.description.as_deref(), uid) {
        return Ok((r, ours));
    }
    let full_name = format!("{owner}/{name}");
    let desc =
        ownership::github_description_marked(r.description.as_deref(), &ctx.customer.name, uid);
    let github = &ctx.clients.github;
    // Bound by GitHub's numeric id: a name can be given to a new repository.
    ownership::adopt_or_refuse(
        ctx,
        StepKey::GithubRepo,
        ("GitHub-repot", "The GitHub repository"),
        &full_name,
        &r.id.to_string(),
        || async {
            github.set_description(&owner, &name, &desc).await?;
            Ok(())
        },
    )
    .await?;
    Ok((r, false))
}

/// The template commit whose tree the repository's first commit has (GitHub generates a
/// repository as one fresh commit of the template's tree). A failed read is only logged: the
/// base can be found again, or stated, before a template update needs it.
async fn template_base(
    ctx: &RunCtx,
    r: &crate::providers::github::Repo,
    template: &str,
    history: &[crate::providers::github::git::CommitHead],
) -> Option<String> {
    let gh = &ctx.clients.github;
    let target = crate::template::sync::Target {
        template: template.to_string(),
        // The repository's own answer names the template's branch; read it only when not.
        sha: match r
            .template_repository
            .as_ref()
            .and_then(|t| t.default_branch.clone())
        {
            Some(branch) => branch,
            None => match gh
                .repo(&ctx.settings.template_owner, &ctx.settings.template_repo)
                .await
            {
                Ok(Some(t)) => t.default_branch.unwrap_or_else(|| "main".into()),
                _ => return None,
            },
        },
    };
    match crate::template::sync::base_of(gh, &target, history).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(repo = %r.full_name, "the template base was not found: {e}");
            None
        }
    }
}

/// Commits `client-config.json` (the customer's modules) before anything deploys, so the first
/// build reads it; only when it differs, so a resumed or repeated run commits nothing twice.
/// A repository still at the one commit it was generated as holds its template tree's file,
/// known without a read once a run of this seat read it in that tree.
async fn write_client_config(
    ctx: &RunCtx,
    owner: &str,
    name: &str,
    history: &[crate::providers::github::git::CommitHead],
) -> Result<(), StepError> {
    use crate::provision::client_config;
    let text = client_config::render(&ctx.customer, &ctx.settings.manifest);
    let github = &ctx.clients.github;
    let generated = match history {
        [only] if only.parents.is_empty() => Some(only.tree.as_str()),
        _ => None,
    };
    let kept = generated.and_then(|tree| client_config::kept_in_trees().get(tree));
    let current = match kept {
        Some(blob) => blob,
        None => {
            let file = github.file(owner, name, client_config::PATH).await?;
            let blob = file.as_ref().map(|f| f.sha.clone());
            if let Some(tree) = generated {
                client_config::kept_in_trees().put(tree.to_string(), blob.clone());
            }
            blob
        }
    };
    if current.as_deref() == Some(&crate::providers::git_sha::blob_sha(text.as_bytes())) {
        return Ok(());
    }
    github
        .put_file(
            owner,
            name,
            client_config::PATH,
            &text,
            "Fabrik: kundens moduler (client-config.json)",
            current.as_deref(),
        )
        .await?;
    let modules: Vec<&str> = ctx.customer.modules.iter().map(|m| m.as_str()).collect();
    let list = modules.join(", ");
    ctx.log(
        StepKey::GithubRepo,
        crate::ledger::LogLevel::Info,
        &crate::messages::Say::ConfigWritten.with(crate::messages::params! {
            "path" => client_config::PATH,
            "repo" => format!("{owner}/{name}"),
            "list" => list,
        }),
    )
    .await;
    Ok(())
}

async fn find_repo(ctx: &RunCtx, intent: &str) -> Result<Option<(String, Value)>, StepError> {
    let Some((o, n)) = intent.split_once('/') else {
        return Ok(None);
    };
    let uid = ctx.customer.uid.as_str();
    Ok(ctx
        .clients
        .github
        .repo(o, n)
        .await?
        .filter(|r| ownership::carries(r.description.as_deref(), uid))
        .filter(|r| creation::claims(creation::in_text(r.description.as_deref(), &ctx.mark)))
        .map(|r| (r.full_name, json!({ "owner": o, "name": n }))))
}

/// What the ledger recorded of the repository: its id (runs recorded before ids were have
/// none) and the owner and name it had.
fn recorded(full_name: &str, output: &Value) -> outputs::GithubRepo {
    serde_json::from_value(output.clone()).unwrap_or_else(|_| {
        let (owner, name) = full_name.split_once('/').unwrap_or_default();
        outputs::GithubRepo {
            id: None,
            owner: owner.to_string(),
            name: name.to_string(),
            default_branch: None,
            html_url: None,
        }
    })
}

/// Re-reads the repository by the id the ledger recorded (a rename is followed; a stranger
/// that took the old name is not it). Without a recorded id only exactly the recorded name
/// counts: a renamed one fails the read (`provider_moved`) and is left alone.
async fn owns_repo(ctx: &RunCtx, full_name: &str, output: &Value) -> Result<Owned, StepError> {
    let recorded = recorded(full_name, output);
    Ok(match proof::repo_by_record(ctx, &recorded).await? {
        None => Owned::Gone,
        Some(r) if ownership::carries(r.description.as_deref(), &ctx.customer.uid) => {
            Owned::Ours(creation::in_text(r.description.as_deref(), &ctx.mark))
        }
        Some(r) => Owned::NotOurs(ownership::not_ours(
            "GitHub-repot",
            "The GitHub repository",
            &r.full_name,
        )),
    })
}

/// Deletes the repository where it is now, found again by its id right before the call.
async fn delete_repo(ctx: &RunCtx, full_name: &str, output: &Value) -> Result<(), StepError> {
    let recorded = recorded(full_name, output);
    match proof::repo_by_record(ctx, &recorded).await? {
        Some(r) => gone(ctx.clients.github.delete(&r.owner.login, &r.name).await),
        None => Ok(()),
    }
}
