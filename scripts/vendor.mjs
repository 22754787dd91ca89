// Copies the browser assets named in package.json's "vendor" map from node_modules (filled by
// `npm ci`) into service/static/vendor/, which the app serves at /static/vendor/ and the wheel
// ships as package data. Run by `make setup` whenever package.json or the lockfile change.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { vendor } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = join(root, "service", "static", "vendor");
mkdirSync(target, { recursive: true });
for (const name of readdirSync(target)) {
  if (!(name in vendor)) rmSync(join(target, name), { recursive: true, force: true });
}
for (const [name, source] of Object.entries(vendor)) {
  copyFileSync(join(root, source), join(target, name));
}
console.log(`vendored ${Object.keys(vendor).length} files into service/static/vendor/`);
