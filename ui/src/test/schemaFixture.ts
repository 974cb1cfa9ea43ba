// A StatefulSet's schema, cut down to what the editor tests need, in the shape `object_schema` returns.
import type { ObjectSchema, SchemaNode } from "../api";

function n(fields: Partial<SchemaNode>): SchemaNode {
  return { ref: null, type: null, format: null, description: null, enum: null, properties: null, items: null, additionalProperties: null, intOrString: false, preserveUnknownFields: false, ...fields };
}
const ref = (name: string) => n({ ref: name });
const str = (description: string | null = null) => n({ type: "string", description });
const int = (description: string | null = null) => n({ type: "integer", format: "int32", description });

export const stsSchema: ObjectSchema = {
  root: "io.k8s.api.apps.v1.StatefulSet",
  definitions: {
    "io.k8s.api.apps.v1.StatefulSet": n({
      type: "object",
      description: "StatefulSet represents a set of pods with consistent identities.",
      properties: { apiVersion: str(), kind: str(), metadata: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), spec: ref("io.k8s.api.apps.v1.StatefulSetSpec"), status: n({ type: "object", preserveUnknownFields: true }) },
    }),
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": n({
      type: "object",
      properties: { name: str(), namespace: str(), resourceVersion: str(), generation: n({ type: "integer", format: "int64" }), labels: n({ type: "object", additionalProperties: str() }), annotations: n({ type: "object", additionalProperties: str() }) },
    }),
    "io.k8s.api.apps.v1.StatefulSetSpec": n({
      type: "object",
      description: "A StatefulSetSpec is the specification of a StatefulSet.",
      properties: {
        replicas: int("replicas is the desired number of replicas of the given Template."),
        serviceName: str("serviceName is the name of the service that governs this StatefulSet."),
        podManagementPolicy: n({ type: "string", enum: ["OrderedReady", "Parallel"] }),
        template: ref("io.k8s.api.core.v1.PodTemplateSpec"),
        volumeClaimTemplates: n({ type: "array", items: ref("io.k8s.api.core.v1.PersistentVolumeClaim") }),
        updateStrategy: n({ type: "object", properties: { type: n({ type: "string", enum: ["OnDelete", "RollingUpdate"] }), rollingUpdate: n({ type: "object", properties: { maxUnavailable: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString"), partition: int() } }) } }),
      },
    }),
    "io.k8s.api.core.v1.PodTemplateSpec": n({ type: "object", properties: { metadata: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), spec: ref("io.k8s.api.core.v1.PodSpec") } }),
    "io.k8s.api.core.v1.PodSpec": n({ type: "object", properties: { containers: n({ type: "array", items: ref("io.k8s.api.core.v1.Container") }), hostNetwork: n({ type: "boolean" }) } }),
    "io.k8s.api.core.v1.Container": n({
      type: "object",
      properties: { name: str("Name of the container."), image: str("Container image name."), resources: ref("io.k8s.api.core.v1.ResourceRequirements"), imagePullPolicy: n({ type: "string", enum: ["Always", "IfNotPresent", "Never"] }) },
    }),
    "io.k8s.api.core.v1.ResourceRequirements": n({ type: "object", properties: { limits: n({ type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") }), requests: n({ type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") }) } }),
    "io.k8s.api.core.v1.PersistentVolumeClaim": n({ type: "object", properties: { metadata: ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"), spec: n({ type: "object", properties: { accessModes: n({ type: "array", items: str() }), resources: n({ type: "object", properties: { requests: n({ type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") }) } }) } }) } }),
    "io.k8s.apimachinery.pkg.api.resource.Quantity": n({ type: "string" }),
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": n({ type: "string", format: "int-or-string", intOrString: true }),
  },
};
