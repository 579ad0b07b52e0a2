// Publications: a layer's results frozen under a number and a hash; publish one (admin), read
// the list, download one as a spreadsheet, and see what changed between two (or since one).
import { useEffect, useState } from "preact/hooks";
import { api, download, problemText, type Layer, type Schemas } from "../api/client";
import { t } from "../i18n";
import { can } from "../session";
import { formatValue } from "../logic";
import { SchemeNav } from "./SchemeNav";

type Publication = Schemas["Publication"];
type Diff = Schemas["Diff"];

export function PublicationsPage({ code }: { code: string }) {
  const [pubs, setPubs] = useState<Publication[]>([]);
  const [layer, setLayer] = useState<Layer>("final");
  const [title, setTitle] = useState("");
  const [message, setMessage] = useState("");
  const [status, setStatus] = useState("");
  const [a, setA] = useState(0);
  const [b, setB] = useState("live");
  const [diff, setDiff] = useState<Diff | null>(null);
  const load = () =>
    api.GET("/api/v1/schemes/{code}/publications", { params: { path: { code }, query: { limit: 500 } } }).then(({ data, error }) => {
      if (!data) return setStatus(problemText(error));
      setPubs(data.items);
      if (data.items.length) setA(data.items[data.items.length > 1 ? 1 : 0].number);
    });
  useEffect(() => void load(), []);
  const publish = async (e: Event) => {
    e.preventDefault();
    const { data, error } = await api.POST("/api/v1/schemes/{code}/publications", { params: { path: { code } }, body: { layer, title: title.trim(), message: message.trim() } });
    if (!data) return setStatus(problemText(error));
    setStatus(t("published", data.number, data.hash.slice(0, 12)));
    setTitle("");
    setMessage("");
    await load();
    setA(data.number);
  };
  const compare = async () => {
    if (!a) return;
    const { data, error } = await api.GET("/api/v1/schemes/{code}/publications/{a}/diff/{b}", { params: { path: { code, a, b } } });
    if (data) setDiff(data as Diff); // JSON: no format asked
    else setStatus(problemText(error));
  };
  const v = (x: Schemas["CellValue"] | undefined) => formatValue(x, t("yes"), t("no"));
  return (
    <section>
      <SchemeNav code={code} active="publications" />
      {can("design") && (
        <form class="actions" id="publish-form" onSubmit={publish}>
          <select id="pub-layer" value={layer} onChange={(e) => setLayer(e.currentTarget.value as Layer)}>
            <option value="final">{t("layerFinal")}</option>
            <option value="self">{t("layerSelf")}</option>
          </select>
          <input id="pub-title" placeholder={t("pubTitle")} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          <input id="pub-message" placeholder={t("message")} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
          <button type="submit" class="primary" id="publish">{t("publish")}</button>
        </form>
      )}
      <p id="status">{status}</p>
      <table class="list" id="publications">
        <thead><tr><th class="num">No.</th><th>{t("layer")}</th><th>{t("title")}</th><th>{t("message")}</th><th class="num">{t("revision")}</th><th>{t("who")}</th><th>{t("when")}</th><th>SHA-256</th><th /></tr></thead>
        <tbody>
          {pubs.map((p) => (
            <tr key={p.number} data-publication={p.number}>
              <td class="num">{p.number}</td>
              <td>{t(p.layer === "self" ? "layerSelf" : "layerFinal")}</td>
              <td>{p.title}</td>
              <td>{p.message}</td>
              <td class="num">{p.revision}</td>
              <td>{p.who}</td>
              <td>{new Date(p.created_at).toLocaleString()}</td>
              <td><code title={p.hash}>{p.hash.slice(0, 12)}…</code></td>
              <td>
                <button class="link" onClick={() => download(`/api/v1/schemes/${code}/publications/${p.number}?format=xlsx`, `${code}-${p.number}.xlsx`).catch((e) => setStatus(problemText(e)))}>XLSX</button>
                <button class="link" onClick={() => download(`/api/v1/schemes/${code}/publications/${p.number}?format=csv`, `${code}-${p.number}.csv`).catch((e) => setStatus(problemText(e)))}>CSV</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pubs.length > 0 && (
        <div class="actions">
          <select id="diff-a" value={a} onChange={(e) => setA(Number(e.currentTarget.value))}>
            {pubs.map((p) => <option key={p.number} value={p.number}>{p.number}</option>)}
          </select>
          →
          <select id="diff-b" value={b} onChange={(e) => setB(e.currentTarget.value)}>
            <option value="live">{t("live")}</option>
            {pubs.map((p) => <option key={p.number} value={String(p.number)}>{p.number}</option>)}
          </select>
          <button id="diff-run" onClick={compare}>{t("diff")}</button>
        </div>
      )}
      {diff && (
        <div id="pub-diff">
          <h3>{t("moved", diff.units.length, diff.unchanged)}</h3>
          {diff.units.length > 0 && (
            <table class="list">
              <thead><tr><th>{t("unit")}</th><th class="num">{t("total")}</th><th class="num">{t("change")}</th><th>{t("grade")}</th><th class="num">{t("rank")}</th><th>{t("cellsChanged")}</th></tr></thead>
              <tbody>
                {diff.units.map((u) => (
                  <tr key={u.unit} data-unit={u.unit}>
                    <td>{u.name}</td>
                    <td class="num">{u.old_total ?? "—"} → {u.new_total ?? "—"}</td>
                    <td class="num">{u.delta == null ? "—" : u.delta > 0 ? `+${u.delta}` : u.delta}</td>
                    <td>{u.old_grade ?? "—"} → {u.new_grade ?? "—"}</td>
                    <td class="num">{u.old_rank ?? "—"} → {u.new_rank ?? "—"}</td>
                    <td>{u.cells.map((c) => <div key={c.code}>{c.title}: {v(c.old)} → {v(c.new)}</div>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {diff.values.length > 0 && (
            <table class="list small" id="diff-values">
              <caption>{t("valueCauses")}</caption>
              <thead><tr><th>{t("unit")}</th><th>{t("metric")}</th><th>{t("old")}</th><th>{t("new")}</th><th>{t("who")}</th><th>{t("reason")}</th></tr></thead>
              <tbody>
                {diff.values.map((c, i) => (
                  <tr key={i}><td>{c.unit}</td><td>{c.metric}</td><td>{v(c.old)}</td><td>{v(c.new)}</td><td>{c.who}</td><td>{c.reason}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {diff.formulas.length > 0 && (
            <table class="list small" id="diff-formulas">
              <caption>{t("formulaCauses")}</caption>
              <thead><tr><th>{t("what")}</th><th class="num">{t("revision")}</th><th>{t("who")}</th><th>{t("reason")}</th></tr></thead>
              <tbody>
                {diff.formulas.map((c, i) => (
                  <tr key={i}><td>{c.kind} {c.target} · {c.action}</td><td class="num">{c.revision}</td><td>{c.who}</td><td>{c.reason}</td></tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
