//! What each step is, in one place: its label, what it needs first, which provider it calls,
//! its forward action, and — for steps that create something deletable — how to find what a
//! crashed run made, how to delete it, and what to tell the user when that fails. The engine
//! reads only this table; there is no other list of steps, undoable steps or compensations.
//!
//! Every forward action derives a deterministic name from the customer, looks the resource up,
//! and adopts it or creates it; the intent goes to the ledger before the create call, the
//! external id right after.

/// Declares one step in a line: `step!(NAME: Key, "sv", "en", needs [Key, …], provider, run_fn);`
/// (undoable steps chain `.undoable(find, owns, delete, manual)` through `step!(… ; undo …)`).
macro_rules! step {
    ($name:ident: $key:ident, $sv:literal, $en:literal, needs [$($need:ident),*], $provider:expr, $run:ident) => {
        pub static $name: StepDef = StepDef::new(StepKey::$key, ($sv, $en), &[$(StepKey::$need),*], $provider, |ctx| Box::pin($run(ctx)));
    };
    ($name:ident: $key:ident, $sv:literal, $en:literal, needs [$($need:ident),*], $provider:expr, $run:ident;
     undo $find:ident, $owns:ident, $delete:ident, by hand $hsv:literal, $hen:literal) => {
        pub static $name: StepDef = StepDef::new(StepKey::$key, ($sv, $en), &[$(StepKey::$need),*], $provider, |ctx| Box::pin($run(ctx)))
            .undoable(
                |ctx, intent| Box::pin($find(ctx, intent)),
                |ctx, id, out| Box::pin($owns(ctx, id, out)),
                |ctx, id, out| Box::pin($delete(ctx, id, out)),
                |id| Text::new(format!($hsv, id = id), format!($hen, id = id)),
            );
    };
    // A step that changes something that was there before: its compensation puts back what
    // the step recorded, instead of deleting.
    ($name:ident: $key:ident, $sv:literal, $en:literal, needs [$($need:ident),*], $provider:expr, $run:ident;
     restore $find:ident, $owns:ident, $restore:ident, by hand $hsv:literal, $hen:literal) => {
        pub static $name: StepDef = StepDef::new(StepKey::$key, ($sv, $en), &[$(StepKey::$need),*], $provider, |ctx| Box::pin($run(ctx)))
            .restoring(
                |ctx, intent| Box::pin($find(ctx, intent)),
                |ctx, id, out| Box::pin($owns(ctx, id, out)),
                |ctx, id, out| Box::pin($restore(ctx, id, out)),
                |id| Text::new(format!($hsv, id = id), format!($hen, id = id)),
            );
    };
}

mod auth_mail;
mod backup;
mod delivery;
mod domains;
mod github;
mod handover;
mod import;
mod lifecycle;
mod migrate;
mod modules;
mod n8n;
mod promote;
mod recover;
mod sending_key;
pub use sending_key::kept_domain;
mod supabase;
mod template;
mod vercel;
mod workflows;

use std::future::Future;
use std::pin::Pin;

use rand::distr::{Alphanumeric, SampleString};
use serde_json::Value;

use super::context::{Done, RunCtx, StepError};
use crate::ledger::events::StepOutcome;
use crate::ledger::StepKey;
use crate::messages::Text;
use crate::secrets::{CustomerSecret, Provider, Secret, SecretKey};

pub use auth_mail::MAX_FREQUENCY_SECONDS;
pub use domains::{records as domain_records, records_line, DnsRecord, DomainStatus};
pub use handover::letter_path as handover_letter_path;
pub use n8n::workflow_name;
pub use promote::judge as judge_deployment;
pub use sending_key::{forget_held_token, key_name as sending_key_name};

pub type StepFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StepError>> + Send + 'a>>;

/// A resource found again: its external id and the output its delete needs.
pub type Found = Option<(String, Value)>;
/// Looks a resource up by the name recorded as intent.
pub type FindFn = for<'a> fn(&'a RunCtx, &'a str) -> StepFuture<'a, Found>;
/// Re-reads a resource by its external id and recorded output: is it this customer's?
pub type OwnsFn = for<'a> fn(&'a RunCtx, &'a str, &'a Value) -> StepFuture<'a, Owned>;
/// Deletes a resource by its external id and recorded output.
pub type DeleteFn = for<'a> fn(&'a RunCtx, &'a str, &'a Value) -> StepFuture<'a, ()>;

