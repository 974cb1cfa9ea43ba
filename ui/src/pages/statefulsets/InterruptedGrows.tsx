// Grows of this context another run of the app left unfinished (asked on connect), offered for
// resume (the progress view streams `resumeGrow`) or dismissal; placed like interrupted batches.
import { useEffect, useState } from "react";
import { dismissGrow, interruptedGrows, type ClusterStatus, type GrowRecord } from "../../api";
import { Icon } from "../../components/Icon";
import { useT } from "../../i18n";
import { GrowDialog } from "./GrowDialog";

export function InterruptedGrows({ status }: { status: ClusterStatus }) {
  const t = useT();
  const context = status.context;
  const [list, setList] = useState<GrowRecord[]>([]);
  const [resuming, setResuming] = useState<GrowRecord | null>(null);
  const readOnly = status.protection === "readOnly";

  useEffect(() => {
    let cancelled = false;
    setList([]);
    interruptedGrows(context).then(
      (l) => {
        if (!cancelled) setList(l);
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [context]);

  const forget = (id: string) => setList((l) => l.filter((r) => r.id !== id));

  return (
    <>
      {list.map((r) => (
        <div key={r.id} className="notice notice--warn" role="alert" data-testid="interrupted-grow" data-grow={r.id}>
          <Icon name="warning" />
          <span>
            {t("grow.interrupted", { namespace: r.request.namespace, name: r.request.name, size: r.request.size, step: t(`grow.step.${r.step}`) })}
          </span>
          <span className="notice__actions">
            <button
              type="button"
              className="btn btn--small"
              disabled={readOnly}
              title={readOnly ? t("batch.disabled.readOnly") : undefined}
              onClick={() => {
                forget(r.id);
                setResuming(r);
              }}
              data-testid="interrupted-grow-resume"
            >
              {t("grow.resume")}
            </button>
            <button
              type="button"
              className="btn btn--small"
              onClick={() => {
                forget(r.id);
                void dismissGrow(context, r.id).catch(() => {});
              }}
              data-testid="interrupted-grow-dismiss"
            >
              {t("common.dismiss")}
            </button>
          </span>
        </div>
      ))}
      {resuming ? (
        <GrowDialog status={status} namespace={resuming.request.namespace} name={resuming.request.name} templates={[]} resume={resuming} onClose={() => setResuming(null)} />
      ) : null}
    </>
  );
}
