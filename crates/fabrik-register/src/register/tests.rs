use super::*;
use crate::customer::rows::CustomerRows;
use crate::customer::rows::ListingRows;
use crate::customer::{CustomerDraft, CustomerPatch, Module, ModuleManifest, Plan, Status};
use crate::messages::ErrorCode;
use crate::spreadsheet::FORMULA_START;
use crate::store::Store;
// A register opens with the inbox's sources in it, whose words this crate hands the register.
use fabrik_intake as _;

fn manifest() -> ModuleManifest {
    ModuleManifest::bundled()
}

fn draft(name: &str, email: &str) -> CustomerDraft {
    CustomerDraft {
        name: name.into(),
        admin_email: email.into(),
        ..Default::default()
    }
}

fn codes(row: &ImportRow) -> Vec<ErrorCode> {
    row.problems.iter().map(|p| p.code).collect()
}

/// Customers whose text holds everything a file format can trip on.
fn awkward_register(store: &Store) {
    let m = manifest();
    store
        .create_customer(
            CustomerDraft {
                name: "Åkeri \"Nord\", Luleå".into(),
                admin_email: "ola@akeri.se".into(),
                contact_name: Some("Ola; Nordin".into()),
                plan: Some(Plan::Professional),
                modules: Some(vec![Module::Crm, Module::Email]),
                notes: Some("- rad ett\n=SUM(A1:A2)\n@home".into()),
                ..Default::default()
            },
            &m,
        )
        .unwrap();
    store
        .update_customer(
            "akeri-nord-lulea",
            CustomerPatch {
                production_url: Some("https://akeri.example.se".into()),
                github_repo_url: Some("https://github.com/byran/akeri-nord-lulea".into()),
                supabase_project_ref: Some("abcdefghijklmnopqrst".into()),
                status: Some(Status::Active),
                ..Default::default()
            },
            &m,
        )
        .unwrap();
    store
        .create_customer(draft("+46 Bygg", "info@bygg.se"), &m)
        .unwrap();
    store
        .create_customer(draft("Café Ängel", "hej@angel.se"), &m)
        .unwrap();
}

fn exported(store: &Store, format: ExportFormat) -> Vec<u8> {
    let mut out = Vec::new();
    export(store, store.environment(), format, &mut out).unwrap();
    out
}

/// Every field an import carries over, customer by customer.
fn comparable(store: &Store) -> Vec<String> {
    let mut all = Vec::new();
    store
        .each_customer(store.environment(), |c| {
            all.push(format!(
                "{}|{}|{}|{:?}|{}|{:?}|{}|{}|{:?}",
                c.slug,
                c.name,
                c.admin_email,
                c.contact_name,
                c.plan,
                c.modules,
                c.status,
                c.notes,
                c.instance
            ));
            Ok(())
        })
        .unwrap();
    all
}

#[test]
fn csv_and_json_exports_import_into_an_empty_register_as_they_were() {
    let source = Store::open_in_memory().unwrap();
    awkward_register(&source);
    for format in [ExportFormat::Csv, ExportFormat::Json] {
        let file = exported(&source, format);
        let target = Store::open_in_memory().unwrap();
        let preview = preview_import(&target, &file, &manifest()).unwrap();
        assert_eq!(
            (preview.to_add, preview.skipped.len()),
            (3, 0),
            "{format:?}: {preview:?}"
        );
        assert!(
            preview.ignored_columns.is_empty(),
            "{:?}",
            preview.ignored_columns
        );
        let report = apply_import(&target, &file, &manifest()).unwrap();
        assert_eq!(report.added, 3);
        assert_eq!(comparable(&target), comparable(&source), "{format:?}");
    }
}

#[test]
fn a_cell_that_a_spreadsheet_would_run_is_written_as_text() {
    let store = Store::open_in_memory().unwrap();
    awkward_register(&store);
    let csv = String::from_utf8(exported(&store, ExportFormat::Csv)).unwrap();
    assert!(csv.contains("'+46 Bygg"), "{csv}");
    assert!(csv.contains("\"'- rad ett\n=SUM(A1:A2)\n@home\""), "{csv}");
    // No cell starts with what a spreadsheet runs (a line inside a quoted cell is not a cell).
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(FORMULA_START), "{cell}");
        }
    }
}

#[test]
fn an_export_leaves_out_examples_and_archived_customers_and_says_how_many() {
    let store = Store::open_in_memory().unwrap();
    let m = manifest();
    store.insert_examples(&m).unwrap();
    store
        .create_customer(draft("Riktig Kund", "a@riktig.se"), &m)
        .unwrap();
    let mut out = Vec::new();
    let n = export(&store, store.environment(), ExportFormat::Json, &mut out).unwrap();
    assert_eq!(n, 1);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["format"], "fabrik-register");
    assert_eq!(json["customers"].as_array().unwrap().len(), 1);
    assert_eq!(json["customers"][0]["slug"], "riktig-kund");
    assert_eq!(json["customers"][0]["modules"], serde_json::json!(["crm"]));
}

