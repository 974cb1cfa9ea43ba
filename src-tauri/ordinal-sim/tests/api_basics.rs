mod common;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::api::{Api, ListParams, PostParams};

#[tokio::test]
async fn connects_with_client_cert_and_lists_namespaces() {
    let c = common::start().await;
    let v = c.client.apiserver_version().await.expect("version");
    assert_eq!(v.major, "1");
    let api: Api<Namespace> = Api::all(c.client.clone());
    let names: Vec<String> = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    assert!(names.contains(&"default".to_string()), "{names:?}");
    let ns = common::namespace(&c.client, "basics").await;
    let cms: Api<ConfigMap> = Api::namespaced(c.client.clone(), &ns);
    let cm: ConfigMap = serde_json::from_value(
        serde_json::json!({"metadata": {"generateName": "cfg-"}, "data": {"a": "1"}}),
    )
    .unwrap();
    let created = cms.create(&PostParams::default(), &cm).await.unwrap();
    let name = created.metadata.name.clone().unwrap();
    assert!(name.starts_with("cfg-") && name.len() == 9, "{name}");
    assert!(created.metadata.uid.is_some());
    assert!(created.metadata.creation_timestamp.is_some());
    let got = cms.get(&name).await.unwrap();
    assert_eq!(got.data.unwrap()["a"], "1");
}