/// What a run takes of the plan limits that stop runs (`StepKey::spends`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spends {
    /// Supabase projects made (the free plan: two active per user).
    pub supabase_projects: u32,
    /// GitHub content-creating requests (500 an hour, 80 a minute).
    pub github_writes: u32,
    /// Vercel projects made (Hobby: 200).
    pub vercel_projects: u32,
    /// Vercel deployments made (Hobby: 100 a day).
    pub vercel_deployments: u32,
    /// Emails sent through Resend (the free plan: 100 a day).
    pub emails: u32,
}

impl Spends {
    pub fn plus(self, o: Spends) -> Spends {
        Spends {
            supabase_projects: self.supabase_projects + o.supabase_projects,
            github_writes: self.github_writes + o.github_writes,
            vercel_projects: self.vercel_projects + o.vercel_projects,
            vercel_deployments: self.vercel_deployments + o.vercel_deployments,
            emails: self.emails + o.emails,
        }
    }

    pub fn times(self, n: u32) -> Spends {
        Spends {
            supabase_projects: self.supabase_projects * n,
            github_writes: self.github_writes * n,
            vercel_projects: self.vercel_projects * n,
            vercel_deployments: self.vercel_deployments * n,
            emails: self.emails * n,
        }
    }

    /// What a run of this kind takes, at most: its steps' spends added up.
    pub fn of_kind(kind: crate::ledger::RunKind) -> Spends {
        crate::provision::kinds::def(kind)
            .steps
            .iter()
            .fold(Spends::default(), |a, k| a.plus(k.spends()))
    }
}

/// A template update's pull request: a blob per changed file is not counted (a typical
/// update changes a few files); a tree, a commit, the branch and the pull request are.
const TEMPLATE_PR_WRITES: u32 = 4;

/// One step of a provisioning run.
pub struct StepDef {
    pub key: StepKey,
    /// What the step does, for the CLI and the ledger (`label`) and the English window.
    pub label: &'static str,
    pub label_en: &'static str,
    /// What must have succeeded before this step may start: the DAG.
    pub needs: &'static [StepKey],
    pub provider: Option<Provider>,
    pub run: RunFn,
    /// `Some` for steps that create a resource Fabrik may delete again.
    pub undo: Option<Undo>,
}

pub type RunFn = for<'a> fn(&'a RunCtx) -> StepFuture<'a, Done>;

impl StepDef {
    /// A step: its key, its label in Swedish and English, what it needs, whom it calls, what
    /// it does. `undoable` adds how to find, delete and explain what it creates.
    pub const fn new(
        key: StepKey,
        (label, label_en): (&'static str, &'static str),
        needs: &'static [StepKey],
        provider: Option<Provider>,
        run: RunFn,
    ) -> StepDef {
        StepDef {
            key,
            label,
            label_en,
            needs,
            provider,
            run,
            undo: None,
        }
    }

    pub const fn undoable(
        mut self,
        find: FindFn,
        owns: OwnsFn,
        delete: DeleteFn,
        manual: fn(&str) -> Text,
    ) -> StepDef {
        self.undo = Some(Undo {
            find,
            owns,
            delete,
            manual,
            restores: false,
        });
        self
    }

    /// `undoable` for a step whose compensation restores what it changed (`delete` restores).
    pub const fn restoring(
        mut self,
        find: FindFn,
        owns: OwnsFn,
        restore: DeleteFn,
        manual: fn(&str) -> Text,
    ) -> StepDef {
        self.undo = Some(Undo {
            find,
            owns,
            delete: restore,
            manual,
            restores: true,
        });
        self
    }
}

/// How a created resource is found again, deleted, and explained when it cannot be.
pub struct Undo {
    /// The resource by the name recorded as intent, when a crash came between the create call
    /// and recording its answer: its id and the output the delete needs.
    pub find: FindFn,
    /// Reads it back right before it is deleted (and for the teardown's list): only what
    /// carries the customer's marker is ever deleted.
    pub owns: OwnsFn,
    /// Deletes it, once `owns` said it is ours; `NotFound` counts as done.
    pub delete: DeleteFn,
    /// What to do by hand, naming the resource.
    pub manual: fn(&str) -> Text,
    /// `delete` puts back what the step replaced rather than removing what it made.
    pub restores: bool,
}

/// What a re-read found where the ledger or the instance card points.
#[derive(Debug)]
pub enum Owned {
    /// It carries this customer's marker: Fabrik may delete it in a teardown; a rollback only
    /// when it was made by the run rolled back (`creation`).
    Ours(super::creation::Made),
    /// Nothing is there any more.
    Gone,
    /// Someone else's: the refusal that names it (`ownership::not_ours`).
    NotOurs(StepError),
}

