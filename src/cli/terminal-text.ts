/**
 * Text printed to a terminal carries no control sequences: C0/C1 control characters other than newline and tab are
 * removed (escape sequences could clear the screen, write the clipboard or hide links).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function safeText(s: string): string {
  return s.replace(CONTROL, '');
}
