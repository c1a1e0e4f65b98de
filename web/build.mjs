// Builds the review page into dist/: index.html, assets/app.js and assets/app.css.
// No external origin is referenced; `sheaf` embeds dist/ at build time (cmake/embed_web.cmake).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist/assets", { recursive: true });
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outfile: "dist/assets/app.js",
  logLevel: "warning",
});
copyFileSync("index.html", "dist/index.html");
copyFileSync("src/app.css", "dist/assets/app.css");
