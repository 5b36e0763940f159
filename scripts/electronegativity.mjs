/**
 * Electronegativity over the desktop sources, as part of `npm run lint`. Every finding must be
 * recorded, with the reason it is acceptable, in electronegativity.json; an unrecorded finding, a
 * recorded one that no longer occurs (stale), or a file it could not parse fails the run.
 *
 *   node scripts/electronegativity.mjs            # checks src/ against electronegativity.json
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Electronegativity fetches translations and Electron's release list over the network with `got`.
 * Lint runs offline and must not depend on it: its `got` answers "offline" at once (it then uses
 * its bundled English texts; the release check is excluded in electronegativity.json).
 */
function loadRunner() {
  const require = createRequire(import.meta.url);
  const fromTool = createRequire(require.resolve('@doyensec/electronegativity/dist/runner.js'));
  const gotPath = fromTool.resolve('got');
  const offline = () => Promise.reject(new Error('offline: lint makes no network requests'));
  require.cache[gotPath] = {
    id: gotPath,
    filename: gotPath,
    loaded: true,
    exports: Object.assign(offline, { default: offline }),
  };
  const runner = fromTool('./runner.js');
  return runner.default ?? runner;
}

/**
 * Compares findings with the recorded review. A recorded entry matches a finding of the same check
 * and file whose sample contains `match` (line numbers are not compared: they move with edits).
 */
export function reviewFindings(issues, config) {
  const recorded = config.findings ?? [];
  const used = new Set();
  const unrecorded = [];
  for (const issue of issues) {
    const sample = issue.sample === undefined ? '' : String(issue.sample);
    const k = recorded.findIndex(
      (r) => r.check === issue.id && r.file === issue.file && (r.match === undefined || sample.includes(r.match)),
    );
    if (k < 0) unrecorded.push(issue);
    else used.add(k);
  }
  const stale = recorded.filter((_r, k) => !used.has(k));
  const unexplained = recorded.filter((r) => typeof r.reason !== 'string' || r.reason.trim().length < 20);
  return { unrecorded, stale, unexplained };
}

export async function runElectronegativity(input, electronVersion, excludedChecks) {
  const run = loadRunner();
  return run({
    input,
    electronVersionOverride: electronVersion,
    excludeFromScan: excludedChecks,
    isRelative: true,
  });
}

async function main() {
  const config = JSON.parse(readFileSync(join(ROOT, 'electronegativity.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const electronVersion = pkg.devDependencies.electron;
  const excluded = (config.excludedChecks ?? []).map((e) => e.check);
  const result = await runElectronegativity(join(ROOT, config.input), electronVersion, excluded);
  const { unrecorded, stale, unexplained } = reviewFindings(result.issues, config);
  const where = (i) => `${i.id} ${i.file}:${i.location.line}:${i.location.column}`;
  let failed = false;
  for (const e of result.errors) {
    console.error(`electronegativity: could not analyse ${e.file}: ${e.message}`);
    failed = true;
  }
  for (const i of unrecorded) {
    console.error(`electronegativity: unreviewed finding ${where(i)} — ${i.description}\n  sample: ${i.sample}`);
    failed = true;
  }
  for (const r of stale) {
    console.error(`electronegativity: recorded finding no longer occurs, remove it: ${r.check} ${r.file} "${r.match}"`);
    failed = true;
  }
  for (const r of unexplained) {
    console.error(`electronegativity: recorded finding without a reason: ${r.check} ${r.file}`);
    failed = true;
  }
  const summary =
    `electronegativity ${electronVersion ? `(Electron ${electronVersion}) ` : ''}over ${config.input}/: ` +
    `${result.globalChecks + result.atomicChecks} checks, ${result.issues.length} findings, ` +
    `${result.issues.length - unrecorded.length} reviewed in electronegativity.json`;
  console.log(summary);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
