interface Props {
  label: string;
  done: number;
  total: number | null;
  valueText: string;
}

/** A real progressbar: determinate when the total is known, indeterminate otherwise. */
export function ProgressBar({ label, done, total, valueText }: Props) {
  const determinate = total !== null && total > 0;
  const pct = determinate ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div
      className={`progress${determinate ? '' : ' is-indeterminate'}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={determinate ? total : undefined}
      aria-valuenow={determinate ? done : undefined}
      aria-valuetext={valueText}
    >
      <div
        className="progress-fill"
        ref={(el) => {
          if (el) el.style.width = determinate ? `${pct}%` : '';
        }}
      />
    </div>
  );
}
