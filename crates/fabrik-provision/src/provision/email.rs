//! The Swedish welcome email to the customer's admin, and the agency's alert emails.

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An alert to the agency (an instance turned unhealthy, a run failed): plain text, and the
/// same text as HTML, escaped (names and provider messages are not markup).
pub fn alert_html(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(esc).collect();
    format!("<p>{}</p>", lines.join("<br>"))
}

pub struct Welcome {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// What the welcome email says (the Phase 2 plan's "Welcome Email & Credentials").
pub struct WelcomeFacts<'a> {
    pub customer_name: &'a str,
    /// The agency, as it signs.
    pub agency: &'a str,
    /// The instance's address (its production domain).
    pub login_url: &'a str,
    /// The admin's login.
    pub email: &'a str,
    /// The one-time password when this run created the admin; `None` when the admin already
    /// existed, in which case the mail points to the password reset instead.
    pub password: Option<&'a str>,
    pub support_address: &'a str,
}

/// The first steps, in order, after the login (plain text; each becomes a list item).
fn first_steps(f: &WelcomeFacts) -> Vec<String> {
    let login = match f.password {
        Some(_) => "Logga in med din e-postadress och engångslösenordet".to_string(),
        None => "Välj \"Glömt lösenord\" på inloggningssidan och sätt ditt lösenord".to_string(),
    };
    let mut steps = vec![format!("Öppna {}", f.login_url), login];
    if f.password.is_some() {
        steps.push("Välj ett eget lösenord (du ombeds göra det direkt)".into());
    }
    steps.push("Lägg in företagets logotyp och uppgifter under Inställningar".into());
    steps.push("Bjud in dina kollegor under Användare".into());
    steps
}

/// The Swedish welcome email, as HTML and as plain text with the same content.
pub fn welcome(f: &WelcomeFacts) -> Welcome {
    let subject = format!("Välkommen till {} – ditt konto är klart", f.customer_name);
    let steps = first_steps(f);
    let pw_line = match f.password {
        Some(p) => format!("Engångslösenord: {p}"),
        None => "Lösenord: det du valt tidigare (eller \"Glömt lösenord\")".to_string(),
    };
    let numbered: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {s}", i + 1))
        .collect();
    let text = format!(
        "Hej!\n\nInstansen för {name} är klar att använda.\n\n\
         Inloggningsuppgifter\nAdress: {url}\nE-post: {email}\n{pw_line}\n\n\
         Kom igång\n{steps}\n\n\
         Frågor? Skriv till {support}.\n\nVälkommen!\n{agency}\n",
        name = f.customer_name,
        url = f.login_url,
        email = f.email,
        steps = numbered.join("\n"),
        support = f.support_address,
        agency = f.agency,
    );
    let pw_html = match f.password {
        Some(p) => format!("<li><strong>Engångslösenord:</strong> <code>{}</code></li>", esc(p)),
        None => "<li><strong>Lösenord:</strong> det du valt tidigare (eller <em>Glömt lösenord</em>)</li>".into(),
    };
    let steps_html: String = steps
        .iter()
        .map(|s| format!("<li>{}</li>", esc(s)))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"sv\"><body>\
         <h1>Välkommen till {name}!</h1><p>Instansen är klar att använda.</p>\
         <h2>Inloggningsuppgifter</h2><ul>\
         <li><strong>Adress:</strong> <a href=\"{url}\">{url}</a></li>\
         <li><strong>E-post:</strong> {email}</li>{pw_html}</ul>\
         <h2>Kom igång</h2><ol>{steps_html}</ol>\
         <p>Frågor? Skriv till <a href=\"mailto:{support}\">{support}</a>.</p>\
         <p>Välkommen!<br>{agency}</p></body></html>",
        name = esc(f.customer_name),
        url = esc(f.login_url),
        email = esc(f.email),
        support = esc(f.support_address),
        agency = esc(f.agency),
    );
    Welcome {
        subject,
        html,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::{welcome, WelcomeFacts};

    fn facts(password: Option<&'static str>) -> WelcomeFacts<'static> {
        WelcomeFacts {
            customer_name: "Åsa's Bageri & Café AB",
            agency: "Byrån <AB>",
            login_url: "https://asa.example.se",
            email: "asa@bageri.se",
            password,
            support_address: "support@byran.se",
        }
    }

    /// The Phase 2 plan's content, in both bodies: the address, the login, the one-time
    /// password, the first steps in order and the support contact.
    #[test]
    fn the_mail_carries_address_login_password_first_steps_and_support() {
        let w = welcome(&facts(Some("Pw-123456789")));
        assert!(w.subject.contains("Välkommen"));
        for part in [
            "https://asa.example.se",
            "asa@bageri.se",
            "Pw-123456789",
            "Välj ett eget lösenord",
            "Bjud in dina kollegor",
            "support@byran.se",
        ] {
            assert!(w.text.contains(part), "text: {part}");
            assert!(w.html.contains(part), "html: {part}");
        }
        assert!(w.text.contains("1. Öppna https://asa.example.se"));
        assert!(w
            .text
            .contains("2. Logga in med din e-postadress och engångslösenordet"));
        assert!(w.html.contains("Åsa's Bageri &amp; Café AB"));
        assert!(w.html.contains("Byrån &lt;AB&gt;"), "the agency is escaped");
        assert!(!w.html.contains("<AB>"));
    }

    /// An admin who already existed gets no password, and is pointed to the reset instead.
    #[test]
    fn without_a_password_the_mail_points_to_the_reset() {
        let w = welcome(&facts(None));
        assert!(!w.text.contains("Engångslösenord"));
        assert!(w.text.contains("Glömt lösenord"));
        assert!(!w.text.contains("Välj ett eget lösenord"));
    }
}
