//! Supabase's own backups in the simulator: they follow the project's plan, and a restore goes
//! through RESTORING.

use super::*;

/// Supabase's own backups per plan (spec: v1-list-all-backups and the restores): none on the
/// free plan (PITR refused as recorded, the schedule 402), physical backups and a PITR window
/// once the test surface switches the plan, restores refused outside the window, and an
/// accepted one through RESTORING back to ACTIVE_HEALTHY. State only (no PostgreSQL here).
#[tokio::test]
async fn backups_follow_the_plan_and_a_restore_goes_through_restoring() {
    let timings = Timings {
        supabase_restore: Duration::from_millis(1500),
        ..Timings::instant()
    };
    let sim = sim_with(SimConfig {
        profile: Profile::Realistic,
        timings: Some(timings),
        ..Default::default()
    })
    .await;
    let base = sim.supabase_api_url();
    let c = client();
    let r = create(&c, &base, "backups").await["ref"]
        .as_str()
        .unwrap()
        .to_string();
    let get = |path: String| {
        let c = c.clone();
        async move { json_of(c.get(path).bearer_auth(TOKEN).send().await.unwrap()).await }
    };
    let post = |path: String, body: Value| {
        let c = c.clone();
        async move {
            json_of(
                c.post(path)
                    .bearer_auth(TOKEN)
                    .json(&body)
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    let backups = format!("{base}/v1/projects/{r}/database/backups");

    let (s, _, v) = get(backups.clone()).await;
    assert_eq!(s, 200, "{v}");
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups",
        200,
        &v,
    );
    assert_eq!(v["pitr_enabled"], false);
    assert_eq!(v["walg_enabled"], false);
    assert_eq!(v["backups"], json!([]));
    let body = json!({"recovery_time_target_unix": 1});
    assert_request(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/backups/restore-pitr",
        &body,
    );
    let (s, _, v) = post(format!("{backups}/restore-pitr"), body).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (400, Some("PITR is not enabled for this project."))
    );
    let (s, _, _) = post(format!("{backups}/restore"), json!({"id": 1})).await;
    assert_eq!(s, 400);
    let (s, _, _) = get(format!("{backups}/schedule")).await;
    assert_eq!(s, 402, "Feature requires a higher plan");

    let (s, _, admin) = post(
        format!("{}/__sim/supabase/projects/{r}/plan", sim.base_url()),
        json!({"plan": "pro", "pitr": true}),
    )
    .await;
    assert_eq!(s, 200, "{admin}");
    let (_, _, v) = get(backups.clone()).await;
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups",
        200,
        &v,
    );
    assert_eq!(
        (v["pitr_enabled"].as_bool(), v["walg_enabled"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(v["backups"][0]["is_physical_backup"], true);
    assert_eq!(v["backups"][0]["status"], "COMPLETED");
    let first = v["physical_backup_data"]["earliest_physical_backup_date_unix"]
        .as_i64()
        .unwrap();
    let (s, _, v) = get(format!("{backups}/schedule")).await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups/schedule",
        200,
        &v,
    );

    let body = json!({"name": "before-upgrade"});
    assert_request(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/backups/restore-point",
        &body,
    );
    let (s, _, v) = post(format!("{backups}/restore-point"), body).await;
    assert_eq!(s, 201, "{v}");
    assert_response(
        Spec::Supabase,
        "POST",
        "/v1/projects/{ref}/database/backups/restore-point",
        201,
        &v,
    );
    let (s, _, v) = get(format!("{backups}/restore-point?name=before-upgrade")).await;
    assert_eq!(s, 200);
    assert_response(
        Spec::Supabase,
        "GET",
        "/v1/projects/{ref}/database/backups/restore-point",
        200,
        &v,
    );

    let (s, _, _) = post(
        format!("{backups}/restore-pitr"),
        json!({"recovery_time_target_unix": first - 60}),
    )
    .await;
    assert_eq!(s, 400, "before the window");
    let (s, _, _) = post(
        format!("{backups}/restore-pitr"),
        json!({"recovery_time_target_unix": first}),
    )
    .await;
    assert_eq!(s, 201);
    let status = |v: Value| v["status"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        status(get(format!("{base}/v1/projects/{r}")).await.2),
        "RESTORING"
    );
    let (s, _, _) = post(
        format!("{backups}/restore-pitr"),
        json!({"recovery_time_target_unix": first}),
    )
    .await;
    assert_eq!(s, 400, "not again while restoring");
    tokio::time::sleep(Duration::from_millis(1700)).await;
    assert_eq!(
        status(get(format!("{base}/v1/projects/{r}")).await.2),
        "ACTIVE_HEALTHY"
    );
}
