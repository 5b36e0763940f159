/**
 * The catalogues: every language has exactly the English keys, each message parses as ICU, and
 * each translation has the same placeholders (names and kinds) as the English one. French
 * typography and CLDR plurals are checked through the real formatter.
 */
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { activate, catalogues, t } from '../../../src/renderer/src/i18n';
import { problemText } from '../../../src/renderer/src/lib/errors';
import { en } from '../../../src/renderer/src/i18n/en';
import { fr } from '../../../src/renderer/src/i18n/fr';

type Catalogue = Record<string, string>;

/** name → kind of every placeholder of a message, nested ones included. */
function placeholders(message: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      switch (el.type) {
        case TYPE.argument:
          found.set(el.value, 'text');
          break;
        case TYPE.number:
          found.set(el.value, 'number');
          break;
        case TYPE.date:
        case TYPE.time:
          found.set(el.value, 'date');
          break;
        case TYPE.plural:
          // `{n, number}` in one language may be `{n, plural, …}` in another: both take a number.
          found.set(el.value, 'number');
          for (const option of Object.values(el.options)) walk(option.value);
          break;
        case TYPE.select:
          found.set(el.value, `select(${Object.keys(el.options).sort().join(',')})`);
          for (const option of Object.values(el.options)) walk(option.value);
          break;
        case TYPE.tag:
          found.set(el.value, 'tag');
          walk(el.children);
          break;
        default:
          break;
      }
    }
  };
  walk(parse(message));
  return found;
}

/** Every way `translation` fails to match `reference`, as readable lines (empty when it matches). */
function compare(reference: Catalogue, translation: Catalogue): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(reference)) if (!(key in translation)) problems.push(`missing: ${key}`);
  for (const key of Object.keys(translation)) if (!(key in reference)) problems.push(`extra: ${key}`);
  for (const [key, message] of Object.entries(translation)) {
    if (!(key in reference)) continue;
    let theirs: Map<string, string>;
    try {
      theirs = placeholders(message);
    } catch (err) {
      problems.push(`does not parse: ${key}: ${(err as Error).message}`);
      continue;
    }
    const ours = placeholders(reference[key]!);
    const show = (m: Map<string, string>) => JSON.stringify([...m].sort());
    if (show(ours) !== show(theirs)) problems.push(`placeholders differ: ${key}: ${show(ours)} vs ${show(theirs)}`);
  }
  return problems;
}

afterEach(() => activate({ language: 'en', locale: 'en-GB' }));

describe('catalogues', () => {
  it('every English message parses as ICU MessageFormat', () => {
    for (const [key, message] of Object.entries(en)) expect(() => parse(message), key).not.toThrow();
  });

  for (const [language, catalogue] of Object.entries(catalogues)) {
    it(`${language} has every key of English, no other, and the same placeholders`, () => {
      expect(compare(en, catalogue)).toEqual([]);
    });
  }

  it('the check reports a missing key, an extra key and a changed placeholder', () => {
    const broken: Catalogue = { ...fr, 'nav.typo': 'x' };
    delete broken['projects.title'];
    broken['projects.open'] = 'Ouvrir {name}';
    broken['indicator.count'] = '{shown, plural, one {# observation} other {# observations}}';
    broken['indicator.sortBy'] = '{dir, select, asc {a} other {b {column}}}';
    broken['windowTitle'] = '{page — G-Obs';
    expect(compare(en, broken).map((p) => p.split(':')[0] + ':' + p.split(':')[1])).toEqual(
      expect.arrayContaining([
        'missing: projects.title',
        'extra: nav.typo',
        'placeholders differ: projects.open',
        'placeholders differ: indicator.count',
        'placeholders differ: indicator.sortBy',
        'does not parse: windowTitle',
      ]),
    );
  });

  it('French follows French typography', () => {
    for (const [key, message] of Object.entries(fr)) {
      const text = message.replace(/https?:\/\//g, '');
      // A no-break space (narrow before ; ? !) comes before the high punctuation, never a plain or no space.
      expect(text, key).not.toMatch(/[^\u00a0\u202f][:;?!]/);
      expect(text, key).not.toMatch(/«[^\u00a0\u202f]|[^\u00a0\u202f]»/);
      expect(text, key).not.toMatch(/'|\.\.\./); // typographic apostrophe and ellipsis
    }
    for (const [key, message] of Object.entries(en)) expect(message, key).not.toMatch(/\.\.\./);
  });
});

describe('messages in the active language', () => {
  it('French plurals: 0 and 1 are singular, numbers grouped the French way', () => {
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(t('indicator.count', { total: 0 })).toBe('0 observation');
    expect(t('indicator.count', { total: 1 })).toBe('1 observation');
    expect(t('indicator.count', { total: 2 })).toBe('2 observations');
    expect(t('indicator.count', { total: 1_234_567 })).toBe('1\u202f234\u202f567 observations');
    expect(t('status.waiting', { count: 0 })).toBe('0 modification en attente');
    expect(t('sync.result', { sent: 1, received: 2500, deleted: 0 })).toBe('1 envoyée · 2\u202f500 reçues');
    expect(t('indicator.sortBy', { column: 'Date', dir: 'asc' })).toBe(
      'Date, tri croissant. Trier par ordre décroissant',
    );
  });

  it('English plurals: only 1 is singular', () => {
    activate({ language: 'en', locale: 'en-GB' });
    expect(t('indicator.count', { total: 0 })).toBe('0 observations');
    expect(t('indicator.count', { total: 1 })).toBe('1 observation');
    expect(t('indicator.countFiltered', { shown: 1, total: 12_000 })).toBe('1 of 12,000 observations');
    expect(t('sync.result', { sent: 1, received: 2, deleted: 3 })).toBe('1 sent · 2 received · 3 deleted');
  });

  it('says what a sync could not do in the active language, quoting the server as it answered', () => {
    const uuid = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
    const refused = { kind: 'refused', action: 'update', uuid, count: 1, reason: 'value too high' } as const;
    const batch = { kind: 'refused', action: 'create', uuid: null, count: 3, reason: 'not your project' } as const;
    const missing = {
      kind: 'download',
      what: 'document',
      name: 'Protocol.pdf',
      error: { code: 'not_found', message: 'https://docs.example cannot be reached; tried again at the next sync.' },
    } as const;
    const full = { ...missing, error: { code: 'disk_full', message: 'The disk is full.' } } as const;
    expect(problemText(refused)).toBe(`Change to observation ${uuid} refused by the server: value too high`);
    expect(problemText(batch)).toBe('3 observations refused by the server: not your project');
    expect(problemText(missing)).toBe(
      'Document “Protocol.pdf” could not be downloaded: it is missing on the server, or its site cannot be reached; it is tried again at the next sync.',
    );
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(problemText(refused)).toBe(
      `Modification de l’observation ${uuid} refusée par le serveur\u00a0: «\u00a0value too high\u00a0»`,
    );
    expect(problemText(batch)).toBe('3 observations refusées par le serveur\u00a0: «\u00a0not your project\u00a0»');
    expect(problemText(full)).toBe(
      `Le document «\u00a0Protocol.pdf\u00a0» n’a pas pu être téléchargé\u00a0: ${fr['errors.disk_full']}`,
    );
  });
});
