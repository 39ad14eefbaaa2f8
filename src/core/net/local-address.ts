/**
 * Whether a URL points at this machine or the local network, decided from addresses, not from spelling.
 * `http://0.0.0.0:8000`, `http://[::ffff:127.0.0.1]:8000`, `http://127.1`, `http://2130706433`, `http://0x7f000001`,
 * `http://0177.0.0.1`, `http://localhost.` and a name that DNS resolves to 127.0.0.1 all reach a local server;
 * a cloud key must go to none of them. The WHATWG URL parser already turns every numeric IPv4 form into dotted
 * decimal and compresses IPv6; this module classifies the result, and asks DNS (all addresses) for names.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** `loopback`: this machine; `private`: LAN, link-local, unique-local, CGNAT; `public`: anything else. */
export type AddressScope = 'loopback' | 'private' | 'public';

function v4Scope(o: number[]): AddressScope {
  const [a, b] = o;
  if (a === 127 || a === 0) return 'loopback'; // 0.0.0.0/8 connects to this host on Linux and macOS
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if ((a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  return 'public';
}

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some(p => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.map(Number);
}

/** Eight 16-bit groups of an IPv6 literal (zone id removed, an embedded dotted IPv4 tail allowed). */
function parseV6(s: string): number[] | undefined {
  let text = s.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = parseV4(v4[1]);
    if (!o) return undefined;
    text = text.slice(0, -v4[1].length) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const side = (h: string) => (h ? h.split(':').map(g => parseInt(g, 16)) : []);
  const head = side(halves[0]);
  const tail = halves.length === 2 ? side(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return groups.some(g => !Number.isInteger(g) || g < 0 || g > 0xffff) ? undefined : groups;
}

function v6Scope(g: number[]): AddressScope {
  const zeroUpTo = (n: number) => g.slice(0, n).every(x => x === 0);
  if (zeroUpTo(7) && (g[7] === 0 || g[7] === 1)) return 'loopback'; // :: and ::1
  const embedded = () => v4Scope([g[6] >> 8, g[6] & 0xff, g[7] >> 8, g[7] & 0xff]);
  if (zeroUpTo(5) && (g[5] === 0xffff || g[5] === 0)) return embedded(); // ::ffff:a.b.c.d, ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every(x => x === 0)) return embedded(); // NAT64
  if ((g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfe80) return 'private'; // fc00::/7, fe80::/10
  return 'public';
}

/** The scope of an IP literal (brackets allowed); undefined when `ip` is not one. */
export function ipScope(ip: string): AddressScope | undefined {
  const bare = ip.replace(/^\[|\]$/g, '');
  const kind = isIP(bare.replace(/%.*$/, ''));
  if (kind === 4) return v4Scope(parseV4(bare)!);
  if (kind === 6) {
    const g = parseV6(bare);
    return g ? v6Scope(g) : undefined;
  }
  return undefined;
}

/**
 * What can be told without DNS: IP literals, `localhost` and `*.localhost` (also with a trailing dot), `*.local`
 * (mDNS); undefined for other names. Never throws; an unparsable URL gives undefined.
 */
export function scopeFromSpelling(url: string): AddressScope | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const ip = ipScope(host);
  if (ip) return ip;
  const name = host.replace(/\.+$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'loopback';
  if (name.endsWith('.local') || name.endsWith('.internal') || name.endsWith('.lan') || name.endsWith('.home.arpa')) return 'private';
  if (!name.includes('.')) return 'private'; // a bare host name (`gpu-box`) is found on the local network
  return undefined;
}

export type LookupAll = (host: string) => Promise<Array<{ address: string }>>;

const systemLookup: LookupAll = host => lookup(host, { all: true, verbatim: true });

/**
 * The scope of `url` from its resolved addresses: the most local one wins (a name with both a public and a loopback
 * address counts as loopback). A name that does not resolve gives `unknown`: nothing can be said, so no key goes there.
 */
export async function resolvedScope(url: string, lookupAll: LookupAll = systemLookup): Promise<AddressScope | 'unknown'> {
  const spelled = scopeFromSpelling(url);
  if (spelled) return spelled;
  let host: string;
  try {
    host = new URL(url).hostname.replace(/\.+$/, '');
  } catch {
    return 'unknown';
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookupAll(host);
  } catch {
    return 'unknown';
  }
  const scopes = addresses.map(a => ipScope(a.address) ?? 'public');
  if (!scopes.length) return 'unknown';
  return scopes.includes('loopback') ? 'loopback' : scopes.includes('private') ? 'private' : 'public';
}
