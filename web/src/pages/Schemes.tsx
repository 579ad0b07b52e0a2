import { useEffect, useState } from "preact/hooks";
import { api, problemText, type Schemas } from "../api/client";
import { t } from "../i18n";

export function SchemesPage() {
  const [rows, setRows] = useState<Schemas["SchemeSummary"][] | null>(null);
  const [err, setErr] = useState("");
  useEffect(() => {
    api.GET("/api/v1/schemes", { params: { query: { limit: 500 } } }).then(({ data, error }) => {
      if (data) setRows(data.items);
      else setErr(problemText(error));
    });
  }, []);
  if (err) return <p class="error">{err}</p>;
  if (!rows) return <p class="loading">{t("loading")}</p>;
  return (
    <section>
      <h2>{t("schemes")}</h2>
      <table class="list" id="schemes">
        <thead>
          <tr>
            <th>{t("title")}</th>
            <th>{t("period")}</th>
            <th>{t("issuer")}</th>
            <th class="num">{t("units")}</th>
            <th class="num">{t("revision")}</th>
            <th>{t("updated")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.code}>
              <td>
                <a href={`#/s/${s.code}`} data-scheme={s.code}>
                  {s.title}
                </a>
                <div class="sub">{s.code}</div>
              </td>
              <td>{s.period}</td>
              <td>{s.issuer}</td>
              <td class="num">{s.units}</td>
              <td class="num">{s.revision}</td>
              <td>{new Date(s.updated_at).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
