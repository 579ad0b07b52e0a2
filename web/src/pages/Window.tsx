// A layer's entry window: open or closed (with its deadline); an administrator closes or
// reopens it (a reopening needs the reason typed beside it).
import { useEffect, useState } from "preact/hooks";
import { api, problemText, reasonHeaders, type Layer, type Schemas } from "../api/client";
import { t } from "../i18n";
import { can } from "../session";

type Window = Schemas["Window"];

export function WindowBar({ code, layer, reason, onChange }: { code: string; layer: Layer; reason: string; onChange: (open: boolean) => void }) {
  const [w, setW] = useState<Window | null>(null);
  const [status, setStatus] = useState("");
  useEffect(() => {
    api.GET("/api/v1/schemes/{code}/layers", { params: { path: { code } } }).then(({ data }) => {
      const found = data?.items.find((x) => x.layer === layer) ?? null;
      setW(found);
      onChange(found?.state !== "closed");
    });
  }, [code, layer]);
  const toggle = async () => {
    const state = w?.state === "closed" ? "open" : "closed";
    const { data, error } = await api.PUT("/api/v1/schemes/{code}/layers/{layer}", { params: { path: { code, layer } }, body: { state }, headers: reasonHeaders(reason.trim()) });
    if (!data) return setStatus(problemText(error));
    setStatus("");
    setW(data);
    onChange(data.state !== "closed");
  };
  if (!w) return null;
  const when = (s?: string | null) => (s ? new Date(s).toLocaleString() : "");
  return (
    <p class={w.state === "closed" ? "window warn" : "window"} id="window">
      {t(layer === "self" ? "layerSelf" : "layerFinal")}：{w.state === "closed" ? `${t("windowClosed")} ${when(w.closed_at)}` : t("windowOpen")}
      {w.state !== "closed" && w.closes_at ? ` · ${t("deadline")} ${when(w.closes_at)}` : ""}
      {can("design") && (
        <button class="link" id="window-toggle" onClick={toggle}>
          {w.state === "closed" ? t("reopen") : t("closeLayer")}
        </button>
      )}
      {status && <span class="error"> {status}</span>}
    </p>
  );
}
