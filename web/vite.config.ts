// The console's build: one script (console.js) and one stylesheet (console.css) with fixed
// names, written into ../server/console where server/console.go embeds them. Names carry no
// hash and the build is deterministic, so .ci/run can rebuild and compare with the commit.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact", legalComments: "none" },
  build: {
    outDir: "../server/console",
    emptyOutDir: true,
    assetsDir: "",
    modulePreload: false,
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      output: {
        entryFileNames: "console.js",
        chunkFileNames: "console-[name].js",
        assetFileNames: "console[extname]",
        inlineDynamicImports: true,
      },
    },
  },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
