/** The date stamped into every PDF: from SOURCE_DATE_EPOCH when set, else a fixed one, for reproducible bytes. */
export const FIXED_DATE = new Date("2020-01-01T00:00:00Z");

export function dateFromEnvironment(value: string | undefined): Date {
  if (!value || !/^\d+$/.test(value)) return FIXED_DATE;
  return new Date(Number(value) * 1000);
}
