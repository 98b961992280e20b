//! The customer register: the model, the rules a customer must satisfy, and example data.

mod examples;
mod handover;
pub mod health;
mod manifest;
mod model;
pub mod rows;
mod slug;
pub mod team;
pub mod validate;

pub use crate::messages::FieldError;
pub use examples::example_customers;
pub use handover::{handover_letter_to, handover_targets};
pub use manifest::{ModuleInfo, ModuleManifest};
pub use model::{
    Applied, Customer, CustomerDraft, CustomerListing, CustomerPatch, CustomerQuery, CustomerRow,
    EnvNames, Instance, InstanceLinks, Module, Plan, SortKey, Status,
};
pub use slug::{derive_slug, validate_slug, SlugError, RESERVED_SLUGS, SLUG_MAX, SLUG_MIN};
pub use team::{check_invitee, BadRow, Invitee, TeamPreview, TeamRole};
pub use validate::{
    host_name, validate_domain, validate_draft, validate_email, validate_https_url, validate_patch,
    without_controls, ValidFields, EMAIL_MAX, NAME_MAX, NOTES_MAX,
};
