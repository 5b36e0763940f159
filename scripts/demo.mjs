#!/usr/bin/env node
// `npm run demo`: the demo server on the embedded database (PGlite, in .gobs-data/server),
// then the desktop app pointed at it. Log in as demo/demo (writer) or analyst/analyst (reader).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const dataDir = process.env.GOBS_DEMO_DATA ?? '.gobs-data/server';
const port = process.env.GOBS_DEMO_PORT ?? '8765';
const cli = ['tsx', 'src/server/cli/index.ts'];

const seeded = spawnSync('npx', [...cli, 'demo', '--data-dir', dataDir], { stdio: 'inherit' });
if (seeded.status !== 0) process.exit(seeded.status ?? 1);

// Request logs (one JSON line each) would drown the demo's own messages: warnings and errors only.
const server = spawn(
  'npx',
  [...cli, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', port, '--log-level', 'warn'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

let launched = false;
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const match = /G-Obs server listening on (\S+)/.exec(String(chunk));
  if (match && !launched) {
    launched = true;
    launchApp(match[1]);
  }
});
server.on('exit', (code) => process.exit(code ?? 0));

// The electron package writes path.txt once its binary is downloaded (`npx install-electron`).
function electronAvailable() {
  const dir = 'node_modules/electron';
  if (!existsSync(`${dir}/path.txt`)) return false;
  return existsSync(`${dir}/dist/${readFileSync(`${dir}/path.txt`, 'utf8').trim()}`);
}

function launchApp(serverUrl) {
  if (!electronAvailable()) {
    console.log(
      `\nThe Electron binary is not installed, so only the server runs.\n` +
        `Install it with \`npx install-electron\` (needs internet), then run \`npm run demo\` again.\n` +
        `Server: ${serverUrl}  (users demo/demo and analyst/analyst)\n`,
    );
    return;
  }
  const app = spawn('npx', ['electron-vite', 'preview'], {
    stdio: 'inherit',
    env: { ...process.env, GOBS_SERVER_URL: serverUrl },
  });
  app.on('exit', stop);
}
