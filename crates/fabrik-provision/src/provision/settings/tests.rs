use super::*;

#[test]
fn a_secret_never_gets_a_public_variable_name() {
    for name in [
        "NEXT_PUBLIC_SERVICE_ROLE",
        "VITE_KEY",
        "public_key",
        "REACT_APP_X",
    ] {
        let err = check_setting("env.supabase_service_role_key", name).unwrap_err();
        assert_eq!(err.code().as_str(), "invalid_setting", "{name}");
    }
    assert!(check_setting("env.supabase_service_role_key", "SUPABASE_SERVICE_ROLE_KEY").is_ok());
    // Public values may have public names.
    assert!(check_setting("env.supabase_anon_key", "NEXT_PUBLIC_SUPABASE_ANON_KEY").is_ok());
    for bad in ["1ABC", "MY-VAR", "MY VAR", "ÅÄÖ", ""] {
        assert!(check_setting("env.modules", bad).is_err(), "{bad:?}");
    }
}

/// A register with every setting a run needs.
fn ready_store() -> Store {
    let store = Store::open_in_memory().unwrap();
    for (k, v) in [
        ("github.template", "byran/mall"),
        ("github.owner", "byran"),
        ("supabase.organization", "byran"),
        ("email.sender_address", "hej@byran.se"),
    ] {
        store.set_setting(k, v).unwrap();
    }
    store
}

#[test]
fn a_stored_public_name_for_the_secret_is_refused_when_a_run_loads_its_settings() {
    let store = ready_store();
    assert!(ProvisionSettings::load(&store).is_ok());
    // Written past check_setting (an older Fabrik, or by hand).
    store
        .set_setting(
            "env.supabase_service_role_key",
            "NEXT_PUBLIC_SERVICE_ROLE_KEY",
        )
        .unwrap();
    let err = ProvisionSettings::load(&store).err().unwrap();
    assert!(
        err.to_string().contains("env.supabase_service_role_key"),
        "{err}"
    );
}

/// The welcome email's support contact: the sender address unless one is set; a bad one is
/// refused when saved and when a run loads it.
#[test]
fn the_support_address_defaults_to_the_sender_and_is_checked() {
    let store = ready_store();
    store.set_setting("email.sender_name", "Byrån").unwrap();
    let s = ProvisionSettings::load(&store).unwrap();
    assert_eq!(
        (s.agency.as_str(), s.support_address.as_str()),
        ("Byrån", "hej@byran.se")
    );
    assert!(check_setting("email.support_address", "inte-en-adress").is_err());
    store
        .set_setting("email.support_address", "support@byran.se")
        .unwrap();
    let s = ProvisionSettings::load(&store).unwrap();
    assert_eq!(s.support_address, "support@byran.se");
    store
        .set_setting("email.support_address", "inte-en-adress")
        .unwrap();
    let err = ProvisionSettings::load(&store).err().unwrap();
    assert!(err.to_string().contains("email.support_address"), "{err}");
}

#[test]
fn api_urls_are_https_or_this_machine() {
    assert!(check_setting("vercel.api_url", "http://api.vercel.example").is_err());
    assert!(check_setting("vercel.api_url", "http://127.0.0.1:4010/vercel").is_ok());
    assert!(check_setting("vercel.api_url", "https://api.vercel.com").is_ok());
    assert!(check_setting("supabase.project_url_template", "http://{ref}.example.co").is_err());
}

/// Where a site is visited: a template with `{host}`, https (or this machine); empty means
/// the default.
#[test]
fn the_site_url_template_names_the_host_and_is_https() {
    assert!(check_setting("site.url_template", "https://{host}").is_ok());
    assert!(check_setting(
        "site.url_template",
        "http://127.0.0.1:4010/vercel-site/{host}"
    )
    .is_ok());
    assert!(check_setting("site.url_template", "").is_ok());
    assert!(check_setting("site.url_template", "https://example.se").is_err());
    assert!(check_setting("site.url_template", "http://{host}").is_err());
}
