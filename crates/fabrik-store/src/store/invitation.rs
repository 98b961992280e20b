//! A one-time invitation to the shared register: what an owner hands a new person so they join
//! from their own Fabrik, with no psql and no address to type. It carries the register's address
//! with the person's login and their first password. Joining (`location::join`) changes that
//! password at once to one only the person's keyring holds, so the invitation works once; removing
//! the person (Inställningar → Personer) ends it as well. It holds a password: shown once, never
//! logged, and never taken on a command line (the CLI reads it from standard input).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use std::path::Path;

use super::location::{self, Location};
use super::Store;
use crate::error::{Error, Result};
use crate::secrets::Secret;

/// How an invitation starts, so a person (and Fabrik) can tell it from anything else pasted.
pub const PREFIX: &str = "fabrik-inbjudan:";

/// Longer than any address and password: what is pasted is refused before it is decoded.
const MAX_LEN: usize = 4096;

/// The version this Fabrik writes and reads.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Wire {
    v: u32,
    url: String,
    password: String,
}

/// A read invitation. No `Debug`: it holds the password.
pub struct Invitation {
    /// `postgres://person@host:port/db?…`, without a password.
    pub url: String,
    /// The login it is for.
    pub person: String,
    pub password: Secret,
}

/// The invitation for `person` to the register at `register_url` (the inviting seat's own
/// address: its host, port, database and TLS settings, with the person's login in place of the
/// owner's and no password of the owner's).
pub fn make(register_url: &str, person: &str, password: &Secret) -> Result<String> {
    let mut url = url::Url::parse(register_url).map_err(|_| Error::InvitationMalformed)?;
    url.set_username(person)
        .map_err(|()| Error::InvitationMalformed)?;
    let bare = super::location::without_password(url.as_str())?;
    let wire = Wire {
        v: VERSION,
        url: bare,
        password: password.expose().to_string(),
    };
    let json = serde_json::to_vec(&wire).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(json)))
}

/// Reads a pasted invitation: spaces and line breaks a mail client added are ignored; anything
/// else that is not one Fabrik wrote is refused as such, without repeating it.
pub fn read(text: &str) -> Result<Invitation> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if text.len() > MAX_LEN {
        return Err(Error::InvitationMalformed);
    }
    let body = text
        .strip_prefix(PREFIX)
        .ok_or(Error::InvitationMalformed)?;
    let json = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| Error::InvitationMalformed)?;
    let wire: Wire = serde_json::from_slice(&json).map_err(|_| Error::InvitationMalformed)?;
    let url = url::Url::parse(&wire.url).map_err(|_| Error::InvitationMalformed)?;
    let person = url.username().to_string();
    let postgres = matches!(url.scheme(), "postgres" | "postgresql");
    if wire.v != VERSION || !postgres || person.is_empty() || wire.password.is_empty() {
        return Err(Error::InvitationMalformed);
    }
    Ok(Invitation {
        url: super::location::without_password(url.as_str())?,
        person,
        password: Secret::new(wire.password),
    })
}

/// Joins the shared register an owner invited this person to (store::invitation): checks that
/// the invitation's login opens it, gives the login a new password that only this seat's keyring
/// keeps (so the invitation works once), and uses the register from the next start. Returns the
/// login. An invitation already used, or whose person was removed, is refused as such.
pub fn join(file: &Path, invitation: &str) -> Result<String> {
    use rand::distr::{Alphanumeric, SampleString};
    let invitation = read(invitation)?;
    let Location::Postgres(config) = Location::postgres(&invitation.url)? else {
        return Err(Error::InvitationMalformed);
    };
    let mut first = (*config).clone();
    first.set_password(invitation.password.expose());
    let store = Store::connect(&first).map_err(|e| match e {
        Error::DatabaseOpen(d) if d.contains("password authentication failed") => {
            Error::InvitationSpent {
                register: config.describe(),
            }
        }
        other => other,
    })?;
    let own = Secret::new(Alphanumeric.sample_string(&mut rand::rng(), 32));
    // The keyring first: should the change of password fail, the invitation still works and
    // joining again overwrites what was kept; the other way round would lock the person out.
    location::save_password(&config, own.expose())?;
    store.set_own_password(&own)?;
    location::write_choice(file, &invitation.url)?;
    Ok(invitation.person)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_carries_the_register_with_the_persons_login_and_nothing_of_the_owners() {
        let made = make(
            "postgres://cecilia:owners-secret@db.example.se:6543/postgres?sslmode=require&password=also",
            "dora",
            &Secret::new("first-password".to_string()),
        )
        .unwrap();
        assert!(made.starts_with(PREFIX), "{made}");
        assert!(!made.contains("owners-secret") && !made.contains("first-password"));
        // As a mail client may break it over lines.
        let folded = format!("  {}\n{}  ", &made[..30], &made[30..]);
        let read = read(&folded).unwrap();
        assert_eq!(read.person, "dora");
        assert_eq!(
            read.url,
            "postgres://dora@db.example.se:6543/postgres?sslmode=require"
        );
        assert_eq!(read.password.expose(), "first-password");
        assert!(!read.url.contains("owners-secret") && !read.url.contains("also"));
    }

    #[test]
    fn what_is_not_an_invitation_is_refused_as_such() {
        for bad in [
            "",
            "postgres://dora@db/postgres",
            "fabrik-inbjudan:",
            "fabrik-inbjudan:!!!",
            &format!(
                "{PREFIX}{}",
                URL_SAFE_NO_PAD
                    .encode(b"{\"v\":2,\"url\":\"postgres://d@h/p\",\"password\":\"x\"}")
            ),
            &format!(
                "{PREFIX}{}",
                URL_SAFE_NO_PAD.encode(b"{\"v\":1,\"url\":\"https://d@h/p\",\"password\":\"x\"}")
            ),
            &format!("{PREFIX}{}", "A".repeat(5000)),
        ] {
            assert!(
                matches!(read(bad), Err(Error::InvitationMalformed)),
                "{bad:.40}"
            );
        }
    }
}
