/**
 * Windowed access to a large, server-sorted list (observations): rows are fetched a page at a
 * time as the viewport needs them and far-away pages are dropped, so memory and DOM stay small
 * whatever the row count. Pages after a loaded page are fetched by keyset cursor (cheap in
 * SQLite); a jump to an unloaded region (scrollbar drag) falls back to an offset.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { toGobsError } from '../lib/errors';
import type { GobsError } from '../../../shared/errors';

export interface PageRequest<C> {
  limit: number;
  after?: C;
  offset?: number;
}
export interface PageResult<R, C> {
  rows: R[];
  nextCursor: C | null;
}

export const PAGE_SIZE = 200;
const KEEP_PAGES = 12;

export interface PagedRows<R> {
  total: number | undefined;
  rowAt(index: number): R | undefined;
  /** Tell the loader which rows are on screen. */
  setVisibleRange(first: number, last: number): void;
  error: GobsError | undefined;
  loading: boolean;
  /** Re-run from the first page (after an edit, a sync, …) keeping nothing stale. */
  reload(): void;
}

export function usePagedRows<R, C>(
  fetchPage: (req: PageRequest<C>) => Promise<PageResult<R, C>>,
  fetchTotal: () => Promise<number>,
  queryKey: string,
): PagedRows<R> {
  const [total, setTotal] = useState<number>();
  const [error, setError] = useState<GobsError>();
  const [, setVersion] = useState(0);
  const [generation, setGeneration] = useState(0);
  const pages = useRef(new Map<number, { rows: R[]; next: C | null }>());
  // After reload(), the previous rows stay on screen until their fresh page arrives (no flicker).
  const stale = useRef(new Map<number, { rows: R[]; next: C | null }>());
  const lastKey = useRef<string | undefined>(undefined);
  const inFlight = useRef(new Set<number>());
  const range = useRef({ first: 0, last: 40 });
  const gen = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const totalRef = useRef(fetchTotal);
  totalRef.current = fetchTotal;

  const loadPage = useCallback((page: number) => {
    if (pages.current.has(page) || inFlight.current.has(page)) return;
    inFlight.current.add(page);
    const myGen = gen.current;
    const prev = pages.current.get(page - 1);
    const req: PageRequest<C> =
      page === 0
        ? { limit: PAGE_SIZE }
        : prev?.next != null
          ? { limit: PAGE_SIZE, after: prev.next }
          : { limit: PAGE_SIZE, offset: page * PAGE_SIZE };
    fetchRef.current(req).then(
      (res) => {
        if (myGen !== gen.current) return;
        inFlight.current.delete(page);
        pages.current.set(page, { rows: res.rows, next: res.nextCursor });
        stale.current.delete(page);
        // Evict the pages farthest from the viewport.
        if (pages.current.size > KEEP_PAGES) {
          const center = Math.floor(range.current.first / PAGE_SIZE);
          const far = [...pages.current.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
          for (const p of far.slice(0, pages.current.size - KEEP_PAGES)) pages.current.delete(p);
        }
        setError(undefined);
        setVersion((v) => v + 1);
        // The next page may be on screen too: chain it by cursor.
        const needLast = Math.floor(range.current.last / PAGE_SIZE);
        if (page < needLast && res.nextCursor != null) loadPage(page + 1);
      },
      (err: unknown) => {
        if (myGen !== gen.current) return;
        inFlight.current.delete(page);
        setError(toGobsError(err));
      },
    );
  }, []);

  const ensureRange = useCallback(() => {
    const { first, last } = range.current;
    const firstPage = Math.floor(first / PAGE_SIZE);
    const lastPage = Math.floor(last / PAGE_SIZE);
    for (let p = firstPage; p <= lastPage; p++) {
      // Prefer the cursor chain: only start a page by offset if the previous one is neither loaded nor coming.
      if (p > firstPage && (inFlight.current.has(p - 1) || !pages.current.has(p - 1))) continue;
      loadPage(p);
    }
  }, [loadPage]);

  useEffect(() => {
    gen.current += 1;
    const sameQuery = lastKey.current === queryKey;
    lastKey.current = queryKey;
    stale.current = sameQuery ? new Map([...stale.current, ...pages.current]) : new Map();
    pages.current = new Map();
    inFlight.current = new Set();
    if (!sameQuery) setTotal(undefined);
    setError(undefined);
    setVersion((v) => v + 1);
    const myGen = gen.current;
    totalRef.current().then(
      (n) => myGen === gen.current && setTotal(n),
      (err: unknown) => myGen === gen.current && setError(toGobsError(err)),
    );
    ensureRange();
  }, [queryKey, generation, ensureRange]);

  const setVisibleRange = useCallback(
    (first: number, last: number) => {
      range.current = { first, last };
      ensureRange();
    },
    [ensureRange],
  );

  const rowAt = (index: number): R | undefined => {
    const page = Math.floor(index / PAGE_SIZE);
    return (pages.current.get(page) ?? stale.current.get(page))?.rows[index % PAGE_SIZE];
  };

  return {
    total,
    rowAt,
    setVisibleRange,
    error,
    loading: total === undefined && !error,
    reload: useCallback(() => setGeneration((g) => g + 1), []),
  };
}
