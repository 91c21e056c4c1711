// Builds the web client into the server's web root: index.html, assets/app.js, assets/app.css.
// WEB_OUT names another output folder (the container build uses one of its own).
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, process.env.WEB_OUT ?? '../src/FleepServer/wwwroot');

await rm(out, { recursive: true, force: true });
await mkdir(resolve(out, 'assets'), { recursive: true });
await build({
  entryPoints: { app: resolve(here, 'src/main.tsx') },
  outdir: resolve(out, 'assets'),
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
await copyFile(resolve(here, 'index.html'), resolve(out, 'index.html'));
console.log(`web client built into ${out}`);
