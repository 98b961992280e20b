//! Why an invoice's newest payment failed, read as Stripe documents it. An invoice's `payments`
//! are includable (in an invoice only when asked for) and a payment's PaymentIntent is an id
//! unless expanded, so neither a subscription's `latest_invoice` nor an event's invoice carries
//! the decline; the invoice read again with `payments.data.payment.payment_intent` does, four
//! levels deep, Stripe's limit (doc: https://docs.stripe.com/expand; spec: `invoice.payments`).

use serde_json::Value;

use super::subscriptions::{invoice_state, Subscription};
use super::{Stripe, P};
use crate::providers::error::{ErrorKind, ProviderError};
use crate::providers::http;

/// Second reads one listing makes at most: an account with more failing subscriptions than this
/// at once shows the rest as "the payment failed" until the next read.
pub const MAX_DECLINE_READS: usize = 20;

/// The path expanded on the invoice: four levels, the most Stripe expands.
const EXPAND: &str = "payments.data.payment.payment_intent";

impl Stripe {
    /// The payments of `invoice` (the list its includable `payments` holds), each with its
    /// PaymentIntent: where a declined try's `last_payment_error` is.
    pub async fn invoice_payments(&self, invoice: &str) -> Result<Value, ProviderError> {
        if !invoice.starts_with("in_")
            || !invoice
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(ProviderError::new(
                P,
                ErrorKind::Invalid,
                format!("{invoice:?} is not an invoice id"),
            ));
        }
        let req = self
            .get(&format!("/v1/invoices/{invoice}"))
            .query(&[("expand[]", EXPAND)]);
        let mut v: Value = http::json(P, http::send(P, req).await?).await?;
        Ok(v["payments"].take())
    }

    /// Fills in why the latest try failed on each subscription whose latest invoice is open and
    /// was tried, where the read did not say: one second read each, at most
    /// [`MAX_DECLINE_READS`]. A second read that fails leaves the reason unknown (the owner then
    /// reads that the payment failed), never the whole read.
    pub async fn fill_declines(&self, subs: &mut [Subscription]) {
        let tried = subs.iter_mut().filter_map(|s| {
            s.latest_invoice.as_mut().filter(|i| {
                i.status.as_deref() == Some("open")
                    && i.attempt_count > 0
                    && i.last_failure.is_none()
            })
        });
        for inv in tried.take(MAX_DECLINE_READS) {
            match self.invoice_payments(&inv.id).await {
                Ok(payments) => {
                    let read = serde_json::json!({"id": inv.id, "payments": payments});
                    inv.last_failure = invoice_state(&read).and_then(|i| i.last_failure);
                }
                Err(e) => {
                    tracing::warn!(invoice = %inv.id, error = %e, "why a payment failed was not read")
                }
            }
        }
    }
}
