//! The handover letter (issue #59): in Swedish, to the customer's contact, with every link,
//! code and step to take their instance over. The same HTML is saved as a file the agency can
//! hand over. It carries the claim link and the code: it goes to the customer and nowhere else
//! (never the register, the log or the window).

use super::email::esc;

/// What the letter says.
pub struct LetterFacts<'a> {
    pub customer_name: &'a str,
    pub agency: &'a str,
    pub support_address: &'a str,
    pub supabase_org: &'a str,
    pub project_ref: &'a str,
    /// Supabase's page where the customer claims the project (the claim flow's redirect).
    pub claim_link: &'a str,
    /// When the claim lapses, if Supabase said (empty: not said).
    pub claim_expires: &'a str,
    pub vercel_team: &'a str,
    pub vercel_project: &'a str,
    pub transfer_code: &'a str,
    pub github_target: &'a str,
    pub repo_name: &'a str,
    pub workflow_file: &'a str,
}

pub struct Letter {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Vercel's own page for accepting a transfer request (the operation's description).
pub fn vercel_claim_url(code: &str) -> String {
    format!("https://vercel.com/claim-deployment?code={code}")
}

/// The steps, in order, each a heading and its lines (plain text).
fn steps(f: &LetterFacts) -> Vec<(String, Vec<String>)> {
    vec![
        (
            "1. Databasen (Supabase)".into(),
            [
                format!("Projektet {} väntar på er organisation {} i Supabase.", f.project_ref, f.supabase_org),
                format!("Länk för att ta över projektet: {}", f.claim_link),
                format!(
                    "Öppna länken, logga in i Supabase (eller skapa ett konto), välj organisationen {} och bekräfta flytten av projektet. Supabase visar också {}s app, som får fortsätta nå projektet: ta bort den under Organization settings → OAuth Apps när flytten är klar, om ni vill.",
                    f.supabase_org, f.agency
                ),
            ]
            .into_iter()
            .chain((!f.claim_expires.is_empty()).then(|| format!("Länken gäller till {}.", f.claim_expires)))
            .collect(),
        ),
        (
            "2. Webbplatsen (Vercel)".into(),
            vec![
                format!("Projektet {} väntar på ert team {} i Vercel.", f.vercel_project, f.vercel_team),
                format!("Kod för flytten: {}", f.transfer_code),
                format!("Öppna {} inloggad i teamet {} och godkänn flytten. Koden gäller i 24 timmar.", vercel_claim_url(f.transfer_code), f.vercel_team),
            ],
        ),
        (
            "3. Koden (GitHub)".into(),
            vec![
                format!("Repot {} flyttas till {} på GitHub.", f.repo_name, f.github_target),
                format!(
                    "Är {} ett personligt konto: godkänn flytten i mejlet från GitHub. Är det en organisation: repot finns där när GitHub är klart, https://github.com/{}/{}.",
                    f.github_target, f.github_target, f.repo_name
                ),
            ],
        ),
        (
            "4. Arbetsflödet (n8n)".into(),
            vec![format!(
                "Arbetsflödets export, {}, lämnas till er tillsammans med det här brevet; importera den i er egen n8n (Workflows → Import from file). Inloggningsuppgifter ingår inte: lägg in era egna.",
                f.workflow_file
            )],
        ),
    ]
}

/// The letter as HTML and as plain text with the same content.
pub fn letter(f: &LetterFacts) -> Letter {
    let subject = format!("Överlämning av {} – så tar ni över", f.customer_name);
    let intro = format!(
        "Här är allt ni behöver för att ta över {} från {}: databasen, webbplatsen, koden och arbetsflödet. Ta stegen i ordning; {} följer flytten tills allt är ert.",
        f.customer_name, f.agency, f.agency
    );
    let outro = format!("Frågor: {}. Hälsningar, {}", f.support_address, f.agency);
    let all = steps(f);
    let mut text = format!("{intro}\n\n");
    let mut html = format!("<h1>{}</h1><p>{}</p>", esc(&subject), esc(&intro));
    for (heading, lines) in &all {
        text.push_str(&format!("{heading}\n"));
        html.push_str(&format!("<h2>{}</h2><ul>", esc(heading)));
        for line in lines {
            text.push_str(&format!("- {line}\n"));
            html.push_str(&format!("<li>{}</li>", esc(line)));
        }
        text.push('\n');
        html.push_str("</ul>");
    }
    text.push_str(&outro);
    html.push_str(&format!("<p>{}</p>", esc(&outro)));
    Letter {
        subject,
        html: format!("<!doctype html><html lang=\"sv\"><meta charset=\"utf-8\"><title>{}</title><body>{html}</body></html>", esc(f.customer_name)),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_letter_carries_every_code_link_and_step() {
        let f = LetterFacts {
            customer_name: "Kund <AB>",
            agency: "Byrån",
            support_address: "hjalp@byran.se",
            supabase_org: "kund-org",
            project_ref: "abcdefghijklmnopqrst",
            claim_link: "https://supabase.example/claim?token=TOKEN-123&x=1",
            claim_expires: "2026-12-01",
            vercel_team: "kund-team",
            vercel_project: "kund-ab",
            transfer_code: "CODE-456",
            github_target: "kund-gh",
            repo_name: "kund-ab",
            workflow_file: "workflow.json",
        };
        let l = letter(&f);
        for part in [
            "https://supabase.example/claim?token=TOKEN-123",
            "CODE-456",
            "https://vercel.com/claim-deployment?code=CODE-456",
            "kund-gh",
            "workflow.json",
            "kund-org",
        ] {
            assert!(l.html.contains(part) && l.text.contains(part), "{part}");
        }
        assert!(l.html.contains("Kund &lt;AB&gt;"), "names are not markup");
        assert!(l.html.contains("TOKEN-123&amp;x=1") && l.text.contains("TOKEN-123&x=1"));
        assert!(l.text.contains("Länken gäller till 2026-12-01."));
        let unsaid = letter(&LetterFacts {
            claim_expires: "",
            ..f
        });
        assert!(!unsaid.text.contains("Länken gäller"), "{}", unsaid.text);
    }
}
