//! The setup proof's test customer, marked in the register when the proof makes it (issue
//! #55). "Prova igen" tears down the customer its seat's `setup.proof` names; only this mark,
//! set in the transaction that made the customer (never on one that ran: the register refuses
//! it, `customers_proof_guard` of migration 030), says the customer is the proof's. A slug or
//! a name proves nothing: anyone may write one into the seat's settings, or call a real
//! customer "Fabrik provkund".

use crate::customer::rows::CustomerRows;
use crate::customer::{Customer, CustomerDraft, ModuleManifest};
use crate::error::Result;
use crate::store::db::{params, Conn, Optional};
use crate::store::{Rows, Store};

/// Marks a customer that never ran as the proof's: false when it has runs (or is not there).
fn mark(conn: &Conn, customer_id: i64) -> Result<bool> {
    let marked = conn.execute(
        "UPDATE customers SET is_proof = ?2
          WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM runs WHERE customer_id = ?1)",
        params![customer_id, true],
    )?;
    Ok(marked == 1)
}

/// The register's rows of this part of the customer: bring it into scope to read or write them.
pub trait ProofRows: Rows {
    /// A new customer, marked the setup proof's test customer in the same transaction.
    fn create_proof_customer(
        &self,
        draft: CustomerDraft,
        manifest: &ModuleManifest,
    ) -> Result<Customer> {
        self.store()
            .create_customer_then(draft, manifest, |tx, c| mark(tx, c.id).map(|_| ()))
    }

    /// Marks a customer that never ran as the setup proof's; false when it has runs.
    fn mark_proof_customer(&self, customer_id: i64) -> Result<bool> {
        mark(&self.store().conn(), customer_id)
    }

    /// Whether the customer is the setup proof's test customer (false when it is not there).
    fn is_proof_customer(&self, customer_id: i64) -> Result<bool> {
        let marked: Option<bool> = self
            .store()
            .conn()
            .query_row(
                "SELECT is_proof FROM customers WHERE id = ?1",
                params![customer_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(marked.unwrap_or(false))
    }
}

impl ProofRows for Store {}
