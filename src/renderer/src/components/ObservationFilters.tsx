import { useEffect, useState } from 'react';
import { strings } from '../i18n/strings';
import { Field } from './Field';
import { isTimeBound } from '../lib/timeBound';
import { SYNC_STATES, type SyncState } from '../../../shared/constants';
import type { ObservationFilter } from '../../../shared/ipc';


/** Time range, state and free text. Text is applied after a short pause in typing. */
export function ObservationFilters({ onChange }: { onChange(filter: ObservationFilter): void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [state, setState] = useState<SyncState | ''>('');
  const [text, setText] = useState('');
  const [debounced, setDebounced] = useState('');

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const fromOk = from.trim() === '' || isTimeBound(from);
  const toOk = to.trim() === '' || isTimeBound(to);

  useEffect(() => {
    if (!fromOk || !toOk) return;
    onChange({
      ...(from.trim() ? { from: from.trim() } : {}),
      ...(to.trim() ? { to: to.trim() } : {}),
      ...(state ? { states: [state] } : {}),
      ...(debounced ? { text: debounced } : {}),
    });
  }, [from, to, state, debounced, fromOk, toOk, onChange]);

  const any = from || to || state || text;
  return (
    <search className="filters" aria-label={strings.indicator.filters}>
      <Field label={strings.indicator.from} error={fromOk ? undefined : strings.indicator.timeHint}>
        {({ id, describedBy, invalid }) => (
          <input id={id} value={from} placeholder={strings.indicator.fromPlaceholder} onChange={(e) => setFrom(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid} size={14} />
        )}
      </Field>
      <Field label={strings.indicator.to} error={toOk ? undefined : strings.indicator.timeHint}>
        {({ id, describedBy, invalid }) => (
          <input id={id} value={to} placeholder={strings.indicator.toPlaceholder} onChange={(e) => setTo(e.target.value)} aria-describedby={describedBy} aria-invalid={invalid} size={14} />
        )}
      </Field>
      <Field label={strings.indicator.state}>
        {({ id }) => (
          <select id={id} value={state} onChange={(e) => setState(e.target.value as SyncState | '')}>
            <option value="">{strings.indicator.anyState}</option>
            {SYNC_STATES.map((s) => (
              <option key={s} value={s}>
                {strings.states[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={strings.indicator.search}>
        {({ id }) => (
          <input id={id} type="search" value={text} placeholder={strings.indicator.searchPlaceholder} onChange={(e) => setText(e.target.value)} />
        )}
      </Field>
      <button
        type="button"
        className="btn btn-link filters-clear"
        disabled={!any}
        onClick={() => {
          setFrom('');
          setTo('');
          setState('');
          setText('');
        }}
      >
        {strings.indicator.clearFilters}
      </button>
    </search>
  );
}
