/**
 * Removes the credentials Tack sent from text a server wrote. Proxies and gateways echo keys back ("Incorrect API
 * key provided: Bearer sk-…", "sk-proj-****…3XkA"); such text becomes error messages, retry events, stderr lines and
 * TACK_DEBUG excerpts, so it passes through here first (errors.ts applies it to every message and detail).
 *
 * What counts as the key: the whole key, and any run of at least PREFIX characters it starts with — together with
 * the mask that servers print after such a prefix (`…`, `***`, `...`) and the key's own tail after that mask.
 */

/** Keys shorter than this are not redacted at all: they would match ordinary words. */
const MIN_SECRET = 6;
/** How many leading characters of a key make it recognisable. */
const PREFIX = 8;
const REDACTED = '[redacted]';
const MASK = /^[*…•.xX]+/;

function redactOne(text: string, secret: string): string {
  let out = text.split(secret).join(REDACTED);
  if (secret.length < PREFIX) return out;
  const head = secret.slice(0, PREFIX);
  let from = 0;
  for (;;) {
    const at = out.indexOf(head, from);
    if (at < 0) return out;
    let end = at + PREFIX;
    while (end < out.length && end - at < secret.length && out[end] === secret[end - at]) end++;
    const mask = MASK.exec(out.slice(end, end + 512));
    if (mask) {
      end += mask[0].length;
      const tail = /^[A-Za-z0-9_-]{1,12}/.exec(out.slice(end))?.[0];
      if (tail && secret.endsWith(tail)) end += tail.length;
    }
    out = out.slice(0, at) + REDACTED + out.slice(end);
    from = at + REDACTED.length;
  }
}

/** `text` with every secret (and recognisable prefix of one) replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  // Longest first, so a key that contains another is removed whole.
  for (const s of [...new Set(secrets)].filter((x): x is string => typeof x === 'string' && x.length >= MIN_SECRET).sort((a, b) => b.length - a.length)) {
    out = redactOne(out, s);
  }
  return out;
}

/** Ambient credentials a Bedrock client may send (read by the AWS SDK from the environment). */
const AWS_ENV = ['AWS_BEARER_TOKEN_BEDROCK', 'AWS_SESSION_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID'];

/** Every credential a request to `type` may carry: the key Tack sent, and for Bedrock the AWS environment's. */
export function requestSecrets(apiKey: string | undefined, type: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return [...(apiKey ? [apiKey] : []), ...(type === 'bedrock' ? AWS_ENV.map(k => env[k]).filter((v): v is string => !!v) : [])];
}
