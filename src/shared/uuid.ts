/**
 * The form of every id the design calls a UUID (observations, devices, write ids): any
 * 8-4-4-4-12 hexadecimal string. The founding design's own examples are not RFC 4122 UUIDs
 * (e715352e-edb0-553e-2c69-09b6dc768ea7 has no valid variant), so the version and variant digits
 * are not checked. Ids are compared in lower case, the form PostgreSQL's uuid type prints.
 */
export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The phrase that follows the field's name when a value is not a UUID. */
export const UUID_PROBLEM = 'must be a UUID (8-4-4-4-12 hexadecimal digits)';

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/** The id in lower case, or null when it is not in the 8-4-4-4-12 hexadecimal form. */
export function normaliseUuid(value: unknown): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}
