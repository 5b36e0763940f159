import type { Locator } from 'playwright-core';

/** Waits for the element the user would see; fails with Playwright's own message after 15 s. */
export async function expectVisible(locator: Locator, timeout = 15_000): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

export async function expectHidden(locator: Locator, timeout = 15_000): Promise<void> {
  await locator.first().waitFor({ state: 'hidden', timeout });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The accessible name of a dimension's input in the observation form: its name, then its unit if any. */
export function labelOf(d: { name: string; unit: string | null }): RegExp {
  return new RegExp(`^${escape(d.name)}${d.unit ? ` \\(${escape(d.unit)}\\)` : ''}$`);
}
