/**
 * The case table against the renderer's form check (src/renderer/src/lib/validate.ts), fed the
 * text a person would type; cases the form cannot express say why and are listed.
 */
import { describe, expect, it } from 'vitest';
import { strings } from '../../../src/renderer/src/i18n/strings';
import { validateForm, type FormState } from '../../../src/renderer/src/lib/validate';
import { expectAccepted, expectedFields } from '../shared/rules-assert';
import { formStateOf, RULE_CASES, RULE_DIMENSIONS } from '../shared/rules-cases';

const formCases = RULE_CASES.filter((c) => !c.formCannotSay);

describe('the observation form runs the shared rule', () => {
  it('leaves out only cases a form cannot express, each with its reason', () => {
    const left = RULE_CASES.filter((c) => c.formCannotSay);
    expect(left.length).toBeLessThan(RULE_CASES.length / 4);
    for (const c of left) expect(c.formCannotSay!.length, c.name).toBeGreaterThan(10);
  });

  it.each(formCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
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

  it('reads a decimal comma in numbers and coordinates', () => {
    const r = validateForm(
      form({ values: { rain: '12,5', gauge: '2', checked: 'false', note: 'n' }, lon: '3,25', lat: ' -43,5 ' }),
      RULE_DIMENSIONS,
      'hour',
    );
    expect(r.parsed).toEqual({
      timestamp: '2024-05-17 14:00:00',
      values: { rain: 12.5, gauge: 2, checked: false, note: 'n' },
      x: 3.25,
      y: -43.5,
      wkt: null,
    });
    expect(
      validateForm(
        form({ values: { rain: '1,234.5', gauge: '2', checked: 'true', note: '' } }),
        RULE_DIMENSIONS,
        'hour',
      ).errors,
    ).toEqual({
      'values.rain': strings.observation.errors.real,
    });
    expect(
      validateForm(form({ values: { rain: '1', gauge: '2,0', checked: 'true', note: '' } }), RULE_DIMENSIONS, 'hour')
        .errors,
    ).toEqual({
      'values.gauge': strings.observation.errors.integer,
    });
  });

  it('words each problem for people, in the form’s order', () => {
    const errors = strings.observation.errors;
    const r = validateForm(
      form({ timestamp: '', values: { rain: 'wet', gauge: '', checked: '', note: 'x' }, lon: 'east', lat: '91' }),
      RULE_DIMENSIONS,
      'hour',
    );
    expect(r.errors).toEqual({
      timestamp: errors.required,
      'values.rain': errors.real,
      'values.gauge': errors.required,
      'values.checked': errors.required,
      x: errors.longitude,
      y: errors.latitude,
    });
    expect(Object.keys(r.errors)).toEqual(['timestamp', 'values.rain', 'values.gauge', 'values.checked', 'x', 'y']);
    const wkt = (text: string) => validateForm(form({ mode: 'wkt', wkt: text }), RULE_DIMENSIONS, 'hour').errors['wkt'];
    expect(wkt('')).toBe(errors.required);
    expect(wkt('CIRCLE(3 43, 2)')).toBe(errors.wkt);
    expect(wkt('POINT(300 43.4)')).toBe(errors.wktRange);
    expect(wkt('GEOMETRYCOLLECTION(POINT(1 2))')).toBe(errors.wktCollection);
    expect(wkt('POINT Z (1 2 3)')).toBe(errors.wkt2d);
    expect(wkt('POLYGON((0 0, 1 0, 1 1, 0 0.5))')).toBe(errors.wktRingOpen);
    expect(wkt('LINESTRING(0 0)')).toBe(errors.wktTooFewPoints);
    expect(wkt('POINT EMPTY')).toBe(errors.wktEmpty);
    expect(validateForm(form({ timestamp: '2024-02-30' }), RULE_DIMENSIONS, 'day').errors).toEqual({
      timestamp: errors.timestamp,
    });
  });
});
