/**
 * The sync server the e2e suite runs against: the server engineer's in-process test server with
 * the CLI's demo accounts and projects, plus field data of our own where the demo has none yet
 * (indicators with every dimension type, a document with a real file, observations spread over time).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server';
import { ApiClient } from './api';

/** The demo data set's writer account (`npm run server -- demo`). */
export const DEMO = { username: 'demo', password: 'demo' } as const;

export const E2E_PROJECT = 'environment~water';

export async function startDemoServer(options: { observations?: number; publicUrl?: string } = {}): Promise<TestServer> {
  const server = await startTestServer(options.publicUrl ? { publicUrl: options.publicUrl } : {});
  await server.seedDemo();
  // Asked over HTTP, as the app would: does the demo already give this project indicators?
  const client = await ApiClient.login(server.baseUrl, DEMO.username, DEMO.password);
  const indicators = await client.request<unknown[]>('GET', `/project/${encodeURIComponent(E2E_PROJECT)}/indicators`);
  if (indicators.status !== 200 || indicators.body.length === 0) await seedFieldData(server, options.observations ?? 300);
  return server;
}

async function seedFieldData(server: TestServer, n: number): Promise<void> {
  await server.seed.indicator({
    code: 'river_survey',
    label: 'River survey',
    description: 'Water temperature and fauna seen at each river station.',
    category: 'Hydrobiology',
    date_format: 'minute',
    values: [
      { code: 'temperature', name: 'Water temperature', type: 'real', unit: '°C' },
      { code: 'fish', name: 'Fish counted', type: 'integer', unit: 'individuals' },
      { code: 'turbid', name: 'Turbid', type: 'boolean', unit: null },
      { code: 'note', name: 'Note', type: 'string', unit: null },
    ],
  });
  await server.seed.link(E2E_PROJECT, 'river_survey');
  await server.seed.indicator({
    code: 'rainfall',
    label: 'Daily rainfall',
    description: 'Rain gauge totals.',
    category: 'Weather',
    date_format: 'day',
    values: [{ code: 'rain', name: 'Rain', type: 'real', unit: 'mm' }],
  });
  await server.seed.link(E2E_PROJECT, 'rainfall');

  const dir = mkdtempSync(join(tmpdir(), 'gobs-e2e-docs-'));
  const protocol = join(dir, 'protocol.pdf');
  writeFileSync(protocol, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  await server.seed.document({ indicator: 'river_survey', file: protocol, label: 'Survey protocol', type: 'document', description: 'How to survey a station' });

  const start = Date.UTC(2023, 0, 1);
  const obs = (i: number) => ({
    timestamp: new Date(start + i * 6 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') + ':00',
    x: -1.5 + (i % 50) / 20,
    y: 47 + (i % 30) / 30,
    values: { temperature: 8 + (i % 150) / 10, fish: i % 17, turbid: i % 3 === 0, note: i % 5 === 0 ? 'station visited' : '' },
  });
  await server.seed.observations({ indicator: 'river_survey', author: 'demo', observations: Array.from({ length: n }, (_, i) => obs(i)) });
  await server.seed.observations({
    indicator: 'rainfall',
    author: 'demo',
    observations: Array.from({ length: 40 }, (_, i) => ({ timestamp: new Date(start + i * 86_400_000).toISOString().slice(0, 10) + ' 00:00:00', x: -0.5, y: 47.4, values: { rain: (i * 7) % 23 } })),
  });
}
