import { useEffect, useState } from 'react';
import { t } from '../i18n';
import { Field } from './Field';
import { isTimeBound } from '../lib/timeBound';
import { SYNC_STATES, type SyncState } from '../../../shared/constants';
import type { ObservationFilter } from '../../../shared/ipc';

export interface FilterInputs {
  from: string;
  to: string;
  state: SyncState | '';
  text: string;
}
export const NO_FILTER: FilterInputs = { from: '', to: '', state: '', text: '' };

export function toFilter(f: FilterInputs): ObservationFilter {
  const text = f.text.trim();
  return {
    ...(f.from.trim() ? { from: f.from.trim() } : {}),
    ...(f.to.trim() ? { to: f.to.trim() } : {}),
    ...(f.state ? { states: [f.state] } : {}),
    ...(text ? { text } : {}),
  };
}

interface Props {
  initial: FilterInputs;
  /** Called with valid inputs only (text after a short pause in typing). */
  onChange(inputs: FilterInputs): void;
}

/** Time range, state and free text. */
export function ObservationFilters({ initial, onChange }: Props) {
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [state, setState] = useState<SyncState | ''>(initial.state);
  const [text, setText] = useState(initial.text);
  const [debounced, setDebounced] = useState(initial.text);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);

  const fromOk = from.trim() === '' || isTimeBound(from);
  const toOk = to.trim() === '' || isTimeBound(to);

  useEffect(() => {
    if (!fromOk || !toOk) return;
    onChange({ from, to, state, text: debounced });
  }, [from, to, state, debounced, fromOk, toOk, onChange]);

  const any = from || to || state || text;
  return (
    <search className="filters" aria-label={t('indicator.filters')}>
      <Field label={t('indicator.from')} error={fromOk ? undefined : t('indicator.timeHint')}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            value={from}
            placeholder={t('indicator.fromPlaceholder')}
            onChange={(e) => setFrom(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            size={14}
          />
        )}
      </Field>
      <Field label={t('indicator.to')} error={toOk ? undefined : t('indicator.timeHint')}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            value={to}
            placeholder={t('indicator.toPlaceholder')}
            onChange={(e) => setTo(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            size={14}
          />
        )}
      </Field>
      <Field label={t('indicator.state')}>
        {({ id }) => (
          <select id={id} value={state} onChange={(e) => setState(e.target.value as SyncState | '')}>
            <option value="">{t('indicator.anyState')}</option>
            {SYNC_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`states.${s}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('indicator.search')}>
        {({ id }) => (
          <input
            id={id}
            type="search"
            value={text}
            placeholder={t('indicator.searchPlaceholder')}
            onChange={(e) => setText(e.target.value)}
          />
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
        {t('indicator.clearFilters')}
      </button>
    </search>
  );
}
