/**
 * Model-based test of the sync engine (fast-check): device edits and deletions, edits and deletions
 * by someone else on the server, lost answers and crashes, interleaved in random orders. After
 * every clean sync, observation by observation: the device and the server agree, and a conflict
 * appears exactly when someone else changed the observation while the device had a change the server
 * never received. At the end every conflict is resolved ("keep mine") and nothing written is lost or
 * duplicated. A failure prints the seed, the path and the commands' replayPath; replay with
 * GOBS_MODEL_SEED, GOBS_MODEL_PATH and GOBS_MODEL_REPLAY.
 *
 * Crashes are simulated in-process: a sync hook throws at a chosen point (before a write leaves,
 * after its answer arrived, inside the transaction applying it) and the main core is restarted on
 * the same files. Real SIGKILLs at those points are in write-crash.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservationRow } from '../../../src/shared/ipc';
import type { SyncHooks } from '../../../src/main/sync/hooks';
import { createTestDesktop, type TestDesktop } from '../../helpers/desktop';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy';
import { startTestServer, type TestServer } from '../../helpers/server';
import { Client } from '../server/client';
import { newObs } from '../server/fixtures';
import { deviceRows, expectConverged, serverRows, syncOk, valuesOf } from './support';

const IND = 'pluviometry';
const K = 3;
const TIME_LIMIT_MS = Number(process.env.GOBS_MODEL_MS ?? 60_000);

let srv: TestServer;
let proxy: FaultProxy;
let adminToken: string;
let writer: Client;
let other: Client;

beforeAll(async () => {
  srv = await startTestServer();
  await srv.seed.basic();
  proxy = await startFaultProxy(srv.baseUrl);
  adminToken = await srv.login('admin', 'admin');
  writer = await new Client(srv.baseUrl).login('writer', 'writer');
  // "Someone else": a project admin, who may change the writer's observations.
  other = await new Client(srv.baseUrl).login('admin', 'admin');
});
afterAll(async () => {
  await proxy?.close();
  await srv?.close();
});

type Content = string | 'deleted';

interface Change {
  content: Content;
  committed: boolean;
}

/** What the model knows of one observation since the device and the server last agreed on it. */
interface Tracked {
  uuid: string;
  mine: Change[];
  theirs: Content[];
}

interface Model {
  obs: Tracked[];
  /** Makes every note written in the whole test unique. */
  run: number;
  counter: number;
}

type Crash = { point: keyof Omit<SyncHooks, 'afterPullBatchApplied'>; nth: number };

interface Real {
  d: TestDesktop;
  crash: Crash | null;
  writesSeen: number;
  hooks: SyncHooks;
}

class SimulatedCrash extends Error {}

function crashHook(real: () => Real, point: Crash['point']) {
  return () => {
    const r = real();
    if (r.crash?.point !== point) return;
    r.writesSeen++;
    if (r.writesSeen === r.crash.nth) throw new SimulatedCrash(`simulated crash at ${point}`);
  };
}

async function serverContent(uuid: string): Promise<Content> {
  const o = (await serverRows(srv.baseUrl, adminToken, IND)).find((x) => x.uuid === uuid);
  return o ? String(valuesOf(o).note) : 'deleted';
}

async function localRow(d: TestDesktop, uuid: string): Promise<ObservationRow | null> {
  try {
    return await d.gobs.observations.get({ uuid });
  } catch {
    return null;
  }
}

/**
 * After any sync: the device change the server holds now is committed (notes are unique, so only the
 * device can have written it). Returns, per observation, whether device and server agree.
 */
async function observe(m: Model, real: Real): Promise<boolean[]> {
  const server = new Map((await serverRows(srv.baseUrl, adminToken, IND)).map((o) => [o.uuid, o]));
  const agreed: boolean[] = [];
  for (const t of m.obs) {
    const s = server.get(t.uuid);
    const sContent: Content = s ? String(valuesOf(s).note) : 'deleted';
    const last = t.mine.at(-1);
    if (last && last.content === sContent) last.committed = true;
    const l = await localRow(real.d, t.uuid);
    agreed.push(
      !!((!l && !s) || (l && s && l.state === 'synced' && l.import === s.import && l.values.note === sContent)),
    );
  }
  return agreed;
}

/** What agrees has no history any more: the next changes start from there. */
function forgetAgreed(m: Model, agreed: boolean[]): void {
  m.obs.forEach((t, i) => {
    if (agreed[i]) {
      t.mine = [];
      t.theirs = [];
    }
  });
}

