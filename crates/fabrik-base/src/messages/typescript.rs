//! The two shapes the generated bindings give a closed list of words in: its members in the
//! Rust order, and each member's name in both languages. Kept here, beside `Text`, so a
//! vocabulary's own module can write its part of the bindings.

use super::Text;

/// `export const NAME: readonly Type[] = [...]`, in the Rust order.
pub fn members<T: std::fmt::Display>(name: &str, ty: &str, all: &[T]) -> String {
    let items: Vec<String> = all.iter().map(|m| format!("'{m}'")).collect();
    format!(
        "export const {name}: readonly {ty}[] = [{}];\n",
        items.join(", ")
    )
}

/// `export const NAME: Record<Type, Text> = { key: { sv, en }, … };`
pub fn label_table(name: &str, of: &str, rows: impl Iterator<Item = (String, Text)>) -> String {
    let mut out = format!("export const {name}: Record<{of}, Text> = {{\n");
    for (key, t) in rows {
        out.push_str(&format!(
            "  {key}: {{ sv: {}, en: {} }},\n",
            serde_json::to_string(&t.sv).expect("a string serialises"),
            serde_json::to_string(&t.en).expect("a string serialises"),
        ));
    }
    out.push_str("};\n");
    out
}
