// Import a kubeconfig: from a file path or pasted YAML → preview (what is added, which names
// clash, each clash renamed by the user) → import, moving credentials into the keyring unless
// unticked. With the keyring unavailable nothing is written and the user may import without it.
import { useState } from "react";
import { importContexts, importPreview, type ImportPreview, type ImportResult, type ImportSource, type IpcError, type RenameMap } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { useSettings } from "../../state/settings";

type Mode = "file" | "text";
const KIND_KEY = { cluster: "clusters", user: "users", context: "contexts" } as const;

export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: (r: ImportResult) => void }) {
  const t = useT();
  const { settings } = useSettings();
  const [mode, setMode] = useState<Mode>("file");
  const [path, setPath] = useState("");
  const [text, setText] = useState("");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [renames, setRenames] = useState<Record<string, string>>({});
  const [secure, setSecure] = useState(settings.secureOnImport);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);

  const source = (): ImportSource => (mode === "file" ? { from: "file", path } : { from: "text", text });
  const keyOf = (kind: string, name: string) => `${kind}\u0000${name}`;

  const doPreview = async () => {
    setBusy(true);
    setError(null);
    try {
      const p = await importPreview(source());
      setPreview(p);
      const r: Record<string, string> = {};
      for (const i of p.items) if (i.clash) r[keyOf(i.kind, i.name)] = `${i.name}-2`;
      setRenames(r);
    } catch (e) {
      setPreview(null);
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };

  const renameMap = (): RenameMap => {
    const m: RenameMap = { clusters: {}, users: {}, contexts: {} };
    for (const i of preview?.items ?? []) {
      const to = renames[keyOf(i.kind, i.name)];
      if (i.clash && to !== undefined) m[KIND_KEY[i.kind as keyof typeof KIND_KEY]][i.name] = to.trim();
    }
    return m;
  };

  const doImport = async (withSecure: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const r = await importContexts({ source: source(), renames: renameMap(), secure: withSecure });
      onImported(r);
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };

  const unresolved = (preview?.items ?? []).some((i) => i.clash && !(renames[keyOf(i.kind, i.name)] ?? "").trim());
  const ready = mode === "file" ? path.trim() !== "" : text.trim() !== "";

  return (
    <Dialog
      wide
      testId="import-dialog"
      title={
        <>
          <Icon name="file" />
          {t("import.title")}
        </>
      }
      onCancel={onClose}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          {preview ? (
            <button type="button" className="btn btn--primary" disabled={busy || unresolved} onClick={() => void doImport(secure)} data-testid="import-apply">
              {t("import.apply", { count: preview.items.filter((i) => i.kind === "context").length })}
            </button>
          ) : (
            <button type="button" className="btn btn--primary" disabled={busy || !ready} onClick={() => void doPreview()} data-testid="import-preview">
              {t("import.preview")}
            </button>
          )}
        </>
      }
    >
      <div className="segmented" role="radiogroup" aria-label={t("import.source")}>
        {(["file", "text"] as Mode[]).map((m) => (
          <label key={m} className={mode === m ? "segmented__item is-active" : "segmented__item"} data-testid={`import-mode-${m}`}>
            <input
              type="radio"
              name="import-mode"
              checked={mode === m}
              onChange={() => {
                setMode(m);
                setPreview(null);
              }}
            />
            {t(m === "file" ? "import.fromFile" : "import.fromText")}
          </label>
        ))}
      </div>
      {mode === "file" ? (
        <label className="form-row">
          <span>{t("import.path")}</span>
          <input
            className="control mono"
            value={path}
            placeholder="~/Downloads/kubeconfig.yaml"
            spellCheck={false}
            onChange={(e) => {
              setPath(e.target.value);
              setPreview(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter" && ready && !preview) void doPreview();
            }}
            data-testid="import-path"
          />
        </label>
      ) : (
        <label className="form-row">
          <span>{t("import.text")}</span>
          <textarea
            className="control mono"
            rows={8}
            value={text}
            spellCheck={false}
            onChange={(e) => {
              setText(e.target.value);
              setPreview(null);
            }}
            data-testid="import-text"
          />
        </label>
      )}

      {preview ? (
        <div className="import-preview" data-testid="import-items">
          <p className="faint">{t("import.willAdd")}</p>
          <ul className="kv">
            {preview.items.map((i) => (
              <li key={keyOf(i.kind, i.name)} data-testid="import-item" data-kind={i.kind} data-name={i.name} data-clash={i.clash ? "true" : undefined} className="import-item">
                <span className="badge">{t(`import.kind.${i.kind as "cluster" | "user" | "context"}`)}</span>
                <span className="mono">{i.name}</span>
                {i.clash ? (
                  <>
                    <span className="badge badge--warn">{t("import.clash")}</span>
                    <span className="faint">{t("import.renameTo")}</span>
                    <input
                      className="control mono control--small"
                      value={renames[keyOf(i.kind, i.name)] ?? ""}
                      onChange={(e) => setRenames((r) => ({ ...r, [keyOf(i.kind, i.name)]: e.target.value }))}
                      data-testid="import-rename"
                      aria-label={t("import.renameTo")}
                    />
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          {preview.problems.map((p, n) => (
            <p key={n} className="notice notice--warn">
              <Icon name="warning" />
              <span>{p.context ? `${p.context}: ${p.message}` : p.message}</span>
            </p>
          ))}
          <label className="checkbox">
            <input type="checkbox" checked={secure} onChange={(e) => setSecure(e.target.checked)} data-testid="import-secure" />
            <span>{t("import.secure")}</span>
          </label>
        </div>
      ) : null}

      {error ? (
        <div data-testid="import-error">
          <ErrorState error={error} inline />
          {error.code === "KeyringUnavailable" ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void doImport(false)} data-testid="import-without-keyring">
              {t("import.withoutKeyring")}
            </button>
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}
