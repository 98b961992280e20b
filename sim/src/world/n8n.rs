//! n8n in the simulated world: workflows.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct N8nState {
    pub workflows: Vec<Workflow>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workflow {
    pub id: String,
    pub name: String,
    pub active: bool,
    pub nodes: Value,
    pub connections: Value,
    pub settings: Value,
    pub static_data: Value,
    pub version_id: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}
