// The console: sign in with a token, then the pages of a round. Hash routes keep it one page
// served at / with nothing but the API behind it.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api, setToken, token, type Token } from "./api/client";
import { lang, setLang, t } from "./i18n";
import { useSignal } from "./signal";
import { can, me } from "./session";
import { SchemesPage } from "./pages/Schemes";
import { SheetPage } from "./pages/Sheet";
import { FormulaPage } from "./pages/Formula";
import { RevisionsPage } from "./pages/Revisions";
import { ValuesPage } from "./pages/Values";
import { FilesPage } from "./pages/Files";
import { TokensPage } from "./pages/Tokens";
import { PublicationsPage } from "./pages/Publications";
import "./style.css";

function useHash(): string {
  const [h, setH] = useState(location.hash);
  useEffect(() => {
    const f = () => setH(location.hash);
    addEventListener("hashchange", f);
    return () => removeEventListener("hashchange", f);
  }, []);
  return h;
}

/** parseRoute splits a hash (#/s/code/items/x?layer=self) into its parts and its query. */
export function parseRoute(hash: string): { parts: string[]; query: URLSearchParams } {
  const [path, q] = hash.replace(/^#\/?/, "").split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q ?? "") };
}

function SignIn({ onIn }: { onIn: (t: Token) => void }) {
  const [secret, setSecret] = useState("");
  const [err, setErr] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    setToken(secret.trim());
    const { data } = await api.GET("/api/v1/token");
    if (!data) {
      setToken(null);
      setErr(t("badToken"));
      return;
    }
    onIn(data);
  };
  return (
    <form class="signin" onSubmit={submit}>
      <h1>{t("app")}</h1>
      <label>
        {t("tokenPrompt")}
        <input id="token" type="password" autocomplete="off" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
      </label>
      <p class="hint">{t("tokenHint")}</p>
      {err && <p class="error">{err}</p>}
      <button id="signin" type="submit">{t("signIn")}</button>
    </form>
  );
}

function Page({ hash }: { hash: string }) {
  const { parts, query } = parseRoute(hash);
  if (parts[0] === "tokens" && can("tokens")) return <TokensPage />;
  if (parts[0] === "s" && parts[1]) {
    const code = parts[1];
    switch (parts[2]) {
      case "items":
        return <FormulaPage code={code} item={parts[3] ?? ""} />;
      case "revisions":
        return <RevisionsPage code={code} />;
      case "values":
        return <ValuesPage code={code} unit={parts[3] ?? ""} />;
      case "files":
        return <FilesPage code={code} />;
      case "publications":
        return <PublicationsPage code={code} />;
      default:
        return <SheetPage code={code} query={query} />;
    }
  }
  return <SchemesPage />;
}

function App() {
  useSignal(lang);
  const who = useSignal(me);
  const hash = useHash();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!token()) {
      setReady(true);
      return;
    }
    api.GET("/api/v1/token").then(({ data }) => {
      if (data) me.set(data);
      else setToken(null);
      setReady(true);
    });
  }, []);
  if (!ready) return <p class="loading">{t("loading")}</p>;
  const langButton = (
    <button class="link" id="lang" onClick={() => setLang(lang.get() === "zh" ? "en" : "zh")}>
      {t("lang")}
    </button>
  );
  if (!who) {
    return (
      <main class="narrow">
        <div class="corner">{langButton}</div>
        <SignIn onIn={(tok) => me.set(tok)} />
      </main>
    );
  }
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          {t("app")}
        </a>
        <nav>
          <a href="#/">{t("schemes")}</a>
          {can("tokens") && <a href="#/tokens">{t("tokens")}</a>}
        </nav>
        <span class="grow" />
        <span class="who" id="who">
          {who.name} · {who.role}
          {who.unit ? ` · ${who.unit}` : ""}
        </span>
        {langButton}
        <button
          class="link"
          id="signout"
          onClick={() => {
            setToken(null);
            me.set(null);
            location.hash = "";
          }}
        >
          {t("signOut")}
        </button>
      </header>
      <main>
        <Page hash={hash} key={hash.split("?")[0]} />
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
