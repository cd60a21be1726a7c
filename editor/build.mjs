// Build the editor bundle into the app's static folder, with the licences of what it bundles.
//
//   cd editor && npm ci && npm run build
//
// Writes src/alliance_graph/web/pages/static/editor.js (minified, one IIFE, no network at run
// time) and editor.js.LICENSE.txt beside it: each bundled package's name, version, licence
// and licence text.  The bundle's first line records the SHA-256 of package-lock.json and of
// src/editor.js, so a test can tell when the bundle is older than its sources.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "src", "alliance_graph", "web", "pages", "static", "editor.js");
const sha = (path) => createHash("sha256").update(readFileSync(join(here, path))).digest("hex");

const result = await esbuild.build({
  entryPoints: [join(here, "src", "editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  legalComments: "none",
  metafile: true,
  write: false,
  banner: { js: `/* alliance-graph editor: package-lock.json sha256 ${sha("package-lock.json")}; src/editor.js sha256 ${sha("src/editor.js")}; licences in editor.js.LICENSE.txt */` },
});
writeFileSync(out, result.outputFiles[0].contents);

// Every package a bundled file came from, with its licence text.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const folder = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license"].find((f) => existsSync(join(folder, f)));
  const text = file ? readFileSync(join(folder, file), "utf8").trim() : `(no licence file; package.json says ${meta.license})`;
  return `${meta.name} ${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(out + ".LICENSE.txt",
  "The editor bundle (editor.js) contains these packages, built by editor/build.mjs:\n\n" +
  notices.join("\n" + "-".repeat(72) + "\n\n"));
console.log(`wrote ${out} (${result.outputFiles[0].contents.length} bytes) from ${packages.size} packages`);
