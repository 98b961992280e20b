//! One driver's hold on a run: the token its claim wrote into the run's row. Every write the
//! driver makes is fenced by it, so a driver that lost the run (frozen past its heartbeat while
//! another process took over) writes nothing more — the ledger has one author at a time.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    pub run_id: i64,
    token: std::sync::Arc<str>,
}

impl Driver {
    /// A new hold on `run_id`, with a token no other claim has.
    pub fn new(run_id: i64) -> Driver {
        Driver {
            run_id,
            token: uuid::Uuid::new_v4().to_string().into(),
        }
    }

    /// The same hold once its run has an id (a claim written with the run's first row).
    pub fn numbered(self, run_id: i64) -> Driver {
        Driver { run_id, ..self }
    }

    /// A driver that holds no run (a read-only context): every fenced write it tries fails.
    pub fn none() -> Driver {
        Driver {
            run_id: 0,
            token: "".into(),
        }
    }

    /// What the run's row holds while this driver has it (the store's fence compares it).
    pub fn token(&self) -> &str {
        &self.token
    }
}
