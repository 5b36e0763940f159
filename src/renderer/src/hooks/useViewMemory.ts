/**
 * What the user had set up on a view (sort, filters, scroll position), kept for the session so
 * opening an observation and coming back lands exactly where they were.
 */
const memory = new Map<string, unknown>();

export function recall<T>(key: string, fallback: T): T {
  return memory.has(key) ? (memory.get(key) as T) : fallback;
}

export function remember<T>(key: string, value: T): void {
  memory.set(key, value);
}
