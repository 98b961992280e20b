//! Every settings key a person can set, with what it means in both languages: the list
//! `fabrik settings list` and the settings screen show.

/// Every settings key the user can set, with its meaning (for `fabrik settings list` and the UI).
pub const SETTING_KEYS: &[(&str, &str, &str)] = &[
    (
        "github.template",
        "Mallrepo på GitHub, ägare/namn",
        "Template repository on GitHub, owner/name",
    ),
    (
        "github.owner",
        "Användare eller organisation som nya repon hamnar hos",
        "User or organization that new repositories go to",
    ),
    (
        "supabase.organization",
        "Supabase-organisationens slug",
        "The Supabase organization's slug",
    ),
    (
        "supabase.region",
        "Supabase-region, t.ex. eu-north-1",
        "Supabase region, e.g. eu-north-1",
    ),
    (
        "supabase.oauth_client_id",
        "Byråns OAuth-app hos Supabase, dess klient-id: en överlämning ber om kundens länk genom den (Organization settings → OAuth Apps)",
        "The agency's OAuth app at Supabase, its client id: a handover asks for the customer's link through it (Organization settings → OAuth Apps)",
    ),
    (
        "supabase.oauth_redirect_uri",
        "OAuth-appens omdirigeringsadress, dit Supabase skickar kunden när projektet är övertaget",
        "The OAuth app's redirect address, where Supabase sends the customer once the project is claimed",
    ),
    (
        "vercel.team_id",
        "Vercel-teamets id (team_…); tomt = personligt konto",
        "The Vercel team's id (team_…); empty = personal account",
    ),
    (
        "vercel.team_slug",
        "Vercel-teamets slug, för länkar",
        "The Vercel team's slug, for links",
    ),
    (
        "vercel.framework",
        "Ramverk för Vercel-projektet",
        "Framework of the Vercel project",
    ),
    (
        "email.sender_name",
        "Avsändarnamn för välkomstmejlet",
        "Sender name of the welcome email",
    ),
    (
        "email.sender_address",
        "Avsändaradress (på en verifierad domän hos Resend)",
        "Sender address (on a domain verified at Resend)",
    ),
    (
        "email.support_address",
        "Supportadress som välkomstmejlet hänvisar till (tomt = avsändaradressen)",
        "Support address the welcome email refers to (empty = the sender address)",
    ),
    (
        "alerts.email",
        "Byråns adress för larm: en instans som blir ej frisk, en körning som misslyckas (tomt = bara aviseringar på datorn)",
        "The agency's address for alerts: an instance turning unhealthy, a run failing (empty = desktop notifications only)",
    ),
    (
        "health.check_minutes",
        "Kontrollera alla instanser var N:e minut medan Fabrik är öppet (tomt = av)",
        "Check every instance every N minutes while Fabrik is open (empty = off)",
    ),
    (
        "usage.collect_days",
        "Läs av varje levererad instans användning var N:e dag (tomt = 1, varje dag; 0 = av)",
        "Read every delivered instance's usage every N days (empty = 1, every day; 0 = off)",
    ),
    (
        "usage.stripe_subscriptions",
        "Kundernas Stripe-abonnemang där inkorgen inte kopplade dem: slug=sub_… eller slug=cus_… (Stripe-kunden), kommaseparerade",
        "The customers' Stripe subscriptions where the inbox did not link them: slug=sub_… or slug=cus_… (the Stripe customer), comma-separated",
    ),
    (
        "backup.schedule_hours",
        "Säkerhetskopiera varje aktiv instans vars senaste kopia är äldre än N timmar (tomt = 24, 0 = av)",
        "Back up every active instance whose newest backup is older than N hours (empty = 24, 0 = off)",
    ),
    (
        "team.emails_per_hour",
        "Hur många e-brev en kunds instans får skicka i timmen genom byråns Resend: inbjudningar, lösenordsbyten, bekräftelser, 1–10000 (tomt = 100)",
        "How many emails a customer's instance may send an hour through the agency's Resend: invitations, password resets, confirmations, 1–10000 (empty = 100)",
    ),
    (
        "rollout.parallel",
        "Hur många instanser i en utrullningsvåg som uppdateras samtidigt, 1–64 (tomt = 8)",
        "How many instances of a roll-out wave are updated at once, 1–64 (empty = 8)",
    ),
    (
        "backup.repository",
        "Förrådet i Gitea där kundernas n8n-flöden säkerhetskopieras, ägare/namn (tomt = ops-hub/client-backups)",
        "The Gitea repository the customers' n8n workflows are backed up to, owner/name (empty = ops-hub/client-backups)",
    ),
    (
        "backup.target",
        "Var flödenas säkerhetskopior ligger: gitea (byråns server) eller github (tomt = gitea)",
        "Where the workflows' backups are kept: gitea (the agency's server) or github (empty = gitea)",
    ),
    (
        "backup.alert_hours",
        "Larma om en instans vars senaste säkerhetskopia (databas eller flöden) är äldre än N timmar (tomt = 48, 0 = av)",
        "Alert about an instance whose newest backup (database or workflows) is older than N hours (empty = 48, 0 = off)",
    ),
    (
        "backup.keep_last",
        "Gallring: behåll minst de N senaste säkerhetskopiorna per kund (tomt = 10)",
        "Retention: keep at least the newest N backups per customer (empty = 10)",
    ),
    (
        "backup.keep_days",
        "Gallring: behåll alla säkerhetskopior yngre än N dagar (tomt = 30)",
        "Retention: keep every backup younger than N days (empty = 30)",
    ),
    (
        "export.keep_days",
        "Gallring: hur många dagar byrån sparar kundexporter som Fabrik lagt i exportmappen (före avveckling, vid abonnemangets slut, på begäran), sedan tas de bort (tomt = 90, 0 = tills du tar bort dem)",
        "Retention: how many days the agency keeps the customer exports Fabrik put in the export folder (before a teardown, at a subscription's end, on request), then they are deleted (empty = 90, 0 = until you delete them)",
    ),
    (
        "domains.agency",
        "Byråns domän för kundernas underdomäner, t.ex. byran.se: \"Lägg till\" ger kund.byran.se med ett klick (tomt = av)",
        "The agency's domain for customers' subdomains, e.g. agency.com: \"Add\" gives customer.agency.com in one click (empty = off)",
    ),
    (
        "schema.template_path",
        "Egen SQL-mall för kundens databas (tomt = den inbyggda)",
        "Own SQL template for the customer's database (empty = the bundled one)",
    ),
    (
        "n8n.workflow_template_path",
        "Eget n8n-flöde som JSON (tomt = det inbyggda)",
        "Own n8n workflow as JSON (empty = the bundled one)",
    ),
    (
        "modules.manifest_path",
        "Eget modulmanifest som JSON (tomt = det inbyggda)",
        "Own module manifest as JSON (empty = the bundled one)",
    ),
    (
        "env.supabase_url",
        "Namnet på miljövariabeln för Supabase-URL:en",
        "Name of the environment variable for the Supabase URL",
    ),
    (
        "env.supabase_anon_key",
        "Namnet på miljövariabeln för anon-nyckeln",
        "Name of the environment variable for the anon key",
    ),
    (
        "env.supabase_service_role_key",
        "Namnet på miljövariabeln för service role-nyckeln",
        "Name of the environment variable for the service role key",
    ),
    (
        "env.customer_slug",
        "Namnet på miljövariabeln för kundens adressnamn",
        "Name of the environment variable for the customer's address name",
    ),
    (
        "env.modules",
        "Namnet på miljövariabeln för kundens moduler",
        "Name of the environment variable for the customer's modules",
    ),
    (
        "supabase.api_url",
        "Supabase Management API (avancerat)",
        "Supabase Management API (advanced)",
    ),
    (
        "supabase.project_url_template",
        "Adress till ett projekts API, med {ref} (avancerat)",
        "Address of a project's API, with {ref} (advanced)",
    ),
    (
        "site.url_template",
        "Var en kunds webbplats hämtas som en besökare, med {host} (avancerat; tomt = https://{host})",
        "Where a customer's site is fetched as a visitor, with {host} (advanced; empty = https://{host})",
    ),
    (
        "github.api_url",
        "GitHub API (avancerat)",
        "GitHub API (advanced)",
    ),
    (
        "vercel.api_url",
        "Vercel API (avancerat)",
        "Vercel API (advanced)",
    ),
    (
        "n8n.api_url",
        "n8n-instansens API, t.ex. https://n8n.byran.se/api/v1",
        "The n8n instance's API, e.g. https://n8n.agency.com/api/v1",
    ),
    (
        "resend.api_url",
        "Resend API (avancerat)",
        "Resend API (advanced)",
    ),
    (
        "gitea.api_url",
        "Byråns Gitea-API för säkerhetskopior av flöden, t.ex. https://git.byran.se/api/v1",
        "The agency's Gitea API for workflow backups, e.g. https://git.agency.com/api/v1",
    ),
    (
        "stripe.api_url",
        "Stripe API (avancerat)",
        "Stripe API (advanced)",
    ),
    (
        "portal.database_url",
        "Portalens databas, som Inkorgen läser förfrågningar ur och skriver tillbaka till: postgres://fabrik_intake@host:5432/postgres (lösenordet i nyckelringen)",
        "The portal's database, which the inbox reads requests from and writes back to: postgres://fabrik_intake@host:5432/postgres (the password in the keyring)",
    ),
];
