//! The events the core sends the window, declared once beside the command table: each line of
//! `with_events!` is an event's Rust name, the name it crosses the IPC boundary under, and its
//! payload. From it come `WindowEvent` (the shell emits every event through it, so it writes no
//! event name of its own) and the TypeScript `Events` type in `ui/src/bindings.ts` (`bindings.rs`), which the
//! window's one listener hook (`ui/src/state/events.ts`) is typed by.

/// Calls `$callback! { … }` with the event table.
#[macro_export]
macro_rules! with_events {
    ($callback:path) => {
        $callback! {
            /// A run moved: a step started, waited, ended; the run ended.
            Run "run-event" => $crate::provision::RunEvent;
            /// "Kontrollera alla" moved on.
            HealthSweep "health-sweep" => $crate::supervisor::host::Sweep;
            /// Another seat changed the shared register: the window reads it again.
            RegisterChanged "register-changed" => $crate::store::db::RegisterChange;
            /// Live changes stopped (since when) or resumed.
            LiveUpdates "live-updates" => $crate::store::db::LiveStatus;
            /// Fabrik's own update moved on: waiting, downloading, installed, or not.
            Update "update" => $crate::update::UpdateProgress;
            /// One person of a team invitation done (issue #44).
            Team "team-progress" => $crate::services::team::TeamProgress;
            /// A desktop notification was clicked: the window opens what it names (issue #68).
            OpenNotice "open-notice" => $crate::overview::notices::Notice;
        }
    };
}

macro_rules! window_event {
    ($( $(#[$doc:meta])* $variant:ident $name:literal => $ty:ty ;)*) => {
        /// One event for the window: its payload, named by the table.
        #[derive(Debug, Clone, Copy)]
        pub enum WindowEvent<'a> {
            $( $(#[$doc])* $variant(&'a $ty), )*
        }

        impl WindowEvent<'_> {
            /// The name the webview listens to.
            pub fn name(&self) -> &'static str {
                match self {
                    $( WindowEvent::$variant(_) => $name, )*
                }
            }
        }

        /// The payload alone crosses the boundary.
        impl serde::Serialize for WindowEvent<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $( WindowEvent::$variant(p) => p.serialize(s), )*
                }
            }
        }
    };
}

crate::with_events!(window_event);
