//! One problem with one field, the shape every validation rule answers in (the slug's rules
//! and the form's rules alike), so neither rule module needs the other to speak.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{ErrorCode, Params};

/// One problem with one field: a stable code with its parameters (e.g. the limit broken), and
/// the Swedish text rendered from them (the window renders its own language from the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    pub field: String,
    /// The rule broken.
    pub code: ErrorCode,
    /// The template of its text: the code's own, or a more specific one for the same rule
    /// (an address without @ breaks `email_invalid` and says so).
    pub text: ErrorCode,
    pub message: String,
    pub params: Params,
}

impl FieldError {
    pub fn new(field: &str, code: ErrorCode, params: Params) -> Self {
        Self::worded(field, code, code, params)
    }

    pub fn worded(field: &str, code: ErrorCode, text: ErrorCode, params: Params) -> Self {
        FieldError {
            field: field.into(),
            code,
            text,
            message: text.sv(&params),
            params,
        }
    }

    pub fn plain(field: &str, code: ErrorCode) -> Self {
        Self::new(field, code, Params::new())
    }

    /// Another customer already has this slug (the one uniqueness rule: form check and store).
    pub fn slug_taken(slug: &str) -> Self {
        Self::new(
            "slug",
            ErrorCode::SlugTaken,
            crate::messages::params! { "slug" => slug },
        )
    }

    /// The English text.
    pub fn en(&self) -> String {
        self.text.en(&self.params)
    }
}
