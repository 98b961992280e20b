//! The register's tables of words, each handed to it by the crate that declares its words
//! (issue #69). A crate names the vocabularies it owns with `words_table!` beside their
//! declaration; the register (`fabrik-store`) fills and compares every table handed to it
//! (`store::words`) and imports none of the crates that hand them. The tables are gathered by
//! the linker (linkme's distributed slice: nothing runs before `main`) from every crate linked
//! into the program, so a program holds the words of the areas it links; the core's test
//! `store::words::every_table_of_words_is_handed_once` proves the whole program holds one list
//! for each table of words the schema has.

#[doc(hidden)]
pub use linkme;

/// One table of words and where its words come from.
pub struct Words {
    /// The register's table (`plans`, `billing_steps`, …).
    pub table: &'static str,
    /// Every word, in declaration order.
    pub words: fn() -> Vec<&'static str>,
    /// The column a word comes with beside its name, when the table has one.
    pub with: Option<Column>,
}

/// A column a word comes with (a run kind's `owners_only`, an alert kind's job).
pub struct Column {
    pub name: &'static str,
    /// Its SQL value for a word.
    pub value: fn(&str) -> String,
}

#[linkme::distributed_slice]
pub static HANDED: [Words];

/// Every table of words the program holds, by name.
pub fn handed() -> Vec<&'static Words> {
    let mut all: Vec<&Words> = HANDED.iter().collect();
    all.sort_by_key(|w| w.table);
    all
}

/// `words_table!(NAME: "table" => Vocabulary)` hands the register the table of words a
/// `vocabulary!` fills; `, with: "column" => |word| sql` adds the column each word comes with.
#[doc(hidden)]
#[macro_export]
macro_rules! __fabrik_words_table {
    ($name:ident: $table:literal => $ty:ty) => {
        $crate::words::words_table!(@ $name, $table, $ty, None);
    };
    ($name:ident: $table:literal => $ty:ty, with: $column:literal => $value:expr) => {
        $crate::words::words_table!(@ $name, $table, $ty,
            Some($crate::words::Column { name: $column, value: $value }));
    };
    (@ $name:ident, $table:literal, $ty:ty, $with:expr) => {
        #[$crate::words::linkme::distributed_slice($crate::words::HANDED)]
        #[linkme(crate = $crate::words::linkme)]
        static $name: $crate::words::Words = $crate::words::Words {
            table: $table,
            words: || <$ty>::ALL.iter().map(|w| w.as_str()).collect(),
            with: $with,
        };
    };
}

pub use crate::__fabrik_words_table as words_table;
