import type { EventEnvelope } from '../events/envelope.js';

// What a delivery sends: the event envelope every channel carries, as JSON (the default) or, for an
// endpoint that asked for application/xml, as the same envelope in XML. Either way the bytes sent
// are the bytes signed.
//
// The XML mirrors the JSON one to one, under a root <event>:
// - an object is an element per member, in the JSON's order; a member whose name is not a plain XML
//   name (or starts with "xml") is an <entry key="…"> instead, after the plain ones;
// - an array is an element holding one <item> per entry;
// - null is an empty element with nil="true"; an empty string is an empty element without it;
// - numbers and booleans are their JSON text.

/** True for a content type whose body is XML (application/xml, text/xml, application/*+xml). */
export function isXml(contentType: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml');
}

/** The body of a delivery of `envelope` to an endpoint that takes `contentType`. */
export async function deliveryBody(
  envelope: EventEnvelope | Record<string, unknown>,
  contentType: string,
): Promise<string> {
  return isXml(contentType) ? envelopeXml(envelope) : JSON.stringify(envelope);
}

// The XML builder is loaded with the first XML delivery: most instances never send one.
let builder: Promise<{ build(document: unknown): string }> | undefined;

async function xmlBuilder() {
  builder ??= import('fast-xml-parser').then(
    ({ XMLBuilder }) =>
      new XMLBuilder({
        ignoreAttributes: false,
        attributeNamePrefix: '@_',
        suppressBooleanAttributes: false,
        suppressEmptyNode: true,
      }),
  );
  return builder;
}

/** The envelope as an XML document (see above for the mapping). */
export async function envelopeXml(envelope: EventEnvelope | Record<string, unknown>): Promise<string> {
  return (await xmlBuilder()).build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    event: xmlValue(envelope),
  });
}

const plainName = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Characters XML 1.0 cannot carry at all, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

type XmlNode = string | Record<string, unknown>;

function xmlValue(value: unknown): XmlNode {
  if (value === null || value === undefined) return { '@_nil': 'true' };
  if (Array.isArray(value)) return { item: value.map(xmlValue) };
  if (typeof value === 'object') {
    const node: Record<string, unknown> = {};
    const entries: Record<string, unknown>[] = [];
    for (const [key, member] of Object.entries(value)) {
      if (plainName.test(key) && !key.toLowerCase().startsWith('xml')) node[key] = xmlValue(member);
      else entries.push(withKey(key, xmlValue(member)));
    }
    if (entries.length > 0) node.entry = entries;
    return node;
  }
  return String(value).replace(forbidden, '');
}

function withKey(key: string, node: XmlNode): Record<string, unknown> {
  const attribute = { '@_key': key.replace(forbidden, '') };
  return typeof node === 'string' ? { ...attribute, '#text': node } : { ...attribute, ...node };
}
