//! What the keyring keeps, named: a provider's token, a customer's generated secrets, a shared
//! register's password, a backup key. Below the store and the memory of recent answers, which
//! both name entries by it.

use super::Provider;

/// What a run keeps under the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSecret {
    DatabasePassword,
    AdminPassword,
    ServiceRoleKey,
    /// A reset's new admin password, until its email has gone out (then it is the admin's).
    NewAdminPassword,
}

impl CustomerSecret {
    /// Every secret Fabrik keeps per customer: teardown and rollback forget exactly these.
    pub const ALL: [CustomerSecret; 4] = [
        CustomerSecret::DatabasePassword,
        CustomerSecret::AdminPassword,
        CustomerSecret::ServiceRoleKey,
        CustomerSecret::NewAdminPassword,
    ];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            CustomerSecret::DatabasePassword => "database_password",
            CustomerSecret::AdminPassword => "admin_password",
            CustomerSecret::ServiceRoleKey => "service_role_key",
            CustomerSecret::NewAdminPassword => "new_admin_password",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretKey {
    Token(Provider),
    /// `customer` is the customer's immutable id (uid); entries written before customers had
    /// one are under its slug, and are moved to the uid when next read.
    Customer {
        customer: String,
        which: CustomerSecret,
    },
    /// The password of the shared register on PostgreSQL, per `user@host:port/db`.
    Database(String),
    /// A key that encrypts backups at rest (issue #30), hex, by its id; `current` names the
    /// id new backups are written with. Old keys stay, so older backups still read.
    BackupKey(String),
}

impl SecretKey {
    /// The keyring entry's account name.
    pub(super) fn account(&self) -> String {
        match self {
            SecretKey::Token(p) => p.declared().keyring.to_string(),
            SecretKey::Customer { customer, which } => {
                format!("customer:{customer}:{}", which.as_str())
            }
            SecretKey::Database(describe) => format!("database:{describe}"),
            SecretKey::BackupKey(id) => format!("backup-key:{id}"),
        }
    }
}