function expectedConflict(t: Tracked): boolean {
  const last = t.mine.at(-1);
  if (!last || t.theirs.length === 0) return false;
  if (last.content === 'deleted' && t.theirs.at(-1) === 'deleted') return false;
  return !last.committed;
}

class Edit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.obs[this.i]!.mine.at(-1)?.content !== 'deleted';
  async run(m: Model, real: Real) {
    const t = m.obs[this.i]!;
    const l = await localRow(real.d, t.uuid);
    if (!l || l.state === 'deleted') return;
    const note = `run ${m.run} device ${++m.counter}`;
    await real.d.gobs.observations.update({
      uuid: t.uuid,
      timestamp: l.timestamp,
      x: l.x,
      y: l.y,
      values: { ...l.values, note },
    });
    t.mine.push({ content: note, committed: false });
  }
  toString = () => `Edit(${this.i})`;
}

class Delete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = (m: Readonly<Model>) => m.obs[this.i]!.mine.at(-1)?.content !== 'deleted';
  async run(m: Model, real: Real) {
    const t = m.obs[this.i]!;
    const l = await localRow(real.d, t.uuid);
    if (!l || l.state === 'deleted' || l.state === 'conflict') return;
    await real.d.gobs.observations.delete({ uuid: t.uuid });
    t.mine.push({ content: 'deleted', committed: false });
  }
  toString = () => `Delete(${this.i})`;
}

class OtherEdit implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: Model) {
    const t = m.obs[this.i]!;
    const cur = await other.get<{
      import: number;
      timestamp: string;
      x: number;
      y: number;
      values: { name: string; value: unknown }[];
    }>(`/observation/${t.uuid}`);
    if (cur.status !== 200) return;
    const note = `run ${m.run} other ${++m.counter}`;
    const values = cur.body.values.map((v) => (v.name === 'note' ? { ...v, value: note } : v));
    const res = await other.req('PUT', '/observation/observations', {
      json: {
        uuid: t.uuid,
        indicator: IND,
        timestamp: cur.body.timestamp,
        x: cur.body.x,
        y: cur.body.y,
        values,
        import: cur.body.import,
      },
    });
    expect(res.status).toBe(200);
    t.theirs.push(note);
  }
  toString = () => `OtherEdit(${this.i})`;
}

class OtherDelete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly i: number) {}
  check = () => true;
  async run(m: Model) {
    const t = m.obs[this.i]!;
    const res = await other.req('DELETE', `/observation/${t.uuid}`);
    if (res.status === 404) return;
    expect(res.status).toBe(200);
    t.theirs.push('deleted');
  }
  toString = () => `OtherDelete(${this.i})`;
}

type Fault = { kind: 'none' } | { kind: 'lose'; method: 'PUT' | 'DELETE'; skip: number } | ({ kind: 'crash' } & Crash);

class Sync implements fc.AsyncCommand<Model, Real> {
  constructor(readonly fault: Fault) {}
  check = () => true;
  async run(m: Model, real: Real) {
    proxy.clear();
    if (this.fault.kind === 'lose') {
      const path = this.fault.method === 'PUT' ? /\/observation\/observations/ : /\/observation\/[0-9a-f-]+(\?|$)/;
      proxy.add({ method: this.fault.method, path, fault: { kind: 'drop-response' }, times: 2, skip: this.fault.skip });
    }
    real.crash = this.fault.kind === 'crash' ? { point: this.fault.point, nth: this.fault.nth } : null;
    real.writesSeen = 0;
    const status = await real.d.gobs.sync.start({});
    const crashed = real.crash !== null && real.writesSeen >= real.crash.nth;
    real.crash = null;
    proxy.clear();
    if (crashed) real.d = await real.d.restart(); // the process died there: start again on the same files
    const agreed = await observe(m, real);
    if (this.fault.kind === 'none' && status.state === 'idle' && !status.lastError) await this.verify(m, real);
    forgetAgreed(m, agreed);
  }

  /** A clean sync settled everything: each observation against the model. */
  private async verify(m: Model, real: Real) {
    for (const t of m.obs) {
      const l = await localRow(real.d, t.uuid);
      const s = await serverContent(t.uuid);
      const where = `${t.uuid}: mine ${JSON.stringify(t.mine)} theirs ${JSON.stringify(t.theirs)}`;
      if (expectedConflict(t)) {
        expect(l?.state, where).toBe('conflict');
      } else if (!l) {
        expect(s, where).toBe('deleted');
      } else {
        expect(l.state, where).toBe('synced');
        expect(l.values.note, where).toBe(s);
      }
    }
  }
  toString = () => `Sync(${JSON.stringify(this.fault)})`;
}

