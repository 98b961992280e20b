//! The Swedish welcome email to the customer's admin.

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub struct Welcome {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// `password` is the one-time password when this run created the admin; `None` when the admin
/// already existed, in which case the mail points to the password reset instead.
pub fn welcome(
    customer_name: &str,
    login_url: &str,
    email: &str,
    password: Option<&str>,
) -> Welcome {
    let subject = format!("Välkommen till {customer_name} – ditt konto är klart");
    let pw_text = match password {
        Some(p) => format!("Engångslösenord: {p}\nDu ombeds välja ett eget lösenord när du loggar in första gången."),
        None => "Välj \"Glömt lösenord\" på inloggningssidan för att sätta ditt lösenord.".to_string(),
    };
    let text = format!(
        "Hej!\n\nInstansen för {customer_name} är klar att använda.\n\nLogga in här: {login_url}\nE-post: {email}\n{pw_text}\n\nVälkommen!\n"
    );
    let pw_html = match password {
        Some(p) => format!(
            "<p>Engångslösenord: <code>{}</code><br>Du ombeds välja ett eget lösenord när du loggar in första gången.</p>",
            esc(p)
        ),
        None => "<p>Välj <em>Glömt lösenord</em> på inloggningssidan för att sätta ditt lösenord.</p>".into(),
    };
    let html = format!(
        "<!doctype html><html lang=\"sv\"><body><p>Hej!</p><p>Instansen för <strong>{name}</strong> är klar att använda.</p>\
         <p><a href=\"{url}\">Logga in</a> – {url}<br>E-post: {email}</p>{pw_html}<p>Välkommen!</p></body></html>",
        name = esc(customer_name),
        url = esc(login_url),
        email = esc(email),
    );
    Welcome {
        subject,
        html,
        text,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_mail_carries_url_login_and_password() {
        let w = super::welcome(
            "Åsa's Bageri & Café AB",
            "https://asa.example.se",
            "asa@bageri.se",
            Some("Pw-123456789"),
        );
        assert!(w.subject.contains("Välkommen"));
        for part in ["https://asa.example.se", "asa@bageri.se", "Pw-123456789"] {
            assert!(w.text.contains(part) && w.html.contains(part), "{part}");
        }
        assert!(w.html.contains("Åsa's Bageri &amp; Café AB"));
    }
}
