/** File-system failures in plain words: they are the user's to fix (exit 2), not replikit's bugs. */

const WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  ENOENT: "no such file or folder",
  EEXIST: "it exists already",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  EBUSY: "it is in use",
  ENOTEMPTY: "the folder is not empty",
  EXDEV: "it is on another file system",
};

/** The plain words for a file-system error, with the path it concerns; undefined for anything else. */
export function plainFsError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== "string" || typeof e.syscall !== "string") return undefined;
  const words =
    e.code === "EEXIST" && e.syscall === "mkdir"
      ? "it is a file, not a folder"
      : (WORDS[e.code] ?? `the system said ${e.code}`);
  return e.path ? `${e.path}: ${words}` : words;
}
