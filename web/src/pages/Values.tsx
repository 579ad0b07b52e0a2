// One unit's values: a field per metric (typed, with its bounds; 是/否 for a boolean), a note
// per value, a reason for the change (X-Reason), the unit's total, and the history.
import { useEffect, useState } from "preact/hooks";
import { api, problemText, reasonHeaders, type Layer, type Schemas } from "../api/client";
import { t } from "../i18n";
import { can, me } from "../session";
import { formatValue } from "../logic";
import { SchemeNav } from "./SchemeNav";
import { WindowBar } from "./Window";

type Metric = Schemas["Metric"];
type Field = { value: string; note: string };

/** parseField turns a field's text into the value the API takes (null clears it). */
export function parseField(m: Metric, text: string): number | boolean | string | null {
  const s = text.trim();
  if (s === "") return null;
  if (m.type === "boolean") return s === "true";
  if (m.type === "number" || m.type === "integer") return Number(s);
  return s;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "";
  return String(v);
}

export function ValuesPage({ code, unit }: { code: string; unit: string }) {
  const own = me.get()?.role === "unit";
  const [layer, setLayer] = useState<Layer>(own ? "self" : "final");
  const [units, setUnits] = useState<Schemas["Unit"][]>([]);
  const [metrics, setMetrics] = useState<Metric[]>([]);
  const [stored, setStored] = useState<Schemas["UnitValues"]["values"]>({});
  const [fields, setFields] = useState<Record<string, Field>>({});
  const [reason, setReason] = useState("");
  const [status, setStatus] = useState("");
  const [total, setTotal] = useState<Schemas["UnitResult"] | null>(null);
  const [open, setOpen] = useState(true);
  const [history, setHistory] = useState<Schemas["HistoryEntry"][]>([]);
  const u = unit || (own ? me.get()?.unit ?? "" : "");

  const load = async () => {
    if (!u) return;
    const [v, r, h] = await Promise.all([
      api.GET("/api/v1/schemes/{code}/units/{unit}/values", { params: { path: { code, unit: u }, query: { layer } } }),
      api.GET("/api/v1/schemes/{code}/results/{unit}", { params: { path: { code, unit: u }, query: { layer } } }),
      api.GET("/api/v1/schemes/{code}/values/history", { params: { path: { code }, query: { unit: u, layer, limit: 50 } } }),
    ]);
    if (v.data) {
      setStored(v.data.values);
      const f: Record<string, Field> = {};
      for (const [k, sv] of Object.entries(v.data.values)) f[k] = { value: show(sv.value), note: sv.note ?? "" };
      setFields(f);
    } else setStatus(problemText(v.error));
    setTotal(r.data?.result ?? null);
    setHistory(h.data?.items ?? []);
  };
  useEffect(() => {
    api.GET("/api/v1/schemes/{code}/metrics", { params: { path: { code }, query: { limit: 500 } } }).then(({ data }) => setMetrics(data?.items ?? []));
    api.GET("/api/v1/schemes/{code}/units", { params: { path: { code }, query: { limit: 500 } } }).then(({ data }) => setUnits(data?.items ?? []));
  }, []);
  useEffect(() => void load(), [u, layer]);

  const set = (k: string, part: keyof Field, val: string) => setFields((f) => ({ ...f, [k]: { ...{ value: "", note: "" }, ...f[k], [part]: val } }));
  const save = async (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) return setStatus(t("reasonRequired"));
    const body: Record<string, Schemas["ValueInput"]> = {};
    for (const m of metrics) {
      const f = fields[m.code] ?? { value: "", note: "" };
      const old = stored[m.code];
      if (f.value === show(old?.value) && f.note === (old?.note ?? "")) continue;
      const value = parseField(m, f.value);
      body[m.code] = f.note ? { value, note: f.note } : value;
    }
    if (Object.keys(body).length === 0) return setStatus(t("noChanges"));
    const { error } = await api.PATCH("/api/v1/schemes/{code}/units/{unit}/values", { params: { path: { code, unit: u }, query: { layer } }, body, headers: reasonHeaders(reason.trim()) });
    if (error) return setStatus(problemText(error));
    setStatus(t("saved"));
    setReason("");
    await load();
  };
  const roleMay = layer === "self" ? can("writeSelf") : can("writeFinal");
  const writable = open && roleMay;
  return (
    <section class="values-page">
      <SchemeNav code={code} active="values" />
      {me.get()?.role === "admin" && (
        <select id="values-layer" value={layer} onChange={(e) => setLayer(e.currentTarget.value as Layer)}>
          <option value="final">{t("layerFinal")}</option>
          <option value="self">{t("layerSelf")}</option>
        </select>
      )}{" "}
      {!own && (
        <select id="unit" value={u} onChange={(e) => (location.hash = `#/s/${code}/values/${e.currentTarget.value}`)}>
          <option value="">{t("unit")}…</option>
          {units.map((x) => <option key={x.code} value={x.code}>{x.name}</option>)}
        </select>
      )}
      <WindowBar code={code} layer={layer} reason={reason} onChange={setOpen} />
      {u && (
        <>
          <p class="summary" id="unit-total">
            {units.find((x) => x.code === u)?.name ?? u} · {t(layer === "self" ? "layerSelf" : "layerFinal")} · {t("total")}{" "}
            <strong id="total">{formatValue(total?.total ?? null, t("yes"), t("no"))}</strong> · {t("grade")} {total?.grade ?? "—"} · {t("rank")} {total?.rank ?? "—"}
            {total && !total.complete && <span class="warn"> · {t("incomplete")}{total.missing.join("、")}</span>}
          </p>
          <form onSubmit={save} id="values-form">
            <table class="list form">
              <thead><tr><th>{t("metric")}</th><th>{t("entered")}</th><th>{t("note")}</th></tr></thead>
              <tbody>
                {metrics.map((m) => {
                  const f = fields[m.code] ?? { value: "", note: "" };
                  return (
                    <tr key={m.code}>
                      <td><label for={`v-${m.code}`}>{m.title}</label><div class="sub">{m.code}{m.unit ? ` · ${m.unit}` : ""}{m.min != null ? ` · ${t("min")} ${m.min}` : ""}{m.max != null ? ` · ${t("max")} ${m.max}` : ""}</div></td>
                      <td>
                        {m.type === "boolean" ? (
                          <select id={`v-${m.code}`} value={f.value} disabled={!writable} onChange={(e) => set(m.code, "value", e.currentTarget.value)}>
                            <option value="">—</option><option value="true">{t("yes")}</option><option value="false">{t("no")}</option>
                          </select>
                        ) : (
                          <input id={`v-${m.code}`} disabled={!writable} type={m.type === "text" ? "text" : "number"} step={m.type === "integer" ? 1 : "any"} min={m.min} max={m.max} value={f.value} onInput={(e) => set(m.code, "value", e.currentTarget.value)} />
                        )}
                      </td>
                      <td><input id={`n-${m.code}`} disabled={!writable} value={f.note} maxLength={2000} onInput={(e) => set(m.code, "note", e.currentTarget.value)} /></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {roleMay && (
              <div class="actions">
                <input id="reason" placeholder={t("reason")} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
                <button type="submit" class="primary" id="save-values" disabled={!open}>{t("save")}</button>
                <span id="status">{status}</span>
              </div>
            )}
          </form>
          <h3>{t("history")}</h3>
          <table class="list small" id="history">
            <thead><tr><th>{t("when")}</th><th>{t("metric")}</th><th>{t("old")}</th><th>{t("new")}</th><th>{t("note")}</th><th>{t("who")}</th></tr></thead>
            <tbody>
              {history.map((h) => (
                <tr key={h.id}><td>{new Date(h.at).toLocaleString()}</td><td title={h.metric}>{metrics.find((m) => m.code === h.metric)?.title ?? h.metric}</td><td>{formatValue(h.old_value, t("yes"), t("no"))}</td><td>{formatValue(h.new_value, t("yes"), t("no"))}</td><td>{h.note}</td><td>{h.who}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