const index = fc.integer({ min: 0, max: K - 1 });
const commands = fc.commands(
  [
    index.map((i) => new Edit(i)),
    index.map((i) => new Edit(i)),
    index.map((i) => new Delete(i)),
    index.map((i) => new OtherEdit(i)),
    index.map((i) => new OtherDelete(i)),
    fc.constant(new Sync({ kind: 'none' })),
    fc
      .record({ method: fc.constantFrom('PUT' as const, 'DELETE' as const), skip: fc.integer({ min: 0, max: 2 }) })
      .map((f) => new Sync({ kind: 'lose', ...f })),
    fc
      .record({
        point: fc.constantFrom('beforeWrite' as const, 'afterWriteAnswer' as const, 'whileApplyingWrite' as const),
        nth: fc.integer({ min: 1, max: 3 }),
      })
      .map((c) => new Sync({ kind: 'crash', ...c })),
  ],
  { maxCommands: 14, ...(process.env.GOBS_MODEL_REPLAY ? { replayPath: process.env.GOBS_MODEL_REPLAY } : {}) },
);

describe('sync engine against a model', () => {
  it(
    'agrees with the server after every clean sync; conflicts exactly when someone else changed it',
    { timeout: TIME_LIMIT_MS + 120_000 },
    async () => {
      const seed = Number(process.env.GOBS_MODEL_SEED ?? Date.now() % 2 ** 31);
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(commands, async (cmds) => {
          runs++;
          const created = await writer.req<{ uuid: string }[]>('POST', '/observation/observations', {
            json: Array.from({ length: K }, () => newObs()),
          });
          expect(created.status).toBe(200);
          const real = { crash: null, writesSeen: 0 } as Partial<Real> as Real;
          const hooks: SyncHooks = {
            beforeWrite: crashHook(() => real, 'beforeWrite'),
            afterWriteAnswer: crashHook(() => real, 'afterWriteAnswer'),
            whileApplyingWrite: crashHook(() => real, 'whileApplyingWrite'),
          };
          const d = await createTestDesktop({ syncHooks: hooks });
          Object.assign(real, { d, hooks });
          try {
            await d.gobs.auth.login({ serverUrl: proxy.baseUrl, username: 'writer', password: 'writer' });
            await syncOk(d);
            const model: Model = {
              obs: created.body.map((o) => ({ uuid: o.uuid, mine: [], theirs: [] })),
              run: runs,
              counter: 0,
            };
            await fc.asyncModelRun(() => ({ model, real }), cmds);
            // Settle: a clean sync (checked against the model), then every conflict resolved keeping mine.
            await new Sync({ kind: 'none' }).run(model, real);
            const expected = new Map<number, Content>();
            for (const [i, t] of model.obs.entries()) {
              const l = await localRow(real.d, t.uuid);
              if (l?.state === 'conflict') {
                expected.set(i, t.mine.at(-1)!.content);
                await real.d.gobs.conflicts.resolve({ uuid: t.uuid, keep: 'mine' });
              }
            }
            await syncOk(real.d);
            await syncOk(real.d);
            await expectConverged(real.d, srv.baseUrl, adminToken, IND);
            // Nothing I kept was lost: each kept edit is on the server exactly once (a kept edit of an
            // observation deleted there comes back under a new uuid); each kept deletion is done.
            const notes = (await serverRows(srv.baseUrl, adminToken, IND)).map((o) => String(valuesOf(o).note));
            for (const [i, content] of expected) {
              if (content === 'deleted') expect(await serverContent(model.obs[i]!.uuid)).toBe('deleted');
              else expect(notes.filter((n) => n === content)).toHaveLength(1);
            }
            expect((await deviceRows(real.d, IND)).filter((r) => r.state !== 'synced')).toEqual([]);
          } finally {
            proxy.clear();
            await real.d.close(true);
          }
        }),
        {
          seed,
          ...(process.env.GOBS_MODEL_PATH ? { path: process.env.GOBS_MODEL_PATH } : {}),
          numRuns: 40,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          markInterruptAsFailure: false,
          verbose: true,
        },
      );
      expect(runs).toBeGreaterThan(0);
      console.log(`sync model: ${runs} runs (seed ${seed})`);
    },
  );
});
