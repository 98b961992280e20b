//! The setup guide and what stands around it: the guide's steps and where this seat stopped
//! (`guide`); its proof, a test customer provisioned and torn down for real (`test_customer`);
//! what each account has left (`accounts_left`) and what a bulk run or a roll-out would take of
//! it (`budget`), held to the providers' plan limits (`plan_limits`). What they read goes
//! through the settings layer and the seat's cloud; only the proof's two runs go through the
//! supervisor.

pub mod accounts_left;
pub mod budget;
pub mod guide;
pub mod plan_limits;
pub mod test_customer;
