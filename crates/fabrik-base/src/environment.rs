//! Which clouds Fabrik talks to: the sandbox (an in-process simulator) or production (the real
//! APIs). Every run, token and setting belongs to exactly one of them.

use crate::vocabulary::vocabulary;

vocabulary!(
    pub enum Environment {
        Sandbox => "sandbox",
        Production => "production",
    }
);

pub const ENVIRONMENT_SETTING: &str = "app.environment";

// The register's tables of these words (`fabrik_base::words`).
crate::words::words_table!(ENVIRONMENTS: "environments" => Environment);
