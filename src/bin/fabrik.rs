//! `fabrik`: the command-line front over the same core as the window. Each subcommand is a few
//! lines over `fabrik::api::Api`; no rule lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use fabrik::api::Api;
use fabrik::customer::{
    Customer, CustomerDraft, CustomerPatch, CustomerQuery, CustomerRow, Plan, SortKey, Status,
};
use fabrik::ApiError;

#[derive(Parser)]
#[command(
    name = "fabrik",
    version,
    about = "Fabrik – kundregister och provisionering för SaaS-fabriken"
)]
struct Cli {
    /// The register file (default: the app-data folder, the same file the window uses).
    #[arg(long, global = true, env = "FABRIK_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The customer register.
    #[command(subcommand)]
    Customers(CustomersCmd),
}

#[derive(Subcommand)]
enum CustomersCmd {
    /// List customers.
    List {
        #[arg(long)]
        json: bool,
        /// Search name, slug or email.
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        status: Option<Status>,
        #[arg(long, value_enum, default_value = "name")]
        sort: SortArg,
    },
    /// Add a customer.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        slug: Option<String>,
        #[arg(long)]
        plan: Option<Plan>,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one customer.
    Show {
        slug: String,
        #[arg(long)]
        json: bool,
    },
    /// Change a customer; an empty value clears an optional field.
    Edit(EditArgs),
    /// Delete a customer.
    Rm { slug: String },
    /// Add the example customers, or remove them with --remove.
    Examples {
        #[arg(long)]
        remove: bool,
    },
}

#[derive(Args)]
struct EditArgs {
    slug: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long = "new-slug")]
    new_slug: Option<String>,
    #[arg(long)]
    contact: Option<String>,
    #[arg(long)]
    plan: Option<Plan>,
    #[arg(long)]
    status: Option<Status>,
    #[arg(long)]
    notes: Option<String>,
    #[arg(long)]
    production_url: Option<String>,
    #[arg(long)]
    github_repo_url: Option<String>,
    #[arg(long)]
    supabase_project_ref: Option<String>,
    #[arg(long)]
    vercel_project_id: Option<String>,
    #[arg(long)]
    n8n_workflow_id: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SortArg {
    Name,
    NameDesc,
    Newest,
    Oldest,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if e.fields.is_empty() {
                eprintln!("fel [{}]: {}", e.code, e.message);
            } else {
                eprintln!("fel [{}]: ogiltiga uppgifter", e.code);
            }
            for f in &e.fields {
                eprintln!("  {}: {} [{}]", f.field, f.message, f.code);
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let path = cli.db.unwrap_or_else(fabrik::paths::default_db_path);
    let api = Api::open(&path)?;
    match cli.command {
        Command::Customers(cmd) => customers(&api, cmd),
    }
}

fn customers(api: &Api, cmd: CustomersCmd) -> Result<(), ApiError> {
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
            let rows = api.list_customers(CustomerQuery {
                search,
                status,
                sort: Some(sort),
            })?;
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
                println!("Lade till {} ({})", c.name, c.slug);
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
                println!("Uppdaterade {} ({})", c.name, c.slug);
            }
        }
        CustomersCmd::Rm { slug } => {
            api.delete_customer(slug.clone())?;
            println!("Tog bort {slug}");
        }
        CustomersCmd::Examples { remove } => {
            if remove {
                println!("Tog bort {} exempelkunder", api.remove_examples()?);
            } else {
                println!("Lade till {} exempelkunder", api.load_examples()?);
            }
        }
    }
    Ok(())
}

fn print_json<T: serde::Serialize>(v: &T) {
    // Serialising our own plain data types cannot fail.
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn print_table(rows: &[CustomerRow]) {
    if rows.is_empty() {
        println!("Inga kunder.");
        return;
    }
    let w = rows
        .iter()
        .map(|r| r.slug.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:<w$}  {:<12}  {:<12}  NAMN", "SLUG", "STATUS", "PLAN");
    for r in rows {
        println!(
            "{:<w$}  {:<12}  {:<12}  {}",
            r.slug,
            r.status.as_str(),
            r.plan.as_str(),
            r.name
        );
    }
    println!("{} kunder", rows.len());
}

fn print_customer(c: &Customer) {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    println!("{} ({})", c.name, c.slug);
    println!("  Admin-e-post:      {}", c.admin_email);
    println!("  Kontaktperson:     {}", dash(&c.contact_name));
    println!("  Plan:              {}", c.plan);
    println!(
        "  Moduler:           {}",
        c.modules
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!("  Status:            {}", c.status);
    println!("  Produktions-URL:   {}", dash(&c.instance.production_url));
    println!("  GitHub-repo:       {}", dash(&c.instance.github_repo_url));
    println!(
        "  Supabase-projekt:  {}",
        dash(&c.instance.supabase_project_ref)
    );
    println!(
        "  Vercel-projekt:    {}",
        dash(&c.instance.vercel_project_id)
    );
    println!("  n8n-flöde:         {}", dash(&c.instance.n8n_workflow_id));
    println!(
        "  Skapad:            {}",
        c.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    if !c.notes.is_empty() {
        println!("  Anteckningar:      {}", c.notes);
    }
}
