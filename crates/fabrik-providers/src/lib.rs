//! Fabrik's provider clients: GitHub through octocrab, Vercel, Supabase, n8n, Stripe and the mail
//! services through reqwest, each call with a timeout, a size limit and a bounded retry, paced
//! under the service's documented limits (`providers::pacer`), the guide to each token, and what
//! an account offers to choose from. It stands on the foundation, the customer and its usage;
//! the core passes the module on as `fabrik::providers`.

pub mod providers;

// The names every crate of Fabrik uses (`crate::messages`, `crate::customer`, …).
use fabrik_base::{error, messages, provider, secrets, Result};
use fabrik_customer::customer;
use fabrik_usage::usage;
