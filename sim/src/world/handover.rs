//! A handover in the simulated world: the customer's own accounts (outside the agency, made by a
//! test), Supabase claim tokens, Vercel transfer requests and GitHub repository transfers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HandoverState {
    /// Accounts that are not the agency's: the customer's organization, team or account.
    pub accounts: Vec<OutsideAccount>,
    pub claims: Vec<ClaimToken>,
    pub transfer_requests: Vec<TransferRequest>,
    pub repo_transfers: Vec<RepoTransfer>,
}

/// Someone else's account at a provider (`supabase`, `vercel` or `github`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutsideAccount {
    pub provider: String,
    /// The organization's slug, the team's slug, the GitHub login.
    pub name: String,
    /// The team's id (`team_…`) or the GitHub account's number, as text.
    pub id: String,
    /// GitHub: an organization rather than a user.
    pub org: bool,
    /// GitHub organization: the agency's user may create repositories there (so a transfer
    /// into it needs no acceptance).
    pub admits_agency: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimState {
    Open,
    Used,
    Revoked,
}

/// A project's claim token (`v1-create-project-claim-token`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimToken {
    pub project_ref: String,
    pub token: String,
    pub alias: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub state: ClaimState,
    /// The organization that redeemed it.
    pub claimed_by: Option<String>,
}

/// A Vercel project transfer request (`createProjectTransferRequest`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferRequest {
    pub code: String,
    pub project_id: String,
    pub from_account: String,
    pub created_ms: i64,
    /// The team that accepted it.
    pub accepted_by: Option<String>,
}

/// A GitHub repository transfer (`repos/transfer`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepoTransfer {
    pub repo_id: u64,
    /// `owner/name` before the transfer: GitHub redirects it once the repository moved.
    pub from: String,
    pub to_owner: String,
    pub done: bool,
}

impl HandoverState {
    pub fn account(&self, provider: &str, name: &str) -> Option<&OutsideAccount> {
        self.accounts
            .iter()
            .find(|a| a.provider == provider && a.name.eq_ignore_ascii_case(name))
    }
}
