// The YAML editor, as the rest of the UI sees it. CodeMirror is a large chunk of code, so it is
// loaded only when an editor is first shown (the loading state stands in meanwhile).
import { lazy, Suspense } from "react";
import type { SchemaState } from "../state/schemas";
import { LoadingState } from "./States";

const CodeEditor = lazy(() => import("./yaml/CodeEditor"));

export function YamlEditor(props: {
  value: string;
  onChange: (v: string) => void;
  readOnly?: boolean;
  label: string;
  testId?: string;
  schema: SchemaState;
}) {
  return (
    <Suspense fallback={<LoadingState />}>
      <CodeEditor {...props} />
    </Suspense>
  );
}
