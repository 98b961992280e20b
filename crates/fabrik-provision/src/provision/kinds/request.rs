//! A request for a run as the ledger keeps it: checked before anything is written, stored
//! without its typed consent, read back, and what it names at the guarded gate.

use serde_json::{Map, Value};

use super::RunRequest;
use crate::error::{Error, Result};
use crate::ledger::RunKind;

impl RunRequest {
    /// The request checked and in the one form the ledger keeps: bad input (a domain, an empty
    /// deployment, a confirmation that is not the slug) is refused before anything is written;
    /// a domain is kept as validated, a deployment trimmed, a flag that is not set left out.
    pub fn checked(&self, slug: &str) -> Result<RunRequest> {
        let confirmed = |confirmation: &str| crate::provision::gate::typed(slug, confirmation);
        let domain = |domain: &str| {
            crate::customer::validate_domain(domain).map_err(|e| Error::Validation(vec![e]))
        };
        let mut checked = self.clone();
        match &mut checked {
            RunRequest::Provision
            | RunRequest::UpdateModules
            | RunRequest::Repair
            | RunRequest::Pause { .. }
            | RunRequest::Resume { .. }
            | RunRequest::Redeploy
            | RunRequest::ResetPassword
            | RunRequest::ResendWelcome
            | RunRequest::AuthMail
            | RunRequest::Migrate { .. }
            | RunRequest::TemplateSync { .. }
            | RunRequest::WorkflowRestore { .. } => {}
            // A restore and Supabase's restore replace the customer's data: typed as a
            // teardown is.
            RunRequest::Teardown { confirmation }
            | RunRequest::Restore { confirmation, .. }
            | RunRequest::Recover { confirmation, .. }
            | RunRequest::Import { confirmation, .. } => confirmed(confirmation.as_str())?,
            RunRequest::Handover {
                to_github,
                to_vercel_team,
                to_supabase_org,
                letter_to,
                confirmation,
            } => {
                confirmed(confirmation.as_str())?;
                crate::customer::handover_targets(to_github, to_vercel_team, to_supabase_org)?;
                *letter_to = crate::customer::handover_letter_to(letter_to.as_deref())?;
            }
            RunRequest::DomainAdd { domain: d } => *d = domain(d.as_str())?,
            RunRequest::DomainRemove {
                domain: d,
                confirmation,
            } => {
                *d = domain(d.as_str())?;
                crate::provision::gate::typed(d, confirmation)?;
            }
            RunRequest::Promote { deployment } => {
                *deployment = deployment.trim().to_string();
                if deployment.is_empty() {
                    return Err(Error::Validation(vec![crate::messages::FieldError::new(
                        "deployment",
                        crate::messages::ErrorCode::Required,
                        crate::messages::params! { "label" => "Driftsättning", "label_en" => "Deployment" },
                    )]));
                }
            }
            RunRequest::Backup { scheduled } => *scheduled = scheduled.filter(|s| *s),
            // What asked for it: the schedule before a provisioning.
            RunRequest::WorkflowBackup {
                scheduled,
                provisioned,
            } => {
                *scheduled = scheduled.filter(|s| *s);
                *provisioned = provisioned.filter(|p| *p && scheduled.is_none());
            }
        }
        Ok(checked)
    }

    /// The request for a kind that needs nothing more than the customer; `None` for one that
    /// needs input (a domain, a typed confirmation): whatever the kind alone deserializes to.
    pub fn without_input(kind: RunKind) -> Option<RunRequest> {
        serde_json::from_value(serde_json::json!({ "kind": kind.as_str() })).ok()
    }

    /// What the ledger keeps (`runs.input`): the request itself, without the typed
    /// confirmation (consent given once, not input; a run asked again is the same run).
    pub fn to_stored(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(o) = v.as_object_mut() {
            o.remove(CONFIRMATION);
        }
        v
    }

    /// The request a run of `kind` keeps. Rows written before the request was what the ledger
    /// keeps hold only its fields, or nothing (a kind without input): the kind comes from the
    /// row, and the moment of a recovery was called `recover_to`. `None` for JSON this Fabrik
    /// does not know (the run's steps then fail on what they miss, with `ledger_incomplete`,
    /// rather than guess).
    pub fn from_stored(kind: RunKind, stored: Option<&Value>) -> Option<RunRequest> {
        let mut o = match stored {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(o)) => o.clone(),
            Some(_) => return None,
        };
        if let Some(t) = o.remove("recover_to") {
            o.entry("target").or_insert(t);
        }
        o.insert("kind".into(), Value::from(kind.as_str()));
        o.entry(CONFIRMATION).or_insert(Value::from(""));
        serde_json::from_value::<RunRequest>(Value::Object(o))
            .ok()
            .filter(|r| r.kind() == kind)
    }

    /// Whether a run that keeps `stored` was asked what this (checked) request asks.
    pub fn asks_as(&self, kind: RunKind, stored: Option<&Value>) -> bool {
        RunRequest::from_stored(kind, stored).is_some_and(|r| r.to_stored() == self.to_stored())
    }

    /// The domain a domain run adds or removes.
    pub fn domain(&self) -> Option<&str> {
        match self {
            RunRequest::DomainAdd { domain } | RunRequest::DomainRemove { domain, .. } => {
                Some(domain)
            }
            _ => None,
        }
    }

    /// What a request through the guarded gate names and what was typed for it (`gate::pass`):
    /// the slug of a teardown, a restore or a recovery, a removed domain; `None` for every
    /// other kind.
    pub fn consent<'a>(&'a self, slug: &'a str) -> Option<(&'a str, &'a str)> {
        match self {
            RunRequest::Teardown { confirmation }
            | RunRequest::Restore { confirmation, .. }
            | RunRequest::Recover { confirmation, .. }
            | RunRequest::Handover { confirmation, .. }
            | RunRequest::Import { confirmation, .. } => Some((slug, confirmation)),
            RunRequest::DomainRemove {
                domain,
                confirmation,
            } => Some((domain, confirmation)),
            _ => None,
        }
    }

    /// Whether the schedule asked for it (a backup, a workflow backup).
    pub fn scheduled(&self) -> bool {
        matches!(
            self,
            RunRequest::Backup {
                scheduled: Some(true)
            } | RunRequest::WorkflowBackup {
                scheduled: Some(true),
                ..
            }
        )
    }
}

/// The field a request's typed confirmation has (teardown, restore, recovery).
const CONFIRMATION: &str = "confirmation";
