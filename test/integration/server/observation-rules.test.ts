/**
 * The case table against the server over real HTTP: each case is pushed alone to
 * POST /observation/observations; an accepted one is read back with GET /observation/{uuid}.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiErrorResponse, type Observation } from '../../../src/shared/api.js';
import { startTestServer, testEngines, type TestServer } from '../../helpers/server.js';
import { expectAccepted, expectedFields } from '../../unit/shared/rules-assert.js';
import {
  RULE_CASES,
  RULE_DIMENSIONS,
  RULE_FORMATS,
  ruleIndicator,
  UUID_CASES,
  wireItemOf,
} from '../../unit/shared/rules-cases.js';
import { Client } from './client.js';
import { DEVICE_A, OBSERVATION_1 } from './fixtures.js';

describe.each(testEngines())('the server runs the shared rule (%s)', (engine) => {
  let srv: TestServer;
  let writer: Client;

  beforeAll(async () => {
    srv = await startTestServer({ engine });
    await srv.seed.project('rules', 'Rules');
    await srv.seed.user('writer', 'writer');
    await srv.seed.grant('writer', 'rules', 'writer');
    for (const format of RULE_FORMATS) {
      await srv.seed.indicator({
        code: ruleIndicator(format),
        label: `Rules at ${format} precision`,
        date_format: format,
        values: RULE_DIMENSIONS,
      });
      await srv.seed.link('rules', ruleIndicator(format));
    }
    writer = await new Client(srv.baseUrl, null, DEVICE_A).login('writer', 'writer');
  });
  afterAll(() => srv?.close());

  it.each(RULE_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const uuid = randomUUID();
    const r = await writer.req<Observation[] & ApiErrorResponse>('POST', '/observation/observations', {
      json: [wireItemOf(c, uuid)],
    });
    if ('fields' in c.expect) {
      expect(r.status, r.text.slice(0, 500)).toBe(400);
      expect(r.body.errors!.map((e) => [e.index, e.uuid, e.field])).toEqual(expectedFields(c).map((f) => [0, uuid, f]));
      for (const e of r.body.errors!) expect(e.message).toMatch(/^(is|must|needs) /);
      expect((await writer.get(`/observation/${uuid}`)).status).toBe(404);
      return;
    }
    expect(r.status, r.text.slice(0, 500)).toBe(200);
    expectAccepted(c, 'server', r.body[0]!);
    const stored = await writer.get<Observation>(`/observation/${uuid}`);
    expect(stored.status).toBe(200);
    expectAccepted(c, 'server', stored.body);
  });

  it.each(UUID_CASES.map((c) => [c.input, c.expected] as const))('uuid %j', async (input, expected) => {
    const item = {
      uuid: input,
      indicator: 'rules_day',
      timestamp: '2024-03-01',
      x: 3.5,
      y: 43.5,
      values: [
        { name: 'rain', value: 1 },
        { name: 'gauge', value: 1 },
        { name: 'checked', value: false },
        { name: 'note', value: '' },
      ],
    };
    const r = await writer.req<Observation[] & ApiErrorResponse>('POST', '/observation/observations', { json: [item] });
    if (expected === null) {
      expect(r.status).toBe(400);
      expect(r.body.errors!.map((e) => e.field)).toEqual(['uuid']);
      return;
    }
    expect(r.status, r.text).toBe(200);
    expect(r.body[0]!.uuid).toBe(expected);
    expect((await writer.get<Observation>(`/observation/${input}`)).body.uuid).toBe(expected);
    // An update names the observation by the same rule.
    const edit = await writer.req<Observation[]>('PUT', '/observation/observations', {
      json: { ...item, import: r.body[0]!.import },
    });
    expect(edit.status, edit.text).toBe(200);
    expect(edit.body[0]!.uuid).toBe(expected);
  });

  it('the design’s example observation id is one of them', () => {
    expect(UUID_CASES.find((c) => c.input === OBSERVATION_1)?.expected).toBe(OBSERVATION_1);
  });
});
