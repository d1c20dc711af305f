// Called by Maven (exec-maven-plugin, generate-resources): installs the locked
// dependencies only when node_modules is missing or package-lock.json changed, then
// builds dist/ only when a source file changed since the last build. Keeps
// `mvn install` fast on repeat runs while staying correct on a fresh clone.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args) => execFileSync(npm, args, { cwd: root, stdio: 'inherit', env: process.env });

function hashFiles(paths) {
  const h = createHash('sha256');
  for (const p of paths) {
    h.update(p);
    h.update(readFileSync(join(root, p)));
  }
  return h.digest('hex');
}

function listFiles(dir) {
  const out = [];
  const abs = join(root, dir);
  if (!existsSync(abs)) return out;
  for (const name of readdirSync(abs).sort()) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...listFiles(rel));
    else out.push(rel);
  }
  return out;
}

// 1. Dependencies.
const lockStamp = join(root, 'node_modules', '.qring-lock-hash');
const lockHash = hashFiles(['package-lock.json']);
if (!existsSync(lockStamp) || readFileSync(lockStamp, 'utf8') !== lockHash) {
  console.log('[qring-frontend] npm ci (node_modules missing or package-lock.json changed)');
  run(['ci', '--no-audit', '--no-fund']);
  writeFileSync(lockStamp, lockHash);
}

// 2. Build.
const inputs = ['index.html', 'vite.config.js', 'package-lock.json', ...listFiles('src'), ...listFiles('public')];
const envFiles = ['.env', '.env.production', '.env.local', '.env.production.local'].filter((f) => existsSync(join(root, f)));
const viteEnv = Object.keys(process.env).filter((k) => k.startsWith('VITE_')).sort().map((k) => `${k}=${process.env[k]}`).join('\n');
const buildHash = createHash('sha256').update(hashFiles([...inputs, ...envFiles])).update(viteEnv).digest('hex');
const buildStamp = join(root, 'dist', '.qring-build-hash');
if (!existsSync(buildStamp) || readFileSync(buildStamp, 'utf8') !== buildHash) {
  console.log('[qring-frontend] vite build');
  run(['run', 'build']);
  writeFileSync(buildStamp, buildHash);
  // Maven copies dist/ over target/classes/static without deleting: drop old hashed assets first.
  rmSync(join(root, 'target', 'classes', 'static'), { recursive: true, force: true });
} else {
  console.log('[qring-frontend] dist/ is up to date');
}
