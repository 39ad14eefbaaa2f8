/** File access the tools use; the CLI implements it on disk (node-files.ts), the editor through WorkspaceEdit. */
export interface FileOps {
  /** The bytes of a regular file; refuses links made after the check, FIFOs, devices and files over the size cap. */
  readFile(abs: string, opts?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Replaces or creates a regular file; never writes through a symbolic link. */
  writeFile(abs: string, data: Uint8Array): Promise<void>;
  /** Undefined when nothing is there. */
  stat(abs: string): Promise<{ type: 'file' | 'dir' | 'other'; size: number; mtimeMs: number } | undefined>;
}
