#!/usr/bin/env node
// `npm test`: every vitest project (unit, integration, e2e) in one run, then one plain
// summary line ("N passed, N failed, N skipped") that CI and humans can read at a glance.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const report = 'test-output/vitest-report.json';
mkdirSync('test-output', { recursive: true });
rmSync(report, { force: true });

const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { stdio: 'inherit' });

let summary = null;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  summary = {
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    skipped: (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0),
  };
} catch {
  // No report: vitest crashed before writing it; its own output says why.
}
if (summary) {
  console.log(`\nTests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  if (summary.passed === 0 && summary.failed === 0) {
    console.error('No test ran.');
    process.exit(1);
  }
}
process.exit(run.status ?? 1);
