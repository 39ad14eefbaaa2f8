/**
 * The file access the tools use: the CLI implements it on disk (node-files.ts), the editor with WorkspaceEdit.
 * Paths are canonical absolute paths that checkPath (paths.ts) approved. Every method rejects with an Error whose
 * message a person or a model can act on ("… is a directory", "… is 12 MB, more than the 10 MB limit").
 */
export interface FileOps {
  /** The file's bytes. Refuses anything but a regular file (directories, FIFOs, devices, sockets, links) before
   *  reading, and files over `maxBytes` (default 10 MB), reading at most that many bytes. */
  readFile(abs: string, opts?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Replaces or creates the file. Refuses when the path turned into a link or another file since it was checked;
   *  creates missing parent folders only inside the workspace. */
  writeFile(abs: string, data: Uint8Array): Promise<void>;
  /** What is at `abs` (a link counts as 'other', it is not followed), or undefined when nothing is. */
  stat(abs: string): Promise<{ type: 'file' | 'dir' | 'other'; size: number; mtimeMs: number } | undefined>;
}

/** Default read limit of FileOps.readFile. */
export const DEFAULT_MAX_READ_BYTES = 10 * 1024 * 1024;
