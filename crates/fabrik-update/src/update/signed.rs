//! The version a bundle was signed as, which the window trusts instead of the feed's.
//!
//! The feed's `version` is a label anyone who can change `latest.json` (or answer in its place)
//! writes; a bundle the release key signed stays validly signed forever, so an older Fabrik with
//! its genuine signature, offered under a newer number, passed the signature check and was
//! installed over a newer one (issue #55). The release signs each bundle with `tauri signer sign
//! --app-version` (the release workflow's sign job), which writes the version into the minisign
//! signature's trusted comment (`timestamp:…\tfile:…\tversion:0.2.0`). That comment is covered by
//! the same Ed25519 key as the bundle's bytes (minisign's global signature), so once the bytes
//! are verified against the signature (Tauri's updater does it in `download`, with exactly the
//! signature string read here) the version in it is the release's word about those bytes.
//!
//! Why not read the version out of the bundle's files: the three systems' bundles are three
//! formats (an AppImage's SquashFS, where the version is compiled into the window; a macOS
//! `.app` in a tarball; an NSIS setup program), each needing a reader of its own, and the
//! AppImage's would mean running the downloaded program. The signed comment is one field, in
//! every system's signature, made by the one signing step.

use base64::Engine;
use semver::Version;

use super::feed::parse_version;
use super::UpdateError;

/// The version in a signature's trusted comment: `signature` as the feed carries it (base64 of
/// the `.sig` file's text). `None` when it names none (a bundle signed before versions were
/// signed, or by hand without `--app-version`) or is not a minisign signature.
pub fn version(signature: &str) -> Option<Version> {
    let text = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .ok()?;
    let text = String::from_utf8(text).ok()?;
    // minisign's layout: an untrusted comment, the signature, the trusted comment, the global
    // signature; only the third line is covered by the key.
    let trusted = text.lines().nth(2)?.strip_prefix("trusted comment: ")?;
    let mut named = trusted
        .split('\t')
        .filter_map(|field| field.strip_prefix("version:"));
    let version = named.next()?;
    // Two versions in one comment name none.
    if named.next().is_some() {
        return None;
    }
    parse_version(version)
}

/// Refuses the bundle unless its signature names the version the feed `offered` and that
/// version is newer than the `current` one: nothing older, and nothing the feed mislabels, is
/// put in place of the running Fabrik. Called with the signature the bundle was verified with.
pub fn check(signature: &str, offered: &str, current: &str) -> Result<Version, UpdateError> {
    let signed = version(signature);
    let newer = match (&signed, parse_version(offered), parse_version(current)) {
        (Some(signed), Some(offered), Some(current)) => *signed == offered && *signed > current,
        _ => false,
    };
    match signed {
        Some(signed) if newer => Ok(signed),
        signed => Err(UpdateError::NotNewer {
            version: offered.trim().to_string(),
            signed: signed.map(|v| v.to_string()),
            current: current.trim().to_string(),
        }),
    }
}
