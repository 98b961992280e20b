//! Persisting the world as JSON, atomically (temp file + rename) so a crash never leaves half a file.

use std::path::Path;

use crate::world::World;
use crate::SimError;

/// Loads a world saved by [`save`]; `Ok(None)` when the file does not exist yet.
pub fn load(path: &Path) -> Result<Option<World>, SimError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| SimError::State {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SimError::State {
            path: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// Writes the world; failures are logged, not fatal (the simulator keeps serving from memory).
pub fn save(path: &Path, world: &World) {
    if let Err(e) = try_save(path, world) {
        tracing::warn!(
            "fabrik-sim: cannot persist state to {}: {e}",
            path.display()
        );
    }
}

fn try_save(path: &Path, world: &World) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(world).map_err(std::io::Error::other)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}
