//! What each customer uses, costs and pays (issue #57), as plain data: the figures read of an
//! instance (`fabrik_base::figures`, one declaration), one day's reading (`reading.rs`), the plans' and
//! the providers' limits (`limits.rs`), the agency's price book and an instance's estimated
//! cost (`prices.rs`), the margin and how well a plan fits (`margin.rs`), and what the window
//! and the CLI are shown (`view.rs`). Reading the providers and keeping the days in the
//! register are `metering`'s (`metering::kept`).

pub mod build;
pub mod limits;
pub mod margin;
pub mod order;
pub mod prices;
pub mod reading;
pub mod view;

// The figures are words of the foundation, which the register keeps (`fabrik_base::figures`).
pub use fabrik_base::figures;

pub use figures::{Figure, FigureDef, Per, Unit};
pub use reading::{Reading, Revenue};
