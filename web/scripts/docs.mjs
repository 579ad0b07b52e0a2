// The build of /docs: Scalar's API reference (the standalone bundle of @scalar/api-reference,
// pinned in package-lock.json), our page, configuration and styles from docs/, written into
// ../server/docs where server/docs.go embeds them. The assets get content-hashed names, so the
// server may let browsers cache them for a year; the page names them. The output depends on
// the inputs only, so .ci/run can rebuild and compare with the commit.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(web, "..", "server", "docs");
const scalar = join(web, "node_modules", "@scalar", "api-reference");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// hashed writes data as name.<hash>.ext and returns that name.
function hashed(name, data) {
  const dot = name.lastIndexOf(".");
  const file = `${name.slice(0, dot)}.${createHash("sha256").update(data).digest("hex").slice(0, 12)}${name.slice(dot)}`;
  writeFileSync(join(out, file), data);
  return file;
}

const names = {
  "scalar.js": hashed("scalar.js", readFileSync(join(scalar, "dist", "browser", "standalone.js"))),
  "docs.js": hashed("docs.js", readFileSync(join(web, "docs", "docs.js"))),
  "docs.css": hashed("docs.css", readFileSync(join(web, "docs", "docs.css"))),
};
let page = readFileSync(join(web, "docs", "index.html"), "utf8");
for (const [name, file] of Object.entries(names)) {
  page = page.replace(`/docs/${name}"`, `/docs/${file}"`);
}
writeFileSync(join(out, "index.html"), page);
const version = JSON.parse(readFileSync(join(scalar, "package.json"), "utf8")).version;
console.log(`docs: @scalar/api-reference ${version} → ${Object.values(names).join(", ")}`);
