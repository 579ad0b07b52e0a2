// The revisions of a scheme: who saved what when; the diff of two (items, formulas, metrics,
// outputs, params, grades); restore one as a new revision.
import { useEffect, useState } from "preact/hooks";
import { api, problemText, reasonHeaders, type Schemas } from "../api/client";
import { t } from "../i18n";
import { can } from "../session";
import { revisionDiff, type Change } from "../logic";
import { SchemeNav } from "./SchemeNav";

export function RevisionsPage({ code }: { code: string }) {
  const [revs, setRevs] = useState<Schemas["Revision"][]>([]);
  const [a, setA] = useState(0);
  const [b, setB] = useState(0);
  const [diff, setDiff] = useState<Change[] | null>(null);
  const [status, setStatus] = useState("");
  const [confirming, setConfirming] = useState(0);
  const load = () =>
    api.GET("/api/v1/schemes/{code}/revisions", { params: { path: { code }, query: { limit: 500 } } }).then(({ data, error }) => {
      if (!data) return setStatus(problemText(error));
      const items = [...data.items].sort((x, y) => y.revision - x.revision);
      setRevs(items);
      if (items.length > 1) {
        setA(items[1].revision);
        setB(items[0].revision);
      }
    });
  useEffect(() => void load(), []);
  const compare = async () => {
    const get = (n: number) => api.GET("/api/v1/schemes/{code}/revisions/{revision}", { params: { path: { code, revision: n } }, headers: reasonHeaders(t("restoreReason", n)) });
    const [x, y] = await Promise.all([get(a), get(b)]);
    if (x.data?.scheme && y.data?.scheme) setDiff(revisionDiff(x.data.scheme, y.data.scheme));
    else setStatus(problemText(x.error ?? y.error));
  };
  const restore = async (n: number) => {
    if (confirming !== n) return setConfirming(n);
    setConfirming(0);
    const { data, error } = await api.POST("/api/v1/schemes/{code}/revisions/{revision}/restore", { params: { path: { code, revision: n } }, headers: reasonHeaders(t("restoreReason", n)) });
    if (data) {
      setStatus(t("restored", data.revision));
      setDiff(null);
      load();
    } else setStatus(problemText(error));
  };
  const label = (c: Change) => (c.what === "scheme" ? c.field : `${c.what} ${c.code}${c.field ? " · " + c.field : ""}`);
  return (
    <section>
      <SchemeNav code={code} active="revisions" />
      <p id="status">{status}</p>
      <div class="actions">
        <select id="rev-a" value={a} onChange={(e) => setA(Number(e.currentTarget.value))}>
          {revs.map((r) => <option key={r.revision} value={r.revision}>{r.revision}</option>)}
        </select>
        →
        <select id="rev-b" value={b} onChange={(e) => setB(Number(e.currentTarget.value))}>
          {revs.map((r) => <option key={r.revision} value={r.revision}>{r.revision}</option>)}
        </select>
        <button id="compare" onClick={compare}>{t("diff")}</button>
      </div>
      {diff && (
        <div id="diff">
          {diff.length === 0 ? <p>{t("diffNone")}</p> : (
            <table class="list">
              <thead><tr><th>{t("what")}</th><th>{t("old")}</th><th>{t("new")}</th></tr></thead>
              <tbody>
                {diff.map((c, i) => (
                  <tr key={i}><td>{label(c)}</td><td><code class="del">{c.old}</code></td><td><code class="ins">{c.new}</code></td></tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <table class="list" id="revisions">
        <thead><tr><th class="num">{t("revision")}</th><th>{t("message")}</th><th>{t("who")}</th><th>{t("when")}</th><th /></tr></thead>
        <tbody>
          {revs.map((r, i) => (
            <tr key={r.revision} data-revision={r.revision}>
              <td class="num">{r.revision}</td>
              <td>{r.message}</td>
              <td>{r.who}</td>
              <td>{new Date(r.created_at).toLocaleString()}</td>
              <td>{can("design") && i > 0 && <button class={confirming === r.revision ? "restore primary" : "restore"} onClick={() => restore(r.revision)}>{confirming === r.revision ? t("confirmRestore", r.revision) : t("restore")}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
