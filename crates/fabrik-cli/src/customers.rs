//! `fabrik customers …`: the register, a customer at a time.

use crate::language::{tr, trf, Said};
use clap::{Args, Subcommand};
use fabrik::customer::{
    Customer, CustomerDraft, CustomerPatch, CustomerQuery, CustomerRow, Plan, SortKey, Status,
};
use fabrik::services::register::Register;
use fabrik::ApiError;

use crate::print::{plain, print_json};

#[derive(Subcommand)]
pub enum CustomersCmd {
    /// List customers.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Search name, slug or email.
        #[arg(long)]
        search: Option<String>,
        /// Only customers with this status (pending, provisioning, active, failed, inactive).
        #[arg(long)]
        status: Option<Status>,
        /// The order of the list.
        #[arg(long, value_enum, default_value = "name")]
        sort: SortArg,
    },
    /// Add a customer.
    Add {
        /// The customer's name, e.g. "Åsa's Bageri & Café AB".
        #[arg(long)]
        name: String,
        /// The first admin's email address.
        #[arg(long)]
        email: String,
        /// The address name; derived from the name when left out.
        #[arg(long)]
        slug: Option<String>,
        /// starter (default), professional or enterprise.
        #[arg(long)]
        plan: Option<Plan>,
        /// The contact person's name.
        #[arg(long)]
        contact: Option<String>,
        /// Print the new customer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one customer.
    Show {
        /// The customer's slug (its address name).
        slug: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Change a customer; an empty value clears an optional field.
    Edit(EditArgs),
    /// Delete a customer.
    Rm {
        /// The customer's slug (its address name).
        slug: String,
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add the example customers, or remove them with --remove.
    Examples {
        /// Remove the example customers instead of adding them.
        #[arg(long)]
        remove: bool,
        /// The result as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct EditArgs {
    /// The customer's slug (its address name).
    slug: String,
    /// A new name.
    #[arg(long)]
    name: Option<String>,
    /// A new admin email address.
    #[arg(long)]
    email: Option<String>,
    /// A new address name (refused while the customer has an instance).
    #[arg(long = "new-slug")]
    new_slug: Option<String>,
    /// A new contact person ("" clears it).
    #[arg(long)]
    contact: Option<String>,
    /// starter, professional or enterprise.
    #[arg(long)]
    plan: Option<Plan>,
    /// pending, provisioning, active, failed or inactive.
    #[arg(long)]
    status: Option<Status>,
    /// Free-text notes ("" clears them).
    #[arg(long)]
    notes: Option<String>,
    /// The instance's production URL (https://).
    #[arg(long)]
    production_url: Option<String>,
    /// The instance's GitHub repository URL (https://).
    #[arg(long)]
    github_repo_url: Option<String>,
    /// The instance's Supabase project ref (20 letters a–z).
    #[arg(long)]
    supabase_project_ref: Option<String>,
    /// The instance's Vercel project id (prj_…).
    #[arg(long)]
    vercel_project_id: Option<String>,
    /// The instance's n8n workflow id.
    #[arg(long)]
    n8n_workflow_id: Option<String>,
    /// Print the changed customer as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SortArg {
    /// By name, A to Ö.
    Name,
    /// By name, Ö to A.
    NameDesc,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

pub fn run(api: &Register, cmd: CustomersCmd) -> Result<(), ApiError> {
    match cmd {
        CustomersCmd::List {
            json,
            search,
            status,
            sort,
        } => {
            let sort = match sort {
                SortArg::Name => SortKey::NameAsc,
                SortArg::NameDesc => SortKey::NameDesc,
                SortArg::Newest => SortKey::CreatedDesc,
                SortArg::Oldest => SortKey::CreatedAsc,
            };
            // The whole list, a page at a time (the register answers in bounded pages).
            let mut rows = Vec::new();
            loop {
                let page = api.list_customers(CustomerQuery {
                    search: search.clone(),
                    status,
                    sort: Some(sort),
                    offset: Some(rows.len() as u32),
                    limit: Some(CustomerQuery::MAX_PAGE),
                })?;
                let done =
                    page.rows.is_empty() || rows.len() + page.rows.len() >= page.total as usize;
                rows.extend(page.rows);
                if done {
                    break;
                }
            }
            if json {
                print_json(&rows);
            } else {
                print_table(&rows);
            }
        }
        CustomersCmd::Add {
            name,
            email,
            slug,
            plan,
            contact,
            json,
        } => {
            let draft = CustomerDraft {
                name,
                admin_email: email,
                slug,
                plan,
                contact_name: contact,
                ..Default::default()
            };
            let c = api.create_customer(draft)?;
            if json {
                print_json(&c);
            } else {
                println!(
                    "{}",
                    trf!("Lade till {} ({})", "Added {} ({})", c.name, c.slug)
                );
            }
        }
        CustomersCmd::Show { slug, json } => {
            let c = api.get_customer(slug)?;
            if json {
                print_json(&c);
            } else {
                print_customer(&c);
            }
        }
        CustomersCmd::Edit(a) => {
            let patch = CustomerPatch {
                name: a.name,
                slug: a.new_slug,
                admin_email: a.email,
                contact_name: a.contact,
                plan: a.plan,
                status: a.status,
                notes: a.notes,
                production_url: a.production_url,
                github_repo_url: a.github_repo_url,
                supabase_project_ref: a.supabase_project_ref,
                vercel_project_id: a.vercel_project_id,
                n8n_workflow_id: a.n8n_workflow_id,
                ..Default::default()
            };
            let c = api.update_customer(a.slug, patch)?;
            if a.json {
                print_json(&c);
            } else {
                println!(
                    "{}",
                    trf!("Uppdaterade {} ({})", "Updated {} ({})", c.name, c.slug)
                );
            }
        }
        CustomersCmd::Rm { slug, json } => {
            api.delete_customer(slug.clone())?;
            match json {
                true => print_json(&serde_json::json!({ "removed": slug })),
                false => println!("{}", trf!("Tog bort {slug}", "Removed {slug}")),
            }
        }
        CustomersCmd::Examples { remove, json } => match (remove, json) {
            (true, true) => print_json(&api.remove_examples()?),
            (true, false) => println!("{}", api.remove_examples()?.message.said()),
            (false, true) => print_json(&serde_json::json!({ "added": api.load_examples()? })),
            (false, false) => println!(
                "{}",
                trf!(
                    "Lade till {} exempelkunder",
                    "Added {} example customers",
                    api.load_examples()?
                )
            ),
        },
    }
    Ok(())
}

fn print_table(rows: &[CustomerRow]) {
    if rows.is_empty() {
        println!("{}", tr("Inga kunder.", "No customers."));
        return;
    }
    let w = rows
        .iter()
        .map(|r| r.slug.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "{:<w$}  {:<12}  {:<12}  {}",
        "SLUG",
        "STATUS",
        "PLAN",
        tr("NAMN", "NAME")
    );
    for r in rows {
        println!(
            "{:<w$}  {:<12}  {:<12}  {}",
            r.slug,
            r.status.as_str(),
            r.plan.as_str(),
            plain(&r.name)
        );
    }
    println!("{}", trf!("{} kunder", "{} customers", rows.len()));
}

fn print_customer(c: &Customer) {
    let dash = |v: &Option<String>| v.as_deref().map_or("–".into(), |v| plain(v).into_owned());
    // One field a line, its label in a column of its own.
    let field = |sv: &'static str, en: &'static str, value: &dyn std::fmt::Display| {
        println!("  {:<19}{value}", tr(sv, en));
    };
    println!("{} ({})", plain(&c.name), c.slug);
    field("Admin-e-post:", "Admin email:", &plain(&c.admin_email));
    field("Kontaktperson:", "Contact person:", &dash(&c.contact_name));
    field("Plan:", "Plan:", &c.plan);
    let modules: Vec<_> = c.modules.iter().map(|m| m.as_str()).collect();
    field("Moduler:", "Modules:", &modules.join(", "));
    field("Status:", "Status:", &c.status);
    if let Some(at) = &c.cancelled_at {
        let slug = &c.slug;
        let what = trf!(
            "{at} (instansen är kvar: `fabrik pause {slug}` eller `fabrik teardown {slug}`)",
            "{at} in Stripe (the instance remains: `fabrik pause {slug}` or `fabrik teardown {slug}`)"
        );
        field("Uppsagd i Stripe:", "Cancelled:", &what);
    }
    if c.status == fabrik::customer::Status::Active {
        let applied = c
            .applied
            .as_ref()
            .map_or(tr("okänt", "unknown").to_string(), |a| {
                let list: Vec<&str> = a.modules.iter().map(|m| m.as_str()).collect();
                format!("{} ({})", a.plan, list.join(", "))
            });
        field("I drift:", "In service:", &applied);
        if c.modules_outdated {
            println!(
                "                     {}",
                trf!(
                    "skiljer sig från det sparade: `fabrik update-modules {}`",
                    "differs from what is saved: `fabrik update-modules {}`",
                    c.slug
                )
            );
        }
    }
    field(
        "Produktions-URL:",
        "Production URL:",
        &dash(&c.instance.production_url),
    );
    field(
        "GitHub-repo:",
        "GitHub repo:",
        &dash(&c.instance.github_repo_url),
    );
    field(
        "Supabase-projekt:",
        "Supabase project:",
        &dash(&c.instance.supabase_project_ref),
    );
    field(
        "Vercel-projekt:",
        "Vercel project:",
        &dash(&c.instance.vercel_project_id),
    );
    field(
        "n8n-flöde:",
        "n8n workflow:",
        &dash(&c.instance.n8n_workflow_id),
    );
    field(
        "Skapad:",
        "Created:",
        &c.created_at.format("%Y-%m-%d %H:%M UTC"),
    );
    if !c.notes.is_empty() {
        let notes: Vec<_> = c.notes.lines().map(plain).collect();
        field(
            "Anteckningar:",
            "Notes:",
            &notes.join("\n                     "),
        );
    }
}
