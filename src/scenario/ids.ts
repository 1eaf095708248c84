/** A scenario or role id: also a folder name, so nothing in it can lead outside the output folder. */
export const ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
