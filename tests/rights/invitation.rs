//! People of the agency invited from the window (issue #68): an owner adds a person, Fabrik makes
//! the login through the owner's own and hands back a one-time invitation; the person pastes it
//! into their own Fabrik and is in, with a password only their keyring knows; the invitation
//! does not work twice, and removing the person ends the login.

use fabrik::customer::rows::ListingRows;
use fabrik::services::register::Register as RegisterApi;
use fabrik::store::db::{Conn, PgConfig, PgConn};
use fabrik::store::invitation::join;
use fabrik::store::location::Location;
use fabrik::store::people::Role;
use fabrik::store::Store;
use fabrik::Error;
use fabrik_sim::pg::PASSWORD_CHECKED_GROUP;

use super::{Register, PASSWORD};
use crate::common;

#[test]
fn a_person_joins_by_a_one_time_invitation_and_a_removed_one_is_out() {
    if common::keyring("invitation").is_none() {
        return;
    }
    let register = Register::new("inbj");
    let cecilia = register.person("cecilia", "owner");
    let owner = RegisterApi::new(Store::connect(&register.config(&cecilia)).unwrap());

    // The owner's window: a name and a right, and the invitation back, shown once.
    let dora = format!("dora_{}", register.role);
    let added = owner
        .add_person(&dora, Role::Operator, Some(&register.url(&cecilia)))
        .unwrap();
    let invitation = added
        .invitation
        .expect("an invitation on a shared register");
    // Her login must give its password, as on a hosted register (the test cluster trusts every
    // login but this group's members: sim/src/pg.rs).
    let admin =
        Conn::postgres(PgConn::connect(&PgConfig::parse(&register.admin_url).unwrap()).unwrap());
    admin
        .execute_batch(&format!(
            "DO $$ BEGIN CREATE ROLE {PASSWORD_CHECKED_GROUP} NOLOGIN;
               EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             GRANT {PASSWORD_CHECKED_GROUP} TO \"{dora}\";"
        ))
        .unwrap();
    let mut wrong = register.config(&dora);
    wrong.set_password("not-her-password");
    assert!(
        Store::connect(&wrong).is_err(),
        "the register asks {dora} for her password"
    );
    assert!(invitation.starts_with("fabrik-inbjudan:"));
    assert!(
        !invitation.contains(PASSWORD),
        "nothing of the owner's login"
    );

    // Dora's own Fabrik, a seat of its own: she pastes it and is in, as herself.
    let seat = tempfile::tempdir().unwrap();
    let file = seat.path().join("fabrik.db");
    assert_eq!(join(&file, &invitation).unwrap(), dora);
    let as_dora = Location::from_env(&file).unwrap().open().unwrap();
    assert_eq!(as_dora.person(), Some(dora.as_str()));
    assert_eq!(as_dora.count_customers().unwrap(), 1);

    // Once: the password it carried was changed on joining, so a second paste is refused as
    // spent, and nothing is kept for that seat.
    let other = tempfile::tempdir().unwrap();
    let other_file = other.path().join("fabrik.db");
    let spent = join(&other_file, &invitation).unwrap_err();
    assert!(matches!(spent, Error::InvitationSpent { .. }), "{spent:?}");
    assert!(fabrik::store::location::chosen(&other_file).is_none());
    let said = fabrik::ApiError::from(spent).message;
    assert!(
        said.contains("redan använts") && !said.contains("dora:"),
        "{said}"
    );

    // Not an invitation at all: said so, nothing written.
    let refused = join(&other_file, "postgres://dora@localhost/postgres").unwrap_err();
    assert!(matches!(refused, Error::InvitationMalformed), "{refused:?}");

    // Revoked: the owner removes her, and her seat's login no longer opens the register.
    drop(as_dora);
    owner.remove_person(&dora).unwrap();
    assert!(Location::from_env(&file).unwrap().open().is_err());
}
