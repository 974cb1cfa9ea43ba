import type { ClusterStatus, EditTarget } from "../../../api";
import { useT } from "../../../i18n";
import { EditFormDialog } from "./EditFormDialog";
import { formSpec, type FormId } from "./specs";

/** One of the edit forms, by id. The Actions menu loads this module when a form is first opened. */
export function EditFormById({ form, target, status, onClose }: { form: FormId; target: EditTarget; status: ClusterStatus; onClose: () => void }) {
  const t = useT();
  return <EditFormDialog spec={formSpec(form, t)} target={target} status={status} onClose={onClose} />;
}
