/**
 * GDAL's command-line readers (Debian's gdal-bin) as the independent judge of exported files.
 * Without them the tests that need them are skipped loudly, unless GOBS_REQUIRE_GDAL=1 (CI), where
 * that is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const gdalRequired = process.env['GOBS_REQUIRE_GDAL'] === '1';

export const hasGdal = (() => {
  const r = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return true;
  const why = 'GDAL (ogrinfo) is not installed: apt-get install gdal-bin.';
  if (gdalRequired) throw new Error(`GDAL TESTS CANNOT RUN: ${why} GOBS_REQUIRE_GDAL=1 makes this a failure.`);
  console.warn(`\n*** SKIPPING GDAL-CHECKED TESTS: ${why} ***\n`);
  return false;
})();

export interface OgrLayerInfo {
  name: string;
  geometry: string;
  featureCount: number;
  extent: [number, number, number, number] | null;
  fields: Record<string, string>;
  /** Everything GDAL printed on stderr (warnings). */
  warnings: string;
}

/** `ogrinfo -ro -so -al` parsed: one entry per layer. */
export function ogrinfo(file: string, ...options: string[]): OgrLayerInfo[] {
  const r = spawnSync('ogrinfo', ['-ro', '-so', '-al', ...options, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ogrinfo failed on ${file}: ${r.stderr}`);
  const layers: OgrLayerInfo[] = [];
  let current: OgrLayerInfo | null = null;
  let inSrs = false;
  for (const line of r.stdout.split('\n')) {
    const layer = /^Layer name: (.*)$/.exec(line);
    if (layer) {
      current = { name: layer[1]!, geometry: '', featureCount: -1, extent: null, fields: {}, warnings: r.stderr };
      layers.push(current);
      inSrs = false;
      continue;
    }
    if (!current) continue;
    let m: RegExpExecArray | null;
    if ((m = /^Geometry: (.*)$/.exec(line))) current.geometry = m[1]!;
    else if ((m = /^Feature Count: (\d+)$/.exec(line))) current.featureCount = Number(m[1]);
    else if ((m = /^Extent: \((-?[\d.e+-]+), (-?[\d.e+-]+)\) - \((-?[\d.e+-]+), (-?[\d.e+-]+)\)$/.exec(line))) {
      current.extent = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    } else if (/^Layer SRS WKT:/.test(line)) inSrs = true;
    else if (inSrs && (line === '(unknown)' || /^(Data axis|FID Column|Geometry Column)/.test(line))) inSrs = false;
    else if (!inSrs && (m = /^([^\s:][^:]*): ([A-Za-z0-9]+(?:\([A-Za-z]+\))?) \(/.exec(line))) {
      current.fields[m[1]!] = m[2]!;
    }
  }
  return layers;
}

/** Runs SQL through GDAL (its SQLite dialect with the ST_ functions GeoPackage triggers need). */
export function ogrSql(file: string, sql: string, update = false): string {
  return execFileSync('ogrinfo', [...(update ? [] : ['-ro']), file, '-sql', sql], { encoding: 'utf8', stdio: 'pipe' });
}
