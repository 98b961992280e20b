//! Which provider a simulator path belongs to, and the path as that provider's description
//! writes it (without the simulator's prefix).

/// `(provider, path)`; `None` for what is not a provider's API (a site Vercel serves, Git's own
/// protocol, the simulator's own routes).
pub fn provider_of(path: &str) -> Option<(&'static str, String)> {
    let rest = |prefix: &str| path.strip_prefix(prefix).map(str::to_string);
    if let Some(r) = path.strip_prefix("/supabase-project/") {
        // `{ref}/auth/v1/…`, `{ref}/storage/v1/…`, `{ref}/rest/v1/…`
        let (_, after) = r.split_once('/')?;
        for (service, provider) in [
            ("auth/v1", "supabase-auth"),
            ("storage/v1", "supabase-storage"),
            ("rest/v1", "supabase-rest"),
        ] {
            if let Some(p) = after.strip_prefix(service) {
                return Some((provider, p.to_string()));
            }
        }
        return Some(("supabase-project", format!("/{after}")));
    }
    // A repository by its id, `/repositories/{id}/…`, is the same repository's
    // `/repos/{owner}/{repo}/…`: GitHub's description names that route in its notes ("You can
    // also specify a repository by `repository_id` using the route `…/repositories/:repository_id/…`")
    // and redirects a renamed repository's old name to it (`moved_permanently`,
    // `temporary_redirect`). Held to the `/repos/…` operation of the same rest.
    if let Some(r) = path.strip_prefix("/github/repositories/") {
        let (id, rest) = r.split_once('/').map_or((r, ""), |(i, t)| (i, t));
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            let rest = if rest.is_empty() {
                String::new()
            } else {
                format!("/{rest}")
            };
            return Some(("github", format!("/repos/repository_id/{id}{rest}")));
        }
    }
    // n8n's metrics sit beside its API: the check finds `/metrics` in n8n's table entries.
    if path == "/n8n/metrics" {
        return Some(("n8n", "/metrics".to_string()));
    }
    let table: [(&str, &'static str); 7] = [
        ("/supabase/", "supabase"),
        ("/github/", "github"),
        ("/vercel/", "vercel"),
        ("/n8n/api/v1/", "n8n"),
        ("/resend/", "resend"),
        ("/gitea/api/v1/", "gitea"),
        ("/stripe/", "stripe"),
    ];
    table.iter().find_map(|(prefix, provider)| {
        let r = rest(prefix.trim_end_matches('/'))?;
        (r.is_empty() || r.starts_with('/'))
            .then(|| (*provider, if r.is_empty() { "/".to_string() } else { r }))
    })
}

/// Whether `path` fits the description's `template` (`/v9/projects/{idOrName}`): segment by
/// segment, a `{…}` segment any one segment, a last `{wildcard}` (Storage's object path) the
/// rest. The number of literal segments it matched by, for preferring `/v1/projects/available`
/// to `/v1/projects/{ref}`.
pub fn fits(template: &str, path: &str) -> Option<usize> {
    fits_rest(template, path, &[])
}

/// As [`fits`], where a last `{name}` whose parameter the description marks as spanning
/// segments (GitHub's `x-multi-segment`: a ref `heads/main`, a file's path `a/b.sql`) takes
/// the rest of the path, one segment or more, as `{wildcard}` does.
pub fn fits_rest(template: &str, path: &str, rest: &[String]) -> Option<usize> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let wildcard = t.last().is_some_and(|s| {
        let name = s.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        name.is_some_and(|n| n == "wildcard" || rest.iter().any(|r| r == n))
    });
    if (!wildcard && t.len() != p.len()) || (wildcard && p.len() < t.len()) {
        return None;
    }
    let mut literal = 0;
    for (ts, ps) in t.iter().zip(&p) {
        if ts.starts_with('{') && ts.ends_with('}') {
            if ps.is_empty() {
                return None;
            }
        } else if ts == ps {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

#[test]
fn paths_find_their_provider_and_template() {
    assert_eq!(
        provider_of("/supabase-project/abc/auth/v1/admin/users"),
        Some(("supabase-auth", "/admin/users".to_string()))
    );
    assert_eq!(
        provider_of("/vercel/v9/projects/x"),
        Some(("vercel", "/v9/projects/x".to_string()))
    );
    assert_eq!(provider_of("/vercel-site/x.vercel.app"), None);
    assert_eq!(
        provider_of("/github/repositories/917918025"),
        Some(("github", "/repos/repository_id/917918025".to_string()))
    );
    assert_eq!(
        provider_of("/github/repositories/917918025/pulls/3"),
        Some((
            "github",
            "/repos/repository_id/917918025/pulls/3".to_string()
        ))
    );
    assert_eq!(provider_of("/github-git/o/r.git/info/refs"), None);
    assert_eq!(fits("/v9/projects/{idOrName}", "/v9/projects/p"), Some(3));
    assert_eq!(
        fits("/v1/projects/available", "/v1/projects/available"),
        Some(4)
    );
    assert_eq!(fits("/v9/projects/{idOrName}", "/v9/projects/p/env"), None);
    assert_eq!(
        fits("/object/{bucketName}/{wildcard}", "/object/b/a/b/c.png"),
        Some(2)
    );
    // A ref of two segments fits a template whose `{ref}` spans them, only where it does.
    let git = "/repos/{owner}/{repo}/git/ref/{ref}";
    assert_eq!(fits(git, "/repos/o/r/git/ref/heads/main"), None);
    let rest = ["ref".to_string()];
    assert_eq!(
        fits_rest(git, "/repos/o/r/git/ref/heads/main", &rest),
        Some(4)
    );
    assert_eq!(fits_rest(git, "/repos/o/r/git/ref/main", &rest), Some(4));
    assert_eq!(fits_rest(git, "/repos/o/r/git/ref", &rest), None);
    let other = ["path".to_string()];
    assert_eq!(
        fits_rest(git, "/repos/o/r/git/ref/heads/main", &other),
        None
    );
}
