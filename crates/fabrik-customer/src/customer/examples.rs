//! "Visa exempeldata": a dozen customers in varied states, so a new user sees what the register
//! looks like. They are marked as examples and removed in one click.

use super::model::{CustomerDraft, Instance, Plan, Status};

pub struct ExampleCustomer {
    pub draft: CustomerDraft,
    pub status: Status,
    pub instance: Instance,
}

fn ex(
    name: &str,
    email: &str,
    contact: &str,
    plan: Plan,
    status: Status,
    live: Option<(&str, &str)>,
) -> ExampleCustomer {
    let instance = match live {
        Some((slug, supabase_ref)) => Instance {
            production_url: Some(format!("https://{slug}.exempel-fabrik.se")),
            github_repo_url: Some(format!("https://github.com/exempel-byra/{slug}")),
            supabase_project_ref: Some(supabase_ref.to_string()),
            vercel_project_id: Some(format!("prj_exempel{}", slug.replace('-', ""))),
            n8n_workflow_id: Some(format!("exempel{}", &supabase_ref[..8])),
        },
        None => Instance::default(),
    };
    ExampleCustomer {
        draft: CustomerDraft {
            name: name.into(),
            admin_email: email.into(),
            contact_name: Some(contact.into()),
            plan: Some(plan),
            notes: Some("Exempelkund – kan tas bort med ett klick.".into()),
            ..Default::default()
        },
        status,
        instance,
    }
}

pub fn example_customers() -> Vec<ExampleCustomer> {
    use Plan::*;
    use Status::*;
    vec![
        ex(
            "Åsa's Bageri & Café AB",
            "asa@asasbageri.se",
            "Åsa Lindqvist",
            Professional,
            Active,
            Some(("asas-bageri-cafe-ab", "qwertyuiopasdfghjklz")),
        ),
        ex(
            "Fjällstugan Boende",
            "bokning@fjallstugan.se",
            "Per Ek",
            Enterprise,
            Active,
            Some(("fjallstugan-boende", "mnbvcxzlkjhgfdsapoiu")),
        ),
        ex(
            "Göteborgs Cykelverkstad",
            "info@gbgcykel.se",
            "Sara Holm",
            Starter,
            Pending,
            None,
        ),
        ex(
            "Nordisk Redovisning AB",
            "ekonomi@nordiskredovisning.se",
            "Johan Berg",
            Professional,
            Provisioning,
            None,
        ),
        ex(
            "Malmö Marknadsföring",
            "hej@malmomarknad.se",
            "Leila Haddad",
            Enterprise,
            Failed,
            None,
        ),
        ex(
            "Café Öresund",
            "kontakt@cafeoresund.se",
            "Nils Öberg",
            Starter,
            Active,
            Some(("cafe-oresund", "zyxwvutsrqponmlkjihg")),
        ),
        ex(
            "Uppsala Tandvård",
            "reception@uppsalatand.se",
            "Eva Strand",
            Professional,
            Inactive,
            None,
        ),
        ex(
            "Kiruna Snöskoter Safari",
            "tur@kirunasafari.se",
            "Anders Niia",
            Starter,
            Pending,
            None,
        ),
        ex(
            "Linköpings Blomsterhandel",
            "blommor@lkpgblom.se",
            "Maja Ström",
            Starter,
            Active,
            Some(("linkopings-blomsterhandel", "abcdefghijklmnopqrst")),
        ),
        ex(
            "Västerås Bilvård",
            "service@vasterasbil.se",
            "Omar Said",
            Professional,
            Pending,
            None,
        ),
        ex(
            "Skärgårdens Kajak & Äventyr",
            "paddla@skargardskajak.se",
            "Linnea Wik",
            Enterprise,
            Failed,
            None,
        ),
        ex(
            "Hälsohuset i Lund",
            "info@halsohusetlund.se",
            "Karin Dahl",
            Professional,
            Active,
            Some(("halsohuset-i-lund", "lundlundlundlundlund")),
        ),
    ]
}
