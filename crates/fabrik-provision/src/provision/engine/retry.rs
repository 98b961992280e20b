//! The one retry loop of the engine: a step's forward action and a compensation both go
//! through it, so both retry the same answers, wait the same delays, and stop at the same bound
//! (`RetryPolicy::delay` says when to give up).

use std::future::Future;
use std::time::Duration;

use crate::providers::retry::RetryPolicy;
use crate::providers::ProviderError;
use crate::provision::context::StepError;

/// Runs `attempt` until it succeeds, fails in a way retrying cannot mend, or the policy says
/// no more. Before each retry, `before_retry` records why and waits the delay (it may stop the
/// loop, e.g. when the run is cancelled meanwhile). Returns the last result and how many
/// attempts were made.
pub(super) async fn retrying<T, A, B>(
    policy: &RetryPolicy,
    mut attempt: impl FnMut(u32) -> A,
    mut before_retry: impl FnMut(u32, ProviderError, Duration) -> B,
) -> (Result<T, StepError>, u32)
where
    A: Future<Output = Result<T, StepError>>,
    B: Future<Output = Result<(), StepError>>,
{
    let mut n: u32 = 1;
    loop {
        match attempt(n).await {
            Err(StepError::Provider(e)) => match policy.delay(n, &e) {
                Some(delay) => {
                    if let Err(stop) = before_retry(n, e, delay).await {
                        return (Err(stop), n);
                    }
                    n += 1;
                }
                None => return (Err(StepError::Provider(e)), n),
            },
            other => return (other, n),
        }
    }
}
