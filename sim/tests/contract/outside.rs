//! The table of calls outside the descriptions, in `contracts/README.md` ("Calls outside the
//! descriptions"): each route Fabrik calls that a provider's stored description does not hold,
//! with why, the public source that documents it, and what Fabrik does when the service refuses
//! it. A row's route cell is `METHOD /path`, then, when only some fields are outside the
//! description, each of them as a place in the body (`/data/*/workflowId`). The check counts an
//! exchange on a listed route as listed, and a finding at a listed field as none.

use super::routes::fits;

/// One row: the check's provider, method, route template, and the listed fields (none: the
/// whole route).
#[derive(Debug, Clone)]
pub struct Listed {
    pub provider: &'static str,
    pub method: String,
    pub route: String,
    pub fields: Vec<String>,
}

/// The check's name for a provider as the table writes it.
fn provider(named: &str) -> Option<&'static str> {
    Some(match named {
        "Supabase Management" => "supabase",
        "Supabase Auth (GoTrue)" => "supabase-auth",
        "Supabase Storage" => "supabase-storage",
        "n8n" => "n8n",
        "Vercel" => "vercel",
        "Resend" => "resend",
        "GitHub" => "github",
        "Stripe" => "stripe",
        "Gitea" => "gitea",
        _ => return None,
    })
}

pub fn table() -> Vec<Listed> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../contracts/README.md");
    parse(&std::fs::read_to_string(path).expect("contracts/README.md"))
}

/// The rows of the section's table; a row of five cells, none empty, its provider known.
pub fn parse(text: &str) -> Vec<Listed> {
    let section = text
        .split("## Calls outside the descriptions")
        .nth(1)
        .expect("contracts/README.md has the section \"Calls outside the descriptions\"");
    let mut rows = Vec::new();
    for line in section
        .lines()
        .skip_while(|l| !l.starts_with("| Provider"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
    {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        assert!(
            cells.len() == 5 && cells.iter().all(|c| !c.is_empty()),
            "contracts/README.md: {line}: provider, route, why, source and what Fabrik does are each said"
        );
        let provider = provider(cells[0]).unwrap_or_else(|| {
            panic!(
                "contracts/README.md: {line}: unknown provider {:?}",
                cells[0]
            )
        });
        let spans = |text: &str| -> Vec<String> {
            text.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        // `METHOD /path`, then words; the fields, if any, after "at".
        let (route_part, fields_part) = cells[1]
            .split_once("` at `")
            .map_or((cells[1], ""), |(r, f)| (r, f));
        let route = spans(route_part).into_iter().next().unwrap_or_default();
        let (method, route) = route
            .split_once(' ')
            .unwrap_or_else(|| panic!("contracts/README.md: {line}: the route is `METHOD /path`"));
        rows.push(Listed {
            provider,
            method: method.to_string(),
            route: route.trim().to_string(),
            fields: if fields_part.is_empty() {
                Vec::new()
            } else {
                spans(&format!("`{fields_part}"))
            },
        });
    }
    rows
}

/// Whether the whole route is listed (`field` `None`), or that field of it.
pub fn is_listed(
    table: &[Listed],
    provider: &str,
    method: &str,
    path: &str,
    field: Option<&str>,
) -> bool {
    table.iter().any(|l| {
        l.provider == provider
            && l.method.eq_ignore_ascii_case(method)
            && fits(&l.route, path).is_some()
            && match field {
                None => l.fields.is_empty(),
                Some(f) => l.fields.is_empty() || l.fields.iter().any(|x| x == f),
            }
    })
}

#[test]
fn every_row_of_the_table_is_read_and_complete() {
    let rows = table();
    assert!(rows.len() >= 5, "{rows:?}");
    let again = parse(
        "## Calls outside the descriptions\n\n| Provider | Route | Why | Source | If refused |\n|---|---|---|---|---|\n\
         | n8n | `GET /metrics` (beside the API, not under `/api/v1`) | a | b | c |\n| n8n | `GET /executions` at `/data/*/workflowId` | a | b | c |\n\n---\n",
    );
    assert_eq!(again.len(), 2);
    assert!(
        is_listed(&again, "n8n", "get", "/metrics", None),
        "{again:?}"
    );
    assert!(!is_listed(&again, "n8n", "POST", "/metrics", None));
    assert!(is_listed(
        &again,
        "n8n",
        "GET",
        "/executions",
        Some("/data/*/workflowId")
    ));
    assert!(!is_listed(&again, "n8n", "GET", "/executions", None));
    assert!(!is_listed(
        &again,
        "n8n",
        "GET",
        "/executions",
        Some("/data/*/id")
    ));
}