/// Every step once, in `StepKey` order (each kind's declaration in `kinds` names its own).
static STEPS: [&StepDef; 44] = [
    &supabase::PROJECT,
    &supabase::READY,
    &supabase::KEYS,
    &supabase::SCHEMA,
    &supabase::ADMIN_USER,
    &github::REPO,
    &vercel::PROJECT,
    &vercel::ENV,
    &vercel::DEPLOY,
    &n8n::WORKFLOW,
    &delivery::WELCOME,
    &delivery::FINALIZE,
    &modules::CONFIG,
    &modules::ENV,
    &modules::DEPLOY,
    &lifecycle::SUPABASE_PAUSE,
    &lifecycle::SUPABASE_RESTORE,
    &lifecycle::ADMIN_PASSWORD,
    &lifecycle::N8N_DEACTIVATE,
    &lifecycle::N8N_ACTIVATE,
    &lifecycle::REDEPLOY,
    &lifecycle::NEW_PASSWORD_EMAIL,
    &domains::ADD,
    &domains::VERIFY,
    &domains::PRODUCTION,
    &domains::REMOVE,
    &backup::BACKUP,
    &migrate::MIGRATE,
    &migrate::VERIFY,
    &backup::RESTORE,
    &import::IMPORT,
    &template::PR,
    &workflows::BACKUP,
    &workflows::RESTORE,
    &promote::PROMOTE,
    &recover::RECOVER,
    &delivery::WELCOME_AGAIN,
    &auth_mail::AUTH_MAIL,
    &sending_key::SENDING_KEY,
    &handover::CLAIM_TOKEN,
    &handover::TRANSFER_REQUEST,
    &handover::WORKFLOW_EXPORT,
    &handover::REPO_TRANSFER,
    &handover::LETTER,
];

/// Every step of every kind, each once, in `StepKey` order.
pub fn all() -> impl Iterator<Item = &'static StepDef> {
    STEPS.iter().copied()
}

pub fn def(key: StepKey) -> &'static StepDef {
    all()
        .find(|d| d.key == key)
        .expect("every step key has a row in a step table (checked by a test)")
}

/// The steps that deliver an instance, in provisioning's DAG order: later runs read them.
pub fn delivery() -> impl Iterator<Item = &'static StepDef> {
    crate::provision::kinds::def(crate::ledger::RunKind::Provision)
        .steps
        .iter()
        .map(|k| k.def())
}

/// The provisioning steps whose resources can be deleted, in provisioning order (teardown's
/// targets).
pub fn undoable() -> impl Iterator<Item = &'static StepDef> {
    delivery().filter(|d| d.undo.as_ref().is_some_and(|u| !u.restores))
}

/// What the step table says of a step: the key is the ledger's word (in the foundation, which
/// knows no step's declaration), the declaration is here. In scope wherever a key's label,
/// needs or provider is read.
pub trait StepTable: Copy {
    fn def(self) -> &'static StepDef;

    /// What must have succeeded before this step may start. Independent chains (Supabase,
    /// GitHub → Vercel, n8n) run side by side.
    fn needs(self) -> &'static [StepKey];

    fn provider(self) -> Option<Provider>;

    /// What one run of the step takes of the account's plan limits, at most (a resumed or
    /// repeated run finds what it made and takes nothing). The previews of bulk runs and
    /// roll-outs add these up (`setup::budget`); a test provisions and counts the
    /// simulator's requests against them.
    fn spends(self) -> Spends;

    /// What the step does, in Swedish (the CLI) and in both languages.
    fn label(self) -> &'static str;

    fn label_text(self) -> crate::messages::Text;
}

impl StepTable for StepKey {
    fn def(self) -> &'static StepDef {
        def(self)
    }

    fn needs(self) -> &'static [StepKey] {
        self.def().needs
    }

    fn provider(self) -> Option<Provider> {
        self.def().provider
    }

    fn spends(self) -> Spends {
        let none = Spends::default();
        match self {
            StepKey::SupabaseProject => Spends {
                supabase_projects: 1,
                ..none
            },
            // The repository from the template, and its client-config.json.
            StepKey::GithubRepo => Spends {
                github_writes: 2,
                ..none
            },
            StepKey::ModulesConfig => Spends {
                github_writes: 1,
                ..none
            },
            // Git data: blobs, a tree, a commit; then the branch and the pull request.
            StepKey::GithubTemplatePr => Spends {
                github_writes: TEMPLATE_PR_WRITES,
                ..none
            },
            StepKey::VercelProject => Spends {
                vercel_projects: 1,
                ..none
            },
            StepKey::VercelDeploy | StepKey::ModulesDeploy | StepKey::VercelRedeploy => Spends {
                vercel_deployments: 1,
                ..none
            },
            key if key.irreversible() => Spends { emails: 1, ..none },
            _ => none,
        }
    }

    fn label(self) -> &'static str {
        self.def().label
    }

    fn label_text(self) -> crate::messages::Text {
        Text::new(self.def().label, self.def().label_en)
    }
}

