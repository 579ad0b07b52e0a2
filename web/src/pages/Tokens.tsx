// Tokens (admin): create one (its secret shown once, with a copy button), list, revoke.
import { useEffect, useState } from "preact/hooks";
import { api, problemText, type Token } from "../api/client";
import { t } from "../i18n";

export function TokensPage() {
  const [tokens, setTokens] = useState<Token[]>([]);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Token["role"]>("assessor");
  const [scheme, setScheme] = useState("");
  const [unit, setUnit] = useState("");
  const [secret, setSecret] = useState("");
  const [copied, setCopied] = useState(false);
  const [status, setStatus] = useState("");
  const [schemes, setSchemes] = useState<{ code: string; title: string }[]>([]);
  useEffect(() => void api.GET("/api/v1/schemes", { params: { query: { limit: 500 } } }).then(({ data }) => setSchemes(data?.items ?? [])), []);
  const load = () => api.GET("/api/v1/tokens", { params: { query: { limit: 500 } } }).then(({ data, error }) => (data ? setTokens(data.items) : setStatus(problemText(error))));
  useEffect(() => void load(), []);
  const create = async (e: Event) => {
    e.preventDefault();
    const { data, error } = await api.POST("/api/v1/tokens", { body: { name: name.trim(), role, ...(scheme ? { scheme } : {}), ...(unit ? { unit } : {}) } });
    if (!data) return setStatus(problemText(error));
    setSecret(data.secret);
    setCopied(false);
    setStatus("");
    setName("");
    load();
  };
  const revoke = async (n: string) => {
    const { error } = await api.DELETE("/api/v1/tokens/{name}", { params: { path: { name: n } } });
    if (error) setStatus(problemText(error));
    load();
  };
  const copy = async () => {
    await navigator.clipboard.writeText(secret).catch(() => {});
    setCopied(true);
  };
  const time = (s?: string | null) => (s ? new Date(s).toLocaleString() : "");
  return (
    <section>
      <h2>{t("tokens")}</h2>
      <form class="actions" onSubmit={create} id="token-form">
        <input id="token-name" placeholder={t("name")} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <select id="token-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Token["role"])}>
          {(["admin", "assessor", "viewer", "unit"] as const).map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
        <select id="token-scheme" value={scheme} onChange={(e) => setScheme(e.currentTarget.value)}>
          <option value="">{t("scheme")}: *</option>
          {schemes.map((x) => <option key={x.code} value={x.code}>{x.code}</option>)}
        </select>
        <input id="token-unit" placeholder={t("unit")} value={unit} onInput={(e) => setUnit(e.currentTarget.value)} />
        <button type="submit" class="primary" id="token-create">{t("create")}</button>
      </form>
      {status && <p class="error">{status}</p>}
      {secret && (
        <p class="secret">
          {t("secretOnce")} <code id="secret">{secret}</code> <button onClick={copy} id="copy">{copied ? t("copied") : t("copy")}</button>
        </p>
      )}
      <table class="list" id="tokens">
        <thead><tr><th>{t("name")}</th><th>{t("role")}</th><th>{t("scheme")}</th><th>{t("unit")}</th><th>{t("created")}</th><th>{t("lastUsed")}</th><th /></tr></thead>
        <tbody>
          {tokens.map((k) => (
            <tr key={k.id} class={k.revoked_at ? "revoked" : ""}>
              <td>{k.name}</td><td>{k.role}</td><td>{k.scheme}</td><td>{k.unit}</td><td>{time(k.created_at)}</td><td>{time(k.last_used_at)}</td>
              <td>{k.revoked_at ? `${t("revoked")} ${time(k.revoked_at)}` : <button onClick={() => revoke(k.name)}>{t("revoke")}</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
