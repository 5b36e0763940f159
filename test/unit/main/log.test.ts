/**
 * The main log: written to the file as it happens, rotated by size into a bounded set of files,
 * and never holding a password or a token, whether passed as a field, inside text, in an error or
 * through console.error.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureConsole, createLogger, redactText } from '../../../src/main/platform/log';

const dirs: string[] = [];
function logDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'gobs-log-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function allLogs(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

// What a session token and a password look like here.
const TOKEN = 'q3Vx9_bT7kLmN2pR8sW4yZ1aC6eG0hJ5uI-oK3dF7nX';
const PASSWORD = 'correct horse battery staple';

describe('the log file', () => {
  it('is written at once, one line per call, with level and time', () => {
    const dir = logDir();
    const log = createLogger({ dir });
    expect(log.file).toBe(join(dir, 'main.log'));
    log.info('sync finished', { received: 12, deviceId: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    log.error('sync failed', new Error('connect ECONNREFUSED 127.0.0.1:8765'));
    const text = readFileSync(log.file, 'utf8');
    expect(text).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] \[info\] {2}sync finished/m);
    // Identifiers stay readable; only secrets go.
    expect(text).toContain('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(text).toMatch(/\[error\] sync failed .*ECONNREFUSED/);
  });

  it('rotates by size into numbered archives and keeps only the newest few', () => {
    const dir = logDir();
    const log = createLogger({ dir, maxBytes: 2_000, archives: 2 });
    for (let i = 0; i < 400; i++) log.info(`line ${i} ${'x'.repeat(40)}`);
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThan(2_000 + 200);
    // The newest lines are in main.log, the ones before in main.1.log: nothing recent is lost.
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 399 ');
    const archived = readFileSync(join(dir, 'main.1.log'), 'utf8');
    const last = Number(/line (\d+) x+\s*$/.exec(archived)![1]);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain(`line ${last + 1} `);
    expect(allLogs(dir)).not.toContain('line 0 ');
  });

  it('never contains a password or a token, however they are passed', () => {
    const dir = logDir();
    const log = createLogger({ dir });
    log.info('login', { serverUrl: 'https://gobs.example/api', username: 'ann', password: PASSWORD });
    log.info('restored', {
      auth: { token: TOKEN, sessionPersisted: true },
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    log.warn(`GET /user/login?username=ann&password=${encodeURIComponent(PASSWORD)}&x=1`);
    log.warn(`request failed: Authorization: Bearer ${TOKEN}`);
    log.warn(`cookie header Cookie: gobs_session=${TOKEN}; theme=dark`);
    log.warn(`body {"username":"ann","password":"${PASSWORD}"}`);
    log.warn(`proxy https://ann:${encodeURIComponent(PASSWORD)}@proxy.example:3128`);
    log.warn(`an unknown field holding it: ${TOKEN}`);
    const err = Object.assign(new Error(`401 for token=${TOKEN}`), {
      config: { headers: { 'X-Gobs-Sync-Token': TOKEN } },
    });
    log.error('sync failed', err);
    const text = allLogs(dir);
    for (const secret of [TOKEN, PASSWORD, encodeURIComponent(PASSWORD), 'horse battery'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
    // What is not secret is still there to read.
    expect(text).toContain('https://gobs.example/api');
    expect(text).toContain('username=ann');
    expect(text).toContain('sessionPersisted');
    expect(text).toContain('401 for token=[redacted]');
  });

  it('takes console.error of main, redacted, and gives console back', () => {
    const dir = logDir();
    const log = createLogger({ dir });
    const printed: unknown[][] = [];
    const fake = { error: (...a: unknown[]) => void printed.push(a), warn: () => {}, info: () => {}, log: () => {} };
    const restore = captureConsole(log, fake);
    fake.error('Handler auth.login failed', { password: PASSWORD });
    restore();
    fake.error('after restore');
    const text = readFileSync(log.file, 'utf8');
    expect(text).toContain('Handler auth.login failed');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('after restore');
    expect(JSON.stringify(printed)).not.toContain(PASSWORD);
  });

  it('redacts text by pattern without eating ordinary words', () => {
    expect(redactText('password reset is not supported')).toBe('password reset is not supported');
    expect(redactText('token=abc&page=2')).toBe('token=[redacted]&page=2');
    expect(redactText('apiKey: "s3cr3t"')).toBe('apiKey: "[redacted]"');
  });
});
