#!/usr/bin/env node
// Runs the CLI from the checkout. The server runs as JavaScript transpiled into dist/ (rebuilt here, in
// under a second, whenever src/ is newer), so no TypeScript loader sits in the serving process.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const entry = join(root, 'dist', 'main.js');

function newestMtimeMs(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newestMtimeMs(join(root, 'src'))) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-server.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}
await import(entry);
