// The configuration of /docs: Scalar's API reference (scalar.js, pinned in
// web/package-lock.json) rendering this server's /openapi.yaml. Everything it needs comes
// from this server: no fonts, no proxy, no telemetry, no agent; "try it" sends requests to
// this origin with the Bearer token typed into the page (not stored). The page's
// Content-Security-Policy (server/limits.go, docsCSP) refuses any other origin anyway.
//
// This script runs before scalar.js (index.html) and mounts the reference once the page is
// read, when scalar.js has run too.
(function () {
  "use strict";
  // Zod, inside the renderer, tries Function("") to learn whether it may compile validators;
  // the CSP allows no eval, so the try would be a breach of the policy, reported by the
  // browser. jitless makes Zod validate without compiling and without trying.
  globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
  var zh = (navigator.languages || [navigator.language || ""]).some(function (l) {
    return /^zh\b/i.test(l);
  });
  // Problem types are URIs of this page, /docs#problem-<name> (server/errors.go): they are
  // listed in the description's "Problem types" section, where such a link now lands.
  function redirect(hash) {
    return /^#problem-[a-z-]+$/.test(hash) ? "#description/problem-types" : null;
  }
  document.addEventListener("DOMContentLoaded", function () {
    Scalar.createApiReference("#app", {
      url: "/openapi.yaml",
      servers: [{ url: window.location.origin, description: zh ? "本服务器" : "this server" }],
      authentication: { preferredSecurityScheme: "bearer" },
      persistAuth: false,
      localization: { locale: zh ? "zh-CN" : "en" },
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      hideClientButton: true,
      showDeveloperTools: "never",
      documentDownloadType: "direct",
      defaultOpenFirstTag: false,
      orderRequiredPropertiesFirst: true,
      redirect: redirect,
    });
  });
})();
