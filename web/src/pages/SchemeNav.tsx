import { t } from "../i18n";
import { can, me } from "../session";

/** SchemeNav links the pages of one scheme, showing only those the token's role may use. */
export function SchemeNav({ code, active }: { code: string; active: string }) {
  const links: [string, string, boolean][] = [
    ["sheet", `#/s/${code}`, true],
    ["values", `#/s/${code}/values`, can("writeFinal") || me.get()?.role === "unit"],
    ["files", `#/s/${code}/files`, true],
    ["revisions", `#/s/${code}/revisions`, can("readScheme")],
    ["publications", `#/s/${code}/publications`, can("readScheme")],
  ];
  return (
    <nav class="tabs">
      <a class="back" href="#/">{t("schemes")}</a>
      <strong>{code}</strong>
      {links.filter((l) => l[2]).map(([k, href]) => (
        <a key={k} href={href} class={k === active ? "on" : ""} id={`tab-${k}`}>
          {t(k as "sheet")}
        </a>
      ))}
    </nav>
  );
}
