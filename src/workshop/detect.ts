/** Telling a workshop file from a scenario file without parsing it (light: the up-to-date check uses it). */

/** True when the text is a workshop rather than a scenario: it lists interactives. */
export function isWorkshopSource(source: string): boolean {
  return /^interactives\s*:/m.test(source);
}
