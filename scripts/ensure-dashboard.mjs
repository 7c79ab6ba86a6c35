// Builds the dashboard before `npm start` when its bundle is missing or older than its sources,
// so the README's first command is enough on a fresh clone.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../dashboard/', import.meta.url).pathname;
const bundle = join(root, 'dist', 'index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(join(root, 'index.html'))) process.exit(0);
if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(root)) process.exit(0);
process.stdout.write('Building the dashboard (once; about 10 s)…\n');
execFileSync('npx', ['vite', 'build', '--config', join(root, 'vite.config.ts'), '--logLevel', 'warn'], { stdio: 'inherit' });
