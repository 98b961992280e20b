//! A customer's database, as Fabrik changes it: migration files and the instance's own history
//! of them (`supabase_migrations.schema_migrations`, as the Supabase CLI keeps it), and logical
//! backups. Everything reaches the database through the Management API's query endpoint, the
//! one way in every Supabase project offers.

pub mod backup;
pub mod history;
pub mod instance;
pub mod migration;
pub mod recovery;
