//! What a spreadsheet would run as a formula, declared once: every CSV Fabrik writes (the
//! register, the usage view, a customer's export) puts such a cell as text, and the register's
//! import takes that off again.

/// A cell a spreadsheet would read as a formula starts with one of these; a CSV Fabrik writes
/// puts a `'` in front (OWASP's advice for CSV injection).
pub const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet would run as a formula is written as text.
pub fn defused(value: String) -> String {
    if value.starts_with(FORMULA_START) {
        format!("'{value}")
    } else {
        value
    }
}

/// A cell `defused` wrote as text (`'=…`) read as what it was.
pub fn undefused(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_string(),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_is_written_as_text_and_read_back_as_it_was() {
        for cell in ["=1+1", "+46 70", "-5", "@SUM(A1)", "\tx", "\rx"] {
            let out = defused(cell.to_string());
            assert!(out.starts_with('\''), "{out}");
            assert_eq!(undefused(&out), cell);
        }
        assert_eq!(defused("Åkesson".into()), "Åkesson");
        assert_eq!(undefused("'quoted"), "'quoted");
    }
}
