import { lookup as systemLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../domain/errors.js';

// Where a webhook may be sent (SSRF guard). A URL must be https, carry no credentials, and every
// address its host resolves to must be an ordinary public unicast address: loopback, private,
// link-local, unique-local, carrier-grade NAT, multicast, broadcast, unspecified, reserved and
// other special-purpose ranges are refused (deny by default: anything ipaddr.js does not classify
// as `unicast`). WEBHOOK_ALLOW_PRIVATE_TARGETS admits http and the private kinds (loopback
// included), for development and tests; cloud metadata addresses are refused even then.
//
// The check runs at registration (checkWebhookUrl) and again at connect time (resolveTarget): the
// worker resolves once, checks every address, and connects to the address it was given, so a DNS
// answer that changes between check and connect (rebinding) is never followed.

export interface TargetOptions {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: http and private addresses (loopback included) are allowed. */
  allowPrivate: boolean;
  /** Resolves a host name to its addresses; the system resolver by default (tests may replace it). */
  lookup?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

const field = 'url';

/** Never a webhook target, whatever the configuration: instance metadata services. */
const metadataAddresses = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, …
  '169.254.170.2', // AWS ECS task metadata
  '100.100.100.200', // Alibaba Cloud
  'fd00:ec2::254', // AWS IMDS over IPv6
].map((address) => ipaddr.parse(address).toNormalizedString());

/** The ranges WEBHOOK_ALLOW_PRIVATE_TARGETS admits. */
const privateRanges = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat']);

const rangeNames: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local (private) address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

/** An address as ipaddr.js sees it, an IPv4-mapped IPv6 address (::ffff:10.0.0.1) unwrapped. */
function parsed(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const ip = ipaddr.parse(address);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()
    ? (ip as ipaddr.IPv6).toIPv4Address()
    : ip;
}

/**
 * Why an address may not be a webhook target (e.g. "a loopback address"), or undefined when it
 * may be. `address` must be an IP address (v4 or v6, without brackets).
 */
export function refusedAddress(
  address: string,
  options: Pick<TargetOptions, 'allowPrivate'>,
): string | undefined {
  const ip = parsed(address);
  if (metadataAddresses.includes(ip.toNormalizedString())) return 'a cloud metadata address';
  const range = ip.range();
  if (range === 'unicast') return undefined;
  if (options.allowPrivate && privateRanges.has(range)) return undefined;
  return rangeNames[range] ?? `a special-purpose address (${range})`;
}

interface Target {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
}

function parseTarget(url: string, options: TargetOptions): Target {
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new ValidationError(field, 'must be an absolute URL');
  }
  const schemes = options.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsedUrl.protocol)) {
    throw new ValidationError(
      field,
      options.allowPrivate ? 'must be an http or https URL' : 'must be an https URL',
    );
  }
  if (parsedUrl.username || parsedUrl.password) {
    throw new ValidationError(field, 'must not carry credentials (user:password@)');
  }
  const host = parsedUrl.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ValidationError(field, 'must name a host');
  return { url: parsedUrl, host };
}

async function addressesOf(
  target: Target,
  options: TargetOptions,
): Promise<{ address: string; family: 4 | 6 }[]> {
  if (ipaddr.isValid(target.host)) {
    return [{ address: target.host, family: ipaddr.parse(target.host).kind() === 'ipv6' ? 6 : 4 }];
  }
  const lookup = options.lookup ?? ((hostname) => systemLookup(hostname, { all: true, verbatim: true }));
  let found: { address: string; family: number }[];
  try {
    found = await lookup(target.host);
  } catch {
    found = [];
  }
  if (found.length === 0) throw new ValidationError(field, `the host ${target.host} does not resolve`);
  return found.map(({ address }) => ({ address, family: ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4 }));
}

function refuseAny(target: Target, addresses: { address: string }[], options: TargetOptions): void {
  for (const { address } of addresses) {
    const why = refusedAddress(address, options);
    if (!why) continue;
    throw new ValidationError(
      field,
      address === target.host
        ? `must not point at ${why} (${address})`
        : `must not point at ${why}: ${target.host} resolves to ${address}`,
    );
  }
}

/**
 * Checks a webhook URL at registration (and when it changes): https (or http with allowPrivate),
 * no credentials, a host that resolves, and no refused address among those it resolves to.
 * Throws a ValidationError on `url` saying which rule it broke.
 */
export async function checkWebhookUrl(url: string, options: TargetOptions): Promise<void> {
  const target = parseTarget(url, options);
  refuseAny(target, await addressesOf(target, options), options);
}

/**
 * At connect time: applies the same rules as checkWebhookUrl, resolving the host once, refusing if
 * any address it resolves to is refused, and returns the address to connect to (the first
 * resolved). The caller connects to that address (sending the URL's host as Host and TLS server
 * name), never resolving the name again.
 */
export async function resolveTarget(
  url: string,
  options: TargetOptions,
): Promise<{ address: string; family: 4 | 6 }> {
  const target = parseTarget(url, options);
  const addresses = await addressesOf(target, options);
  refuseAny(target, addresses, options);
  const [first] = addresses;
  if (!first) throw new ValidationError(field, `the host ${target.host} does not resolve`);
  return first;
}