#[test]
fn the_preview_names_every_row_it_skips_and_why_and_writes_nothing() {
    let store = Store::open_in_memory().unwrap();
    store
        .create_customer(draft("Finns Redan", "a@finns.se"), &manifest())
        .unwrap();
    let file = "name,admin_email,plan,modules,status,favorite_color\n\
                Ny Kund,ny@kund.se,professional,crm;email,active,blå\n\
                Utan Snabel,utan-snabel.se,,,,\n\
                Fel Plan,a@plan.se,gold,,,\n\
                Fel Modul,a@modul.se,,crm;teleport,,\n\
                Mitt I,a@mitt.se,,,provisioning,\n\
                Finns Redan,b@finns.se,,,,\n\
                Ny Kund,igen@kund.se,,,,\n\
                ,,,,,\n";
    let before = store.count_customers().unwrap();
    let p = preview_import(&store, file.as_bytes(), &manifest()).unwrap();
    assert_eq!(
        store.count_customers().unwrap(),
        before,
        "a preview writes nothing"
    );
    assert_eq!(p.to_add, 1);
    assert_eq!(p.sample[0].slug, "ny-kund");
    assert_eq!(p.ignored_columns, vec!["favorite_color".to_string()]);
    let by_line: Vec<(u32, Vec<ErrorCode>)> =
        p.skipped.iter().map(|r| (r.line, codes(r))).collect();
    assert_eq!(
        by_line,
        vec![
            (3, vec![ErrorCode::EmailInvalid]),
            (4, vec![ErrorCode::ImportValueUnknown]),
            (5, vec![ErrorCode::ImportValueUnknown]),
            (6, vec![ErrorCode::ImportStatus]),
            (7, vec![ErrorCode::ImportExists]),
            (8, vec![ErrorCode::ImportDuplicate]),
        ]
    );
    assert!(
        p.skipped[1].problems[0].message.contains("gold"),
        "{:?}",
        p.skipped[1]
    );
    assert!(p.skipped[2].problems[0].message.contains("teleport"));
    assert!(
        p.skipped[5].problems[0].message.contains("rad 2"),
        "{:?}",
        p.skipped[5]
    );
    let report = apply_import(&store, file.as_bytes(), &manifest()).unwrap();
    assert_eq!((report.added, report.skipped.len()), (1, 6));
    let added = store.get_customer("ny-kund").unwrap();
    assert_eq!(
        (added.plan, added.status),
        (Plan::Professional, Status::Active)
    );
    assert_eq!(added.modules, vec![Module::Crm, Module::Email]);
    assert_eq!(
        store.get_customer("finns-redan").unwrap().admin_email,
        "a@finns.se",
        "never overwritten"
    );
}

#[test]
fn a_swedish_spreadsheet_and_the_portals_organizations_are_read() {
    let store = Store::open_in_memory().unwrap();
    let swedish = "\u{feff}Namn;E-post;Moduler;Anteckningar\nBageri Öst;info@bageri.se;crm, email;\"Ring; inte maila\"\n";
    let report = apply_import(&store, swedish.as_bytes(), &manifest()).unwrap();
    assert_eq!(report.added, 1, "{report:?}");
    let c = store.get_customer("bageri-ost").unwrap();
    assert_eq!((c.modules.len(), c.notes.as_str()), (2, "Ring; inte maila"));

    let portal = "id,name,email,production_url,github_repo_url,supabase_project_ref,created_at,credits\n\
                  7f0c…,Hotell Fjäll,bokning@fjall.se,https://fjall.example.se,https://github.com/byran/hotell-fjall,qwertyuiopasdfghjklz,2025-12-24T10:00:00Z,40\n";
    let p = preview_import(&store, portal.as_bytes(), &manifest()).unwrap();
    assert_eq!(
        p.ignored_columns,
        vec!["id".to_string(), "credits".to_string()]
    );
    apply_import(&store, portal.as_bytes(), &manifest()).unwrap();
    let c = store.get_customer("hotell-fjall").unwrap();
    assert_eq!(
        c.instance.supabase_project_ref.as_deref(),
        Some("qwertyuiopasdfghjklz")
    );
    assert_ne!(
        c.created_at.to_rfc3339(),
        "2025-12-24T10:00:00+00:00",
        "the register's own time"
    );
}

#[test]
fn a_file_that_cannot_be_read_as_a_whole_is_refused_and_nothing_is_added() {
    let store = Store::open_in_memory().unwrap();
    let cases: [(&[u8], &str); 7] = [
        (b"name,plan\nKund,starter\n", "admin_email"),
        (b"", "tom"),
        (b"name,email\nK\xe4nd,a@b.se\n", "UTF-8"),
        // The same file as the window reads it (Latin-1 byte replaced by the browser).
        ("name,email\nK\u{FFFD}nd,a@b.se\n".as_bytes(), "UTF-8"),
        (b"{\"kunder\": []}", "customers"),
        (b"[{\"name\": \"A\", \"email\": \"a@b.se\"", "JSON"),
        (b"name,email,Name\nA,a@b.se,B\n", "två gånger"),
    ];
    for (file, says) in cases {
        let e = preview_import(&store, file, &manifest()).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ImportFileInvalid, "{e}");
        assert!(e.to_string().contains(says), "{e} should say {says}");
        assert!(apply_import(&store, file, &manifest()).is_err());
    }
    assert_eq!(store.count_customers().unwrap(), 0);
}

#[test]
fn a_slug_taken_after_the_preview_is_skipped_not_overwritten() {
    let store = Store::open_in_memory().unwrap();
    let file = b"name,admin_email\nSnabb Kund,a@snabb.se\nLugn Kund,a@lugn.se\n";
    assert_eq!(preview_import(&store, file, &manifest()).unwrap().to_add, 2);
    store
        .create_customer(draft("Snabb Kund", "first@snabb.se"), &manifest())
        .unwrap();
    let report = apply_import(&store, file, &manifest()).unwrap();
    assert_eq!(report.added, 1);
    assert_eq!(codes(&report.skipped[0]), vec![ErrorCode::ImportExists]);
    assert_eq!(
        store.get_customer("snabb-kund").unwrap().admin_email,
        "first@snabb.se"
    );
}

#[test]
fn an_export_of_a_register_file_reads_on_its_own_connection() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("fabrik.db")).unwrap();
    awkward_register(&store);
    let csv = String::from_utf8(exported(&store, ExportFormat::Csv)).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        Column::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains(",pending,") || l.contains(",active,"))
            .count(),
        3
    );
}