/// A strong password from the OS CSPRNG (rand's default generator is seeded from it).
pub fn strong_password() -> Secret {
    let mut rng = rand::rng();
    // 32 alphanumerics ≈ 190 bits; a fixed suffix satisfies policies that demand a symbol.
    Secret::new(format!("{}-Fk9", Alphanumeric.sample_string(&mut rng, 32)))
}

fn done(
    outcome: StepOutcome,
    external_id: Option<String>,
    output: Value,
) -> Result<Done, StepError> {
    Ok(Done {
        outcome,
        external_id,
        output,
    })
}

/// What `create_first` came to: made by this call, or there already (`ours`: it carries this
/// run's mark, so a lost answer or a crash came between its creation and this look).
enum Made<T> {
    Created(T),
    Existing { it: T, ours: bool },
}

/// The one rule for a resource named by the customer: a first attempt creates at once, and
/// only a refusal (the name is taken, whatever the provider's wording) has it looked up; a
/// retried or resumed attempt looks first, since its create may have landed. What is found is
/// this run's only when it proves it (`made`: the resource's mark, `creation::claims`); a
/// run's intent and the order of its calls prove nothing. One look-up fewer for every new
/// instance.
async fn create_first<T, L, LF, C, CF>(
    ctx: &RunCtx,
    step: StepKey,
    intent: &str,
    find: L,
    create: C,
    made: impl Fn(&T) -> super::creation::Made,
) -> Result<Made<T>, StepError>
where
    L: Fn() -> LF,
    LF: Future<Output = Result<Option<T>, crate::providers::ProviderError>>,
    C: FnOnce() -> CF,
    CF: Future<Output = Result<T, crate::providers::ProviderError>>,
{
    use crate::providers::ErrorKind;
    let existing = |it: T| {
        let ours = super::creation::claims(made(&it));
        Made::Existing { it, ours }
    };
    if ctx.intended_by_this_run(step).await? {
        if let Some(it) = find().await? {
            return Ok(existing(it));
        }
    }
    ctx.record_intent(step, intent).await?;
    match create().await {
        Ok(it) => Ok(Made::Created(it)),
        Err(e) if matches!(e.kind, ErrorKind::Invalid | ErrorKind::Conflict) => match find().await?
        {
            Some(it) => Ok(existing(it)),
            None => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    }
}

fn created_or_adopted(created: bool) -> StepOutcome {
    if created {
        StepOutcome::Created
    } else {
        StepOutcome::Adopted
    }
}

/// A per-customer secret's keyring key: under the customer's immutable id, never its slug.
pub(super) fn customer_secret(ctx: &RunCtx, which: CustomerSecret) -> SecretKey {
    SecretKey::Customer {
        customer: ctx.customer.uid.clone(),
        which,
    }
}

/// Reads a per-customer secret (moving one an older Fabrik kept under the slug).
pub(super) async fn read_secret(
    ctx: &RunCtx,
    which: CustomerSecret,
) -> Result<Option<Secret>, StepError> {
    let (secrets, uid, slug) = (
        ctx.secrets.clone(),
        ctx.customer.uid.clone(),
        ctx.customer.slug.clone(),
    );
    Ok(crate::blocking::run(move || secrets.get_customer(&uid, &slug, which)).await?)
}

/// Reads a per-customer secret, or creates and stores one before it is used anywhere, so a
/// crash after the provider call can never lose it.
async fn kept_secret(ctx: &RunCtx, which: CustomerSecret) -> Result<Secret, StepError> {
    if let Some(s) = read_secret(ctx, which).await? {
        return Ok(s);
    }
    let key = customer_secret(ctx, which);
    let secrets = ctx.secrets.clone();
    crate::blocking::run(move || {
        let s = strong_password();
        secrets.set(&key, &s)?;
        Ok(s)
    })
    .await
}

/// `NotFound` on a delete means it is already gone.
fn gone(r: Result<(), crate::providers::ProviderError>) -> Result<(), StepError> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.kind == crate::providers::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StepError::from(e)),
    }
}

#[cfg(test)]
mod tests;
