// A one-field dialog (rename, duplicate, export path) and a yes/no confirmation.
import { useState, type ReactNode } from "react";
import { Dialog } from "../../components/Dialog";
import { useT } from "../../i18n";

export function PromptDialog({
  title,
  label,
  initial,
  submit,
  danger,
  onCancel,
  onSubmit,
  testId,
}: {
  title: ReactNode;
  label: string;
  initial: string;
  submit: string;
  danger?: boolean;
  onCancel: () => void;
  onSubmit: (value: string) => void;
  testId: string;
}) {
  const t = useT();
  const [value, setValue] = useState(initial);
  const ok = value.trim() !== "";
  return (
    <Dialog
      title={title}
      onCancel={onCancel}
      testId={testId}
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {t("common.cancel")}
          </button>
          <button type="button" className={danger ? "btn btn--danger" : "btn btn--primary"} disabled={!ok} onClick={() => onSubmit(value.trim())} data-testid={`${testId}-submit`}>
            {submit}
          </button>
        </>
      }
    >
      <label className="form-row">
        <span>{label}</span>
        <input
          className="control mono"
          value={value}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && ok) onSubmit(value.trim());
          }}
          data-testid={`${testId}-input`}
        />
      </label>
    </Dialog>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirm,
  onCancel,
  onConfirm,
  testId,
}: {
  title: ReactNode;
  children: ReactNode;
  confirm: string;
  onCancel: () => void;
  onConfirm: () => void;
  testId: string;
}) {
  const t = useT();
  return (
    <Dialog
      role="alertdialog"
      title={title}
      onCancel={onCancel}
      testId={testId}
      actions={
        <>
          <button type="button" className="btn btn--primary" onClick={onCancel} data-autofocus>
            {t("common.cancel")}
          </button>
          <button type="button" className="btn btn--danger" onClick={onConfirm} data-testid={`${testId}-submit`}>
            {confirm}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
