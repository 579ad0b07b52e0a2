// The explanation of one cell: its formula, the inputs it read with their titles, the column
// functions (rank with its group and ties), clamp and rounding, and the item's criteria.
import { useEffect, useState } from "preact/hooks";
import { api, problemText, type Schemas } from "../api/client";
import { t } from "../i18n";
import { can } from "../session";
import { formatValue } from "../logic";

type Detail = Schemas["UnitResultDetail"];
type Item = Schemas["ItemEntry"];

function V({ v }: { v: Schemas["CellValue"] | undefined }) {
  return <>{formatValue(v, t("yes"), t("no"))}</>;
}

export function ExplainCell({ scheme, unit, cell, layer, titles, onClose }: { scheme: string; unit: string; cell: string; layer: "final" | "self"; titles: Map<string, string>; onClose: () => void }) {
  const [d, setD] = useState<Detail | null>(null);
  const [item, setItem] = useState<Item | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    setD(null);
    api.GET("/api/v1/schemes/{code}/results/{unit}", { params: { path: { code: scheme, unit }, query: { layer } } }).then(({ data, error }) => {
      if (data) setD(data);
      else setErr(problemText(error));
    });
    setItem(null);
    if (!["total", "grade", "rank", "group_rank"].includes(cell)) {
      api.GET("/api/v1/schemes/{code}/items/{item}", { params: { path: { code: scheme, item: cell } } }).then(({ data }) => setItem(data ?? null));
    }
  }, [scheme, unit, cell, layer]);
  const x = d?.explanation;
  const c = x && (cell === "total" || cell === "grade" ? x.total : x.cells.find((c) => c.code === cell));
  const rank = x && (cell === "rank" ? x.rank : cell === "group_rank" ? x.group_rank : undefined);
  return (
    <aside class="explain" id="explain">
      <header>
        <h3>
          {t("explain")} · {x?.unit.name ?? unit} · {c?.title ?? item?.title ?? t(cell === "rank" ? "rank" : cell === "group_rank" ? "groupRank" : "total")}
        </h3>
        <button class="link" onClick={onClose} id="explain-close">{t("close")}</button>
      </header>
      {err && <p class="error">{err}</p>}
      {!x && !err && <p class="loading">{t("loading")}</p>}
      {x && !x.complete && <p class="warn" id="explain-missing">{t("incomplete")}{x.missing.map((m) => (titles.get(m) ? `${titles.get(m)}（${m}）` : m)).join("、")}</p>}
      {x?.vetoed && <p class="warn">{t("vetoed")}: {x.veto?.text}</p>}
      {rank && (
        <dl>
          <dt>{t("rank")}</dt><dd class="value">{rank.rank ?? "—"}</dd>
          {rank.group && <><dt>{t("group")}</dt><dd>{rank.group}</dd></>}
          <dt>{t("groupSize")}</dt><dd>{rank.group_size}</dd>
          {(rank.ties ?? []).length > 0 && <><dt>{t("ties")}</dt><dd>{rank.ties!.join("、")}</dd></>}
        </dl>
      )}
      {c && !rank && (
        <>
          <p class="text" id="explain-text">{c.text}</p>
          <dl>
            {c.formula && <><dt>{t("formula")}</dt><dd><code>{c.formula}</code></dd></>}
            <dt>{t("raw")}</dt><dd><V v={c.raw} /></dd>
            {c.clamp && <><dt>{t("clamp")}</dt><dd>{c.clamp}</dd></>}
            {c.rounding && <><dt>{t("rounding")}</dt><dd>{c.rounding}</dd></>}
            <dt>{t("value")}</dt><dd class="value" id="explain-value"><V v={c.value} /></dd>
            {c.null && <><dt>{t("whyNull")}</dt><dd>{c.null}</dd></>}
            {c.error && <><dt>{t("error")}</dt><dd class="error">{c.error}</dd></>}
          </dl>
          {(c.inputs ?? []).length > 0 && (
            <table class="list small">
              <caption>{t("inputs")}</caption>
              <tbody>
                {c.inputs!.map((i) => (
                  <tr key={i.name}><td><code>{i.name}</code></td><td>{i.title}</td><td class="num"><V v={i.value} />{i.null ? ` (${i.null})` : ""}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {(c.columns ?? []).length > 0 && (
            <table class="list small">
              <caption>{t("columns")}</caption>
              <tbody>
                {c.columns!.map((f, i) => (
                  <tr key={i}><td><code>{f.call}</code></td><td class="num"><V v={f.value} /></td><td>{f.key != null ? <>{t("group")}: <V v={f.key} /> · </> : ""}{t("groupSize")} {f.group_size}{(f.ties ?? []).length ? ` · ${t("ties")}: ${f.ties!.join("、")}` : ""}</td></tr>
                ))}
              </tbody>
            </table>
          )}
          {(c.children ?? []).length > 0 && (
            <table class="list small">
              <caption>{t("children")}</caption>
              <tbody>
                {c.children!.map((i) => (
                  <tr key={i.name}><td><code>{i.name}</code></td><td>{i.title}</td><td class="num"><V v={i.value} /></td></tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {item?.criteria && <section class="criteria"><h4>{t("criteria")}</h4><p id="explain-criteria">{item.criteria}</p></section>}
      {item?.evidence && <section class="criteria"><h4>{t("evidence")}</h4><p>{item.evidence}</p></section>}
      {item && !item.category && can("design") && <p><a href={`#/s/${scheme}/items/${item.code}`} id="edit-formula">{t("editFormula")}</a></p>}
    </aside>
  );
}
