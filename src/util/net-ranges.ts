/**
 * Address lists as `http.trustProxy` takes them: IP addresses, CIDR ranges (`10.0.0.0/8`,
 * `fd00::/8`) and the names `loopback`, `linklocal`, `uniquelocal` (as proxy-addr, which fastify
 * uses, understands them). Shared by the config check and the HTTP room.
 */
import { BlockList, isIP } from 'node:net';

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Why an entry is not an address, range or known name; undefined when it is. */
export function badRangeReason(entry: string): string | undefined {
  if (entry in NAMED) return undefined;
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr ?? '');
  if (family === 0 || extra !== undefined)
    return `"${entry}" is not an IP address, a CIDR range (10.0.0.0/8) or one of ${Object.keys(NAMED).join(', ')}`;
  if (bits !== undefined) {
    const n = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    if (n < 0 || n > (family === 4 ? 32 : 128))
      return `"${entry}": the prefix length must be 0–${family === 4 ? 32 : 128}`;
  }
  return undefined;
}

/** A membership test for valid entries (check them with badRangeReason first; invalid ones are skipped). */
export function rangeMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const e of entries.flatMap((x) => NAMED[x] ?? [x])) {
    if (badRangeReason(e)) continue;
    const [addr, bits] = e.split('/') as [string, string | undefined];
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return (address) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
