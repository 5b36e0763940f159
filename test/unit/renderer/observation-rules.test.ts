/**
 * The case table against the renderer's form check (src/renderer/src/lib/validate.ts), fed the
 * text a person would type, in English and in French; cases the form cannot express or reads
 * otherwise say why, and the form's own reading is tested below.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { activate, t } from '../../../src/renderer/src/i18n';
import { validateForm, type FormState } from '../../../src/renderer/src/lib/validate';
import { expectAccepted, expectedFields } from '../shared/rules-assert';
import { formStateOf, RULE_CASES, RULE_DIMENSIONS } from '../shared/rules-cases';

const formCases = RULE_CASES.filter((c) => !c.notForForm);
const LOCALES = [
  { language: 'en', locale: 'en-GB' },
  { language: 'fr', locale: 'fr-FR' },
] as const;

afterEach(() => activate({ language: 'en', locale: 'en-GB' }));

describe.each(LOCALES)('the observation form runs the shared rule ($locale)', (locale) => {
  it('leaves out only cases a form cannot express or reads otherwise, each with its reason', () => {
    const left = RULE_CASES.filter((c) => c.notForForm);
    expect(left.length).toBeLessThan(RULE_CASES.length / 4);
    for (const c of left) expect(c.notForForm!.length, c.name).toBeGreaterThan(10);
  });

  it.each(formCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    activate(locale);
    const r = validateForm(formStateOf(c), RULE_DIMENSIONS, c.format ?? 'hour');
    if ('fields' in c.expect) {
      expect(Object.keys(r.errors).sort()).toEqual([...expectedFields(c)].sort());
      for (const message of Object.values(r.errors)) expect(message).toMatch(/\.$/);
      expect(r.parsed).toBeUndefined();
      return;
    }
    expect(r.errors).toEqual({});
    expectAccepted(c, 'desktop', r.normalised!);
    // What goes to main: the normalised time and values; coordinates or the WKT, as the user gave them.
    expect(r.parsed).toEqual({
      timestamp: r.normalised!.timestamp,
      values: r.normalised!.values,
      ...(c.input.wkt === undefined
        ? { x: r.normalised!.x, y: r.normalised!.y, wkt: null }
        : { wkt: r.normalised!.wkt }),
    });
  });
});

describe('the form’s own reading and wording', () => {
  const form = (over: Partial<FormState>): FormState => ({
    timestamp: '2024-05-17T14:00',
    values: { rain: '1', gauge: '2', checked: 'true', note: '' },
    mode: 'point',
    lon: '3.25',
    lat: '43.5',
    wkt: '',
    ...over,
  });

  it('reads numbers as French people type them', () => {
    activate({ language: 'fr', locale: 'fr-FR' });
    const r = validateForm(
      form({ values: { rain: '1 234,5', gauge: '−2', checked: 'false', note: 'n' }, lon: '3,25', lat: ' -43,5 ' }),
      RULE_DIMENSIONS,
      'hour',
    );
    expect(r.parsed).toEqual({
      timestamp: '2024-05-17 14:00:00',
      values: { rain: 1234.5, gauge: -2, checked: false, note: 'n' },
      x: 3.25,
      y: -43.5,
      wkt: null,
    });
    const gauge = (text: string) =>
      validateForm(form({ values: { rain: '1', gauge: text, checked: 'true', note: '' } }), RULE_DIMENSIONS, 'hour')
        .errors['values.gauge'];
    expect(gauge('2,0')).toBe(t('observation.errors.integer'));
    expect(gauge('0x10')).toBe(t('observation.errors.integer'));
    expect(gauge('9 007 199 254 740 993')).toBe(t('observation.errors.integer'));
  });

  it('reads a time without its minutes or seconds as :00, and the locale’s own date order', () => {
    expect(validateForm(form({ timestamp: '2024-07-15 10' }), RULE_DIMENSIONS, 'second').parsed?.timestamp).toBe(
      '2024-07-15 10:00:00',
    );
    activate({ language: 'en', locale: 'en-GB' });
    expect(validateForm(form({ timestamp: '01/05/2024 10:00' }), RULE_DIMENSIONS, 'hour').parsed?.timestamp).toBe(
      '2024-05-01 10:00:00',
    );
    // The shared rule still decides what a date is: 30 February is no more a date typed the French way.
    activate({ language: 'fr', locale: 'fr-FR' });
    expect(validateForm(form({ timestamp: '30/02/2024 10:00' }), RULE_DIMENSIONS, 'hour').errors).toEqual({
      timestamp: t('observation.errors.timestamp'),
    });
  });

  it('words each problem for people, in the form’s order', () => {
    const r = validateForm(
      form({ timestamp: '', values: { rain: 'wet', gauge: '', checked: '', note: 'x' }, lon: 'east', lat: '91' }),
      RULE_DIMENSIONS,
      'hour',
    );
    expect(r.errors).toEqual({
      timestamp: t('observation.errors.required'),
      'values.rain': t('observation.errors.real'),
      'values.gauge': t('observation.errors.required'),
      'values.checked': t('observation.errors.required'),
      x: t('observation.errors.longitude'),
      y: t('observation.errors.latitude'),
    });
    expect(Object.keys(r.errors)).toEqual(['timestamp', 'values.rain', 'values.gauge', 'values.checked', 'x', 'y']);
    const wkt = (text: string) => validateForm(form({ mode: 'wkt', wkt: text }), RULE_DIMENSIONS, 'hour').errors['wkt'];
    expect(wkt('')).toBe(t('observation.errors.required'));
    expect(wkt('CIRCLE(3 43, 2)')).toBe(t('observation.errors.wkt'));
    expect(wkt('POINT(300 43.4)')).toBe(t('observation.errors.wktRange'));
    expect(wkt('GEOMETRYCOLLECTION(POINT(1 2))')).toBe(t('observation.errors.wktCollection'));
    expect(wkt('POINT Z (1 2 3)')).toBe(t('observation.errors.wkt2d'));
    expect(wkt('POLYGON((0 0, 1 0, 1 1, 0 0.5))')).toBe(t('observation.errors.wktRingOpen'));
    expect(wkt('LINESTRING(0 0)')).toBe(t('observation.errors.wktTooFewPoints'));
    expect(wkt('POINT EMPTY')).toBe(t('observation.errors.wktEmpty'));
    expect(wkt(`POINT(${'1'.repeat(100_000)} 2)`)).toBe(t('observation.errors.wktTooLong'));
  });
});
