//! The samples the fixture records: names and slugs, drafts and patches the core accepts or
//! refuses, each as the UI could send it.

use super::*;

pub(super) fn names() -> Vec<String> {
    let mut v: Vec<String> = [
        "Åsa's Bageri & Café AB",
        "A\u{30a}sa's Bageri & Cafe\u{301} AB",
        "Örebro Ölhall",
        "  Crème -- Brûlée!! ",
        "Müller & Søn GmbH",
        "Straße 42",
        "Ärlig Åkeri i Väst",
        "Fjällstugan Boende",
        "Göteborgs Cykelverkstad",
        "Café Öresund",
        "Skärgårdens Kajak & Äventyr",
        "Hälsohuset i Lund",
        "Ängelholms El & VVS",
        "Ångström Laboratorier",
        "Smörgås-Bolaget",
        "Nyköpings Städ (Syd)",
        "Bröderna Ek HB",
        "O'Brien's Pub",
        "O’Brien’s Pub",
        "L‘Atelier",
        "`Backtick` Konsult",
        "Rock´n´Roll Bar",
        "Dʼor Bageri",
        "Zoë's Yoga",
        "Ægir Bryggeri",
        "Blåbær Ærø",
        "Søren Kierkegaard ApS",
        "Øresund Øl",
        "Großmann & Weiß",
        "Œuvre Design",
        "Łódź Pierogi",
        "Đakovo Vin",
        "Þórsmörk Tours",
        "Æ",
        "ß",
        "Ørn",
        "Señor Taco",
        "Mañana Mañana",
        "Ça Va Bistro",
        "Naïve Nørd",
        "Ünal Kebab",
        "Résumé Café",
        "Ølstue №1",
        "Företag™",
        "€uro Bygg",
        "©opy Shop",
        "Bageri 🍰 Söder",
        "Привет Мир",
        "東京 Sushi",
        "Tab\tSeparated",
        "Nbsp\u{a0}Space",
        "123",
        "42",
        "2024 Konsult AB",
        "7-Eleven",
        "3M Svenska",
        "100% Ekologiskt",
        "50/50 Bygg",
        "Hälsa 24/7",
        "www",
        "API",
        "App",
        "Test",
        "Demo AB",
        "fabrik",
        "Fabrik AB",
        "Admin",
        "AB",
        "!!!",
        "",
        "   ",
        "a--b--c",
        "-abc-",
        "...punkter...",
        "E&K",
        "A/S Nordlys",
        "a b c d",
        "Stora Kopparbergs Bergslags Aktiebolag Med Dotterbolag i Falun",
        "Ett Mycket Långt Företagsnamn Som Inte Får Plats I Ett Adressnamn AB",
        "Abc Defghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv",
        "Ab Cdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv",
        "Abcdefghijklmnopqrstuvwxyzabcdefghijklm Nopq",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    v.push("Å".repeat(40));
    v.push("a".repeat(41));
    v.push("x".repeat(250));
    v
}

pub(super) fn slugs() -> Vec<String> {
    let mut v: Vec<String> = [
        "ok-slug-1",
        "asas-bageri-cafe-ab",
        "abc",
        "ab",
        "a",
        "",
        "-abc",
        "abc-",
        "-",
        "---",
        "ab--c",
        "a-b",
        "1-2",
        "123",
        "12",
        "Abc",
        "ABC",
        "åsa",
        "über",
        "a_b",
        "a b",
        " abc",
        "abc\n",
        "kund.se",
        "kund/ab",
        "ß-abc",
        "www",
        "api",
        "admin",
        "apps",
        "auth",
        "system",
        "fabrik",
        "fabrik-ab",
        "admin-panel",
        "test-1",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    v.push("a".repeat(40));
    v.push("a".repeat(41));
    v.push(format!("{}-", "a".repeat(39)));
    v.push("1234567890".repeat(4));
    v.push("Å".repeat(2));
    v
}

pub(super) fn drafts() -> Vec<CustomerDraft> {
    let ok = "anna@foretag.se";
    let with = |name: &str, f: &dyn Fn(&mut CustomerDraft)| {
        let mut d = draft(name, ok);
        f(&mut d);
        d
    };
    let mut v = vec![
        draft("  Åsa's Bageri & Café AB ", "asa@bageri.se"),
        draft("", "nope"),
        draft("", ""),
        draft("   ", ok),
        with("Kund", &|d| d.slug = Some("api".into())),
        with("Kund AB", &|d| d.slug = Some("kund--ab".into())),
        with("Kund AB", &|d| d.slug = Some("Kund".into())),
        with("Kund AB", &|d| d.slug = Some("  egen-adress ".into())),
        with("Kund AB", &|d| d.slug = Some("   ".into())),
        with("", &|d| d.slug = Some("x".into())),
        draft("AB", ok),
        draft("Admin", ok),
        draft("!!!", ok),
        draft("Upptagen AB", ok),
        with("Annan AB", &|d| d.slug = Some("upptagen-ab".into())),
        draft(&"N".repeat(200), ok),
        draft(&"N".repeat(201), ok),
        with("Kontakt AB", &|d| d.contact_name = Some("K".repeat(201))),
        with("Kontakt AB", &|d| {
            d.contact_name = Some("  Per Ek  ".into())
        }),
        with("Kontakt AB", &|d| d.contact_name = Some("   ".into())),
        with("Noter AB", &|d| d.notes = Some("n".repeat(10_000))),
        with("Noter AB", &|d| d.notes = Some("n".repeat(10_001))),
        with("Noter AB", &|d| d.notes = Some("  En rad.\n".into())),
        with("Stor Kund AB", &|d| d.plan = Some(Plan::Enterprise)),
        with("Mellan Kund AB", &|d| d.plan = Some(Plan::Professional)),
        with("Mellan Kund AB", &|d| {
            d.plan = Some(Plan::Professional);
            d.modules = Some(vec![Module::Social, Module::Crm, Module::Crm]);
        }),
        with("Utan Moduler AB", &|d| d.modules = Some(vec![])),
        with("Aktiv Kund AB", &|d| d.status = Some(Status::Active)),
        with("Allt AB", &|d| {
            d.slug = Some("allt".into());
            d.contact_name = Some("Eva".into());
            d.plan = Some(Plan::Starter);
            d.modules = Some(vec![Module::Accommodation, Module::Email]);
            d.status = Some(Status::Inactive);
            d.notes = Some("Ring först".into());
        }),
    ];
    for email in [
        "",
        "anna",
        "anna@",
        "@foretag.se",
        "anna@foretag",
        "anna@.se",
        "anna@foretag.se.",
        "anna@-x.se",
        "anna@x-.se",
        "anna@sub_domain.se",
        "a b@c.se",
        "anna..b@x.se",
        ".anna@x.se",
        "anna.@x.se",
        "\"anna\"@x.se",
        "åsa@bageri.se",
        "anna@bageri.åland",
        "anna@xn--bcher-kva.se",
        "first.last+tag@sub.example.com",
        "x@a.io",
        "a@b@c.se",
        "  anna@foretag.se  ",
        "o'brien@pub.ie",
    ] {
        v.push(draft("E-post AB", email));
    }
    // 254 bytes, every part at its longest; then one byte more.
    let (local, label) = ("a".repeat(64), "b".repeat(63));
    v.push(draft(
        "E-post AB",
        &format!("{local}@{label}.{label}.{}.se", "c".repeat(58)),
    ));
    v.push(draft(
        "E-post AB",
        &format!("{local}@{label}.{label}.{}.se", "c".repeat(59)),
    ));
    v.push(draft("E-post AB", &format!("anna@{}.se", "b".repeat(64))));
    v.push(draft(
        "E-post AB",
        &format!("{}@foretag.se", "a".repeat(64)),
    ));
    v.push(draft(
        "E-post AB",
        &format!("{}@foretag.se", "a".repeat(65)),
    ));
    v
}

pub(super) fn patches() -> Vec<(Customer, CustomerPatch)> {
    let pending = || customer("kund-ab", Status::Pending, Instance::default());
    let failed = || customer("kund-ab", Status::Failed, Instance::default());
    let active_empty = || customer("kund-ab", Status::Active, Instance::default());
    let live = || customer("kund-ab", Status::Active, live_instance());
    let failed_live = || customer("kund-ab", Status::Failed, live_instance());
    let p = |f: &dyn Fn(&mut CustomerPatch)| {
        let mut p = CustomerPatch::default();
        f(&mut p);
        p
    };
    let mut v = vec![
        (pending(), p(&|_| {})),
        (pending(), p(&|p| p.slug = Some("ny-kund".into()))),
        (pending(), p(&|p| p.slug = Some("  ny-kund ".into()))),
        (pending(), p(&|p| p.slug = Some("Ny Kund".into()))),
        (pending(), p(&|p| p.slug = Some("www".into()))),
        (failed(), p(&|p| p.slug = Some("ny-kund".into()))),
        (active_empty(), p(&|p| p.slug = Some("ny-kund".into()))),
        (live(), p(&|p| p.slug = Some("ny-kund".into()))),
        (live(), p(&|p| p.slug = Some("kund-ab".into()))),
        (failed_live(), p(&|p| p.slug = Some("ny-kund".into()))),
        (live(), p(&|p| p.slug = Some("-x".into()))),
        (pending(), p(&|p| p.plan = Some(Plan::Enterprise))),
        (pending(), p(&|p| p.plan = Some(Plan::Starter))),
        (
            pending(),
            p(&|p| {
                p.plan = Some(Plan::Professional);
                p.modules = Some(vec![Module::Email, Module::Crm]);
            }),
        ),
        (
            pending(),
            p(&|p| p.modules = Some(vec![Module::Content, Module::Crm])),
        ),
        (pending(), p(&|p| p.name = Some("  Nytt Namn  ".into()))),
        (pending(), p(&|p| p.name = Some("".into()))),
        (pending(), p(&|p| p.admin_email = Some("fel".into()))),
        (pending(), p(&|p| p.contact_name = Some("".into()))),
        (pending(), p(&|p| p.notes = Some("  ".into()))),
        (pending(), p(&|p| p.status = Some(Status::Inactive))),
        (live(), p(&|p| p.production_url = Some("".into()))),
        (live(), p(&|p| p.n8n_workflow_id = Some("   ".into()))),
    ];
    for url in [
        "https://kund.se",
        "https://kund.se/väg?x=1",
        "http://kund.se",
        "kund.se",
        "https://",
        "javascript:alert(1)",
        "ftp://kund.se",
        "https:kund.se",
    ] {
        v.push((pending(), p(&|p| p.production_url = Some(url.into()))));
        v.push((pending(), p(&|p| p.github_repo_url = Some(url.into()))));
    }
    for r in [
        "abcdefghijklmnopqrst",
        "abcdefghijklmnopqrs",
        "abcdefghijklmnopqrstu",
        "ABCDEFGHIJKLMNOPQRST",
        "abcdefghijklmnopqrs1",
    ] {
        v.push((pending(), p(&|p| p.supabase_project_ref = Some(r.into()))));
    }
    let long = "a".repeat(64);
    let too_long = "a".repeat(65);
    for id in [
        "prj_abc123".to_string(),
        "prj_".into(),
        "abc".into(),
        "prj_abc-123".into(),
        "PRJ_abc".into(),
        format!("prj_{long}"),
        format!("prj_{too_long}"),
    ] {
        v.push((pending(), p(&|p| p.vercel_project_id = Some(id.clone()))));
    }
    for id in [
        "wf-1".to_string(),
        "Wf2abc".into(),
        "wf 1".into(),
        "wf_1".into(),
        long.clone(),
        too_long.clone(),
    ] {
        v.push((pending(), p(&|p| p.n8n_workflow_id = Some(id.clone()))));
    }
    v.push((
        live(),
        p(&|p| {
            p.name = Some("".into());
            p.slug = Some("Ny".into());
            p.admin_email = Some("".into());
            p.supabase_project_ref = Some("x".into());
            p.vercel_project_id = Some("x".into());
            p.n8n_workflow_id = Some("x y".into());
            p.production_url = Some("http://x.se".into());
        }),
    ));
    v
}
