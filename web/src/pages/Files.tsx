// Spreadsheets: download the fill-in template and the results (XLSX or CSV); upload a filled
// template as a dry run that lists every change and every problem with its row and column,
// then confirm to save.
import { useState } from "preact/hooks";
import { api, download, problemText, reasonHeaders, type Layer, type Schemas } from "../api/client";
import { t } from "../i18n";
import { can, me } from "../session";
import { formatValue } from "../logic";
import { SchemeNav } from "./SchemeNav";

type Result = Schemas["ImportResult"];
type Problem = Schemas["FieldProblem"];

export function FilesPage({ code }: { code: string }) {
  const [layer, setLayer] = useState<Layer>(me.get()?.role === "unit" ? "self" : "final");
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [status, setStatus] = useState("");
  const [reason, setReason] = useState("");
  const get = (what: "template" | "results", format: "xlsx" | "csv") => {
    const name = `${code}-${layer}-${what}.${format}`;
    download(`/api/v1/schemes/${code}/${what}?layer=${layer}&format=${format}`, name).catch((e) => setStatus(problemText(e)));
  };
  const send = async (dryRun: boolean) => {
    if (!file) return;
    setStatus("");
    const form = new FormData();
    form.append("file", file);
    const { data, error } = await api.POST("/api/v1/schemes/{code}/values/import", {
      params: { path: { code }, query: { layer, dry_run: dryRun } },
      // the contract's body is a form with the file; openapi-fetch sends FormData as it is
      body: form as unknown as { file: string },
      bodySerializer: (b) => b as unknown as FormData,
      headers: reasonHeaders(reason.trim()), // once a layer is published, a change needs a reason
    });
    if (data && typeof data === "object") {
      // JSON (the default; the contract also offers the changes as CSV)
      setProblems(null);
      setResult(data);
      if (!dryRun) {
        setStatus(t("imported", data.changed));
        setResult(null);
        setFile(null);
      }
    } else {
      setResult(null);
      setProblems(error?.problems ?? [{ message: problemText(error) }]);
      setStatus(t("nothingSaved"));
    }
  };
  return (
    <section>
      <SchemeNav code={code} active="files" />
      <div class="actions">
        <label>
          {t("layer")}{" "}
          <select id="files-layer" value={layer} onChange={(e) => setLayer(e.currentTarget.value as Layer)}>
            <option value="final">{t("layerFinal")}</option>
            <option value="self">{t("layerSelf")}</option>
          </select>
        </label>
      </div>
      <div class="cards">
        <div class="card">
          <h3>{t("template")}</h3>
          <button id="dl-template-xlsx" onClick={() => get("template", "xlsx")}>{t("download")} XLSX</button>{" "}
          <button onClick={() => get("template", "csv")}>{t("download")} CSV</button>
        </div>
        <div class="card">
          <h3>{t("results")}</h3>
          <button id="dl-results-xlsx" onClick={() => get("results", "xlsx")}>{t("download")} XLSX</button>{" "}
          <button onClick={() => get("results", "csv")}>{t("download")} CSV</button>
        </div>
        {can("import") && (
          <div class="card">
            <h3>{t("upload")}</h3>
            <input id="upload" type="file" accept=".xlsx,.csv" onChange={(e) => { setFile(e.currentTarget.files?.[0] ?? null); setResult(null); setProblems(null); }} />
            <input id="import-reason" placeholder={t("reason")} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            <button id="dry-run" disabled={!file} onClick={() => send(true)}>{t("dryRun")}</button>
          </div>
        )}
      </div>
      <p id="status" class={problems ? "error" : ""}>{status}</p>
      {problems && (
        <table class="list" id="problems">
          <caption>{t("problems")} ({problems.length})</caption>
          <thead><tr><th class="num">{t("row")}</th><th>{t("column")}</th><th>{t("unit")}</th><th>{t("metric")}</th><th>{t("entered")}</th><th>{t("problems")}</th></tr></thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i} class="problem"><td class="num">{p.row ?? ""}</td><td>{p.column ?? ""}</td><td>{p.unit ?? ""}</td><td>{p.metric ?? p.field ?? ""}</td><td>{p.value ?? ""}</td><td>{p.message}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {result && (
        <div id="import-result">
          <p>{t("changes")}: {result.changed} · {result.unchanged} =</p>
          <table class="list">
            <thead><tr><th>{t("unit")}</th><th>{t("metric")}</th><th>{t("old")}</th><th>{t("new")}</th></tr></thead>
            <tbody>
              {result.changes.map((c, i) => (
                <tr key={i}><td>{c.unit}</td><td>{c.metric}</td><td>{formatValue(c.old_value, t("yes"), t("no"))}</td><td>{formatValue(c.new_value, t("yes"), t("no"))}</td></tr>
              ))}
            </tbody>
          </table>
          <button id="confirm-import" class="primary" disabled={result.changed === 0} onClick={() => send(false)}>{t("confirmImport")}</button>
        </div>
      )}
    </section>
  );
}
