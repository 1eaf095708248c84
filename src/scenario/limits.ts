/** Limits that keep a hostile or mistaken file from hanging or exhausting the machine. Light: no parsing here. */
export const LIMITS = { bytes: 256 * 1024, aliases: 50, depth: 24 } as const;

/** What a file over the size limit is told (by the reader, which stops reading there, and by the parser). */
export const TOO_LARGE = `file is larger than ${LIMITS.bytes / 1024} KiB; a scenario is a few pages of text`;
