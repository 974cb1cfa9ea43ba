// Fixtures for the pod operations (issue #16): a set's containers and access.
import type { PodTargets } from "../api";

export const targets: PodTargets = {
  containers: [
    { name: "postgres", init: false, image: "postgres:16", ports: [{ name: "pg", port: 5432, protocol: "TCP", hint: "psql -h 127.0.0.1 -p {local} -U postgres" }] },
    { name: "init-perms", init: true, image: "busybox", ports: [] },
  ],
  access: { logs: { allowed: true, reason: null }, exec: { allowed: true, reason: null }, forward: { allowed: true, reason: null } },
};
