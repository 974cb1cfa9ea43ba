export type Route = "statefulsets" | "contexts" | "settings";
