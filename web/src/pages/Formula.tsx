// Edit one item's formula: completions of the scheme's names, a check at every pause in
// typing with errors at their line and column, a preview of who moves, and save with a message.
import { autocompletion, type CompletionContext } from "@codemirror/autocomplete";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorView, minimalSetup } from "codemirror";
import { lineNumbers } from "@codemirror/view";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, problemText, reasonHeaders, type Schemas } from "../api/client";
import { t } from "../i18n";
import { changedUnits, completions, formatValue, offsetOf, totalChange, type Completion } from "../logic";
import { SchemeNav } from "./SchemeNav";

type FormulaError = Schemas["FormulaError"];
type Impact = Schemas["Impact"];

export function FormulaPage({ code, item }: { code: string; item: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [entry, setEntry] = useState<Schemas["ItemEntry"] | null>(null);
  const [etag, setEtag] = useState("");
  const [errors, setErrors] = useState<FormulaError[] | null>(null);
  const [impact, setImpact] = useState<Impact | null>(null);
  const [message, setMessage] = useState("");
  const [status, setStatus] = useState("");
  const [err, setErr] = useState("");
  const names = useRef<Completion[]>([]);
  const [outputs, setOutputs] = useState<Map<string, { title: string; unit: string }>>(new Map());

  useEffect(() => {
    Promise.all([
      api.GET("/api/v1/schemes/{code}/items/{item}", { params: { path: { code, item } } }),
      api.GET("/api/v1/schemes/{code}", { params: { path: { code } } }),
    ]).then(([it, doc]) => {
      if (!it.data) return setErr(problemText(it.error));
      setEntry(it.data);
      setEtag(it.response.headers.get("ETag") ?? "");
      // the document as JSON (the default; the contract also offers YAML)
      const scheme = typeof doc.data === "object" ? doc.data : null;
      if (scheme) {
        names.current = completions(scheme, item);
        setOutputs(new Map((scheme.outputs ?? []).map((o) => [o.code, { title: o.title, unit: o.unit ?? "" }])));
      }
      view.current = new EditorView({
        parent: host.current!,
        doc: it.data.formula ?? "",
        extensions: [
          minimalSetup,
          lineNumbers(),
          EditorView.lineWrapping,
          autocompletion({ override: [complete], activateOnTyping: true }),
          lintGutter(),
          linter(check, { delay: 400 }),
          EditorView.updateListener.of((u) => u.docChanged && setImpact(null)),
        ],
      });
    });
    return () => view.current?.destroy();
  }, []);

  const complete = (ctx: CompletionContext) => {
    const word = ctx.matchBefore(/[\w.]+/);
    if (!word && !ctx.explicit) return null;
    return { from: word ? word.from : ctx.pos, options: names.current.map((c) => ({ label: c.label, type: c.type, detail: c.detail })), validFor: /^[\w.]*$/ };
  };

  const check = async (v: EditorView): Promise<Diagnostic[]> => {
    const formula = v.state.doc.toString();
    const { error } = await api.POST("/api/v1/schemes/{code}/check", { params: { path: { code } }, body: { item, formula } });
    const errs = error ? (error.errors ?? [{ message: problemText(error) }]) : [];
    setErrors(errs);
    return errs.map((e) => {
      const from = offsetOf(formula, e.line ?? 1, e.column ?? 1);
      return { from, to: Math.min(from + 1, formula.length), severity: "error", message: e.message };
    });
  };

  const formula = () => view.current?.state.doc.toString() ?? "";
  const preview = async () => {
    setStatus("");
    const { data, error } = await api.PATCH("/api/v1/schemes/{code}/items/{item}", { params: { path: { code, item }, query: { dry_run: true } }, body: { formula: formula() } });
    if (data) setImpact(data.impact ?? null);
    else {
      setImpact(null);
      setErrors(error.errors ?? [{ message: problemText(error) }]);
    }
  };
  const save = async () => {
    if (!message.trim()) return setStatus(t("messageRequired"));
    const { data, error, response } = await api.PATCH("/api/v1/schemes/{code}/items/{item}", {
      params: { path: { code, item }, query: { message: message.trim() }, header: etag ? { "If-Match": etag } : {} },
      body: { formula: formula() },
      headers: reasonHeaders(message.trim()), // once a layer is published, a change needs a reason
    });
    if (data) {
      setEtag(response.headers.get("ETag") ?? "");
      setStatus(`${t("saved")} · ${t("revision")} ${data.revision}`);
      setMessage("");
    } else setStatus(problemText(error));
  };

  if (err) return <p class="error">{err}</p>;
  const money = new Set([...outputs].filter(([, o]) => o.unit === "元").map(([c]) => c));
  const moved = impact ? changedUnits(impact.units, money) : [];
  return (
    <section class="formula-page">
      <SchemeNav code={code} active="" />
      <h2>{t("editFormula")} · {entry?.title} <code>{item}</code></h2>
      {entry?.criteria && <p class="criteria">{t("criteria")}：{entry.criteria}</p>}
      <div class="editor" ref={host} id="editor" />
      <div id="check" class={errors && errors.length ? "error" : "ok"}>
        {errors === null ? "" : errors.length === 0 ? t("valid") : (
          <ul>
            {errors.map((e, i) => (
              <li key={i} class="formula-error" data-line={e.line} data-column={e.column}>
                {e.line ? t("lineCol", e.line, e.column ?? 1) + "：" : ""}{e.message}
                {e.snippet && <pre>{e.snippet}</pre>}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="actions">
        <button id="preview" onClick={preview}>{t("preview")}</button>
        <input id="message" placeholder={t("message")} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        <button id="save" class="primary" onClick={save}>{t("save")}</button>
        <span id="status">{status}</span>
      </div>
      {impact && (
        <div id="impact">
          <h3>{moved.length ? t("impactTitle") : t("impactNone")}</h3>
          {moved.length > 0 && (
            <table class="list">
              <thead>
                <tr><th>{t("unit")}</th><th class="num">{t("total")}</th><th class="num">{t("change")}</th><th class="num">{t("rank")}</th><th>{t("grade")}</th><th>{t("outputs")}</th><th>{t("newErrors")}</th></tr>
              </thead>
              <tbody>
                {moved.map((u) => (
                  <tr key={u.unit} data-unit={u.unit}>
                    <td>{u.name}</td>
                    <td class="num">{u.old_total ?? "—"} → {u.new_total ?? "—"}</td>
                    <td class="num">{!Number.isFinite(totalChange(u)) ? "—" : totalChange(u) === 0 ? "0" : (u.new_total! > u.old_total! ? "+" : "−") + totalChange(u)}</td>
                    <td class="num">{u.old_rank ?? "—"} → {u.new_rank ?? "—"}</td>
                    <td class={u.old_grade !== u.new_grade ? "warn" : ""}>{u.old_grade ?? "—"} → {u.new_grade ?? "—"}</td>
                    <td class="outputs">
                      {(u.outputs ?? []).map((o) => (
                        <div key={o.code} class={money.has(o.code) ? "money" : ""}>
                          {outputs.get(o.code)?.title ?? o.code}: {formatValue(o.old, t("yes"), t("no"))} → {formatValue(o.new, t("yes"), t("no"))}
                          {outputs.get(o.code)?.unit ? ` ${outputs.get(o.code)!.unit}` : ""}
                        </div>
                      ))}
                    </td>
                    <td class="error">
                      {Object.entries(u.new_errors ?? {}).map(([c, m]) => (
                        <div key={c}><code>{c}</code>: {m}</div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
