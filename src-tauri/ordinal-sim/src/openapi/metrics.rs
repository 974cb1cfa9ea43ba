//! metrics.k8s.io/v1beta1 kinds: served by metrics-server on a real cluster and not part of
//! k8s-openapi, so their (small) schemas are written here, from the metrics API's Go types.

use std::borrow::Cow;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

const API_VERSION: &str =
    "APIVersion defines the versioned schema of this representation of an object.";
const KIND: &str = "Kind is a string value representing the REST resource this object represents.";

pub struct PodMetrics;
pub struct NodeMetrics;
pub struct ContainerMetrics;

fn usage(gen: &mut SchemaGenerator, what: &str) -> Value {
    json!({"description": what, "type": "object",
           "additionalProperties": gen.subschema_for::<Quantity>()})
}

impl JsonSchema for ContainerMetrics {
    fn schema_name() -> Cow<'static, str> {
        "io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "ContainerMetrics sets resource usage metrics of a container.",
            "type": "object",
            "properties": {
                "name": {"description": "Container name corresponding to the one from pod.spec.containers.", "type": "string"},
                "usage": usage(gen, "The memory usage is the memory working set."),
            },
            "required": ["name", "usage"],
        })
    }
}

impl JsonSchema for PodMetrics {
    fn schema_name() -> Cow<'static, str> {
        "io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "PodMetrics sets resource usage metrics of a pod.",
            "type": "object",
            "properties": {
                "apiVersion": {"description": API_VERSION, "type": "string"},
                "kind": {"description": KIND, "type": "string"},
                "metadata": gen.subschema_for::<meta::ObjectMeta>(),
                "timestamp": gen.subschema_for::<meta::Time>(),
                "window": {"type": "string"},
                "containers": {"description": "Metrics for all containers are collected within the same time window.",
                               "type": "array", "items": gen.subschema_for::<ContainerMetrics>()},
            },
            "required": ["timestamp", "window", "containers"],
        })
    }
}

impl JsonSchema for NodeMetrics {
    fn schema_name() -> Cow<'static, str> {
        "io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics".into()
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "NodeMetrics sets resource usage metrics of a node.",
            "type": "object",
            "properties": {
                "apiVersion": {"description": API_VERSION, "type": "string"},
                "kind": {"description": KIND, "type": "string"},
                "metadata": gen.subschema_for::<meta::ObjectMeta>(),
                "timestamp": gen.subschema_for::<meta::Time>(),
                "window": {"type": "string"},
                "usage": usage(gen, "The memory usage is the memory working set."),
            },
            "required": ["timestamp", "window", "usage"],
        })
    }
}
