//! Template updates in the register: each instance's template base (the template commit its
//! repository stands on, and how Fabrik knows it) and the pull requests Fabrik opened.

use serde::Serialize;
use ts_rs::TS;

use crate::environment::Environment;
use crate::error::Result;
use crate::ledger::{BaseHow, PrState, StepKey};
use crate::store::db::{params, Optional, Row};
use crate::store::db_now;
use crate::store::{Rows, Store};

/// An instance's template base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TemplateBase {
    pub sha: String,
    pub how: BaseHow,
    pub at: String,
}

/// A pull request Fabrik opened, as the register keeps it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TemplatePr {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub customer_id: i64,
    pub slug: String,
    #[ts(type = "number | null")]
    pub rollout_id: Option<i64>,
    #[ts(type = "number | null")]
    pub run_id: Option<i64>,
    #[ts(type = "number")]
    pub repo_id: i64,
    pub base_sha: String,
    pub target_sha: String,
    pub branch: String,
    /// The commit Fabrik wrote: a branch whose head is another was pushed to by a person.
    pub commit_sha: String,
    #[ts(type = "number")]
    pub number: i64,
    pub url: String,
    /// The files it carries, as JSON (`template::FileChange` list).
    pub files: String,
    #[ts(type = "number")]
    pub conflicts: i64,
    pub state: PrState,
    pub created_at: String,
    pub checked_at: Option<String>,
}

/// A pull request as opened.
pub struct NewPr<'a> {
    pub customer_id: i64,
    pub environment: Environment,
    pub rollout_id: Option<i64>,
    pub run_id: Option<i64>,
    pub repo_id: i64,
    pub base_sha: &'a str,
    pub target_sha: &'a str,
    pub branch: &'a str,
    pub commit_sha: &'a str,
    pub number: i64,
    pub url: &'a str,
    pub files: &'a str,
    pub conflicts: i64,
}

const PR_COLUMNS: &str =
    "p.id, p.customer_id, c.slug, p.rollout_id, p.run_id, p.repo_id, p.base_sha,
    p.target_sha, p.branch, p.commit_sha, p.number, p.url, p.files, p.conflicts, p.state,
    p.created_at, p.checked_at";

fn pr(r: &Row) -> crate::store::db::Result<TemplatePr> {
    Ok(TemplatePr {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        slug: r.get(2)?,
        rollout_id: r.get(3)?,
        run_id: r.get(4)?,
        repo_id: r.get(5)?,
        base_sha: r.get(6)?,
        target_sha: r.get(7)?,
        branch: r.get(8)?,
        commit_sha: r.get(9)?,
        number: r.get(10)?,
        url: r.get(11)?,
        files: r.get(12)?,
        conflicts: r.get(13)?,
        state: r.get(14)?,
        created_at: r.get(15)?,
        checked_at: r.get(16)?,
    })
}

/// The register's rows of this area: bring it into scope to read or write them.
pub trait TemplateRows: Rows {
    /// Records the template commit an instance's repository stands on.
    fn set_template_base(
        &self,
        customer_id: i64,
        environment: Environment,
        sha: &str,
        how: BaseHow,
    ) -> Result<()> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        conn.execute(
            "UPDATE instances SET template_base = ?3, template_base_how = ?4, template_base_at = ?5
              WHERE customer_id = ?1 AND environment = ?2",
            params![customer_id, environment, sha, how, now],
        )?;
        Ok(())
    }

    /// The template base of an instance; `None` when none is recorded.
    fn template_base(
        &self,
        customer_id: i64,
        environment: Environment,
    ) -> Result<Option<TemplateBase>> {
        // One connection at a time: the ledger's read below takes it again.
        let row: Option<(Option<String>, Option<BaseHow>, Option<String>)> = self
            .store()
            .conn()
            .query_row(
                "SELECT template_base, template_base_how, template_base_at FROM instances
                  WHERE customer_id = ?1 AND environment = ?2",
                params![customer_id, environment],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((Some(sha), Some(how), at)) = row {
            return Ok(Some(TemplateBase {
                sha,
                how,
                at: at.unwrap_or_default(),
            }));
        }
        // Recorded by the provisioning run that made (or adopted) the repository.
        let out = self
            .store()
            .last_step_output(customer_id, StepKey::GithubRepo, environment)?;
        Ok(out.and_then(|o| {
            Some(TemplateBase {
                sha: o["template_base"].as_str()?.to_string(),
                how: serde_json::from_value(o["template_base_how"].clone()).ok()?,
                at: String::new(),
            })
        }))
    }

    /// Records a pull request Fabrik opened (again: the same row, when a resumed run finds
    /// the one it opened before).
    fn record_template_pr(&self, p: &NewPr) -> Result<i64> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        conn.query_row(
            "INSERT INTO template_prs (customer_id, environment, rollout_id, run_id, repo_id, base_sha,
                 target_sha, branch, commit_sha, number, url, files, conflicts, state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (customer_id, environment, target_sha) DO UPDATE SET
                 run_id = excluded.run_id, commit_sha = excluded.commit_sha, number = excluded.number,
                 url = excluded.url, files = excluded.files, conflicts = excluded.conflicts
             RETURNING id",
            params![
                p.customer_id,
                p.environment,
                p.rollout_id,
                p.run_id,
                p.repo_id,
                p.base_sha,
                p.target_sha,
                p.branch,
                p.commit_sha,
                p.number,
                p.url,
                p.files,
                p.conflicts,
                PrState::Open,
                now
            ],
            |r| r.get(0),
        )
        .map_err(Into::into)
    }

    /// The pull request Fabrik opened in an instance's repository for a template commit.
    fn template_pr_for(
        &self,
        customer_id: i64,
        environment: Environment,
        target_sha: &str,
    ) -> Result<Option<TemplatePr>> {
        let conn = self.store().conn();
        conn.query_row(
            &format!(
                "SELECT {PR_COLUMNS} FROM template_prs p JOIN customers c ON c.id = p.customer_id
                  WHERE p.customer_id = ?1 AND p.environment = ?2 AND p.target_sha = ?3"
            ),
            params![customer_id, environment, target_sha],
            pr,
        )
        .optional()
        .map_err(Into::into)
    }

    /// The environment's pull requests, newest first; with `open_only`, those still open on
    /// GitHub (Fabrik's, or pushed to by a person: both may yet be merged or closed).
    fn template_prs(&self, environment: Environment, open_only: bool) -> Result<Vec<TemplatePr>> {
        let conn = self.store().conn();
        conn.query_map(
            &format!(
                "SELECT {PR_COLUMNS} FROM template_prs p JOIN customers c ON c.id = p.customer_id
                  WHERE p.environment = ?1 AND (?2 = 0 OR p.state IN (?3, ?4)) ORDER BY p.id DESC"
            ),
            params![
                environment,
                i64::from(open_only),
                PrState::Open,
                PrState::Pushed
            ],
            pr,
        )
        .map_err(Into::into)
    }

    /// Moves a pull request's state, as last read from GitHub.
    fn set_template_pr_state(&self, id: i64, state: PrState) -> Result<()> {
        let conn = self.store().conn();
        let now = db_now(&conn)?.to_rfc3339();
        conn.execute(
            "UPDATE template_prs SET state = ?2, checked_at = ?3 WHERE id = ?1",
            params![id, state, now],
        )?;
        Ok(())
    }
}

impl TemplateRows for Store {}
