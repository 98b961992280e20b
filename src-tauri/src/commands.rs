//! The Tauri commands, generated from the core's one command table (`fabrik::with_commands!`):
//! a `#[tauri::command]` wrapper per line and the handler list, so a command cannot be missing
//! from either. `blocking` commands run on the blocking pool, never on the UI thread or an
//! async worker; `async` ones await the core, which does its own blocking work off the workers.
//! Arguments keep the table's snake_case names (`move_file`, `halt_share`), as
//! `ui/src/bindings.ts` declares them; Tauri's default would expect camelCase.

use std::sync::Arc;

use fabrik::api::app::Fabrik;
use fabrik::api::commands::Commands;
use fabrik::ApiError;
use tauri::State;

macro_rules! tauri_commands {
    ($( $kind:ident $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty ;)*) => {
        $( tauri_commands!(@one $kind $name ($($arg: $ty),*) -> $ret); )*

        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
    (@one blocking $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        #[tauri::command(rename_all = "snake_case")]
        pub async fn $name(fabrik: State<'_, Arc<Fabrik>>, $($arg: $ty),*) -> Result<$ret, ApiError> {
            let fabrik = fabrik.inner().clone();
            fabrik::blocking::run(move || fabrik.$name($($arg),*)).await
        }
    };
    (@one async $name:ident ($($arg:ident : $ty:ty),*) -> $ret:ty) => {
        #[tauri::command(rename_all = "snake_case")]
        pub async fn $name(fabrik: State<'_, Arc<Fabrik>>, $($arg: $ty),*) -> Result<$ret, ApiError> {
            fabrik.$name($($arg),*).await
        }
    };
}

fabrik::with_commands!(tauri_commands);
