/**
 * A windowed data grid: fixed row height, only the rows in view (plus a small overscan) exist in
 * the DOM, so 100,000 rows scroll like 100. Keyboard: arrows, Page Up/Down, Home/End move the
 * active row (announced through aria-activedescendant), Enter opens it. Headers sort.
 */
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

export interface Column<R> {
  key: string;
  label: string;
  /** CSS grid track, e.g. '180px' or 'minmax(120px, 1fr)'. */
  width: string;
  align?: 'start' | 'end' | 'center';
  sortable?: boolean;
  render(row: R): ReactNode;
}

export type SortDirection = 'asc' | 'desc';
export interface Sort {
  column: string;
  direction: SortDirection;
}

interface Props<R> {
  label: string;
  columns: Column<R>[];
  total: number;
  rowAt(index: number): R | undefined;
  rowKey(row: R): string;
  onVisibleRange(first: number, last: number): void;
  sort: Sort;
  onSort(sort: Sort): void;
  onActivate(row: R): void;
  rowClassName?(row: R): string;
  sortLabel(column: string, direction: SortDirection | null): string;
  /** Where to start (coming back to the view); reported back as the user scrolls. */
  initialScrollTop?: number;
  onScrollTop?(top: number): void;
  /** A new sort or filter: back to the top. */
  resetKey?: string;
  loadingLabel: string;
  emptyLabel: string;
}

const ROW_HEIGHT = 32;
const OVERSCAN = 8;

export function VirtualTable<R>(props: Props<R>) {
  const { columns, total, rowAt, rowKey, onVisibleRange, sort, onSort, onActivate } = props;
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const head = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(props.initialScrollTop ?? 0);
  const [height, setHeight] = useState(400);
  const [active, setActive] = useState(0);
  const template = columns.map((c) => c.width).join(' ');

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    onVisibleRange(first, Math.max(first, last));
  }, [first, last, onVisibleRange]);

  useEffect(() => {
    if (active > total - 1) setActive(Math.max(0, total - 1));
  }, [active, total]);

  // The saved position can only be restored once the rows (and so the scroll height) are known.
  const restore = useRef(props.initialScrollTop ?? 0);
  useEffect(() => {
    const el = scroller.current;
    if (!el || restore.current === 0 || total === 0) return;
    el.scrollTop = restore.current;
    restore.current = 0;
  }, [total]);

  const firstKey = useRef(props.resetKey);
  useEffect(() => {
    if (props.resetKey === firstKey.current) return;
    firstKey.current = props.resetKey;
    if (scroller.current) scroller.current.scrollTop = 0;
    setActive(0);
  }, [props.resetKey]);

  const scrollIntoView = useCallback((index: number) => {
    const el = scroller.current;
    if (!el) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, []);

  function onKeyDown(e: KeyboardEvent) {
    if (total === 0) return;
    const pageRows = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    let next = active;
    switch (e.key) {
      case 'ArrowDown':
        next = active + 1;
        break;
      case 'ArrowUp':
        next = active - 1;
        break;
      case 'PageDown':
        next = active + pageRows;
        break;
      case 'PageUp':
        next = active - pageRows;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      case 'Enter': {
        const row = rowAt(active);
        if (row) onActivate(row);
        e.preventDefault();
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    next = Math.min(total - 1, Math.max(0, next));
    setActive(next);
    scrollIntoView(next);
  }

  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    const row = rowAt(i);
    rows.push(
      <div
        key={row ? rowKey(row) : `placeholder-${i}`}
        id={`${id}-row-${i}`}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={i === active}
        className={`vt-row${i === active ? ' is-active' : ''}${i % 2 ? ' is-odd' : ''}${row && props.rowClassName ? ` ${props.rowClassName(row)}` : ''}`}
        ref={(el) => {
          if (el) el.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
        }}
        onClick={() => setActive(i)}
        onDoubleClick={() => row && onActivate(row)}
      >
        {row ? (
          columns.map((c) => (
            <div key={c.key} role="gridcell" className={`vt-cell align-${c.align ?? 'start'}`}>
              {c.render(row)}
            </div>
          ))
        ) : (
          <div role="gridcell" className="vt-cell vt-placeholder">
            {props.loadingLabel}
          </div>
        )}
      </div>,
    );
  }

  return (
    <div
      className="vt"
      role="grid"
      aria-label={props.label}
      aria-rowcount={total + 1}
      aria-colcount={columns.length}
      tabIndex={0}
      aria-activedescendant={total > 0 ? `${id}-row-${active}` : undefined}
      onKeyDown={onKeyDown}
      ref={(el) => {
        if (el) el.style.setProperty('--vt-columns', template);
      }}
    >
      <div role="rowgroup" className="vt-head" ref={head}>
        <div role="row" aria-rowindex={1} className="vt-row vt-header-row">
          {columns.map((c) => {
            const dir = sort.column === c.key ? sort.direction : null;
            return (
              <div
                key={c.key}
                role="columnheader"
                aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                className={`vt-cell align-${c.align ?? 'start'}`}
              >
                {c.sortable === false ? (
                  c.label
                ) : (
                  <button
                    type="button"
                    className="vt-sort"
                    aria-label={props.sortLabel(c.label, dir)}
                    onClick={() => onSort({ column: c.key, direction: dir === 'asc' ? 'desc' : 'asc' })}
                  >
                    <span>{c.label}</span>
                    <span className="vt-sort-icon" aria-hidden="true">
                      {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : '↕'}
                    </span>
                  </button>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scroller}
        className="vt-body"
        role="rowgroup"
        onScroll={(e) => {
          setScrollTop(e.currentTarget.scrollTop);
          props.onScrollTop?.(e.currentTarget.scrollTop);
          // The header scrolls sideways with the rows on narrow windows.
          if (head.current) head.current.scrollLeft = e.currentTarget.scrollLeft;
        }}
      >
        <div
          className="vt-spacer"
          ref={(el) => {
            if (el) el.style.height = `${total * ROW_HEIGHT}px`;
          }}
        >
          {rows}
        </div>
        {total === 0 && <div className="vt-empty">{props.emptyLabel}</div>}
      </div>
    </div>
  );
}
