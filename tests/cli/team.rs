//! `fabrik team` as the agency owner uses it: a list with bad rows names them and invites
//! nobody (exit 1), the corrected list is invited (a line per person), the team is listed as
//! JSON, a member is revoked once asked (or with --yes), an admin only with the address typed
//! (--yes never replaces it).

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_list_is_checked_invited_listed_and_revoked_from_the_command_line() {
    let Some(_) = common::keyring("cli-team") else {
        return;
    };
    let sim = common::sim(fabrik_sim::Profile::Instant).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fabrik.sqlite3");
    {
        let store = fabrik::store::Store::open(&db).unwrap();
        for (k, v) in common::settings_for(&sim) {
            store.set_setting(k, &v).unwrap();
        }
    }
    let run = |args: &[&str]| common::cli(&sim, &db).args(args).output().unwrap();
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", common::said(&out));
        common::said(&out)
    };
    ok(&[
        "customers",
        "add",
        "--name",
        "Listkund AB",
        "--email",
        "admin@listkund.example.se",
    ]);
    let slug = "listkund-ab";
    ok(&["provision", slug, "--yes"]);

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "namn;e-post;roll\nKarin;karin@listkund.example.se;admin\nOlle;olle@;medlem\nLisa;lisa@listkund.example.se;chef\n",
    )
    .unwrap();
    let out = run(&[
        "team",
        "invite",
        slug,
        "--csv",
        bad.to_str().unwrap(),
        "--yes",
    ]);
    let said = common::said(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("rad 3: olle@")
            && said.contains("rad 4: lisa@listkund.example.se")
            && said.contains("Rollen «chef» finns inte"),
        "{said}"
    );
    let emails = || async {
        common::inventory(&sim).await["resend"]["emails"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
    };
    let before = emails().await;

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "name,email,role\nKarin Ek,karin@listkund.example.se,admin\nOlle Berg,olle@listkund.example.se,member\n",
    )
    .unwrap();
    let said = ok(&[
        "team",
        "invite",
        slug,
        "--csv",
        good.to_str().unwrap(),
        "--yes",
    ]);
    assert!(
        said.contains("[1/2] ✓ karin@listkund.example.se inbjuden")
            && said.contains("[2/2] ✓ olle@listkund.example.se inbjuden")
            && said.contains("2 klara, 0 misslyckades"),
        "{said}"
    );
    assert_eq!(emails().await, before + 2, "two invitations through Resend");

    let out = run(&["team", "list", slug, "--json"]);
    let team: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(team["sends_as_agency"], true, "{team}");
    let members: Vec<(String, String, String)> = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
                m["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        members,
        vec![
            (
                "admin@listkund.example.se".into(),
                "owner".into(),
                "active".into()
            ),
            (
                "karin@listkund.example.se".into(),
                "admin".into(),
                "invited".into()
            ),
            (
                "olle@listkund.example.se".into(),
                "member".into(),
                "invited".into()
            ),
        ]
    );

    // The command line's one convention: a revoke is asked first, and without a terminal to
    // ask in nothing is done; --yes skips the question.
    let status_of = |email: &str| {
        let out = run(&["team", "list", slug, "--json"]);
        let team: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        team["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .map(|m| m["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    let out = run(&["team", "revoke", slug, "olle@listkund.example.se"]);
    let said = common::said(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("--yes hoppar över frågan") && said.contains("not_confirmed"),
        "{said}"
    );
    assert_eq!(status_of("olle@listkund.example.se"), "invited");
    let said = ok(&["team", "revoke", slug, "olle@listkund.example.se", "--yes"]);
    assert!(said.contains("har inte längre tillgång"), "{said}");
    assert_eq!(status_of("olle@listkund.example.se"), "revoked");
    // An admin: the address typed, which --yes does not replace; not given and not asked
    // (stdin is no terminal) → refused, and nothing changed. Not a usage error: --yes is the
    // same word here as everywhere.
    for args in [
        vec!["team", "revoke", slug, "karin@listkund.example.se"],
        vec!["team", "revoke", slug, "karin@listkund.example.se", "--yes"],
        vec![
            "team",
            "revoke",
            slug,
            "karin@listkund.example.se",
            "--yes",
            "--confirm",
            "olle@listkund.example.se",
        ],
    ] {
        let out = run(&args);
        let said = common::said(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
        assert_eq!(
            status_of("karin@listkund.example.se"),
            "invited",
            "{args:?}"
        );
    }
    let said = common::said(&run(&[
        "team",
        "revoke",
        slug,
        "karin@listkund.example.se",
        "--yes",
    ]));
    assert!(
        said.contains("skriv adressen för att ta bort behörigheten"),
        "{said}"
    );
    let said = ok(&[
        "team",
        "revoke",
        slug,
        "karin@listkund.example.se",
        "--confirm",
        "karin@listkund.example.se",
    ]);
    assert!(said.contains("karin@listkund.example.se (admin)"), "{said}");
    ok(&["teardown", slug, "--confirm", slug]);
    sim.shutdown().await;
}
