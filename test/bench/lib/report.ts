/** Results of one run: collected rows, the printed table and bench/results.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';

/** The peer's measures (lib/peer.ts) that our rows are compared with. */
export type PeerMeasure = 'firstSync' | 'noChange' | 'changed' | 'push';

export interface Row {
  item: string;
  measure: string;
  engine: 'postgres' | 'pglite' | 'sqlite' | 'pouchdb' | '-';
  value: number;
  unit: string;
  /** Same work by the raw parts, when the item has a floor. */
  floor?: number;
  /** Measured value over what the target compares it to (floor or reference figure). */
  ratio?: number;
  target?: string;
  met?: boolean;
  note?: string;
  /** The peer's row this one is compared with… */
  peerOf?: PeerMeasure;
  /** …its value in this row's unit, and ours over it (below 1: we are faster). */
  peer?: number;
  peerRatio?: number;
  /** Not measured in this run (note says why). */
  skipped?: boolean;
}

export function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
export const median = (xs: number[]) => pct(xs, 50);

const fmt = (n: number | undefined, unit = '') => {
  if (n === undefined || Number.isNaN(n)) return '';
  const v = Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
  return unit ? `${v} ${unit}` : v;
};

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/** The table; with the PouchDB columns when any row has a peer figure or is the peer's. */
export function table(rows: Row[]): string {
  const withPeer = rows.some((r) => r.peerOf || r.engine === 'pouchdb');
  const head = ['#', 'measure', 'engine', 'value', 'floor / ref', 'ratio', 'target', 'met'];
  if (withPeer) head.push('PouchDB', 'vs PouchDB');
  const ratio = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : `${x.toFixed(2)}×`);
  const body = rows.map((r) => [
    r.item,
    r.measure,
    r.engine,
    r.skipped ? 'SKIPPED' : fmt(r.value, r.unit),
    fmt(r.floor, r.unit),
    ratio(r.ratio),
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    ...(withPeer ? [fmt(r.peer, r.unit), ratio(r.peerRatio)] : []),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function writeResults(file: string, data: object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}
