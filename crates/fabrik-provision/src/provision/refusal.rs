//! A refusal before anything changed: one type for every path that proves a resource and
//! finds it is not the customer's (the proof before a change, a deployment not made
//! production, a handover or a move refused). It stands below `proof` and the steps, which
//! both use it, so neither points back at the other.

use crate::messages::{ErrorCode, Params};
use crate::provision::context::StepError;

/// Why Fabrik does not do what it was asked, before anything changed: the code names the
/// reason, the parameters the resource and the way out (a deployment that is not made
/// production; the project it would be made production in, gone or not the customer's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub params: Params,
}

impl From<Refusal> for crate::Error {
    fn from(r: Refusal) -> crate::Error {
        crate::Error::Refused {
            code: r.code,
            params: r.params,
        }
    }
}

impl From<StepError> for Refusal {
    fn from(e: StepError) -> Refusal {
        Refusal {
            code: e.code(),
            params: e.params(),
        }
    }
}

impl Refusal {
    /// A deployment of `slug` that is not made production, and why.
    pub fn of_deployment(
        code: ErrorCode,
        slug: &str,
        deployment: &str,
        mut more: Params,
    ) -> Refusal {
        more.insert("slug".into(), slug.to_string());
        more.insert("deployment".into(), deployment.to_string());
        Refusal { code, params: more }
    }

    pub fn to_step_error(&self) -> StepError {
        StepError::permanent(self.code, self.params.clone())
    }
}
