/**
 * Reads the V8 CPU profiles written with --cpu-prof and says where the time went: self time per
 * package or source file (node_modules/<pkg>, src/..., Node internals, GC, idle) and the top
 * functions. A rough but honest first answer to "what dominates this cost?".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucket(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle (waiting for I/O)';
  if (fn === '(program)') return 'V8/native (program)';
  if (!url) return `native ${fn || '(anonymous)'}`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const src = url.match(/\/((?:src|test)\/.+)$/);
  return src ? src[1]! : url;
}

export function summariseProfile(
  file: string,
  top = 12,
): { total: number; buckets: [string, number][]; functions: [string, number][] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    total += us;
    const b = bucket(url, functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + us);
    const f = `${functionName || '(anonymous)'} ${url ? `${bucket(url, functionName)}:${lineNumber + 1}` : ''}`.trim();
    functions.set(f, (functions.get(f) ?? 0) + us);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { total, buckets: sorted(buckets), functions: sorted(functions) };
}

/** Per process folder (see procs.ts), the profile of the thread that did the work (least idle). */
export function summariseProfiles(dir: string): string {
  const out: string[] = [`CPU profiles in ${dir} (self time):`];
  for (const proc of readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const files = readdirSync(join(dir, proc)).filter((x) => x.endsWith('.cpuprofile'));
    const summaries = files.map((f) => summariseProfile(join(dir, proc, f)));
    const busy = (s: ReturnType<typeof summariseProfile>) =>
      s.total - (s.buckets.find(([b]) => b.startsWith('idle'))?.[1] ?? 0);
    const s = summaries.sort((a, b) => busy(b) - busy(a))[0];
    if (!s) continue;
    const pc = (us: number) => `${((100 * us) / s.total).toFixed(1)}%`;
    out.push(`\n${proc}: ${(s.total / 1e6).toFixed(1)} s sampled, ${(busy(s) / 1e6).toFixed(1)} s busy`);
    out.push(`  by package/file: ${s.buckets.map(([b, us]) => `${b} ${pc(us)}`).join(', ')}`);
    out.push('  top functions:');
    for (const [fn, us] of s.functions) out.push(`    ${pc(us).padStart(6)}  ${fn}`);
  }
  return out.join('\n');
}

if (process.argv[1]?.endsWith('profile.ts')) console.log(summariseProfiles(process.argv[2] ?? 'bench/profiles'));
