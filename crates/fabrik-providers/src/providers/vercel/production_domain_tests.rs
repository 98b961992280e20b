use super::Deployment;

fn deployment(url: &str, alias: &[&str], automatic: &[&str]) -> Deployment {
    Deployment {
        id: "dpl_1".into(),
        url: Some(url.into()),
        ready_state: "READY".into(),
        error_message: None,
        target: Some("production".into()),
        project_id: Some("prj_1".into()),
        alias: alias.iter().map(|a| a.to_string()).collect(),
        automatic_aliases: automatic.iter().map(|a| a.to_string()).collect(),
    }
}

/// The public address: a custom domain first, else the project's own `*.vercel.app` name;
/// never the per-deployment URL or a branch alias (both behind Deployment Protection).
#[test]
fn the_production_domain_is_never_a_protected_url() {
    let url = "kund-ab-x1y2z3-byran.vercel.app";
    let branch = "kund-ab-git-main-byran.vercel.app";
    let d = deployment(
        url,
        &[
            url,
            branch,
            "kund-ab-byran.vercel.app",
            "kund-ab.vercel.app",
        ],
        &[],
    );
    assert_eq!(d.production_domain().as_deref(), Some("kund-ab.vercel.app"));
    let d = deployment(url, &["kund-ab.vercel.app", "https://app.kund.se/"], &[]);
    assert_eq!(d.production_domain().as_deref(), Some("app.kund.se"));
    let d = deployment(
        url,
        &["kund-ab-byran.vercel.app"],
        &["kund-ab-byran.vercel.app"],
    );
    assert_eq!(d.production_domain(), None, "only automatic aliases");
    assert_eq!(deployment(url, &[url], &[]).production_domain(), None);
}
